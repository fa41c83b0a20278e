//! Axis ticks at "nice" steps (1, 2 or 5 times a power of ten) and their
//! labels. Values are computed from integers and exact powers of ten so that
//! labels never show float noise like 0.30000000000000004.

/// Tick positions and their labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticks {
    pub values: Vec<f64>,
    pub labels: Vec<String>,
}

/// At most about `max_count` ticks inside `[lo, hi]`. With `integers`, the
/// step is at least 1 (for counts).
/// Any range works: one that no step can divide into exact labels (not
/// finite, empty, or finer than `i64` units allow) gets no ticks rather
/// than a loop over the whole `i64` range.
pub fn nice_ticks(lo: f64, hi: f64, max_count: usize, integers: bool) -> Ticks {
    let none = Ticks {
        values: vec![],
        labels: vec![],
    };
    let span = hi - lo;
    if !span.is_finite() || span <= 0.0 || max_count == 0 || max_count > MAX_TICKS {
        return none;
    }
    // The smallest step of 1, 2 or 5 times a power of ten that gives at
    // most `max_count` ticks, unless that leaves a lone tick: then the step
    // before it (an axis needs two labels to be read).
    let magnitude = libm::log10(span / max_count as f64).floor();
    if !(-320.0..=310.0).contains(&magnitude) {
        return none; // the step would underflow to 0 or overflow to inf
    }
    let mut exp = magnitude as i32 - 1;
    if integers {
        exp = exp.max(0);
    }
    let mut mult: i64 = 1;
    let count = |mult: i64, exp: i32| {
        let step = mult as f64 * pow10(exp);
        (hi / step + 1e-9).floor() - (lo / step - 1e-9).ceil() + 1.0
    };
    let mut previous = (mult, exp);
    // Each pass multiplies the step by 2 or 2.5: from the first guess (a
    // tenth of span / max_count) the right step is a few passes away; the
    // cap only guards against arithmetic that never converges.
    let mut passes = 0;
    while count(mult, exp) > max_count as f64 {
        passes += 1;
        if passes > 12 {
            return none;
        }
        previous = (mult, exp);
        (mult, exp) = match mult {
            1 => (2, exp),
            2 => (5, exp),
            _ => (1, exp + 1),
        };
    }
    if count(mult, exp) < 2.0 && count(previous.0, previous.1) >= 2.0 {
        (mult, exp) = previous;
    }
    let step_units = |k: i64| k * mult; // value = step_units(k) * 10^exp
    let value = |units: i64| {
        if exp >= 0 {
            units as f64 * pow10(exp)
        } else {
            units as f64 / pow10(-exp)
        }
    };
    let step = value(mult);
    let (first, last) = ((lo / step - 1e-9).ceil(), (hi / step + 1e-9).floor());
    // Units must be exact integers in f64 and i64, and the count bounded.
    if !(step > 0.0
        && step.is_finite()
        && first.abs() < 1e15
        && last.abs() < 1e15
        && last - first < MAX_TICKS as f64)
    {
        return none;
    }
    let (first, last) = (first as i64, last as i64);
    let mut values = Vec::new();
    let mut labels = Vec::new();
    for k in first..=last {
        let units = step_units(k);
        values.push(value(units));
        labels.push(label(units, exp));
    }
    Ticks { values, labels }
}

/// Ticks of a log axis whose positions are base-10 logarithms `lo..hi`:
/// whole decades (every second or fifth when there are many), labelled
/// with their values (`0.01`, `100`, `1e6`); an axis spanning less than two
/// decades gets the linear axis' nice values instead, at their logarithms.
pub fn log_ticks(lo: f64, hi: f64, max_count: usize) -> Ticks {
    let (first, last) = ((lo - 1e-9).ceil(), (hi + 1e-9).floor());
    if !(first.is_finite() && last.is_finite()) || last - first < 1.0 {
        let t = nice_ticks(libm::pow(10.0, lo), libm::pow(10.0, hi), max_count, false);
        let keep: Vec<usize> = (0..t.values.len()).filter(|&i| t.values[i] > 0.0).collect();
        return Ticks {
            values: keep.iter().map(|&i| libm::log10(t.values[i])).collect(),
            labels: keep.iter().map(|&i| t.labels[i].clone()).collect(),
        };
    }
    let decades = (last - first) as i64 + 1;
    let every = [1, 2, 5, 10, 20, 50, 100]
        .into_iter()
        .find(|&k| decades / k < max_count.max(2) as i64)
        .unwrap_or(200);
    let (mut values, mut labels) = (Vec::new(), Vec::new());
    let mut k = first as i64;
    while k <= last as i64 {
        if k.rem_euclid(every) == 0 || every == 1 {
            values.push(k as f64);
            labels.push(label(1, k as i32));
        }
        k += 1;
    }
    Ticks { values, labels }
}

/// More ticks than any axis asks for (a 4096 px axis asks for at most 12).
const MAX_TICKS: usize = 64;

fn pow10(e: i32) -> f64 {
    libm::pow(10.0, f64::from(e))
}

