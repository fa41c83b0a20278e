//! The marks a model's series are drawn with, for any kind that has them:
//! bars over shared edges in each [`Mode`], curves (anti-aliased lines),
//! reference lines with their labels, and a legend placed where it covers
//! nothing when it can (matplotlib's `loc="best"`, among the upper corners).

use crate::chart::axes::Frame;
use crate::chart::model::Model;
use crate::chart::scene::{Ink, Scene};
use crate::chart::summary::readable;
use crate::spec::{ChartSpec, Mode};
use crate::text::measure;

/// The bars of every series, as `spec.mode` arranges them.
pub fn series(scene: &mut Scene, model: &Model, spec: &ChartSpec, f: &Frame) {
    let bins = model.edges.len().saturating_sub(1);
    if bins == 0 {
        return;
    }
    let bottom = f.bottom();
    let u: Vec<f64> = model.edges.iter().map(|&e| f.ux(e)).collect();
    // The pixel columns of bin i (right exclusive, at least one pixel).
    let columns = |i: usize| {
        let left = f.px(u[i], f.y.0).0;
        let right = f.px(u[i + 1], f.y.0).0;
        (left, right.max(left + 1))
    };
    // The pixel row a height reaches (a bin that holds values shows: one
    // pixel at least); `None` where the axis cannot show it.
    let row = |h: f64| -> Option<i32> {
        if h <= 0.0 {
            return None;
        }
        let v = f.vy(h)?;
        Some(f.px(f.x.0, v).1.min(bottom - 1))
    };
    match spec.mode {
        Mode::Bar | Mode::Overlay => {
            for (k, s) in model.series.iter().enumerate() {
                let ink = if spec.mode == Mode::Bar {
                    Ink::Series(k as u8)
                } else {
                    Ink::Faded(k as u8)
                };
                let bars: Vec<(i32, i32, i32)> = (0..bins)
                    .filter_map(|i| {
                        let top = row(s.heights[i])?;
                        let (left, right) = columns(i);
                        Some((left, right, top))
                    })
                    .collect();
                for (left, right, top) in profile(&bars, bottom) {
                    scene.fill(ink, (left, top), (right, bottom));
                }
            }
        }
        Mode::Stack => {
            for i in 0..bins {
                let (left, right) = columns(i);
                let mut base = 0.0;
                for (k, s) in model.series.iter().enumerate() {
                    let h = s.heights[i];
                    if h <= 0.0 {
                        continue;
                    }
                    let below = row(base).unwrap_or(bottom);
                    base += h;
                    let Some(top) = row(base) else { continue };
                    let top = top.min(below - 1);
                    scene.fill(Ink::Series(k as u8), (left, top), (right, below));
                }
            }
        }
        Mode::Side => {
            let n = model.series.len() as i32;
            for i in 0..bins {
                let (left, right) = columns(i);
                let width = right - left;
                for (k, s) in model.series.iter().enumerate() {
                    let Some(top) = row(s.heights[i]) else {
                        continue;
                    };
                    let k = k as i32;
                    let a = left + width * k / n;
                    let b = (left + width * (k + 1) / n).max(a + 1);
                    scene.fill(Ink::Series(k as u8), (a, top), (b, bottom));
                }
            }
        }
        Mode::Step => {
            let t = step_thickness(spec.dpr as i32);
            for (k, s) in model.series.iter().enumerate() {
                let ink = Ink::Series(k as u8);
                let tops: Vec<i32> = (0..bins)
                    .map(|i| row(s.heights[i]).unwrap_or(bottom))
                    .collect();
                let mut level = bottom;
                for (i, &top) in tops.iter().enumerate() {
                    let (left, right) = columns(i);
                    // The riser from the last level to this one, then the tread.
                    let (a, b) = (level.min(top), level.max(top));
                    if a != b {
                        scene.fill(
                            ink,
                            (left - t / 2, a - t / 2),
                            (left - t / 2 + t, b + t - t / 2),
                        );
                    }
                    if top < bottom {
                        scene.fill(ink, (left, top - t / 2), (right, top - t / 2 + t));
                    }
                    level = top;
                }
                if level < bottom {
                    let (_, right) = columns(bins - 1);
                    scene.fill(
                        ink,
                        (right - t / 2, level - t / 2),
                        (right - t / 2 + t, bottom),
                    );
                }
            }
        }
    }
}

