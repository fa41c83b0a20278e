//! The histogram's layout: plotters places the caption, the plot area, the
//! axes, our ticks ([`nice_ticks`]) and the bars, onto a [`SceneBackend`];
//! the result is a [`Scene`] every format draws.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use crate::chart::binning::Histogram;
use crate::chart::scene::{Ink, Scene, SceneBackend};
use crate::chart::ticks::nice_ticks;
use crate::font::measure;
use crate::spec::ChartSpec;

/// A drawing failure inside plotters (should not happen for valid specs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawError(pub String);

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for DrawError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        DrawError(e.to_string())
    }
}

/// Font sizes and spacing in CSS pixels; multiplied by `dpr`.
struct Layout {
    title_px: f32,
    label_px: f32,
    margin: i32,
    tick: i32,
    gap: i32,
}

/// Charts smaller than this (CSS pixels, width or height) are drawn compact.
const COMPACT: (u32, u32) = (200, 140);

const LAYOUT: Layout = Layout {
    title_px: 16.0,
    label_px: 12.0,
    margin: 12,
    tick: 5,
    gap: 4,
};

/// Lays out the histogram of `spec` in device pixels.
pub fn layout_histogram(hist: &Histogram, spec: &ChartSpec) -> Result<Scene, DrawError> {
    let (w, h) = spec.pixel_size();
    let s = spec.dpr as i32;
    let sf = spec.dpr as f32;
    let mut scene = Scene::new(w, h);

    // Axis ranges: bars span [lo, hi]; 5% air on each side and above.
    let span = hist.hi - hist.lo;
    let (x0, x1) = (hist.lo - 0.05 * span, hist.hi + 0.05 * span);
    let y1 = (f64::from(hist.max_count()) * 1.05).max(1.0);

    // Below about 200x140 CSS pixels text cannot be read: draw a sparkline
    // (bars and guide lines, no title, no labels).
    let compact = spec.width < COMPACT.0 || spec.height < COMPACT.1;
    let label_px = LAYOUT.label_px * sf;
    let title_px = LAYOUT.title_px * sf;
    let label_h = measure("0", label_px).height;
    let plot_h = h as i32 - 2 * LAYOUT.margin * s - label_h - (LAYOUT.tick + LAYOUT.gap) * s;
    let y_ticks = nice_ticks(0.0, y1, (plot_h / (40 * s)).clamp(2, 10) as usize, true);
    let y_label_w = widest(&y_ticks.labels, label_px);
    let plot_w = w as i32 - 2 * LAYOUT.margin * s - y_label_w - (LAYOUT.tick + LAYOUT.gap) * s;
    // As many x labels as fit side by side with a gap: long labels (a
    // narrow range far from zero, `1.000000002e16`) get fewer ticks.
    let mut x_max = (plot_w / (70 * s)).clamp(2, 12) as usize;
    let x_ticks = loop {
        let t = nice_ticks(x0, x1, x_max, false);
        let widest = widest(&t.labels, label_px);
        let spacing = match t.values.as_slice() {
            [a, b, ..] => f64::from(plot_w) * (b - a) / (x1 - x0),
            _ => f64::INFINITY,
        };
        if f64::from(widest + 8 * s) <= spacing || x_max == 2 {
            break t;
        }
        x_max -= 1;
    };
    // A label centred on a tick near either end may not leave the canvas.
    let plot_left = w as i32 - LAYOUT.margin * s - plot_w;
    let x_ticks = {
        let (mut values, mut labels) = (Vec::new(), Vec::new());
        for (v, l) in x_ticks.values.iter().zip(&x_ticks.labels) {
            let centre = f64::from(plot_left) + (v - x0) / (x1 - x0) * f64::from(plot_w);
            let half = f64::from(measure(l, label_px).width) / 2.0;
            if centre - half >= 0.0 && centre + half <= f64::from(w) {
                values.push(*v);
                labels.push(l.clone());
            }
        }
        crate::chart::ticks::Ticks { values, labels }
    };

    let title = fit(&spec.title, title_px, w as i32 - 2 * LAYOUT.margin * s);

    {
        let backend = SceneBackend { scene: &mut scene };
        let root = backend.into_drawing_area();
        let fg = Ink::Foreground.tag();
        let label_style =
            TextStyle::from(("sans-serif", f64::from(label_px)).into_font()).color(&fg);

        let mut builder = ChartBuilder::on(&root);
        if compact {
            builder.margin(LAYOUT.margin / 3 * s);
        } else {
            builder
                .margin(LAYOUT.margin * s)
                .x_label_area_size(label_h + (LAYOUT.tick + LAYOUT.gap) * s)
                .y_label_area_size(y_label_w + (LAYOUT.tick + LAYOUT.gap) * s);
        }
        if !compact && !title.is_empty() {
            let title_style =
                TextStyle::from(("sans-serif", f64::from(title_px)).into_font()).color(&fg);
            builder.caption(&title, title_style);
        }
        let mut chart = builder.build_cartesian_2d(
            TickedAxis::new(x0..x1, x_ticks.values.clone()),
            TickedAxis::new(0.0..y1, y_ticks.values.clone()),
        )?;

        let x_label = |v: &f64| label_for(&x_ticks.values, &x_ticks.labels, *v);
        let y_label = |v: &f64| label_for(&y_ticks.values, &y_ticks.labels, *v);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(Color::stroke_width(&Ink::Grid.tag(), s as u32))
            .light_line_style(TRANSPARENT)
            .axis_style(Color::stroke_width(&fg, s as u32))
            .set_all_tick_mark_size(LAYOUT.tick * s)
            .x_labels(x_ticks.values.len())
            .y_labels(y_ticks.values.len())
            .label_style(label_style)
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .draw()?;

        // The bars: plotters maps each bin to pixels, then the bars become
        // their outline, one rectangle per run of columns of equal height,
        // left to right (bins that share a pixel column count once). The
        // SVG draws that outline as one staircase path.
        let bar = Ink::Bar.tag().filled();
        let bottom = chart.backend_coord(&(x0, 0.0)).1;
        let bars: Vec<(i32, i32, i32)> = (0..hist.counts.len())
            .filter(|&i| hist.counts[i] > 0)
            .map(|i| {
                let (left, top) = chart.backend_coord(&(hist.edge(i), f64::from(hist.counts[i])));
                let (right, _) = chart.backend_coord(&(hist.edge(i + 1), 0.0));
                // A bin that holds values shows, however many bins share the
                // width and however tall the tallest: one pixel at least.
                (left, right.max(left + 1), top.min(bottom - 1))
            })
            .collect();
        for (left, right, top) in profile(&bars, bottom) {
            root.draw(&Rectangle::new([(left, top), (right, bottom)], bar))?;
        }
        root.present()?;
    }
    Ok(scene)
}

