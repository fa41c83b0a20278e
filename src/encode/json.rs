//! The bins behind a chart and their summary as JSON: the title, the
//! summary (count, min, max, mean, standard deviation) and one object per
//! bin. Numbers are the shortest that round-trip; keys come in a fixed
//! order, so the bytes are as deterministic as the PNG's.

use crate::chart::binning::Histogram;
use crate::chart::summary::Summary;
use crate::encode::number::shortest;

pub fn json(title: &str, summary: &Summary, hist: &Histogram) -> Vec<u8> {
    let mut out = String::with_capacity(160 + hist.counts.len() * 48);
    out.push_str("{\"title\":");
    out.push_str(&serde_json::to_string(title).unwrap_or_else(|_| "\"\"".into()));
    out.push_str(&format!(
        ",\"summary\":{{\"count\":{},\"min\":{},\"max\":{},\"mean\":{},\"std_dev\":{}}}",
        summary.count,
        shortest(summary.min),
        shortest(summary.max),
        shortest(summary.mean),
        shortest(summary.std_dev)
    ));
    out.push_str(",\"bins\":[");
    for (i, count) in hist.counts.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!(
            "{{\"start\":{},\"end\":{},\"count\":{count}}}",
            shortest(hist.edge(i)),
            shortest(hist.edge(i + 1))
        ));
    }
    out.push_str("]}\n");
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_back_to_the_same_numbers() {
        let h = Histogram {
            lo: -1e300,
            hi: 1e300,
            counts: vec![1, 1],
        };
        let s = Summary::of(&[-1e300, 1e300]);
        let bytes = json("a \"quoted\"\ttitle ✓", &s, &h);
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["title"], "a \"quoted\"\ttitle ✓");
        assert_eq!(v["summary"]["count"], 2);
        assert_eq!(v["summary"]["min"].as_f64(), Some(-1e300));
        assert_eq!(v["bins"][1]["start"].as_f64(), Some(0.0));
        assert_eq!(v["bins"][1]["end"].as_f64(), Some(1e300));
        assert_eq!(v["bins"].as_array().unwrap().len(), 2);
    }
}
