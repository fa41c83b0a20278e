//! Glyph outlines as curves in font units (y up), the form the raster
//! ([`crate::raster::text`]) and the SVG both draw from: the embedded font's
//! from its `glyf` table here, a shard's through read-fonts' outline model
//! ([`super::faces`]).
//!
//! The embedded font's contours are walked exactly as the font reader the
//! Worker used before (ttf-parser, through ab_glyph) walked them: the same
//! curves in the same order, so the same pixels and the same SVG path data
//! (`tests/font_parity.rs` compares every glyph with it).

pub use ab_glyph_rasterizer::{point, Point};
use read_fonts::tables::glyf::{Anchor, Glyf, Glyph};
use read_fonts::tables::loca::Loca;
use read_fonts::types::GlyphId;

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

/// Composite glyphs nest at most this deep (ttf-parser's limit).
const MAX_DEPTH: u8 = 32;

/// An affine map `(a c e; b d f)`, as a composite places a component.
#[derive(Clone, Copy)]
struct Transform {
    a: f32,
    b: f32,
    c: f32,
    d: f32,
    e: f32,
    f: f32,
}

impl Transform {
    const IDENTITY: Transform = Transform {
        a: 1.0,
        b: 0.0,
        c: 0.0,
        d: 1.0,
        e: 0.0,
        f: 0.0,
    };

    fn is_identity(&self) -> bool {
        self.a == 1.0
            && self.b == 0.0
            && self.c == 0.0
            && self.d == 1.0
            && self.e == 0.0
            && self.f == 0.0
    }

    /// `self` after `inner`: the parent's map applied to a component's.
    fn then(self, inner: Transform) -> Transform {
        Transform {
            a: self.a * inner.a + self.c * inner.b,
            b: self.b * inner.a + self.d * inner.b,
            c: self.a * inner.c + self.c * inner.d,
            d: self.b * inner.c + self.d * inner.d,
            e: self.a * inner.e + self.c * inner.f + self.e,
            f: self.b * inner.e + self.d * inner.f + self.f,
        }
    }

    fn apply(&self, p: Point) -> Point {
        point(
            self.a * p.x + self.c * p.y + self.e,
            self.b * p.x + self.d * p.y + self.f,
        )
    }
}

/// The running bounds of every point drawn (end and control points).
struct Bounds {
    min: Point,
    max: Point,
}

impl Bounds {
    fn extend(&mut self, p: Point) {
        self.min.x = self.min.x.min(p.x);
        self.min.y = self.min.y.min(p.y);
        self.max.x = self.max.x.max(p.x);
        self.max.y = self.max.y.max(p.y);
    }
}

/// Collects one glyph's curves: each contour closes with a line back to
/// its start, even a zero-length one, as ab_glyph's collector did.
struct Collector {
    curves: Vec<OutlineCurve>,
    bounds: Bounds,
    last: Point,
    start: Option<Point>,
    /// Where the glyph being walked is placed (a composite's component).
    ts: Transform,
}

impl Collector {
    fn place(&self, p: Point) -> Point {
        if self.ts.is_identity() {
            p
        } else {
            self.ts.apply(p)
        }
    }

    fn move_to(&mut self, p: Point) {
        let p = self.place(p);
        self.bounds.extend(p);
        self.last = p;
        self.start = Some(p);
    }

    fn line_to(&mut self, p: Point) {
        let p = self.place(p);
        self.bounds.extend(p);
        self.curves.push(OutlineCurve::Line(self.last, p));
        self.last = p;
    }

    fn quad_to(&mut self, c: Point, p: Point) {
        let (c, p) = (self.place(c), self.place(p));
        self.bounds.extend(c);
        self.bounds.extend(p);
        self.curves.push(OutlineCurve::Quad(self.last, c, p));
        self.last = p;
    }

    fn close(&mut self) {
        if let Some(start) = self.start.take() {
            self.curves.push(OutlineCurve::Line(self.last, start));
        }
    }
}

/// The midpoint of `a` and `b`, computed as `a + (b - a) / 2`.
fn mid(a: Point, b: Point) -> Point {
    point(a.x + 0.5 * (b.x - a.x), a.y + 0.5 * (b.y - a.y))
}

/// One contour's points turned into lines and quadratic curves: two
/// off-curve points in a row imply an on-curve point halfway; a contour
/// that starts off-curve starts at the first implied or on-curve point.
/// Midpoints are taken before a component's transform, as ttf-parser did.
struct Contour {
    first_on: Option<Point>,
    first_off: Option<Point>,
    last_off: Option<Point>,
}

impl Contour {
    const NEW: Contour = Contour {
        first_on: None,
        first_off: None,
        last_off: None,
    };

