//! Pixels: a palette image, and a [`Scene`] painted into one. Opaque marks
//! set palette indices; text, faded bars and curves blend their ink over
//! what is already there, through the palette (a colour per blend, kept
//! once), so overlaps read as in matplotlib's `alpha`.

use crate::chart::scene::{Ink, Mark, Scene, FADED_TWELFTHS};
use crate::chart::theme::Inks;
use crate::probe::{span, Span};
use crate::raster::palette::{mix, Palette};
use crate::raster::text::{GlyphCache, COVERAGE_LEVELS};

/// Rectangles narrower than this many pixels (the bars of 1000 bins are
/// one to three pixels wide) are set a byte at a time, row by row, and
/// faded ones blended pixel by pixel. Wider ones (the classic chart's
/// five-pixel bars) are filled a row at a time, where a fill is worth its
/// instruction (more fuel otherwise: the classic chart took 7.3 million
/// instead of 6.0 with the switch at 16).
pub const NARROW: usize = 4;

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
            // A narrow rectangle (a bar of many bins): its few bytes a row
            // stored one by one (in wasm a fill is an instruction and a
            // fuel a byte on top, more than the stores).
            let n = x1 - x0;
            let (start, end) = (y0 * width + x0, (y1 - 1) * width + x1);
            let pixels = &mut self.pixels[start..end];
            let mut at = 0;
            while at + n <= pixels.len() {
                match &mut pixels[at..at + n] {
                    [a] => *a = index,
                    [a, b] => (*a, *b) = (index, index),
                    row => row.fill(index),
                }
                at += width;
            }
            return;
        }
        for y in y0..y1 {
            let row = y * width;
            self.pixels[row + x0..row + x1].fill(index);
        }
    }
}

/// Blends already worked out: per ink colour, the palette index plus one
/// (0: not yet) of each (index underneath, coverage level), so a glyph's
/// pixels cost a table lookup, not a mix and a hash.
#[derive(Default)]
struct Blends {
    tables: Vec<([u8; 3], Box<Table>)>,
}

const LEVELS: usize = COVERAGE_LEVELS as usize + 1;

/// One ink's blends, by `under * LEVELS + level`: a fixed size, so an
/// index made from a palette byte needs no bounds check.
type Table = [u16; 256 * LEVELS];

impl Blends {
    /// The table of `color`, made on first use.
    fn table(&mut self, color: [u8; 3]) -> usize {
        match self.tables.iter().position(|(c, _)| *c == color) {
            Some(t) => t,
            None => {
                self.tables.push((color, Box::new([0; 256 * LEVELS])));
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
        if x1 - x0 < NARROW {
            // A narrow bar pixel by pixel, in the same order (a run's
            // colour is worked out at its first pixel either way): cheaper
            // than finding runs a pixel or two long.
            let table = &mut *cache.tables[t].1;
            for y in y0.clamp(0, h)..y1.clamp(0, h) {
                let row = y as usize * self.width as usize;
                for at in row + x0..row + x1 {
                    let old = self.pixels[at];
                    let key = usize::from(old) * LEVELS + usize::from(level);
                    let known = table[key];
                    self.pixels[at] = if known != 0 {
                        (known - 1) as u8
                    } else {
                        self.mixed(table, key, color, old, level)
                    };
                }
            }
            return;
        }
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
                let known = cache.tables[t].1[key];
                let new = if known != 0 {
                    (known - 1) as u8
                } else {
                    self.mixed(&mut cache.tables[t].1, key, color, old, level)
                };
                self.pixels[row + x..row + x + run].fill(new);
                x += run;
            }
        }
    }

