//! A [`Scene`] as SVG: the PNG's rectangles as paths, its text as glyph
//! outlines from the embedded font (each glyph defined once and reused),
//! so it looks the same in every viewer with no font installed. Colours
//! are CSS classes per ink role; `theme=auto` carries both palettes and
//! lets the viewer's `prefers-color-scheme` choose. No script, no external
//! reference, and the bytes depend on the scene alone.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::text::outline::{OutlineCurve, Point};

use crate::chart::scene::{Ink, Mark, Scene};
use crate::chart::theme::{Colors, Inks, Rgb};
use crate::font::{self, line_metrics};
use crate::spec::Theme;
use crate::text::{self, FaceId, EMBEDDED};

/// What the SVG says of itself besides the picture.
pub struct SvgText<'a> {
    /// The accessible name (`<title>`): the chart's whole title.
    pub title: &'a str,
    /// The accessible description (`<desc>`): the chart in a sentence.
    pub desc: &'a str,
}

/// The SVG of `scene`, `css_size` CSS pixels large (the scene is in device
/// pixels: its view box), in `theme`, its `series` in the user's `colors`
/// (or the theme's).
pub fn svg(
    scene: &Scene,
    css_size: (u32, u32),
    theme: Theme,
    colors: &[Rgb],
    series: usize,
    text: &SvgText,
) -> Vec<u8> {
    let mut glyphs = Glyphs::default();
    let mut body = String::with_capacity(4096);
    // Marks of one ink in a row are one group: a path of all its
    // rectangles, then its text. Within a group order does not show (one
    // opaque colour); between groups the scene's painting order is kept.
    let mut start = 0;
    while start < scene.marks.len() {
        let ink = ink_of(&scene.marks[start]);
        let end = scene.marks[start..]
            .iter()
            .position(|m| ink_of(m) != ink)
            .map_or(scene.marks.len(), |n| start + n);
        let group = &scene.marks[start..end];
        let rects: Vec<(i32, i32, i32, i32)> = group
            .iter()
            .filter_map(|m| match *m {
                Mark::Rect { x0, y0, x1, y1, .. } => Some((x0, y0, x1, y1)),
                Mark::Text { .. } | Mark::Line { .. } => None,
            })
            .collect();
        if !rects.is_empty() {
            let _ = writeln!(
                body,
                "<path class=\"{}\" d=\"{}\"/>",
                class(ink),
                staircases(&rects)
            );
        }
        for m in group {
            match m {
                Mark::Line { width, points, .. } => {
                    let _ = write!(
                        body,
                        "<path class=\"l{}\" stroke-width=\"{}\" d=\"",
                        class(ink),
                        short(*width)
                    );
                    for (i, (x, y)) in points.iter().enumerate() {
                        let _ = write!(
                            body,
                            "{}{} {}",
                            if i == 0 { 'M' } else { 'L' },
                            short(crate::float::roundf(x * 10.0) / 10.0),
                            short(crate::float::roundf(y * 10.0) / 10.0)
                        );
                    }
                    body.push_str("\"/>\n");
                }
                Mark::Text {
                    x,
                    y,
                    em,
                    text,
                    turned,
                    ..
                } => glyphs.run(&mut body, ink, *x, *y, *em, text, *turned),
                Mark::Rect { .. } => {}
            }
        }
        start = end;
    }

    let (w, h) = css_size;
    let mut out = String::with_capacity(body.len() + glyphs.defs.len() + 1024);
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {} {}\" role=\"img\">",
        scene.width, scene.height
    );
    let _ = writeln!(out, "<title>{}</title>", escape(text.title));
    let _ = writeln!(out, "<desc>{}</desc>", escape(text.desc));
    let _ = writeln!(
        out,
        "<style>{}</style>",
        style(theme, colors, series, scene)
    );
    if !glyphs.defs.is_empty() {
        let _ = writeln!(out, "<defs>\n{}</defs>", glyphs.defs);
    }
    let _ = writeln!(
        out,
        "<rect class=\"{}\" width=\"{}\" height=\"{}\"/>",
        class(Ink::Background),
        scene.width,
        scene.height
    );
    out.push_str(&body);
    out.push_str("</svg>\n");
    out.into_bytes()
}

fn ink_of(mark: &Mark) -> Ink {
    match mark {
        Mark::Rect { ink, .. } | Mark::Text { ink, .. } | Mark::Line { ink, .. } => *ink,
    }
}

