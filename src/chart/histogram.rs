//! The histogram kind's transform: from the spec's data to the [`Model`]
//! (Vega-Lite's `bin` then `aggregate`, apart from any mark that draws
//! them). Series are pooled to choose shared edges; each series is then
//! counted, normalized (`norm`), summed (`cumulative`), marked (`marks`)
//! and smoothed (`kde`).

use crate::chart::binning::{edges, place, Place};
use crate::chart::data::samples;
use crate::chart::model::{Model, Reads, Series};
use crate::chart::stats::{self, kde, percentile};
use crate::chart::summary::Summary;
use crate::spec::{limits, Bins, ChartSpec, Cumulative, Data, MarkSpec, Norm, Scale};

/// The model of the histogram of `spec`, its draws (if any) from `seed`;
/// what the format does not read (`reads`: summaries, marks, curves) is
/// left empty.
pub fn model(spec: &ChartSpec, seed: [u8; 32], reads: Reads) -> Model {
    let log = spec.xscale == Scale::Log;
    let (series_values, edges, counts, outside): (Option<Vec<Vec<f64>>>, _, _, _) = match &spec.data
    {
        Data::Counts { counts, edges } => (None, edges.clone(), counts.clone(), None),
        data => {
            let series = match data {
                Data::Values(v) => v.clone(),
                _ => vec![samples(data, seed)],
            };
            // The user's values come sorted (spec::Data::Values); draws do not.
            let sorted = matches!(data, Data::Values(_));
            let (edges, equal) = shared_edges(spec, &series, log, sorted);
            let tracks_outside = spec.range.is_some() || matches!(spec.bins, Bins::Edges(_));
            let mut all_counts = Vec::with_capacity(series.len());
            let mut all_outside = Vec::with_capacity(series.len());
            for values in &series {
                let (c, below, above) = if sorted && bisecting_pays(values.len(), &edges) {
                    count_sorted(values, &edges, equal)
                } else {
                    count(values, &edges, equal)
                };
                all_counts.push(c);
                all_outside.push((below, above));
            }
            (
                Some(series),
                edges,
                all_counts,
                tracks_outside.then_some(all_outside),
            )
        }
    };

    let mut out = Vec::with_capacity(counts.len());
    for (i, c) in counts.iter().enumerate() {
        let values = series_values.as_ref().map(|s| &s[i]);
        let summary = match values {
            _ if !reads.summaries => Summary::of(&[]),
            Some(v) => Summary::of(v),
            None => Summary::of_counts(c, &edges),
        };
        let marks = if reads.marks {
            marks(&spec.marks, values.map(Vec::as_slice), c, &edges)
        } else {
            Vec::new()
        };
        let curve = match values {
            Some(v) if spec.kde && reads.curves => curve(spec, v, &edges, c.iter().sum()),
            _ => Vec::new(),
        };
        out.push(Series {
            label: spec.labels.get(i).cloned(),
            summary,
            outside: outside.as_ref().map(|o| o[i]),
            heights: heights(c, &edges, spec.norm, spec.cumulative),
            counts: c.clone(),
            marks,
            curve,
        });
    }
    let pooled = match &series_values {
        _ if !reads.summaries => Summary::of(&[]),
        Some(s) if s.len() == 1 => out[0].summary,
        Some(s) => Summary::of(&s.concat()),
        None => {
            let total: Vec<f64> = (0..edges.len() - 1)
                .map(|b| counts.iter().map(|c| c[b]).sum())
                .collect();
            Summary::of_counts(&total, &edges)
        }
    };
    Model {
        x_scale: spec.xscale,
        edges,
        series: out,
        pooled,
        measure: spec.norm.as_str(),
        cumulative: spec.cumulative != Cumulative::No,
        noun: "Histogram",
        curves: spec.kde && reads.curves,
    }
}

