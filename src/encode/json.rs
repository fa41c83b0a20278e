//! The numbers behind a chart as JSON: the title, the pooled summary and
//! the legacy `bins` (start, end and the raw count of every series
//! together), then `edges` and a `series` object each with its label,
//! summary (with `below` and `above` under a range or explicit edges), raw
//! `counts`, plotted `heights`, `marks` and, with a KDE, its `kde` points.
//! Numbers are the shortest that round-trip; keys come in a fixed order, so
//! the bytes are as deterministic as the PNG's.

use crate::chart::model::Model;
use crate::chart::summary::Summary;
use crate::encode::number::write_shortest;

pub fn json(title: &str, model: &Model) -> Vec<u8> {
    let bins = model.edges.len().saturating_sub(1);
    let mut out = String::with_capacity(256 + bins * 64 * (1 + model.series.len()));
    out.push_str("{\"title\":");
    string(&mut out, title);
    out.push_str(",\"summary\":");
    summary(&mut out, &model.pooled, None);
    out.push_str(",\"bins\":[");
    for b in 0..bins {
        if b > 0 {
            out.push(',');
        }
        let count: f64 = model.series.iter().map(|s| s.counts[b]).sum();
        // Pushed piece by piece: `format!` costs more than the numbers.
        out.push_str("{\"start\":");
        write_shortest(&mut out, model.edges[b]);
        out.push_str(",\"end\":");
        write_shortest(&mut out, model.edges[b + 1]);
        out.push_str(",\"count\":");
        write_shortest(&mut out, count);
        out.push('}');
    }
    out.push_str("],\"edges\":");
    numbers(&mut out, &model.edges);
    out.push_str(",\"series\":[");
    for (i, s) in model.series.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"label\":");
        match &s.label {
            Some(l) => string(&mut out, l),
            None => out.push_str("null"),
        }
        out.push_str(",\"summary\":");
        summary(&mut out, &s.summary, s.outside);
        out.push_str(",\"counts\":");
        numbers(&mut out, &s.counts);
        out.push_str(",\"heights\":");
        numbers(&mut out, &s.heights);
        out.push_str(",\"marks\":[");
        for (k, (name, value)) in s.marks.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            out.push_str("{\"name\":");
            string(&mut out, name);
            out.push_str(",\"value\":");
            write_shortest(&mut out, *value);
            out.push('}');
        }
        out.push(']');
        if model.curves {
            out.push_str(",\"kde\":[");
            for (k, (x, y)) in s.curve.iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                out.push('[');
                write_shortest(&mut out, *x);
                out.push(',');
                write_shortest(&mut out, *y);
                out.push(']');
            }
            out.push(']');
        }
        out.push('}');
    }
    out.push_str("]}\n");
    out.into_bytes()
}

fn string(out: &mut String, s: &str) {
    out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()));
}

fn numbers(out: &mut String, v: &[f64]) {
    out.push('[');
    for (i, x) in v.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_shortest(out, *x);
    }
    out.push(']');
}

fn summary(out: &mut String, s: &Summary, outside: Option<(f64, f64)>) {
    for (key, v) in [
        ("{\"count\":", s.count),
        (",\"min\":", s.min),
        (",\"max\":", s.max),
        (",\"mean\":", s.mean),
        (",\"std_dev\":", s.std_dev),
    ] {
        out.push_str(key);
        write_shortest(out, v);
    }
    if let Some((below, above)) = outside {
        out.push_str(",\"below\":");
        write_shortest(out, below);
        out.push_str(",\"above\":");
        write_shortest(out, above);
    }
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{parse_as, Format, RouteKind};

    fn json_of(q: &str) -> serde_json::Value {
        let spec = parse_as(Format::Json, "t", Some(q), RouteKind::Named).unwrap();
        serde_json::from_slice(&json(
            &spec.title,
            &crate::chart::model(&spec, [0; 32], crate::chart::model::Reads::ALL),
        ))
        .unwrap()
    }

    #[test]
    fn parses_back_to_the_same_numbers() {
        let v = json_of("values=-1e300,1e300&bins=2&title=a+%22quoted%22+%5Ctitle+%E2%9C%93");
        assert_eq!(v["title"], "a \"quoted\" \\title ✓");
        assert_eq!(v["summary"]["count"], 2);
        assert_eq!(v["summary"]["min"].as_f64(), Some(-1e300));
        assert_eq!(v["bins"][1]["start"].as_f64(), Some(0.0));
        assert_eq!(v["bins"][1]["end"].as_f64(), Some(1e300));
        assert_eq!(v["bins"].as_array().unwrap().len(), 2);
        assert_eq!(v["edges"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn series_carry_counts_heights_marks_and_outside() {
        let v = json_of(
            "values=1,2,3|3,4,9&labels=a|b&range=0,5&bins=5&norm=probability&marks=mean,p50,2.5",
        );
        let s = &v["series"][1];
        assert_eq!(s["label"], "b");
        assert_eq!(s["summary"]["above"], 1);
        assert_eq!(s["summary"]["below"], 0);
        assert_eq!(s["counts"].as_array().unwrap().len(), 5);
        assert_eq!(s["heights"][3].as_f64(), Some(0.5));
        assert_eq!(s["marks"][0]["name"], "mean");
        assert_eq!(s["marks"][1]["value"].as_f64(), Some(4.0));
        assert_eq!(s["marks"][2]["name"], "2.5");
        assert!(s.get("kde").is_none());
        assert_eq!(v["bins"][3]["count"], 2);
        let k = json_of("values=1,2,3,4,7&kde=1");
        assert!(k["series"][0]["kde"].as_array().unwrap().len() >= 100);
    }
}
