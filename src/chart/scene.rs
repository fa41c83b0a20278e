//! A chart as marks in device pixels, each in an ink role: what every
//! format draws. The histogram is laid out once, by plotters, onto
//! [`SceneBackend`]; the raster fills the same rectangles and sets the same
//! glyphs as the SVG, so the formats cannot drift apart.

use plotters::style::RGBColor;
use plotters_backend::{
    text_anchor::{HPos, VPos},
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};

/// What a mark is drawn in. Each format maps roles to colours of its own
/// (a palette entry in the PNG, a CSS class in the SVG), so a theme is a
/// table, not a drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ink {
    Background,
    /// Title, labels, axis lines and tick marks.
    Foreground,
    /// Horizontal guide lines behind the bars, the legend's frame.
    Grid,
    /// The error image's marker.
    Accent,
    /// Series `i`, opaque: bars, outlines, curves, its marks.
    Series(u8),
    /// Series `i` at half opacity: overlaid bars, whose overlaps show.
    Faded(u8),
}

/// The opacity of a faded ink: a half, in the raster's twelfths.
pub const FADED_TWELFTHS: u16 = 6;

impl Ink {
    /// The roles that are not series, for style sheets and palettes.
    pub const ROLES: [Ink; 4] = [Ink::Background, Ink::Foreground, Ink::Grid, Ink::Accent];

    /// The colour plotters is handed for this ink. plotters only knows
    /// colours, so [`SceneBackend`] reads the ink back from it (red: the
    /// role, green: the series).
    pub(crate) fn tag(self) -> RGBColor {
        match self {
            Ink::Background => RGBColor(0, 0, 0),
            Ink::Foreground => RGBColor(1, 0, 0),
            Ink::Grid => RGBColor(3, 0, 0),
            Ink::Accent => RGBColor(4, 0, 0),
            Ink::Series(i) => RGBColor(5, i, 0),
            Ink::Faded(i) => RGBColor(6, i, 0),
        }
    }

    fn from_tag(c: BackendColor) -> Ink {
        match c.rgb.0 {
            0 => Ink::Background,
            3 => Ink::Grid,
            4 => Ink::Accent,
            5 => Ink::Series(c.rgb.1),
            6 => Ink::Faded(c.rgb.1),
            _ => Ink::Foreground,
        }
    }
}

/// One mark, in device pixels.
#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    /// A filled rectangle; `x1` and `y1` exclusive.
    Rect {
        ink: Ink,
        x0: i32,
        y0: i32,
        x1: i32,
        y1: i32,
    },
    /// An anti-aliased polyline `width` pixels wide through `points`
    /// (device pixels, not necessarily whole): a curve.
    Line {
        ink: Ink,
        width: f32,
        points: Vec<(f32, f32)>,
    },
    /// A line of text with its line box's top-left corner at `(x, y)`;
    /// `turned` a quarter left (reading upwards, an axis description), its
    /// box's corner then at the bottom left.
    Text {
        ink: Ink,
        x: i32,
        y: i32,
        em: f32,
        text: String,
        turned: bool,
    },
}

/// A picture: its size in device pixels and its marks, in painting order,
/// over a background of [`Ink::Background`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scene {
    pub width: u32,
    pub height: u32,
    pub marks: Vec<Mark>,
}

impl Scene {
    pub fn new(width: u32, height: u32) -> Scene {
        Scene {
            width,
            height,
            marks: Vec::new(),
        }
    }

    /// Adds a rectangle (corners in any order, `x1`/`y1` exclusive), clipped
    /// to the picture. Pixels and spans that continue the last rectangle
    /// grow it, so a line drawn pixel by pixel is one mark.
    pub fn fill(&mut self, ink: Ink, (xa, ya): (i32, i32), (xb, yb): (i32, i32)) {
        let (x0, x1) = (xa.min(xb).max(0), xa.max(xb).min(self.width as i32));
        let (y0, y1) = (ya.min(yb).max(0), ya.max(yb).min(self.height as i32));
        if x1 <= x0 || y1 <= y0 {
            return;
        }
        if let Some(Mark::Rect {
            ink: i,
            x0: a0,
            y0: b0,
            x1: a1,
            y1: b1,
        }) = self.marks.last_mut()
        {
            if *i == ink && (*b0, *b1) == (y0, y1) && *a1 == x0 {
                *a1 = x1;
                return;
            }
            if *i == ink && (*a0, *a1) == (x0, x1) && *b1 == y0 {
                *b1 = y1;
                return;
            }
        }
        self.merge_last_two();
        self.marks.push(Mark::Rect {
            ink,
            x0,
            y0,
            x1,
            y1,
        });
    }