    fn push(&mut self, out: &mut Collector, p: Point, on_curve: bool) {
        if self.first_on.is_none() {
            if on_curve {
                self.first_on = Some(p);
                out.move_to(p);
            } else if let Some(off) = self.first_off {
                let m = mid(off, p);
                self.first_on = Some(m);
                self.last_off = Some(p);
                out.move_to(m);
            } else {
                self.first_off = Some(p);
            }
            return;
        }
        match (self.last_off, on_curve) {
            (Some(off), true) => {
                self.last_off = None;
                out.quad_to(off, p);
            }
            (Some(off), false) => {
                self.last_off = Some(p);
                out.quad_to(off, mid(off, p));
            }
            (None, true) => out.line_to(p),
            (None, false) => self.last_off = Some(p),
        }
    }

    fn finish(&mut self, out: &mut Collector) {
        if let (Some(first_off), Some(last_off)) = (self.first_off, self.last_off) {
            self.last_off = None;
            out.quad_to(last_off, mid(last_off, first_off));
        }
        match (self.first_on, self.first_off, self.last_off) {
            (Some(p), Some(off), _) | (Some(p), None, Some(off)) => out.quad_to(off, p),
            (Some(p), None, None) => out.line_to(p),
            _ => {}
        }
        *self = Contour::NEW;
        out.close();
    }
}

/// The `glyf` outline of `glyph` in font units, or `None` for a glyph
/// without ink (a space) or one that does not parse. Bounds are those of
/// every point drawn, truncated to whole units.
pub fn glyf_outline(glyf: &Glyf, loca: &Loca, glyph: u16) -> Option<Outline> {
    let far = f32::MAX;
    let mut out = Collector {
        curves: Vec::new(),
        bounds: Bounds {
            min: point(far, far),
            max: point(-far, -far),
        },
        last: point(0.0, 0.0),
        start: None,
        ts: Transform::IDENTITY,
    };
    walk(glyf, loca, glyph, Transform::IDENTITY, 0, &mut out)?;
    let b = &out.bounds;
    if b.min.x > b.max.x {
        return None;
    }
    let whole = |v: f32| i16::try_from(v as i32).ok().map(f32::from);
    let (x_min, y_min) = (whole(b.min.x)?, whole(b.min.y)?);
    let (x_max, y_max) = (whole(b.max.x)?, whole(b.max.y)?);
    // A box without area counts as no outline.
    if !(x_min < x_max && y_min < y_max) {
        return None;
    }
    // A contour left open (no end point reached) is closed.
    out.close();
    Some(Outline {
        bounds: Rect {
            min: point(x_min, y_max),
            max: point(x_max, y_min),
        },
        curves: out.curves,
    })
}

fn walk(
    glyf: &Glyf,
    loca: &Loca,
    glyph: u16,
    ts: Transform,
    depth: u8,
    out: &mut Collector,
) -> Option<()> {
    if depth >= MAX_DEPTH {
        return None;
    }
    // A component that cannot be read is left out, as ttf-parser did.
    let Ok(found) = loca.get_glyf(GlyphId::new(u32::from(glyph)), glyf) else {
        return Some(());
    };
    match found {
        None => {}
        Some(Glyph::Simple(simple)) => {
            // A glyph of a single point draws nothing.
            if simple.num_points() == 1 {
                return Some(());
            }
            // Contours end where the end points say, taken in order.
            let mut ends = simple.end_pts_of_contours().iter().map(|e| e.get());
            let mut end = ends.next();
            out.ts = ts;
            let mut contour = Contour::NEW;
            for (i, p) in simple.points().enumerate() {
                let at = point(f32::from(p.x), f32::from(p.y));
                contour.push(out, at, p.on_curve);
                if end.map(usize::from) == Some(i) {
                    contour.finish(out);
                    end = ends.next();
                }
            }
        }
        Some(Glyph::Composite(composite)) => {
            for c in composite.components() {
                let (e, f) = match c.anchor {
                    Anchor::Offset { x, y } => (f32::from(x), f32::from(y)),
                    Anchor::Point { .. } => (0.0, 0.0),
                };
                let t = c.transform;
                let inner = Transform {
                    a: t.xx.to_f32(),
                    b: t.yx.to_f32(),
                    c: t.xy.to_f32(),
                    d: t.yy.to_f32(),
                    e,
                    f,
                };
                let Ok(id) = u16::try_from(c.glyph.to_u32()) else {
                    continue;
                };
                walk(glyf, loca, id, ts.then(inner), depth + 1, out)?;
            }
        }
    }
    Some(())
}
