//! Chart colours for each theme, as the fixed 16-entry palette every chart is
//! drawn and encoded with: a 4-bit indexed PNG, and the same index always
//! means the same role.

use crate::font::COVERAGE_LEVELS;
use crate::spec::Theme;

/// An sRGB colour.
pub type Rgb = [u8; 3];

/// Palette indices by role.
pub mod ink {
    pub const BACKGROUND: u8 = 0;
    /// Title, tick labels, axis lines and tick marks.
    pub const FOREGROUND: u8 = 1;
    pub const BAR: u8 = 2;
    /// Horizontal guide lines behind the bars.
    pub const GRID: u8 = 3;
    /// The error image's marker.
    pub const ACCENT: u8 = 4;
    /// Anti-aliased text: `TEXT_RAMP + level - 1` is the foreground at
    /// `level / COVERAGE_LEVELS` over the background, for partial levels.
    pub const TEXT_RAMP: u8 = 5;
}

/// The palette index for text at coverage `level` (0 < level <= COVERAGE_LEVELS).
pub fn text_ink(level: u8) -> u8 {
    if level >= COVERAGE_LEVELS {
        ink::FOREGROUND
    } else {
        ink::TEXT_RAMP + level - 1
    }
}

/// Number of palette entries: 5 roles and the partial text levels.
pub const PALETTE_LEN: usize = ink::TEXT_RAMP as usize + COVERAGE_LEVELS as usize - 1;

struct Colors {
    background: Rgb,
    foreground: Rgb,
    bar: Rgb,
    grid: Rgb,
    accent: Rgb,
}

fn colors(theme: Theme) -> Colors {
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

/// The palette of `theme`, indexed by [`ink`].
pub fn palette(theme: Theme) -> [Rgb; PALETTE_LEN] {
    let c = colors(theme);
    let mut p = [[0u8; 3]; PALETTE_LEN];
    p[ink::BACKGROUND as usize] = c.background;
    p[ink::FOREGROUND as usize] = c.foreground;
    p[ink::BAR as usize] = c.bar;
    p[ink::GRID as usize] = c.grid;
    p[ink::ACCENT as usize] = c.accent;
    let n = u16::from(COVERAGE_LEVELS);
    for level in 1..COVERAGE_LEVELS {
        let a = u16::from(level);
        let mix = |k: usize| {
            ((u16::from(c.foreground[k]) * a + u16::from(c.background[k]) * (n - a) + n / 2) / n)
                as u8
        };
        p[text_ink(level) as usize] = [mix(0), mix(1), mix(2)];
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_colours_with_a_ramp_from_background_to_foreground() {
        assert_eq!(PALETTE_LEN, 16);
        for theme in [Theme::Light, Theme::Dark] {
            let p = palette(theme);
            let lum = |c: Rgb| u32::from(c[0]) + u32::from(c[1]) + u32::from(c[2]);
            let ramp: Vec<u32> = (1..=COVERAGE_LEVELS)
                .map(|l| lum(p[text_ink(l) as usize]))
                .collect();
            let monotonic = ramp.windows(2).all(|w| w[0] != w[1])
                && (ramp.windows(2).all(|w| w[0] > w[1]) || ramp.windows(2).all(|w| w[0] < w[1]));
            assert!(monotonic, "{theme:?}: {ramp:?}");
            assert_eq!(text_ink(COVERAGE_LEVELS), ink::FOREGROUND);
        }
    }
}
