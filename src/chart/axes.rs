//! The axes kit every kind shares: domains with air around the data, ticks
//! on linear and log axes ([`crate::chart::ticks`]) thinned until their
//! labels fit, the plot's [`Frame`] (data to device pixels exactly as
//! plotters maps them), axis descriptions, and text that fits a width.
//! On a log axis every position is the base-10 logarithm of the value.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;

use crate::chart::model::Model;
use crate::chart::scene::{Ink, Scene};
pub use crate::chart::ticks::Ticks;
use crate::chart::ticks::{log_ticks, nice_ticks};
use crate::text::measure;

/// The x positions `[x0, x1]` the plot spans: the edges (or the curves),
/// the marks, and 5% air on each side.
pub fn x_domain(model: &Model, log: bool) -> (f64, f64) {
    let t = |x: f64| if log { libm::log10(x) } else { x };
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut take = |x: f64| {
        if x.is_finite() && (!log || x > 0.0) {
            lo = lo.min(t(x));
            hi = hi.max(t(x));
        }
    };
    if let (Some(&a), Some(&b)) = (model.edges.first(), model.edges.last()) {
        take(a);
        take(b);
    }
    for s in &model.series {
        if model.edges.is_empty() {
            s.curve.iter().for_each(|p| take(p.0));
        }
        s.marks.iter().for_each(|m| take(m.1));
    }
    if lo.partial_cmp(&hi) != Some(std::cmp::Ordering::Less) {
        (lo, hi) = if lo.is_finite() {
            (lo - 0.5, lo + 0.5)
        } else {
            (0.0, 1.0)
        };
    }
    let span = hi - lo;
    (lo - 0.05 * span, hi + 0.05 * span)
}

/// The y positions `[y0, y1]`: from 0 (on a log axis, the decade below the
/// smallest positive height) to 5% above the tallest bar or curve.
pub fn y_domain(model: &Model, stacked: bool, log: bool) -> (f64, f64) {
    let top = model.top(stacked);
    if !log {
        return (
            0.0,
            if top > 0.0 {
                (top * 1.05).max(top)
            } else {
                1.0
            },
        );
    }
    let least = model
        .series
        .iter()
        .flat_map(|s| s.heights.iter())
        .copied()
        .filter(|&h| h > 0.0)
        .fold(f64::INFINITY, f64::min);
    if !(least.is_finite() && top > 0.0) {
        return (0.0, 1.0);
    }
    let lo = libm::log10(least).floor();
    let hi = libm::log10(top);
    let hi = (hi + 0.05 * (hi - lo)).max(lo + 1.0);
    (lo, hi)
}

/// Ticks for `[lo, hi]`: nice linear ones, or decades on a log axis.
pub fn ticks(lo: f64, hi: f64, count: usize, log: bool, integers: bool) -> Ticks {
    if log {
        log_ticks(lo, hi, count)
    } else {
        nice_ticks(lo, hi, count, integers)
    }
}

/// As many x ticks as fit side by side with a gap: long labels (a narrow
/// range far from zero, `1.000000002e16`) get fewer ticks.
pub fn fitted_x_ticks(x: (f64, f64), log: bool, plot_w: i32, label_px: f32, s: i32) -> Ticks {
    let mut x_max = (plot_w / (70 * s)).clamp(2, 12) as usize;
    loop {
        let t = ticks(x.0, x.1, x_max, log, false);
        let widest = widest(&t.labels, label_px);
        let spacing = t
            .values
            .windows(2)
            .map(|p| f64::from(plot_w) * (p[1] - p[0]) / (x.1 - x.0))
            .fold(f64::INFINITY, f64::min);
        if f64::from(widest + 8 * s) <= spacing || x_max == 2 {
            return t;
        }
        x_max -= 1;
    }
}

/// The ticks whose labels, centred on them, stay on the canvas.
pub fn inside_canvas(
    t: &Ticks,
    x: (f64, f64),
    plot_left: i32,
    plot_w: i32,
    canvas_w: u32,
    label_px: f32,
) -> Ticks {
    let (mut values, mut labels) = (Vec::new(), Vec::new());
    for (v, l) in t.values.iter().zip(&t.labels) {
        let centre = f64::from(plot_left) + (v - x.0) / (x.1 - x.0) * f64::from(plot_w);
        let half = f64::from(measure(l, label_px).width) / 2.0;
        if centre - half >= 0.0 && centre + half <= f64::from(canvas_w) {
            values.push(*v);
            labels.push(l.clone());
        }
    }
    Ticks { values, labels }
}

/// The label of the tick at `v` (plotters asks by value).
pub fn label_for(t: &Ticks, v: f64) -> String {
    t.values
        .iter()
        .position(|&x| x == v)
        .map(|i| t.labels[i].clone())
        .unwrap_or_default()
}

/// A linear f64 axis whose ticks are ours, not plotters'.
#[derive(Clone)]
pub struct TickedAxis {
    linear: RangedCoordf64,
    ticks: Vec<f64>,
}

