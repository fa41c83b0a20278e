//! Bin edges and counts as `numpy.histogram` finds them: equal bins over
//! the data's (or the given) range spelled as `numpy.linspace` spells
//! them, counts by each value's place among those very edges (the last bin
//! closed), bin rules on the values inside the range, and on a log axis
//! all of it on the base-10 logarithms.

use crate::chart::stats::{linspace, rule_width};
use crate::spec::{limits, Bins};

/// Where a value lands among increasing `edges`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Below,
    Bin(usize),
    Above,
}

/// The edges the histogram of `pooled` (all series' values, transformed:
/// log10 under a log axis) has for `bins` over `range` (transformed too).
/// Returns edges in the transformed space and whether they are equal
/// (linspace's, so counting may compute a value's bin). `sorted` says the
/// pooled values are already in ascending order.
pub fn edges(
    pooled: &[f64],
    bins: &Bins,
    range: Option<(f64, f64)>,
    sorted: bool,
) -> (Vec<f64>, bool) {
    match bins {
        Bins::Edges(e) => (e.clone(), false),
        Bins::Width(w) => (width_edges(pooled, *w, range), false),
        Bins::Count(n) => {
            let (first, last) = outer_edges(pooled, range);
            (linspace(first, last, *n as usize), true)
        }
        Bins::Rule(rule) => {
            let (first, last) = outer_edges(pooled, range);
            let mut inside: Vec<f64> = pooled
                .iter()
                .copied()
                .filter(|&x| x >= first && x <= last)
                .collect();
            if !sorted {
                inside.sort_unstable_by(f64::total_cmp);
            }
            let width = rule_width(*rule, &inside);
            let n = if width > 0.0 && width.is_finite() {
                // A rule asking for more than the bound gets the bound.
                ((last - first) / width)
                    .ceil()
                    .clamp(1.0, f64::from(limits::BINS_MAX))
            } else {
                1.0
            };
            (linspace(first, last, n as usize), true)
        }
    }
}

/// numpy's outer edges: the range, or the data's extremes, a single value
/// widened by 0.5 each way; then widened to a span the chart can draw.
fn outer_edges(pooled: &[f64], range: Option<(f64, f64)>) -> (f64, f64) {
    if let Some(r) = range {
        return resolvable_range(r.0, r.1);
    }
    let (lo, hi) = pooled
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        });
    if pooled.is_empty() {
        return (0.0, 1.0);
    }
    resolvable_range(lo, hi)
}

/// Edges at whole multiples of `w` from the largest at or below the
/// lowest value (or the range's low end) to the smallest at or above the
/// highest; with a range, its ends are the outer edges and the multiples
/// strictly between them the inner ones. The parser has held the count to
/// the bound and the multiples to exact integers.
fn width_edges(pooled: &[f64], w: f64, range: Option<(f64, f64)>) -> Vec<f64> {
    let (lo, hi) = range.unwrap_or_else(|| {
        pooled
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
                (lo.min(x), hi.max(x))
            })
    });
    if lo
        .partial_cmp(&hi)
        .is_none_or(|o| o == std::cmp::Ordering::Greater)
    {
        return vec![0.0, w];
    }
    let mut k0 = (lo / w).floor();
    let mut k1 = (hi / w).ceil();
    while k0 * w > lo {
        k0 -= 1.0;
    }
    while k1 * w < hi {
        k1 += 1.0;
    }
    if k1 <= k0 {
        k1 = k0 + 1.0;
    }
    let n = ((k1 - k0) as usize).min(limits::BINS_MAX as usize + 2);
    let multiples = (0..=n).map(|i| (k0 + i as f64) * w);
    match range {
        None => multiples.collect(),
        Some((lo, hi)) => {
            let mut e = vec![lo];
            e.extend(multiples.filter(|&x| x > lo && x < hi));
            e.push(hi);
            e
        }
    }
}

/// The place of `x` among `edges` (increasing): bin `i` holds
/// `edges[i] <= x < edges[i + 1]`, the last bin also its right edge. For
/// equal edges the bin is computed as numpy does (from the span, then
/// corrected against the edges themselves), else found by bisection.
pub fn place(x: f64, edges: &[f64], equal: bool) -> Place {
    let n = edges.len() - 1;
    let (first, last) = (edges[0], edges[n]);
    if x < first {
        return Place::Below;
    }
    if x > last {
        return Place::Above;
    }
    let mut i = if equal {
        let f = (x - first) / (last - first) * n as f64;
        (f as usize).min(n - 1)
    } else {
        edges
            .partition_point(|&e| e <= x)
            .saturating_sub(1)
            .min(n - 1)
    };
    if i > 0 && x < edges[i] {
        i -= 1;
    }
    if i + 1 < n && x >= edges[i + 1] {
        i += 1;
    }
    Place::Bin(i)
}

