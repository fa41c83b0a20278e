//! Text in every script, as glyphs at their places: the one way every text
//! of a chart (title, axis labels, legend and mark labels, tick labels, the
//! error image's message) is measured, cut and drawn, so the PNG and the
//! SVG put the same glyphs in the same places.
//!
//! - [`catalog`]: which font has which character, before loading any;
//! - [`faces`]: the embedded font and the loaded shards of one render;
//! - [`line`]: bidi, script and font runs, shaping, visual order;
//! - [`outline`]: glyph outlines as curves, the raster's and the SVG's;
//! - here: measuring and cutting.

pub mod catalog;
pub mod faces;
pub mod line;
pub mod outline;
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

thread_local! {
    /// The last lines shaped in this render: a text is measured, fitted
    /// and drawn (raster or SVG) at one size, so its shaping is kept.
    static LAID: std::cell::RefCell<Vec<(u64, String, u32, Laid)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Lines [`LAID`] keeps.
const LAID_MAX: usize = 8;

/// `text` laid out at `em_px` pixels per em, in the render's language.
pub fn layout(text: &str, em_px: f32) -> Laid {
    if line::is_simple(text) {
        return line::layout(text, em_px, Setting::default());
    }
    let render = faces::render_id();
    let key = em_px.to_bits();
    let kept = LAID.with(|l| {
        l.borrow()
            .iter()
            .find(|(r, t, e, _)| *r == render && *e == key && t == text)
            .map(|(_, _, _, laid)| laid.clone())
    });
    if let Some(laid) = kept {
        return laid;
    }
    let lang = faces::lang();
    let laid = line::layout(text, em_px, setting(&lang));
    LAID.with(|l| {
        let mut l = l.borrow_mut();
        l.retain(|(r, ..)| *r == render);
        if l.len() >= LAID_MAX {
            l.remove(0);
        }
        l.push((render, text.to_string(), key, laid.clone()));
    });
    laid
}

/// Width and line box of `text` at `em_px`. Every face shares the embedded
/// font's line box, so lines of any script stack alike.
pub fn measure(text: &str, em_px: f32) -> TextExtent {
    if line::is_simple(text) {
        return font::measure(text, em_px);
    }
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
/// candidate cuts (widths grow with the prefix): a few measurements, not
/// one per character, so a 200-character title costs about as much as a
/// short one.
pub fn fit(text: &str, em: f32, max_width: i32) -> String {
    if line::is_simple(text) {
        if font::measure(text, em).width <= max_width {
            return text.to_string();
        }
        return fit_simple(text, em, max_width);
    }
    let whole = layout(text, em);
    if whole.width <= max_width {
        return text.to_string();
    }
    let rtl = line::is_rtl(text);
    // The whole text shaped once: each cluster's start and advance. A
    // prefix is about as wide as its clusters; the cut those widths pick is
    // then checked by shaping it (a cut can reshape the cluster before it),
    // stepping back while it does not fit.
    let clusters = line::cluster_advances(&whole);
    let starts: Vec<usize> = clusters.iter().map(|c| c.0).collect();
    let ends: Vec<usize> = text
        .grapheme_indices(true)
        .map(|(i, _)| i)
        .filter(|i| starts.binary_search(i).is_ok())
        .collect();
    let candidate = |k: usize| {
        let kept = text[..ends[k]].trim_end();
        if rtl && !line::is_rtl(kept) {
            format!("\u{200F}{kept}…")
        } else {
            format!("{kept}…")
        }
    };
    let dots = f64::from(font::measure("…", em).width);
    let estimate = |k: usize| {
        let kept = text[..ends[k]].trim_end().len();
        clusters
            .iter()
            .take_while(|c| c.0 < kept)
            .map(|c| c.1)
            .sum::<f64>()
            + dots
    };
    if ends.is_empty() {
        return String::new();
    }
    // The first cut whose estimate is over, by bisection; the one before
    // it is the longest that should fit.
    let (mut lo, mut hi) = (0usize, ends.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        if estimate(mid) <= f64::from(max_width) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    let mut k = lo.saturating_sub(1);
    loop {
        let c = candidate(k);
        if layout(&c, em).width <= max_width {
            return c;
        }
        if k == 0 {
            return String::new();
        }
        k -= 1;
    }
}

/// [`fit`] for text the embedded font draws whole: bisection over
/// character counts, measuring each candidate.
fn fit_simple(text: &str, em: f32, max_width: i32) -> String {
    let ends: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    let candidate = |k: usize| format!("{}…", text[..ends[k]].trim_end());
    let fits = |k: usize| font::measure(&candidate(k), em).width <= max_width;
    if !fits(0) {
        return String::new();
    }
    // The longest prefix (0..ends.len() characters) that fits.
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
