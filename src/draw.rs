//! Drawing a histogram with plotters into an RGB buffer (plotters-bitmap),
//! with text routed through the embedded font ([`crate::font`]).

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters_backend::{
    text_anchor::{HPos, VPos},
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};

use crate::binning::Histogram;
use crate::font::{Typesetter, COVERAGE_LEVELS};
use crate::spec::ChartSpec;
use crate::theme::{colors, Rgb};
use crate::ticks::nice_ticks;

/// An RGB8 image, row-major, 3 bytes per pixel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canvas {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

impl Canvas {
    pub fn new(width: u32, height: u32, fill: Rgb) -> Canvas {
        let mut rgb = Vec::with_capacity(width as usize * height as usize * 3);
        for _ in 0..width as usize * height as usize {
            rgb.extend_from_slice(&fill);
        }
        Canvas { width, height, rgb }
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

const LAYOUT: Layout = Layout {
    title_px: 16.0,
    label_px: 12.0,
    margin: 12,
    tick: 5,
    gap: 4,
};

fn rgb_color(c: Rgb) -> RGBColor {
    RGBColor(c[0], c[1], c[2])
}

/// Draws the histogram of `spec` and returns the pixels.
pub fn draw_histogram(
    hist: &Histogram,
    spec: &ChartSpec,
    text: TextMode,
) -> Result<Canvas, DrawError> {
    let (w, h) = spec.pixel_size();
    let c = colors(spec.theme);
    let s = spec.dpr as i32;
    let sf = spec.dpr as f32;
    let mut canvas = Canvas::new(w, h, c.background);
    let mut typesetter = Typesetter::new();

    // Axis ranges: bars span [lo, hi]; 5% air on each side and above.
    let span = hist.hi - hist.lo;
    let (x0, x1) = (hist.lo - 0.05 * span, hist.hi + 0.05 * span);
    let y1 = (f64::from(hist.max_count()) * 1.05).max(1.0);

    let label_px = LAYOUT.label_px * sf;
    let title_px = LAYOUT.title_px * sf;
    let label_h = typesetter.measure("0", label_px).height;
    let plot_h = h as i32 - 2 * LAYOUT.margin * s - label_h - (LAYOUT.tick + LAYOUT.gap) * s;
    let y_ticks = nice_ticks(0.0, y1, (plot_h / (40 * s)).clamp(2, 10) as usize, true);
    let y_label_w = y_ticks
        .labels
        .iter()
        .map(|l| typesetter.measure(l, label_px).width)
        .max()
        .unwrap_or(0);
    let plot_w = w as i32 - 2 * LAYOUT.margin * s - y_label_w - (LAYOUT.tick + LAYOUT.gap) * s;
    let x_ticks = nice_ticks(x0, x1, (plot_w / (70 * s)).clamp(2, 12) as usize, false);

    {
        let backend = TextBackend {
            inner: BitMapBackend::with_buffer(&mut canvas.rgb, (w, h)),
            typesetter: &mut typesetter,
            text,
        };
        let root = backend.into_drawing_area();
        let fg = rgb_color(c.foreground);
        let label_style =
            TextStyle::from(("sans-serif", f64::from(label_px)).into_font()).color(&fg);

        let mut builder = ChartBuilder::on(&root);
        builder
            .margin(LAYOUT.margin * s)
            .x_label_area_size(label_h + (LAYOUT.tick + LAYOUT.gap) * s)
            .y_label_area_size(y_label_w + (LAYOUT.tick + LAYOUT.gap) * s);
        if !spec.title.is_empty() {
            let title_style =
                TextStyle::from(("sans-serif", f64::from(title_px)).into_font()).color(&fg);
            builder.caption(&spec.title, title_style);
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
            .bold_line_style(Color::stroke_width(&rgb_color(c.grid), s as u32))
            .light_line_style(TRANSPARENT)
            .axis_style(Color::stroke_width(&fg, s as u32))
            .set_all_tick_mark_size(LAYOUT.tick * s)
            .x_labels(x_ticks.values.len())
            .y_labels(y_ticks.values.len())
            .label_style(label_style)
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .draw()?;

        let bar = rgb_color(c.bar).filled();
        chart.draw_series(
            (0..hist.counts.len())
                .filter(|&i| hist.counts[i] > 0)
                .map(|i| {
                    Rectangle::new(
                        [
                            (hist.edge(i), 0.0),
                            (hist.edge(i + 1), f64::from(hist.counts[i])),
                        ],
                        bar,
                    )
                }),
        )?;
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
    inner: BitMapBackend<'a>,
    typesetter: &'b mut Typesetter,
    text: TextMode,
}

impl DrawingBackend for TextBackend<'_, '_> {
    type ErrorType = <BitMapBackend<'static> as DrawingBackend>::ErrorType;

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
        let color = style.color();
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
        let inner = &mut self.inner;
        let mut result = Ok(());
        self.typesetter.draw(text, em, x, y, |px, py, level| {
            let alpha = color.alpha * f64::from(level) / f64::from(COVERAGE_LEVELS);
            if result.is_ok() {
                result = inner.draw_pixel(
                    (px, py),
                    BackendColor {
                        alpha,
                        rgb: color.rgb,
                    },
                );
            }
        });
        result
    }
}
