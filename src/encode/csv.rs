//! The bins behind a chart as CSV (RFC 4180: a header row, CRLF line
//! ends): `bin_start,bin_end,count`, one row per bin, numbers in their
//! shortest round-trip form. A bin holds `bin_start <= x < bin_end` (the
//! last also `x == bin_end`).

use crate::chart::binning::Histogram;
use crate::encode::number::shortest;

pub fn csv(hist: &Histogram) -> Vec<u8> {
    let mut out = String::with_capacity(24 + hist.counts.len() * 32);
    out.push_str("bin_start,bin_end,count\r\n");
    for (i, count) in hist.counts.iter().enumerate() {
        out.push_str(&shortest(hist.edge(i)));
        out.push(',');
        out.push_str(&shortest(hist.edge(i + 1)));
        out.push(',');
        out.push_str(&count.to_string());
        out.push_str("\r\n");
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_bin_under_a_header() {
        let h = Histogram {
            lo: 0.0,
            hi: 1.5,
            counts: vec![2, 0, 1],
        };
        let text = String::from_utf8(csv(&h)).unwrap();
        assert_eq!(
            text,
            "bin_start,bin_end,count\r\n0,0.5,2\r\n0.5,1,0\r\n1,1.5,1\r\n"
        );
    }
}
