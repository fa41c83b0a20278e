//! The zlib stream of `deflate::zlib` on arbitrary bytes, not only PNG
//! scanlines of palette indices: every byte value, any `row_len` (0, and
//! beyond the 32 KiB window, too), streams longer than the window. Input:
//! two bytes of `row_len` (little-endian, taken as is), one pattern
//! selector, two bytes of length (for the patterns that expand), then the
//! payload. Patterns: 0 the payload as is; 1 runs (each payload byte held
//! for a stretch); 2 the payload tiled with period `row_len` and one byte in
//! 97 changed (rows that repeat at a distance with small edits); 3 the
//! payload tiled with a period at the edge of the window (32,766 to 32,770
//! bytes), so matches sit exactly at, and just past, the farthest distance;
//! 4 two bytes alternating, then the payload. The stream must inflate
//! (miniz_oxide, strictly: the Adler-32 checked, the stream ending exactly
//! at its last byte, no byte more or less) to the input; and told which
//! rows repeat the row above (every such row, less those the pattern
//! selector's high bits leave out), the compressor gives the same stream.
#![no_main]

use edgechart::encode::deflate::{zlib, zlib_rows};
use libfuzzer_sys::fuzz_target;
use miniz_oxide::inflate::core::inflate_flags::{
    TINFL_FLAG_PARSE_ZLIB_HEADER, TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF,
};
use miniz_oxide::inflate::core::{decompress, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

/// The largest expanded input: a little over eight windows.
const MAX_LEN: usize = 1 << 18;

fn expand(pattern: u8, len: usize, row_len: usize, payload: &[u8]) -> Vec<u8> {
    if payload.is_empty() {
        return vec![0; len];
    }
    let p = payload.len();
    match pattern % 5 {
        0 => payload.to_vec(),
        1 => {
            let mut out = Vec::with_capacity(len);
            let mut i = 0;
            while out.len() < len {
                let (byte, run) = (payload[i % p], payload[(i + 1) % p]);
                let run = 1 + usize::from(run) * usize::from(run % 5 + 1);
                out.extend(std::iter::repeat_n(byte, run.min(len - out.len())));
                i += 2;
            }
            out
        }
        2 => {
            let period = row_len.clamp(1, MAX_LEN);
            (0..len)
                .map(|i| {
                    let b = payload[(i % period) % p];
                    if i % 97 == 0 {
                        b.wrapping_add((i / period) as u8)
                    } else {
                        b
                    }
                })
                .collect()
        }
        3 => {
            let period = 32_766 + usize::from(payload[0] % 5);
            (0..len).map(|i| payload[(i % period) % p]).collect()
        }
        _ => {
            let (a, b) = (payload[0], payload[p / 2]);
            let mut out: Vec<u8> = (0..len.saturating_sub(p))
                .map(|i| if i % 2 == 0 { a } else { b })
                .collect();
            out.extend_from_slice(payload);
            out
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 5 {
        return;
    }
    let row_len = usize::from(u16::from_le_bytes([data[0], data[1]]));
    let pattern = data[2];
    let len = (usize::from(u16::from_le_bytes([data[3], data[4]])) * 4).min(MAX_LEN);
    let input = expand(pattern, len, row_len, &data[5..]);

    let z = zlib(&input, row_len);
    assert_eq!(&z[..2], &[0x78, 0x01], "zlib header");

    let mut inflater = DecompressorOxide::new();
    let mut out = vec![0; input.len()];
    let flags = TINFL_FLAG_PARSE_ZLIB_HEADER | TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let (status, read, written) = decompress(&mut inflater, &z, &mut out, 0, flags);
    assert_eq!(
        status,
        TINFLStatus::Done,
        "inflate status (len {}, row_len {row_len})",
        input.len()
    );
    assert_eq!(read, z.len(), "bytes after the end of the stream");
    assert_eq!(written, input.len(), "inflated length");
    if let Some(at) = out.iter().zip(&input).position(|(a, b)| a != b) {
        panic!(
            "inflated byte {at} differs (len {}, row_len {row_len})",
            input.len()
        );
    }

    if row_len > 0 {
        let rows = input.len() / row_len;
        let skip = usize::from(pattern >> 3);
        let repeats: Vec<bool> = (0..rows)
            .map(|r| {
                r > 0
                    && (skip == 0 || r % (skip + 1) != 0)
                    && input[(r - 1) * row_len..r * row_len]
                        == input[r * row_len..(r + 1) * row_len]
            })
            .collect();
        assert!(
            zlib_rows(&input, row_len, &repeats) == z,
            "told the repeating rows, another stream (len {}, row_len {row_len})",
            input.len()
        );
    }
});