/// The edges every series shares, in data units, and whether they are
/// linspace's equal ones (in the binning space).
fn shared_edges(
    spec: &ChartSpec,
    series: &[Vec<f64>],
    log: bool,
    sorted: bool,
) -> (Vec<f64>, bool) {
    let t = |x: f64| if log { libm::log10(x) } else { x };
    // Sorted series merge into sorted pooled values (log10 keeps the
    // order), so a bin rule reads its percentiles without sorting.
    let pooled: Vec<f64> = if sorted && series.len() > 1 {
        merge_sorted(series).into_iter().map(t).collect()
    } else {
        series.iter().flatten().map(|&x| t(x)).collect()
    };
    let range = spec.range.map(|(lo, hi)| (t(lo), t(hi)));
    let bins = match (&spec.bins, log) {
        (Bins::Edges(e), true) => Bins::Edges(e.iter().map(|&x| libm::log10(x)).collect()),
        (b, _) => b.clone(),
    };
    let (mut e, equal) = edges(&pooled, &bins, range, sorted);
    if !log {
        return (e, equal);
    }
    // Back to data units. The ends are the data's (or the range's, or the
    // given edges) exactly, so no value falls outside by a rounding of pow.
    let n = e.len() - 1;
    for x in e.iter_mut() {
        *x = libm::pow(10.0, *x);
    }
    match (&spec.bins, spec.range) {
        (Bins::Edges(given), _) => e.clone_from(given),
        (_, Some((lo, hi))) => {
            e[0] = lo;
            e[n] = hi;
        }
        _ => {
            let (lo, hi) = series
                .iter()
                .flatten()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                    (a.min(x), b.max(x))
                });
            // Data without spread was widened by half a decade each way.
            if lo < hi && !matches!(spec.bins, Bins::Width(_)) {
                e[0] = lo;
                e[n] = hi;
            } else {
                e[0] = e[0].min(lo);
                e[n] = e[n].max(hi);
            }
        }
    }
    // Pow may break a tie between neighbours; edges must increase.
    for i in 1..e.len() {
        if e[i] <= e[i - 1] {
            e[i] = next_up(e[i - 1]);
        }
    }
    // Counting on data units: the computed-index shortcut holds only for
    // linspace's edges in the same space.
    (e, false)
}

fn next_up(x: f64) -> f64 {
    if x >= 0.0 {
        f64::from_bits(x.to_bits() + 1)
    } else {
        f64::from_bits(x.to_bits() - 1)
    }
}

/// Sorted series merged into one sorted list (pairwise, so the work is
/// the values times the logarithm of the series' number).
fn merge_sorted(series: &[Vec<f64>]) -> Vec<f64> {
    let mut lists: Vec<Vec<f64>> = series.to_vec();
    while lists.len() > 1 {
        let mut next = Vec::with_capacity(lists.len().div_ceil(2));
        let mut it = lists.into_iter();
        while let Some(a) = it.next() {
            match it.next() {
                None => next.push(a),
                Some(b) => {
                    let mut m = Vec::with_capacity(a.len() + b.len());
                    let (mut i, mut j) = (0, 0);
                    while i < a.len() && j < b.len() {
                        if a[i] <= b[j] {
                            m.push(a[i]);
                            i += 1;
                        } else {
                            m.push(b[j]);
                            j += 1;
                        }
                    }
                    m.extend_from_slice(&a[i..]);
                    m.extend_from_slice(&b[j..]);
                    next.push(m);
                }
            }
        }
        lists = next;
    }
    lists.pop().unwrap_or_default()
}

/// Whether [`count_sorted`] places fewer values than [`count`]: one search
/// per bin of about log2(values) places, against one place per value (1000
/// bins over 1,250 values would take ten times the work).
fn bisecting_pays(values: usize, edges: &[f64]) -> bool {
    let steps = usize::BITS - values.leading_zeros();
    (edges.len() - 1) * (steps as usize + 1) < values
}