    /// Blends `color` at `level / COVERAGE_LEVELS` over pixel `(x, y)`
    /// (nothing off the canvas), through table `t` of `cache` (`color`'s).
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
        self.blend_at(cache, t, at, color, level);
    }

    /// `color` at `level / COVERAGE_LEVELS` over palette entry `old`,
    /// mixed, interned and kept in `table` at `key` (the blend's first
    /// time in a chart).
    #[cold]
    fn mixed(&mut self, table: &mut Table, key: usize, color: [u8; 3], old: u8, level: u8) -> u8 {
        let c = mix(
            color,
            self.palette.colors[usize::from(old)],
            u16::from(level),
            u16::from(COVERAGE_LEVELS),
        );
        let new = self.palette.intern(c);
        table[key] = u16::from(new) + 1;
        new
    }

    /// [`Canvas::blend_through`] at pixel index `at` (on the canvas).
    #[inline(always)]
    fn blend_at(&mut self, cache: &mut Blends, t: usize, at: usize, color: [u8; 3], level: u8) {
        let (old, level) = (self.pixels[at], level.min(COVERAGE_LEVELS));
        let key = usize::from(old) * LEVELS + usize::from(level);
        let known = cache.tables[t].1[key];
        self.pixels[at] = if known != 0 {
            (known - 1) as u8
        } else {
            self.mixed(&mut cache.tables[t].1, key, color, old, level)
        };
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
                Ink::Faded(_) => span(Span::PaintRects, || {
                    let color = inks.rgb(*ink);
                    let t = blends.table(color);
                    canvas.blend_rect_through(&mut blends, t, color, (*x0, *y0, *x1, *y1));
                }),
                _ => span(Span::PaintRects, || {
                    let i = canvas.palette.intern(inks.rgb(*ink));
                    canvas.fill(i, *x0, *y0, *x1, *y1);
                }),
            },
            Mark::Text {
                ink,
                x,
                y,
                em,
                text,
                turned,
            } => span(Span::PaintText, || {
                let color = inks.rgb(*ink);
                let Some(cover) = glyphs.cover(text, *em) else {
                    return;
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
            }),
            Mark::Line { ink, width, points } => span(Span::PaintCurves, || {
                let color = inks.rgb(*ink);
                let t = blends.table(color);
                for (i, level) in line_coverage(points, *width, scene.width, scene.height) {
                    canvas.blend_at(&mut blends, t, i as usize, color, level);
                }
            }),
        }
    }
    canvas
}

/// The side of a [`line_coverage`] tile in pixels: the levels are kept
/// only in the tiles a line reaches, so a curve across a large plot pays
/// for its own pixels, not its bounding box.
const TILE: usize = 16;

/// One segment of a polyline, as [`line_coverage`] measures pixels
/// against it.
struct Segment {
    a: (f32, f32),
    d: (f32, f32),
    len2: f32,
    reach: f32,
    width: f32,
}

