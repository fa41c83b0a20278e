//! Chart colours for each theme. Few colours on purpose: the PNG is indexed.

use crate::spec::Theme;

/// An sRGB colour.
pub type Rgb = [u8; 3];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colors {
    pub background: Rgb,
    /// Title, tick labels, axis lines and tick marks.
    pub foreground: Rgb,
    pub bar: Rgb,
    /// Horizontal guide lines behind the bars.
    pub grid: Rgb,
    /// Error images: the message's accent bar.
    pub accent: Rgb,
}

pub fn colors(theme: Theme) -> Colors {
    match theme {
        Theme::Light => Colors {
            background: [0xff, 0xff, 0xff],
            foreground: [0x26, 0x26, 0x26],
            bar: [0x1f, 0x77, 0xb4],
            grid: [0xe4, 0xe4, 0xe4],
            accent: [0xc6, 0x28, 0x28],
        },
        Theme::Dark => Colors {
            background: [0x16, 0x19, 0x1e],
            foreground: [0xe3, 0xe5, 0xe8],
            bar: [0x5b, 0xa8, 0xe5],
            grid: [0x33, 0x38, 0x40],
            accent: [0xff, 0x6b, 0x6b],
        },
    }
}
