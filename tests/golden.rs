//! Golden files: each case is rendered natively and compared with
//! `tests/golden/NAME.EXT`: PNGs pixel for pixel, then byte for byte; SVG,
//! CSV and JSON byte for byte (the first differing line is reported). A
//! mismatch writes the new file to `tests/output/golden/` for a look.
//! Regenerate on purpose only:
//!     EDGECHART_BLESS=1 cargo test --release --test golden
//! `tests/golden/digests.txt` pins each golden's SHA-256 per renderer
//! version. Blessing refuses to change bytes that are pinned for the current
//! version: a new row in `identity::RELEASES` (a new version and release
//! date, so new ETags and a new Last-Modified) must come first.

use std::path::PathBuf;

use std::collections::BTreeMap;

use edgechart::serve::flow::handle;
use edgechart::serve::http::{Request, Response};
use edgechart::serve::store::HotCache;
use edgechart::spec::identity::{digest, RENDERER_VERSION};
use edgechart::testing::{block_on, FixedHost, MemoryStore};

#[path = "support/png_rgb.rs"]
mod png_rgb;
use png_rgb::decode_rgb;

/// `(name, target)`: the golden file is `NAME.EXT`, EXT the target's format.
const CASES: &[(&str, &str)] = &[
    ("classic", "/charts/sales.png"),
    ("classic-dark", "/charts/sales.png?theme=dark"),
    ("classic-dpr2", "/charts/sales.png?dpr=2"),
    ("classic-dark-dpr3", "/charts/sales.png?theme=dark&dpr=3&w=400&h=300"),
    ("values", "/charts/weights.png?values=61.2,70.1,68.4,77.0,59.9,82.3,71.5,66.0,69.8,73.3,64.2,70.0&title=Body+weight+(kg)"),
    ("many-draws", "/charts/big.png?n=100000&bins=250&w=960&h=400"),
    ("tiny", "/charts/t.png?w=64&h=64"),
    ("odd-size", "/charts/odd.png?w=301&h=157&bins=40"),
    ("no-title", "/charts/quiet.png?title="),
    ("title-scripts", "/charts/i18n.png?title=%C3%85ngstr%C3%B6m+%CE%94x+%D0%96%D1%83%D0%BA+%E2%88%91+%E2%82%AC+%E6%BC%A2+%F0%9F%98%80"),
    ("error-400", "/charts/x.png?w=99999"),
    // Numeric extremes (hostile input): each draws its data, with labels.
    ("extreme-subnormal", "/charts/e.png?values=0,1e-308"),
    ("extreme-widest", "/charts/e.png?values=-1e300,1e300,5e299"),
    ("extreme-single-1e16", "/charts/e.png?values=1e16"),
    ("extreme-near-equal", "/charts/e.png?values=1e16,10000000000000002,10000000000000004"),
    ("extreme-1000-bins", "/charts/e.png?values=0,0&bins=1000"),
    ("extreme-1000-bins-narrow", "/charts/e.png?n=5000&bins=1000&w=240&h=160"),
    // The same charts as vectors and as data.
    ("classic", "/charts/sales.svg"),
    ("classic-dark", "/charts/sales.svg?theme=dark"),
    ("classic-auto", "/charts/sales.svg?theme=auto"),
    ("classic-dpr2", "/charts/sales.svg?dpr=2"),
    ("tiny", "/charts/t.svg?w=64&h=64"),
    ("title-markup", "/charts/m.svg?title=%3Cb%3E+%26+%22q%22+%E6%BC%A2+%EF%BF%BF"),
    ("classic", "/charts/sales.csv"),
    ("classic", "/charts/sales.json"),
    ("values", "/charts/weights.csv?values=61.2,70.1,68.4,77.0,59.9,82.3,71.5,66.0,69.8,73.3,64.2,70.0"),
    ("values", "/charts/weights.json?values=61.2,70.1,68.4,77.0,59.9,82.3,71.5,66.0,69.8,73.3,64.2,70.0&title=Body+weight+(kg)"),
    ("extreme-widest", "/charts/e.csv?values=-1e300,1e300,5e299"),
    ("extreme-widest", "/charts/e.json?values=-1e300,1e300,5e299"),
    ("extreme-subnormal", "/charts/e.json?values=0,1e-308"),
    // The vocabulary (renderer 9), in every format.
    ("overlay", "/charts/ab.png?values=1,2,2,3,3,3,4,4,5|2,3,3,4,4,4,5,5,6,7&labels=control|treatment&xlabel=score&ylabel=people&bins=7"),
    ("overlay", "/charts/ab.svg?values=1,2,2,3,3,3,4,4,5|2,3,3,4,4,4,5,5,6,7&labels=control|treatment&xlabel=score&ylabel=people&bins=7&theme=auto"),
    ("overlay", "/charts/ab.csv?values=1,2,2,3,3,3,4,4,5|2,3,3,4,4,4,5,5,6,7&labels=control|treatment&bins=7"),
    ("overlay", "/charts/ab.json?values=1,2,2,3,3,3,4,4,5|2,3,3,4,4,4,5,5,6,7&labels=control|treatment&bins=7"),
    ("stack-dark", "/charts/s.png?values=1,2,2,3,3,3,4|2,3,3,4,4,5|3,4,5,5,6&labels=a|b|c&mode=stack&bins=6&theme=dark"),
    ("side", "/charts/s.png?values=1,2,2,3,3,3,4|2,3,3,4,4,5&labels=a|b&mode=side&bins=6"),
    ("step-dpr2", "/charts/s.png?values=1,2,2,3,3,3,4|2,3,3,4,4,5&labels=a|b&mode=step&bins=6&dpr=2"),
    ("density-kde-marks", "/charts/d.png?n=2000&norm=density&kde=1&marks=mean,p5,p95&bins=40"),
    ("density-kde-marks", "/charts/d.svg?n=2000&norm=density&kde=1&marks=mean,p5,p95&bins=40"),
    ("density-kde-marks", "/charts/d.csv?n=2000&norm=density&kde=1&marks=mean,p5,p95&bins=40"),
    ("density-kde-marks", "/charts/d.json?n=2000&norm=density&kde=1&marks=mean,p5,p95&bins=40"),
    ("marks-close", "/charts/m.png?values=1,2,3,4,5,6,7,8,9,20&marks=median,mean,p5,p95&dpr=2"),
    ("marks-close", "/charts/m.svg?values=1,2,3,4,5|1.1,2,3,4,5.1&labels=a|b&marks=mean,median"),
    ("cumulative", "/charts/c.png?n=500&cumulative=1&norm=percent&mode=step&bins=30"),
    ("cumulative", "/charts/c.csv?n=500&cumulative=-1&norm=probability&bins=10"),
    ("prebinned", "/charts/p.png?counts=3,8,15,22,18,9,4|1,4,9,18,25,20,8&edges=0,10,20,30,40,50,60,80&labels=us|eu&xlabel=latency+(ms)"),
    ("prebinned", "/charts/p.json?counts=3,8,15,22,18,9,4|1,4,9,18,25,20,8&edges=0,10,20,30,40,50,60,80&labels=us|eu&marks=median"),
    ("log-axes", "/charts/l.png?values=0.2,0.5,1,1,2,3,5,8,13,21,34,55,89,144,233,377,610,987&xscale=log&yscale=log&bins=8"),
    ("log-axes", "/charts/l.json?values=0.2,0.5,1,1,2,3,5,8,13,21,34,55,89,144,233,377,610,987&xscale=log&bins=8"),
    ("range-binwidth", "/charts/r.csv?values=0.1,0.2,0.3,0.4,0.5,0.6,0.7,1.5,-3&range=0,1&binwidth=0.25"),
    ("range-binwidth", "/charts/r.json?values=0.1,0.2,0.3,0.4,0.5,0.6,0.7,1.5,-3&range=0,1&binwidth=0.25"),
    ("colors-edges", "/charts/k.png?values=1,2,2,3,7,8|2,2,5,9&colors=e377c2,17becf&edges=0,2,3,5,10&norm=density&kde=1"),
    // Text in every script (renderer 10): shaped, bidi, from the shards.
    ("script-arabic", "/charts/t.png?title=%D9%85%D8%A8%D9%8A%D8%B9%D8%A7%D8%AA%202024%20%28Q1%29&xlabel=%D8%AF%D8%B1%D8%AC%D8%A9%20%D8%A7%D9%84%D8%AD%D8%B1%D8%A7%D8%B1%D8%A9%20%28%C2%B0C%29&ylabel=%D8%B9%D8%AF%D8%AF%20%D8%A7%D9%84%D8%A3%D9%8A%D8%A7%D9%85&values=1%2C2%2C2%2C3%2C3%2C3%2C4%2C4%2C5&bins=5"),
    ("script-arabic", "/charts/t.svg?title=%D9%85%D8%A8%D9%8A%D8%B9%D8%A7%D8%AA%202024%20%28Q1%29&xlabel=%D8%AF%D8%B1%D8%AC%D8%A9%20%D8%A7%D9%84%D8%AD%D8%B1%D8%A7%D8%B1%D8%A9%20%28%C2%B0C%29&ylabel=%D8%B9%D8%AF%D8%AF%20%D8%A7%D9%84%D8%A3%D9%8A%D8%A7%D9%85&values=1%2C2%2C2%2C3%2C3%2C3%2C4%2C4%2C5&bins=5"),
    ("script-hebrew-dark", "/charts/t.png?title=%D7%A9%D7%9C%D7%95%D7%9D%20world%20123&labels=%D7%9C%D7%A4%D7%A0%D7%99%7C%D7%90%D7%97%D7%A8%D7%99&values=1%2C2%2C2%2C3%7C2%2C3%2C3%2C4&bins=4&theme=dark"),
    ("script-indic", "/charts/t.png?title=%E0%A4%A4%E0%A4%BE%E0%A4%AA%E0%A4%AE%E0%A4%BE%E0%A4%A8%20%28%C2%B0C%29%20%C2%B7%20%E0%A6%A4%E0%A6%BE%E0%A6%AA%E0%A6%AE%E0%A6%BE%E0%A6%A4%E0%A7%8D%E0%A6%B0%E0%A6%BE%20%C2%B7%20%E0%AE%B5%E0%AF%86%E0%AE%AA%E0%AF%8D%E0%AE%AA%E0%AE%A8%E0%AE%BF%E0%AE%B2%E0%AF%88&xlabel=%E0%B2%89%E0%B2%B7%E0%B3%8D%E0%B2%A3%E0%B2%BE%E0%B2%82%E0%B2%B6%20%C2%B7%20%E0%B4%8A%E0%B4%B7%E0%B5%8D%E0%B4%AE%E0%B4%BE%E0%B4%B5%E0%B5%8D%20%C2%B7%20%E0%B0%89%E0%B0%B7%E0%B1%8D%E0%B0%A3%E0%B1%8B%E0%B0%97%E0%B1%8D%E0%B0%B0%E0%B0%A4&values=1%2C2%2C2%2C3%2C3%2C4&bins=4&dpr=2"),
    ("script-sea", "/charts/t.png?title=%E0%B8%AD%E0%B8%B8%E0%B8%93%E0%B8%AB%E0%B8%A0%E0%B8%B9%E0%B8%A1%E0%B8%B4%20%C2%B7%20%E0%BA%AD%E0%BA%B8%E0%BA%99%E0%BA%AB%E0%BA%B0%E0%BA%9E%E0%BA%B9%E0%BA%A1%20%C2%B7%20%E1%9E%9F%E1%9E%B8%E1%9E%8F%E1%9E%BB%E1%9E%8E%E1%9F%92%E1%9E%A0%E1%9E%97%E1%9E%B6%E1%9E%96%20%C2%B7%20%E1%80%A1%E1%80%95%E1%80%B0%E1%80%81%E1%80%BB%E1%80%AD%E1%80%94%E1%80%BA&values=1%2C2%2C2%2C3%2C3%2C4&bins=4"),
    ("script-cjk", "/charts/t.png?title=%E6%9D%B1%E4%BA%AC%E3%81%AE%E6%B0%97%E6%B8%A9%20%C2%B7%20%E5%8C%97%E4%BA%AC%E6%B0%94%E6%B8%A9%20%C2%B7%20%EC%84%9C%EC%9A%B8%20%EA%B8%B0%EC%98%A8&labels=%E6%97%A5%E6%9C%AC%E8%AA%9E%7C%E4%B8%AD%E6%96%87%7C%ED%95%9C%EA%B5%AD%EC%96%B4&values=1%2C2%2C2%2C3%7C2%2C3%2C3%2C4%7C3%2C4%2C4%2C5&bins=5"),
    ("script-han-tc", "/charts/t.png?title=%E7%9B%B4%E8%A7%92%E4%B8%89%E8%A7%92%E5%BD%A2%E7%9A%84%E8%BE%B9%20%E8%87%BA%E7%81%A3&lang=zh-Hant&values=1%2C2%2C2%2C3&bins=3"),
    ("script-han-ja", "/charts/t.svg?title=%E7%9B%B4%E8%A7%92%E4%B8%89%E8%A7%92%E5%BD%A2%E7%9A%84%E8%BE%B9%20%E8%87%BA%E7%81%A3&lang=ja&values=1%2C2%2C2%2C3&bins=3"),
    ("script-emoji", "/charts/t.png?title=Deploys%20%F0%9F%9A%80%20%F0%9F%91%A9%E2%80%8D%F0%9F%92%BB%20%F0%9F%87%AF%F0%9F%87%B5%20%F0%9F%87%A7%F0%9F%87%B7%20%23%EF%B8%8F%E2%83%A3&labels=%F0%9F%91%8D%7C%F0%9F%91%8E%F0%9F%8F%BD&values=1%2C2%2C2%2C3%7C2%2C3%2C3%2C4&bins=4"),
    ("script-mixed", "/charts/t.svg?title=%E6%9D%B1%E4%BA%AC%E3%81%AE%E6%B0%97%E6%B8%A9%20%D8%AF%D8%B1%D8%AC%D8%A9%20%D8%A7%D9%84%D8%AD%D8%B1%D8%A7%D8%B1%D8%A9%20%E0%A4%A4%E0%A4%BE%E0%A4%AA%E0%A4%AE%E0%A4%BE%E0%A4%A8&xlabel=%CE%95%CE%BB%CE%BB%CE%B7%CE%BD%CE%B9%CE%BA%CE%AC%20%C2%B7%20%D0%9A%D0%B8%D1%80%D0%B8%D0%BB%D0%BB%D0%B8%D1%86%D0%B0%20%C2%B7%20Latin&values=1%2C2%2C2%2C3%2C3%2C4&bins=4&theme=auto"),
    ("script-cut-rtl", "/charts/t.png?title=%D9%85%D8%AA%D9%88%D8%B3%D8%B7%20%D8%AF%D8%B1%D8%AC%D8%A7%D8%AA%20%D8%A7%D9%84%D8%AD%D8%B1%D8%A7%D8%B1%D8%A9%20%D8%A7%D9%84%D8%B4%D9%87%D8%B1%D9%8A%D8%A9%20%D9%81%D9%8A%20%D8%A7%D9%84%D9%85%D8%AF%D9%86%20%D8%A7%D9%84%D8%B9%D8%B1%D8%A8%D9%8A%D8%A9%20%D8%A7%D9%84%D9%83%D8%A8%D8%B1%D9%89%20%D8%AE%D9%84%D8%A7%D9%84%20%D8%B9%D8%A7%D9%85%202024%20%D8%AD%D8%B3%D8%A8%20%D8%A7%D9%84%D9%85%D9%86%D8%B7%D9%82%D8%A9&w=320&h=200&values=1%2C2%2C2%2C3&bins=3"),
    ("script-cut-ltr", "/charts/t.png?title=%E0%A4%A8%E0%A4%88%20%E0%A4%A6%E0%A4%BF%E0%A4%B2%E0%A5%8D%E0%A4%B2%E0%A5%80%20%E0%A4%AE%E0%A5%87%E0%A4%82%20%E0%A4%AE%E0%A4%BE%E0%A4%B8%E0%A4%BF%E0%A4%95%20%E0%A4%94%E0%A4%B8%E0%A4%A4%20%E0%A4%A4%E0%A4%BE%E0%A4%AA%E0%A4%AE%E0%A4%BE%E0%A4%A8%20%E0%A4%94%E0%A4%B0%20%E0%A4%B5%E0%A4%B0%E0%A5%8D%E0%A4%B7%E0%A4%BE%20%E0%A4%95%E0%A5%87%20%E0%A4%86%E0%A4%81%E0%A4%95%E0%A4%A1%E0%A4%BC%E0%A5%87%20%E0%A4%B5%E0%A4%B0%E0%A5%8D%E0%A4%B7%202024%20%E0%A4%95%E0%A5%87%20%E0%A4%B2%E0%A4%BF%E0%A4%8F&w=320&h=200&values=1%2C2%2C2%2C3&bins=3"),
];

