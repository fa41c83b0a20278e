//! A zlib stream (RFC 1950/1951) for PNG image data, tuned for chart rasters.
//!
//! Why not a general compressor: a chart is mostly flat colour, repeated
//! rows and a few glyphs. The bytes that matter are found by three cheap
//! probes per position: the byte before (horizontal runs), the same byte one
//! row up (vertical repeats: bars, axes, background), and the last place the
//! next four bytes were seen (repeated glyphs and tick marks). One dynamic
//! Huffman block then gives the frequent "repeat the row above" tokens codes
//! of a bit or two. That is smaller than fdeflate (which only finds runs of
//! zeros) and far cheaper than miniz's hash chains, in bytes and in wasm fuel.

/// The longest match and farthest distance deflate can express.
const MAX_MATCH: usize = 258;
const MIN_MATCH: usize = 3;
const WINDOW: usize = 32_768;
const HASH_BITS: u32 = 14;
/// Matches shorter than this index every position they cover, so the next
/// glyph or tick that repeats them is found; longer ones (runs, whole rows)
/// would cost more fuel than they find.
const INDEX_INSIDE_BELOW: usize = 32;

const LEN_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LEN_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];
/// The order in which code-length code lengths are sent (RFC 1951 3.2.7).
const CL_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];
const END_OF_BLOCK: usize = 256;

/// Compresses `data` into a zlib stream. `row_len` is the distance to the
/// same byte in the previous row (PNG: bytes per row plus the filter byte).
pub fn zlib(data: &[u8], row_len: usize) -> Vec<u8> {
    let tokens = parse(data, row_len);
    let mut out = BitWriter::with_capacity(tokens.len() / 2 + 64);
    // CMF: deflate, 32 KiB window; FLG: no dictionary, check bits.
    out.bytes(&[0x78, 0x01]);
    write_block(&mut out, &tokens);
    let mut bytes = out.finish();
    bytes.extend_from_slice(&adler32(data).to_be_bytes());
    bytes
}

/// One LZ77 token: a literal byte (`dist == 0`) or a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Token {
    dist: u16,
    /// The byte for a literal, the match length otherwise.
    len_or_byte: u16,
}

/// Greedy LZ77 over the three probes; ties go to the nearer distance,
/// whose code is cheaper.
fn parse(data: &[u8], row_len: usize) -> Vec<Token> {
    let n = data.len();
    let mut tokens = Vec::with_capacity(n / 64 + 16);
    let mut head = vec![u32::MAX; 1 << HASH_BITS];
    let mut i = 0;
    while i < n {
        let max = (n - i).min(MAX_MATCH);
        let (mut best_len, mut best_dist) = (0, 0);
        if max >= MIN_MATCH {
            for dist in [1, row_len] {
                if best_len == max {
                    break;
                }
                if dist == 0 || dist > i || dist > WINDOW || dist == best_dist {
                    continue;
                }
                let len = match_len(data, i - dist, i, max);
                if len > best_len {
                    (best_len, best_dist) = (len, dist);
                }
            }
            if best_len < max && i + 4 <= n {
                let h = hash4(data, i);
                let prev = head[h];
                head[h] = i as u32;
                if prev != u32::MAX {
                    let dist = i - prev as usize;
                    if dist <= WINDOW {
                        let len = match_len(data, prev as usize, i, max);
                        if len > best_len {
                            (best_len, best_dist) = (len, dist);
                        }
                    }
                }
            }
        }
        if best_len >= MIN_MATCH {
            tokens.push(Token {
                dist: best_dist as u16,
                len_or_byte: best_len as u16,
            });
            if best_len < INDEX_INSIDE_BELOW {
                for j in i + 1..(i + best_len).min(n.saturating_sub(3)) {
                    head[hash4(data, j)] = j as u32;
                }
            }
            i += best_len;
        } else {
            tokens.push(Token {
                dist: 0,
                len_or_byte: data[i] as u16,
            });
            i += 1;
        }
    }
    tokens
}

fn hash4(data: &[u8], i: usize) -> usize {
    let v = u32::from_le_bytes([data[i], data[i + 1], data[i + 2], data[i + 3]]);
    (v.wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)) as usize
}

/// How many bytes from `b` repeat those from `a` (`a < b`), up to `max`.
/// Eight at a time over two bounded slices, so the loop carries no bounds
/// checks: the comparison is most of the parse's work.
fn match_len(data: &[u8], a: usize, b: usize, max: usize) -> usize {
    let (x, y) = (&data[a..a + max], &data[b..b + max]);
    let mut len = 0;
    for (cx, cy) in x.chunks_exact(8).zip(y.chunks_exact(8)) {
        let diff =
            u64::from_le_bytes(cx.try_into().unwrap()) ^ u64::from_le_bytes(cy.try_into().unwrap());
        if diff != 0 {
            return len + (diff.trailing_zeros() / 8) as usize;
        }
        len += 8;
    }
    len + x[len..]
        .iter()
        .zip(&y[len..])
        .take_while(|(p, q)| p == q)
        .count()
}

