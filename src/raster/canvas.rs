//! Pixels: a palette image, and a [`Scene`] painted into one. Opaque marks
//! set palette indices; text, faded bars and curves blend their ink over
//! what is already there, through the palette (a colour per blend, kept
//! once), so overlaps read as in matplotlib's `alpha`.

use crate::chart::scene::{Ink, Mark, Scene, FADED_TWELFTHS};
use crate::chart::theme::Inks;
use crate::raster::palette::{mix, Palette};
use crate::raster::text::{GlyphCache, COVERAGE_LEVELS};

/// Rectangles narrower than this many pixels are filled column by column:
/// the bars of 1000 bins are one to three pixels wide. Wider ones (the
/// classic chart's five-pixel bars) row by row, where a fill is worth its
/// call (more fuel otherwise: the classic chart took 7.3 million instead of
/// 6.0 with the switch at 16).
const NARROW: usize = 4;

/// A palette image: one byte (a palette index) per pixel, row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canvas {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
    pub palette: Palette,
}

impl Canvas {
    /// A canvas filled with the background (palette index 0).
    pub fn new(width: u32, height: u32, palette: Palette) -> Canvas {
        let pixels = vec![0; width as usize * height as usize];
        Canvas {
            width,
            height,
            pixels,
            palette,
        }
    }

    /// Fills `x0..x1` by `y0..y1` with palette entry `index`, clipped.
    pub fn fill(&mut self, index: u8, x0: i32, y0: i32, x1: i32, y1: i32) {
        let (w, h) = (self.width as i32, self.height as i32);
        let (x0, x1) = (x0.clamp(0, w) as usize, x1.clamp(0, w) as usize);
        if x1 <= x0 {
            return;
        }
        let (y0, y1) = (y0.clamp(0, h) as usize, y1.clamp(0, h) as usize);
        if y1 <= y0 {
            return;
        }
        let width = self.width as usize;
        if x1 - x0 < NARROW {
            // A narrow rectangle (a bar of many bins) column by column: a
            // fill call per row would cost more than the pixels it sets
            // (in wasm each is a `memory.fill`, a call out of the code).
            for x in x0..x1 {
                for p in self.pixels[y0 * width + x..]
                    .iter_mut()
                    .step_by(width)
                    .take(y1 - y0)
                {
                    *p = index;
                }
            }
            return;
        }
        for y in y0..y1 {
            let row = y * width;
            self.pixels[row + x0..row + x1].fill(index);
        }
    }

    /// Blends `color` at `level / COVERAGE_LEVELS` over one pixel.
    pub fn blend(&mut self, x: i32, y: i32, color: [u8; 3], level: u8) {
        if x < 0 || y < 0 || x as u32 >= self.width || y as u32 >= self.height {
            return;
        }
        let at = y as usize * self.width as usize + x as usize;
        let n = u16::from(COVERAGE_LEVELS);
        let a = u16::from(level.min(COVERAGE_LEVELS));
        let under = self.palette.colors[usize::from(self.pixels[at])];
        self.pixels[at] = self.palette.intern(mix(color, under, a, n));
    }
}

/// Blends already worked out: per ink colour, the palette index plus one
/// (0: not yet) of each (index underneath, coverage level), so a glyph's
/// pixels cost a table lookup, not a mix and a hash.
#[derive(Default)]
struct Blends {
    tables: Vec<([u8; 3], Vec<u16>)>,
}

const LEVELS: usize = COVERAGE_LEVELS as usize + 1;

impl Blends {
    /// The table of `color`, made on first use.
    fn table(&mut self, color: [u8; 3]) -> usize {
        match self.tables.iter().position(|(c, _)| *c == color) {
            Some(t) => t,
            None => {
                self.tables.push((color, vec![0; 256 * LEVELS]));
                self.tables.len() - 1
            }
        }
    }
}

