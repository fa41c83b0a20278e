//! Float operations whose results IEEE 754 defines exactly (square root,
//! floor, ceiling, truncation) and rounding built on them, at the cost of
//! one wasm instruction. The `libm` crate computes these in software on
//! wasm32 unless its nightly-only intrinsics are enabled: a soft `sqrtf`
//! and `roundf` cost about a hundred fuel each, and an anti-aliased curve
//! pays them per pixel. std's methods compile to `f32.sqrt`, `f64.floor`
//! and so on in wasm and to the CPU's (or libc's) exact versions natively,
//! so the bits are the same on every target. `libm` stays for the functions
//! that are not exact (exp, log, pow), where only one implementation
//! everywhere gives the same bits.

/// `x` rounded to the nearest integer, halves away from zero: libm's
/// `roundf` (std's `f32::round` is a call to it in wasm). `x - trunc(x)` is
/// exact, and so is adding one to an integer below 2^23; larger `x` are
/// integers already.
pub fn roundf(x: f32) -> f32 {
    let t = x.trunc();
    if (x - t).abs() >= 0.5 {
        t + 1.0f32.copysign(x)
    } else {
        t
    }
}

/// [`roundf`] for `f64`: libm's `round`.
pub fn round(x: f64) -> f64 {
    let t = x.trunc();
    if (x - t).abs() >= 0.5 {
        t + 1.0f64.copysign(x)
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bit patterns across the whole range: every exponent, the edges
    /// (halves, the last fractional floats, subnormals, infinities, NaN).
    fn f32s() -> Vec<f32> {
        let mut rng = crate::test_rng::XorShift(0x2545_F491_4F6C_DD1D);
        let mut v: Vec<f32> = (0..200_000)
            .map(|_| f32::from_bits(rng.below(1 << 32) as u32))
            .collect();
        for x in [
            0.5f32,
            1.5,
            2.5,
            0.499_999_97,
            8_388_607.5,
            8_388_608.0,
            4_194_303.5,
            1e-45,
            f32::MIN_POSITIVE,
            f32::MAX,
            f32::INFINITY,
            f32::NAN,
            0.0,
            12.0,
        ] {
            v.extend([
                x,
                -x,
                f32::from_bits(x.to_bits() + 1),
                f32::from_bits(x.to_bits().saturating_sub(1)),
            ]);
        }
        v.extend((0..5000).map(|i| i as f32 / 400.0));
        v
    }

    fn same32(a: f32, b: f32) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    fn same64(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    #[test]
    fn the_exact_operations_are_libms_bit_for_bit() {
        for x in f32s() {
            assert!(same32(roundf(x), libm::roundf(x)), "roundf({x:e})");
            assert!(same32(x.sqrt(), libm::sqrtf(x)), "sqrtf({x:e})");
            assert!(same32(x.floor(), libm::floorf(x)), "floorf({x:e})");
            assert!(same32(x.ceil(), libm::ceilf(x)), "ceilf({x:e})");
            assert!(same32(x.trunc(), libm::truncf(x)), "truncf({x:e})");
        }
        let mut rng = crate::test_rng::XorShift(0x9E37_79B9_7F4A_7C15);
        let mut v: Vec<f64> = (0..200_000)
            .map(|_| f64::from_bits(rng.below(u64::MAX) ^ rng.below(1 << 63) << 1))
            .collect();
        for x in [
            0.5f64,
            2.5,
            0.499_999_999_999_999_94,
            4_503_599_627_370_495.5,
            5e-324,
            f64::MAX,
            f64::INFINITY,
            f64::NAN,
            0.0,
        ] {
            v.extend([
                x,
                -x,
                f64::from_bits(x.to_bits() + 1),
                f64::from_bits(x.to_bits().saturating_sub(1)),
            ]);
        }
        v.extend((0..5000).map(|i| f64::from(i) / 400.0));
        for x in v {
            assert!(same64(round(x), libm::round(x)), "round({x:e})");
            assert!(same64(x.sqrt(), libm::sqrt(x)), "sqrt({x:e})");
            assert!(same64(x.floor(), libm::floor(x)), "floor({x:e})");
            assert!(same64(x.ceil(), libm::ceil(x)), "ceil({x:e})");
            assert!(same64(x.trunc(), libm::trunc(x)), "trunc({x:e})");
        }
    }
}
