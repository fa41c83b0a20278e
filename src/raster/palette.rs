//! The palette a PNG is drawn with. It starts as the 16 colours every
//! chart used to have (the roles, the first series, and the foreground's
//! anti-aliasing ramp over the background), so a chart that needs no more
//! stays a 4-bit PNG with the bytes it always had; colours that other
//! series, overlaps and curves need are added as they are painted, up to
//! 256 (an 8-bit PNG). Past 256 a colour takes the nearest one present.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::chart::scene::Ink;
use crate::chart::theme::{Inks, Rgb};
use crate::raster::text::COVERAGE_LEVELS;

/// The most colours a palette PNG can hold.
pub const PALETTE_MAX: usize = 256;

/// The starting entries, in their historic order: background, foreground,
/// series 0, grid, accent, then the text ramp.
const SEED_INKS: [Ink; 5] = [
    Ink::Background,
    Ink::Foreground,
    Ink::Series(0),
    Ink::Grid,
    Ink::Accent,
];

/// FNV-1a: a palette is looked up for every rectangle and new blend, and
/// the glyph cache for every glyph drawn; SipHash's keyed rounds cost more
/// than the work (no hostile keys reach either: colours and glyph numbers
/// come from the chart).
#[derive(Default)]
pub struct Fnv(u64);

/// A `HashMap` hasher of [`Fnv`].
pub type FnvBuild = BuildHasherDefault<Fnv>;

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// An indexed palette that grows on demand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Palette {
    pub colors: Vec<Rgb>,
    index: HashMap<Rgb, u8, FnvBuild>,
}

impl Palette {
    /// The 16 starting colours of `inks`.
    pub fn new(inks: &Inks) -> Palette {
        let mut p = Palette {
            colors: Vec::with_capacity(32),
            index: HashMap::default(),
        };
        for ink in SEED_INKS {
            p.push(inks.rgb(ink));
        }
        let (fg, bg) = (inks.rgb(Ink::Foreground), inks.rgb(Ink::Background));
        for level in 1..COVERAGE_LEVELS {
            p.push(mix(fg, bg, u16::from(level), u16::from(COVERAGE_LEVELS)));
        }
        p
    }

    fn push(&mut self, c: Rgb) {
        self.index.entry(c).or_insert(self.colors.len() as u8);
        self.colors.push(c);
    }

    /// The index of colour `c`, added if new (the nearest one once full).
    pub fn intern(&mut self, c: Rgb) -> u8 {
        if let Some(&i) = self.index.get(&c) {
            return i;
        }
        if self.colors.len() < PALETTE_MAX {
            let i = self.colors.len() as u8;
            self.push(c);
            return i;
        }
        let i = nearest(&self.colors, c);
        // Remembered, so the search is made once per colour.
        self.index.insert(c, i as u8);
        i as u8
    }
}

/// The first of `colors` at the least squared distance from `c` (0 for
/// none). A colour is left as soon as its distance so far, channel by
/// channel, reaches the best one's: the sums only grow, so the same one
/// is found as by comparing whole distances, in a fraction of the work
/// (a full palette is searched for every new blend of a busy chart).
fn nearest(colors: &[Rgb], c: Rgb) -> usize {
    let sq = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
    let (mut best, mut least) = (0, i32::MAX);
    for (i, p) in colors.iter().enumerate() {
        let mut d = sq(p[0], c[0]);
        if d >= least {
            continue;
        }
        d += sq(p[1], c[1]);
        if d >= least {
            continue;
        }
        d += sq(p[2], c[2]);
        if d < least {
            (best, least) = (i, d);
        }
    }
    best
}

/// `over` at `a / n` opacity on `under`, rounded, per channel: the text
/// ramp's formula, so text on the background lands on the ramp exactly.
pub fn mix(over: Rgb, under: Rgb, a: u16, n: u16) -> Rgb {
    let m = |k: usize| ((u16::from(over[k]) * a + u16::from(under[k]) * (n - a) + n / 2) / n) as u8;
    [m(0), m(1), m(2)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::theme::Colors;

    /// The pruned search finds what comparing every whole distance finds,
    /// the first of equals included: random palettes (with repeats and
    /// ties) and colours.
    #[test]
    fn nearest_is_the_first_least_distance() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut byte = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        };
        for round in 0..2_000 {
            let n = 1 + usize::from(byte()) % PALETTE_MAX;
            // Few distinct channel values in some rounds, so ties are common.
            let coarse = round % 2 == 0;
            let mut pick = || if coarse { byte() & 0xC0 } else { byte() };
            let colors: Vec<Rgb> = (0..n).map(|_| [pick(), pick(), pick()]).collect();
            for _ in 0..20 {
                let c = [pick(), pick(), pick()];
                let dist = |p: &Rgb| {
                    (0..3)
                        .map(|k| (i32::from(p[k]) - i32::from(c[k])).pow(2))
                        .sum::<i32>()
                };
                let want = colors
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, p)| dist(p))
                    .map_or(0, |(i, _)| i);
                assert_eq!(nearest(&colors, c), want, "{c:?} in {colors:?}");
            }
        }
        assert_eq!(nearest(&[], [1, 2, 3]), 0);
    }

    #[test]
    fn sixteen_colours_with_a_ramp_from_background_to_foreground() {
        for colors in [Colors::Light, Colors::Dark] {
            let p = Palette::new(&Inks::new(colors, &[], 1));
            assert_eq!(p.colors.len(), 16);
            let lum = |c: Rgb| u32::from(c[0]) + u32::from(c[1]) + u32::from(c[2]);
            let ramp: Vec<u32> = p.colors[5..].iter().map(|&c| lum(c)).collect();
            let monotonic = ramp.windows(2).all(|w| w[0] != w[1])
                && (ramp.windows(2).all(|w| w[0] > w[1]) || ramp.windows(2).all(|w| w[0] < w[1]));
            assert!(monotonic, "{colors:?}: {ramp:?}");
            let distinct: std::collections::HashSet<_> = p.colors.iter().collect();
            assert_eq!(
                distinct.len(),
                16,
                "{colors:?}: the seed colours must differ"
            );
        }
    }

    #[test]
    fn grows_to_256_then_takes_the_nearest() {
        let mut p = Palette::new(&Inks::new(Colors::Light, &[], 1));
        for i in 0..240u32 {
            let c = [(i * 7) as u8, (i * 13) as u8, 77];
            p.intern(c);
        }
        assert_eq!(p.colors.len(), 256);
        let near = p.intern([0xfe, 0xff, 0xff]);
        assert_eq!(p.colors[near as usize], [0xff, 0xff, 0xff]);
        assert_eq!(p.colors.len(), 256);
    }
}
