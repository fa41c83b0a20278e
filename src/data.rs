//! The numbers a chart shows: seeded standard-normal draws, or the user's values.
//!
//! The generator is ChaCha12 (`rand`'s `StdRng`) and the normal transform uses
//! `libm`, so the same seed gives the same draws bit for bit on every target.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use sha2::{Digest, Sha256};

use crate::spec::Data;

/// The seed of a named chart: SHA-256 of a domain tag and the name.
pub fn seed_for_name(name: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"edgechart/draws/v1\0");
    h.update(name.as_bytes());
    h.finalize().into()
}

/// The chart's numbers: the user's values, or `n` draws from the seed.
pub fn samples(data: &Data, seed: [u8; 32]) -> Vec<f64> {
    match data {
        Data::Values(v) => v.clone(),
        Data::Draws { n } => normal_draws(*n as usize, seed),
    }
}

/// `n` draws from the standard normal distribution (Marsaglia's polar method).
pub fn normal_draws(n: usize, seed: [u8; 32]) -> Vec<f64> {
    let mut rng = StdRng::from_seed(seed);
    let mut out = Vec::with_capacity(n + 1);
    while out.len() < n {
        let u = 2.0 * rng.random::<f64>() - 1.0;
        let v = 2.0 * rng.random::<f64>() - 1.0;
        let s = u * u + v * v;
        if s >= 1.0 || s == 0.0 {
            continue;
        }
        let k = libm::sqrt(-2.0 * libm::log(s) / s);
        out.push(u * k);
        out.push(v * k);
    }
    out.truncate(n);
    out
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
        let within1 = d.iter().filter(|x| x.abs() < 1.0).count() as f64 / d.len() as f64;
        assert!((within1 - 0.6827).abs() < 0.01, "P(|x|<1) = {within1}");
    }

    #[test]
    fn odd_counts_are_exact() {
        for n in [1, 2, 3, 999, 1001] {
            assert_eq!(normal_draws(n, [7; 32]).len(), n);
        }
    }
}
