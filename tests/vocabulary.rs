//! Properties of the vocabulary over random combinations (proptest;
//! PROPTEST_CASES raises the counts): for any accepted combination the
//! counts sum to the values inside the edges (the rest are below or
//! above), density integrates to 1, probability sums to 1 and percent to
//! 100, a cumulative ends at the total, and the CSV says what the JSON
//! says; any rejected combination is a 400 that names one of its own
//! parameters.

use edgechart::render::render_chart;
use edgechart::spec::{parse_as, Format, RouteKind};
use proptest::prelude::*;

/// A series of 1 to 60 values, some ties, some tenths, some far out.
fn series() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(
        prop_oneof![
            4 => (-100i32..100).prop_map(|i| f64::from(i) / 10.0),
            2 => -50.0f64..50.0,
            1 => (1u32..6).prop_map(f64::from),
            1 => prop::sample::select(vec![1e-3, 1e3, -1e4, 0.1, 0.7]),
        ],
        1..60,
    )
}

/// A random combination of the vocabulary's parameters (some sensible,
/// some not: the parser decides).
fn combination() -> impl Strategy<Value = String> {
    let opt =
        |choices: Vec<&'static str>| prop::option::weighted(0.35, prop::sample::select(choices));
    (
        prop::collection::vec(series(), 1..4),
        opt(vec![
            "bins=auto",
            "bins=fd",
            "bins=sturges",
            "bins=scott",
            "bins=rice",
            "bins=sqrt",
            "bins=doane",
            "bins=1",
            "bins=13",
            "bins=1000",
            "binwidth=0.5",
            "binwidth=2",
            "edges=-5,0,1,2,10",
            "edges=0.5,0.75,3",
        ]),
        opt(vec![
            "range=-3,3",
            "range=0,1",
            "range=0.1,0.7",
            "range=-1000,1000",
        ]),
        opt(vec![
            "norm=count",
            "norm=percent",
            "norm=probability",
            "norm=density",
        ]),
        opt(vec!["cumulative=1", "cumulative=-1", "cumulative=0"]),
        opt(vec![
            "mode=overlay",
            "mode=stack",
            "mode=side",
            "mode=step",
            "mode=bar",
        ]),
        opt(vec![
            "marks=mean",
            "marks=median,p10,p90",
            "marks=0.5,mean",
            "marks=p1,p99,median,mean,1,2,3,4",
        ]),
        opt(vec!["kde=1", "kde=0"]),
        opt(vec!["xscale=log", "yscale=log", "xscale=log&yscale=log"]),
        opt(vec!["labels=a", "labels=a|b", "labels=a|b|c"]),
    )
        .prop_map(
            |(data, bins, range, norm, cum, mode, marks, kde, scale, labels)| {
                let values: Vec<String> = data
                    .iter()
                    .map(|s| {
                        s.iter()
                            .map(|v| format!("{v:?}"))
                            .collect::<Vec<_>>()
                            .join(",")
                    })
                    .collect();
                let mut q = format!("values={}", values.join("|"));
                for p in [bins, range, norm, cum, mode, marks, kde, scale, labels]
                    .into_iter()
                    .flatten()
                {
                    q.push('&');
                    q.push_str(p);
                }
                q
            },
        )
}

fn numbers(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn accepted_combinations_keep_their_sums(q in combination()) {
        let spec = match parse_as(Format::Json, "v", Some(&q), RouteKind::Named) {
            Ok(spec) => spec,
            Err(e) => {
                // A 400 names one of the request's own parameters.
                let names: Vec<&str> = q.split('&').map(|p| p.split('=').next().unwrap()).collect();
                prop_assert!(names.contains(&e.parameter.as_str()), "{} names {} for ?{}", e.message, e.parameter, q);
                return Ok(());
            }
        };
        let json: serde_json::Value = serde_json::from_slice(&render_chart(&spec).unwrap()).unwrap();
        let edges = numbers(&json["edges"]);
        prop_assert!(edges.windows(2).all(|w| w[0] < w[1]), "edges {:?}", edges);
        let values: Vec<Vec<f64>> = q.split('&').next().unwrap()["values=".len()..]
            .split('|')
            .map(|s| s.split(',').map(|v| v.parse().unwrap()).collect())
            .collect();
        let (lo, hi) = (edges[0], edges[edges.len() - 1]);
        for (s, vals) in json["series"].as_array().unwrap().iter().zip(&values) {
            let counts = numbers(&s["counts"]);
            let inside = vals.iter().filter(|&&v| v >= lo && v <= hi).count() as f64;
            prop_assert_eq!(counts.iter().sum::<f64>(), inside, "?{}", q);
            if s["summary"].get("below").is_none() {
                prop_assert_eq!(inside, vals.len() as f64, "values outside unbinned edges ?{}", q);
            } else {
                let outside = s["summary"]["below"].as_f64().unwrap() + s["summary"]["above"].as_f64().unwrap();
                prop_assert_eq!(inside + outside, vals.len() as f64);
            }
            let heights = numbers(&s["heights"]);
            let widths: Vec<f64> = edges.windows(2).map(|w| w[1] - w[0]).collect();
            let total = if inside > 0.0 { 1.0 } else { 0.0 };
            let cumulative = q.contains("cumulative=1") || q.contains("cumulative=-1");
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
            let end = if q.contains("cumulative=-1") { heights[0] } else { heights[heights.len() - 1] };
            let whole = if q.contains("norm=density") {
                if cumulative { end } else { heights.iter().zip(&widths).map(|(h, w)| h * w).sum() }
            } else if q.contains("norm=probability") {
                if cumulative { end } else { heights.iter().sum() }
            } else if q.contains("norm=percent") {
                (if cumulative { end } else { heights.iter().sum::<f64>() }) / 100.0
            } else {
                (if cumulative { end } else { heights.iter().sum::<f64>() }) / inside.max(1.0)
            };
            prop_assert!(close(whole, total), "whole {} for ?{}", whole, q);
        }
        // The CSV's columns are the JSON's heights.
        let csv_spec = parse_as(Format::Csv, "v", Some(&q), RouteKind::Named).unwrap();
        let csv = String::from_utf8(render_chart(&csv_spec).unwrap()).unwrap();
        let rows: Vec<Vec<f64>> = csv.split("\r\n").skip(1).filter(|l| !l.is_empty())
            .map(|l| l.split(',').map(|f| f.parse().unwrap()).collect()).collect();
        prop_assert_eq!(rows.len(), edges.len() - 1);
        for (k, s) in json["series"].as_array().unwrap().iter().enumerate() {
            let h = numbers(&s["heights"]);
            for (b, row) in rows.iter().enumerate() {
                prop_assert_eq!(row[2 + k].to_bits(), h[b].to_bits());
            }
        }
        // Pictures of it render too.
        let png = parse_as(Format::Png, "v", Some(&format!("{q}&w=200&h=150")), RouteKind::Named).unwrap();
        prop_assert!(render_chart(&png).is_ok());
    }
}
