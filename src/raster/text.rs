//! Text as pixels: glyph coverage of the laid-out line ([`crate::text`]:
//! the embedded font's glyphs and the loaded shards'), quantized to
//! [`COVERAGE_LEVELS`] steps, which keeps the number of distinct colours
//! small (good for a palette PNG) and identical on every target.

use std::collections::HashMap;

use ab_glyph_rasterizer::Rasterizer;

use crate::font::{line_metrics, scale_factor, GlyphId};
use crate::text::outline::{point, Outline, OutlineCurve, Point};
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
    let (outline, factor) = if face == EMBEDDED {
        (crate::font::outline(GlyphId(glyph)), scale_factor(em_px))
    } else {
        // A shard's outline comes in the embedded font's units, scaled
        // straight from the em.
        let factor = em_px / crate::font::units_per_em();
        (text::faces::outline(face, glyph), factor)
    };
    let Some(outline) = outline else {
        return GlyphBitmap {
            left: 0,
            top: 0,
            width: 0,
            coverage: Vec::new(),
        };
    };
    let scaled = Scaled::new(outline, factor);
    let width = scaled.width;
    let mut coverage = vec![0u8; width * scaled.height];
    scaled.draw(|x, y, c| {
        let level = crate::float::roundf(c.clamp(0.0, 1.0) * f32::from(COVERAGE_LEVELS)) as u8;
        coverage[y as usize * width + x as usize] = level;
    });
    GlyphBitmap {
        left: scaled.left,
        top: scaled.top,
        width,
        coverage,
    }
}

/// An outline at a scale, its pen at the origin on the baseline: the
/// whole-pixel box its ink can touch and the coverage of each pixel in it.
/// The arithmetic is ab_glyph's (the glyph reader the Worker used before),
/// kept to the operation so that every glyph keeps its pixels.
struct Scaled {
    outline: Outline,
    factor: f32,
    /// The box's top-left corner, in pixels from the pen.
    corner: Point,
    left: i32,
    top: i32,
    width: usize,
    height: usize,
}

impl Scaled {
    fn new(outline: Outline, factor: f32) -> Scaled {
        let b = outline.bounds;
        // The outline's y grows up, the raster's down. The `+ 0.0`s are
        // ab_glyph's pen position (its fraction, then its whole part): they
        // turn a -0.0 into 0.0, and a signed zero can reach the coverage.
        let (x0, y0) = (
            (b.min.x * factor + 0.0).floor() + 0.0,
            (b.min.y * -factor + 0.0).floor() + 0.0,
        );
        let (x1, y1) = (
            (b.max.x * factor + 0.0).ceil() + 0.0,
            (b.max.y * -factor + 0.0).ceil() + 0.0,
        );
        Scaled {
            outline,
            factor,
            corner: point(x0, y0),
            left: x0 as i32,
            top: y0 as i32,
            width: (x1 - x0) as usize,
            height: (y1 - y0) as usize,
        }
    }

    /// Calls `o(x, y, coverage)` for every pixel of the box.
    fn draw(&self, o: impl FnMut(u32, u32, f32)) {
        let (h, v) = (self.factor, -self.factor);
        let offset = point(0.0, 0.0) - self.corner;
        let at = |p: &Point| point(p.x * h, p.y * v) + offset;
        let mut r = Rasterizer::new(self.width, self.height);
        for curve in &self.outline.curves {
            match curve {
                OutlineCurve::Line(a, b) => r.draw_line(at(a), at(b)),
                OutlineCurve::Quad(a, b, c) => r.draw_quad(at(a), at(b), at(c)),
                OutlineCurve::Cubic(a, b, c, d) => r.draw_cubic(at(a), at(b), at(c), at(d)),
            }
        }
        r.for_each_pixel_2d(o);
    }
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

    /// Every glyph of the embedded font, at the sizes charts use, gets the
    /// box and the coverage ab_glyph (the rasterizer's own front end, the
    /// path the Worker drew through before) gives it, to the bit.
    #[test]
    fn every_glyph_covers_what_ab_glyph_covers() {
        use ab_glyph::{Font, FontRef, PxScale};
        let f = FontRef::try_from_slice(crate::font::FONT_BYTES).unwrap();
        let mut drawn = 0;
        for id in 0..f.glyph_count() as u16 {
            for em in [8.0f32, 11.0, 13.0, 15.5, 26.0, 39.0] {
                let px = PxScale::from(em * f.height_unscaled() / f.units_per_em().unwrap());
                let glyph =
                    ab_glyph::GlyphId(id).with_scale_and_position(px, ab_glyph::point(0.0, 0.0));
                let theirs = f.outline_glyph(glyph);
                let ours =
                    crate::font::outline(GlyphId(id)).map(|o| Scaled::new(o, scale_factor(em)));
                assert_eq!(ours.is_some(), theirs.is_some(), "glyph {id}");
                let (Some(ours), Some(theirs)) = (ours, theirs) else {
                    continue;
                };
                let b = theirs.px_bounds();
                assert_eq!(
                    (ours.left, ours.top, ours.width, ours.height),
                    (
                        b.min.x as i32,
                        b.min.y as i32,
                        b.width() as usize,
                        b.height() as usize
                    ),
                    "glyph {id} at {em}"
                );
                let mut cover = vec![0u32; ours.width * ours.height];
                ours.draw(|x, y, c| cover[y as usize * ours.width + x as usize] = c.to_bits());
                let mut expected = vec![0u32; ours.width * ours.height];
                theirs.draw(|x, y, c| expected[y as usize * ours.width + x as usize] = c.to_bits());
                assert!(cover == expected, "glyph {id} at {em}");
                drawn += 1;
            }
        }
        assert!(drawn > 3000, "{drawn} glyphs drawn");
    }
}
