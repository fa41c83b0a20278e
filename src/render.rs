//! Spec to bytes: the pipeline in one place. The kind's model for every
//! format; the layout for the pictures; then the format's encoder. A new
//! format is a new encoder and one arm here; a new kind touches nothing
//! here (see [`crate::chart::model`]).

use crate::chart::layout::{layout, DrawError};
use crate::chart::model::{Model, Reads};
use crate::chart::scene::{Ink, Mark, Scene};
use crate::chart::theme::{Colors, Inks};
use crate::chart::{self, data::seed_for_name};
use crate::encode::{csv::csv, json::json, png::encode_png, png::EncodeError, svg};
use crate::probe::{span, Span};
use crate::raster::canvas::{line_visits, paint, NARROW};
use crate::spec::cost::{
    refusal, too_costly, CURVE_BASE, CURVE_OVER_FADED_PER_LAYER, CURVE_PER_VISIT,
    FADED_NARROW_HALVES, FADED_PER_LAYER, FADED_RECT, FADED_WIDE_BASE, FUEL_MAX,
};
use crate::spec::{ChartSpec, Format, ParamError, Theme};

/// A render that failed; the message is for logs, never for clients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError(pub String);

impl From<DrawError> for RenderError {
    fn from(e: DrawError) -> Self {
        RenderError(format!("draw: {}", e.0))
    }
}

impl From<EncodeError> for RenderError {
    fn from(e: EncodeError) -> Self {
        RenderError(format!("encode: {}", e.0))
    }
}

pub use crate::spec::cost::estimate as render_cost;

/// Why a budgeted render gave no bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Its paint work, once laid out, takes the chart over the CPU budget: the
    /// parser's 400, told to the client.
    OverBudget(ParamError),
    /// It failed (logged, a 500).
    Failed(RenderError),
}

impl From<RenderError> for Refused {
    fn from(e: RenderError) -> Self {
        Refused::Failed(e)
    }
}

impl From<DrawError> for Refused {
    fn from(e: DrawError) -> Self {
        Refused::Failed(e.into())
    }
}

/// Renders a named chart: its draws are seeded from its name.
pub fn render_chart(spec: &ChartSpec) -> Result<Vec<u8>, RenderError> {
    render_with_seed(spec, seed_for_name(&spec.name))
}

/// Renders `spec` with draws from `seed` (the random chart's fresh entropy),
/// whatever it costs (tools and tests; the flow uses [`render_within`]).
pub fn render_with_seed(spec: &ChartSpec, seed: [u8; 32]) -> Result<Vec<u8>, RenderError> {
    render_checked(spec, seed, None).map_err(|e| match e {
        Refused::Failed(e) => e,
        Refused::OverBudget(e) => RenderError(e.message),
    })
}

/// [`render_with_seed`] for a request the parser estimated at `spent` (see
/// [`crate::spec::cost`]): a PNG whose [`PaintWork`], counted once laid
/// out, takes that over [`FUEL_MAX`] is refused before a pixel is painted.
/// What ran before the check (the model, the layout) is within `spent`.
pub fn render_within(spec: &ChartSpec, seed: [u8; 32], spent: u64) -> Result<Vec<u8>, Refused> {
    render_checked(spec, seed, Some(spent))
}

/// What the budget check compares with [`FUEL_MAX`] for `spec` estimated
/// at `spent`: that plus its PNG's paint work (the harness holds it to the
/// measured fuel). It lays the chart out to count it.
pub fn budgeted_cost(spec: &ChartSpec, seed: [u8; 32], spent: u64) -> u64 {
    if spec.format != Format::Png {
        return spent;
    }
    let model = chart::model(spec, seed, Reads::of(Format::Png));
    match layout(&model, spec) {
        Ok(scene) => spent.saturating_add(PaintWork::of(&scene).fuel()),
        Err(_) => spent,
    }
}

/// The paint work of a scene that its size alone does not tell, counted
/// once it is laid out and before a pixel is painted: the pixels its
/// faded bars blend (an overlay's bars can be short or fill the plot, 8
/// layers deep) and those its curves' lines visit ([`line_visits`]; a KDE
/// on a log count axis can fall to the floor and rise again many times).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PaintWork {
    /// Faded rectangles, and their pixels on the canvas in those narrower
    /// than [`NARROW`] (blended one by one) and the wider (by runs).
    pub faded_rects: u64,
    /// The series whose faded inks the scene uses (one more than the
    /// highest).
    pub faded_layers: u64,
    pub faded_narrow: u64,
    pub faded_wide: u64,
    /// Curves, and the pixels their lines visit.
    pub lines: u64,
    pub line_visits: u64,
}