impl Canvas {
    /// A faded ink (at [`FADED_TWELFTHS`]) over `x0..x1` by `y0..y1`,
    /// clipped, through table `t` of `cache`: each colour underneath is
    /// mixed once per chart, and runs of one colour are filled at once.
    fn blend_rect_through(
        &mut self,
        cache: &mut Blends,
        t: usize,
        color: [u8; 3],
        (x0, y0, x1, y1): (i32, i32, i32, i32),
    ) {
        let (w, h) = (self.width as i32, self.height as i32);
        let (x0, x1) = (x0.clamp(0, w) as usize, x1.clamp(0, w) as usize);
        if x1 <= x0 {
            return;
        }
        let level = FADED_TWELFTHS as u8;
        for y in y0.clamp(0, h)..y1.clamp(0, h) {
            let row = y as usize * self.width as usize;
            let mut x = x0;
            while x < x1 {
                let old = self.pixels[row + x];
                let run = self.pixels[row + x..row + x1]
                    .iter()
                    .position(|&p| p != old)
                    .unwrap_or(x1 - x);
                let key = usize::from(old) * LEVELS + usize::from(level);
                let mut new = cache.tables[t].1[key];
                if new == 0 {
                    let c = mix(
                        color,
                        self.palette.colors[usize::from(old)],
                        FADED_TWELFTHS,
                        LEVELS as u16 - 1,
                    );
                    new = u16::from(self.palette.intern(c)) + 1;
                    cache.tables[t].1[key] = new;
                }
                self.pixels[row + x..row + x + run].fill((new - 1) as u8);
                x += run;
            }
        }
    }

    /// [`Canvas::blend`] through `cache`.
    fn blend_cached(&mut self, cache: &mut Blends, x: i32, y: i32, color: [u8; 3], level: u8) {
        let t = cache.table(color);
        self.blend_through(cache, t, x, y, color, level);
    }

    /// [`Canvas::blend`] through table `t` of `cache` (`color`'s).
    fn blend_through(
        &mut self,
        cache: &mut Blends,
        t: usize,
        x: i32,
        y: i32,
        color: [u8; 3],
        level: u8,
    ) {
        if x < 0 || y < 0 || x as u32 >= self.width || y as u32 >= self.height {
            return;
        }
        let at = y as usize * self.width as usize + x as usize;
        let key = usize::from(self.pixels[at]) * LEVELS + usize::from(level.min(COVERAGE_LEVELS));
        let known = cache.tables[t].1[key];
        if known != 0 {
            self.pixels[at] = (known - 1) as u8;
            return;
        }
        self.blend(x, y, color, level);
        cache.tables[t].1[key] = u16::from(self.pixels[at]) + 1;
    }
}

/// Paints `scene` in `inks`: rectangles filled (faded ones blended), text
/// and curves anti-aliased.
pub fn paint(scene: &Scene, inks: &Inks) -> Canvas {
    let mut canvas = Canvas::new(scene.width, scene.height, Palette::new(inks));
    let mut glyphs = GlyphCache::new();
    let mut blends = Blends::default();
    for mark in &scene.marks {
        match mark {
            Mark::Rect {
                ink,
                x0,
                y0,
                x1,
                y1,
            } => match ink {
                Ink::Faded(_) => {
                    let color = inks.rgb(*ink);
                    let t = blends.table(color);
                    canvas.blend_rect_through(&mut blends, t, color, (*x0, *y0, *x1, *y1));
                }
                _ => {
                    let i = canvas.palette.intern(inks.rgb(*ink));
                    canvas.fill(i, *x0, *y0, *x1, *y1);
                }
            },
            Mark::Text {
                ink,
                x,
                y,
                em,
                text,
                turned,
            } => {
                let color = inks.rgb(*ink);
                let Some(cover) = glyphs.cover(text, *em) else {
                    continue;
                };
                let t = blends.table(color);
                for (u, v, level) in cover.pixels() {
                    // Turned: pixel (u, v) covers (x + v, y - u - 1), as
                    // SVG's rotate(-90) about (x, y) puts it.
                    let (px, py) = if *turned {
                        (*x + v, *y - u - 1)
                    } else {
                        (*x + u, *y + v)
                    };
                    canvas.blend_through(&mut blends, t, px, py, color, level);
                }
            }
            Mark::Line { ink, width, points } => {
                let color = inks.rgb(*ink);
                for (i, level) in line_coverage(points, *width, scene.width, scene.height) {
                    let (x, y) = ((i % scene.width) as i32, (i / scene.width) as i32);
                    canvas.blend_cached(&mut blends, x, y, color, level);
                }
            }
        }
    }
    canvas
}

