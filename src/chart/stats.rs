//! The statistics behind a histogram, as numpy and scipy define them, so a
//! chart agrees with the notebook: the mean, the standard deviation,
//! percentiles by numpy's default (linear) method with its exact float
//! steps, the bin-width rules of `numpy.histogram_bin_edges`, and a
//! Gaussian KDE with Scott's bandwidth (`scipy.stats.gaussian_kde`).
//! tests/oracle.rs checks all of it against numpy and scipy.

use crate::spec::Rule;

/// The mean, summed with Neumaier's compensation (numpy sums pairwise:
/// both are within a few ulps of the exact sum). Values are scaled by the
/// largest magnitude first, so no sum overflows.
pub fn mean(values: &[f64]) -> f64 {
    mean_at(values, scale_of(values))
}

/// [`mean`] with the largest magnitude already known.
fn mean_at(values: &[f64], scale: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let (mut sum, mut c) = (0.0f64, 0.0f64);
    for &v in values {
        let x = v / scale;
        let t = sum + x;
        if sum.abs() >= x.abs() {
            c += (sum - t) + x;
        } else {
            c += (x - t) + sum;
        }
        sum = t;
    }
    ((sum + c) / values.len() as f64) * scale
}

/// Population standard deviation (numpy's `std`, `ddof=0`), or with
/// `ddof = 1` the sample one (scipy's KDE bandwidth).
pub fn std_dev(values: &[f64], ddof: usize) -> f64 {
    let scale = scale_of(values);
    std_dev_about(values, mean_at(values, scale), scale, ddof)
}

/// The mean and the population standard deviation in two passes over the
/// values (and one for their magnitude).
pub fn mean_and_std(values: &[f64]) -> (f64, f64) {
    let scale = scale_of(values);
    let m = mean_at(values, scale);
    (m, std_dev_about(values, m, scale, 0))
}

/// [`std_dev`] about a known mean, with the largest magnitude known.
fn std_dev_about(values: &[f64], m: f64, scale: f64, ddof: usize) -> f64 {
    let n = values.len();
    if n <= ddof {
        return 0.0;
    }
    let (mut sum, mut c) = (0.0f64, 0.0f64);
    for &v in values {
        let d = (v - m) / scale;
        let x = d * d;
        let t = sum + x;
        if sum >= x {
            c += (sum - t) + x;
        } else {
            c += (x - t) + sum;
        }
        sum = t;
    }
    ((sum + c) / (n - ddof) as f64).max(0.0).sqrt() * scale
}

fn scale_of(values: &[f64]) -> f64 {
    let s = values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if s > 0.0 {
        s
    } else {
        1.0
    }
}

/// Percentile `q` (0 to 100) of sorted values, as `numpy.percentile` with
/// its default linear method, step for step: the virtual index
/// `(n - 1) * (q / 100)`, and numpy's `_lerp`, which interpolates from the
/// upper neighbour when the fraction is at least one half.
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return 0.0;
    }
    let virtual_index = (n - 1) as f64 * (q / 100.0);
    let below = virtual_index.floor();
    let gamma = virtual_index - below;
    let i = (below.max(0.0) as usize).min(n - 1);
    let j = (i + 1).min(n - 1);
    lerp(sorted[i], sorted[j], gamma)
}

/// numpy's `_lerp(a, b, t)`.
fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}