impl TickedAxis {
    pub fn new(range: Range<f64>, ticks: Vec<f64>) -> TickedAxis {
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

/// The plot area: positions (values, or their logarithms on a log axis)
/// to device pixels, exactly as plotters mapped the bars and ticks.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    /// Pixel of `(x0, y0)` and of `(x1, y1)`: left-bottom and right-top.
    pub low: (i32, i32),
    pub high: (i32, i32),
    pub x: (f64, f64),
    pub y: (f64, f64),
    pub log: (bool, bool),
}

impl Frame {
    pub fn new(
        low: (i32, i32),
        high: (i32, i32),
        x: (f64, f64),
        y: (f64, f64),
        log: (bool, bool),
    ) -> Frame {
        Frame {
            low,
            high,
            x,
            y,
            log,
        }
    }

    /// plotters' `RangedCoordf64::map`: the pixel a position lands on.
    fn map(v: f64, (lo, hi): (f64, f64), (p0, p1): (i32, i32)) -> i32 {
        let logic = (v - lo) / (hi - lo);
        let len = p1 - p0;
        if len == 0 {
            return p1;
        }
        let px = if len > 0 {
            (f64::from(len) * logic + 1e-3).floor()
        } else {
            (f64::from(len) * logic - 1e-3).ceil()
        };
        p0 + px.clamp(-1e6, 1e6) as i32
    }

    /// A data x (not its logarithm) to its position on the axis.
    pub fn ux(&self, x: f64) -> f64 {
        if self.log.0 {
            libm::log10(x)
        } else {
            x
        }
    }

    /// A data y to its position; `None` when a log axis cannot show it.
    pub fn vy(&self, y: f64) -> Option<f64> {
        match self.log.1 {
            true if y > 0.0 => Some(libm::log10(y)),
            true => None,
            false => Some(y),
        }
    }

    /// The pixel of position `(u, v)`.
    pub fn px(&self, u: f64, v: f64) -> (i32, i32) {
        (
            Frame::map(u, self.x, (self.low.0, self.high.0)),
            Frame::map(v, self.y, (self.low.1, self.high.1)),
        )
    }

    /// The same point without rounding, for curves.
    pub fn pxf(&self, u: f64, v: f64) -> (f32, f32) {
        let fx = (u - self.x.0) / (self.x.1 - self.x.0);
        let fy = (v - self.y.0) / (self.y.1 - self.y.0);
        (
            (f64::from(self.low.0) + fx * f64::from(self.high.0 - self.low.0)) as f32,
            (f64::from(self.low.1) + fy * f64::from(self.high.1 - self.low.1)) as f32,
        )
    }

    pub fn left(&self) -> i32 {
        self.low.0
    }
    pub fn right(&self) -> i32 {
        self.high.0
    }
    pub fn bottom(&self) -> i32 {
        self.low.1
    }
    pub fn top(&self) -> i32 {
        self.high.1
    }
}

/// The axis descriptions: `xlabel` centred under the x tick labels,
/// `ylabel` turned a quarter left, centred beside the y tick labels.
pub fn descriptions(
    scene: &mut Scene,
    frame: &Frame,
    xlabel: &str,
    ylabel: &str,
    em: f32,
    (w, h): (u32, u32),
    s: i32,
) {
    let margin = crate::chart::layout::SIZES.margin * s;
    if !xlabel.is_empty() {
        let text = fit(xlabel, em, frame.right() - frame.left());
        let e = measure(&text, em);
        let x = (frame.left() + frame.right()) / 2 - e.width / 2;
        scene.text(Ink::Foreground, x, h as i32 - margin - e.height, em, &text);
    }
    if !ylabel.is_empty() {
        let text = fit(ylabel, em, frame.bottom() - frame.top());
        let e = measure(&text, em);
        let y = (frame.top() + frame.bottom()) / 2 + e.width / 2;
        scene.text_turned(Ink::Foreground, margin, y.min(h as i32), em, &text);
        let _ = w;
    }
}

/// The width of the widest of `labels`, in pixels.
pub fn widest(labels: &[String], em: f32) -> i32 {
    labels
        .iter()
        .map(|l| measure(l, em).width)
        .max()
        .unwrap_or(0)
}

/// `text`, cut to fit `max_width` pixels with an ellipsis when it does not
/// (at grapheme and shaper cluster boundaries: [`crate::text::fit`]).
pub fn fit(text: &str, em: f32, max_width: i32) -> String {
    crate::text::fit(text, em, max_width)
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::coord::types::RangedCoordf64;

    /// The frame maps as plotters does, on both axes' directions.
    #[test]
    fn the_frame_maps_like_plotters() {
        let axis: RangedCoordf64 = (-1.3..7.9).into();
        let f = Frame::new(
            (40, 300),
            (610, 25),
            (-1.3, 7.9),
            (-1.3, 7.9),
            (false, false),
        );
        for i in 0..=1000 {
            let v = -1.3 + 9.2 * f64::from(i) / 1000.0;
            assert_eq!(f.px(v, v).0, axis.map(&v, (40, 610)), "{v}");
            assert_eq!(f.px(v, v).1, axis.map(&v, (300, 25)), "{v}");
        }
    }
}
