//! The colours of each ink role in each theme: one table that the PNG's
//! palette and the SVG's style sheet are both made from.

use crate::chart::scene::Ink;

/// An sRGB colour.
pub type Rgb = [u8; 3];

/// A palette of fixed colours. `theme=auto` is not one: it is both, chosen
/// by the viewer (SVG only), see [`crate::spec::Theme`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colors {
    Light,
    Dark,
}

/// The colour of `ink` in `colors`.
pub fn color(colors: Colors, ink: Ink) -> Rgb {
    match (colors, ink) {
        (Colors::Light, Ink::Background) => [0xff, 0xff, 0xff],
        (Colors::Light, Ink::Foreground) => [0x26, 0x26, 0x26],
        (Colors::Light, Ink::Bar) => [0x1f, 0x77, 0xb4],
        (Colors::Light, Ink::Grid) => [0xe4, 0xe4, 0xe4],
        (Colors::Light, Ink::Accent) => [0xc6, 0x28, 0x28],
        (Colors::Dark, Ink::Background) => [0x16, 0x19, 0x1e],
        (Colors::Dark, Ink::Foreground) => [0xe3, 0xe5, 0xe8],
        (Colors::Dark, Ink::Bar) => [0x5b, 0xa8, 0xe5],
        (Colors::Dark, Ink::Grid) => [0x33, 0x38, 0x40],
        (Colors::Dark, Ink::Accent) => [0xff, 0x6b, 0x6b],
    }
}
