//! The small PNG that shows an error message inside a page, so a broken
//! `<img>` explains itself.

use crate::chart::scene::{Ink, Scene};
use crate::chart::theme::{Colors, Inks};
use crate::encode::png::{encode_png, EncodeError};
use crate::raster::canvas::paint;
use crate::text::measure;
use unicode_segmentation::UnicodeSegmentation;

/// Width the error message wraps at, in pixels.
const ERROR_WRAP: i32 = 520;
const ERROR_TEXT_PX: f32 = 13.0;
const ERROR_PAD: i32 = 12;

/// A PNG that shows `lines` (the first one as a heading), in any script
/// whose shard the isolate holds already (an error fetches none; others
/// show placeholders, and an error is never stored).
pub fn message_png(lines: &[&str]) -> Result<Vec<u8>, EncodeError> {
    let held = crate::serve::fonts::with_cache(|c| c.all());
    crate::text::with_faces(&held, None, || draw(lines)).0
}

fn draw(lines: &[&str]) -> Result<Vec<u8>, EncodeError> {
    let mut wrapped: Vec<String> = Vec::new();
    for line in lines {
        wrapped.extend(wrap(line, ERROR_WRAP));
    }
    let line_h = measure("Ag", ERROR_TEXT_PX).height + 3;
    let text_w = wrapped
        .iter()
        .map(|l| measure(l, ERROR_TEXT_PX).width)
        .max()
        .unwrap_or(0);
    let width = (text_w + 2 * ERROR_PAD + 4).clamp(160, ERROR_WRAP + 2 * ERROR_PAD + 4) as u32;
    let height = (wrapped.len() as i32 * line_h + 2 * ERROR_PAD) as u32;
    let mut scene = Scene::new(width, height);
    // An accent bar on the left says "error" before anyone reads.
    scene.fill(Ink::Accent, (0, 0), (4, height as i32));
    for (i, line) in wrapped.iter().enumerate() {
        let y = ERROR_PAD + i as i32 * line_h;
        scene.text(Ink::Foreground, ERROR_PAD + 4, y, ERROR_TEXT_PX, line);
    }
    encode_png(&paint(&scene, &Inks::new(Colors::Light, &[], 1)))
}

/// Greedy word wrap at `max` pixels; words longer than a line are split
/// between grapheme clusters.
fn wrap(text: &str, max: i32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if measure(&candidate, ERROR_TEXT_PX).width <= max {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let mut rest = word.to_string();
        while measure(&rest, ERROR_TEXT_PX).width > max {
            // The longest run of whole clusters that fits, at least one.
            let ends = rest
                .grapheme_indices(true)
                .map(|(i, _)| i)
                .skip(1)
                .chain([rest.len()]);
            let mut cut = 0;
            for end in ends {
                if cut > 0 && measure(&rest[..end], ERROR_TEXT_PX).width > max {
                    break;
                }
                cut = end;
            }
            if cut >= rest.len() {
                break;
            }
            lines.push(rest[..cut].to_string());
            rest = rest[cut..].to_string();
        }
        line = rest;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}
