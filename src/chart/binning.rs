//! Histogram binning: equal-width bins over the data's range, as numpy and
//! matplotlib do, with `auto` choosing the count like numpy's `bins="auto"`.

use crate::spec::{limits, Bins};

/// Counts per equal-width bin over `[lo, hi]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    pub lo: f64,
    pub hi: f64,
    pub counts: Vec<u32>,
}

impl Histogram {
    pub fn max_count(&self) -> u32 {
        self.counts.iter().copied().max().unwrap_or(0)
    }

    /// Left edge of bin `i` (and right edge of bin `i - 1`).
    pub fn edge(&self, i: usize) -> f64 {
        if i == self.counts.len() {
            return self.hi;
        }
        self.lo + (self.hi - self.lo) * i as f64 / self.counts.len() as f64
    }
}

/// Bins `samples` (which must be finite and non-empty).
pub fn histogram(samples: &[f64], bins: Bins) -> Histogram {
    let (mut lo, mut hi) = samples
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        });
    if samples.is_empty() {
        (lo, hi) = (0.0, 1.0);
    }
    (lo, hi) = resolvable_range(lo, hi);
    let n = match bins {
        Bins::Fixed(n) => n as usize,
        Bins::Auto => auto_bins(samples, lo, hi),
    };
    let mut counts = vec![0u32; n];
    let scale = n as f64 / (hi - lo);
    for &x in samples {
        let i = ((x - lo) * scale) as usize;
        counts[i.min(n - 1)] += 1;
    }
    Histogram { lo, hi, counts }
}

/// The smallest span, relative to the data's magnitude, that bins and tick
/// labels can resolve: ten significant digits leave room for 1000 bins and
/// labels that still differ.
const MIN_RELATIVE_SPAN: f64 = 1e-9;
/// The smallest absolute span: below it the axis step underflows.
const MIN_SPAN: f64 = 1e-290;

/// `[lo, hi]` widened, about its centre, to a span the chart can draw: a
/// single value gets +-0.5 (as numpy does) or +-1% of its magnitude when 0.5
/// would vanish in rounding (`1e16`); values closer than
/// [`MIN_RELATIVE_SPAN`] of their magnitude share a range that wide.
/// Inputs are finite and within +-1e300, so nothing here overflows.
pub fn resolvable_range(lo: f64, hi: f64) -> (f64, f64) {
    let magnitude = lo.abs().max(hi.abs());
    let half = if lo == hi {
        (magnitude * 0.01).max(0.5)
    } else {
        let need = (magnitude * MIN_RELATIVE_SPAN).max(MIN_SPAN);
        if hi - lo >= need {
            return (lo, hi);
        }
        need / 2.0
    };
    let centre = lo / 2.0 + hi / 2.0;
    (centre - half, centre + half)
}

/// numpy's `auto`: the larger of the Sturges and Freedman–Diaconis counts.
fn auto_bins(samples: &[f64], lo: f64, hi: f64) -> usize {
    let n = samples.len();
    if n < 2 {
        return 1;
    }
    let sturges = libm::ceil(libm::log2(n as f64)) as usize + 1;
    let mut sorted = samples.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    let iqr = quantile(&sorted, 0.75) - quantile(&sorted, 0.25);
    let fd = if iqr > 0.0 {
        let width = 2.0 * iqr / libm::cbrt(n as f64);
        libm::ceil((hi - lo) / width) as usize
    } else {
        0
    };
    sturges
        .max(fd)
        .clamp(limits::BINS_MIN as usize, limits::BINS_MAX as usize)
}

/// Linear-interpolated quantile of sorted data (numpy's default method).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let i = pos as usize;
    let frac = pos - i as f64;
    match sorted.get(i + 1) {
        Some(next) => sorted[i] + (next - sorted[i]) * frac,
        None => sorted[i],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up_and_edges_span_the_data() {
        let data = [0.0, 1.0, 2.0, 3.0, 4.0, 4.0];
        let h = histogram(&data, Bins::Fixed(4));
        assert_eq!(h.counts, vec![1, 1, 1, 3]);
        assert_eq!((h.lo, h.hi), (0.0, 4.0));
        assert_eq!(h.edge(2), 2.0);
        assert_eq!(h.edge(4), 4.0);
    }

    #[test]
    fn a_single_value_gets_a_unit_wide_range() {
        let h = histogram(&[5.0], Bins::Auto);
        assert_eq!((h.lo, h.hi, h.counts.clone()), (4.5, 5.5, vec![1]));
        let h = histogram(&[2.0, 2.0, 2.0], Bins::Fixed(3));
        assert_eq!(h.counts, vec![0, 3, 0]);
    }

    #[test]
    fn auto_matches_numpy_for_known_inputs() {
        // numpy.histogram_bin_edges(np.arange(100), "auto"): Sturges wins, 8 bins.
        let data: Vec<f64> = (0..100).map(f64::from).collect();
        assert_eq!(histogram(&data, Bins::Auto).counts.len(), 8);
        // np.arange(1000): Sturges 11 beats Freedman–Diaconis 10.
        let data: Vec<f64> = (0..1000).map(f64::from).collect();
        assert_eq!(histogram(&data, Bins::Auto).counts.len(), 11);
    }

    #[test]
    fn every_finite_range_becomes_drawable() {
        let cases: &[(f64, f64)] = &[
            (0.0, 1e-308),
            (0.0, 5e-324),
            (1e16, 1e16),
            (1e16, 1e16 + 2.0),
            (-1e300, 1e300),
            (1e300, 1e300),
            (-3.0, -3.0),
            (0.0, 0.0),
        ];
        for &(lo, hi) in cases {
            let (a, b) = resolvable_range(lo, hi);
            let span = b - a;
            assert!(span.is_finite() && span > 0.0, "[{lo}, {hi}] -> [{a}, {b}]");
            assert!(a <= lo && b >= hi, "[{lo}, {hi}] -> [{a}, {b}] drops data");
            let magnitude = a.abs().max(b.abs());
            assert!(span >= magnitude * 0.999e-9, "[{lo}, {hi}] -> [{a}, {b}]");
            let h = histogram(&[lo, hi], Bins::Fixed(1000));
            assert_eq!(h.counts.iter().sum::<u32>(), 2);
        }
        assert_eq!(resolvable_range(5.0, 5.0), (4.5, 5.5));
        assert_eq!(resolvable_range(1.0, 2.0), (1.0, 2.0));
    }

    #[test]
    fn auto_is_capped() {
        let mut data: Vec<f64> = vec![0.0; 5000];
        data.extend((0..5000).map(|i| 1e6 + f64::from(i) * 1e-3));
        let n = histogram(&data, Bins::Auto).counts.len();
        assert!(n <= 1000, "{n}");
    }
}
