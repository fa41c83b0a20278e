//! The byte loops the PNG encoder runs over a whole image, sixteen bytes at
//! a time in wasm (SIMD128) and eight elsewhere. Fuel counts every wasm
//! operation, locals and constants included, and one vector operation does
//! sixteen bytes' work for the price of one: at 4 million pixels a scalar
//! loop is a fifth of a request's budget. Both paths give the same answers
//! (the harness checks wasm bytes against native ones).

fn word(c: &[u8]) -> u64 {
    u64::from_le_bytes(c.try_into().expect("8 bytes"))
}

/// Whether `a` and `b` hold the same bytes.
pub fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let Some(i) = simd::same_head(a, b) else {
        return false;
    };
    let (a, b) = (&a[i..], &b[i..]);
    a.chunks_exact(8)
        .zip(b.chunks_exact(8))
        .all(|(x, y)| word(x) == word(y))
        && a.chunks_exact(8).remainder() == b.chunks_exact(8).remainder()
}

/// How many leading bytes `a` and `b` share (up to the shorter's length).
pub fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut len = match simd::prefix_head(a, b) {
        Ok(checked) => checked,
        Err(differs_at) => return differs_at,
    };
    for (cx, cy) in a[len..].chunks_exact(8).zip(b[len..].chunks_exact(8)) {
        let diff = word(cx) ^ word(cy);
        if diff != 0 {
            return len + (diff.trailing_zeros() / 8) as usize;
        }
        len += 8;
    }
    len + a[len..]
        .iter()
        .zip(&b[len..])
        .take_while(|(p, q)| p == q)
        .count()
}

/// Packs indices below 16 two to a byte, the first in the high nibble:
/// `dst` holds `src.len().div_ceil(2)` bytes (an odd last index gets a zero
/// low nibble).
pub fn pack_nibbles(src: &[u8], dst: &mut [u8]) {
    let i = simd::pack_head(src, dst);
    let (src, dst) = (&src[i..], &mut dst[i / 2..]);
    let whole = src.len() / 8;
    for (px, bytes) in src.chunks_exact(8).zip(dst.chunks_exact_mut(4)) {
        bytes.copy_from_slice(&pack8(word(px)));
    }
    let (tail, dst_tail) = (&src[whole * 8..], &mut dst[whole * 4..]);
    for (pair, byte) in tail.chunks(2).zip(dst_tail.iter_mut()) {
        *byte = (pair[0] << 4) | pair.get(1).copied().unwrap_or(0);
    }
}

/// Eight one-byte indices (first in the low byte) as four packed bytes:
/// a few shifts instead of eight loads and stores.
fn pack8(x: u64) -> [u8; 4] {
    const LOW_NIBBLES: u64 = 0x000F_000F_000F_000F;
    // Each 16-bit lane: (even pixel << 4) | odd pixel, in its low byte.
    let pairs = ((x & LOW_NIBBLES) << 4) | ((x >> 8) & LOW_NIBBLES);
    let halves = (pairs | (pairs >> 8)) & 0x0000_FFFF_0000_FFFF;
    let packed = (halves | (halves >> 16)) as u32;
    packed.to_le_bytes()
}