    /// Rows of a thick line arrive one span at a time: once a span is
    /// complete, stack it onto the one above when they line up.
    fn merge_last_two(&mut self) {
        let n = self.marks.len();
        if n < 2 {
            return;
        }
        if let (
            Mark::Rect {
                ink: i,
                x0: a0,
                y0: _,
                x1: a1,
                y1: b1,
            },
            Mark::Rect {
                ink: j,
                x0: c0,
                y0: d0,
                x1: c1,
                y1: d1,
            },
        ) = (&self.marks[n - 2], &self.marks[n - 1])
        {
            if i == j && (a0, a1) == (c0, c1) && b1 == d0 {
                let d1 = *d1;
                self.marks.pop();
                if let Some(Mark::Rect { y1, .. }) = self.marks.last_mut() {
                    *y1 = d1;
                }
            }
        }
    }

    /// Adds an anti-aliased polyline (a curve).
    pub fn line(&mut self, ink: Ink, width: f32, points: Vec<(f32, f32)>) {
        if points.len() < 2 {
            return;
        }
        self.merge_last_two();
        self.marks.push(Mark::Line { ink, width, points });
    }

    /// Adds a line of text (always whole: the layout fits it first).
    pub fn text(&mut self, ink: Ink, x: i32, y: i32, em: f32, text: &str) {
        self.merge_last_two();
        self.marks.push(Mark::Text {
            ink,
            x,
            y,
            em,
            text: text.to_string(),
            turned: false,
        });
    }

    /// Adds a line of text turned a quarter left, its line box's bottom-left
    /// corner at `(x, y)`.
    pub fn text_turned(&mut self, ink: Ink, x: i32, y: i32, em: f32, text: &str) {
        self.merge_last_two();
        self.marks.push(Mark::Text {
            ink,
            x,
            y,
            em,
            text: text.to_string(),
            turned: true,
        });
    }
}

/// The plotters backend the chart is laid out on: it keeps marks instead
/// of pixels. Lines and polygons reach it as plotters rasterizes them
/// (spans and pixels, covered when at least half opaque), so a mark covers
/// exactly the pixels a bitmap would.
pub struct SceneBackend<'a> {
    pub scene: &'a mut Scene,
}

/// The backend's error type: it cannot fail.
#[derive(Debug)]
pub struct NoError;

impl std::fmt::Display for NoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("no error")
    }
}

impl std::error::Error for NoError {}