/// The pixels a polyline `width` wide covers, as `(index, level)` with
/// each pixel once, in the canvas's row order (the most any segment covers
/// it, so joints are not painted twice): coverage is `width / 2 + 1/2` less
/// the distance from the pixel's centre to the nearest segment, clamped to
/// 0..1 (a box filter's coverage of a straight edge), quantized to the
/// text's levels. Each segment visits only the pixels within reach of it:
/// along its longer axis, a short run across (the work is the line's length
/// times its width, however steep). The levels meet in a buffer over the
/// line's bounding box, read back row by row a word at a time: cheaper
/// than sorting the visits.
pub fn line_coverage(points: &[(f32, f32)], width: f32, w: u32, h: u32) -> Vec<(u32, u8)> {
    let half = width / 2.0;
    let reach = half + 0.5;
    let (wi, hi) = (w as i32, h as i32);
    let r = libm::ceilf(reach) as i32 + 1;
    let (mut min_x, mut max_x) = (f32::MAX, f32::MIN);
    let (mut min_y, mut max_y) = (f32::MAX, f32::MIN);
    for &(x, y) in points
        .iter()
        .filter(|(x, y)| x.is_finite() && y.is_finite())
    {
        (min_x, max_x) = (min_x.min(x), max_x.max(x));
        (min_y, max_y) = (min_y.min(y), max_y.max(y));
    }
    if min_x > max_x || w == 0 || h == 0 {
        return Vec::new();
    }
    // Every visit lies within r + 1 of a point's box (see the loops below).
    let clamp_x = |v: f32| (libm::floorf(v) as i32).clamp(0, wi - 1);
    let clamp_y = |v: f32| (libm::floorf(v) as i32).clamp(0, hi - 1);
    let (bx0, bx1) = (
        clamp_x(min_x - (r + 1) as f32),
        clamp_x(max_x + (r + 1) as f32),
    );
    let (by0, by1) = (
        clamp_y(min_y - (r + 1) as f32),
        clamp_y(max_y + (r + 1) as f32),
    );
    let bw = (bx1 - bx0 + 1) as usize;
    let mut levels = vec![0u8; bw * (by1 - by0 + 1) as usize];
    for seg in points.windows(2) {
        let ((ax, ay), (bx, by)) = (seg[0], seg[1]);
        if !(ax.is_finite() && ay.is_finite() && bx.is_finite() && by.is_finite()) {
            continue;
        }
        let (dx, dy) = (bx - ax, by - ay);
        let len2 = dx * dx + dy * dy;
        let mut visit = |x: i32, y: i32| {
            if x < bx0 || y < by0 || x > bx1 || y > by1 {
                return;
            }
            let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
            let t = if len2 > 0.0 {
                (((px - ax) * dx + (py - ay) * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let (cx, cy) = (ax + t * dx - px, ay + t * dy - py);
            let d = libm::sqrtf(cx * cx + cy * cy);
            let c = (reach - d).clamp(0.0, 1.0).min(width);
            let level = libm::roundf(c * f32::from(COVERAGE_LEVELS)) as u8;
            let cell = &mut levels[(y - by0) as usize * bw + (x - bx0) as usize];
            *cell = (*cell).max(level);
        };
        if dx.abs() >= dy.abs() {
            let (x0, x1) = (
                libm::floorf(ax.min(bx) - reach) as i32,
                libm::ceilf(ax.max(bx) + reach) as i32,
            );
            for x in x0.max(-1)..=x1.min(wi) {
                let t = if dx != 0.0 {
                    ((x as f32 + 0.5 - ax) / dx).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let yc = libm::floorf(ay + t * dy) as i32;
                for y in yc - r..=yc + r {
                    visit(x, y);
                }
            }
        } else {
            let (y0, y1) = (
                libm::floorf(ay.min(by) - reach) as i32,
                libm::ceilf(ay.max(by) + reach) as i32,
            );
            for y in y0.max(-1)..=y1.min(hi) {
                let t = ((y as f32 + 0.5 - ay) / dy).clamp(0.0, 1.0);
                let xc = libm::floorf(ax + t * dx) as i32;
                for x in xc - r..=xc + r {
                    visit(x, y);
                }
            }
        }
    }
    let mut out: Vec<(u32, u8)> = Vec::new();
    for (row, cells) in levels.chunks_exact(bw).enumerate() {
        let base = (by0 as u32 + row as u32) * w + bx0 as u32;
        let mut words = cells.chunks_exact(8);
        let mut at = 0u32;
        for word in words.by_ref() {
            if u64::from_ne_bytes(word.try_into().unwrap_or([0; 8])) != 0 {
                for (k, &l) in word.iter().enumerate() {
                    if l > 0 {
                        out.push((base + at + k as u32, l));
                    }
                }
            }
            at += 8;
        }
        for (k, &l) in words.remainder().iter().enumerate() {
            if l > 0 {
                out.push((base + at + k as u32, l));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Narrow rectangles (column by column) and wide ones (row by row) set
    /// exactly the pixels inside, clipped to the canvas, at every width
    /// either side of the switch and at every edge.
    #[test]
    fn fill_sets_exactly_the_clipped_rectangle() {
        let (w, h) = (40i32, 23i32);
        for (x0, x1) in [
            (0, 1),
            (3, 3 + NARROW as i32 - 1),
            (3, 3 + NARROW as i32),
            (-5, 7),
            (30, 60),
            (-9, 99),
        ] {
            for (y0, y1) in [(0, 23), (-4, 5), (20, 40), (23, 30), (5, 5), (-3, -1)] {
                let inks = Inks::new(crate::chart::theme::Colors::Light, &[], 1);
                let mut c = Canvas::new(w as u32, h as u32, Palette::new(&inks));
                c.fill(7, x0, y0, x1, y1);
                for y in 0..h {
                    for x in 0..w {
                        let inside = (x0..x1).contains(&x) && (y0..y1).contains(&y);
                        let want = if inside { 7 } else { 0 };
                        assert_eq!(
                            c.pixels[(y * w + x) as usize],
                            want,
                            "({x}, {y}) of {x0}..{x1} x {y0}..{y1}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_horizontal_line_covers_its_width() {
        let hits = line_coverage(&[(2.0, 5.0), (12.0, 5.0)], 2.0, 20, 10);
        // Rows 4 and 5 (centres 4.5 and 5.5, half a pixel from the line) full.
        for x in 3..11u32 {
            for y in [4u32, 5] {
                assert!(
                    hits.contains(&(y * 20 + x, COVERAGE_LEVELS)),
                    "({x}, {y}) not fully covered"
                );
            }
            assert!(!hits.iter().any(|&(i, _)| i == 2 * 20 + x), "row 2 touched");
        }
        let mut seen = std::collections::HashSet::new();
        assert!(hits.iter().all(|h| seen.insert(h.0)), "a pixel twice");
    }

    #[test]
    fn faded_rectangles_show_their_overlap() {
        let inks = Inks::new(crate::chart::theme::Colors::Light, &[], 2);
        let mut scene = Scene::new(10, 4);
        scene.fill(Ink::Faded(0), (0, 0), (6, 4));
        scene.fill(Ink::Faded(1), (4, 0), (10, 4));
        let c = paint(&scene, &inks);
        let at = |x: usize| c.palette.colors[usize::from(c.pixels[x])];
        assert_ne!(at(1), at(5));
        assert_ne!(at(5), at(8));
        assert_ne!(at(1), at(8));
        assert_eq!(at(1), mix(inks.series[0], [255, 255, 255], 6, 12));
    }
}
