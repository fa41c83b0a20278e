//! The numbers behind a chart in a sentence: count, range, mean and spread.
//! The JSON carries it, and the SVG's `<desc>` and the demo's alt text say it.

use crate::chart::stats;

/// Count, extremes, mean and (population) standard deviation of the data.
/// The count is a number, not an integer: pre-binned counts may be
/// fractional (weights).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub count: f64,
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    pub std_dev: f64,
}

impl Summary {
    /// Summarizes finite values within +-1e300 (what the spec admits), as
    /// numpy's `mean` and `std` do (see [`crate::chart::stats`]).
    pub fn of(values: &[f64]) -> Summary {
        if values.is_empty() {
            return Summary::EMPTY;
        }
        let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
        for &v in values {
            min = min.min(v);
            max = max.max(v);
        }
        let (mean, std_dev) = stats::mean_and_std(values);
        // Rounding may put the mean a hair outside the range (all values equal).
        let mean = mean.clamp(min, max);
        Summary {
            count: values.len() as f64,
            min,
            max,
            mean,
            std_dev,
        }
    }

    /// Summarizes pre-binned counts over `edges`, each bin's values taken
    /// at its midpoint (numpy's `average(mids, weights=counts)`); the
    /// extremes are the outer edges of the bins that hold anything.
    pub fn of_counts(counts: &[f64], edges: &[f64]) -> Summary {
        let total: f64 = counts.iter().sum();
        let (Some(first), Some(last)) = (
            counts.iter().position(|&c| c > 0.0),
            counts.iter().rposition(|&c| c > 0.0),
        ) else {
            return Summary::EMPTY;
        };
        let mids: Vec<f64> = edges.windows(2).map(|w| w[0] / 2.0 + w[1] / 2.0).collect();
        let mean = mids.iter().zip(counts).map(|(m, c)| m * c).sum::<f64>() / total;
        let var = mids
            .iter()
            .zip(counts)
            .map(|(m, c)| c * (m - mean) * (m - mean))
            .sum::<f64>()
            / total;
        Summary {
            count: total,
            min: edges[first],
            max: edges[last + 1],
            mean,
            std_dev: var.max(0.0).sqrt(),
        }
    }

    const EMPTY: Summary = Summary {
        count: 0.0,
        min: 0.0,
        max: 0.0,
        mean: 0.0,
        std_dev: 0.0,
    };
}

impl Summary {
    /// The chart in a sentence, for people who cannot see it (the SVG's
    /// `<desc>`; the demo page says the same from the JSON).
    pub fn sentence(&self, noun: &str, bins: usize, series: usize) -> String {
        let plural = |n: usize, one: &str, many: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {many}")
            }
        };
        let count = if self.count.fract() == 0.0 && self.count < 1e15 {
            plural(self.count as usize, "value", "values")
        } else {
            format!("{} values", readable(self.count))
        };
        let of = if series > 1 {
            format!("{series} series, {count} in all,")
        } else {
            count
        };
        format!(
            "{noun} of {of} in {}, from {} to {}; mean {}, standard deviation {}.",
            plural(bins, "bin", "bins"),
            readable(self.min),
            readable(self.max),
            readable(self.mean),
            readable(self.std_dev)
        )
    }
}

/// `v` to four significant digits, for people (`0.01235`, `1235`,
/// `1.235e20`), never for data.
pub fn readable(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        return "0".to_string();
    }
    if !(1e-3..1e6).contains(&a) {
        let s = format!("{v:.3e}");
        // 1.200e5 -> 1.2e5
        return match s.split_once('e') {
            Some((m, e)) if m.contains('.') => {
                format!("{}e{e}", m.trim_end_matches('0').trim_end_matches('.'))
            }
            _ => s,
        };
    }
    let digits = (3 - libm::log10(a).floor() as i32).max(0) as usize;
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::{readable, Summary};

    #[test]
    fn readable_keeps_four_digits() {
        assert_eq!(readable(0.0123456), "0.01235");
        assert_eq!(readable(1234.56), "1235");
        assert_eq!(readable(-3.0), "-3");
        assert_eq!(readable(1.2e20), "1.2e20");
        assert_eq!(readable(0.5), "0.5");
        assert_eq!(readable(1e-300), "1e-300");
    }

    #[test]
    fn says_the_chart_in_a_sentence() {
        let s = Summary::of(&[1.0, 2.0, 3.0]);
        assert_eq!(
            s.sentence("Histogram", 2, 1),
            "Histogram of 3 values in 2 bins, from 1 to 3; mean 2, standard deviation 0.8165."
        );
        assert!(Summary::of(&[1.0])
            .sentence("Histogram", 1, 1)
            .starts_with("Histogram of 1 value in 1 bin,"));
    }

    #[test]
    fn summarizes_like_the_textbook() {
        let s = Summary::of(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_eq!((s.count, s.min, s.max, s.mean), (8.0, 2.0, 9.0, 5.0));
        assert!((s.std_dev - 2.0).abs() < 1e-12, "{}", s.std_dev);
        let one = Summary::of(&[3.5]);
        assert_eq!((one.mean, one.std_dev), (3.5, 0.0));
    }

    #[test]
    fn extremes_do_not_overflow() {
        let s = Summary::of(&[-1e300, 1e300]);
        assert_eq!(s.mean, 0.0);
        assert!((s.std_dev - 1e300).abs() / 1e300 < 1e-12);
        let tiny = Summary::of(&[5e-324, 1e-323]);
        assert!(tiny.std_dev.is_finite() && tiny.mean > 0.0);
        let same = Summary::of(&[0.1; 7]);
        assert!(same.mean >= same.min && same.mean <= same.max);
    }
}
