//! Text in every script, as glyphs at their places: the one way every text
//! of a chart (title, axis labels, legend and mark labels, tick labels, the
//! error image's message) is measured, cut and drawn, so the PNG and the
//! SVG put the same glyphs in the same places.
//!
//! - [`catalog`]: which font has which character, before loading any;
//! - [`faces`]: the embedded font and the loaded shards of one render;
//! - [`line`]: bidi, script and font runs, shaping, visual order;
//! - here: measuring and cutting.

pub mod catalog;
pub mod faces;
pub mod line;
mod shards;

use unicode_segmentation::UnicodeSegmentation;

pub use faces::{with_faces, Face, FaceId, FaceSet, EMBEDDED};
pub use line::{Laid, Placed, Setting};

use crate::font;
pub use crate::font::TextExtent;

fn setting(lang: &Option<String>) -> Setting<'_> {
    Setting {
        lang: lang.as_deref(),
    }
}

/// `text` laid out at `em_px` pixels per em, in the render's language.
pub fn layout(text: &str, em_px: f32) -> Laid {
    if line::is_simple(text) {
        return line::layout(text, em_px, Setting::default());
    }
    let lang = faces::lang();
    line::layout(text, em_px, setting(&lang))
}

/// Width and line box of `text` at `em_px`. Every face shares the embedded
/// font's line box, so lines of any script stack alike.
pub fn measure(text: &str, em_px: f32) -> TextExtent {
    let width = layout(text, em_px).width;
    let (ascent, height) = font::line_metrics(em_px);
    TextExtent {
        width,
        ascent,
        height,
    }
}

/// `text`, cut to fit `max_width` pixels with an ellipsis when it does not.
/// Cuts fall where a grapheme cluster and a shaper cluster both begin (never
/// inside a cluster or a ligature); the ellipsis follows the uncut text's
/// paragraph direction, so it lands at the end a reader reaches last (a
/// right-to-left text whose kept part has no strong character starts with
/// an RLM to keep that direction). The cut is found by bisection over the
/// candidate cuts (widths grow with the prefix): a few shapings, not one
/// per character, so a 200-character title costs about as much as a short one.
pub fn fit(text: &str, em: f32, max_width: i32) -> String {
    if measure(text, em).width <= max_width {
        return text.to_string();
    }
    let lang = faces::lang();
    let s = setting(&lang);
    let simple = line::is_simple(text);
    let rtl = !simple && line::is_rtl(text);
    let ends: Vec<usize> = if simple {
        text.char_indices().map(|(i, _)| i).collect()
    } else {
        let clusters = line::cluster_starts(text, s);
        text.grapheme_indices(true)
            .map(|(i, _)| i)
            .filter(|i| clusters.binary_search(i).is_ok())
            .collect()
    };
    let candidate = |k: usize| {
        let kept = text[..ends[k]].trim_end();
        if rtl && !line::is_rtl(kept) {
            format!("\u{200F}{kept}…")
        } else {
            format!("{kept}…")
        }
    };
    let fits = |k: usize| line::layout(&candidate(k), em, s).width <= max_width;
    if ends.is_empty() || !fits(0) {
        return String::new();
    }
    // The longest prefix (0..ends.len() cuts) that fits.
    let (mut lo, mut hi) = (0, ends.len() - 1);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    candidate(lo)
}

/// The shards `texts` need in `lang`, each once, in the order first needed.
pub fn needs<'a>(texts: impl IntoIterator<Item = &'a str>, lang: Option<&str>) -> Vec<usize> {
    let mut out = Vec::new();
    let s = Setting { lang };
    for t in texts {
        line::needs(t, s, &mut out);
    }
    out
}

/// The shard a key names, and every shard (for the flow and the tests).
pub use catalog::{by_key, shards, Shard};
