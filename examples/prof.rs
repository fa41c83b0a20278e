use edgechart::{binning, data, draw, encode, spec};
use std::time::Instant;
fn main() {
    let s = spec::parse(
        "wide",
        Some("w=4096&h=1024&n=100000&bins=1000"),
        spec::RouteKind::Named,
    )
    .unwrap();
    for _ in 0..3 {
        let t = Instant::now();
        let xs = data::samples(&s.data, data::seed_for_name(&s.name));
        let a = t.elapsed();
        let t = Instant::now();
        let h = binning::histogram(&xs, s.bins);
        let b = t.elapsed();
        let t = Instant::now();
        let c = draw::draw_histogram(&h, &s, draw::TextMode::Draw).unwrap();
        let d = t.elapsed();
        let t = Instant::now();
        let p = encode::encode_png(&c).unwrap();
        let e = t.elapsed();
        let t = Instant::now();
        let pk = encode::pack4(&c.pixels, c.width as usize);
        let f = t.elapsed();
        println!(
            "data {a:?} bin {b:?} draw {d:?} encode {e:?} (pack {f:?}) {} {}",
            p.len(),
            pk.len()
        );
    }
}