/// Rectangles `(x0, y0, x1, y1)` as path data. Runs that stand side by
/// side on one bottom (the histogram's bars, left to right) are one
/// staircase outline: two commands a bar instead of four.
fn staircases(rects: &[(i32, i32, i32, i32)]) -> String {
    let mut d = String::with_capacity(rects.len() * 10);
    let mut i = 0;
    while i < rects.len() {
        let (x0, y0, x1, y1) = rects[i];
        let _ = write!(d, "M{x0} {y1}V{y0}H{x1}");
        let mut right = x1;
        i += 1;
        while let Some(&(a0, b0, a1, b1)) = rects.get(i) {
            if a0 != right || b1 != y1 {
                break;
            }
            let _ = write!(d, "V{b0}H{a1}");
            right = a1;
            i += 1;
        }
        let _ = write!(d, "V{y1}z");
    }
    d
}

/// The CSS class of an ink: a letter per role (`b` the first series, as
/// the one bar colour was called), `s1`.. for other series, `o0`.. for
/// faded ones; a line's class is `l` before it.
fn class(ink: Ink) -> String {
    match ink {
        Ink::Background => "k".into(),
        Ink::Foreground => "f".into(),
        Ink::Series(0) => "b".into(),
        Ink::Grid => "g".into(),
        Ink::Accent => "a".into(),
        Ink::Series(i) => format!("s{i}"),
        Ink::Faded(i) => format!("o{i}"),
    }
}

/// Style rules for the roles, then for the series inks and lines the scene
/// uses; `auto` adds the dark ones under a media query.
fn style(theme: Theme, custom: &[Rgb], series: usize, scene: &Scene) -> String {
    let mut used: Vec<Ink> = Vec::new();
    let mut lines: Vec<Ink> = Vec::new();
    for m in &scene.marks {
        match m {
            Mark::Line { ink, .. } if !lines.contains(ink) => lines.push(*ink),
            Mark::Rect { ink, .. } | Mark::Text { ink, .. }
                if !used.contains(ink) && matches!(ink, Ink::Series(1..) | Ink::Faded(_)) =>
            {
                used.push(*ink)
            }
            _ => {}
        }
    }
    used.sort();
    lines.sort();
    let rules = |colors: Colors| {
        let inks = Inks::new(colors, custom, series);
        let hex = |ink: Ink| {
            let [r, g, b] = inks.rgb(ink);
            format!("#{r:02x}{g:02x}{b:02x}")
        };
        let mut s = String::new();
        for ink in [
            Ink::Background,
            Ink::Foreground,
            Ink::Series(0),
            Ink::Grid,
            Ink::Accent,
        ] {
            let _ = write!(s, ".{}{{fill:{}}}", class(ink), hex(ink));
        }
        for &ink in &used {
            match ink {
                Ink::Faded(_) => {
                    let _ = write!(s, ".{}{{fill:{};fill-opacity:.5}}", class(ink), hex(ink));
                }
                _ => {
                    let _ = write!(s, ".{}{{fill:{}}}", class(ink), hex(ink));
                }
            }
        }
        for &ink in &lines {
            let _ = write!(
                s,
                ".l{}{{fill:none;stroke:{};stroke-linejoin:round;stroke-linecap:round}}",
                class(ink),
                hex(ink)
            );
        }
        s
    };
    match theme {
        Theme::Light => rules(Colors::Light),
        Theme::Dark => rules(Colors::Dark),
        Theme::Auto => format!(
            "{}@media (prefers-color-scheme:dark){{{}}}",
            rules(Colors::Light),
            rules(Colors::Dark)
        ),
    }
}

/// Text for XML character data: markup escaped, and characters XML 1.0
/// cannot hold (controls, U+FFFE, U+FFFF) replaced by U+FFFD.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Glyph outlines defined once each (`<defs>`), placed by `<use>`.
#[derive(Default)]
struct Glyphs {
    ids: HashMap<(FaceId, u16), Option<String>>,
    defs: String,
}

impl Glyphs {
    /// One line of text: a group scaled from font units to pixels at the
    /// baseline, with each glyph at its pen position (the raster's layout);
    /// `turned` a quarter left about its box's corner `(x, y)`.
    #[allow(clippy::too_many_arguments)]
    fn run(
        &mut self,
        body: &mut String,
        ink: Ink,
        x: i32,
        y: i32,
        em: f32,
        text: &str,
        turned: bool,
    ) {
        let placed = text::layout(text, em).glyphs;
        let (ascent, _) = line_metrics(em);
        let units = font::units_per_em();
        let scale = em / units;
        if turned {
            let _ = write!(
                body,
                "<g class=\"{}\" transform=\"translate({x} {y})rotate(-90)translate(0 {ascent})scale({})\">",
                class(ink),
                short(scale)
            );
        } else {
            let _ = write!(
                body,
                "<g class=\"{}\" transform=\"translate({x} {})scale({})\">",
                class(ink),
                y + ascent,
                short(scale)
            );
        }
        for g in placed {
            let Some(name) = self.define(g.face, g.glyph) else {
                continue;
            };
            let _ = write!(body, "<use href=\"#{name}\"");
            if g.x != 0 {
                let at = (g.x as f32 * units / em * 10.0).round() / 10.0;
                let _ = write!(body, " x=\"{at}\"");
            }
            if g.y != 0 {
                let at = (g.y as f32 * units / em * 10.0).round() / 10.0;
                let _ = write!(body, " y=\"{at}\"");
            }
            body.push_str("/>");
        }
        body.push_str("</g>\n");
    }

