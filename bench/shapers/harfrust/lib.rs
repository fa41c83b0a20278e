//! What src/text asks of its shaper, with harfrust: parse a font, shape a
//! run with a plan, read each glyph's script and combining class, draw its
//! outline. One exported entry keeps it all linked; the result is a sum
//! so that nothing is optimized away.

use harfrust::font::glyph::outline::{DrawMemory, DrawOptions, PathSink};
use harfrust::{Buffer, ShapeOptions, ShapePlan, ShaperFont};

struct Sum(f32);

impl PathSink for Sum {
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
    let Some(font) = harfrust::Font::new(bytes, 0) else {
        return -1.0;
    };
    let mut buffer = Buffer::new();
    for (i, c) in text.char_indices() {
        buffer.push(c as u32, i as u32);
    }
    buffer.set_pre_context(&text[..0]);
    buffer.guess_segment_properties();
    let plan = ShapePlan::new(
        &font,
        buffer.direction(),
        buffer.script(),
        buffer.language(),
        &[],
    );
    let shaper = ShaperFont::new(&font);
    if harfrust::shape(&shaper, &mut buffer, ShapeOptions::new().plan(Some(&plan))).is_err() {
        return -1.0;
    }
    let mut sum = Sum(0.0);
    let glyphs = font.outline_glyphs();
    for (info, pos) in buffer.glyph_infos().iter().zip(buffer.glyph_positions()) {
        let c = text[info.cluster as usize..]
            .chars()
            .next()
            .map_or(0, |c| c as u32);
        sum.0 += pos.x_advance as f32
            + f32::from(harfrust::unicode::script(c).tag().to_be_bytes()[0])
            + f32::from(harfrust::unicode::combining_class(c));
        if let Some(g) = glyphs.get(harfrust::GlyphId::new(info.glyph_id)) {
            let _ = g.draw(&DrawOptions::default(), DrawMemory::Scratch, &mut sum);
        }
    }
    sum.0
}
