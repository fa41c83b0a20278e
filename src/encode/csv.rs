//! The numbers behind a chart as CSV (RFC 4180: a header row, CRLF line
//! ends): `bin_start,bin_end` and a column per series of the plotted
//! numbers (after `norm` and `cumulative`), headed by the series' label,
//! or for one unlabelled series by what the numbers are (`count`,
//! `cumulative_density`). Numbers in their shortest round-trip form. A bin
//! holds `bin_start <= x < bin_end` (the last also `x == bin_end`).

use crate::chart::model::Model;
use crate::encode::number::write_shortest;

pub fn csv(model: &Model) -> Vec<u8> {
    let bins = model.edges.len().saturating_sub(1);
    let mut out = String::with_capacity(24 + bins * (24 + 12 * model.series.len()));
    out.push_str("bin_start,bin_end");
    for i in 0..model.series.len() {
        out.push(',');
        field(&mut out, &model.column(i));
    }
    out.push_str("\r\n");
    for b in 0..bins {
        write_shortest(&mut out, model.edges[b]);
        out.push(',');
        write_shortest(&mut out, model.edges[b + 1]);
        for s in &model.series {
            out.push(',');
            write_shortest(&mut out, s.heights[b]);
        }
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// A field, quoted when it holds a comma, a quote or a line end (RFC 4180).
fn field(out: &mut String, text: &str) {
    if text.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{parse_as, Format, RouteKind};

    fn csv_of(q: &str) -> String {
        let spec = parse_as(Format::Csv, "t", Some(q), RouteKind::Named).unwrap();
        String::from_utf8(csv(&crate::chart::model(
            &spec,
            [0; 32],
            crate::chart::model::Reads::of(spec.format),
        )))
        .unwrap()
    }

    #[test]
    fn one_row_per_bin_under_a_header() {
        // numpy.histogram_bin_edges([0, 0.2, 1.4], 3): linspace's i * step.
        assert_eq!(
            csv_of("values=0,0.2,1.4&bins=3"),
            "bin_start,bin_end,count\r\n0,0.4666666666666666,2\r\n0.4666666666666666,0.9333333333333332,0\r\n0.9333333333333332,1.4,1\r\n"
        );
        assert!(csv_of("values=1,2&norm=density&cumulative=1&bins=2")
            .starts_with("bin_start,bin_end,cumulative_density\r\n"));
    }

    #[test]
    fn a_column_per_series_headed_by_its_label() {
        let t = csv_of("values=1,2|2,3&labels=a,x|b&bins=2");
        assert!(t.starts_with("bin_start,bin_end,\"a,x\",b\r\n"), "{t}");
        let t = csv_of("values=1,2|2,3&bins=2");
        assert!(
            t.starts_with("bin_start,bin_end,series1,series2\r\n"),
            "{t}"
        );
    }
}
