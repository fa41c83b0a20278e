//! The embedded font read by read-fonts (`edgechart::font`) agrees with
//! ab_glyph over ttf-parser, the reader the Worker used before and an
//! independent implementation of the same tables: every code point's
//! glyph, every glyph's advance and outline, every kerning pair, the line
//! metrics, at the sizes charts use. Exact equality (`f32` bits, curve by
//! curve): the chart's pixels and SVG path data are made from these
//! numbers, and the goldens hold those bytes.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use edgechart::font::{self, GlyphId};
use edgechart::text::outline::{point, OutlineCurve, Point};

fn reference() -> FontRef<'static> {
    FontRef::try_from_slice(font::FONT_BYTES).expect("the embedded font parses")
}

/// Sizes the charts draw text at (tick labels to titles, dpr 1 to 3) and
/// a few that are not whole.
const SIZES: [f32; 8] = [8.0, 10.0, 11.0, 13.0, 15.5, 26.0, 39.0, 0.7];

fn scale(f: &FontRef, em_px: f32) -> PxScale {
    PxScale::from(em_px * f.height_unscaled() / f.units_per_em().unwrap())
}

#[test]
fn every_code_point_maps_to_the_same_glyph() {
    let f = reference();
    let mut mapped = 0;
    for c in (0..=0x10FFFF).filter_map(char::from_u32) {
        let theirs = f.glyph_id(c).0;
        assert_eq!(font::glyph_id(c).0, theirs, "U+{:04X}", c as u32);
        mapped += usize::from(theirs != 0);
    }
    assert!(mapped > 600, "{mapped} code points mapped");
}

#[test]
fn every_glyph_has_the_same_advance_and_outline() {
    let f = reference();
    assert_eq!(font::units_per_em(), f.units_per_em().unwrap());
    let mut outlined = 0;
    for id in 0..f.glyph_count() as u16 {
        for em in SIZES {
            let scaled = f.as_scaled(scale(&f, em));
            let ours = font::h_advance(GlyphId(id), em);
            let theirs = scaled.h_advance(ab_glyph::GlyphId(id));
            assert_eq!(ours.to_bits(), theirs.to_bits(), "glyph {id} at {em}");
        }
        let ours = font::outline(GlyphId(id));
        let theirs = f.outline(ab_glyph::GlyphId(id));
        assert_eq!(ours.is_some(), theirs.is_some(), "glyph {id}");
        let (Some(ours), Some(theirs)) = (ours, theirs) else {
            continue;
        };
        outlined += 1;
        let p = |q: ab_glyph::Point| point(q.x, q.y);
        assert_eq!(ours.bounds.min, p(theirs.bounds.min), "glyph {id}");
        assert_eq!(ours.bounds.max, p(theirs.bounds.max), "glyph {id}");
        let converted: Vec<OutlineCurve> = theirs
            .curves
            .iter()
            .map(|c| match *c {
                ab_glyph::OutlineCurve::Line(a, b) => OutlineCurve::Line(p(a), p(b)),
                ab_glyph::OutlineCurve::Quad(a, b, c) => OutlineCurve::Quad(p(a), p(b), p(c)),
                ab_glyph::OutlineCurve::Cubic(a, b, c, d) => {
                    OutlineCurve::Cubic(p(a), p(b), p(c), p(d))
                }
            })
            .collect();
        assert_eq!(ours.curves, converted, "glyph {id}");
        assert!(
            bits_equal(&ours.curves, &converted),
            "glyph {id}: signed zeros differ"
        );
    }
    assert!(outlined > 600, "{outlined} glyphs with outlines");
}

/// `PartialEq` on `f32` takes -0.0 for 0.0; the raster may not.
fn bits_equal(a: &[OutlineCurve], b: &[OutlineCurve]) -> bool {
    fn points(c: &OutlineCurve) -> Vec<Point> {
        match *c {
            OutlineCurve::Line(a, b) => vec![a, b],
            OutlineCurve::Quad(a, b, c) => vec![a, b, c],
            OutlineCurve::Cubic(a, b, c, d) => vec![a, b, c, d],
        }
    }
    a.iter().zip(b).all(|(x, y)| {
        points(x)
            .iter()
            .zip(points(y))
            .all(|(p, q)| p.x.to_bits() == q.x.to_bits() && p.y.to_bits() == q.y.to_bits())
    })
}

#[test]
fn every_kerning_pair_is_the_same() {
    let f = reference();
    let n = f.glyph_count() as u16;
    let mut kerned = 0;
    for a in 0..n {
        for b in 0..n {
            let em = SIZES[usize::from(a.wrapping_add(b)) % SIZES.len()];
            let theirs = f
                .as_scaled(scale(&f, em))
                .kern(ab_glyph::GlyphId(a), ab_glyph::GlyphId(b));
            let ours = font::kern(GlyphId(a), GlyphId(b), em);
            assert_eq!(ours.to_bits(), theirs.to_bits(), "pair {a} {b} at {em}");
            kerned += usize::from(theirs != 0.0);
        }
    }
    assert!(kerned > 1000, "{kerned} kerned pairs");
}

#[test]
fn line_metrics_are_the_same() {
    let f = reference();
    for em in SIZES {
        let scaled = f.as_scaled(scale(&f, em));
        let ascent = scaled.ascent().ceil() as i32;
        let height = ascent + (-scaled.descent()).ceil() as i32;
        assert_eq!(font::line_metrics(em), (ascent, height), "at {em}");
    }
}

/// A line laid out as the Worker laid it out over ab_glyph: kerning and
/// advances summed in `f32`, each glyph at its rounded pen position.
fn reference_layout(f: &FontRef, text: &str, em: f32) -> (Vec<(u16, i32)>, i32) {
    let scaled = f.as_scaled(scale(f, em));
    let placeholder = f.glyph_id(font::PLACEHOLDER);
    let (mut pen, mut prev, mut out) = (0.0f32, None, Vec::new());
    for c in text.chars() {
        let mut id = f.glyph_id(c);
        if id.0 == 0 {
            id = placeholder;
        }
        if let Some(p) = prev {
            pen += scaled.kern(p, id);
        }
        out.push((id.0, pen.round() as i32));
        pen += scaled.h_advance(id);
        prev = Some(id);
    }
    (out, pen.ceil() as i32)
}

#[test]
fn lines_lay_out_the_same() {
    let f = reference();
    let mut texts: Vec<String> = vec![
        "Histogram of 1,000 draws (mean 0.13)".into(),
        "The quick brown fox jumps over the lazy dog: AVATAR WAVE To Ty Yo".into(),
        "Ελληνικά κείμενα · Кириллица: Съешь же ещё этих мягких булок".into(),
        "−1.5e-7 ≤ x ≤ 2³² … 漢字 missing".into(),
    ];
    let ascii: Vec<char> = (' '..='~').collect();
    for a in &ascii {
        texts.push(ascii.iter().map(|b| format!("{a}{b}")).collect());
    }
    for text in &texts {
        for em in SIZES {
            let (glyphs, width) = font::layout(text, em);
            let glyphs: Vec<(u16, i32)> = glyphs.iter().map(|(g, x)| (g.0, *x)).collect();
            assert_eq!(
                (glyphs, width),
                reference_layout(&f, text, em),
                "{text:?} at {em}"
            );
        }
    }
}