/// How thick outlines and curves are: 1.5 CSS pixels, rounded up.
fn step_thickness(dpr: i32) -> i32 {
    (3 * dpr + 1) / 2
}

/// The ink of series `k`'s lines: its colour, except for a single series
/// of bars, whose lines would vanish into them (the foreground instead).
fn line_ink(model: &Model, k: usize) -> Ink {
    if model.series.len() == 1 {
        Ink::Foreground
    } else {
        Ink::Series(k as u8)
    }
}

/// Each series' curve as an anti-aliased line, clipped to the plot.
pub fn curves(scene: &mut Scene, model: &Model, f: &Frame, s: i32) {
    let width = 1.5 * s as f32;
    for (k, series) in model.series.iter().enumerate() {
        if series.curve.len() < 2 {
            continue;
        }
        let points: Vec<(f32, f32)> = series
            .curve
            .iter()
            .map(|&(x, y)| {
                let v = f.vy(y).unwrap_or(f.y.0).clamp(f.y.0, f.y.1);
                f.pxf(f.ux(x), v)
            })
            .collect();
        scene.line(line_ink(model, k), width, points);
    }
}

/// A box in device pixels: its top-left and bottom-right corners (exclusive).
pub type Boxed = ((i32, i32), (i32, i32));

/// Whether two boxes share a pixel.
pub(crate) fn overlaps(((ax0, ay0), (ax1, ay1)): Boxed, ((bx0, by0), (bx1, by1)): Boxed) -> bool {
    ax0 < bx1 && bx0 < ax1 && ay0 < by1 && by0 < ay1
}

