//! Numbers as text for the data formats: the shortest spelling that reads
//! back as the same `f64`.

/// The shortest decimal that parses back to exactly `v` (Rust's float
/// formatting is shortest round-trip), with an exponent outside
/// 1e-5..1e16 so 1e300 is `1e300`, not 301 digits. Valid JSON and CSV.
pub fn shortest(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 || (1e-5..1e16).contains(&a) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortest_round_trips() {
        for v in [
            0.0,
            -0.0,
            1.0,
            -2.5,
            0.1,
            1e300,
            -1e300,
            5e-324,
            1e-5,
            9.99e-6,
            1e16,
            123456.789,
            0.30000000000000004,
            1e-308,
        ] {
            let s = shortest(v);
            assert_eq!(s.parse::<f64>().unwrap().to_bits(), v.to_bits(), "{v}: {s}");
            assert!(s.len() <= 24, "{s}");
        }
        assert_eq!(shortest(1.0), "1");
        assert_eq!(shortest(1e300), "1e300");
        assert_eq!(shortest(-0.25), "-0.25");
    }
}