/// The bin width a numpy rule asks for, from the values inside the bins'
/// range (`x`, sorted); 0 means one bin (numpy's convention for a rule
/// that finds no spread).
pub fn rule_width(rule: Rule, sorted: &[f64]) -> f64 {
    let n = sorted.len() as f64;
    if sorted.is_empty() {
        return 0.0;
    }
    let ptp = sorted[sorted.len() - 1] - sorted[0];
    let sqrt = || ptp / n.sqrt();
    let sturges = || ptp / (libm::log2(n) + 1.0);
    let fd = || {
        let iqr = percentile(sorted, 75.0) - percentile(sorted, 25.0);
        2.0 * iqr * libm::pow(n, -1.0 / 3.0)
    };
    match rule {
        Rule::Sqrt => sqrt(),
        Rule::Sturges => sturges(),
        Rule::Rice => ptp / (2.0 * libm::pow(n, 1.0 / 3.0)),
        Rule::Scott => {
            libm::pow(24.0 * core::f64::consts::PI.sqrt() / n, 1.0 / 3.0) * std_dev(sorted, 0)
        }
        Rule::Fd => fd(),
        // numpy 2: Freedman-Diaconis held to at least half the sqrt width,
        // then the smaller of that and Sturges.
        Rule::Auto => fd().max(sqrt() / 2.0).min(sturges()),
        Rule::Doane => {
            if sorted.len() <= 2 {
                return 0.0;
            }
            let sg1 = (6.0 * (n - 2.0) / ((n + 1.0) * (n + 3.0))).sqrt();
            let sigma = std_dev(sorted, 0);
            if sigma <= 0.0 {
                return 0.0;
            }
            let m = mean(sorted);
            let g1 = sorted
                .iter()
                .map(|&x| {
                    let z = (x - m) / sigma;
                    z * z * z
                })
                .sum::<f64>()
                / n;
            ptp / (1.0 + libm::log2(n) + libm::log2(1.0 + g1.abs() / sg1))
        }
    }
}

/// `count + 1` equal edges from `first` to `last`, as `numpy.linspace`
/// spells them: `i * step + first`, and the last exactly `last`.
pub fn linspace(first: f64, last: f64, count: usize) -> Vec<f64> {
    let step = (last - first) / count as f64;
    let mut e: Vec<f64> = (0..=count).map(|i| i as f64 * step + first).collect();
    e[count] = last;
    e
}

/// A Gaussian kernel density estimate of `values` (at least two, with
/// spread) with Scott's bandwidth `n^(-1/5)` times the sample standard
/// deviation, as `scipy.stats.gaussian_kde` by default, at `points`
/// evenly spaced x from `lo` to `hi`.
///
/// The values are spread linearly onto a grid whose spacing is at most a
/// sixteenth of the bandwidth (and on which the points lie), and the
/// kernel is summed over the grid within six bandwidths: the cost is the
/// values plus the points times the kernel's 200 taps, not values times
/// points. Against the exact sum the error stays below 1e-3 of the
/// curve's peak while the span is at most 4096 bandwidths (the grid's
/// 65,536 nodes); tests/oracle.rs checks it against scipy.
pub fn kde(values: &[f64], lo: f64, hi: f64, points: usize) -> Vec<(f64, f64)> {
    let n = values.len();
    let sd = std_dev(values, 1);
    if n < 2 || sd <= 0.0 || points < 2 || hi <= lo {
        return Vec::new();
    }
    let bw = libm::pow(n as f64, -0.2) * sd;
    let span = hi - lo;
    let gaps = (points - 1) as f64;
    // Grid nodes per gap between points, so the points are nodes.
    let per_gap = (span / gaps / (bw / 16.0))
        .ceil()
        .clamp(1.0, (GRID_MAX as f64) / gaps);
    let nodes = (gaps * per_gap) as usize + 1;
    let delta = span / (nodes - 1) as f64;
    let mut weights = vec![0.0f64; nodes];
    for &v in values {
        let f = (v - lo) / delta;
        if !(f > -1.0 && f < nodes as f64) {
            continue; // outside the points' span by more than a node
        }
        let i = f.floor();
        let t = f - i;
        let i = i as isize;
        if i >= 0 && (i as usize) < nodes {
            weights[i as usize] += 1.0 - t;
        }
        if i + 1 >= 0 && ((i + 1) as usize) < nodes {
            weights[(i + 1) as usize] += t;
        }
    }
    let taps = (6.0 * bw / delta).ceil() as usize;
    let kernel: Vec<f64> = (0..=taps)
        .map(|k| {
            let z = k as f64 * delta / bw;
            libm::exp(-0.5 * z * z)
        })
        .collect();
    let norm = 1.0 / (n as f64 * bw * (2.0 * core::f64::consts::PI).sqrt());
    let step = per_gap as usize;
    (0..points)
        .map(|p| {
            let node = p * step;
            let from = node.saturating_sub(taps);
            let to = (node + taps).min(nodes - 1);
            // Node by node from `from` to `to`, as one loop over the
            // distances would add them (the same sum, bit for bit), in two
            // runs: before the point the kernel's taps count down, from it
            // they count up. Empty nodes add +0.0, which changes no sum of
            // non-negative terms, so no test for them.
            let mut sum = 0.0;
            let before = &weights[from..node];
            let taps_before = &kernel[1..=before.len()];
            for (j, w) in before.iter().enumerate() {
                sum += w * taps_before[before.len() - 1 - j];
            }
            for (w, k) in weights[node..=to].iter().zip(&kernel[..=to - node]) {
                sum += w * k;
            }
            let x = if p + 1 == points {
                hi
            } else {
                lo + p as f64 * (span / gaps)
            };
            (x, sum * norm)
        })
        .collect()
}

