//! PNG encoding of a palette canvas: 4-bit indexed (the palette has 16
//! entries), per-row filter choice by the png crate, fdeflate compression.

use crate::draw::Canvas;
use crate::theme::PALETTE_LEN;

const _: () = assert!(PALETTE_LEN <= 16, "4-bit PNG needs at most 16 colours");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError(pub String);

impl From<png::EncodingError> for EncodeError {
    fn from(e: png::EncodingError) -> Self {
        EncodeError(e.to_string())
    }
}

/// Packs one-byte indices (< 16) into rows of 4-bit samples, high nibble
/// first, each row starting on a byte boundary as PNG requires.
pub fn pack4(pixels: &[u8], width: usize) -> Vec<u8> {
    let row_bytes = width.div_ceil(2);
    let rows = pixels.len() / width.max(1);
    let mut out = vec![0u8; row_bytes * rows];
    for (src, dst) in pixels
        .chunks_exact(width)
        .zip(out.chunks_exact_mut(row_bytes))
    {
        for (pair, byte) in src.chunks_exact(2).zip(dst.iter_mut()) {
            *byte = (pair[0] << 4) | pair[1];
        }
        if width % 2 == 1 {
            dst[row_bytes - 1] = src[width - 1] << 4;
        }
    }
    out
}

/// Encodes the canvas as a PNG.
pub fn encode_png(canvas: &Canvas) -> Result<Vec<u8>, EncodeError> {
    let data = pack4(&canvas.pixels, canvas.width as usize);
    let mut out = Vec::with_capacity(4096 + data.len() / 32);
    let mut enc = png::Encoder::new(&mut out, canvas.width, canvas.height);
    enc.set_color(png::ColorType::Indexed);
    enc.set_depth(png::BitDepth::Four);
    enc.set_palette(canvas.palette.concat());
    enc.set_filter(png::Filter::Adaptive);
    enc.set_deflate_compression(png::DeflateCompression::FdeflateUltraFast);
    let mut writer = enc.write_header()?;
    writer.write_image_data(&data)?;
    writer.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Theme;
    use crate::theme::palette;

    fn decode(png_bytes: &[u8]) -> (png::OutputInfo, Vec<u8>) {
        let mut dec = png::Decoder::new(std::io::Cursor::new(png_bytes));
        dec.set_transformations(png::Transformations::EXPAND);
        let mut reader = dec.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        (info, buf)
    }

    #[test]
    fn round_trips_odd_and_even_widths() {
        for (w, h) in [(1, 1), (37, 5), (64, 64), (101, 3)] {
            let mut c = Canvas::new(w, h, palette(Theme::Dark));
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
            let want: Vec<u8> = c
                .pixels
                .iter()
                .flat_map(|&i| c.palette[i as usize])
                .collect();
            assert_eq!(rgb, want, "{w}x{h}");
        }
    }

    #[test]
    fn packs_high_nibble_first() {
        assert_eq!(pack4(&[1, 2, 3, 4, 5, 6], 3), vec![0x12, 0x30, 0x45, 0x60]);
    }
}