/// The reference lines: one per series and mark in the series' line ink
/// (a fixed number once, in the foreground), each labelled with its name
/// and value near the top of the plot. The labels go on after all the
/// lines, so none is crossed by another series' line. Each takes the
/// highest row where its box, beside its line, meets no other label, and
/// the side of its line where it hides no other mark's line (a mean a few
/// pixels from a median) if any row has room for that: labels stay above
/// the bars where they can, and none overlaps another. A label keeps
/// clear of `avoid` (the legend's box, drawn over it later): it takes the
/// line's other side or another row, or else the first row below the box.
/// No more labels are drawn than rows fit in the plot.
/// `em` 0 draws no labels (a sparkline).
pub fn rules(
    scene: &mut Scene,
    model: &Model,
    f: &Frame,
    (em, row_h): (f32, i32),
    avoid: Option<Boxed>,
    s: i32,
) {
    // The lines first, each with its ink, pixel column and label; a
    // label's place depends on every line.
    let mut lines = Vec::new();
    let mut fixed_done = std::collections::HashSet::new();
    for (k, series) in model.series.iter().enumerate() {
        for (name, x) in &series.marks {
            let fixed = name.parse::<f64>().is_ok();
            if fixed && !fixed_done.insert(name.clone()) {
                continue;
            }
            let ink = if fixed {
                Ink::Foreground
            } else {
                line_ink(model, k)
            };
            let u = f.ux(*x);
            if !(u >= f.x.0 && u <= f.x.1) {
                continue;
            }
            let px = f.px(u, f.y.0).0;
            scene.fill(ink, (px - s / 2, f.top()), (px - s / 2 + s, f.bottom()));
            let label = if em <= 0.0 {
                String::new()
            } else if fixed {
                readable(*x)
            } else {
                format!("{name} {}", readable(*x))
            };
            lines.push((ink, px, label));
        }
    }
    if em <= 0.0 {
        return;
    }
    // Where each line's `s` columns start, left to right (as f64s: the
    // sort is the one binning already links).
    let mut starts: Vec<f64> = lines
        .iter()
        .map(|&(_, px, _)| f64::from(px - s / 2))
        .collect();
    starts.sort_unstable_by(f64::total_cmp);
    let first = f.top() + 2 * s;
    // The rows that fit in the plot, and the labels' boxes in each.
    let rows = ((f.bottom() - first) / row_h.max(1)).max(0) as usize;
    let mut placed: Vec<Vec<Boxed>> = Vec::new();
    // Drawn after every line, so that no later line crosses a label.
    let mut labels = Vec::new();
    for (ink, px, label) in lines {
        // At most as many labels as rows fit: more would crowd the plot
        // (and the cost model prices that many, `spec::cost::MARK`).
        if labels.len() >= rows {
            break;
        }
        let e = measure(&label, em);
        let boxed = |x: i32, y: i32| ((x - s, y), (x + e.width + s, y + e.height));
        // Whether the box starting at `x` hides no line (its own never
        // meets it: the label stands 3 pixels off): the first line ending
        // past the box's left edge starts past its right edge.
        let unlined = |x: i32| {
            let i = starts.partition_point(|&a| a + f64::from(s) <= f64::from(x - s));
            starts
                .get(i)
                .is_none_or(|&a| a >= f64::from(x + e.width + s))
        };
        let (right, left) = (px + 3 * s, px - 3 * s - e.width);
        let sides = if right + e.width <= f.right() {
            [right, left]
        } else {
            [left, right]
        };
        let inside = |x: i32| x - s >= f.left() && x + e.width + s <= f.right();
        // A place in row `r` at `x`: clear of the legend and of the row's
        // labels, and inside the plot unless it is the preferred side.
        let fits = |r: usize, x: i32| {
            let b = boxed(x, first + r as i32 * row_h);
            (x == sides[0] || inside(x))
                && avoid.is_none_or(|a| !overlaps(b, a))
                && placed
                    .get(r)
                    .is_none_or(|row| row.iter().all(|&o| !overlaps(b, o)))
        };
        // The highest row with room, at most one below those in use: a
        // place that hides no line first, else any.
        let candidates = 0..rows.min(placed.len() + 1);
        let find = |clean: bool| {
            candidates.clone().find_map(|r| {
                sides
                    .into_iter()
                    .find(|&x| fits(r, x) && (!clean || unlined(x)))
                    .map(|x| (r, x))
            })
        };
        let place = find(true).or_else(|| find(false)).or_else(|| {
            // Both sides meet the legend in every row tried: the first
            // row below it.
            let below = avoid.map_or(first, |((_, _), (_, b))| b + s);
            let r = ((below - first + row_h - 1).div_euclid(row_h.max(1))).max(0) as usize;
            let r = r.max(placed.len());
            (r < rows).then_some((r, sides[0]))
        });
        let Some((r, x)) = place else {
            continue;
        };
        let y = first + r as i32 * row_h;
        if placed.len() <= r {
            placed.resize(r + 1, Vec::new());
        }
        placed[r].push(boxed(x, y));
        labels.push((ink, (x, y), boxed(x, y), label));
    }
    for (ink, (x, y), (from, to), label) in labels {
        scene.fill(Ink::Background, from, to);
        scene.text(ink, x, y, em, &label);
    }
}

/// Which upper corner the legend takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Corner {
    Right,
    Left,
}

/// The legend: a swatch and a label per series.
pub struct Legend {
    entries: Vec<(String, Ink)>,
    step: bool,
    em: f32,
    line_h: i32,
    pad: i32,
    width: i32,
    height: i32,
    corner: Corner,
}

impl Legend {
    /// The legend of a chart whose series are labelled; `None` otherwise.
    pub fn new(model: &Model, spec: &ChartSpec, em: f32, s: i32) -> Option<Legend> {
        if spec.labels.is_empty() {
            return None;
        }
        let faded = spec.mode == Mode::Overlay;
        let entries: Vec<(String, Ink)> = model
            .series
            .iter()
            .enumerate()
            .map(|(k, series)| {
                let label = series.label.clone().unwrap_or_default();
                let label = crate::chart::axes::fit(&label, em, 240 * s);
                let ink = if faded {
                    Ink::Faded(k as u8)
                } else {
                    Ink::Series(k as u8)
                };
                (label, ink)
            })
            .collect();
        let line_h = measure("0", em).height + 2 * s;
        let pad = 6 * s;
        let text_w = entries
            .iter()
            .map(|(l, _)| measure(l, em).width)
            .max()
            .unwrap_or(0);
        let swatch = line_h - 4 * s;
        Some(Legend {
            width: pad + swatch + pad + text_w + pad,
            height: pad + entries.len() as i32 * line_h + pad - 2 * s,
            entries,
            step: spec.mode == Mode::Step,
            em,
            line_h,
            pad,
            corner: Corner::Right,
        })
    }