impl Segment {
    /// The coverage level of pixel `(x, y)`: `reach` less the distance
    /// from its centre to the segment, clamped to 0..1 and to the width.
    #[inline(always)]
    fn level(&self, x: i32, y: i32) -> u8 {
        let ((ax, ay), (dx, dy)) = (self.a, self.d);
        let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
        let t = if self.len2 > 0.0 {
            (((px - ax) * dx + (py - ay) * dy) / self.len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (cx, cy) = (ax + t * dx - px, ay + t * dy - py);
        let d = (cx * cx + cy * cy).sqrt();
        let c = (self.reach - d).clamp(0.0, 1.0);
        // `min`, without its call out in wasm (c and width are not NaN).
        let c = if c > self.width { self.width } else { c };
        crate::float::roundf(c * f32::from(COVERAGE_LEVELS)) as u8
    }
}

/// The levels of a line's pixels, in [`TILE`]-square tiles over its
/// bounding box `origin..=end`, each made when first reached.
struct Tiles {
    origin: (i32, i32),
    end: (i32, i32),
    tiles_w: usize,
    /// Per tile of the box: 0, or its place in `cells` plus one.
    slots: Vec<u32>,
    cells: Vec<[u8; TILE * TILE]>,
}

impl Tiles {
    /// Keeps the most coverage of `(x, y)` from any segment (`walk` visits
    /// the box's pixels only).
    #[inline(always)]
    fn visit(&mut self, g: &Segment, x: i32, y: i32) {
        debug_assert!(
            x >= self.origin.0 && y >= self.origin.1 && x <= self.end.0 && y <= self.end.1
        );
        let level = g.level(x, y);
        if level == 0 {
            return;
        }
        let (u, v) = ((x - self.origin.0) as usize, (y - self.origin.1) as usize);
        let slot = &mut self.slots[v / TILE * self.tiles_w + u / TILE];
        if *slot == 0 {
            self.cells.push([0; TILE * TILE]);
            *slot = self.cells.len() as u32;
        }
        let cell = &mut self.cells[*slot as usize - 1][v % TILE * TILE + u % TILE];
        *cell = (*cell).max(level);
    }
}

/// The pixels [`line_coverage`] visits for a polyline `width` wide on a
/// `w` x `h` canvas: its cost, known once the curve is laid out and before
/// a pixel is painted (each visit measures a pixel against a segment; the
/// render's budget check prices them, `crate::render`). Counted by the same
/// walk as the coverage, a run at a time, so it cannot drift from it.
pub fn line_visits(points: &[(f32, f32)], width: f32, w: u32, h: u32) -> u64 {
    let Some(bbox) = visit_box(points, width, w, h) else {
        return 0;
    };
    let mut visits = 0u64;
    walk(points, width, bbox, |_, _, _, lo, hi| {
        visits += (hi - lo + 1).max(0) as u64;
    });
    visits
}

/// How far from a line `width` wide a pixel centre can be covered:
/// `width / 2 + 1/2`.
fn reach_of(width: f32) -> f32 {
    width / 2.0 + 0.5
}

/// How far from a line a pixel centre can be and still get a level (its
/// coverage rounds to one from half a level, `0.5 / COVERAGE_LEVELS`):
/// `reach` less that, plus 0.01 px to spare, far more than an `f32`'s
/// error at canvas coordinates. [`walk`] visits only pixels this near.
fn lit_reach(reach: f32) -> f32 {
    reach - 0.5 / f32::from(COVERAGE_LEVELS) + 0.01
}

/// The box a line's visits lie in (clamped to the canvas), as
/// `(x0, y0, x1, y1)` inclusive, or none for a line with no finite point
/// or an empty canvas.
fn visit_box(points: &[(f32, f32)], width: f32, w: u32, h: u32) -> Option<(i32, i32, i32, i32)> {
    let (wi, hi) = (w as i32, h as i32);
    let r = reach_of(width).ceil() as i32 + 1;
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
        return None;
    }
    // Every visit lies within r + 1 of a point's box (see `walk`).
    let clamp_x = |v: f32| (v.floor() as i32).clamp(0, wi - 1);
    let clamp_y = |v: f32| (v.floor() as i32).clamp(0, hi - 1);
    Some((
        clamp_x(min_x - (r + 1) as f32),
        clamp_y(min_y - (r + 1) as f32),
        clamp_x(max_x + (r + 1) as f32),
        clamp_y(max_y + (r + 1) as f32),
    ))
}

/// Walks the pixels within reach of each segment of a polyline (whose
/// [`visit_box`] is `bbox`): `run(segment, x_major, major, lo, hi)` per
/// step along a segment's longer axis, `lo..=hi` being the pixels
/// across it (clamped to the box) that can be covered. Across the segment,
/// a pixel centre further than [`lit_reach`] from its line (along the
/// minor axis: that over the cosine of the segment's slope) is covered by
/// less than half a level; past its ends the distance is to the end
/// point, further still. So each step visits the rows (or columns) whose
/// centres are that near only, and the steps are the columns (or rows)
/// whose centres are that near the segment's extent: the work is the
/// line's length times its width, however steep. (The walk before this
/// bound visited one more pixel either side of each step, and one more
/// step at either end of a segment: the same levels, for about twice the
/// visits at dpr 1.)
#[inline(always)]
fn walk(
    points: &[(f32, f32)],
    width: f32,
    (bx0, by0, bx1, by1): (i32, i32, i32, i32),
    mut run: impl FnMut(&Segment, bool, i32, i32, i32),
) {
    let reach = reach_of(width);
    let lit = lit_reach(reach);
    // Pixels past the box are out of every segment's reach or off the
    // canvas: none is covered, so none is visited.
    for seg in points.windows(2) {
        let ((ax, ay), (bx, by)) = (seg[0], seg[1]);
        if !(ax.is_finite() && ay.is_finite() && bx.is_finite() && by.is_finite()) {
            continue;
        }
        let g = Segment {
            a: (ax, ay),
            d: (bx - ax, by - ay),
            len2: (bx - ax) * (bx - ax) + (by - ay) * (by - ay),
            reach,
            width,
        };
        let (dx, dy) = g.d;
        let long = g.len2.sqrt();
        // A centre `c` within `r` of `v` is at pixel `ceil(v - r - 0.5)`
        // to `floor(v + r - 0.5)`.
        let first = |v: f32, r: f32| (v - r - 0.5).ceil() as i32;
        let last = |v: f32, r: f32| (v + r - 0.5).floor() as i32;
        if dx.abs() >= dy.abs() {
            let across = if dx != 0.0 {
                lit * long / dx.abs()
            } else {
                lit
            };
            let (x0, x1) = (first(ax.min(bx), lit), last(ax.max(bx), lit));
            for x in x0.max(bx0)..=x1.min(bx1) {
                let t = if dx != 0.0 {
                    ((x as f32 + 0.5 - ax) / dx).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let yl = ay + t * dy;
                run(
                    &g,
                    true,
                    x,
                    first(yl, across).max(by0),
                    last(yl, across).min(by1),
                );
            }
        } else {
            let across = lit * long / dy.abs();
            let (y0, y1) = (first(ay.min(by), lit), last(ay.max(by), lit));
            for y in y0.max(by0)..=y1.min(by1) {
                let t = ((y as f32 + 0.5 - ay) / dy).clamp(0.0, 1.0);
                let xl = ax + t * dx;
                run(
                    &g,
                    false,
                    y,
                    first(xl, across).max(bx0),
                    last(xl, across).min(bx1),
                );
            }
        }
    }
}

/// The pixels a polyline `width` wide covers, as `(index, level)` with
/// each pixel once, in the canvas's row order (the most any segment covers
/// it, so joints are not painted twice): coverage is `width / 2 + 1/2` less
/// the distance from the pixel's centre to the nearest segment, clamped to
/// 0..1 (a box filter's coverage of a straight edge), quantized to the
/// text's levels. Each segment visits only the pixels within reach of it
/// ([`walk`]). The levels meet in [`TILE`]-square tiles over the line's
/// bounding box, made when first reached and read back row by row a word
/// at a time: cheaper than sorting the visits, and than a buffer over the
/// whole box (a KDE on a log axis spans the plot).
pub fn line_coverage(points: &[(f32, f32)], width: f32, w: u32, h: u32) -> Vec<(u32, u8)> {
    let Some(bbox) = visit_box(points, width, w, h) else {
        return Vec::new();
    };
    let (bx0, by0, bx1, by1) = bbox;
    let (bw, bh) = ((bx1 - bx0 + 1) as usize, (by1 - by0 + 1) as usize);
    let tiles_w = bw.div_ceil(TILE);
    let mut tiles = Tiles {
        origin: (bx0, by0),
        end: (bx1, by1),
        tiles_w,
        slots: vec![0; tiles_w * bh.div_ceil(TILE)],
        cells: Vec::new(),
    };
    walk(points, width, bbox, |g, x_major, major, lo, hi| {
        for minor in lo..=hi {
            if x_major {
                tiles.visit(g, major, minor);
            } else {
                tiles.visit(g, minor, major);
            }
        }
    });
    let Tiles { slots, cells, .. } = tiles;
    let mut out: Vec<(u32, u8)> = Vec::new();
    let mut reached: Vec<(usize, usize)> = Vec::new();
    for (ty, row_slots) in slots.chunks_exact(tiles_w).enumerate() {
        // The tiles of this band, left to right.
        reached.clear();
        reached.extend(
            row_slots
                .iter()
                .enumerate()
                .filter(|(_, &s)| s != 0)
                .map(|(tx, &s)| (tx, s as usize - 1)),
        );
        for v in 0..TILE.min(bh - ty * TILE) {
            let base = (by0 as u32 + (ty * TILE + v) as u32) * w + bx0 as u32;
            for &(tx, t) in &reached {
                let row: &[u8; TILE] = cells[t][v * TILE..][..TILE]
                    .try_into()
                    .unwrap_or(&[0; TILE]);
                if u128::from_ne_bytes(*row) == 0 {
                    continue;
                }
                let at = base + (tx * TILE) as u32;
                for (k, &l) in row.iter().enumerate() {
                    if l > 0 {
                        out.push((at + k as u32, l));
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Narrow rectangles (a byte at a time) and wide ones (a fill a row) set
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

    /// 2 to 13 points in tenths of a pixel over a 97x61 canvas and 20
    /// pixels past each edge.
    fn random_polyline(rng: &mut crate::test_rng::XorShift) -> Vec<(f32, f32)> {
        let n = 2 + rng.below(12) as usize;
        (0..n)
            .map(|_| {
                let x = rng.below(1400) as f32 / 10.0 - 20.0;
                let y = rng.below(1000) as f32 / 10.0 - 20.0;
                (x, y)
            })
            .collect()
    }

    /// Every pixel a polyline reaches, against a brute force over the
    /// whole canvas (each pixel's most coverage from any segment, by the
    /// same arithmetic): lines across tiles, steep and flat, clipped at the
    /// edges, through non-finite points, at widths up to dpr 3's.
    #[test]
    fn line_coverage_is_every_pixel_within_reach() {
        let mut rng = crate::test_rng::XorShift(0x9E37_79B9_7F4A_7C15);
        let (w, h) = (97u32, 61u32);
        for case in 0..60 {
            let mut points = random_polyline(&mut rng);
            let n = points.len();
            if case % 7 == 3 {
                points[n / 2] = (f32::NAN, 1.0);
            }
            // Vertical, horizontal, diagonal, a point, a cliff (a KDE's
            // tail onto a log axis's floor).
            match case {
                0 => points = vec![(10.3, 2.0), (10.3, 50.0)],
                1 => points = vec![(3.0, 20.5), (90.0, 20.5)],
                2 => points = vec![(0.0, 0.0), (60.0, 60.0), (96.0, 24.0)],
                3 => points = vec![(40.0, 40.0), (40.0, 40.0)],
                4 => points = vec![(5.0, 60.0), (6.0, 3.0), (50.0, 3.5), (51.0, 61.0)],
                _ => {}
            }
            let width = [1.0f32, 1.5, 3.0, 4.5][case % 4];
            let got = line_coverage(&points, width, w, h);
            let reach = width / 2.0 + 0.5;
            let mut want = Vec::new();
            for y in 0..h as i32 {
                for x in 0..w as i32 {
                    let mut best = 0u8;
                    for seg in points.windows(2) {
                        let ((ax, ay), (bx, by)) = (seg[0], seg[1]);
                        if !(ax.is_finite() && ay.is_finite() && bx.is_finite() && by.is_finite()) {
                            continue;
                        }
                        let (dx, dy) = (bx - ax, by - ay);
                        let len2 = dx * dx + dy * dy;
                        let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
                        let t = if len2 > 0.0 {
                            (((px - ax) * dx + (py - ay) * dy) / len2).clamp(0.0, 1.0)
                        } else {
                            0.0
                        };
                        let (cx, cy) = (ax + t * dx - px, ay + t * dy - py);
                        let d = (cx * cx + cy * cy).sqrt();
                        let c = (reach - d).clamp(0.0, 1.0).min(width);
                        best = best.max(crate::float::roundf(c * f32::from(COVERAGE_LEVELS)) as u8);
                    }
                    if best > 0 {
                        want.push((y as u32 * w + x as u32, best));
                    }
                }
            }
            assert_eq!(got, want, "case {case}: {points:?} width {width}");
        }
    }

    /// The visits the budget counts are the walk the coverage makes: at
    /// least one per covered pixel, none for a line off the canvas or with
    /// no finite point, and for a straight line its length plus its reach
    /// at both ends, times its reach either side and the rounding.
    #[test]
    fn line_visits_count_the_coverage_walk() {
        let mut rng = crate::test_rng::XorShift(0x2545_F491_4F6C_DD1D);
        let (w, h) = (97u32, 61u32);
        for case in 0..200 {
            let points = random_polyline(&mut rng);
            let width = [1.0f32, 1.5, 3.0, 4.5][case % 4];
            let covered = line_coverage(&points, width, w, h).len() as u64;
            let visits = line_visits(&points, width, w, h);
            assert!(visits >= covered, "case {case}: {visits} < {covered}");
        }
        for width in [1.0f32, 1.5, 3.0, 4.5] {
            let reach = width / 2.0 + 0.5;
            for len in [0.0f32, 1.0, 10.0, 80.0] {
                let line = [(8.0, 30.25), (8.0 + len, 30.25)];
                let visits = line_visits(&line, width, w, h) as f32;
                let most = (len + 2.0 * reach + 3.0) * (2.0 * reach + 3.0);
                assert!(visits <= most, "{len} {width}: {visits} > {most}");
                assert!(visits >= len * width, "{len} {width}: {visits}");
            }
        }
        assert_eq!(line_visits(&[(-50.0, -50.0), (-40.0, -45.0)], 3.0, w, h), 0);
        assert_eq!(
            line_visits(&[(f32::NAN, 1.0), (3.0, f32::INFINITY)], 3.0, w, h),
            0
        );
        assert_eq!(line_visits(&[(1.0, 1.0), (50.0, 50.0)], 3.0, 0, 0), 0);
    }

    /// Faded rectangles of every width either side of the narrow switch,
    /// overlapping in many layers and clipped: each pixel's colour is the
    /// fold of the inks covering it, in order, over the background.
    #[test]
    fn faded_layers_mix_in_order_at_every_width() {
        let mut rng = crate::test_rng::XorShift(0xD1B5_4A32_D192_ED03);
        let (w, h) = (37i32, 23i32);
        let inks = Inks::new(crate::chart::theme::Colors::Light, &[], 4);
        let mut scene = Scene::new(w as u32, h as u32);
        let mut rects = Vec::new();
        for _ in 0..30 {
            let x0 = rng.below(45) as i32 - 4;
            let x1 = x0 + 1 + rng.below(2 * NARROW as u64 + 2) as i32;
            let y0 = rng.below(30) as i32 - 4;
            let y1 = y0 + rng.below(20) as i32;
            let k = rng.below(4) as u8;
            scene.fill(Ink::Faded(k), (x0, y0), (x1, y1));
            rects.push((k, x0, y0, x1, y1));
        }
        let c = paint(&scene, &inks);
        for y in 0..h {
            for x in 0..w {
                let mut want = inks.rgb(Ink::Background);
                for &(k, x0, y0, x1, y1) in &rects {
                    if (x0..x1).contains(&x) && (y0..y1).contains(&y) {
                        want = mix(inks.series[usize::from(k)], want, FADED_TWELFTHS, 12);
                    }
                }
                let got = c.palette.colors[usize::from(c.pixels[(y * w + x) as usize])];
                assert_eq!(got, want, "({x}, {y})");
            }
        }
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
