//! Glyph outlines as curves in font units (y up), the form the raster
//! ([`crate::raster::text`]) and the SVG both draw from, collected from
//! ttf-parser's outlines (`glyf`, CFF) for the embedded font and the shards
//! alike.
//!
//! The embedded font's outlines are collected as ab_glyph collected them
//! from the same reader before: the same curves in the same order, so the
//! same pixels and the same SVG path data (`tests/font_parity.rs` compares
//! every glyph with it).

pub use ab_glyph_rasterizer::{point, Point};
use rustybuzz::ttf_parser::{self, GlyphId, OutlineBuilder};

/// One piece of a contour.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OutlineCurve {
    Line(Point, Point),
    /// From `.0` to `.2`, `.1` the control point.
    Quad(Point, Point, Point),
    /// From `.0` to `.3`, `.1` and `.2` the control points.
    Cubic(Point, Point, Point, Point),
}

/// A box from `min` to `max`. An outline's bounds run from its top-left
/// corner (`min`: x min, y max) to its bottom-right (`max`: x max, y min),
/// so that scaling by a negative vertical factor turns them into pixel
/// bounds with `min` above `max`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    pub min: Point,
    pub max: Point,
}

/// A glyph's curves and their bounds, in font units, y up.
#[derive(Clone, Debug, PartialEq)]
pub struct Outline {
    pub bounds: Rect,
    pub curves: Vec<OutlineCurve>,
}

/// Collects one glyph's curves, each point scaled by `scale`.
struct Collector {
    scale: f32,
    /// Whether a contour closes with a line back to its start even when it
    /// ends there (ab_glyph's rule, kept for the embedded font's bytes).
    close_always: bool,
    curves: Vec<OutlineCurve>,
    at: Point,
    start: Option<Point>,
}

impl Collector {
    fn p(&self, x: f32, y: f32) -> Point {
        point(x * self.scale, y * self.scale)
    }
}

impl OutlineBuilder for Collector {
    fn move_to(&mut self, x: f32, y: f32) {
        self.at = self.p(x, y);
        self.start = Some(self.at);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let to = self.p(x, y);
        self.curves.push(OutlineCurve::Line(self.at, to));
        self.at = to;
    }
    fn quad_to(&mut self, cx: f32, cy: f32, x: f32, y: f32) {
        let (c, to) = (self.p(cx, cy), self.p(x, y));
        self.curves.push(OutlineCurve::Quad(self.at, c, to));
        self.at = to;
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        let (c0, c1, to) = (self.p(cx0, cy0), self.p(cx1, cy1), self.p(x, y));
        self.curves.push(OutlineCurve::Cubic(self.at, c0, c1, to));
        self.at = to;
    }
    fn close(&mut self) {
        if let Some(start) = self.start.take() {
            if self.close_always || self.at != start {
                self.curves.push(OutlineCurve::Line(self.at, start));
            }
            self.at = start;
        }
    }
}

/// The embedded font's outline of `glyph` in font units, or `None` for a
/// glyph without ink (a space) or one that does not parse. Bounds are the
/// reader's: those of every point drawn, truncated to whole units; a box
/// without area counts as no outline.
pub fn embedded_outline(face: &ttf_parser::Face<'_>, glyph: u16) -> Option<Outline> {
    let mut out = Collector {
        scale: 1.0,
        close_always: true,
        curves: Vec::new(),
        at: point(0.0, 0.0),
        start: None,
    };
    let b = face.outline_glyph(GlyphId(glyph), &mut out)?;
    if !(b.x_min < b.x_max && b.y_min < b.y_max) {
        return None;
    }
    // A contour left open (no end point reached) is closed.
    out.close();
    Some(Outline {
        bounds: Rect {
            min: point(f32::from(b.x_min), f32::from(b.y_max)),
            max: point(f32::from(b.x_max), f32::from(b.y_min)),
        },
        curves: out.curves,
    })
}

/// A shard's outline of `glyph`, scaled by `scale` (to the embedded font's
/// units), its bounds those of every point drawn, unrounded.
pub fn scaled_outline(face: &ttf_parser::Face<'_>, glyph: u16, scale: f32) -> Option<Outline> {
    let mut out = Collector {
        scale,
        close_always: false,
        curves: Vec::new(),
        at: point(0.0, 0.0),
        start: None,
    };
    face.outline_glyph(GlyphId(glyph), &mut out);
    if out.curves.is_empty() {
        return None;
    }
    let far = f32::MAX;
    let (mut min, mut max) = (point(far, far), point(-far, -far));
    for c in &out.curves {
        let points: &[Point] = match c {
            OutlineCurve::Line(a, b) => &[*a, *b],
            OutlineCurve::Quad(a, b, c) => &[*a, *b, *c],
            OutlineCurve::Cubic(a, b, c, d) => &[*a, *b, *c, *d],
        };
        for p in points {
            min = point(min.x.min(p.x), min.y.min(p.y));
            max = point(max.x.max(p.x), max.y.max(p.y));
        }
    }
    // Outline bounds run from the top-left corner (y max) to the
    // bottom-right (y min), as the embedded font's do.
    Some(Outline {
        bounds: Rect {
            min: point(min.x, max.y),
            max: point(max.x, min.y),
        },
        curves: out.curves,
    })
}