    /// The top of the y axis that leaves a corner free for the legend (the
    /// one that needs the least), at most twice the given span; it also
    /// chooses that corner.
    pub fn headroom(
        &mut self,
        model: &Model,
        stacked: bool,
        x: (f64, f64),
        y: (f64, f64),
        (plot_w, plot_h): (i32, i32),
        ylog: bool,
    ) -> f64 {
        let room = f64::from(self.pad + self.height + self.pad) / f64::from(plot_h.max(1));
        if room >= 0.6 {
            return y.1;
        }
        let frac = |px: i32| x.0 + (x.1 - x.0) * f64::from(px) / f64::from(plot_w.max(1));
        let need = |corner: Corner| {
            let (a, b) = match corner {
                Corner::Right => (plot_w - self.pad - self.width, plot_w),
                Corner::Left => (0, self.pad + self.width),
            };
            let top = tallest_within(model, stacked, frac(a), frac(b), ylog, y.0);
            y.0 + (top - y.0) / (1.0 - room)
        };
        let (right, left) = (need(Corner::Right), need(Corner::Left));
        let (corner, needed) = if left < right {
            (Corner::Left, left)
        } else {
            (Corner::Right, right)
        };
        self.corner = corner;
        needed.min(y.0 + 2.0 * (y.1 - y.0)).max(y.1)
    }

    /// The legend's box in its corner of the plot.
    pub fn boxed(&self, f: &Frame) -> Boxed {
        let x = match self.corner {
            Corner::Right => f.right() - self.pad - self.width,
            Corner::Left => f.left() + self.pad,
        };
        let y = f.top() + self.pad;
        ((x, y), (x + self.width, y + self.height))
    }

    /// Draws the legend in its corner of the plot.
    pub fn draw(self, scene: &mut Scene, f: &Frame, s: i32) {
        let ((x, y), (x1, y1)) = self.boxed(f);
        scene.fill(Ink::Grid, (x, y), (x1, y1));
        scene.fill(Ink::Background, (x + s, y + s), (x1 - s, y1 - s));
        let swatch = self.line_h - 4 * s;
        for (i, (label, ink)) in self.entries.iter().enumerate() {
            let top = y + self.pad + i as i32 * self.line_h;
            let sx = x + self.pad;
            if self.step {
                let t = step_thickness(s);
                let mid = top + swatch / 2;
                scene.fill(*ink, (sx, mid - t / 2), (sx + swatch, mid - t / 2 + t));
            } else {
                scene.fill(*ink, (sx, top), (sx + swatch, top + swatch));
            }
            let tx = sx + swatch + self.pad;
            let e = measure(label, self.em);
            scene.text(
                Ink::Foreground,
                tx,
                top + swatch / 2 - e.height / 2,
                self.em,
                label,
            );
        }
    }
}

/// The tallest bar (stacked: the stack) or curve point whose x overlaps
/// positions `[a, b]`, as a y position.
fn tallest_within(model: &Model, stacked: bool, a: f64, b: f64, ylog: bool, floor: f64) -> f64 {
    let log = model.x_scale == crate::spec::Scale::Log;
    let ux = |x: f64| if log { libm::log10(x) } else { x };
    let vy = |h: f64| {
        if !ylog {
            h
        } else if h > 0.0 {
            libm::log10(h)
        } else {
            floor
        }
    };
    let mut top = floor;
    let e = &model.edges;
    for i in 0..e.len().saturating_sub(1) {
        if ux(e[i + 1]) < a || ux(e[i]) > b {
            continue;
        }
        let h = if stacked {
            model.series.iter().map(|s| s.heights[i]).sum::<f64>()
        } else {
            model
                .series
                .iter()
                .map(|s| s.heights[i])
                .fold(0.0, f64::max)
        };
        top = top.max(vy(h));
    }
    for s in &model.series {
        for &(x, y) in &s.curve {
            if ux(x) >= a && ux(x) <= b {
                top = top.max(vy(y));
            }
        }
    }
    top
}

