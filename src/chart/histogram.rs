//! Drawing a histogram with plotters into a palette-indexed buffer
//! (plotters-bitmap with a one-byte pixel format), with text routed through
//! the embedded font ([`crate::font`]).
//!
//! Colours handed to plotters are not colours: the red channel carries a
//! palette index ([`ink`]), and [`IndexedPixel`] stores it as the pixel. The
//! chart is therefore drawn straight into the bytes the PNG encoder packs,
//! with no RGB buffer and no colour quantization.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters_backend::{
    text_anchor::{HPos, VPos},
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};
use plotters_bitmap::bitmap_pixel::PixelFormat;

use crate::chart::binning::Histogram;
use crate::chart::ticks::nice_ticks;
use crate::font::Typesetter;
use crate::raster::palette::{ink, palette, text_ink, Rgb, PALETTE_LEN};
use crate::spec::ChartSpec;

/// A palette image: one byte (a palette index) per pixel, row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canvas {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
    pub palette: [Rgb; PALETTE_LEN],
}

impl Canvas {
    /// A canvas filled with the background ink.
    pub fn new(width: u32, height: u32, palette: [Rgb; PALETTE_LEN]) -> Canvas {
        let pixels = vec![ink::BACKGROUND; width as usize * height as usize];
        Canvas {
            width,
            height,
            pixels,
            palette,
        }
    }

    /// Sets one pixel; outside the canvas is ignored.
    pub fn put(&mut self, x: i32, y: i32, index: u8) {
        if x >= 0 && y >= 0 && (x as u32) < self.width && (y as u32) < self.height {
            self.pixels[y as usize * self.width as usize + x as usize] = index;
        }
    }
}

/// Whether to rasterize text (the benchmark turns it off to time text alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextMode {
    Draw,
    Skip,
}

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

/// The plotters "colour" that draws palette entry `index`.
fn ink_color(index: u8) -> RGBColor {
    RGBColor(index, 0, 0)
}

/// Draws the histogram of `spec` and returns the pixels.
pub fn draw_histogram(
    hist: &Histogram,
    spec: &ChartSpec,
    text: TextMode,
) -> Result<Canvas, DrawError> {
    let (w, h) = spec.pixel_size();
    let s = spec.dpr as i32;
    let sf = spec.dpr as f32;
    let mut canvas = Canvas::new(w, h, palette(spec.theme));
    let mut typesetter = Typesetter::new();

    // Axis ranges: bars span [lo, hi]; 5% air on each side and above.
    let span = hist.hi - hist.lo;
    let (x0, x1) = (hist.lo - 0.05 * span, hist.hi + 0.05 * span);
    let y1 = (f64::from(hist.max_count()) * 1.05).max(1.0);

    // Below about 200x140 CSS pixels text cannot be read: draw a sparkline
    // (bars and guide lines, no title, no labels).
    let compact = spec.width < COMPACT.0 || spec.height < COMPACT.1;
    let label_px = LAYOUT.label_px * sf;
    let title_px = LAYOUT.title_px * sf;
    let label_h = typesetter.measure("0", label_px).height;
    let plot_h = h as i32 - 2 * LAYOUT.margin * s - label_h - (LAYOUT.tick + LAYOUT.gap) * s;
    let y_ticks = nice_ticks(0.0, y1, (plot_h / (40 * s)).clamp(2, 10) as usize, true);
    let y_label_w = widest(&typesetter, &y_ticks.labels, label_px);
    let plot_w = w as i32 - 2 * LAYOUT.margin * s - y_label_w - (LAYOUT.tick + LAYOUT.gap) * s;
    // As many x labels as fit side by side with a gap: long labels (a
    // narrow range far from zero, `1.000000002e16`) get fewer ticks.
    let mut x_max = (plot_w / (70 * s)).clamp(2, 12) as usize;
    let x_ticks = loop {
        let t = nice_ticks(x0, x1, x_max, false);
        let widest = widest(&typesetter, &t.labels, label_px);
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
            let half = f64::from(typesetter.measure(l, label_px).width) / 2.0;
            if centre - half >= 0.0 && centre + half <= f64::from(w) {
                values.push(*v);
                labels.push(l.clone());
            }
        }
        crate::chart::ticks::Ticks { values, labels }
    };

    let title = fit(
        &typesetter,
        &spec.title,
        title_px,
        w as i32 - 2 * LAYOUT.margin * s,
    );

    {
        let backend = TextBackend {
            inner: BitMapBackend::<IndexedPixel>::with_buffer_and_format(
                &mut canvas.pixels,
                (w, h),
            )
            .map_err(|e| DrawError(e.to_string()))?,
            typesetter: &mut typesetter,
            text,
        };
        let root = backend.into_drawing_area();
        let fg = ink_color(ink::FOREGROUND);
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
            .bold_line_style(Color::stroke_width(&ink_color(ink::GRID), s as u32))
            .light_line_style(TRANSPARENT)
            .axis_style(Color::stroke_width(&fg, s as u32))
            .set_all_tick_mark_size(LAYOUT.tick * s)
            .x_labels(x_ticks.values.len())
            .y_labels(y_ticks.values.len())
            .label_style(label_style)
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .draw()?;

        // The bars, as few rectangles as their outline allows: plotters maps
        // each bin to pixels, then horizontal bands between distinct bar
        // tops are filled span by span (adjacent bars merged). Same pixels as
        // one rectangle per bar, far fewer fills when bins are many.
        let bar = ink_color(ink::BAR).filled();
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
        for band in skyline(&bars, bottom) {
            root.draw(&Rectangle::new([(band.0, band.1), (band.2, band.3)], bar))?;
        }
        root.present()?;
    }
    Ok(canvas)
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