    /// Defines glyph `glyph` of `face` once; `None` for glyphs with no ink.
    /// The element id names the font and the glyph: the embedded font's
    /// glyph number (`ec36`), a shard's digest and number (`ec1a2b3c4d-36`),
    /// so two charts inlined in one page that both define an id define the
    /// same outline, whatever their fonts.
    fn define(&mut self, face: FaceId, glyph: u16) -> Option<String> {
        self.ids
            .entry((face, glyph))
            .or_insert_with(|| {
                let d = outline_path(face, glyph)?;
                let name = if face == EMBEDDED {
                    format!("ec{glyph}")
                } else {
                    let shard = &text::shards()[usize::from(face) - 1];
                    format!("ec{}-{glyph}", shard.hex(4))
                };
                let _ = writeln!(self.defs, "<path id=\"{name}\" d=\"{d}\"/>");
                Some(name)
            })
            .clone()
    }
}

/// A glyph's outline as path data in font units, y down (SVG's way), with
/// relative commands on whole units (a unit is 1/2048 em: invisible).
fn outline_path(face: FaceId, glyph: u16) -> Option<String> {
    let outline = text::faces::outline(face, glyph)?;
    if outline.curves.is_empty() {
        return None;
    }
    let mut p = PathWriter::default();
    let mut end: Option<Point> = None;
    for curve in &outline.curves {
        let zero = Point { x: 0.0, y: 0.0 };
        let (start, points, n) = match *curve {
            OutlineCurve::Line(a, b) => (a, [b, zero, zero], 1),
            OutlineCurve::Quad(a, b, c) => (a, [b, c, zero], 2),
            OutlineCurve::Cubic(a, b, c, d) => (a, [b, c, d], 3),
        };
        if end != Some(start) {
            p.move_to(start);
        }
        p.curve(&points[..n]);
        end = Some(points[n - 1]);
    }
    p.close();
    Some(p.d)
}

/// Path data with relative commands, whole numbers and no needless spaces.
#[derive(Default)]
struct PathWriter {
    d: String,
    /// Current point and the open subpath's start, in whole units (y down).
    at: (i32, i32),
    start: (i32, i32),
    open: bool,
    last: u8,
    /// A line back to the subpath's start, held until we know whether
    /// `z` can draw it instead.
    pending: Option<(i32, i32)>,
}

impl PathWriter {
    fn point(p: Point) -> (i32, i32) {
        (
            crate::float::roundf(p.x) as i32,
            -(crate::float::roundf(p.y) as i32),
        )
    }

    fn number(&mut self, v: i32) {
        if v >= 0 && self.d.as_bytes().last().is_some_and(u8::is_ascii_digit) {
            self.d.push(' ');
        }
        let _ = write!(self.d, "{v}");
    }

    fn command(&mut self, c: u8) {
        if self.last != c {
            self.d.push(c as char);
            self.last = c;
        }
    }

    fn move_to(&mut self, p: Point) {
        self.close();
        let (x, y) = Self::point(p);
        self.command(b'm');
        // The first command of a path is absolute whatever its case says
        // about it; later ones are relative to the last subpath's start.
        self.number(x - self.at.0);
        self.number(y - self.at.1);
        self.at = (x, y);
        self.start = (x, y);
        self.open = true;
        // Pairs after `m` would be line-tos: force the next letter out.
        self.last = 0;
    }

    fn curve(&mut self, points: &[Point]) {
        let end = Self::point(points[points.len() - 1]);
        if points.len() == 1 && end == self.at {
            return; // a line of no length
        }
        if let Some(line_end) = self.pending.take() {
            self.emit(&[line_end]);
        }
        if points.len() == 1 && end == self.start {
            // A line back to the start: `z` draws it, unless more follows.
            self.pending = Some(end);
            return;
        }
        let pts: Vec<(i32, i32)> = points.iter().map(|&p| Self::point(p)).collect();
        self.emit(&pts);
    }

