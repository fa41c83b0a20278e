//! What ../harfrust/lib.rs does, with rustybuzz and ttf-parser.

use rustybuzz::ttf_parser::{GlyphId, OutlineBuilder};
use rustybuzz::{Face, ShapePlan, UnicodeBuffer};
use unicode_script::UnicodeScript;

struct Sum(f32);

impl OutlineBuilder for Sum {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0 += x + y;
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0 += x - y;
    }
    fn quad_to(&mut self, cx: f32, cy: f32, x: f32, y: f32) {
        self.0 += cx * cy + x - y;
    }
    fn curve_to(&mut self, ax: f32, ay: f32, bx: f32, by: f32, x: f32, y: f32) {
        self.0 += ax * ay + bx * by + x - y;
    }
    fn close(&mut self) {
        self.0 += 1.0;
    }
}

/// # Safety
/// `font` and `text` point at `font_len` and `text_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn run(
    font: *const u8,
    font_len: usize,
    text: *const u8,
    text_len: usize,
) -> f32 {
    let bytes = std::slice::from_raw_parts(font, font_len).to_vec();
    let text = String::from_utf8_lossy(std::slice::from_raw_parts(text, text_len));
    let Some(face) = Face::from_slice(&bytes, 0) else {
        return -1.0;
    };
    let mut buffer = UnicodeBuffer::new();
    for (i, c) in text.char_indices() {
        buffer.add(c, i as u32);
    }
    buffer.set_pre_context(&text[..0]);
    buffer.guess_segment_properties();
    let plan = ShapePlan::new(
        &face,
        buffer.direction(),
        Some(buffer.script()),
        buffer.language().as_ref(),
        &[],
    );
    let shaped = rustybuzz::shape_with_plan(&face, &plan, buffer);
    let mut sum = Sum(0.0);
    for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
        let c = text[info.cluster as usize..].chars().next().unwrap_or(' ');
        sum.0 += pos.x_advance as f32
            + c.script().short_name().len() as f32
            + f32::from(unicode_ccc::get_canonical_combining_class(c) as u8);
        let _ = face.outline_glyph(GlyphId(info.glyph_id as u16), &mut sum);
    }
    sum.0
}
