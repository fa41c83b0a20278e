use edgechart::{binning, data, draw, encode, spec};
use std::time::Instant;
fn main() {
    let s = spec::parse(
        "sales",
        std::env::args().nth(1).as_deref(),
        spec::RouteKind::Named,
    )
    .unwrap();
    let reps = 50;
    let time = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        for _ in 0..reps {
            f()
        }
        t.elapsed().as_secs_f64() * 1e3 / reps as f64
    };
    let d = time(&mut || {
        std::hint::black_box(data::samples(&s.data, data::seed_for_name(&s.name)));
    });
    let xs = data::samples(&s.data, data::seed_for_name(&s.name));
    let h = binning::histogram(&xs, s.bins);
    let dr = time(&mut || {
        std::hint::black_box(draw::draw_histogram(&h, &s, draw::TextMode::Skip).unwrap());
    });
    let dt = time(&mut || {
        std::hint::black_box(draw::draw_histogram(&h, &s, draw::TextMode::Draw).unwrap());
    });
    let c = draw::draw_histogram(&h, &s, draw::TextMode::Draw).unwrap();
    let e = time(&mut || {
        std::hint::black_box(encode::encode_png(&c).unwrap());
    });
    println!(
        "data {d:.3} draw {dr:.3} text {:.3} encode {e:.3} bytes {}",
        dt - dr,
        encode::encode_png(&c).unwrap().len()
    );
}
