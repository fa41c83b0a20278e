//! PNG encoding. Charts have few colours, so the image is written as an
//! indexed PNG at the smallest bit depth that holds its palette (falling back
//! to RGB past 256 colours).

use crate::draw::Canvas;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError(pub String);

impl From<png::EncodingError> for EncodeError {
    fn from(e: png::EncodingError) -> Self {
        EncodeError(e.to_string())
    }
}

/// An image as palette indices, one byte per pixel.
pub struct Indexed {
    pub palette: Vec<[u8; 3]>,
    pub indices: Vec<u8>,
}

/// Maps each pixel to a palette index; `None` past 256 colours.
pub fn quantize(rgb: &[u8]) -> Option<Indexed> {
    let mut palette: Vec<[u8; 3]> = Vec::with_capacity(16);
    let mut indices = Vec::with_capacity(rgb.len() / 3);
    let mut last: Option<([u8; 3], u8)> = None;
    for px in rgb.chunks_exact(3) {
        let px = [px[0], px[1], px[2]];
        let index = match last {
            Some((color, index)) if color == px => index,
            _ => {
                let i = match palette.iter().position(|&p| p == px) {
                    Some(i) => i,
                    None if palette.len() < 256 => {
                        palette.push(px);
                        palette.len() - 1
                    }
                    None => return None,
                } as u8;
                last = Some((px, i));
                i
            }
        };
        indices.push(index);
    }
    Some(Indexed { palette, indices })
}

fn bit_depth(colors: usize) -> u8 {
    match colors {
        0..=2 => 1,
        3..=4 => 2,
        5..=16 => 4,
        _ => 8,
    }
}

/// Packs one-byte indices into rows of `depth`-bit samples, each row starting
/// on a byte boundary as PNG requires.
fn pack(indices: &[u8], width: usize, depth: u8) -> Vec<u8> {
    if depth == 8 {
        return indices.to_vec();
    }
    let per_byte = 8 / depth as usize;
    let row_bytes = width.div_ceil(per_byte);
    let mut out = Vec::with_capacity(row_bytes * (indices.len() / width.max(1)));
    for row in indices.chunks_exact(width) {
        for chunk in row.chunks(per_byte) {
            let mut byte = 0u8;
            for (k, &v) in chunk.iter().enumerate() {
                byte |= v << (8 - depth as usize * (k + 1));
            }
            out.push(byte);
        }
    }
    out
}

/// Encodes the canvas as a PNG.
pub fn encode_png(canvas: &Canvas) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::with_capacity(8 * 1024);
    {
        let mut enc = png::Encoder::new(&mut out, canvas.width, canvas.height);
        let data = match quantize(&canvas.rgb) {
            Some(ix) => {
                let depth = bit_depth(ix.palette.len());
                enc.set_color(png::ColorType::Indexed);
                enc.set_depth(match depth {
                    1 => png::BitDepth::One,
                    2 => png::BitDepth::Two,
                    4 => png::BitDepth::Four,
                    _ => png::BitDepth::Eight,
                });
                enc.set_palette(ix.palette.concat());
                pack(&ix.indices, canvas.width as usize, depth)
            }
            None => {
                enc.set_color(png::ColorType::Rgb);
                enc.set_depth(png::BitDepth::Eight);
                canvas.rgb.clone()
            }
        };
        enc.set_compression(png::Compression::Balanced);
        let mut writer = enc.write_header()?;
        writer.write_image_data(&data)?;
        writer.finish()?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(png_bytes: &[u8]) -> (png::OutputInfo, Vec<u8>) {
        let mut dec = png::Decoder::new(std::io::Cursor::new(png_bytes));
        dec.set_transformations(png::Transformations::EXPAND);
        let mut reader = dec.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        (info, buf)
    }

    fn canvas_with(colors: usize, w: u32, h: u32) -> Canvas {
        let mut c = Canvas::new(w, h, [255, 255, 255]);
        for (i, px) in c.rgb.chunks_exact_mut(3).enumerate() {
            let k = (i * 7 % colors) as u8;
            px.copy_from_slice(&[k, k.wrapping_mul(3), 255 - k]);
        }
        c
    }

    #[test]
    fn round_trips_at_every_depth() {
        for (colors, depth) in [
            (1, 1),
            (2, 1),
            (3, 2),
            (4, 2),
            (9, 4),
            (16, 4),
            (17, 8),
            (256, 8),
        ] {
            let c = canvas_with(colors, 37, 5);
            let png_bytes = encode_png(&c).unwrap();
            let (info, rgb) = decode(&png_bytes);
            assert_eq!((info.width, info.height), (37, 5));
            let raw = png::Decoder::new(std::io::Cursor::new(&png_bytes))
                .read_info()
                .unwrap();
            assert_eq!(raw.info().bit_depth as u8, depth, "{colors} colours");
            assert_eq!(rgb, c.rgb, "{colors} colours");
        }
    }

    #[test]
    fn many_colours_fall_back_to_rgb() {
        let mut c = Canvas::new(300, 2, [0, 0, 0]);
        for (i, px) in c.rgb.chunks_exact_mut(3).enumerate() {
            px.copy_from_slice(&[(i % 256) as u8, (i / 256) as u8, 9]);
        }
        let png_bytes = encode_png(&c).unwrap();
        let raw = png::Decoder::new(std::io::Cursor::new(&png_bytes))
            .read_info()
            .unwrap();
        assert_eq!(raw.info().color_type, png::ColorType::Rgb);
        assert_eq!(decode(&png_bytes).1, c.rgb);
    }
}