/// The golden file's name for a case: `NAME.EXT`.
fn file_name(name: &str, target: &str) -> String {
    let path = target.split('?').next().unwrap();
    let ext = path.rsplit_once('.').map_or("png", |(_, e)| e);
    format!("{name}.{ext}")
}

/// The flow's answer with empty storage: a fresh render, as a miss gets it.
fn render(req: &Request) -> Response {
    let (cache, kv) = (MemoryStore::default(), MemoryStore::default());
    block_on(handle(
        req,
        &HotCache::new(0),
        &cache,
        &kv,
        &FixedHost([0; 32]),
    ))
    .response
}

/// `tests/golden/digests.txt`: `VERSION NAME DIGEST` per line.
fn read_digests(path: &std::path::Path) -> BTreeMap<(u32, String), String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(f.len(), 3, "bad line in {}: {l}", path.display());
            (
                (f[0].parse().expect("version"), f[1].to_string()),
                f[2].to_string(),
            )
        })
        .collect()
}

fn write_digests(path: &std::path::Path, digests: &BTreeMap<(u32, String), String>) {
    let mut text = String::from(
        "# SHA-256 of each golden file per renderer version (tests/golden.rs).\n\
         # Blessing may add a version's rows, never change them.\n",
    );
    for ((version, name), d) in digests {
        text.push_str(&format!("{version} {name} {d}\n"));
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn golden_images() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bless = std::env::var_os("EDGECHART_BLESS").is_some();
    let out_dir = root.join("tests/output/golden");
    let digests_path = root.join("tests/golden/digests.txt");
    let mut digests = read_digests(&digests_path);
    let mut failures = Vec::new();
    for (name, target) in CASES {
        let png_bytes = render(&Request::get(target).with_header("Accept", "image/png")).body;
        let name = &file_name(name, target);
        let path = root.join("tests/golden").join(name);
        let pinned = digests.get(&(RENDERER_VERSION, name.to_string())).cloned();
        if bless {
            match pinned {
                Some(d) if d != digest(&png_bytes) => failures.push(format!(
                    "{name}: its bytes changed, but renderer {RENDERER_VERSION} already pinned \
                     them: add a row to identity::RELEASES (new version, new date), then bless"
                )),
                _ => {
                    std::fs::write(&path, &png_bytes).unwrap();
                    digests.insert((RENDERER_VERSION, name.to_string()), digest(&png_bytes));
                }
            }
            continue;
        }
        let want = std::fs::read(&path)
            .unwrap_or_else(|_| panic!("{} missing; run with EDGECHART_BLESS=1", path.display()));
        match pinned {
            None => failures.push(format!(
                "{name}: no digest pinned for renderer {RENDERER_VERSION}; run with EDGECHART_BLESS=1"
            )),
            Some(d) if d != digest(&want) => failures.push(format!(
                "{name}: tests/golden/{name} is not the file pinned for renderer \
                 {RENDERER_VERSION} in digests.txt"
            )),
            Some(_) => {}
        }
        if !name.ends_with(".png") {
            if want != png_bytes {
                std::fs::create_dir_all(&out_dir).unwrap();
                let actual = out_dir.join(name);
                std::fs::write(&actual, &png_bytes).unwrap();
                let (w, g) = (
                    String::from_utf8_lossy(&want),
                    String::from_utf8_lossy(&png_bytes),
                );
                let line = w.lines().zip(g.lines()).position(|(a, b)| a != b);
                failures.push(format!(
                    "{name}: bytes differ (first at line {}); see {}",
                    line.map_or("end".into(), |l| (l + 1).to_string()),
                    actual.display()
                ));
            }
            continue;
        }
        let (ww, wh, wpx) = decode_rgb(&want);
        let (gw, gh, gpx) = decode_rgb(&png_bytes);
        if (ww, wh) != (gw, gh) || wpx != gpx {
            let differing = wpx
                .chunks(3)
                .zip(gpx.chunks(3))
                .filter(|(a, b)| a != b)
                .count();
            std::fs::create_dir_all(&out_dir).unwrap();
            let actual = out_dir.join(name.replace(".png", ".actual.png"));
            std::fs::write(&actual, &png_bytes).unwrap();
            failures.push(format!(
                "{name}: {gw}x{gh} vs golden {ww}x{wh}, {differing} pixels differ; see {}",
                actual.display()
            ));
        } else if want != png_bytes {
            // A strong ETag promises these bytes, not just these pixels.
            failures.push(format!(
                "{name}: same pixels, different bytes ({} vs golden {}): a new renderer version, then bless",
                png_bytes.len(),
                want.len()
            ));
        }
    }
    if bless {
        write_digests(&digests_path, &digests);
    }
    assert!(
        failures.is_empty(),
        "golden mismatches:\n{}",
        failures.join("\n")
    );
}

/// The classic chart (the seeds' 1000 draws, 100 bins, 640x480) must stay
/// within 4 KB: a size goal that a renderer or encoder change can break.
#[test]
fn classic_chart_fits_in_4_kb() {
    for theme in ["light", "dark"] {
        let res = render(&Request::get(&format!("/charts/sales.png?theme={theme}")));
        assert_eq!(res.status, 200);
        let (w, h, _) = decode_rgb(&res.body);
        assert_eq!((w, h), (640, 480));
        assert!(
            res.body.len() <= 4096,
            "{theme}: {} bytes, over 4 KB",
            res.body.len()
        );
    }
}

/// The classic chart as SVG stays within 8 KB (glyphs defined once, bars
/// as one staircase), in every theme.
#[test]
fn classic_svg_fits_in_8_kb() {
    for theme in ["light", "dark", "auto"] {
        let res = render(&Request::get(&format!("/charts/sales.svg?theme={theme}")));
        assert_eq!(res.status, 200);
        assert_eq!(res.get("Content-Type"), Some("image/svg+xml"));
        assert!(
            res.body.len() <= 8192,
            "{theme}: {} bytes, over 8 KB",
            res.body.len()
        );
    }
}
