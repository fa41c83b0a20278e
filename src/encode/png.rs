//! PNG encoding of a palette canvas: 4-bit indexed when the palette has
//! at most 16 entries (most charts: one series, text), 8-bit otherwise
//! (several series, overlaps, curves); no row filters (the PNG spec's
//! advice for palette images; the compressor finds the row above by
//! itself), compressed by [`crate::encode::deflate`] and framed here: four
//! chunks (IHDR, PLTE, IDAT, IEND) need a length, a tag and a CRC each, and
//! writing them here rather than through the png crate keeps its encoder
//! and crc32fast's 16 KB of tables out of the Worker (the png crate stays
//! the tests' independent decoder).

use crate::encode::{deflate, wide};
use crate::probe::{span, Span};
use crate::raster::canvas::Canvas;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError(pub String);

/// The largest width or height a PNG may declare (2^31 - 1).
const DIMENSION_MAX: u32 = i32::MAX as u32;

/// Bytes per scanline of a `width`-pixel row: the filter byte, then two
/// 4-bit samples a byte. It is also how far back the same byte of the row
/// above is, which the compressor probes.
pub fn line_len(width: usize) -> usize {
    1 + width.div_ceil(2)
}

/// A PNG's image data before compression: the scanlines, and which of them
/// repeat the one above (told to the compressor, which then need not
/// compare them).
pub struct Lines {
    pub bytes: Vec<u8>,
    /// Bytes per scanline, the filter byte included.
    pub len: usize,
    pub repeats: Vec<bool>,
}

/// Which rows of `pixels` equal the row above.
fn repeats(pixels: &[u8], width: usize) -> Vec<bool> {
    let width = width.max(1);
    let rows = pixels.len() / width;
    (0..rows)
        .map(|r| {
            r > 0
                && wide::same(
                    &pixels[(r - 1) * width..r * width],
                    &pixels[r * width..][..width],
                )
        })
        .collect()
}

/// The PNG scanlines for one-byte indices at 8 bits: a filter byte (0)
/// before each row.
pub fn lines8(pixels: &[u8], width: usize) -> Lines {
    let mut out = Vec::with_capacity(pixels.len() + pixels.len() / width.max(1));
    for row in pixels.chunks_exact(width.max(1)) {
        out.push(0);
        out.extend_from_slice(row);
    }
    Lines {
        bytes: out,
        len: width + 1,
        repeats: repeats(pixels, width),
    }
}

/// The PNG scanlines for one-byte indices (< 16): each row is a filter
/// byte (0, none) and then 4-bit samples, high nibble first. A row that
/// repeats the one above is copied, not packed again.
pub fn lines4(pixels: &[u8], width: usize) -> Lines {
    let rows = pixels.len() / width.max(1);
    let len = line_len(width);
    let repeats = repeats(pixels, width);
    // Grown row by row rather than zeroed first: in wasm a fill costs a
    // fuel a byte, and every byte is written anyway.
    let mut out = Vec::with_capacity(len * rows);
    for (r, src) in pixels.chunks_exact(width.max(1)).enumerate() {
        if repeats[r] {
            out.extend_from_within((r - 1) * len..r * len);
            continue;
        }
        out.push(0);
        out.resize(r * len + len, 0);
        wide::pack_nibbles(src, &mut out[r * len + 1..]);
    }
    Lines {
        bytes: out,
        len,
        repeats,
    }
}

/// The 4-bit scanlines' bytes (tests, fuzz targets and the benchmark
/// compare them with what decoders give back).
pub fn scanlines(pixels: &[u8], width: usize) -> Vec<u8> {
    lines4(pixels, width).bytes
}

/// The 8-bit scanlines' bytes, likewise.
pub fn scanlines8(pixels: &[u8], width: usize) -> Vec<u8> {
    lines8(pixels, width).bytes
}