impl PaintWork {
    /// Counts `scene`'s work, clipping its rectangles to the canvas as
    /// painting does.
    pub fn of(scene: &Scene) -> PaintWork {
        let (w, h) = (scene.width as i32, scene.height as i32);
        let mut work = PaintWork::default();
        for mark in &scene.marks {
            match mark {
                Mark::Rect {
                    ink: Ink::Faded(k),
                    x0,
                    y0,
                    x1,
                    y1,
                } => {
                    let cols = (*x1).clamp(0, w) - (*x0).clamp(0, w);
                    let rows = (*y1).clamp(0, h) - (*y0).clamp(0, h);
                    let area = (cols.max(0) as u64) * (rows.max(0) as u64);
                    work.faded_rects += 1;
                    work.faded_layers = work.faded_layers.max(u64::from(*k) + 1);
                    if (cols.max(0) as usize) < NARROW {
                        work.faded_narrow += area;
                    } else {
                        work.faded_wide += area;
                    }
                }
                Mark::Line { width, points, .. } => {
                    work.lines += 1;
                    work.line_visits += line_visits(points, *width, scene.width, scene.height);
                }
                _ => {}
            }
        }
        work
    }

    /// The 400 for a chart this work takes to `cost`, over the budget:
    /// what to change, by what costs most (the faded fills are what
    /// `mode=step` and `mode=stack` do without).
    fn refusal(&self, cost: u64) -> ParamError {
        let curves = self.curve_fuel();
        if self.fuel() - curves > curves {
            refusal(
                cost,
                "w",
                "a smaller w, h or dpr, fewer series, or mode=step or mode=stack (outlines or stacked bars, not faded fills)",
            )
        } else {
            too_costly(cost, Format::Png)
        }
    }

    /// Its fuel, at [`crate::spec::cost`]'s coefficients.
    pub fn fuel(&self) -> u64 {
        let wide = FADED_WIDE_BASE + FADED_PER_LAYER * self.faded_layers;
        let narrow = (wide * FADED_NARROW_HALVES).div_ceil(2);
        FADED_RECT * self.faded_rects
            + narrow * self.faded_narrow
            + wide * self.faded_wide
            + self.curve_fuel()
    }

    /// The curves' part: per visit, and more over faded bars (each blend
    /// over a colour of the overlap is new to the palette, which fills).
    fn curve_fuel(&self) -> u64 {
        let per_visit = CURVE_PER_VISIT + CURVE_OVER_FADED_PER_LAYER * self.faded_layers;
        CURVE_BASE * self.lines + per_visit * self.line_visits
    }
}

fn render_checked(
    spec: &ChartSpec,
    seed: [u8; 32],
    spent: Option<u64>,
) -> Result<Vec<u8>, Refused> {
    let model = span(Span::Model, || {
        chart::model(spec, seed, Reads::of(spec.format))
    });
    Ok(match spec.format {
        Format::Png => {
            let colors = match spec.theme {
                Theme::Dark => Colors::Dark,
                Theme::Light | Theme::Auto => Colors::Light,
            };
            let inks = Inks::new(colors, &spec.colors, model.series.len());
            let scene = span(Span::Layout, || layout(&model, spec))?;
            if let Some(spent) = spent {
                let work = span(Span::Budget, || PaintWork::of(&scene));
                let cost = spent.saturating_add(work.fuel());
                if cost > FUEL_MAX {
                    return Err(Refused::OverBudget(work.refusal(cost)));
                }
            }
            let canvas = span(Span::Paint, || paint(&scene, &inks));
            span(Span::Encode, || encode_png(&canvas)).map_err(RenderError::from)?
        }
        Format::Svg => svg_of(spec, &model)?,
        Format::Csv => span(Span::Print, || csv(&model)),
        Format::Json => span(Span::Print, || json(&spec.title, &model)),
    })
}

fn svg_of(spec: &ChartSpec, model: &Model) -> Result<Vec<u8>, RenderError> {
    let scene = span(Span::Layout, || layout(model, spec))?;
    let desc = model.pooled.sentence(
        model.noun,
        model.edges.len().saturating_sub(1),
        model.series.len(),
    );
    let text = svg::SvgText {
        title: &spec.title,
        desc: &desc,
    };
    Ok(span(Span::Print, || {
        svg::svg(
            &scene,
            (spec.width, spec.height),
            spec.theme,
            &spec.colors,
            model.series.len(),
            &text,
        )
    }))
}
