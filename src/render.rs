//! Spec to bytes: the pipeline in one place. The kind's model for every
//! format; the layout for the pictures; then the format's encoder. A new
//! format is a new encoder and one arm here; a new kind touches nothing
//! here (see [`crate::chart::model`]).

use crate::chart::layout::{layout, DrawError};
use crate::chart::model::Model;
use crate::chart::theme::{Colors, Inks};
use crate::chart::{self, data::seed_for_name};
use crate::encode::{csv::csv, json::json, png::encode_png, png::EncodeError, svg};
use crate::raster::canvas::paint;
use crate::spec::{ChartSpec, Format, Theme};

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

/// Renders a named chart: its draws are seeded from its name.
pub fn render_chart(spec: &ChartSpec) -> Result<Vec<u8>, RenderError> {
    render_with_seed(spec, seed_for_name(&spec.name))
}

/// Renders `spec` with draws from `seed` (the random chart's fresh entropy).
pub fn render_with_seed(spec: &ChartSpec, seed: [u8; 32]) -> Result<Vec<u8>, RenderError> {
    let model = chart::model(
        spec,
        seed,
        matches!(spec.format, Format::Svg | Format::Json),
    );
    Ok(match spec.format {
        Format::Png => {
            let colors = match spec.theme {
                Theme::Dark => Colors::Dark,
                Theme::Light | Theme::Auto => Colors::Light,
            };
            let inks = Inks::new(colors, &spec.colors, model.series.len());
            encode_png(&paint(&layout(&model, spec)?, &inks))?
        }
        Format::Svg => svg_of(spec, &model)?,
        Format::Csv => csv(&model),
        Format::Json => json(&spec.title, &model),
    })
}

fn svg_of(spec: &ChartSpec, model: &Model) -> Result<Vec<u8>, RenderError> {
    let scene = layout(model, spec)?;
    let desc = model.pooled.sentence(
        model.noun,
        model.edges.len().saturating_sub(1),
        model.series.len(),
    );
    let text = svg::SvgText {
        title: &spec.title,
        desc: &desc,
    };
    Ok(svg::svg(
        &scene,
        (spec.width, spec.height),
        spec.theme,
        &spec.colors,
        model.series.len(),
        &text,
    ))
}
