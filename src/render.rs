//! Spec to PNG bytes: data, binning, drawing and encoding in one call, and
//! the small PNG that shows an error message inside a page.

use crate::chart::binning::histogram;
use crate::chart::data::{samples, seed_for_name};
use crate::chart::histogram::{draw_histogram, Canvas, TextMode};
use crate::encode::png::encode_png;
use crate::font::Typesetter;
use crate::raster::palette::{ink, palette, text_ink};
use crate::spec::{ChartSpec, Theme};

/// A render that failed; the message is for logs, never for clients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError(pub String);

impl From<crate::chart::histogram::DrawError> for RenderError {
    fn from(e: crate::chart::histogram::DrawError) -> Self {
        RenderError(format!("draw: {}", e.0))
    }
}

impl From<crate::encode::png::EncodeError> for RenderError {
    fn from(e: crate::encode::png::EncodeError) -> Self {
        RenderError(format!("encode: {}", e.0))
    }
}

/// The estimated fuel (wasm operators) of rendering `spec`, from the
/// harness's measurements of renderer 7: about 10 per pixel, 160 per draw,
/// 40 per user value, 2,000 per bin, and 2.5 million per dpr squared for
/// text and axes (classic 6 million, 2048x2048 42 million, 4096x1024 with
/// 100,000 draws and 1000 bins 62 million, 682x682 at dpr 3 66 million).
/// It decides whether a chart is worth a storage round trip (KV, Cache API).
pub fn render_cost(spec: &ChartSpec) -> u64 {
    let (w, h) = spec.pixel_size();
    let pixels = u64::from(w) * u64::from(h);
    let (draws, values) = match &spec.data {
        crate::spec::Data::Draws { n } => (u64::from(*n), 0),
        crate::spec::Data::Values(v) => (0, v.len() as u64),
    };
    let bins = match spec.bins {
        crate::spec::Bins::Fixed(b) => u64::from(b),
        crate::spec::Bins::Auto => 100,
    };
    let dpr = u64::from(spec.dpr);
    10 * pixels + 160 * draws + 40 * values + 2_000 * bins + 2_500_000 * dpr * dpr
}

/// Renders a named chart: its draws are seeded from its name.
pub fn render_chart(spec: &ChartSpec) -> Result<Vec<u8>, RenderError> {
    render_with_seed(spec, seed_for_name(&spec.name))
}

/// Renders `spec` with draws from `seed` (the random chart's fresh entropy).
pub fn render_with_seed(spec: &ChartSpec, seed: [u8; 32]) -> Result<Vec<u8>, RenderError> {
    let data = samples(&spec.data, seed);
    let hist = histogram(&data, spec.bins);
    let canvas = draw_histogram(&hist, spec, TextMode::Draw)?;
    Ok(encode_png(&canvas)?)
}

/// Width the error message wraps at, in pixels.
const ERROR_WRAP: i32 = 520;
const ERROR_TEXT_PX: f32 = 13.0;
const ERROR_PAD: i32 = 12;

/// A small PNG that shows `lines` (the first one as a heading), so a broken
/// `<img>` explains itself in the page.
pub fn render_message_png(lines: &[&str]) -> Result<Vec<u8>, RenderError> {
    let mut ts = Typesetter::new();
    let mut wrapped: Vec<String> = Vec::new();
    for line in lines {
        wrapped.extend(wrap(&ts, line, ERROR_WRAP));
    }
    let line_h = ts.measure("Ag", ERROR_TEXT_PX).height + 3;
    let text_w = wrapped
        .iter()
        .map(|l| ts.measure(l, ERROR_TEXT_PX).width)
        .max()
        .unwrap_or(0);
    let width = (text_w + 2 * ERROR_PAD + 4).clamp(160, ERROR_WRAP + 2 * ERROR_PAD + 4) as u32;
    let height = (wrapped.len() as i32 * line_h + 2 * ERROR_PAD) as u32;
    let mut canvas = Canvas::new(width, height, palette(Theme::Light));
    // An accent bar on the left edge says "error" before anyone reads.
    for y in 0..height as i32 {
        for x in 0..4 {
            canvas.put(x, y, ink::ACCENT);
        }
    }
    for (i, line) in wrapped.iter().enumerate() {
        let y = ERROR_PAD + i as i32 * line_h;
        ts.draw(line, ERROR_TEXT_PX, ERROR_PAD + 4, y, |x, y, level| {
            canvas.put(x, y, text_ink(level))
        });
    }
    Ok(encode_png(&canvas)?)
}

/// Greedy word wrap at `max` pixels; words longer than a line are split.
fn wrap(ts: &Typesetter, text: &str, max: i32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if ts.measure(&candidate, ERROR_TEXT_PX).width <= max {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let mut rest = word.to_string();
        while ts.measure(&rest, ERROR_TEXT_PX).width > max {
            let mut cut = rest.len();
            while cut > 1 && ts.measure(&rest[..cut], ERROR_TEXT_PX).width > max {
                cut = rest[..cut]
                    .char_indices()
                    .last()
                    .map_or(1, |(i, _)| i.max(1));
            }
            lines.push(rest[..cut].to_string());
            rest = rest[cut..].to_string();
        }
        line = rest;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}