/// Rectangles `(left, top, right, bottom)`, right and bottom exclusive,
/// covering exactly the union of the bars `(left, right, top)` down to
/// `bottom`: one band per distinct bar top, one rectangle per run of
/// touching bars in it. Sweeping down the tops and merging each new bar into
/// the runs so far keeps the work in proportion to the rectangles drawn,
/// not bands times bars (a thousand bins have hundreds of bands).
fn skyline(bars: &[(i32, i32, i32)], bottom: i32) -> Vec<(i32, i32, i32, i32)> {
    let mut by_top: Vec<(i32, i32, i32)> = bars
        .iter()
        .filter(|&&(left, right, top)| top < bottom && left < right)
        .map(|&(left, right, top)| (top, left, right))
        .collect();
    by_top.sort_unstable();
    // Disjoint runs sorted by x; touching runs are merged.
    let mut runs: Vec<(i32, i32)> = Vec::new();
    let mut out = Vec::new();
    let mut k = 0;
    while k < by_top.len() {
        let top = by_top[k].0;
        while k < by_top.len() && by_top[k].0 == top {
            let (_, left, right) = by_top[k];
            let first = runs.partition_point(|&(_, r)| r < left);
            let end = runs.partition_point(|&(l, _)| l <= right);
            let merged = if first < end {
                (runs[first].0.min(left), runs[end - 1].1.max(right))
            } else {
                (left, right)
            };
            runs.splice(first..end, [merged]);
            k += 1;
        }
        let band_bottom = by_top.get(k).map_or(bottom, |b| b.0);
        out.extend(runs.iter().map(|&(l, r)| (l, top, r, band_bottom)));
    }
    out
}

/// The width of the widest of `labels`, in pixels.
fn widest(ts: &Typesetter, labels: &[String], em: f32) -> i32 {
    labels
        .iter()
        .map(|l| ts.measure(l, em).width)
        .max()
        .unwrap_or(0)
}

/// `text`, cut to fit `max_width` pixels with an ellipsis when it does not.
/// The cut is found by bisection over character counts (widths grow with
/// the prefix): a few measurements, not one per character, so a 200-glyph
/// title costs about as much as a short one.
fn fit(ts: &Typesetter, text: &str, em: f32, max_width: i32) -> String {
    if ts.measure(text, em).width <= max_width {
        return text.to_string();
    }
    let ends: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    let candidate = |k: usize| format!("{}…", text[..ends[k]].trim_end());
    let fits = |k: usize| ts.measure(&candidate(k), em).width <= max_width;
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

/// plotters' bitmap backend, but text is measured and drawn with the
/// embedded font instead of plotters' platform font path.
struct TextBackend<'a, 'b> {
    inner: BitMapBackend<'a, IndexedPixel>,
    typesetter: &'b mut Typesetter,
    text: TextMode,
}

impl DrawingBackend for TextBackend<'_, '_> {
    type ErrorType = <BitMapBackend<'static, IndexedPixel> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }
    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_path(path, style)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.fill_polygon(vert, style)
    }
    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.blit_bitmap(pos, size, src)
    }

    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let e = self.typesetter.measure(text, style.size() as f32);
        Ok((e.width as u32, e.height as u32))
    }

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if self.text == TextMode::Skip {
            return Ok(());
        }
        let em = style.size() as f32;
        let e = self.typesetter.measure(text, em);
        let x = match style.anchor().h_pos {
            HPos::Left => pos.0,
            HPos::Center => pos.0 - e.width / 2,
            HPos::Right => pos.0 - e.width,
        };
        let y = match style.anchor().v_pos {
            VPos::Top => pos.1,
            VPos::Center => pos.1 - e.height / 2,
            VPos::Bottom => pos.1 - e.height,
        };
        // Text is always foreground ink; coverage picks the ramp entry.
        let inner = &mut self.inner;
        let mut result = Ok(());
        self.typesetter.draw(text, em, x, y, |px, py, level| {
            if result.is_ok() {
                let color = BackendColor {
                    alpha: 1.0,
                    rgb: (text_ink(level), 0, 0),
                };
                result = inner.draw_pixel((px, py), color);
            }
        });
        result
    }
}