/// Formats `units * 10^exp` exactly: plain decimals for moderate magnitudes,
/// `2e6` style beyond them.
fn label(units: i64, exp: i32) -> String {
    if units == 0 {
        return "0".to_string();
    }
    // U+2212 MINUS SIGN, as typeset numbers use (a hyphen is too short).
    let neg = if units < 0 { "\u{2212}" } else { "" };
    let mut digits = units.unsigned_abs();
    let mut exp = exp;
    let magnitude = digits.to_string().len() as i32 + exp;
    if !(-4..=7).contains(&magnitude) {
        while digits.is_multiple_of(10) {
            digits /= 10;
            exp += 1;
        }
        let d = digits.to_string();
        let sci_exp = exp + d.len() as i32 - 1;
        return if d.len() == 1 {
            format!("{neg}{d}e{sci_exp}")
        } else {
            format!("{neg}{}.{}e{sci_exp}", &d[..1], &d[1..])
        };
    }
    if exp >= 0 {
        format!("{neg}{digits}{}", "0".repeat(exp as usize))
    } else {
        let d = format!("{:0>width$}", digits, width = (-exp) as usize + 1);
        let split = d.len() - (-exp) as usize;
        format!("{neg}{}.{}", &d[..split], &d[split..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Case {
        lo: f64,
        hi: f64,
        max: usize,
        integers: bool,
        labels: &'static [&'static str],
    }

    #[test]
    fn ticks_table() {
        let cases = [
            Case {
                lo: -3.2,
                hi: 3.4,
                max: 8,
                integers: false,
                labels: &["−3", "−2", "−1", "0", "1", "2", "3"],
            },
            Case {
                lo: 0.0,
                hi: 1.0,
                max: 5,
                integers: false,
                labels: &["0", "0.5", "1.0"],
            },
            Case {
                lo: 0.1,
                hi: 0.35,
                max: 5,
                integers: false,
                labels: &["0.1", "0.2", "0.3"],
            },
            Case {
                lo: 0.0,
                hi: 37.0,
                max: 6,
                integers: true,
                labels: &["0", "10", "20", "30"],
            },
            Case {
                lo: 0.0,
                hi: 3.0,
                max: 10,
                integers: true,
                labels: &["0", "1", "2", "3"],
            },
            Case {
                lo: 0.0,
                hi: 4.0e7,
                max: 4,
                integers: false,
                labels: &["0", "2e7", "4e7"],
            },
            Case {
                lo: -0.00031,
                hi: 0.00012,
                max: 6,
                integers: false,
                labels: &["−0.0003", "−0.0002", "−0.0001", "0", "0.0001"],
            },
            Case {
                lo: 1000.0,
                hi: 1010.0,
                max: 5,
                integers: false,
                labels: &["1000", "1005", "1010"],
            },
        ];
        for c in cases {
            let t = nice_ticks(c.lo, c.hi, c.max, c.integers);
            assert_eq!(t.labels, c.labels, "ticks of [{}, {}]", c.lo, c.hi);
            assert!(t
                .values
                .iter()
                .all(|v| *v >= c.lo - 1e-12 && *v <= c.hi + 1e-12));
        }
    }

    #[test]
    fn never_more_than_asked_and_never_a_lone_tick() {
        for max in 2..12 {
            for (lo, hi) in [
                (-3.5, 3.5),
                (0.0, 27.0),
                (0.013, 0.91),
                (-1e6, 3e6),
                (5.0, 5.001),
            ] {
                let t = nice_ticks(lo, hi, max, false);
                assert!(
                    t.values.len() <= max.max(4),
                    "[{lo}, {hi}] max {max}: {:?}",
                    t.labels
                );
                assert!(
                    t.values.len() >= 2,
                    "[{lo}, {hi}] max {max}: {:?}",
                    t.labels
                );
            }
        }
    }

    #[test]
    fn empty_span_has_no_ticks() {
        assert!(nice_ticks(1.0, 1.0, 5, false).values.is_empty());
    }

    #[test]
    fn hostile_ranges_end_quickly_with_few_ticks() {
        let cases: &[(f64, f64)] = &[
            (0.0, 1e-308),
            (-5e-324, 5e-324),
            (0.0, f64::MIN_POSITIVE),
            (-1e308, 1e308),
            (f64::MIN, f64::MAX),
            (-f64::INFINITY, 0.0),
            (0.0, f64::NAN),
            (1e16, 1e16 + 2.0),
            (1e300, 1.0000000001e300),
            (-1.1e300, 1.1e300),
        ];
        for &(lo, hi) in cases {
            for max in [2, 5, 12] {
                for integers in [false, true] {
                    let t = nice_ticks(lo, hi, max, integers);
                    assert!(t.values.len() <= max.max(4), "[{lo}, {hi}]: {:?}", t.labels);
                    assert_eq!(t.values.len(), t.labels.len());
                    assert!(
                        t.values.iter().all(|v| v.is_finite()),
                        "[{lo}, {hi}] max {max}: {:?}",
                        t.values
                    );
                }
            }
        }
        // Ranges the binning hands over (at least 1e-9 of their magnitude
        // wide) always get two or more labels.
        for (lo, hi) in [
            (1e16 - 1e7, 1e16 + 1e7),
            (-1e-290, 1e-290),
            (-1.1e300, 1.1e300),
        ] {
            let t = nice_ticks(lo, hi, 5, false);
            assert!(t.values.len() >= 2, "[{lo}, {hi}]: {:?}", t.labels);
        }
    }

    #[test]
    fn labels_use_scientific_notation_only_at_extremes() {
        assert_eq!(label(25, 5), "2500000");
        assert_eq!(label(25, 7), "2.5e8");
        assert_eq!(label(-5, -6), "−5e-6");
        assert_eq!(label(5, -4), "0.0005");
    }
}