/// The outline of the bars `(left, right, top)` (right exclusive) standing
/// on `bottom`: runs of pixel columns of one height, `(left, right, top)`,
/// sorted, disjoint, and each of a height different from a touching
/// neighbour's. The work is the plot's width plus the bars.
pub fn profile(bars: &[(i32, i32, i32)], bottom: i32) -> Vec<(i32, i32, i32)> {
    let bars: Vec<_> = bars
        .iter()
        .copied()
        .filter(|&(left, right, top)| left < right && top < bottom)
        .collect();
    let (Some(lo), Some(hi)) = (
        bars.iter().map(|b| b.0).min(),
        bars.iter().map(|b| b.1).max(),
    ) else {
        return Vec::new();
    };
    let mut tops = vec![bottom; (hi - lo) as usize];
    for &(left, right, top) in &bars {
        for t in &mut tops[(left - lo) as usize..(right - lo) as usize] {
            *t = (*t).min(top);
        }
    }
    let mut runs: Vec<(i32, i32, i32)> = Vec::new();
    for (x, &top) in (lo..).zip(&tops) {
        match runs.last_mut() {
            Some(run) if run.1 == x && run.2 == top => run.1 = x + 1,
            _ if top < bottom => runs.push((x, x + 1, top)),
            _ => {}
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::profile;
    use crate::test_rng::XorShift;

    /// Paints bars `(left, right, top)` down to `bottom` into a small grid.
    fn paint(bars: &[(i32, i32, i32)], bottom: i32) -> Vec<Vec<bool>> {
        let mut g = vec![vec![false; 20]; 12];
        for &(l, r, t) in bars {
            for row in g.iter_mut().take(bottom as usize).skip(t.max(0) as usize) {
                for cell in row.iter_mut().take(r as usize).skip(l as usize) {
                    *cell = true;
                }
            }
        }
        g
    }

    #[test]
    fn profile_covers_exactly_the_bars() {
        let bottom = 10;
        let bars = [
            (0, 2, 5),
            (2, 4, 3),
            (4, 6, 7),
            (8, 9, 1),
            (8, 9, 4), // two bins in one pixel column: the taller shows
            (9, 12, 1),
            (12, 12, 4),
            (13, 15, 10),
        ];
        let runs = profile(&bars, bottom);
        assert_eq!(paint(&runs, bottom), paint(&bars, bottom));
        assert_eq!(runs, vec![(0, 2, 5), (2, 4, 3), (4, 6, 7), (8, 12, 1)]);
        assert!(profile(&[], bottom).is_empty());
    }

    /// Random bar sets, as plotters maps bins (sorted, touching, sharing
    /// columns or with gaps, some empty): the union is exact, runs are
    /// sorted and disjoint, and touching runs differ in height.
    #[test]
    fn profile_matches_the_painted_bars_for_random_sets() {
        let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
        let mut next = |n: u64| rng.below(n) as i32;
        for case in 0..500 {
            let bottom = 1 + next(11);
            let mut bars = Vec::new();
            let mut x = next(3);
            while x < 19 {
                let right = (x + next(4)).min(20);
                bars.push((x, right.max(x + 1), next(12)));
                x = right + next(2) - next(2).min(right - x);
            }
            let runs = profile(&bars, bottom);
            let clipped: Vec<_> = bars
                .iter()
                .map(|&(l, r, t)| (l, r, t.min(bottom)))
                .collect();
            assert_eq!(
                paint(&runs, bottom),
                paint(&clipped, bottom),
                "case {case}: {bars:?}"
            );
            for w in runs.windows(2) {
                assert!(w[0].1 <= w[1].0, "case {case}: {runs:?}");
                assert!(w[0].1 < w[1].0 || w[0].2 != w[1].2, "case {case}: {runs:?}");
            }
        }
    }
}
