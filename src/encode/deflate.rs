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

use crate::probe::{span, Span};

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
    zlib_rows(data, row_len, &[])
}

/// [`zlib`] told which rows repeat the one above (`repeats[r]`: row `r`,
/// `data[r * row_len..][..row_len]`, equals row `r - 1`; rows past the end
/// of `repeats` are not known to): the same stream, for less work. Most
/// rows of a chart repeat (background, bars, axes), and for those the
/// match with the row above needs no comparing and the checksum is the
/// row above's.
pub fn zlib_rows(data: &[u8], row_len: usize, repeats: &[bool]) -> Vec<u8> {
    let tokens = span(Span::EncodeMatch, || {
        parse(data, row_len, &RepeatRuns::new(row_len, repeats))
    });
    let mut out = BitWriter::with_capacity(tokens.len() / 2 + 64);
    // CMF: deflate, 32 KiB window; FLG: no dictionary, check bits.
    out.bytes(&[0x78, 0x01]);
    span(Span::EncodeHuffman, || write_block(&mut out, &tokens));
    let mut bytes = out.finish();
    let check = span(Span::EncodeAdler, || adler32_rows(data, row_len, repeats));
    bytes.extend_from_slice(&check.to_be_bytes());
    bytes
}

/// Where each run of repeating rows ends: `end[r]` is the offset just past
/// the last of the consecutive repeating rows from row `r` on (0 when row
/// `r` does not repeat), so every byte `j` from row `r`'s start up to it
/// has `data[j] == data[j - row_len]`.
struct RepeatRuns {
    row_len: usize,
    end: Vec<usize>,
}

impl RepeatRuns {
    fn new(row_len: usize, repeats: &[bool]) -> RepeatRuns {
        let mut end = vec![0; repeats.len()];
        for r in (1..repeats.len()).rev() {
            if repeats[r] {
                end[r] = match end.get(r + 1) {
                    Some(&e) if e > 0 => e,
                    _ => (r + 1) * row_len,
                };
            }
        }
        RepeatRuns { row_len, end }
    }

