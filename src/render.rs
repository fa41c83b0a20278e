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
use crate::spec::{Bins, ChartSpec, Data, Format, Theme};

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

/// The estimated fuel (wasm operators) of rendering `spec`, from the
/// harness's measurements of renderer 9: about 10 per pixel, 160 per draw,
/// 60 per user value, 2,000 per bin and series, 2.5 million per dpr squared
/// for text and axes, and for a KDE 30,000 per series plus 20 per value
/// (classic 6 million, 2048x2048 42 million, 682x682 at dpr 3 66 million;
/// tests/wasm_harness.rs checks the estimate against the measured fuel).
/// Only a PNG fills pixels; the other formats cost their data (and the SVG
/// its layout). It decides whether a chart is worth a storage round trip
/// (KV, Cache API).
pub fn render_cost(spec: &ChartSpec) -> u64 {
    let (w, h) = spec.pixel_size();
    let pixels = u64::from(w) * u64::from(h);
    let series = spec.data.series_count() as u64;
    let (draws, values) = match &spec.data {
        Data::Draws { n } => (u64::from(*n), 0),
        Data::Values(v) => (0, v.iter().map(Vec::len).sum::<usize>() as u64),
        Data::Counts { counts, .. } => (0, counts.iter().map(Vec::len).sum::<usize>() as u64),
    };
    let bins = match &spec.bins {
        Bins::Count(b) => u64::from(*b),
        Bins::Edges(e) => e.len() as u64,
        Bins::Rule(_) | Bins::Width(_) => 100,
    };
    let kde = if spec.kde {
        30_000 * series + 20 * (draws + values)
    } else {
        0
    };
    let dpr = u64::from(spec.dpr);
    let data = 160 * draws + 60 * values + 2_000 * bins * series + kde;
    match spec.format {
        Format::Png => data + 10 * pixels + 2_500_000 * dpr * dpr,
        Format::Svg => data + 2_500_000,
        Format::Csv | Format::Json => data,
    }
}

/// Renders a named chart: its draws are seeded from its name.
pub fn render_chart(spec: &ChartSpec) -> Result<Vec<u8>, RenderError> {
    render_with_seed(spec, seed_for_name(&spec.name))
}

/// Renders `spec` with draws from `seed` (the random chart's fresh entropy).
pub fn render_with_seed(spec: &ChartSpec, seed: [u8; 32]) -> Result<Vec<u8>, RenderError> {
    let model = chart::model(spec, seed, matches!(spec.format, Format::Svg | Format::Json));
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
