//! Pixels: a palette image, and a [`Scene`] painted into one.

use crate::chart::scene::{Ink, Mark, Scene};
use crate::chart::theme::{Colors, Rgb};
use crate::raster::palette::{index, palette, text_index, PALETTE_LEN};
use crate::raster::text::GlyphCache;

/// A palette image: one byte (a palette index) per pixel, row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canvas {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
    pub palette: [Rgb; PALETTE_LEN],
}

impl Canvas {
    /// A canvas filled with the background ink.
    pub fn new(width: u32, height: u32, palette: [Rgb; PALETTE_LEN]) -> Canvas {
        let pixels = vec![index(Ink::Background); width as usize * height as usize];
        Canvas {
            width,
            height,
            pixels,
            palette,
        }
    }

    /// Sets one pixel; outside the canvas is ignored.
    pub fn put(&mut self, x: i32, y: i32, index: u8) {
        if x >= 0 && y >= 0 && (x as u32) < self.width && (y as u32) < self.height {
            self.pixels[y as usize * self.width as usize + x as usize] = index;
        }
    }

    /// Fills `x0..x1` by `y0..y1`, clipped.
    pub fn fill(&mut self, index: u8, x0: i32, y0: i32, x1: i32, y1: i32) {
        let (w, h) = (self.width as i32, self.height as i32);
        let (x0, x1) = (x0.clamp(0, w) as usize, x1.clamp(0, w) as usize);
        if x1 <= x0 {
            return;
        }
        for y in y0.clamp(0, h)..y1.clamp(0, h) {
            let row = y as usize * self.width as usize;
            self.pixels[row + x0..row + x1].fill(index);
        }
    }
}

/// Paints `scene` in `colors`: rectangles filled, text anti-aliased.
pub fn paint(scene: &Scene, colors: Colors) -> Canvas {
    let mut canvas = Canvas::new(scene.width, scene.height, palette(colors));
    let mut glyphs = GlyphCache::new();
    for mark in &scene.marks {
        match mark {
            Mark::Rect {
                ink,
                x0,
                y0,
                x1,
                y1,
            } => canvas.fill(index(*ink), *x0, *y0, *x1, *y1),
            Mark::Text {
                ink,
                x,
                y,
                em,
                text,
            } => glyphs.draw(text, *em, *x, *y, |px, py, level| {
                canvas.put(px, py, text_index(*ink, level))
            }),
        }
    }
    canvas
}
