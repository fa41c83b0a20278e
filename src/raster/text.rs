//! Text as pixels: glyph coverage of the laid-out line ([`crate::text`]:
//! the embedded font's glyphs and the loaded shards'), quantized to
//! [`COVERAGE_LEVELS`] steps, which keeps the number of distinct colours
//! small (good for a palette PNG) and identical on every target.

use std::collections::HashMap;

use crate::font::{line_metrics, outlined, GlyphId};
use crate::text::{self, FaceId, EMBEDDED};

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

/// A line of text's coverage: `levels` row by row, `width` a row, its
/// top-left pixel at `(left, top)` from the line box's corner.
pub struct Cover {
    pub left: i32,
    pub top: i32,
    pub width: usize,
    pub levels: Vec<u8>,
}

impl Cover {
    /// Every covered pixel, `(x, y, level)` from the line box's corner,
    /// row by row.
    pub fn pixels(&self) -> impl Iterator<Item = (i32, i32, u8)> + '_ {
        self.levels
            .iter()
            .enumerate()
            .filter(|(_, &level)| level > 0)
            .map(|(i, &level)| {
                (
                    self.left + (i % self.width) as i32,
                    self.top + (i / self.width) as i32,
                    level,
                )
            })
    }
}

/// Rasterizes lines of text; caches glyph bitmaps per size, so repeated
/// digits in tick labels are rasterized once per chart.
#[derive(Default)]
pub struct GlyphCache {
    cache: HashMap<(FaceId, u16, u32), GlyphBitmap, crate::raster::palette::FnvBuild>,
}

impl GlyphCache {
    pub fn new() -> GlyphCache {
        GlyphCache::default()
    }

    /// The coverage of `text` as one image, its line box's top-left corner
    /// at the origin: where neighbouring glyphs' edges overlap the later
    /// glyph's level stands (a line of text is one coverage; its glyphs do
    /// not darken each other). `None` for text without ink.
    pub fn cover(&mut self, text: &str, em_px: f32) -> Option<Cover> {
        let glyphs = text::layout(text, em_px).glyphs;
        let (ascent, _) = line_metrics(em_px);
        let mut boxes = Vec::with_capacity(glyphs.len());
        let (mut x0, mut y0, mut x1, mut y1) = (i32::MAX, i32::MAX, i32::MIN, i32::MIN);
        for g in glyphs {
            let key = (g.face, g.glyph, em_px.to_bits());
            let b = self
                .cache
                .entry(key)
                .or_insert_with(|| rasterize(g.face, g.glyph, em_px));
            if b.width == 0 {
                continue;
            }
            let (left, top) = (g.x + b.left, ascent + g.y + b.top);
            let rows = (b.coverage.len() / b.width) as i32;
            x0 = x0.min(left);
            y0 = y0.min(top);
            x1 = x1.max(left + b.width as i32);
            y1 = y1.max(top + rows);
            boxes.push((key, left, top));
        }
        if boxes.is_empty() {
            return None;
        }
        let width = (x1 - x0) as usize;
        let mut levels = vec![0u8; width * (y1 - y0) as usize];
        for (key, left, top) in boxes {
            let Some(b) = self.cache.get(&key) else {
                continue;
            };
            for (row, line) in b.coverage.chunks_exact(b.width).enumerate() {
                let at = (top - y0) as usize + row;
                let from = at * width + (left - x0) as usize;
                for (cell, &level) in levels[from..from + b.width].iter_mut().zip(line) {
                    if level > 0 {
                        *cell = level;
                    }
                }
            }
        }
        Some(Cover {
            left: x0,
            top: y0,
            width,
            levels,
        })
    }
}

fn rasterize(face: FaceId, glyph: u16, em_px: f32) -> GlyphBitmap {
    let outlined = if face == EMBEDDED {
        outlined(GlyphId(glyph), em_px)
    } else {
        shard_outlined(face, glyph, em_px)
    };
    let Some(outlined) = outlined else {
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
        let level = crate::float::roundf(c.clamp(0.0, 1.0) * f32::from(COVERAGE_LEVELS)) as u8;
        coverage[y as usize * width + x as usize] = level;
    });
    GlyphBitmap {
        left: bounds.min.x as i32,
        top: bounds.min.y as i32,
        width,
        coverage,
    }
}

/// A shard's glyph, its outline already in the embedded font's units
/// ([`text::faces::outline`]), scaled as the embedded font's glyphs are.
fn shard_outlined(face: FaceId, glyph: u16, em_px: f32) -> Option<ab_glyph::OutlinedGlyph> {
    let outline = text::faces::outline(face, glyph)?;
    let factor = em_px / crate::font::units_per_em();
    let g = GlyphId(glyph)
        .with_scale_and_position(crate::font::px_scale(em_px), ab_glyph::point(0.0, 0.0));
    Some(ab_glyph::OutlinedGlyph::new(
        g,
        outline,
        ab_glyph::PxScaleFactor {
            horizontal: factor,
            vertical: factor,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::font::measure;

    #[test]
    fn missing_glyphs_draw_the_placeholder() {
        let mut t = GlyphCache::new();
        let missing: Vec<_> = t.cover("漢", 20.0).unwrap().pixels().collect();
        let square: Vec<_> = t.cover("\u{25A1}", 20.0).unwrap().pixels().collect();
        assert!(!missing.is_empty());
        assert_eq!(missing, square);
    }

    #[test]
    fn drawing_stays_inside_the_measured_box() {
        let mut t = GlyphCache::new();
        let text = "Chart for \"gjpq\" ÅÉ";
        let e = measure(text, 16.0);
        let mut n = 0;
        for (u, v, level) in t.cover(text, 16.0).unwrap().pixels() {
            let (x, y) = (10 + u, 20 + v);
            n += 1;
            assert!(level <= COVERAGE_LEVELS);
            assert!((9..=10 + e.width + 1).contains(&x), "x {x}");
            assert!((20..20 + e.height + 1).contains(&y), "y {y}");
        }
        assert!(n > 100);
    }
}
