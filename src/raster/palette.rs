//! The fixed 16-entry palette every PNG is drawn and encoded with: a 4-bit
//! indexed PNG, one index per ink role, and the foreground's anti-aliasing
//! ramp over the background for text.

use crate::chart::scene::Ink;
use crate::chart::theme::{color, Colors, Rgb};
use crate::raster::text::COVERAGE_LEVELS;

/// The palette index of an ink role.
pub fn index(ink: Ink) -> u8 {
    ink as u8
}

/// Anti-aliased text: `TEXT_RAMP + level - 1` is the foreground at
/// `level / COVERAGE_LEVELS` over the background, for partial levels.
const TEXT_RAMP: u8 = Ink::ALL.len() as u8;

/// The palette index for text in `ink` at coverage `level`
/// (0 < level <= COVERAGE_LEVELS); the ramp is the foreground's.
pub fn text_index(ink: Ink, level: u8) -> u8 {
    if level >= COVERAGE_LEVELS || ink != Ink::Foreground {
        index(ink)
    } else {
        TEXT_RAMP + level - 1
    }
}

/// Number of palette entries: the roles and the partial text levels.
pub const PALETTE_LEN: usize = TEXT_RAMP as usize + COVERAGE_LEVELS as usize - 1;

/// The palette of `colors`, indexed by [`index`] and [`text_index`].
pub fn palette(colors: Colors) -> [Rgb; PALETTE_LEN] {
    let mut p = [[0u8; 3]; PALETTE_LEN];
    for ink in Ink::ALL {
        p[index(ink) as usize] = color(colors, ink);
    }
    let (fg, bg) = (
        color(colors, Ink::Foreground),
        color(colors, Ink::Background),
    );
    let n = u16::from(COVERAGE_LEVELS);
    for level in 1..COVERAGE_LEVELS {
        let a = u16::from(level);
        let mix =
            |k: usize| ((u16::from(fg[k]) * a + u16::from(bg[k]) * (n - a) + n / 2) / n) as u8;
        p[text_index(Ink::Foreground, level) as usize] = [mix(0), mix(1), mix(2)];
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_colours_with_a_ramp_from_background_to_foreground() {
        assert_eq!(PALETTE_LEN, 16);
        for colors in [Colors::Light, Colors::Dark] {
            let p = palette(colors);
            let lum = |c: Rgb| u32::from(c[0]) + u32::from(c[1]) + u32::from(c[2]);
            let ramp: Vec<u32> = (1..=COVERAGE_LEVELS)
                .map(|l| lum(p[text_index(Ink::Foreground, l) as usize]))
                .collect();
            let monotonic = ramp.windows(2).all(|w| w[0] != w[1])
                && (ramp.windows(2).all(|w| w[0] > w[1]) || ramp.windows(2).all(|w| w[0] < w[1]));
            assert!(monotonic, "{colors:?}: {ramp:?}");
            assert_eq!(
                text_index(Ink::Foreground, COVERAGE_LEVELS),
                index(Ink::Foreground)
            );
        }
    }
}
