//! The numbers a chart shows: seeded standard-normal draws, or the user's values.
//!
//! The generator is xoshiro256++ (`rand`'s `Xoshiro256PlusPlus`, a fixed
//! algorithm of 64-bit integer steps, unlike `SmallRng` which differs on
//! 32-bit targets such as wasm32) and the normal transform uses `libm`, so the
//! same seed gives the same draws bit for bit on every target. With the
//! ziggurat below, a draw costs about a tenth of a ChaCha12 + polar-method
//! draw inside wasm, which matters at 100,000 draws; charts need
//! statistical quality, not secrecy.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};
use sha2::{Digest, Sha256};

use crate::spec::Data;

/// The seed of a named chart: SHA-256 of a domain tag and the name.
pub fn seed_for_name(name: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"edgechart/draws/v1\0");
    h.update(name.as_bytes());
    h.finalize().into()
}

/// The numbers of a chart of draws: `n` from the seed (none for other data).
pub fn samples(data: &Data, seed: [u8; 32]) -> Vec<f64> {
    match data {
        Data::Draws { n } => normal_draws(*n as usize, seed),
        Data::Values(_) | Data::Counts { .. } => Vec::new(),
    }
}

/// `n` draws from the standard normal distribution: Marsaglia and Tsang's
/// ziggurat in Doornik's ZIGNOR form (128 layers). Almost every draw costs
/// one 64-bit number, a multiply and a compare; only edges and the tail
/// reach `exp` and `log`, all from `libm`.
pub fn normal_draws(n: usize, seed: [u8; 32]) -> Vec<f64> {
    let mut rng = Xoshiro256PlusPlus::from_seed(seed);
    let z = ziggurat();
    (0..n).map(|_| normal(&mut rng, z)).collect()
}

const ZIG_LAYERS: usize = 128;
const ZIG_R: f64 = 3.442_619_855_899;
const ZIG_V: f64 = 9.912_563_035_262_17e-3;

struct Ziggurat {
    x: [f64; ZIG_LAYERS + 1],
    ratio: [f64; ZIG_LAYERS],
}

fn ziggurat() -> &'static Ziggurat {
    static TABLES: std::sync::OnceLock<Ziggurat> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let mut x = [0.0; ZIG_LAYERS + 1];
        let mut f = libm::exp(-0.5 * ZIG_R * ZIG_R);
        x[0] = ZIG_V / f;
        x[1] = ZIG_R;
        for i in 2..ZIG_LAYERS {
            x[i] = (-2.0 * libm::log(ZIG_V / x[i - 1] + f)).sqrt();
            f = libm::exp(-0.5 * x[i] * x[i]);
        }
        let ratio = std::array::from_fn(|i| x[i + 1] / x[i]);
        Ziggurat { x, ratio }
    })
}

/// A uniform number in (0, 1) from the top 53 bits.
fn open01(bits: u64) -> f64 {
    ((bits >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

fn normal(rng: &mut Xoshiro256PlusPlus, z: &Ziggurat) -> f64 {
    loop {
        let bits = rng.next_u64();
        let i = (bits & 0x7f) as usize;
        let u = 2.0 * open01(bits) - 1.0;
        if u.abs() < z.ratio[i] {
            return u * z.x[i];
        }
        if i == 0 {
            return tail(rng, u < 0.0);
        }
        let x = u * z.x[i];
        let f0 = libm::exp(-0.5 * (z.x[i] * z.x[i] - x * x));
        let f1 = libm::exp(-0.5 * (z.x[i + 1] * z.x[i + 1] - x * x));
        if f1 + open01(rng.next_u64()) * (f0 - f1) < 1.0 {
            return x;
        }
    }
}

/// Beyond the base layer: Marsaglia's tail method.
fn tail(rng: &mut Xoshiro256PlusPlus, negative: bool) -> f64 {
    loop {
        let x = libm::log(open01(rng.next_u64())) / ZIG_R;
        let y = libm::log(open01(rng.next_u64()));
        if -2.0 * y >= x * x {
            return if negative { x - ZIG_R } else { ZIG_R - x };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_draws_other_seed_other_draws() {
        let a = normal_draws(1000, seed_for_name("a"));
        assert_eq!(a, normal_draws(1000, seed_for_name("a")));
        assert_ne!(a, normal_draws(1000, seed_for_name("b")));
        assert_eq!(a.len(), 1000);
    }

    #[test]
    fn draws_look_standard_normal() {
        let d = normal_draws(100_000, seed_for_name("stats"));
        let mean = d.iter().sum::<f64>() / d.len() as f64;
        let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / d.len() as f64;
        assert!(mean.abs() < 0.02, "mean {mean}");
        assert!((var - 1.0).abs() < 0.02, "variance {var}");
        let share = |k: f64| d.iter().filter(|x| x.abs() < k).count() as f64 / d.len() as f64;
        assert!(
            (share(1.0) - 0.6827).abs() < 0.01,
            "P(|x|<1) = {}",
            share(1.0)
        );
        assert!(
            (share(2.0) - 0.9545).abs() < 0.005,
            "P(|x|<2) = {}",
            share(2.0)
        );
        // The tail (beyond the ziggurat's base, 3.44) is drawn too.
        let beyond = d.iter().filter(|x| x.abs() > ZIG_R).count();
        assert!(
            (30..=150).contains(&beyond),
            "{beyond} of 100000 beyond {ZIG_R}, expected about 58"
        );
        let skew = d.iter().map(|x| (x - mean).powi(3)).sum::<f64>() / d.len() as f64;
        assert!(skew.abs() < 0.03, "skewness {skew}");
    }

    #[test]
    fn odd_counts_are_exact() {
        for n in [1, 2, 3, 999, 1001] {
            assert_eq!(normal_draws(n, [7; 32]).len(), n);
        }
    }
}
