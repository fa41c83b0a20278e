//! The colours of each ink role in each theme: one table that the PNG's
//! palette and the SVG's style sheet are both made from, and the series
//! colours (the user's, or the tab10 order matplotlib uses, lightened for
//! the dark theme).

use crate::chart::scene::Ink;
pub use crate::spec::Rgb;

/// A palette of fixed colours. `theme=auto` is not one: it is both, chosen
/// by the viewer (SVG only), see [`crate::spec::Theme`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colors {
    Light,
    Dark,
}

/// matplotlib's tab10 order; the first is the classic chart's bar blue.
const TAB10: [Rgb; 10] = [
    [0x1f, 0x77, 0xb4],
    [0xff, 0x7f, 0x0e],
    [0x2c, 0xa0, 0x2c],
    [0xd6, 0x27, 0x28],
    [0x94, 0x67, 0xbd],
    [0x8c, 0x56, 0x4b],
    [0xe3, 0x77, 0xc2],
    [0x7f, 0x7f, 0x7f],
    [0xbc, 0xbd, 0x22],
    [0x17, 0xbe, 0xcf],
];

/// tab10 lightened to read on the dark background; the first is the
/// classic dark chart's bar blue.
const TAB10_DARK: [Rgb; 10] = [
    [0x5b, 0xa8, 0xe5],
    [0xff, 0xa0, 0x4d],
    [0x5c, 0xc9, 0x5c],
    [0xf0, 0x62, 0x62],
    [0xb6, 0x94, 0xd9],
    [0xc0, 0x8e, 0x7a],
    [0xf2, 0x9e, 0xd6],
    [0xa8, 0xa8, 0xa8],
    [0xd8, 0xd9, 0x4a],
    [0x4f, 0xd6, 0xe3],
];

/// The colours of one picture: a theme and the series' colours in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inks {
    pub colors: Colors,
    pub series: Vec<Rgb>,
}

impl Inks {
    /// `count` series in `colors`: the user's colours, or the theme's
    /// tab10 order.
    pub fn new(colors: Colors, custom: &[Rgb], count: usize) -> Inks {
        let table = match colors {
            Colors::Light => &TAB10,
            Colors::Dark => &TAB10_DARK,
        };
        let series = (0..count.max(1))
            .map(|i| custom.get(i).copied().unwrap_or(table[i % table.len()]))
            .collect();
        Inks { colors, series }
    }

    /// The colour of `ink`.
    pub fn rgb(&self, ink: Ink) -> Rgb {
        match ink {
            Ink::Series(i) | Ink::Faded(i) => self.series[usize::from(i) % self.series.len()],
            role => color(self.colors, role),
        }
    }
}

/// The colour of a role ink in `colors` (series inks: their first colour).
pub fn color(colors: Colors, ink: Ink) -> Rgb {
    match (colors, ink) {
        (Colors::Light, Ink::Background) => [0xff, 0xff, 0xff],
        (Colors::Light, Ink::Foreground) => [0x26, 0x26, 0x26],
        (Colors::Light, Ink::Grid) => [0xe4, 0xe4, 0xe4],
        (Colors::Light, Ink::Accent) => [0xc6, 0x28, 0x28],
        (Colors::Light, Ink::Series(i) | Ink::Faded(i)) => TAB10[usize::from(i) % 10],
        (Colors::Dark, Ink::Background) => [0x16, 0x19, 0x1e],
        (Colors::Dark, Ink::Foreground) => [0xe3, 0xe5, 0xe8],
        (Colors::Dark, Ink::Grid) => [0x33, 0x38, 0x40],
        (Colors::Dark, Ink::Accent) => [0xff, 0x6b, 0x6b],
        (Colors::Dark, Ink::Series(i) | Ink::Faded(i)) => TAB10_DARK[usize::from(i) % 10],
    }
}