/// Length symbol (257..=285) for a match length.
fn len_symbol(len: usize) -> usize {
    257 + LEN_BASE.partition_point(|&b| b as usize <= len) - 1
}

/// Distance symbol (0..=29) for a distance.
fn dist_symbol(dist: usize) -> usize {
    DIST_BASE.partition_point(|&b| b as usize <= dist) - 1
}

/// Writes the tokens as one final block with dynamic Huffman codes.
fn write_block(out: &mut BitWriter, tokens: &[Token]) {
    let mut lit_freq = [0u32; 286];
    let mut dist_freq = [0u32; 30];
    let mut symbols = Vec::with_capacity(tokens.len());
    for t in tokens {
        if t.dist == 0 {
            lit_freq[t.len_or_byte as usize] += 1;
            symbols.push((t.len_or_byte, 0u16));
        } else {
            let (ls, ds) = (
                len_symbol(t.len_or_byte as usize),
                dist_symbol(t.dist as usize),
            );
            lit_freq[ls] += 1;
            dist_freq[ds] += 1;
            symbols.push((ls as u16, ds as u16));
        }
    }
    lit_freq[END_OF_BLOCK] += 1;
    let lit_lens = code_lengths(&lit_freq, 15);
    let dist_lens = code_lengths(&dist_freq, 15);
    let lit_codes = canonical_codes(&lit_lens);
    let dist_codes = canonical_codes(&dist_lens);

    let nlit = 257.max(last_used(&lit_lens));
    let ndist = 1.max(last_used(&dist_lens));
    let mut all = lit_lens[..nlit].to_vec();
    all.extend_from_slice(&dist_lens[..ndist]);
    let runs = run_length(&all);
    let mut cl_freq = [0u32; 19];
    for &(sym, _) in &runs {
        cl_freq[sym as usize] += 1;
    }
    let cl_lens = code_lengths(&cl_freq, 7);
    let cl_codes = canonical_codes(&cl_lens);
    let ncl = 4.max(
        CL_ORDER
            .iter()
            .rposition(|&s| cl_lens[s] != 0)
            .map_or(0, |p| p + 1),
    );

    out.bits(1, 1); // BFINAL
    out.bits(2, 2); // BTYPE = dynamic Huffman
    out.bits((nlit - 257) as u32, 5);
    out.bits((ndist - 1) as u32, 5);
    out.bits((ncl - 4) as u32, 4);
    for &s in &CL_ORDER[..ncl] {
        out.bits(cl_lens[s] as u32, 3);
    }
    for &(sym, extra) in &runs {
        out.code(cl_codes[sym as usize], cl_lens[sym as usize]);
        match sym {
            16 => out.bits(extra as u32, 2),
            17 => out.bits(extra as u32, 3),
            18 => out.bits(extra as u32, 7),
            _ => {}
        }
    }
    for (t, &(ls, ds)) in tokens.iter().zip(&symbols) {
        let ls = ls as usize;
        out.code(lit_codes[ls], lit_lens[ls]);
        if t.dist != 0 {
            let li = ls - 257;
            out.bits((t.len_or_byte - LEN_BASE[li]) as u32, LEN_EXTRA[li] as u32);
            let di = ds as usize;
            out.code(dist_codes[di], dist_lens[di]);
            out.bits((t.dist - DIST_BASE[di]) as u32, DIST_EXTRA[di] as u32);
        }
    }
    out.code(lit_codes[END_OF_BLOCK], lit_lens[END_OF_BLOCK]);
}

fn last_used(lens: &[u8]) -> usize {
    lens.iter().rposition(|&l| l != 0).map_or(0, |p| p + 1)
}

/// Code lengths as the code-length alphabet: symbol 0..=15 a length, 16
/// repeats the previous length 3..=6 times, 17 and 18 give 3..=10 and
/// 11..=138 zeros. Each pair is (symbol, extra-bits value).
fn run_length(lens: &[u8]) -> Vec<(u8, u8)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lens.len() {
        let l = lens[i];
        let run = lens[i..].iter().take_while(|&&x| x == l).count();
        if l == 0 && run >= 3 {
            let n = run.min(138);
            if n >= 11 {
                out.push((18, (n - 11) as u8));
            } else {
                out.push((17, (n - 3) as u8));
            }
            i += n;
        } else if l != 0 && run >= 4 {
            out.push((l, 0));
            let n = (run - 1).min(6);
            out.push((16, (n - 3) as u8));
            i += 1 + n;
        } else {
            out.push((l, 0));
            i += 1;
        }
    }
    out
}

