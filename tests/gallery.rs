//! The vocabulary's combinations, rendered for people to look at: every
//! row of [`GALLERY`] in PNG at 1x and 2x, light and dark, and as SVG with
//! `theme=auto`, written to `tests/output/gallery/` with an `index.html`
//! that shows them side by side. The checks here are the ones a picture
//! can fail without a golden: each renders, at its size, with the colours
//! its series need (an 8-bit palette only when 16 do not suffice).

use std::fmt::Write as _;
use std::path::PathBuf;

use edgechart::render::render_chart;
use edgechart::spec::{parse_as, Format, RouteKind};

#[path = "support/png_rgb.rs"]
mod png_rgb;
use png_rgb::decode_rgb;

/// Two normal-ish samples, a heavy tail and a skewed one, written out so
/// the gallery needs no generator.
fn sample(seed: u32, n: usize, centre: f64, spread: f64) -> String {
    let mut x = seed | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        f64::from(x) / f64::from(u32::MAX)
    };
    (0..n)
        .map(|_| {
            let s: f64 = (0..6).map(|_| next()).sum::<f64>() - 3.0;
            format!("{:.2}", centre + spread * s)
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn gallery() -> Vec<(&'static str, String)> {
    let a = sample(7, 300, 60.0, 8.0);
    let b = sample(11, 300, 68.0, 10.0);
    let c = sample(13, 200, 75.0, 5.0);
    let skew: String = (1..400)
        .map(|i| format!("{:.3}", (f64::from(i) / 40.0).exp() / 10.0))
        .collect::<Vec<_>>()
        .join(",");
    vec![
        ("classic", String::new()),
        ("overlay", format!("values={a}|{b}&labels=control|treatment&xlabel=weight+(kg)&ylabel=people&title=A%2FB")),
        ("stack", format!("values={a}|{b}|{c}&labels=2023|2024|2025&mode=stack&bins=20")),
        ("side", format!("values={a}|{b}&labels=before|after&mode=side&bins=12")),
        ("step", format!("values={a}|{b}|{c}&labels=a|b|c&mode=step&bins=30")),
        ("density-kde-marks", format!("values={a}|{b}&labels=control|treatment&norm=density&kde=1&marks=mean,p90")),
        ("one-kde-marks", format!("values={a}&kde=1&marks=mean,median,p5,p95&norm=density")),
        ("cumulative", format!("values={a}|{b}&labels=control|treatment&cumulative=1&norm=percent&mode=step")),
        ("cumulative-back", format!("values={a}&cumulative=-1&norm=probability")),
        ("prebinned", "counts=3,8,15,22,18,9,4|1,4,9,18,25,20,8&edges=0,10,20,30,40,50,60,80&labels=us|eu&ylabel=requests&xlabel=latency+(ms)".to_string()),
        ("log-x", format!("values={skew}&xscale=log&bins=sturges&kde=1")),
        ("log-y", "n=100000&yscale=log&bins=200".to_string()),
        ("range", format!("values={a}&range=50,70&bins=10&marks=55")),
        ("edges", format!("values={a}&edges=30,50,55,60,65,70,90&norm=density&kde=1")),
        ("binwidth", format!("values={b}&binwidth=5&colors=8c564b")),
        ("colors", format!("values={a}|{b}&colors=e377c2,17becf&labels=pink|cyan")),
        ("eight", (0..8).map(|i| sample(i * 3 + 1, 100, f64::from(i) * 4.0, 3.0)).collect::<Vec<_>>().join("|")),
    ]
    .into_iter()
    .map(|(n, q)| (n, if n == "eight" { format!("values={q}&labels=a|b|c|d|e|f|g|h&mode=step") } else { q }))
    .collect()
}

#[test]
fn the_gallery_renders_and_is_written_for_a_look() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/output/gallery");
    std::fs::create_dir_all(&dir).unwrap();
    let mut html = String::from("<!doctype html><meta charset=utf-8><title>gallery</title><style>body{font:13px sans-serif}img{border:1px solid #ccc;margin:4px;vertical-align:top}</style>\n");
    for (name, q) in gallery() {
        let _ = writeln!(
            html,
            "<h3>{name}</h3><p><code>{}</code></p>",
            &q[..q.len().min(160)]
        );
        for (variant, extra) in [("1x", ""), ("2x", "&dpr=2"), ("dark", "&theme=dark")] {
            let query = format!("{q}{extra}");
            let parsed =
                edgechart::spec::parse_with_cost(Format::Png, "g", Some(&query), RouteKind::Named);
            // The flow's check after layout too (its paint work).
            let parsed = parsed.and_then(|(spec, spent)| {
                match edgechart::render::render_within(
                    &spec,
                    edgechart::chart::data::seed_for_name("g"),
                    spent,
                ) {
                    Ok(png) => Ok((spec, png)),
                    Err(edgechart::render::Refused::OverBudget(e)) => Err(e),
                    Err(edgechart::render::Refused::Failed(e)) => {
                        panic!("{name} {variant}: {}", e.0)
                    }
                }
            });
            let (spec, png) = match parsed {
                Ok(parsed) => parsed,
                // Refused as too costly for a request's CPU budget: the
                // contract's answer; the page says so.
                Err(e) if e.message.contains("CPU budget") && variant != "1x" => {
                    let _ = write!(html, "<p>{variant}: {}</p>", e.message);
                    continue;
                }
                Err(e) => panic!("{name} {variant}: {}", e.message),
            };
            let (w, h, _) = decode_rgb(&png);
            assert_eq!((w, h), spec.pixel_size(), "{name} {variant}");
            // Colour type and depth: byte 24 is the bit depth.
            let depth = png[24];
            let series = spec.data.series_count();
            if series == 1 && !spec.kde && spec.marks.is_empty() {
                assert_eq!(
                    depth, 4,
                    "{name} {variant}: one plain series fits 16 colours"
                );
            }
            let file = format!("{name}-{variant}.png");
            std::fs::write(dir.join(&file), &png).unwrap();
            let _ = write!(html, "<img src=\"{file}\" width=\"{}\">", spec.width);
        }
        let spec = parse_as(
            Format::Svg,
            "g",
            Some(&format!("{q}&theme=auto")),
            RouteKind::Named,
        )
        .unwrap();
        let svg = render_chart(&spec).unwrap();
        let file = format!("{name}-auto.svg");
        std::fs::write(dir.join(&file), &svg).unwrap();
        let _ = writeln!(html, "<img src=\"{file}\">");
    }
    std::fs::write(dir.join("index.html"), html).unwrap();
}