/// [`count`] of sorted values by binary search: a value's place only grows
/// with the value, so each bin's first value is found among all of them
/// (the same [`place`] decides, so the counts are [`count`]'s exactly) in
/// bins times log values steps instead of values.
fn count_sorted(values: &[f64], edges: &[f64], equal: bool) -> (Vec<f64>, f64, f64) {
    let bins = edges.len() - 1;
    let rank = |p: Place| match p {
        Place::Below => 0,
        Place::Bin(i) => i + 1,
        Place::Above => bins + 1,
    };
    // starts[r - 1]: the first value whose place ranks at least r.
    let mut starts = Vec::with_capacity(bins + 2);
    let mut from = 0;
    for r in 1..=bins + 1 {
        from += values[from..].partition_point(|&x| rank(place(x, edges, equal)) < r);
        starts.push(from);
    }
    let below = starts[0];
    let counts = starts.windows(2).map(|w| (w[1] - w[0]) as f64).collect();
    let above = values.len() - starts[bins];
    (counts, below as f64, above as f64)
}

/// Counts per bin, and the values below and above the edges.
///
/// Never inlined: a function of its own is a small unit for V8 to compile
/// with its optimizing tier once it is hot (the start work makes it hot),
/// where inlined into [`model`] it would wait for all of `model` (about 120
/// ms of compilation) and run a fresh isolate's 100,000 draws in baseline code.
#[inline(never)]
fn count(values: &[f64], edges: &[f64], equal: bool) -> (Vec<f64>, f64, f64) {
    let mut c = vec![0u32; edges.len() - 1];
    let (mut below, mut above) = (0u32, 0u32);
    for &x in values {
        match place(x, edges, equal) {
            Place::Below => below += 1,
            Place::Above => above += 1,
            Place::Bin(i) => c[i] += 1,
        }
    }
    (
        c.into_iter().map(f64::from).collect(),
        f64::from(below),
        f64::from(above),
    )
}

/// What the bars show: counts, or shares of the series' binned total
/// (`percent`, `probability`), or `density` as numpy's `density=True`
/// (count / width / total); then the running sums of matplotlib's
/// `cumulative` (of density times width, ending at 1, under `density`).
pub fn heights(counts: &[f64], edges: &[f64], norm: Norm, cumulative: Cumulative) -> Vec<f64> {
    let total: f64 = counts.iter().sum();
    let share = |c: f64| if total > 0.0 { c / total } else { 0.0 };
    let mut h: Vec<f64> = counts
        .iter()
        .zip(edges.windows(2))
        .map(|(&c, w)| match norm {
            Norm::Count => c,
            Norm::Probability => share(c),
            Norm::Percent => share(c) * 100.0,
            Norm::Density if total > 0.0 => c / (w[1] - w[0]) / total,
            Norm::Density => 0.0,
        })
        .collect();
    if cumulative == Cumulative::No {
        return h;
    }
    if norm == Norm::Density {
        for (x, w) in h.iter_mut().zip(edges.windows(2)) {
            *x *= w[1] - w[0];
        }
    }
    let mut run = 0.0;
    let mut add = |x: &mut f64| {
        run += *x;
        *x = run;
    };
    match cumulative {
        Cumulative::Backward => h.iter_mut().rev().for_each(&mut add),
        _ => h.iter_mut().for_each(&mut add),
    }
    h
}

/// The reference lines of one series: from its values (numpy's `mean` and
/// `percentile`), or for pre-binned counts from the bins (midpoints for the
/// mean, uniform within a bin for percentiles).
fn marks(
    specs: &[MarkSpec],
    values: Option<&[f64]>,
    counts: &[f64],
    edges: &[f64],
) -> Vec<(String, f64)> {
    if specs.is_empty() {
        return Vec::new();
    }
    // The user's values come sorted; draws are sorted here.
    let sorted = values.map(|v| {
        if v.windows(2).all(|w| w[0] <= w[1]) {
            std::borrow::Cow::Borrowed(v)
        } else {
            let mut s = v.to_vec();
            s.sort_unstable_by(f64::total_cmp);
            std::borrow::Cow::Owned(s)
        }
    });
    let binned = Summary::of_counts(counts, edges);
    let q = |p: f64| match &sorted {
        Some(s) => percentile(s, p),
        None => binned_percentile(counts, edges, p),
    };
    specs
        .iter()
        .map(|m| {
            let x = match m {
                MarkSpec::Mean => match values {
                    Some(v) => stats::mean(v),
                    None => binned.mean,
                },
                MarkSpec::Median => q(50.0),
                MarkSpec::Percentile(p) => q(f64::from(*p)),
                MarkSpec::Value(v) => *v,
            };
            (m.name(), x)
        })
        .collect()
}