/// Huffman code lengths for `freq`, none longer than `limit`. Where the
/// optimal tree is too deep, the frequencies are flattened (halved, keeping
/// every used symbol at least 1) and the tree rebuilt; it always ends,
/// because equal frequencies give a balanced tree. A lone symbol (or none:
/// symbol 0) gets a partner so that every code is complete.
fn code_lengths(freq: &[u32], limit: u8) -> Vec<u8> {
    if freq.iter().filter(|&&x| x > 0).count() < 2 {
        let only = freq.iter().position(|&x| x > 0).unwrap_or(0);
        let mut lens = vec![0; freq.len()];
        lens[only] = 1;
        lens[if only == 0 { 1 } else { 0 }] = 1;
        return lens;
    }
    let mut f = freq.to_vec();
    loop {
        let lens = huffman_lengths(&f);
        if lens.iter().all(|&l| l <= limit) {
            return lens;
        }
        for x in f.iter_mut().filter(|x| **x > 0) {
            *x = (*x).div_ceil(2);
        }
    }
}

/// Optimal (unlimited) Huffman code lengths, by the two-queue method over
/// the leaves sorted by frequency.
fn huffman_lengths(freq: &[u32]) -> Vec<u8> {
    let mut leaves: Vec<(u32, usize)> = freq
        .iter()
        .enumerate()
        .filter(|(_, &f)| f > 0)
        .map(|(s, &f)| (f, s))
        .collect();
    leaves.sort_unstable();
    let n = leaves.len();
    // Nodes 0..n are leaves, n.. are internal; parent[] links upwards.
    let mut weight: Vec<u64> = leaves.iter().map(|&(f, _)| f as u64).collect();
    let mut parent = vec![usize::MAX; 2 * n - 1];
    let (mut next_leaf, mut next_inner) = (0, n);
    let take = |weight: &Vec<u64>, next_leaf: &mut usize, next_inner: &mut usize| {
        let leaf_ok = *next_leaf < n;
        let inner_ok = *next_inner < weight.len();
        if leaf_ok && (!inner_ok || weight[*next_leaf] <= weight[*next_inner]) {
            *next_leaf += 1;
            *next_leaf - 1
        } else {
            *next_inner += 1;
            *next_inner - 1
        }
    };
    for node in n..2 * n - 1 {
        let a = take(&weight, &mut next_leaf, &mut next_inner);
        let b = take(&weight, &mut next_leaf, &mut next_inner);
        weight.push(weight[a] + weight[b]);
        parent[a] = node;
        parent[b] = node;
    }
    let mut depth = vec![0u8; 2 * n - 1];
    for node in (0..2 * n - 2).rev() {
        depth[node] = depth[parent[node]] + 1;
    }
    let mut lens = vec![0u8; freq.len()];
    for (i, &(_, s)) in leaves.iter().enumerate() {
        lens[s] = depth[i];
    }
    lens
}

/// Canonical codes for the lengths (RFC 1951 3.2.2), bit-reversed because
/// deflate sends Huffman codes from their first bit while [`BitWriter`]
/// fills bytes from the least significant bit.
fn canonical_codes(lens: &[u8]) -> Vec<u32> {
    let mut count = [0u32; 16];
    for &l in lens {
        count[l as usize] += 1;
    }
    count[0] = 0;
    let mut next = [0u32; 16];
    let mut code = 0;
    for bits in 1..16 {
        code = (code + count[bits - 1]) << 1;
        next[bits] = code;
    }
    lens.iter()
        .map(|&l| {
            if l == 0 {
                return 0;
            }
            let c = next[l as usize];
            next[l as usize] += 1;
            c.reverse_bits() >> (32 - l as u32)
        })
        .collect()
}

/// Bits into bytes, least significant bit first (RFC 1951 3.1.1).
struct BitWriter {
    bytes: Vec<u8>,
    acc: u64,
    nbits: u32,
}

impl BitWriter {
    fn with_capacity(n: usize) -> Self {
        BitWriter {
            bytes: Vec::with_capacity(n),
            acc: 0,
            nbits: 0,
        }
    }

    fn bytes(&mut self, b: &[u8]) {
        debug_assert_eq!(self.nbits, 0);
        self.bytes.extend_from_slice(b);
    }

    fn bits(&mut self, value: u32, n: u32) {
        debug_assert!(n <= 16 && (n == 0 || value >> n == 0));
        self.acc |= (value as u64) << self.nbits;
        self.nbits += n;
        if self.nbits >= 32 {
            self.bytes
                .extend_from_slice(&(self.acc as u32).to_le_bytes());
            self.acc >>= 32;
            self.nbits -= 32;
        }
    }

