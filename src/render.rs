//! Spec to bytes: the pipeline in one place. Data, bins and summary for
//! every format; the histogram's layout for the pictures; then the
//! format's encoder. A new format is a new encoder and one arm here.

use crate::chart::binning::{histogram, Histogram};
use crate::chart::data::{samples, seed_for_name};
use crate::chart::histogram::{layout_histogram, DrawError};
use crate::chart::summary::Summary;
use crate::encode::{csv::csv, json::json, png::encode_png, png::EncodeError, svg};
use crate::raster::canvas::paint;
use crate::spec::{Bins, ChartSpec, Data, Format};

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
/// harness's measurements of renderer 7: about 10 per pixel, 160 per draw,
/// 40 per user value, 2,000 per bin, and 2.5 million per dpr squared for
/// text and axes (classic 6 million, 2048x2048 42 million, 4096x1024 with
/// 100,000 draws and 1000 bins 62 million, 682x682 at dpr 3 66 million).
/// Only a PNG fills pixels; the other formats cost their data (and the
/// SVG its layout). It decides whether a chart is worth a storage round
/// trip (KV, Cache API).
pub fn render_cost(spec: &ChartSpec) -> u64 {
    let (w, h) = spec.pixel_size();
    let pixels = u64::from(w) * u64::from(h);
    let (draws, values) = match &spec.data {
        Data::Draws { n } => (u64::from(*n), 0),
        Data::Values(v) => (0, v.len() as u64),
    };
    let bins = match spec.bins {
        Bins::Fixed(b) => u64::from(b),
        Bins::Auto => 100,
    };
    let dpr = u64::from(spec.dpr);
    let data = 160 * draws + 40 * values + 2_000 * bins;
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
    let data = samples(&spec.data, seed);
    let hist = histogram(&data, spec.bins);
    // The summary is one more pass over the data: only the formats that say
    // it pay for it.
    Ok(match spec.format {
        Format::Png => encode_png(&paint(&layout_histogram(&hist, spec)?, spec.colors()))?,
        Format::Svg => svg_of(spec, &hist, &Summary::of(&data))?,
        Format::Csv => csv(&hist),
        Format::Json => json(&spec.title, &Summary::of(&data), &hist),
    })
}

fn svg_of(spec: &ChartSpec, hist: &Histogram, summary: &Summary) -> Result<Vec<u8>, RenderError> {
    let scene = layout_histogram(hist, spec)?;
    let desc = summary.sentence(hist.counts.len());
    let text = svg::SvgText {
        title: &spec.title,
        desc: &desc,
    };
    Ok(svg::svg(
        &scene,
        (spec.width, spec.height),
        spec.theme,
        &text,
    ))
}