/// A linear f64 axis whose ticks are ours ([`nice_ticks`]), not plotters'.
#[derive(Clone)]
struct TickedAxis {
    linear: RangedCoordf64,
    ticks: Vec<f64>,
}

impl TickedAxis {
    fn new(range: Range<f64>, ticks: Vec<f64>) -> TickedAxis {
        TickedAxis {
            linear: range.into(),
            ticks,
        }
    }
}

impl Ranged for TickedAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.linear.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Only bold points: the light mesh is not drawn.
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.linear.range()
    }
}

/// The outline of the bars `(left, right, top)` (right exclusive) standing
/// on `bottom`: runs of pixel columns of one height, `(left, right, top)`,
/// sorted, disjoint, and each of a height different from a touching
/// neighbour's. The work is the plot's width plus the bars.
fn profile(bars: &[(i32, i32, i32)], bottom: i32) -> Vec<(i32, i32, i32)> {
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

/// The width of the widest of `labels`, in pixels.
fn widest(labels: &[String], em: f32) -> i32 {
    labels
        .iter()
        .map(|l| measure(l, em).width)
        .max()
        .unwrap_or(0)
}

/// `text`, cut to fit `max_width` pixels with an ellipsis when it does not.
/// The cut is found by bisection over character counts (widths grow with
/// the prefix): a few measurements, not one per character, so a 200-glyph
/// title costs about as much as a short one.
fn fit(text: &str, em: f32, max_width: i32) -> String {
    if measure(text, em).width <= max_width {
        return text.to_string();
    }
    let ends: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    let candidate = |k: usize| format!("{}…", text[..ends[k]].trim_end());
    let fits = |k: usize| measure(&candidate(k), em).width <= max_width;
    if !fits(0) {
        return String::new();
    }
    // The longest prefix (0..ends.len() characters) that fits.
    let (mut lo, mut hi) = (0, ends.len() - 1);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    candidate(lo)
}

fn label_for(values: &[f64], labels: &[String], v: f64) -> String {
    values
        .iter()
        .position(|&t| t == v)
        .map(|i| labels[i].clone())
        .unwrap_or_default()
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