    fn code(&mut self, code: u32, len: u8) {
        self.bits(code, len as u32);
    }

    fn finish(mut self) -> Vec<u8> {
        while self.nbits > 0 {
            self.bytes.push(self.acc as u8);
            self.acc >>= 8;
            self.nbits = self.nbits.saturating_sub(8);
        }
        self.bytes
    }
}

/// The zlib checksum of the uncompressed data (`simd-adler32`, already in
/// the tree through `png`: wasm SIMD128 where the build enables it).
fn adler32(data: &[u8]) -> u32 {
    let mut h = simd_adler32::Adler32::new();
    h.write(data);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::XorShift;

    fn inflate(z: &[u8]) -> Vec<u8> {
        miniz_oxide::inflate::decompress_to_vec_zlib(z).expect("a valid zlib stream")
    }

    fn noise(n: usize, seed: u64) -> Vec<u8> {
        let mut rng = XorShift(seed);
        (0..n).map(|_| rng.below(256) as u8).collect()
    }

    #[test]
    fn round_trips() {
        let mut cases: Vec<(Vec<u8>, usize)> = vec![
            (vec![], 1),
            (vec![7], 1),
            (vec![1, 2], 2),
            (vec![0; 100_000], 321),
            (noise(70_000, 1), 100),
            ((0..=255u8).cycle().take(40_000).collect(), 256),
        ];
        // A raster: rows of runs, most repeating the row above, some glyphs.
        let (w, h) = (321, 300);
        let mut raster = vec![0u8; w * h];
        for y in 0..h {
            for x in 0..w {
                raster[y * w + x] = match (x, y) {
                    (0, _) => 0,
                    (x, y) if x > 40 && x < 60 && y > 100 => 3,
                    (x, y) if (x / 7 + y / 9) % 5 == 0 => (x * y % 16) as u8,
                    _ => 0x11,
                };
            }
        }
        cases.push((raster, w));
        // Matches that would reach past the 32 KiB window.
        let mut far = noise(1_000, 9);
        far.extend(vec![0u8; 40_000]);
        far.extend(noise(1_000, 9));
        cases.push((far, 1000));
        for (data, row) in cases {
            let z = zlib(&data, row);
            assert_eq!(inflate(&z), data, "len {} row {row}", data.len());
        }
    }

    #[test]
    fn compresses_repeated_rows_to_a_few_bits_each() {
        let row: Vec<u8> = noise(320, 3);
        let mut data = Vec::new();
        for _ in 0..480 {
            data.push(0);
            data.extend_from_slice(&row);
        }
        let z = zlib(&data, 321);
        assert_eq!(inflate(&z), data);
        // One row of literals, then under two bytes a row (fdeflate, which
        // finds only runs of zeros, spends more than the row itself).
        assert!(z.len() < 320 + 479 * 2 + 64, "{} bytes", z.len());
    }

    #[test]
    fn symbols_match_the_rfc_tables() {
        for (len, sym) in [
            (3, 257),
            (10, 264),
            (11, 265),
            (12, 265),
            (13, 266),
            (257, 284),
            (258, 285),
        ] {
            assert_eq!(len_symbol(len), sym, "length {len}");
        }
        for (dist, sym) in [
            (1, 0),
            (4, 3),
            (5, 4),
            (6, 4),
            (7, 5),
            (321, 16),
            (24_577, 29),
            (32_768, 29),
        ] {
            assert_eq!(dist_symbol(dist), sym, "distance {dist}");
        }
    }

    #[test]
    fn code_lengths_respect_the_limit_and_stay_complete() {
        // Fibonacci frequencies make the deepest possible optimal tree.
        let mut fib = vec![1u32, 1];
        while fib.len() < 30 {
            let n = fib[fib.len() - 1] + fib[fib.len() - 2];
            fib.push(n);
        }
        for limit in [7u8, 15] {
            let lens = code_lengths(&fib, limit);
            assert!(lens.iter().all(|&l| l >= 1 && l <= limit), "{lens:?}");
            let kraft: f64 = lens.iter().map(|&l| 0.5f64.powi(l as i32)).sum();
            assert!((kraft - 1.0).abs() < 1e-12, "incomplete code {lens:?}");
        }
        assert_eq!(code_lengths(&[0, 0, 5], 15), vec![1, 0, 1]);
    }

    #[test]
    fn adler32_matches_the_reference_value() {
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(adler32(&[]), 1);
        let big = vec![0xFFu8; 100_000];
        let (mut a, mut b) = (1u64, 0u64);
        for &x in &big {
            a = (a + x as u64) % 65_521;
            b = (b + a) % 65_521;
        }
        assert_eq!(adler32(&big), ((b << 16) | a) as u32);
    }
}
