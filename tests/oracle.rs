//! The numbers agree with the reference: for a table of hard data sets
//! (ties exactly on edges, tenths that are not exact in binary, constant
//! data, heavy tails, negative and tiny spans, several series, pre-binned
//! counts) and every bin rule, `bins`, `binwidth`, `edges`, `range`,
//! `norm`, `cumulative`, `marks` and `kde`, the JSON the service writes is
//! checked by `tests/oracle/check.py` against numpy and scipy (pinned in
//! scripts/versions.env, installed into .venv-oracle by the setup). The
//! tolerances and their reasons are in that script's docstring.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

use edgechart::chart::data::{normal_draws, seed_for_name};
use edgechart::render::render_chart;
use edgechart::spec::{parse_as, Data, Format, RouteKind};

/// A deterministic pseudo-random stream (xorshift), for data sets.
struct Stream(u64);

impl Stream {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn join(v: &[f64]) -> String {
    v.iter()
        .map(|x| format!("{x:?}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The data sets, by name.
fn data_sets() -> Vec<(&'static str, String)> {
    let mut r = Stream(0x9E37_79B9_7F4A_7C15);
    let tenths: Vec<f64> = (1..=30).map(|i| f64::from(i % 10) / 10.0).collect();
    let ties: Vec<f64> = (0..=20).map(|i| f64::from(i % 5)).collect();
    // 500 values of a ratio of two normals (Cauchy-like): the heavy tail
    // that numpy 1's `auto` turned into 874 bins.
    let heavy: Vec<f64> = normal_draws(1000, seed_for_name("heavy"))
        .chunks(2)
        .map(|p| (p[0] / p[1] * 1e3).round() / 1e3)
        .collect();
    let negative: Vec<f64> = (0..200).map(|_| -50.0 - 3.0 * r.next()).collect();
    let tiny: Vec<f64> = (0..100).map(|_| 1e-9 * r.next()).collect();
    let skewed: Vec<f64> = (0..400).map(|_| (r.next() * 6.0).exp()).collect();
    let a: Vec<f64> = (0..300)
        .map(|_| 60.0 + 10.0 * (r.next() - r.next()))
        .collect();
    let b: Vec<f64> = (0..250)
        .map(|_| 66.0 + 12.0 * (r.next() - r.next()))
        .collect();
    let big: Vec<f64> = (0..5000)
        .map(|_| (r.next() - 0.5) * 1e3 + r.next() * r.next() * 50.0)
        .collect();
    vec![
        ("tenths", format!("values={}", join(&tenths))),
        ("ties", format!("values={}", join(&ties))),
        ("constant", "values=7,7,7,7".to_string()),
        ("single", "values=0.1".to_string()),
        ("heavy", format!("values={}", join(&heavy))),
        ("negative", format!("values={}", join(&negative))),
        ("tiny", format!("values={}", join(&tiny))),
        ("two", format!("values={}|{}", join(&a), join(&b))),
        ("big", format!("values={}", join(&big))),
        ("skewed", format!("values={}", join(&skewed))),
    ]
}

/// Parameters combined with every data set.
const VARIANTS: &[&str] = &[
    "",
    "bins=auto",
    "bins=fd",
    "bins=sturges",
    "bins=scott",
    "bins=rice",
    "bins=sqrt",
    "bins=doane",
    "bins=7",
    "bins=1000",
    "norm=density",
    "norm=percent&cumulative=1",
    "norm=probability&cumulative=-1",
    "norm=density&cumulative=1",
    "marks=mean,median,p1,p25,p75,p99,0.3",
    "kde=1",
    "kde=1&norm=density",
    "kde=1&norm=percent&bins=sturges",
];

/// Parameters that depend on the data's scale, per data set.
fn scaled_variants(name: &str) -> Vec<&'static str> {
    match name {
        "tenths" => vec![
            "binwidth=0.1",
            "binwidth=0.3&range=0.1,0.85",
            "range=0.2,0.7&bins=5",
            "edges=0,0.1,0.3,0.35,0.9",
            "edges=0.2,0.5,0.8&norm=density&kde=1",
        ],
        "ties" => vec![
            "binwidth=1",
            "range=1,3&bins=2",
            "edges=0,1,2,3,4",
            "range=1,3&bins=rice&norm=density",
        ],
        "constant" => vec![
            "binwidth=0.5",
            "range=6,8&bins=4",
            "xscale=log",
            "xscale=log&bins=3",
        ],
        "heavy" => vec![
            "range=-5,5&bins=auto",
            "range=-5,5&kde=1&norm=density",
            "binwidth=0.5&range=-10,10&marks=p5,p95",
        ],
        "negative" => vec!["binwidth=0.25", "range=-52,-50.5&bins=fd"],
        "tiny" => vec!["binwidth=1e-10", "range=0,5e-10&bins=scott"],
        "two" => vec![
            "binwidth=2.5",
            "range=50,70&bins=auto&norm=density&kde=1",
            "edges=40,55,60,62,65,70,90&norm=density&marks=mean",
        ],
        "skewed" => vec![
            "xscale=log",
            "xscale=log&bins=fd",
            "xscale=log&binwidth=0.25",
            "xscale=log&range=2,300&bins=sturges",
            "xscale=log&kde=1&norm=density",
            "xscale=log&kde=1",
            "xscale=log&edges=1,10,100,1000",
        ],
        "big" => vec!["binwidth=7", "range=-100,100&bins=doane&kde=1"],
        _ => vec![],
    }
}

/// Pre-binned cases: counts and edges as a database returns them.
const PREBINNED: &[&str] = &[
    "counts=3,5,9&edges=0,1,2,5",
    "counts=3,5,9&edges=0,1,2,5&norm=density&cumulative=1",
    "counts=2,0,0,3&edges=-2,-1,0.5,1,9&marks=median,p40,p90,mean",
    "counts=0.5,1.5,2&edges=0.1,0.2,0.3,0.4&norm=probability&cumulative=-1",
    "counts=1,4,9,16|16,9,4,1&edges=1,10,100,1000,10000&xscale=log&norm=percent&marks=p50",
    "counts=0,0,0&edges=0,1,2,3&norm=density",
];

#[test]
fn numbers_agree_with_numpy_and_scipy() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let python = root.join(".venv-oracle/bin/python");
    assert!(
        python.exists(),
        "{} is missing: scripts/setup.sh installs numpy and scipy there",
        python.display()
    );
    let mut cases = Vec::new();
    let mut add = |name: String, query: String| {
        let spec =
            parse_as(Format::Json, "oracle", Some(&query), RouteKind::Named).unwrap_or_else(|e| {
                panic!(
                    "{name}: ?{} rejected: {}",
                    &query[..query.len().min(80)],
                    e.message
                )
            });
        let series = match &spec.data {
            Data::Values(v) => serde_json::json!(v),
            Data::Draws { n } => {
                serde_json::json!([normal_draws(*n as usize, seed_for_name("oracle"))])
            }
            Data::Counts { .. } => serde_json::Value::Null,
        };
        // The output goes in as written: serde_json's default float parser
        // may miss by an ulp, which is what the oracle looks for.
        let output = String::from_utf8(render_chart(&spec).expect("renders")).expect("UTF-8");
        let head = serde_json::json!({"name": name, "query": query, "series": series}).to_string();
        cases.push(format!(
            "{},\"output\":{}}}",
            &head[..head.len() - 1],
            output.trim_end()
        ));
    };
    for (name, data) in data_sets() {
        let scaled = scaled_variants(name);
        for v in VARIANTS.iter().chain(scaled.iter()) {
            if name == "constant" && v.contains("kde") {
                continue; // no spread: no estimate (checked below)
            }
            let q = if v.is_empty() {
                data.clone()
            } else {
                format!("{data}&{v}")
            };
            add(format!("{name}?{v}"), q);
        }
    }
    for q in PREBINNED {
        add(format!("prebinned?{q}"), q.to_string());
    }
    add("draws".into(), "n=2000&bins=30&marks=mean,p50&kde=1".into());
    let dir = root.join("target/oracle");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("cases.json");
    std::fs::write(&file, format!("[{}]", cases.join(",\n"))).unwrap();
    let out = Command::new(&python)
        .arg(root.join("tests/oracle/check.py"))
        .arg(&file)
        .output()
        .expect("runs the oracle");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut report = String::new();
    for line in stdout.lines().filter(|l| !l.starts_with("ok ")) {
        let _ = writeln!(report, "{line}");
    }
    println!("{report}");
    assert!(
        out.status.success(),
        "the oracle disagrees ({} cases):\n{report}\n{}",
        cases.len(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("{} passed, 0 failed", cases.len())),
        "{stdout}"
    );
}

/// Data without spread has no density estimate: the JSON says so with an
/// empty curve, and the picture has bars only.
#[test]
fn constant_data_has_no_kde() {
    let spec = parse_as(
        Format::Json,
        "c",
        Some("values=7,7,7&kde=1"),
        RouteKind::Named,
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&render_chart(&spec).unwrap()).unwrap();
    assert_eq!(v["series"][0]["kde"], serde_json::json!([]));
}