/// The smallest span, relative to the data's magnitude, that bins and tick
/// labels can resolve: ten significant digits leave room for 1000 bins and
/// labels that still differ.
const MIN_RELATIVE_SPAN: f64 = 1e-9;
/// The smallest absolute span: below it the axis step underflows.
const MIN_SPAN: f64 = 1e-290;

/// `[lo, hi]` widened, about its centre, to a span the chart can draw: a
/// single value gets +-0.5 as numpy gives it, unless 0.5 vanishes in
/// rounding (`1e16`: then +-1% of its magnitude); values closer than
/// [`MIN_RELATIVE_SPAN`] of their magnitude share a range that wide.
/// Inputs are finite and within +-1e300, so nothing here overflows.
pub fn resolvable_range(lo: f64, hi: f64) -> (f64, f64) {
    let magnitude = lo.abs().max(hi.abs());
    let need = (magnitude * MIN_RELATIVE_SPAN).max(MIN_SPAN);
    if lo == hi && 1.0 >= need {
        return (lo - 0.5, hi + 0.5);
    }
    let half = if lo == hi {
        (magnitude * 0.01).max(0.5)
    } else {
        if hi - lo >= need {
            return (lo, hi);
        }
        need / 2.0
    };
    let centre = lo / 2.0 + hi / 2.0;
    (centre - half, centre + half)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Rule;

    fn counts(values: &[f64], bins: Bins) -> (Vec<f64>, Vec<usize>) {
        let (e, equal) = edges(values, &bins, None, false);
        let mut c = vec![0; e.len() - 1];
        for &x in values {
            if let Place::Bin(i) = place(x, &e, equal) {
                c[i] += 1;
            }
        }
        (e, c)
    }

    #[test]
    fn counts_add_up_and_edges_span_the_data() {
        let (e, c) = counts(&[0.0, 1.0, 2.0, 3.0, 4.0, 4.0], Bins::Count(4));
        assert_eq!(c, vec![1, 1, 1, 3]);
        assert_eq!(e, vec![0.0, 1.0, 2.0, 3.0, 4.0]);
    }

    #[test]
    fn a_single_value_gets_a_unit_wide_range_as_in_numpy() {
        let (e, c) = counts(&[5.0], Bins::Rule(Rule::Auto));
        assert_eq!((e, c), (vec![4.5, 5.5], vec![1]));
        let (e, c) = counts(&[100.0; 3], Bins::Count(2));
        assert_eq!((e, c), (vec![99.5, 100.0, 100.5], vec![0, 3]));
    }

    #[test]
    fn values_on_edges_go_right_and_the_last_edge_is_closed() {
        // Tenths are not exact in binary: the counts follow the printed edges.
        let v = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];
        let (e, c) = counts(&v, Bins::Count(6));
        for (i, &x) in v.iter().enumerate() {
            let Place::Bin(b) = place(x, &e, true) else {
                panic!("{x} outside")
            };
            assert!(e[b] <= x && (x < e[b + 1] || b == 5), "{i}: {x} in {b}");
        }
        assert_eq!(c.iter().sum::<usize>(), 7);
    }

    #[test]
    fn widths_put_edges_on_multiples() {
        let (e, c) = counts(&[0.3, 0.5, 1.0], Bins::Width(0.25));
        assert_eq!(e, vec![0.25, 0.5, 0.75, 1.0]);
        assert_eq!(c, vec![1, 1, 1]);
        let e = width_edges(&[], 0.25, Some((0.1, 0.9)));
        assert_eq!(e, vec![0.1, 0.25, 0.5, 0.75, 0.9]);
        assert_eq!(width_edges(&[2.0, 2.0], 1.0, None), vec![2.0, 3.0]);
    }

    #[test]
    fn a_rule_asking_for_more_than_the_bound_gets_the_bound() {
        // Ten thousand values within 1 and one at a million: FD asks for
        // twenty million bins.
        let mut v: Vec<f64> = (0..10_000).map(|i| f64::from(i) / 1e4).collect();
        v.push(1e6);
        let (e, _) = edges(&v, &Bins::Rule(Rule::Fd), None, false);
        let width = {
            let mut s = v.clone();
            s.sort_unstable_by(f64::total_cmp);
            rule_width(Rule::Fd, &s)
        };
        assert!(1e6 / width > 1000.0, "the case must ask for more: {width}");
        assert_eq!(e.len(), 1001);
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
            let (_, c) = counts(&[lo, hi], Bins::Count(1000));
            assert_eq!(c.iter().sum::<usize>(), 2);
        }
        assert_eq!(resolvable_range(5.0, 5.0), (4.5, 5.5));
        assert_eq!(resolvable_range(1.0, 2.0), (1.0, 2.0));
    }
}
