//! Text as pixels: glyph coverage from the embedded font, quantized to
//! [`COVERAGE_LEVELS`] steps, which keeps the number of distinct colours
//! small (good for a palette PNG) and identical on every target.

use std::collections::HashMap;

use crate::font::{layout, line_metrics, outlined, GlyphId};

/// Anti-aliasing steps: coverage is rounded to `k / COVERAGE_LEVELS`.
pub const COVERAGE_LEVELS: u8 = 12;

/// A rasterized glyph: coverage levels in a `width x height` box whose
/// top-left corner is `(left, top)` relative to the pen on the baseline.
struct GlyphBitmap {
    left: i32,
    top: i32,
    width: usize,
    coverage: Vec<u8>,
}

/// Rasterizes lines of text; caches glyph bitmaps per size, so repeated
/// digits in tick labels are rasterized once per chart.
#[derive(Default)]
pub struct GlyphCache {
    cache: HashMap<(u16, u32), GlyphBitmap>,
}

impl GlyphCache {
    pub fn new() -> GlyphCache {
        GlyphCache::default()
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
        let (glyphs, _) = layout(text, em_px);
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

fn rasterize(id: GlyphId, em_px: f32) -> GlyphBitmap {
    let Some(outlined) = outlined(id, em_px) else {
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
    use crate::font::measure;

    #[test]
    fn missing_glyphs_draw_the_placeholder() {
        let mut t = GlyphCache::new();
        let mut missing = Vec::new();
        t.draw("漢", 20.0, 0, 0, |x, y, l| missing.push((x, y, l)));
        let mut square = Vec::new();
        t.draw("\u{25A1}", 20.0, 0, 0, |x, y, l| square.push((x, y, l)));
        assert!(!missing.is_empty());
        assert_eq!(missing, square);
    }

    #[test]
    fn drawing_stays_inside_the_measured_box() {
        let mut t = GlyphCache::new();
        let text = "Chart for \"gjpq\" ÅÉ";
        let e = measure(text, 16.0);
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