/// The vector heads of the loops above: each does what it can 32 to 128
/// bytes at a time and says how far it got (elsewhere, nothing: 0).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::*;

    /// `None` if the 128-byte blocks differ, else how many bytes they cover.
    pub fn same_head(a: &[u8], b: &[u8]) -> Option<usize> {
        let mut i = 0;
        while i + 128 <= a.len().min(b.len()) {
            // SAFETY: both slices hold 128 bytes from `i`; v128.load needs
            // no alignment.
            let differ = unsafe {
                let p = a.as_ptr().add(i) as *const v128;
                let q = b.as_ptr().add(i) as *const v128;
                let d = |k: usize| v128_xor(v128_load(p.add(k)), v128_load(q.add(k)));
                let low = v128_or(v128_or(d(0), d(1)), v128_or(d(2), d(3)));
                let high = v128_or(v128_or(d(4), d(5)), v128_or(d(6), d(7)));
                v128_any_true(v128_or(low, high))
            };
            if differ {
                return None;
            }
            i += 128;
        }
        Some(i)
    }

    /// `Err(at)` for the first differing byte among the 32-byte blocks,
    /// else `Ok` of how many bytes they cover.
    pub fn prefix_head(a: &[u8], b: &[u8]) -> Result<usize, usize> {
        let mut len = 0;
        while len + 32 <= a.len().min(b.len()) {
            // SAFETY: both slices hold 32 bytes from `len`.
            let (low, high) = unsafe {
                let p = a.as_ptr().add(len) as *const v128;
                let q = b.as_ptr().add(len) as *const v128;
                (
                    i8x16_eq(v128_load(p), v128_load(q)),
                    i8x16_eq(v128_load(p.add(1)), v128_load(q.add(1))),
                )
            };
            if !i8x16_all_true(v128_and(low, high)) {
                let equal = u32::from(i8x16_bitmask(low)) | u32::from(i8x16_bitmask(high)) << 16;
                return Err(len + (!equal).trailing_zeros() as usize);
            }
            len += 32;
        }
        Ok(len)
    }

    /// Packs 32 indices at a time; returns how many it packed.
    pub fn pack_head(src: &[u8], dst: &mut [u8]) -> usize {
        // Each 16-bit lane holds an even index (low byte) and the odd one
        // after it (high byte); the byte wanted is even << 4 | odd.
        let pairs = |v: v128| {
            v128_and(
                v128_or(i16x8_shl(v, 4), u16x8_shr(v, 8)),
                u16x8_splat(0x00FF),
            )
        };
        let mut i = 0;
        while i + 32 <= src.len() && i / 2 + 16 <= dst.len() {
            // SAFETY: 32 bytes are read from `src` at `i` and 16 written to
            // `dst` at `i / 2`, both in bounds (checked above).
            unsafe {
                let p = src.as_ptr().add(i) as *const v128;
                let bytes = u8x16_narrow_i16x8(pairs(v128_load(p)), pairs(v128_load(p.add(1))));
                v128_store(dst.as_mut_ptr().add(i / 2) as *mut v128, bytes);
            }
            i += 32;
        }
        i
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod simd {
    pub fn same_head(_: &[u8], _: &[u8]) -> Option<usize> {
        Some(0)
    }
    pub fn prefix_head(_: &[u8], _: &[u8]) -> Result<usize, usize> {
        Ok(0)
    }
    pub fn pack_head(_: &[u8], _: &mut [u8]) -> usize {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::XorShift;

    #[test]
    fn same_finds_any_difference() {
        let a: Vec<u8> = (0..300u32).map(|i| (i * 7 % 13) as u8).collect();
        for n in [0, 1, 7, 8, 15, 16, 63, 64, 65, 128, 300] {
            assert!(same(&a[..n], &a[..n]));
            for at in 0..n {
                let mut b = a[..n].to_vec();
                b[at] ^= 0x10;
                assert!(!same(&a[..n], &b), "n {n} at {at}");
            }
        }
        assert!(!same(&a[..3], &a[..4]));
    }

    #[test]
    fn common_prefix_stops_at_the_first_difference() {
        let a: Vec<u8> = (0..258u32).map(|i| (i % 5) as u8).collect();
        for n in [0, 1, 8, 15, 16, 17, 100, 258] {
            assert_eq!(common_prefix(&a[..n], &a[..n]), n);
            for at in 0..n {
                let mut b = a[..n].to_vec();
                b[at] = 9;
                assert_eq!(common_prefix(&a[..n], &b), at, "n {n} at {at}");
            }
        }
        assert_eq!(common_prefix(&a[..10], &a[..4]), 4);
    }

    #[test]
    fn packs_like_the_nibble_rule() {
        let mut rng = XorShift(0xFACE_B00C_0000_0001);
        for n in 0..100usize {
            let src: Vec<u8> = (0..n).map(|_| rng.below(16) as u8).collect();
            let mut dst = vec![0xEEu8; n.div_ceil(2)];
            pack_nibbles(&src, &mut dst);
            let want: Vec<u8> = src
                .chunks(2)
                .map(|p| (p[0] << 4) | p.get(1).copied().unwrap_or(0))
                .collect();
            assert_eq!(dst, want, "{n} indices");
        }
    }
}