/// The `p`th percentile of binned counts, values uniform within each bin:
/// `numpy.interp(p / 100 * total, cumsum with a leading 0, edges)`, which
/// over a run of empty bins takes the run's right end.
fn binned_percentile(counts: &[f64], edges: &[f64], p: f64) -> f64 {
    let total: f64 = counts.iter().sum();
    let target = p / 100.0 * total;
    let mut cum = Vec::with_capacity(counts.len() + 1);
    let mut run = 0.0;
    cum.push(run);
    for &c in counts {
        run += c;
        cum.push(run);
    }
    // The last j with cum[j] <= target.
    let j = cum.partition_point(|&c| c <= target).saturating_sub(1);
    if j >= counts.len() {
        return edges[edges.len() - 1];
    }
    let t = (target - cum[j]) / (cum[j + 1] - cum[j]);
    edges[j] + t * (edges[j + 1] - edges[j])
}

/// The KDE of one series' binned values in the units of the bars, at
/// [`limits::KDE_POINTS`] points across the edges (on a log axis the
/// estimate is of log10 values, as the bins are).
fn curve(spec: &ChartSpec, values: &[f64], edges: &[f64], total: f64) -> Vec<(f64, f64)> {
    let log = spec.xscale == Scale::Log;
    let t = |x: f64| if log { libm::log10(x) } else { x };
    let (lo, hi) = (edges[0], edges[edges.len() - 1]);
    let inside: Vec<f64> = values
        .iter()
        .copied()
        .filter(|&x| x >= lo && x <= hi)
        .map(t)
        .collect();
    let pdf = kde(&inside, t(lo), t(hi), limits::KDE_POINTS);
    // Bars of equal width (in the binning space) unless under density.
    let width = t(edges[1]) - t(edges[0]);
    pdf.into_iter()
        .map(|(u, y)| {
            let x = if log { libm::pow(10.0, u) } else { u };
            let x = x.clamp(lo, hi);
            let y = match spec.norm {
                Norm::Density if log => y / (x * core::f64::consts::LN_10),
                Norm::Density => y,
                Norm::Count => y * total * width,
                Norm::Probability => y * width,
                Norm::Percent => y * width * 100.0,
            };
            (x, y)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::stats::linspace;

    #[test]
    fn bisecting_counts_as_placing_each_value() {
        // Tenths (not exact in binary) on and around linspace's edges, ties,
        // values outside, and unequal edges.
        let mut values: Vec<f64> = (0..3000).map(|i| f64::from(i % 131) / 10.0 - 1.0).collect();
        values.extend([12.0, 12.0, -1.0, 0.30000000000000004, 1e-300, -1e-300]);
        values.sort_unstable_by(f64::total_cmp);
        for (edges, equal) in [
            (linspace(0.0, 12.0, 120), true),
            (linspace(-1.0, 12.0, 7), true),
            (vec![-0.5, 0.1, 0.2, 0.3, 5.0, 11.9], false),
            (vec![0.0, 1.0], false),
        ] {
            assert_eq!(
                count_sorted(&values, &edges, equal),
                count(&values, &edges, equal),
                "{edges:?}"
            );
        }
        assert!(bisecting_pays(25_000, &linspace(0.0, 1.0, 100)));
        assert!(!bisecting_pays(1_250, &linspace(0.0, 1.0, 1000)));
    }
}
