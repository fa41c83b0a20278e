//! The font embedded in the binary (a DejaVu Sans subset, see
//! `assets/fonts/LICENSE`): glyph lookup, line layout, metrics and outlines.
//! The chart measures with it, the raster draws its coverage
//! ([`crate::raster::text`]) and the SVG its outlines, so every format puts
//! the same glyph at the same place.
//!
//! plotters cannot draw text on wasm32-unknown-unknown (its text path needs a
//! browser DOM), so every caption and tick label goes through here.

use std::sync::OnceLock;

use rustybuzz::ttf_parser::{self, kern};

use crate::text::outline::{embedded_outline, Outline};

pub static FONT_BYTES: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-subset.ttf");

/// Drawn in place of any character the embedded font lacks (WHITE SQUARE).
pub const PLACEHOLDER: char = '\u{25A1}';

/// A glyph of the embedded font.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GlyphId(pub u16);

/// The embedded font, read once by ttf-parser (the reader the shaper uses):
/// glyphs from the Unicode `cmap` subtables in the font's order, kerning
/// from the horizontal `kern` subtables, the `hhea` ascent and descent
/// unless `OS/2` asks for its typographic ones.
struct Embedded {
    face: ttf_parser::Face<'static>,
    /// The horizontal, non-variable `kern` subtables, their headers read
    /// once rather than on every pair.
    kerns: Vec<kern::Subtable<'static>>,
    units_per_em: f32,
    ascent: f32,
    descent: f32,
}

fn font() -> &'static Embedded {
    static FONT: OnceLock<Embedded> = OnceLock::new();
    FONT.get_or_init(|| read(FONT_BYTES).expect("embedded font parses"))
}

fn read(bytes: &'static [u8]) -> Option<Embedded> {
    let face = ttf_parser::Face::parse(bytes, 0).ok()?;
    let kerns = face
        .tables()
        .kern
        .map(|k| {
            k.subtables
                .into_iter()
                .filter(|st| st.horizontal && !st.variable)
                .collect()
        })
        .unwrap_or_default();
    Some(Embedded {
        kerns,
        units_per_em: f32::from(face.units_per_em()),
        ascent: f32::from(face.ascender()),
        descent: f32::from(face.descender()),
        face,
    })
}

impl Embedded {
    fn glyph_id(&self, c: char) -> GlyphId {
        GlyphId(self.face.glyph_index(c).map_or(0, |g| g.0))
    }

    fn advance_unscaled(&self, id: GlyphId) -> f32 {
        let advance = self.face.glyph_hor_advance(ttf_parser::GlyphId(id.0));
        f32::from(advance.unwrap_or(0))
    }

    fn kern_unscaled(&self, first: GlyphId, second: GlyphId) -> f32 {
        let (l, r) = (ttf_parser::GlyphId(first.0), ttf_parser::GlyphId(second.0));
        self.kerns
            .iter()
            .find_map(|st| st.glyphs_kerning(l, r))
            .map_or(0.0, f32::from)
    }

    /// Ascent minus descent, in font units: what a pixel scale is of.
    fn height_unscaled(&self) -> f32 {
        self.ascent - self.descent
    }
}

/// Whether the embedded font has a glyph for `c`.
pub fn has_glyph(c: char) -> bool {
    glyph_id(c).0 != 0
}

/// The embedded font's glyph for `c`, 0 (`.notdef`) where it has none.
pub fn glyph_id(c: char) -> GlyphId {
    font().glyph_id(c)
}

/// The advance of glyph `id` at `em_px` pixels per em, unrounded.
pub fn h_advance(id: GlyphId, em_px: f32) -> f32 {
    scale_factor(em_px) * font().advance_unscaled(id)
}

/// The `kern` table's adjustment between `first` and `second` at `em_px`.
pub fn kern(first: GlyphId, second: GlyphId, em_px: f32) -> f32 {
    scale_factor(em_px) * font().kern_unscaled(first, second)
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
    let factor = scale_factor(em_px);
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
            pen += factor * f.kern_unscaled(p, id);
        }
        out.push((id, crate::float::roundf(pen) as i32));
        pen += factor * f.advance_unscaled(id);
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
    font().units_per_em
}

/// The outline of glyph `id` in font units (y up), for vector output.
pub fn outline(id: GlyphId) -> Option<Outline> {
    embedded_outline(&font().face, id.0)
}

/// The embedded font as ttf-parser reads it (the shaper's face is made
/// from it).
pub fn face() -> &'static ttf_parser::Face<'static> {
    &font().face
}

/// Pixels a font unit at `em_px` pixels per em. Computed as the font
/// reader before computed it, through the pixel height of the line (ascent
/// minus descent): `(em_px * height / upem) / height`, which is not always
/// the same `f32` as `em_px / upem`, and every glyph's place depends on it.
pub fn scale_factor(em_px: f32) -> f32 {
    let f = font();
    let height = f.height_unscaled();
    em_px * height / f.units_per_em / height
}

/// Ascent and line height at `em_px`, in whole pixels.
pub fn line_metrics(em_px: f32) -> (i32, i32) {
    let f = font();
    let factor = scale_factor(em_px);
    let ascent = (factor * f.ascent).ceil() as i32;
    let descent = (-(factor * f.descent)).ceil() as i32;
    (ascent, ascent + descent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::outline::OutlineCurve;

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
                OutlineCurve::Line(a, b) => a.y.max(b.y),
                OutlineCurve::Quad(a, b, c) => a.y.max(b.y).max(c.y),
                OutlineCurve::Cubic(a, b, c, d) => a.y.max(b.y).max(c.y).max(d.y),
            })
            .fold(f32::MIN, f32::max);
        assert!(top > 0.5 * units_per_em() && top <= units_per_em(), "{top}");
    }
}
