//! The formats draw and count the same chart: the SVG, rasterized by an
//! independent renderer (resvg), matches the PNG of the same spec; the CSV
//! and JSON hold the bins behind the picture; every SVG is well-formed XML
//! with no script and no external reference.

use edgechart::render::render_chart;
use edgechart::spec::{parse_as, Format, RouteKind};

#[path = "support/png_rgb.rs"]
mod png_rgb;
use png_rgb::decode_rgb;

/// Rasterizes an SVG at its view box size (device pixels) into RGB over
/// nothing (the SVG paints its own background).
fn rasterize(svg: &[u8]) -> (u32, u32, Vec<u8>) {
    let tree =
        resvg::usvg::Tree::from_data(svg, &resvg::usvg::Options::default()).expect("SVG parses");
    let doc = roxmltree::Document::parse(std::str::from_utf8(svg).unwrap()).unwrap();
    let view: Vec<f32> = doc
        .root_element()
        .attribute("viewBox")
        .unwrap()
        .split(' ')
        .map(|v| v.parse().unwrap())
        .collect();
    let (w, h) = (view[2] as u32, view[3] as u32);
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h).unwrap();
    let size = tree.size();
    let transform =
        resvg::tiny_skia::Transform::from_scale(w as f32 / size.width(), h as f32 / size.height());
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    let rgb = pixmap
        .data()
        .chunks(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    (w, h, rgb)
}

/// How far apart two RGB images are: the share of pixels whose largest
/// channel difference exceeds 1/8 of full scale, and the largest share of
/// such pixels in any 16-pixel-high band (a misplaced line or bar shows
/// there even when the whole image hides it).
fn difference(a: &[u8], b: &[u8], width: u32) -> (f64, f64) {
    let far: Vec<bool> = a
        .chunks(3)
        .zip(b.chunks(3))
        .map(|(p, q)| p.iter().zip(q).map(|(x, y)| x.abs_diff(*y)).max().unwrap() > 32)
        .collect();
    let share = far.iter().filter(|&&f| f).count() as f64 / far.len() as f64;
    let band = (16 * width) as usize;
    let worst = far
        .chunks(band)
        .map(|c| c.iter().filter(|&&f| f).count() as f64 / c.len() as f64)
        .fold(0.0, f64::max);
    (share, worst)
}

fn render(format: Format, name: &str, query: &str) -> Vec<u8> {
    use std::sync::OnceLock;
    static FACES: OnceLock<edgechart::text::FaceSet> = OnceLock::new();
    let faces = FACES.get_or_init(edgechart::testing::all_faces);
    let spec = parse_as(format, name, Some(query), RouteKind::Named).expect("valid spec");
    let (bytes, missed) = edgechart::text::with_faces(faces, spec.lang.as_deref(), || {
        render_chart(&spec).expect("renders")
    });
    assert!(missed.is_empty(), "{name}: missed shards {missed:?}");
    bytes
}

/// The stated tolerance: at most 0.1% of all pixels, and 1% of any band,
/// more than 1/8 apart. Rectangles match exactly; only the anti-aliasing
/// of glyph edges differs (the PNG's is quantized to 12 coverage levels,
/// resvg's is not). Measured: at most 0.005% and 0.11%.
const MAX_SHARE: f64 = 0.001;
const MAX_BAND: f64 = 0.01;

