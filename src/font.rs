//! Text from the font embedded in the binary (a DejaVu Sans subset, see
//! `assets/fonts/LICENSE`): measuring, and rasterizing into coverage levels.
//!
//! plotters cannot draw text on wasm32-unknown-unknown (its text path needs a
//! browser DOM), so every caption and tick label goes through here. Coverage is
//! quantized to [`COVERAGE_LEVELS`] steps, which keeps the number of distinct
//! colours small (good for a palette PNG) and identical on every target.

use std::collections::HashMap;
use std::sync::OnceLock;

use ab_glyph::{point, Font, FontRef, GlyphId, PxScale, ScaleFont};

static FONT_BYTES: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-subset.ttf");

/// Anti-aliasing steps: coverage is rounded to `k / COVERAGE_LEVELS`.
pub const COVERAGE_LEVELS: u8 = 12;

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

/// A rasterized glyph: coverage levels in a `width x height` box whose
/// top-left corner is `(left, top)` relative to the pen on the baseline.
struct GlyphBitmap {
    left: i32,
    top: i32,
    width: usize,
    coverage: Vec<u8>,
}

/// Lays out and rasterizes lines of text; caches glyph bitmaps per size, so
/// repeated digits in tick labels are rasterized once per chart.
#[derive(Default)]
pub struct Typesetter {
    cache: HashMap<(u16, u32), GlyphBitmap>,
}

impl Typesetter {
    pub fn new() -> Typesetter {
        Typesetter::default()
    }

    /// The pen positions of `text` at `em_px` pixels per em, and the advance.
    fn layout(text: &str, em_px: f32) -> (Vec<(GlyphId, i32)>, i32) {
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
            out.push((id, libm::roundf(pen) as i32));
            pen += scaled.h_advance(id);
            prev = Some(id);
        }
        (out, libm::ceilf(pen) as i32)
    }

    /// Width and line height of `text` at `em_px` pixels per em.
    pub fn measure(&self, text: &str, em_px: f32) -> TextExtent {
        let (_, width) = Self::layout(text, em_px);
        let (ascent, height) = line_metrics(em_px);
        TextExtent {
            width,
            ascent,
            height,
        }
    }

    /// Rasterizes `text` with its line box's top-left corner at `(x, y)`,
    /// calling `plot(px, py, level)` for every pixel with coverage
    /// `level / COVERAGE_LEVELS > 0`.
    pub fn draw(
        &mut self,
        text: &str,
        em_px: f32,
        x: i32,
        y: i32,
        mut plot: impl FnMut(i32, i32, u8),
    ) {
        let (glyphs, _) = Self::layout(text, em_px);
        let (ascent, _) = line_metrics(em_px);
        let baseline = y + ascent;
        for (id, pen) in glyphs {
            let bitmap = self
                .cache
                .entry((id.0, em_px.to_bits()))
                .or_insert_with(|| rasterize(id, em_px));
            if bitmap.width == 0 {
                continue;
            }
            for (row, line) in bitmap.coverage.chunks_exact(bitmap.width).enumerate() {
                for (col, &level) in line.iter().enumerate() {
                    if level > 0 {
                        plot(
                            x + pen + bitmap.left + col as i32,
                            baseline + bitmap.top + row as i32,
                            level,
                        );
                    }
                }
            }
        }
    }
}

/// ab_glyph's `PxScale` is the height of ascent minus descent; convert from
/// pixels per em, which is what font sizes mean everywhere else.
fn px_scale(em_px: f32) -> PxScale {
    let f = font();
    let upem = f.units_per_em().unwrap_or(2048.0);
    PxScale::from(em_px * f.height_unscaled() / upem)
}

fn line_metrics(em_px: f32) -> (i32, i32) {
    let scaled = font().as_scaled(px_scale(em_px));
    let ascent = libm::ceilf(scaled.ascent()) as i32;
    let descent = libm::ceilf(-scaled.descent()) as i32;
    (ascent, ascent + descent)
}

fn rasterize(id: GlyphId, em_px: f32) -> GlyphBitmap {
    let glyph = id.with_scale_and_position(px_scale(em_px), point(0.0, 0.0));
    let Some(outlined) = font().outline_glyph(glyph) else {
        return GlyphBitmap {
            left: 0,
            top: 0,
            width: 0,
            coverage: Vec::new(),
        };
    };
    let bounds = outlined.px_bounds();
    let width = bounds.width() as usize;
    let height = bounds.height() as usize;
    let mut coverage = vec![0u8; width * height];
    outlined.draw(|x, y, c| {
        let level = libm::roundf(c.clamp(0.0, 1.0) * f32::from(COVERAGE_LEVELS)) as u8;
        coverage[y as usize * width + x as usize] = level;
    });
    GlyphBitmap {
        left: bounds.min.x as i32,
        top: bounds.min.y as i32,
        width,
        coverage,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_grow_with_text_and_size() {
        let t = Typesetter::new();
        let a = t.measure("12", 13.0);
        let b = t.measure("1234", 13.0);
        let c = t.measure("1234", 26.0);
        assert!(b.width > a.width && a.width > 0);
        assert!(c.width >= 2 * b.width - 2 && c.height > b.height);
        assert!(a.ascent > 0 && a.ascent < a.height);
    }

    #[test]
    fn missing_glyphs_draw_the_placeholder() {
        assert!(has_glyph('a') && has_glyph('Ж') && has_glyph(PLACEHOLDER));
        assert!(!has_glyph('漢'));
        let mut t = Typesetter::new();
        let mut missing = Vec::new();
        t.draw("漢", 20.0, 0, 0, |x, y, l| missing.push((x, y, l)));
        let mut square = Vec::new();
        t.draw("\u{25A1}", 20.0, 0, 0, |x, y, l| square.push((x, y, l)));
        assert!(!missing.is_empty());
        assert_eq!(missing, square);
    }

    #[test]
    fn drawing_stays_inside_the_measured_box() {
        let mut t = Typesetter::new();
        let text = "Chart for \"gjpq\" ÅÉ";
        let e = t.measure(text, 16.0);
        let mut n = 0;
        t.draw(text, 16.0, 10, 20, |x, y, level| {
            n += 1;
            assert!(level <= COVERAGE_LEVELS);
            assert!((9..=10 + e.width + 1).contains(&x), "x {x}");
            assert!((20..20 + e.height + 1).contains(&y), "y {y}");
        });
        assert!(n > 100);
    }
}
