//! The font embedded in the binary (a DejaVu Sans subset, see
//! `assets/fonts/LICENSE`): glyph lookup, line layout, metrics and outlines.
//! The chart measures with it, the raster draws its coverage
//! ([`crate::raster::text`]) and the SVG its outlines, so every format puts
//! the same glyph at the same place.
//!
//! plotters cannot draw text on wasm32-unknown-unknown (its text path needs a
//! browser DOM), so every caption and tick label goes through here.

use std::sync::OnceLock;

pub use ab_glyph::GlyphId;
use ab_glyph::{Font, FontRef, PxScale, ScaleFont};

pub static FONT_BYTES: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-subset.ttf");

/// Drawn in place of any character the embedded font lacks (WHITE SQUARE).
pub const PLACEHOLDER: char = '\u{25A1}';

fn font() -> &'static FontRef<'static> {
    static FONT: OnceLock<FontRef<'static>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(FONT_BYTES).expect("embedded font parses"))
}

/// Whether the embedded font has a glyph for `c`.
pub fn has_glyph(c: char) -> bool {
    font().glyph_id(c).0 != 0
}

/// Size of a line of text, in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextExtent {
    pub width: i32,
    /// Distance from the top of the line box to the baseline.
    pub ascent: i32,
    /// Height of the line box (ascent plus descent).
    pub height: i32,
}

/// The glyphs of a line of text at `em_px` pixels per em: each glyph and
/// its pen position (whole pixels from the line's start), and the advance
/// of the whole line. Raster and SVG both place glyphs from here.
pub fn layout(text: &str, em_px: f32) -> (Vec<(GlyphId, i32)>, i32) {
    let f = font();
    let scaled = f.as_scaled(px_scale(em_px));
    let placeholder = f.glyph_id(PLACEHOLDER);
    let mut pen = 0.0f32;
    let mut prev: Option<GlyphId> = None;
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        let mut id = f.glyph_id(c);
        if id.0 == 0 {
            id = placeholder;
        }
        if let Some(p) = prev {
            pen += scaled.kern(p, id);
        }
        out.push((id, crate::float::roundf(pen) as i32));
        pen += scaled.h_advance(id);
        prev = Some(id);
    }
    (out, pen.ceil() as i32)
}

/// Width and line height of `text` at `em_px` pixels per em.
pub fn measure(text: &str, em_px: f32) -> TextExtent {
    let (_, width) = layout(text, em_px);
    let (ascent, height) = line_metrics(em_px);
    TextExtent {
        width,
        ascent,
        height,
    }
}

/// Font units per em: glyph outlines are in these units, y up.
pub fn units_per_em() -> f32 {
    font().units_per_em().unwrap_or(2048.0)
}

/// The outline of glyph `id` in font units (y up), for vector output.
pub fn outline(id: GlyphId) -> Option<ab_glyph::Outline> {
    font().outline(id)
}

/// Glyph `id` scaled to `em_px` with its pen at the origin, ready to
/// rasterize; `None` for glyphs without ink (space).
pub fn outlined(id: GlyphId, em_px: f32) -> Option<ab_glyph::OutlinedGlyph> {
    font().outline_glyph(id.with_scale_and_position(px_scale(em_px), ab_glyph::point(0.0, 0.0)))
}

/// ab_glyph's `PxScale` is the height of ascent minus descent; convert from
/// pixels per em, which is what font sizes mean everywhere else.
pub fn px_scale(em_px: f32) -> PxScale {
    let f = font();
    let upem = f.units_per_em().unwrap_or(2048.0);
    PxScale::from(em_px * f.height_unscaled() / upem)
}

/// Ascent and line height at `em_px`, in whole pixels.
pub fn line_metrics(em_px: f32) -> (i32, i32) {
    let scaled = font().as_scaled(px_scale(em_px));
    let ascent = scaled.ascent().ceil() as i32;
    let descent = (-scaled.descent()).ceil() as i32;
    (ascent, ascent + descent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_grow_with_text_and_size() {
        let a = measure("12", 13.0);
        let b = measure("1234", 13.0);
        let c = measure("1234", 26.0);
        assert!(b.width > a.width && a.width > 0);
        assert!(c.width >= 2 * b.width - 2 && c.height > b.height);
        assert!(a.ascent > 0 && a.ascent < a.height);
    }

    #[test]
    fn missing_glyphs_lay_out_as_the_placeholder() {
        assert!(has_glyph('a') && has_glyph('Ж') && has_glyph(PLACEHOLDER));
        assert!(!has_glyph('漢'));
        assert_eq!(layout("漢", 20.0), layout("\u{25A1}", 20.0));
    }

    #[test]
    fn glyphs_have_outlines_in_font_units() {
        let (glyphs, _) = layout("A", 16.0);
        let o = outline(glyphs[0].0).expect("A has an outline");
        // y up: the apex of an A is well above the baseline, inside one em.
        let top = o
            .curves
            .iter()
            .map(|c| match c {
                ab_glyph::OutlineCurve::Line(a, b) => a.y.max(b.y),
                ab_glyph::OutlineCurve::Quad(a, b, c) => a.y.max(b.y).max(c.y),
                ab_glyph::OutlineCurve::Cubic(a, b, c, d) => a.y.max(b.y).max(c.y).max(d.y),
            })
            .fold(f32::MIN, f32::max);
        assert!(top > 0.5 * units_per_em() && top <= units_per_em(), "{top}");
    }
}