impl DrawingBackend for SceneBackend<'_> {
    type ErrorType = NoError;

    fn get_size(&self) -> (u32, u32) {
        (self.scene.width, self.scene.height)
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<NoError>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<NoError>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        (x, y): BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        if color.alpha >= 0.5 {
            self.scene
                .fill(Ink::from_tag(color), (x, y), (x + 1, y + 1));
        }
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        let color = style.color();
        let width = style.stroke_width();
        let axis_aligned = from.0 == to.0 || from.1 == to.1;
        if !axis_aligned {
            return plotters_backend::rasterizer::draw_line(self, from, to, style);
        }
        if color.alpha < 0.5 || width == 0 {
            return Ok(());
        }
        let ink = Ink::from_tag(color);
        if width == 1 && from.1 == to.1 {
            // A span: from `from` to `to` inclusive, as a bitmap fills it.
            self.scene.fill(ink, from, (to.0 + 1, to.1 + 1));
            return Ok(());
        }
        // Every other axis-aligned line is the rectangle its pixels make:
        // both ends inclusive, `width` pixels across centred on the line
        // and as far past each end (square caps, so an axis and its ticks
        // meet without a notch). One mark, however long, where plotters'
        // polygon fill would sweep it a pixel at a time.
        let (x0, x1) = (from.0.min(to.0), from.0.max(to.0));
        let (y0, y1) = (from.1.min(to.1), from.1.max(to.1));
        let w = width as i32;
        let (before, after) = ((w - 1) / 2, w / 2);
        let (cap_before, cap_after) = if width == 1 { (0, 0) } else { (before, after) };
        if from.1 == to.1 {
            self.scene.fill(
                ink,
                (x0 - cap_before, y0 - before),
                (x1 + 1 + cap_after, y0 + after + 1),
            );
        } else {
            self.scene.fill(
                ink,
                (x0 - before, y0 - cap_before),
                (x0 + after + 1, y1 + 1 + cap_after),
            );
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        // Segment by segment: the chart's paths are axis-aligned lines.
        let points: Vec<BackendCoord> = path.into_iter().collect();
        for pair in points.windows(2) {
            self.draw_line(pair[0], pair[1], style)?;
        }
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        if !fill {
            return plotters_backend::rasterizer::draw_rect(
                self,
                upper_left,
                bottom_right,
                style,
                fill,
            );
        }
        if style.color().alpha >= 0.5 {
            self.scene
                .fill(Ink::from_tag(style.color()), upper_left, bottom_right);
        }
        Ok(())
    }

    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), DrawingErrorKind<NoError>> {
        let e = crate::text::measure(text, style.size() as f32);
        Ok((e.width as u32, e.height as u32))
    }

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        let em = style.size() as f32;
        let e = crate::text::measure(text, em);
        let x = match style.anchor().h_pos {
            HPos::Left => pos.0,
            HPos::Center => pos.0 - e.width / 2,
            HPos::Right => pos.0 - e.width,
        };
        let y = match style.anchor().v_pos {
            VPos::Top => pos.1,
            VPos::Center => pos.1 - e.height / 2,
            VPos::Bottom => pos.1 - e.height,
        };
        self.scene
            .text(Ink::from_tag(style.color()), x, y, em, text);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pixels_and_spans_merge_into_rectangles() {
        let mut s = Scene::new(20, 20);
        for x in 2..8 {
            s.fill(Ink::Grid, (x, 3), (x + 1, 4));
        }
        for y in 5..9 {
            s.fill(Ink::Grid, (10, y), (11, y + 1));
        }
        // Three rows of a thick line, span by span.
        for y in 12..15 {
            s.fill(Ink::Foreground, (1, y), (9, y + 1));
        }
        s.fill(Ink::Series(0), (30, 30), (40, 40)); // clipped away
        s.text(Ink::Foreground, 0, 0, 12.0, "x");
        let rects: Vec<_> = s
            .marks
            .iter()
            .filter_map(|m| match m {
                Mark::Rect {
                    ink,
                    x0,
                    y0,
                    x1,
                    y1,
                } => Some((*ink, *x0, *y0, *x1, *y1)),
                Mark::Text { .. } | Mark::Line { .. } => None,
            })
            .collect();
        assert_eq!(
            rects,
            vec![
                (Ink::Grid, 2, 3, 8, 4),
                (Ink::Grid, 10, 5, 11, 9),
                (Ink::Foreground, 1, 12, 9, 15),
            ]
        );
    }

    #[test]
    fn thick_lines_are_one_rectangle_with_square_caps() {
        use plotters::style::Color;
        let mut s = Scene::new(100, 100);
        let mut b = SceneBackend { scene: &mut s };
        let three = Color::stroke_width(&Ink::Grid.tag(), 3);
        b.draw_path([(10, 20), (30, 20)], &three).unwrap();
        let two = Color::stroke_width(&Ink::Foreground.tag(), 2);
        b.draw_line((50, 40), (50, 10), &two).unwrap();
        let one = Color::stroke_width(&Ink::Series(0).tag(), 1);
        b.draw_line((60, 5), (60, 7), &one).unwrap();
        let rect = |ink, x0, y0, x1, y1| Mark::Rect {
            ink,
            x0,
            y0,
            x1,
            y1,
        };
        assert_eq!(
            s.marks,
            vec![
                rect(Ink::Grid, 9, 19, 32, 22),
                rect(Ink::Foreground, 50, 10, 52, 42),
                rect(Ink::Series(0), 60, 5, 61, 8),
            ]
        );
    }

    #[test]
    fn inks_survive_the_plotters_tag() {
        for ink in [Ink::ROLES.as_slice(), &[Ink::Series(7), Ink::Faded(3)]].concat() {
            let c = ink.tag();
            let back = Ink::from_tag(BackendColor {
                alpha: 1.0,
                rgb: (c.0, c.1, c.2),
            });
            assert_eq!(back, ink);
        }
    }
}