/// Encodes the canvas as a PNG.
pub fn encode_png(canvas: &Canvas) -> Result<Vec<u8>, EncodeError> {
    if canvas.width == 0 || canvas.height == 0 {
        return Err(EncodeError(format!(
            "a PNG cannot be {}x{} pixels",
            canvas.width, canvas.height
        )));
    }
    if canvas.width > DIMENSION_MAX || canvas.height > DIMENSION_MAX {
        return Err(EncodeError(format!(
            "a PNG is at most {DIMENSION_MAX} pixels a side"
        )));
    }
    let width = canvas.width as usize;
    let four = canvas.palette.colors.len() <= 16;
    let lines = span(Span::EncodeRows, || {
        if four {
            lines4(&canvas.pixels, width)
        } else {
            lines8(&canvas.pixels, width)
        }
    });
    let idat = deflate::zlib_rows(&lines.bytes, lines.len, &lines.repeats);
    let palette = canvas.palette.colors.concat();
    let mut out = Vec::with_capacity(idat.len() + palette.len() + 64);
    out.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let mut header = [0u8; 13];
    header[..4].copy_from_slice(&canvas.width.to_be_bytes());
    header[4..8].copy_from_slice(&canvas.height.to_be_bytes());
    // Bit depth, colour type 3 (indexed), deflate, adaptive filters (each
    // row says none), no interlace.
    header[8..].copy_from_slice(&[if four { 4 } else { 8 }, 3, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"PLTE", &palette);
    chunk(&mut out, b"IDAT", &idat);
    chunk(&mut out, b"IEND", &[]);
    Ok(out)
}

/// Appends one chunk: its length, tag, data and the CRC of tag and data.
fn chunk(out: &mut Vec<u8>, tag: &[u8; 4], data: &[u8]) {
    let len = u32::try_from(data.len()).expect("a chunk is under 4 GiB");
    out.extend_from_slice(&len.to_be_bytes());
    let start = out.len();
    out.extend_from_slice(tag);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// CRC-32 (ISO 3309, the PNG spec's Annex D) a byte at a time through one
/// 1 KB table: a chart's chunks are its compressed bytes, a few KB.
fn crc32(bytes: &[u8]) -> u32 {
    !bytes.iter().fold(!0u32, |c, &b| {
        CRC_TABLE[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8)
    })
}

/// `CRC_TABLE[n]`: the CRC register after shifting the byte `n` through
/// the reflected polynomial 0xEDB88320, computed at compile time.
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 == 1 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::theme::{Colors, Inks};
    use crate::raster::palette::Palette;

    fn palette(colors: Colors) -> Palette {
        Palette::new(&Inks::new(colors, &[], 1))
    }
    use crate::test_rng::XorShift;

    fn decode(png_bytes: &[u8]) -> (png::OutputInfo, Vec<u8>) {
        let mut dec = png::Decoder::new(std::io::Cursor::new(png_bytes));
        dec.set_transformations(png::Transformations::EXPAND);
        let mut reader = dec.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        (info, buf)
    }

    /// The RGB bytes a decoder must give back for the canvas.
    fn rgb_of(c: &Canvas) -> Vec<u8> {
        c.pixels
            .iter()
            .flat_map(|&i| c.palette.colors[i as usize])
            .collect()
    }

    #[test]
    fn round_trips_odd_and_even_widths() {
        for (w, h) in [(1, 1), (37, 5), (64, 64), (101, 3)] {
            let mut c = Canvas::new(w, h, palette(Colors::Dark));
            for (i, px) in c.pixels.iter_mut().enumerate() {
                *px = (i * 7 % 16) as u8;
            }
            let png_bytes = encode_png(&c).unwrap();
            let (info, rgb) = decode(&png_bytes);
            assert_eq!((info.width, info.height), (w, h));
            let raw = png::Decoder::new(std::io::Cursor::new(&png_bytes))
                .read_info()
                .unwrap();
            assert_eq!(raw.info().bit_depth, png::BitDepth::Four);
            assert_eq!(raw.info().color_type, png::ColorType::Indexed);
            assert_eq!(rgb, rgb_of(&c), "{w}x{h}");
        }
    }

    /// The IDAT payload, inflated by miniz, which (unlike the png crate's
    /// decoder) also checks the Adler-32.
    fn inflate_idat(png_bytes: &[u8]) -> Vec<u8> {
        let (mut i, mut z) = (8, Vec::new());
        while i < png_bytes.len() {
            let n = u32::from_be_bytes(png_bytes[i..i + 4].try_into().unwrap()) as usize;
            if &png_bytes[i + 4..i + 8] == b"IDAT" {
                z.extend_from_slice(&png_bytes[i + 8..i + 8 + n]);
            }
            i += 12 + n;
        }
        miniz_oxide::inflate::decompress_to_vec_zlib(&z).expect("valid zlib with its checksum")
    }

    /// Random canvases of every small shape, drawn like charts (runs, rows
    /// repeated from above, specks): both decoders give back the pixels.
    #[test]
    fn random_canvases_round_trip_through_two_decoders() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let mut next = |n: u64| rng.below(n);
        for case in 0..300 {
            let (w, h) = (1 + next(80) as u32, 1 + next(40) as u32);
            let mut c = Canvas::new(w, h, palette(Colors::Light));
            let w = w as usize;
            for y in 0..h as usize {
                let repeat = y > 0 && next(3) > 0;
                for x in 0..w {
                    c.pixels[y * w + x] = if repeat {
                        c.pixels[(y - 1) * w + x]
                    } else if x > 0 && next(4) > 0 {
                        c.pixels[y * w + x - 1]
                    } else {
                        next(16) as u8
                    };
                }
                if next(5) == 0 {
                    c.pixels[y * w + next(w as u64) as usize] = next(16) as u8;
                }
            }
            let png_bytes = encode_png(&c).unwrap();
            assert_eq!(
                inflate_idat(&png_bytes),
                scanlines(&c.pixels, w),
                "case {case}"
            );
            let (_, rgb) = decode(&png_bytes);
            assert_eq!(rgb, rgb_of(&c), "case {case}: {w}x{h}");
        }
    }

    /// The flags say exactly which rows repeat the row above, and a copied
    /// row is the row packed afresh.
    #[test]
    fn repeating_rows_are_flagged_and_copied_exactly() {
        let mut rng = XorShift(0x0DDB_A11C_0FFE_E000);
        for _ in 0..100 {
            let (w, h) = (1 + rng.below(40) as usize, 1 + rng.below(20) as usize);
            let mut px = vec![0u8; w * h];
            for y in 0..h {
                for x in 0..w {
                    px[y * w + x] = if y > 0 && rng.below(2) == 0 {
                        px[(y - 1) * w + x]
                    } else {
                        rng.below(3) as u8
                    };
                }
            }
            let lines = lines4(&px, w);
            let fresh: Vec<u8> = px
                .chunks_exact(w)
                .flat_map(|row| scanlines(row, w))
                .collect();
            assert_eq!(lines.bytes, fresh);
            for y in 0..h {
                let same = y > 0 && px[(y - 1) * w..y * w] == px[y * w..(y + 1) * w];
                assert_eq!(lines.repeats[y], same, "{w}x{h} row {y}");
                assert_eq!(lines8(&px, w).repeats[y], same);
            }
        }
    }

    /// The CRC's check value (the CRC catalogue's CRC-32/ISO-HDLC), and
    /// the chunks' CRCs as the png crate's decoder verifies them.
    #[test]
    fn crc_is_the_png_specs() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
        let c = Canvas::new(3, 2, palette(Colors::Light));
        let bytes = encode_png(&c).unwrap();
        let dec = png::Decoder::new(std::io::Cursor::new(&bytes));
        let mut reader = dec.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut buf).unwrap();
        reader.finish().unwrap();
        // Flipping a bit of the header's width fails its CRC.
        let mut broken = bytes.clone();
        broken[8 + 8 + 3] ^= 1;
        let dec = png::Decoder::new(std::io::Cursor::new(&broken));
        assert!(dec.read_info().is_err(), "a corrupt IHDR must not decode");
    }

    #[test]
    fn empty_canvases_are_refused() {
        for (w, h) in [(0, 1), (1, 0), (0, 0)] {
            let c = Canvas::new(w, h, palette(Colors::Light));
            assert!(encode_png(&c).is_err(), "{w}x{h}");
        }
    }

    #[test]
    fn packs_high_nibble_first() {
        assert_eq!(
            scanlines(&[1, 2, 3, 4, 5, 6], 3),
            vec![0, 0x12, 0x30, 0, 0x45, 0x60]
        );
        // Every width around the eight-pixel fast path, one pixel at a time.
        for width in 1..=33 {
            let row: Vec<u8> = (0..width).map(|i| (i * 5 % 16) as u8).collect();
            let want: Vec<u8> = std::iter::once(0)
                .chain(
                    row.chunks(2)
                        .map(|p| (p[0] << 4) | p.get(1).copied().unwrap_or(0)),
                )
                .collect();
            assert_eq!(scanlines(&row, width), want, "width {width}");
        }
    }
}