/// The KDE grid's largest number of nodes.
const GRID_MAX: usize = 1 << 16;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_numpys() {
        let v = [1.0, 2.0, 3.0, 4.0];
        // numpy.percentile([1,2,3,4], [0, 25, 50, 90, 100])
        assert_eq!(percentile(&v, 0.0), 1.0);
        assert_eq!(percentile(&v, 25.0), 1.75);
        assert_eq!(percentile(&v, 50.0), 2.5);
        assert_eq!(percentile(&v, 90.0), 3.7);
        assert_eq!(percentile(&v, 100.0), 4.0);
        assert_eq!(percentile(&[5.0], 37.0), 5.0);
    }

    #[test]
    fn linspace_ends_exactly() {
        let e = linspace(0.1, 0.7, 6);
        assert_eq!(e.len(), 7);
        assert_eq!((e[0], e[6]), (0.1, 0.7));
        assert!(e.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn mean_and_std_are_the_textbooks() {
        let v = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert_eq!(mean(&v), 5.0);
        assert!((std_dev(&v, 0) - 2.0).abs() < 1e-15);
        assert_eq!(mean(&[-1e300, 1e300]), 0.0);
        assert_eq!(mean(&[0.1; 10]), 0.1);
    }

    #[test]
    fn the_binned_kde_is_the_exact_one_within_its_bound() {
        let v: Vec<f64> = (0..3000)
            .map(|i| libm::sin(f64::from(i) * 0.37) * 3.0 + f64::from(i % 7))
            .collect();
        let curve = kde(&v, -3.0, 9.0, 200);
        let bw = libm::pow(v.len() as f64, -0.2) * std_dev(&v, 1);
        let exact = |x: f64| {
            v.iter()
                .map(|&xi| libm::exp(-0.5 * ((x - xi) / bw).powi(2)))
                .sum::<f64>()
                / (v.len() as f64 * bw * (2.0 * core::f64::consts::PI).sqrt())
        };
        let peak = curve.iter().map(|p| p.1).fold(0.0, f64::max);
        for &(x, y) in &curve {
            assert!(
                (y - exact(x)).abs() <= 1e-3 * peak,
                "{x}: {y} vs {}",
                exact(x)
            );
        }
        assert_eq!(curve.len(), 200);
        assert_eq!((curve[0].0, curve[199].0), (-3.0, 9.0));
        assert!(kde(&[1.0, 1.0], 0.0, 2.0, 100).is_empty());
    }

    #[test]
    fn auto_takes_numpy_2s_rule() {
        // numpy 2.x: np.histogram_bin_edges(np.arange(1000), "auto") has 11
        // bins (Sturges 10.97 beats the held FD width).
        let v: Vec<f64> = (0..1000).map(f64::from).collect();
        let w = rule_width(Rule::Auto, &v);
        assert_eq!((999.0 / w).ceil(), 11.0);
    }
}