    fn emit(&mut self, points: &[(i32, i32)]) {
        self.command(match points.len() {
            1 => b'l',
            2 => b'q',
            _ => b'c',
        });
        let origin = self.at;
        for &(x, y) in points {
            self.number(x - origin.0);
            self.number(y - origin.1);
            self.at = (x, y);
        }
    }

    fn close(&mut self) {
        self.pending = None;
        if self.open {
            self.d.push('z');
            self.last = b'z';
            self.at = self.start;
            self.open = false;
        }
    }
}

/// A scale factor or coordinate in at most 6 decimals, no trailing zeros:
/// `format!("{v:.6}")` trimmed, spelled with integers only. The `f32`'s
/// exact value is rounded to millionths as the standard library rounds it
/// (to nearest, ties to even; a test compares the two), so the SVG keeps
/// its bytes, and a curve's points cost a fraction of `format!`'s work.
fn short(v: f32) -> String {
    if !v.is_finite() {
        return match (v.is_nan(), v < 0.0) {
            (true, _) => "NaN",
            (false, true) => "-inf",
            (false, false) => "inf",
        }
        .to_string();
    }
    let bits = v.to_bits();
    let field = (bits >> 23) & 0xff;
    let fraction = u128::from(bits & 0x7f_ffff);
    // |v| is m * 2^e exactly.
    let (m, e) = if field == 0 {
        (fraction, -149)
    } else {
        (fraction | 1 << 23, field as i32 - 150)
    };
    const MILLION: u128 = 1_000_000;
    let (whole, millionths) = if e >= 0 {
        (m << e, 0)
    } else if e < -64 {
        // Under 2^-40: less than half a millionth, so it rounds to 0.
        (0, 0)
    } else {
        let k = e.unsigned_abs();
        let whole = if k >= 24 { 0 } else { m >> k };
        let below = (1u128 << k) - 1;
        let scaled = (m & below) * MILLION;
        let (q, r, half) = (scaled >> k, scaled & below, 1u128 << (k - 1));
        let q = q + u128::from(r > half || (r == half && q % 2 == 1));
        if q == MILLION {
            (whole + 1, 0)
        } else {
            (whole, q)
        }
    };
    // Written from the right into a buffer: fraction, point, whole
    // part, sign (the largest f32 has 39 whole digits).
    let mut buf = [0u8; 48];
    let mut at = buf.len();
    let mut put = |b: u8| {
        at -= 1;
        buf[at] = b;
    };
    if millionths != 0 {
        let mut rest = millionths as u32;
        let mut trailing = true;
        for _ in 0..6 {
            let d = (rest % 10) as u8;
            rest /= 10;
            trailing &= d == 0;
            if !trailing {
                put(b'0' + d);
            }
        }
        put(b'.');
    }
    // In 64 bits (the SVG's numbers always fit), in 128 only for the
    // largest f32s.
    match u64::try_from(whole) {
        Ok(mut rest) => loop {
            put(b'0' + (rest % 10) as u8);
            rest /= 10;
            if rest == 0 {
                break;
            }
        },
        Err(_) => {
            let mut rest = whole;
            while rest > 0 {
                put(b'0' + (rest % 10) as u8);
                rest /= 10;
            }
        }
    }
    if v.is_sign_negative() {
        put(b'-');
    }
    std::str::from_utf8(&buf[at..])
        .unwrap_or_default()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::short;

    /// `short` spells what `format!("{v:.6}")` trimmed spells: every
    /// 4,099th bit pattern (both signs, subnormals to the largest), the
    /// ties to even at millionths (multiples of 1/128, such as 0.0078125),
    /// tenths as the SVG rounds its coordinates, and the edges.
    #[test]
    fn short_is_the_standard_six_decimals_trimmed() {
        let reference = |v: f32| {
            let s = format!("{v:.6}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        };
        let check = |v: f32| assert_eq!(short(v), reference(v), "{v:e} ({:#x})", v.to_bits());
        for b in (0..=u32::MAX).step_by(4_099) {
            check(f32::from_bits(b));
        }
        for i in 0..200_000u32 {
            check(i as f32 / 128.0);
            check(-(i as f32) / 1024.0);
            check(crate::float::roundf(i as f32 * 0.37) / 10.0);
        }
        for v in [
            0.0f32,
            -0.0,
            0.5,
            2.5,
            0.007_812_5,
            -0.023_437_5,
            4.999_999_7e-7,
            5.000_000_3e-7,
            -1e-9,
            f32::MAX,
            f32::MIN,
            f32::MIN_POSITIVE,
            f32::from_bits(1),
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
        ] {
            check(v);
        }
    }
}