/// plotters-bitmap pixel format of one byte, a palette index (taken from the
/// red channel of the colour plotters draws with, see [`ink_color`]).
/// Everything is opaque: blending indices would be meaningless, so partial
/// alpha paints the ink when at least half covered.
pub struct IndexedPixel;

impl PixelFormat for IndexedPixel {
    const PIXEL_SIZE: usize = 1;
    const EFFECTIVE_PIXEL_SIZE: usize = 1;

    fn byte_at(r: u8, _g: u8, _b: u8, _a: u64, _idx: usize) -> u8 {
        r
    }

    fn decode_pixel(data: &[u8]) -> (u8, u8, u8, u64) {
        (data[0], 0, 0, 255)
    }

    fn blend_rect_fast(
        target: &mut BitMapBackend<'_, Self>,
        upper_left: (i32, i32),
        bottom_right: (i32, i32),
        r: u8,
        g: u8,
        b: u8,
        a: f64,
    ) {
        if a >= 0.5 {
            Self::fill_rect_fast(target, upper_left, bottom_right, r, g, b);
        }
    }

    fn fill_rect_fast(
        target: &mut BitMapBackend<'_, Self>,
        upper_left: (i32, i32),
        bottom_right: (i32, i32),
        r: u8,
        g: u8,
        b: u8,
    ) {
        // Row by row through plotters-bitmap's own row copy (its raw buffer
        // is private to that crate). Exclusive bottom-right, clipped.
        let (w, h) = target.get_size();
        let (x0, x1) = (
            upper_left.0.min(bottom_right.0).max(0),
            upper_left.0.max(bottom_right.0).min(w as i32),
        );
        let (y0, y1) = (
            upper_left.1.min(bottom_right.1).max(0),
            upper_left.1.max(bottom_right.1).min(h as i32),
        );
        if x1 <= x0 || y1 <= y0 {
            return;
        }
        let row = vec![Self::byte_at(r, g, b, 0, 0); (x1 - x0) as usize];
        for y in y0..y1 {
            let _ = target.blit_bitmap((x0, y), (row.len() as u32, 1), &row);
        }
    }

    fn draw_pixel(
        target: &mut BitMapBackend<'_, Self>,
        point: (i32, i32),
        rgb: (u8, u8, u8),
        alpha: f64,
    ) {
        if alpha >= 0.5 {
            Self::fill_vertical_line_fast(target, point.0, (point.1, point.1), rgb.0, rgb.1, rgb.2);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::skyline;
    use crate::test_rng::XorShift;

    /// Paints rectangles into a small grid, for comparing covered pixels.
    fn paint(rects: impl IntoIterator<Item = (i32, i32, i32, i32)>) -> Vec<Vec<bool>> {
        let mut g = vec![vec![false; 20]; 12];
        for (l, t, r, b) in rects {
            for row in g.iter_mut().take(b as usize).skip(t as usize) {
                for cell in row.iter_mut().take(r as usize).skip(l as usize) {
                    *cell = true;
                }
            }
        }
        g
    }

    #[test]
    fn skyline_covers_exactly_the_bars() {
        let bottom = 10;
        let bars = [
            (0, 2, 5),
            (2, 4, 3),
            (4, 6, 7),
            (8, 9, 1),
            (9, 12, 1),
            (12, 12, 4),
            (13, 15, 10),
        ];
        let rects = skyline(&bars, bottom);
        let want = paint(bars.iter().map(|&(l, r, t)| (l, t, r, bottom)));
        assert_eq!(paint(rects.clone()), want);
        // Adjacent bars of one band merge: fewer rectangles than bars.
        assert!(rects.len() < 2 * bars.len());
        assert!(skyline(&[], bottom).is_empty());
    }

    /// Random bar sets, as plotters maps bins (sorted, touching or with
    /// gaps, some empty): the union is exact, and no two rectangles of a
    /// band touch (each run is one fill).
    #[test]
    fn skyline_matches_the_painted_bars_for_random_sets() {
        let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
        let mut next = |n: u64| rng.below(n) as i32;
        for case in 0..500 {
            let bottom = 1 + next(11);
            let mut bars = Vec::new();
            let mut x = next(3);
            while x < 19 {
                let right = (x + next(4)).min(20);
                bars.push((x, right, next(12)));
                x = right + next(2);
            }
            let rects = skyline(&bars, bottom);
            let want = paint(bars.iter().map(|&(l, r, t)| (l, t.min(bottom), r, bottom)));
            assert_eq!(paint(rects.clone()), want, "case {case}: {bars:?}");
            for a in &rects {
                for b in &rects {
                    let same_band = a.1 == b.1 && a != b;
                    assert!(
                        !(same_band && (a.2 == b.0 || b.2 == a.0)),
                        "case {case}: {a:?} touches {b:?}"
                    );
                }
            }
        }
    }
}
