//! Arbitrary palette canvases through the PNG encoder and back. Input: two
//! bytes of width (1 to 12,288, the widest chart), one of height (1 to 64),
//! one pattern selector, then pixel bytes (palette indices modulo the
//! palette), repeated or shaped by the selector into the content an encoder
//! finds hard: long runs, alternating bytes, rows repeating at a distance.
//! The PNG must decode (png crate) to the same indices, and its zlib stream
//! must inflate (miniz_oxide) to the scanlines.
#![no_main]

use edgechart::chart::theme::{Colors, Inks};
use edgechart::encode::png::{encode_png, scanlines, scanlines8};
use edgechart::raster::canvas::Canvas;
use edgechart::raster::palette::Palette;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 5 {
        return;
    }
    let width = (u16::from_le_bytes([data[0], data[1]]) as u32 % 12_288) + 1;
    let mut height = u32::from(data[2] % 64) + 1;
    while width * height > 256 * 1024 {
        height /= 2;
    }
    let pattern = data[3];
    let bytes = &data[4..];
    // The classic 16 colours (a 4-bit PNG), or, with the selector's top
    // bit, a palette grown to up to 256 (an 8-bit PNG).
    let mut palette = Palette::new(&Inks::new(Colors::Light, &[], 1));
    if pattern & 0x80 != 0 {
        for i in 0..u32::from(data[2]) * 4 {
            palette.intern([(i * 7) as u8, (i * 13) as u8, (i / 3) as u8]);
        }
    }
    let n = palette.colors.len().min(256) as u16;
    let mut canvas = Canvas::new(width, height, palette);
    let w = width as usize;
    for (i, p) in canvas.pixels.iter_mut().enumerate() {
        let (col, row) = (i % w, i / w);
        let b = bytes[i % bytes.len()];
        *p = match pattern % 4 {
            0 => (u16::from(b) % n) as u8,
            // Runs: each input byte held for a stretch of the row.
            1 => (u16::from(bytes[(col / (1 + usize::from(b % 97))) % bytes.len()]) % n) as u8,
            // Rows repeating at a distance of (pattern / 4) rows.
            2 => {
                (u16::from(bytes[(col + (row % (1 + usize::from(pattern / 4))) * w) % bytes.len()])
                    % n) as u8
            }
            _ => (u16::from(b ^ (i as u8 & 1) * 0xff) % n) as u8,
        };
    }
    let png_bytes = encode_png(&canvas).expect("encodes");

    let mut decoder = png::Decoder::new(std::io::Cursor::new(&png_bytes));
    decoder.set_transformations(png::Transformations::IDENTITY);
    let mut reader = decoder.read_info().expect("PNG header");
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).expect("PNG data");
    assert_eq!((info.width, info.height), (width, height));
    let bits = info.bit_depth as usize;
    let per_byte = 8 / bits;
    for row in 0..height as usize {
        let line = &buf[row * info.line_size..(row + 1) * info.line_size];
        for col in 0..w {
            let shift = 8 - bits * (col % per_byte + 1);
            let index = (line[col / per_byte] >> shift) & ((1u16 << bits) - 1) as u8;
            assert_eq!(index, canvas.pixels[row * w + col], "pixel {col},{row}");
        }
    }

    let mut idat = Vec::new();
    let mut at = 8;
    while at + 8 <= png_bytes.len() {
        let len = u32::from_be_bytes(png_bytes[at..at + 4].try_into().unwrap()) as usize;
        if &png_bytes[at + 4..at + 8] == b"IDAT" {
            idat.extend_from_slice(&png_bytes[at + 8..at + 8 + len]);
        }
        at += 12 + len;
    }
    let inflated = miniz_oxide::inflate::decompress_to_vec_zlib(&idat).expect("inflates");
    let lines = if n <= 16 {
        scanlines(&canvas.pixels, w)
    } else {
        scanlines8(&canvas.pixels, w)
    };
    assert!(inflated == lines, "scanlines differ");
});