    /// How many bytes from `i` on are known to repeat the row above.
    fn known(&self, i: usize) -> usize {
        match self.end.get(i / self.row_len.max(1)) {
            Some(&e) if e > i => e - i,
            _ => 0,
        }
    }
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
fn parse(data: &[u8], row_len: usize, runs: &RepeatRuns) -> Vec<Token> {
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
                // A repeating row's match with the row above is known up
                // to the end of its run; compare only past it.
                let known = if dist == row_len {
                    runs.known(i).min(max)
                } else {
                    0
                };
                let len = if known == 0 && !starts_alike(data, i - dist, i) {
                    0
                } else {
                    known + match_len(data, i - dist + known, i + known, max - known)
                };
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
                    if dist <= WINDOW && starts_alike(data, prev as usize, i) {
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

/// Whether the bytes at `a` and `b` (`a < b`, `b + 3 <= data.len()`) can
/// start a match: their first three agree. Most probes in text and specks
/// fail here, for a tenth of a full comparison's work. A probe it turns
/// away would have found fewer than [`MIN_MATCH`] bytes, which no choice
/// of the parse depends on.
fn starts_alike(data: &[u8], a: usize, b: usize) -> bool {
    match (data.get(a..a + 4), data.get(b..b + 4)) {
        (Some(x), Some(y)) => {
            let word = |c: &[u8]| u32::from_le_bytes(c.try_into().expect("4 bytes"));
            (word(x) ^ word(y)) & 0x00FF_FFFF == 0
        }
        _ => data[a..a + 3] == data[b..b + 3],
    }
}

/// How many bytes from `b` repeat those from `a` (`a < b`), up to `max`:
/// the comparison is most of the parse's work.
fn match_len(data: &[u8], a: usize, b: usize, max: usize) -> usize {
    crate::encode::wide::common_prefix(&data[a..a + max], &data[b..b + max])
}

/// Length symbol (257..=285) for a match length.
fn len_symbol(len: usize) -> usize {
    257 + usize::from(LEN_CODE[len])
}

/// Distance symbol (0..=29) for a distance: by table, like zlib's
/// `d_code`, for the first 256 distances and then per 128.
fn dist_symbol(dist: usize) -> usize {
    let d = dist - 1;
    usize::from(if d < 256 {
        DIST_CODE[d]
    } else {
        DIST_CODE[256 + (d >> 7)]
    })
}

/// `LEN_CODE[len]`: the index into [`LEN_BASE`] of a match length
/// (`0..=258`; below [`MIN_MATCH`] unused), computed once at compile time
/// (a binary search a match cost more fuel than the match's bits).
const LEN_CODE: [u8; MAX_MATCH + 1] = {
    let mut t = [0u8; MAX_MATCH + 1];
    let mut len = MIN_MATCH;
    while len <= MAX_MATCH {
        let mut k = 0;
        while k + 1 < LEN_BASE.len() && LEN_BASE[k + 1] as usize <= len {
            k += 1;
        }
        t[len] = k as u8;
        len += 1;
    }
    t
};

/// `DIST_CODE[d]` for `d = dist - 1 < 256`, then `DIST_CODE[256 + (d >> 7)]`
/// (distances above 256 share a symbol in runs of 128 or more).
const DIST_CODE: [u8; 512] = {
    let mut t = [0u8; 512];
    let mut i = 0;
    while i < 512 {
        // The smallest distance this slot stands for.
        let dist = if i < 256 { i + 1 } else { ((i - 256) << 7) + 1 };
        let mut k = 0;
        while k + 1 < DIST_BASE.len() && DIST_BASE[k + 1] as usize <= dist {
            k += 1;
        }
        t[i] = k as u8;
        i += 1;
    }
    t
};

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
        if t.dist == 0 {
            out.code(lit_codes[ls], lit_lens[ls]);
            continue;
        }
        // A match as two writes: the length's code and extra bits, then
        // the distance's (each code is sent first, its extra bits after).
        let li = ls - 257;
        let len_bits = u32::from(lit_lens[ls]);
        out.bits(
            lit_codes[ls] | u32::from(t.len_or_byte - LEN_BASE[li]) << len_bits,
            len_bits + u32::from(LEN_EXTRA[li]),
        );
        let di = ds as usize;
        let dist_bits = u32::from(dist_lens[di]);
        out.bits(
            dist_codes[di] | u32::from(t.dist - DIST_BASE[di]) << dist_bits,
            dist_bits + u32::from(DIST_EXTRA[di]),
        );
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

    /// Up to 32 bits at once (a code and its extra bits): `acc` holds
    /// fewer than 32 between writes, so 64 always have room.
    fn bits(&mut self, value: u32, n: u32) {
        debug_assert!(n <= 32 && (n == 32 || u64::from(value) >> n == 0));
        self.acc |= u64::from(value) << self.nbits;
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

/// [`adler32`] row by row, a repeating row's checksum taken from the row
/// above's, joined by [`adler32_join`].
fn adler32_rows(data: &[u8], row_len: usize, repeats: &[bool]) -> u32 {
    if repeats.is_empty() || row_len == 0 {
        return adler32(data);
    }
    let (mut total, mut row_sum) = (1, 1);
    for (r, row) in data.chunks(row_len).enumerate() {
        let repeat = r > 0 && row.len() == row_len && repeats.get(r) == Some(&true);
        if !repeat {
            row_sum = adler32(row);
        }
        total = adler32_join(total, row_sum, row.len());
    }
    total
}

/// The Adler-32 of `a`'s bytes followed by `b`'s, from their checksums and
/// `b`'s length: `s1` adds up, and every byte of `b` adds `a`'s `s1` once
/// more to `s2` (less the 1 both start from).
fn adler32_join(a: u32, b: u32, b_len: usize) -> u32 {
    const MOD: u64 = 65_521;
    let (a1, a2) = (u64::from(a & 0xFFFF), u64::from(a >> 16));
    let (b1, b2) = (u64::from(b & 0xFFFF), u64::from(b >> 16));
    let n = b_len as u64 % MOD;
    let s1 = (a1 + b1 + MOD - 1) % MOD;
    let s2 = (a2 + b2 + n * a1 % MOD + MOD - n) % MOD;
    ((s2 << 16) | s1) as u32
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

    /// Told which rows repeat, the compressor gives the same stream as when
    /// it finds them itself: rasters whose rows repeat in runs of every
    /// length, with and without the flags for some of them.
    #[test]
    fn known_repeating_rows_give_the_same_stream() {
        let mut rng = XorShift(0x51ED_2701_F00D_0001);
        for case in 0..200 {
            let row_len = 1 + rng.below(300) as usize;
            let rows = 1 + rng.below(60) as usize;
            let mut data = Vec::with_capacity(row_len * rows);
            let mut repeats = vec![false; rows];
            for (r, flag) in repeats.iter_mut().enumerate() {
                if r > 0 && rng.below(3) > 0 {
                    data.extend_from_within((r - 1) * row_len..r * row_len);
                    // Some repeating rows are left unflagged.
                    *flag = rng.below(4) > 0;
                } else {
                    let flat = rng.below(2) == 0;
                    let v = rng.below(4) as u8;
                    data.extend((0..row_len).map(|x| {
                        if flat || x % 7 != 0 {
                            v
                        } else {
                            rng.below(4) as u8
                        }
                    }));
                }
            }
            let z = zlib_rows(&data, row_len, &repeats);
            assert_eq!(z, zlib(&data, row_len), "case {case}");
            assert_eq!(inflate(&z), data, "case {case}");
            // A short flag list covers the first rows only.
            let short = &repeats[..rows / 2];
            assert_eq!(zlib_rows(&data, row_len, short), z, "case {case}");
        }
    }

    /// Joined checksums are the checksum of the joined bytes, at every
    /// split, with lengths past the modulus.
    #[test]
    fn adler32_joins_like_the_whole() {
        let data = noise(70_000, 5);
        for split in [0, 1, 2, 100, 5_552, 65_520, 65_521, 65_522, 69_999, 70_000] {
            let (a, b) = data.split_at(split);
            assert_eq!(
                adler32_join(adler32(a), adler32(b), b.len()),
                adler32(&data),
                "split at {split}"
            );
        }
        let ones = vec![0xFFu8; 200_000];
        let rows = vec![true; 200_000 / 1_000];
        assert_eq!(adler32_rows(&ones, 1_000, &rows), adler32(&ones));
        assert_eq!(adler32_rows(&ones, 1_000, &[]), adler32(&ones));
        assert_eq!(
            adler32_rows(&ones[..1_500], 1_000, &[false, true]),
            adler32(&ones[..1_500])
        );
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
        // Every length and distance against the RFC's base tables.
        for len in MIN_MATCH..=MAX_MATCH {
            let k = len_symbol(len) - 257;
            assert!(LEN_BASE[k] as usize <= len, "length {len}");
            assert!(k + 1 == LEN_BASE.len() || len < LEN_BASE[k + 1] as usize || len == 258);
        }
        for dist in 1..=WINDOW {
            let k = dist_symbol(dist);
            assert!(DIST_BASE[k] as usize <= dist, "distance {dist}");
            assert!(
                k + 1 == DIST_BASE.len() || dist < DIST_BASE[k + 1] as usize,
                "distance {dist}"
            );
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