#[test]
fn the_svg_draws_the_png() {
    let cases = [
        ("classic", ""),
        ("classic", "theme=dark"),
        ("classic", "dpr=2"),
        ("dark3", "theme=dark&dpr=3&w=400&h=300"),
        ("tiny", "w=64&h=64"),
        ("many", "n=100000&bins=1000&w=960&h=400"),
        (
            "values",
            "values=61.2,70.1,68.4,77.0,59.9,82.3&title=Body+weight+(kg)",
        ),
        (
            "i18n",
            "title=%C3%85ngstr%C3%B6m+%CE%94x+%D0%96%D1%83%D0%BA+%E6%BC%A2+%3C%26%3E",
        ),
        ("extreme", "values=-1e300,1e300,5e299"),
        // The vocabulary: faded overlaps, stacks, outlines, curves, marks,
        // legends, log axes and the turned y label.
        ("overlay", "values=1,2,2,3,3,3,4,4,5|2,3,3,4,4,4,5,5,6,7&labels=control|treatment&xlabel=score&ylabel=people&bins=7"),
        ("stack", "values=1,2,2,3,3,3,4|2,3,3,4,4,5|3,4,5,5,6&labels=a|b|c&mode=stack&bins=6&theme=dark"),
        ("side", "values=1,2,2,3,3,3,4|2,3,3,4,4,5&labels=a|b&mode=side&bins=6&dpr=2"),
        ("step", "values=1,2,2,3,3,3,4|2,3,3,4,4,5&labels=a|b&mode=step&bins=6"),
        ("kde", "n=2000&norm=density&kde=1&marks=mean,p5,p95&bins=40"),
        ("kde-dpr3", "n=500&kde=1&w=300&h=200&dpr=3&marks=median"),
        ("log", "values=0.2,0.5,1,1,2,3,5,8,13,21,34,55,89,144,233,377,610,987&xscale=log&yscale=log&bins=8&kde=1"),
        ("prebinned", "counts=3,8,15,22,18,9,4|1,4,9,18,25,20,8&edges=0,10,20,30,40,50,60,80&labels=us|eu&colors=e377c2,17becf"),
        // Text in every script: shaped glyphs from the shards, marks placed
        // by offsets, right to left, the turned y label.
        ("arabic", "title=%D9%85%D8%A8%D9%8A%D8%B9%D8%A7%D8%AA%202024%20(Q1)&ylabel=%D8%B9%D8%AF%D8%AF%20%D8%A7%D9%84%D8%A3%D9%8A%D8%A7%D9%85&xlabel=%D7%A9%D7%9C%D7%95%D7%9D%20world"),
        ("indic", "title=%E0%A4%A4%E0%A4%BE%E0%A4%AA%E0%A4%AE%E0%A4%BE%E0%A4%A8%20%E0%A6%A4%E0%A6%BE%E0%A6%AA%E0%A6%AE%E0%A6%BE%E0%A6%A4%E0%A7%8D%E0%A6%B0%E0%A6%BE%20%E0%B8%97%E0%B8%B5%E0%B9%88%E0%B8%99%E0%B8%B5%E0%B9%88&dpr=2"),
        ("cjk", "title=%E6%9D%B1%E4%BA%AC%E3%81%AE%E6%B0%97%E6%B8%A9%20%EC%84%9C%EC%9A%B8%20%E5%8C%97%E4%BA%AC&labels=%F0%9F%91%A9%E2%80%8D%F0%9F%92%BB|%F0%9F%87%AF%F0%9F%87%B5&values=1,2|2,3&theme=dark"),
    ];
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/output/formats");
    let mut failures = Vec::new();
    for (name, query) in cases {
        let png = render(Format::Png, name, query);
        let svg = render(Format::Svg, name, query);
        let (pw, ph, prgb) = decode_rgb(&png);
        let (sw, sh, srgb) = rasterize(&svg);
        assert_eq!((sw, sh), (pw, ph), "{name}?{query}: sizes");
        let (share, band) = difference(&prgb, &srgb, pw);
        eprintln!(
            "{name}?{query}: {:.3}% of pixels apart, worst band {:.3}%",
            share * 100.0,
            band * 100.0
        );
        // EDGECHART_WRITE_RASTERS=1 keeps every raster for a look.
        let keep = std::env::var_os("EDGECHART_WRITE_RASTERS").is_some();
        if keep || share > MAX_SHARE || band > MAX_BAND {
            std::fs::create_dir_all(&out).unwrap();
            let file = out.join(format!("{name}-{}.svg.png", query.len()));
            let mut enc = png::Encoder::new(std::fs::File::create(&file).unwrap(), sw, sh);
            enc.set_color(png::ColorType::Rgb);
            enc.write_header().unwrap().write_image_data(&srgb).unwrap();
        }
        if share > MAX_SHARE || band > MAX_BAND {
            let file = out.join(format!("{name}-{}.svg.png", query.len()));
            failures.push(format!(
                "{name}?{query}: {:.2}% apart (worst band {:.2}%); see {}",
                share * 100.0,
                band * 100.0,
                file.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_misplaced_bar_is_caught() {
    // The comparison can fail: shift every bar of the SVG by 3 pixels.
    let png = render(Format::Png, "classic", "");
    let svg = String::from_utf8(render(Format::Svg, "classic", "")).unwrap();
    let moved = svg.replace(
        "<path class=\"b\" d=\"",
        "<path class=\"b\" transform=\"translate(3 0)\" d=\"",
    );
    assert_ne!(moved, svg);
    let (_, _, prgb) = decode_rgb(&png);
    let (w, _, srgb) = rasterize(moved.as_bytes());
    let (share, band) = difference(&prgb, &srgb, w);
    assert!(share > MAX_SHARE || band > MAX_BAND, "{share} {band}");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Finite values the contract admits, from every corner: ordinary,
    /// integers, tiny and subnormal, near the +-1e300 bound, repeated.
    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            4 => -1e3..1e3f64,
            2 => any::<i32>().prop_map(f64::from),
            1 => (1u64..(1 << 52)).prop_map(f64::from_bits),
            1 => -1e300..1e300f64,
            1 => prop::sample::select(vec![0.0, -0.0, 1e300, -1e300, 1e16, 5e-324]),
        ]
    }

    fn query() -> impl Strategy<Value = String> {
        (
            prop::collection::vec(value(), 1..120),
            prop_oneof![
                Just("auto".to_string()),
                (1u32..=1000).prop_map(|b| b.to_string())
            ],
        )
            .prop_map(|(values, bins)| {
                let list: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
                format!("values={}&bins={bins}", list.join(","))
            })
    }

    /// `(start, end, count)` rows of the CSV, numbers parsed back.
    fn csv_rows(bytes: &[u8]) -> Vec<(f64, f64, u64)> {
        let text = std::str::from_utf8(bytes).unwrap();
        let mut lines = text.split("\r\n");
        assert_eq!(lines.next(), Some("bin_start,bin_end,count"));
        lines
            .filter(|l| !l.is_empty())
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                assert_eq!(f.len(), 3, "{l}");
                (
                    f[0].parse().unwrap(),
                    f[1].parse().unwrap(),
                    f[2].parse().unwrap(),
                )
            })
            .collect()
    }

    /// Counts sum to the values, and edges increase and touch.
    fn check_bins(rows: &[(f64, f64, u64)], n: usize) -> Result<(), TestCaseError> {
        prop_assert!(!rows.is_empty());
        prop_assert_eq!(rows.iter().map(|r| r.2).sum::<u64>(), n as u64);
        for r in rows {
            prop_assert!(r.0 < r.1, "bin {:?} does not increase", r);
        }
        for w in rows.windows(2) {
            prop_assert_eq!(w[0].1.to_bits(), w[1].0.to_bits(), "bins do not touch");
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(48),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// For any accepted spec: the CSV and the JSON hold every value in
        /// increasing, touching bins, they agree with each other, and the
        /// JSON's summary counts and bounds the values.
        #[test]
        fn csv_and_json_hold_every_value(q in query()) {
            let spec = parse_as(Format::Csv, "p", Some(&q), RouteKind::Named);
            let Ok(spec) = spec else { return Ok(()) };
            let values = match &spec.data {
                edgechart::spec::Data::Values(v) => v.concat(),
                _ => unreachable!(),
            };
            let rows = csv_rows(&render_chart(&spec).unwrap());
            check_bins(&rows, values.len())?;
            let json_spec = parse_as(Format::Json, "p", Some(&q), RouteKind::Named).unwrap();
            let json_bytes = render_chart(&json_spec).unwrap();
            let json: serde_json::Value = serde_json::from_slice(&json_bytes).unwrap();
            prop_assert_eq!(json["bins"].as_array().map(Vec::len), Some(rows.len()));
            // serde_json's default float parser may miss by an ulp: read the
            // numbers with Rust's exact one, straight from the text.
            let text = std::str::from_utf8(&json_bytes).unwrap();
            let in_bins = &text[text.find("\"bins\":").unwrap()..];
            let (starts, ends, counts) = (numbers(in_bins, "start"), numbers(in_bins, "end"), numbers(in_bins, "count"));
            let bins: Vec<(f64, f64, u64)> = (0..rows.len())
                .map(|i| (starts[i], ends[i], counts[i] as u64))
                .collect();
            prop_assert_eq!(&bins, &rows);
            prop_assert_eq!(json["summary"]["count"].as_u64(), Some(values.len() as u64));
            let min = values.iter().copied().fold(f64::INFINITY, f64::min);
            let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            prop_assert_eq!(numbers(text, "min")[0].to_bits(), min.to_bits());
            prop_assert_eq!(numbers(text, "max")[0].to_bits(), max.to_bits());
            let mean = numbers(text, "mean")[0];
            prop_assert!(mean >= min && mean <= max, "mean {} outside [{}, {}]", mean, min, max);
            prop_assert!(numbers(text, "std_dev")[0] >= 0.0);
        }

        /// For any accepted spec and theme: the SVG is well-formed XML with
        /// no script, no external reference and its title, and it draws.
        #[test]
        fn any_svg_is_well_formed_and_self_contained(
            q in query(),
            theme in prop::sample::select(vec!["light", "dark", "auto"]),
            title in title(),
        ) {
            let q = format!("{q}&theme={theme}&w=200&h=150&title={}", urlencode(&title));
            let Ok(spec) = parse_as(Format::Svg, "p", Some(&q), RouteKind::Named) else { return Ok(()) };
            let bytes = render_chart(&spec).unwrap();
            let text = std::str::from_utf8(&bytes).unwrap();
            let doc = roxmltree::Document::parse(text).map_err(|e| TestCaseError::fail(format!("{e}: {q}")))?;
            for node in doc.descendants().filter(|n| n.is_element()) {
                prop_assert!(!matches!(node.tag_name().name(), "script" | "foreignObject" | "image"));
                for a in node.attributes() {
                    prop_assert!(!a.name().starts_with("on"), "event handler {}", a.name());
                    if a.name() == "href" {
                        prop_assert!(a.value().starts_with('#'), "external {}", a.value());
                    }
                }
            }
            let svg_title = doc.descendants().find(|n| n.has_tag_name("title")).and_then(|n| n.text()).unwrap_or("");
            prop_assert_eq!(svg_title.chars().count(), spec.title.chars().count());
            prop_assert!(resvg::usvg::Tree::from_str(text, &resvg::usvg::Options::default()).is_ok());
        }
    }

    /// Titles of any characters, with those that XML and the escaping find
    /// hard (markup, `]]>`, the noncharacters, line separators) drawn often.
    fn title() -> impl Strategy<Value = String> {
        let hard = prop::sample::select(vec![
            '<',
            '>',
            '&',
            '"',
            '\'',
            ']',
            '\u{FFFE}',
            '\u{FFFF}',
            '\u{FDD0}',
            '\u{FFFD}',
            '\u{2028}',
            '\u{202E}',
            '\u{E000}',
            '\u{10FFFD}',
            '\u{1FFFE}',
            '\u{85}',
            '\t',
        ]);
        prop::collection::vec(prop_oneof![2 => any::<char>(), 1 => hard], 0..40)
            .prop_map(String::from_iter)
    }

    /// Every number after `"key":` in JSON text, parsed exactly.
    fn numbers(text: &str, key: &str) -> Vec<f64> {
        let pat = format!("\"{key}\":");
        text.match_indices(&pat)
            .map(|(i, _)| {
                let rest = &text[i + pat.len()..];
                let end = rest.find([',', '}']).unwrap();
                rest[..end].parse().unwrap()
            })
            .collect()
    }
}

/// Two charts inlined in one HTML page share one id space: a glyph id that
/// both define must be the same outline, so either definition draws both.
#[test]
fn glyph_ids_mean_the_same_outline_in_every_chart() {
    let defs = |svg: &[u8]| -> std::collections::HashMap<String, String> {
        let text = std::str::from_utf8(svg).unwrap().to_string();
        let doc = roxmltree::Document::parse(&text).unwrap();
        doc.descendants()
            .filter(|n| n.has_tag_name("path") && n.attribute("id").is_some())
            .map(|n| {
                (
                    n.attribute("id").unwrap().to_string(),
                    n.attribute("d").unwrap().to_string(),
                )
            })
            .collect()
    };
    let a = defs(&render(Format::Svg, "sales", "dpr=2"));
    let b = defs(&render(
        Format::Svg,
        "other",
        "title=Sales+2026&theme=dark&values=1,2,3",
    ));
    let shared: Vec<_> = a.keys().filter(|k| b.contains_key(*k)).collect();
    assert!(shared.len() >= 5, "{shared:?}");
    for id in shared {
        assert_eq!(a[id], b[id], "{id}");
    }
}

/// Titles that are hard for markup (`]]>`, `<!--`, quotes, line and
/// paragraph separators, a bidi override, private use, the last plane, the
/// noncharacters) are accepted, as the contract says (any UTF-8 without
/// controls), and every format carries them: the JSON's `title` parses back
/// to the title exactly, and so does the SVG's `<title>`, except that
/// U+FFFE and U+FFFF, which XML cannot hold at all, become U+FFFD there.
#[test]
fn hard_titles_survive_every_format() {
    let titles = [
        ("]]> <!-- --> <?x?> &amp; \"q\" 'a'", None),
        ("line\u{2028}para\u{2029}end", None),
        ("\u{202E}reversed\u{202C} and \u{200B}zero width", None),
        (
            "\u{E000}\u{F8FF}\u{10FFFD} \u{FFFD} \u{FDD0}\u{1FFFE}",
            None,
        ),
        ("𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u{1F4C8} 漢字", None),
        ("\u{FFFE}a\u{FFFF}", Some("\u{FFFD}a\u{FFFD}")),
    ];
    for (t, in_svg) in titles {
        let q = format!("title={}", urlencode(t));
        let svg_spec = parse_as(Format::Svg, "t", Some(&q), RouteKind::Named)
            .unwrap_or_else(|e| panic!("{t:?} refused: {e:?}"));
        let svg = String::from_utf8(render_chart(&svg_spec).unwrap()).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{t:?}: {e}"));
        let title = doc
            .descendants()
            .find(|n| n.has_tag_name("title"))
            .and_then(|n| n.text());
        assert_eq!(title, Some(in_svg.unwrap_or(t)), "SVG title");

        let json_spec = parse_as(Format::Json, "t", Some(&q), RouteKind::Named).unwrap();
        let json: serde_json::Value =
            serde_json::from_slice(&render_chart(&json_spec).unwrap()).unwrap();
        assert_eq!(json["title"].as_str(), Some(t), "JSON title");
    }
}

/// Every byte of `s` percent-escaped: the query spelling of any text.
fn urlencode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}
