//! A line of text as positioned glyphs: split into bidirectional level runs
//! (UAX #9), then into script runs (common and inherited characters take
//! their neighbours' script) and font runs (the embedded font where it has
//! the character, else the run's shard, else any shard that has it, else
//! the placeholder), each shaped by HarfBuzz's algorithm (rustybuzz) and
//! laid out in visual order.
//!
//! Text the embedded font draws whole, left to right, skips all of it and
//! is laid out as it always was ([`crate::font::layout`]): the same glyphs,
//! the same bytes, the same cost.

use std::ops::Range;

use rustybuzz::ttf_parser::Tag;
use rustybuzz::{script, BufferFlags, Direction, Language, Script, ShapePlan, UnicodeBuffer};
use unicode_bidi::BidiInfo;
use unicode_segmentation::UnicodeSegmentation;

use super::catalog::{covering, shards, Region};
use super::faces::{self, FaceId, EMBEDDED};
use crate::font;

/// A glyph at its place: `x` is its pen position from the line's start and
/// `y` its offset below the baseline, in whole pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    pub face: FaceId,
    pub glyph: u16,
    pub x: i32,
    pub y: i32,
}

/// A laid-out line: its glyphs in visual order and its advance in pixels;
/// for shaped text also each glyph's cluster (its first byte) and advance,
/// in visual order, which cutting reads.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Laid {
    pub glyphs: Vec<Placed>,
    pub width: i32,
    pub clusters: Vec<(usize, f32)>,
}

/// How a line's text is shaped: its language (a BCP 47 tag, for Han forms
/// and the shaper's language systems).
#[derive(Debug, Clone, Copy, Default)]
pub struct Setting<'a> {
    pub lang: Option<&'a str>,
}

/// One shaped piece: a font run of one level and script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// Bytes of the text it covers (logical order).
    pub range: Range<usize>,
    pub rtl: bool,
    pub script: Script,
    pub face: Choice,
}

/// The font a character is drawn with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Embedded,
    Shard(usize),
    /// No font has it: the placeholder (from the embedded font).
    Placeholder,
}

/// Whether the embedded font draws `text` whole and left to right, with
/// nothing for the shaper to do: no character it lacks (it has no
/// right-to-left letters or bidi controls) and no combining mark (the
/// shaper composes `e` + U+0301 into `é`).
pub fn is_simple(text: &str) -> bool {
    // Printable ASCII, which the embedded font has whole, without a lookup.
    text.bytes().all(|b| (0x20..0x7F).contains(&b))
        || text
            .chars()
            .all(|c| font::has_glyph(c) && unicode_ccc::get_canonical_combining_class(c) as u8 == 0)
}

/// Lays out `text` at `em_px` pixels per em.
pub fn layout(text: &str, em_px: f32, setting: Setting<'_>) -> Laid {
    if is_simple(text) {
        let (glyphs, width) = font::layout(text, em_px);
        return Laid {
            glyphs: glyphs
                .into_iter()
                .map(|(id, x)| Placed {
                    face: EMBEDDED,
                    glyph: id.0,
                    x,
                    y: 0,
                })
                .collect(),
            width,
            clusters: Vec::new(),
        };
    }
    let mut laid = Laid::default();
    let mut pen = 0.0f32;
    for run in runs(text, setting) {
        shape_run(text, &run, em_px, setting, &mut pen, &mut laid);
    }
    laid.width = pen.ceil() as i32;
    laid
}

/// The paragraph direction of `text` (its first strong character's; left
/// to right when it has none).
pub fn is_rtl(text: &str) -> bool {
    BidiInfo::new(text, None)
        .paragraphs
        .first()
        .is_some_and(|p| p.level.is_rtl())
}

/// The runs of `text` in visual order.
pub fn runs(text: &str, setting: Setting<'_>) -> Vec<Run> {
    let info = BidiInfo::new(text, None);
    let region = setting
        .lang
        .and_then(Region::from_lang)
        .unwrap_or_else(|| Region::from_text(text));
    let mut out = Vec::new();
    for para in &info.paragraphs {
        let (levels, level_runs) = info.visual_runs(para, para.range.clone());
        for lr in level_runs {
            let rtl = levels[lr.start].is_rtl();
            let mut pieces = split(text, lr.clone(), rtl, region);
            if rtl {
                pieces.reverse();
            }
            out.extend(pieces);
        }
    }
    out
}

/// The characters of `text` in visual order (their byte offsets), as the
/// bidi algorithm reorders them (rules L1 and L2; no mirroring, which the
/// shaper does).
pub fn visual_order(text: &str) -> Vec<usize> {
    let info = BidiInfo::new(text, None);
    let mut out = Vec::new();
    for para in &info.paragraphs {
        let (levels, runs) = info.visual_runs(para, para.range.clone());
        for r in runs {
            let mut chars: Vec<usize> = text[r.clone()]
                .char_indices()
                .map(|(i, _)| r.start + i)
                .collect();
            if levels[r.start].is_rtl() {
                chars.reverse();
            }
            out.extend(chars);
        }
    }
    out
}

/// The script of `c` (Unicode's Script property, as the shaper reads it).
pub fn script_of(c: char) -> Script {
    let name = unicode_script::UnicodeScript::script(&c).short_name();
    Script::from_iso15924_tag(Tag::from_bytes_lossy(name.as_bytes())).unwrap_or(script::UNKNOWN)
}

fn is_neutral(s: Script) -> bool {
    s == script::COMMON || s == script::INHERITED || s == script::UNKNOWN
}

fn is_embedded_script(s: Script) -> bool {
    s == script::LATIN || s == script::GREEK || s == script::CYRILLIC || is_neutral(s)
}

/// Characters a font need not have for its cluster: the shaper hides
/// joiners and selects with selectors (variation, tags).
fn is_selector(c: char) -> bool {
    is_format(c) || matches!(c as u32, 0xFE00..=0xFE0F | 0xE0100..=0xE01EF | 0xE0020..=0xE007F)
}

/// Splits one level run (logical order) into script and font runs. A font
/// is chosen per grapheme cluster (a base with its marks, an emoji
/// sequence), so a cluster is never split between fonts.
fn split(text: &str, range: Range<usize>, rtl: bool, region: Region) -> Vec<Run> {
    let part = &text[range.clone()];
    let clusters: Vec<(usize, &str)> = part
        .grapheme_indices(true)
        .map(|(i, g)| (range.start + i, g))
        .collect();
    // A cluster's script is its first character's; neutral clusters take
    // the script before them, or at the start the first one after them.
    let raw: Vec<Script> = clusters
        .iter()
        .map(|(_, g)| g.chars().next().map_or(script::COMMON, script_of))
        .collect();
    let mut current = raw
        .iter()
        .copied()
        .find(|s| !is_neutral(*s))
        .unwrap_or(script::COMMON);
    let mut out: Vec<Run> = Vec::new();
    let mut primary: Option<usize> = None;
    for (k, &(at, g)) in clusters.iter().enumerate() {
        if !is_neutral(raw[k]) {
            current = raw[k];
        }
        let script = current;
        let choice = choose(g, raw[k], script, region, &mut primary);
        let end = at + g.len();
        match out.last_mut() {
            Some(r) if r.face == choice && r.script == script => r.range.end = end,
            _ => out.push(Run {
                range: at..end,
                rtl,
                script,
                face: choice,
            }),
        }
    }
    out
}

fn is_format(c: char) -> bool {
    matches!(c as u32, 0x00AD | 0x061C | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF)
}

/// The font of one grapheme cluster `g`, whose own script is `own` and
/// whose run's is `script`: the embedded font for Latin, Greek, Cyrillic and
/// neutral text it has whole; else the run's shard if it has the cluster
/// whole; else the embedded font; else the first shard that has it whole
/// (that shard becomes the run's); else the placeholder.
fn choose(
    g: &str,
    own: Script,
    script: Script,
    region: Region,
    primary: &mut Option<usize>,
) -> Choice {
    let needed: Vec<char> = g.chars().filter(|&c| !is_selector(c)).collect();
    // Format characters alone (bidi controls and their kin): the shaper
    // hides them; no shard is needed for them.
    if needed.is_empty() {
        return Choice::Embedded;
    }
    let embedded = needed.iter().all(|&c| font::has_glyph(c));
    // An emoji presentation (U+FE0F) or keycap asks for the emoji face.
    if g.contains(['\u{FE0F}', '\u{20E3}']) {
        if let Some(i) = super::catalog::by_key("emoji")
            .filter(|&i| needed.iter().all(|&c| shards()[i].covers(c)))
        {
            return Choice::Shard(i);
        }
    }
    if embedded && is_embedded_script(script) {
        return Choice::Embedded;
    }
    if let Some(p) = *primary {
        if needed.iter().all(|&c| shards()[p].covers(c)) {
            return Choice::Shard(p);
        }
    }
    if embedded {
        return Choice::Embedded;
    }
    match covering(&needed, region) {
        Some(i) => {
            if !is_neutral(own) {
                *primary = Some(i);
            }
            Choice::Shard(i)
        }
        None => Choice::Placeholder,
    }
}

/// The language tag the shaper gets (language systems, such as a CJK
/// font's regional forms in `locl`).
fn language(setting: Setting<'_>) -> Option<Language> {
    setting.lang.and_then(|l| l.parse().ok())
}

fn shape_run(
    text: &str,
    run: &Run,
    em_px: f32,
    setting: Setting<'_>,
    pen: &mut f32,
    out: &mut Laid,
) {
    let Some((face, units, shaped)) = shape(text, run, setting) else {
        return placeholders(text, run, em_px, pen, out);
    };
    let scale = em_px / units;
    for g in shaped {
        out.glyphs.push(Placed {
            face,
            glyph: u16::try_from(g.glyph).unwrap_or(0),
            x: crate::float::roundf(*pen + g.pos.x_offset as f32 * scale) as i32,
            y: -crate::float::roundf(g.pos.y_offset as f32 * scale) as i32,
        });
        let advance = g.pos.x_advance as f32 * scale;
        out.clusters.push((g.cluster, advance));
        *pen += advance;
    }
}

/// One glyph as the shaper gave it: font units, `cluster` a byte offset
/// into the whole text.
#[derive(Debug, Clone, Copy)]
pub struct Shaped {
    pub glyph: u32,
    pub cluster: usize,
    pub pos: rustybuzz::GlyphPosition,
    /// HarfBuzz's flag: breaking the text before this glyph's cluster and
    /// shaping each side alone may give other glyphs.
    pub unsafe_to_break: bool,
}

/// Shapes `run` with its direction, script and language: its face, that
/// face's units per em, and the glyphs in visual order. `None` when no
/// loaded face draws the run (a placeholder or a shard not loaded).
pub fn shape(text: &str, run: &Run, setting: Setting<'_>) -> Option<(FaceId, f32, Vec<Shaped>)> {
    let held;
    let (font, face, units) = match run.face {
        Choice::Embedded => (faces::embedded(), EMBEDDED, font::units_per_em()),
        Choice::Shard(i) => {
            held = faces::loaded(i)?;
            (held.font(), (i + 1) as FaceId, held.units_per_em)
        }
        Choice::Placeholder => return None,
    };
    let key = ShapedKey {
        render: faces::render_id(),
        face,
        rtl: run.rtl,
        script: run.script,
        lang: setting.lang.map(str::to_string),
        start: run.range.start,
    };
    // Shapes `range` of the run; `guessed` is the script a neutral run's
    // whole text gave, for a piece of it.
    let shape = |range: Range<usize>, guessed: Option<Script>| {
        let mut buffer = UnicodeBuffer::new();
        for (i, c) in text[range.clone()].char_indices() {
            buffer.add(c, (range.start + i) as u32);
        }
        // The text around the run, as HarfBuzz sees an item of a longer
        // text (joining across a run's edge).
        buffer.set_pre_context(&text[..range.start]);
        buffer.set_post_context(&text[range.end..]);
        buffer.set_direction(if run.rtl {
            Direction::RightToLeft
        } else {
            Direction::LeftToRight
        });
        let script = guessed.unwrap_or(run.script);
        let neutral = is_neutral(script);
        if !neutral {
            buffer.set_script(script);
        }
        if let Some(l) = language(setting) {
            buffer.set_language(l);
        }
        let mut flags = BufferFlags::empty();
        if range.start == 0 {
            flags |= BufferFlags::BEGINNING_OF_TEXT;
        }
        if range.end == text.len() {
            flags |= BufferFlags::END_OF_TEXT;
        }
        buffer.set_flags(flags);
        if neutral {
            buffer.guess_segment_properties();
        }
        let script = buffer.script();
        let plan = plan(font, face, &buffer);
        let shaped = rustybuzz::shape_with_plan(font, &plan, buffer);
        let glyphs = shaped
            .glyph_infos()
            .iter()
            .zip(shaped.glyph_positions())
            .map(|(i, p)| Shaped {
                glyph: i.glyph_id,
                cluster: i.cluster as usize,
                pos: *p,
                unsafe_to_break: i.unsafe_to_break(),
            })
            .collect::<Vec<_>>();
        (glyphs, script)
    };
    let shaped = match kept_prefix(&key, text, run.range.end) {
        // The rest with the script the whole run had (a neutral run's
        // guess from a piece of it could differ).
        Some((cut, script, mut kept)) => {
            #[cfg(feature = "test-support")]
            KEPT_PREFIXES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let (mut rest, _) = shape(cut..run.range.end, Some(script));
            // Visual order: the later text is to the left of a
            // right-to-left run.
            if run.rtl {
                rest.append(&mut kept);
                rest
            } else {
                kept.append(&mut rest);
                kept
            }
        }
        None => {
            let (shaped, script) = shape(run.range.clone(), None);
            keep_shaped(key, &text[..run.range.end], script, &shaped);
            shaped
        }
    };
    Some((face, units, shaped))
}

/// What a shaped run is kept under: the render, how it was shaped, and
/// where it starts.
#[derive(Clone, PartialEq)]
struct ShapedKey {
    render: u64,
    face: FaceId,
    rtl: bool,
    script: Script,
    lang: Option<String>,
    start: usize,
}

/// A run as shaped: how, the text up to its end, the script it was shaped
/// with (a neutral run's is guessed from its text) and its glyphs.
struct KeptRun {
    key: ShapedKey,
    through: String,
    script: Script,
    glyphs: Vec<Shaped>,
}

thread_local! {
    /// The runs shaped last in this render, each with the text up to its
    /// end. Cutting a text shapes prefixes of it (`kept…`), whose last run
    /// starts as a run shaped before: up to a cluster where HarfBuzz says
    /// the text is safe to break, that run's glyphs are the prefix's, and
    /// only the rest needs shaping.
    static SHAPED: std::cell::RefCell<Vec<KeptRun>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// How many runs took a kept run's glyphs (for the tests: that cutting
/// reuses them).
#[cfg(feature = "test-support")]
pub static KEPT_PREFIXES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Runs [`SHAPED`] keeps.
const SHAPED_MAX: usize = 8;

fn keep_shaped(key: ShapedKey, through_end: &str, script: Script, glyphs: &[Shaped]) {
    SHAPED.with(|kept| {
        let mut kept = kept.borrow_mut();
        kept.retain(|k| k.key.render == key.render);
        if kept.len() >= SHAPED_MAX {
            kept.remove(0);
        }
        kept.push(KeptRun {
            key,
            through: through_end.to_string(),
            script,
            glyphs: glyphs.to_vec(),
        });
    });
}

/// For the run `key.start..end` of `text`: the latest cut and the glyphs
/// before it, from a kept run shaped alike from the same start over the
/// same text up to that cut, where the kept run has a cluster that is safe
/// to break (HarfBuzz's guarantee: shaping the text on either side of it
/// alone gives the same glyphs). `None` when no kept run has such a cut
/// past the start, or when the cut would leave nothing to shape at the
/// text's end (which shapes as the end of text).
fn kept_prefix(key: &ShapedKey, text: &str, end: usize) -> Option<(usize, Script, Vec<Shaped>)> {
    SHAPED.with(|kept| {
        let kept = kept.borrow();
        let mut best: Option<(usize, Script, &[Shaped])> = None;
        for KeptRun {
            through,
            script,
            glyphs,
            ..
        } in kept.iter().filter(|k| k.key == *key)
        {
            let same = text.as_bytes()[..end]
                .iter()
                .zip(through.as_bytes())
                .take_while(|(a, b)| a == b)
                .count();
            // Clusters are monotone (HarfBuzz's default cluster level), so
            // a cluster's glyphs lie side by side.
            let mut k = 0;
            while k < glyphs.len() {
                let cluster = glyphs[k].cluster;
                let mut safe = true;
                while k < glyphs.len() && glyphs[k].cluster == cluster {
                    safe &= !glyphs[k].unsafe_to_break;
                    k += 1;
                }
                let usable = cluster > key.start && cluster <= same;
                if safe && usable && best.is_none_or(|(b, ..)| cluster > b) {
                    best = Some((cluster, *script, glyphs));
                }
            }
        }
        let (cut, script, glyphs) = best?;
        if cut == end && end == text.len() {
            return None;
        }
        Some((
            cut,
            script,
            glyphs.iter().filter(|g| g.cluster < cut).copied().collect(),
        ))
    })
}

/// What a shape plan is made for: a face, a direction, a script and a
/// language.
type PlanKey = (FaceId, bool, u32, Option<String>);

thread_local! {
    /// Shape plans, made once per face, direction, script and language: a
    /// plan reads the font's layout tables (the costliest step of shaping
    /// a short text), and a chart shapes its title several times to cut it.
    /// A face's bytes are fixed by its digest, so a plan never goes stale.
    static PLANS: std::cell::RefCell<std::collections::HashMap<PlanKey, std::rc::Rc<ShapePlan>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// The most plans kept (a few per script in use).
const PLANS_MAX: usize = 64;

fn plan(
    font: &rustybuzz::Face<'_>,
    face: FaceId,
    buffer: &UnicodeBuffer,
) -> std::rc::Rc<ShapePlan> {
    let rtl = buffer.direction() == Direction::RightToLeft;
    let key: PlanKey = (
        face,
        rtl,
        buffer.script().tag().as_u32(),
        buffer.language().map(|l| l.as_str().to_string()),
    );
    PLANS.with(|plans| {
        let mut plans = plans.borrow_mut();
        if let Some(p) = plans.get(&key) {
            return p.clone();
        }
        if plans.len() >= PLANS_MAX {
            plans.clear();
        }
        let p = std::rc::Rc::new(ShapePlan::new(
            font,
            buffer.direction(),
            Some(buffer.script()),
            buffer.language().as_ref(),
            &[],
        ));
        plans.insert(key, p.clone());
        p
    })
}

/// A run no loaded font draws: one placeholder per character (as the
/// embedded font lays it out).
fn placeholders(text: &str, run: &Run, em_px: f32, pen: &mut f32, out: &mut Laid) {
    let chars: Vec<usize> = text[run.range.clone()]
        .char_indices()
        .map(|(k, _)| run.range.start + k)
        .collect();
    let square: String = std::iter::repeat_n(font::PLACEHOLDER, chars.len()).collect();
    let (glyphs, width) = font::layout(&square, em_px);
    let start = crate::float::roundf(*pen) as i32;
    let each = width as f32 / chars.len().max(1) as f32;
    out.glyphs.extend(glyphs.into_iter().map(|(id, x)| Placed {
        face: EMBEDDED,
        glyph: id.0,
        x: start + x,
        y: 0,
    }));
    out.clusters.extend(chars.into_iter().map(|at| (at, each)));
    *pen = start as f32 + width as f32;
}

/// The shards `text` needs: those of its font runs.
pub fn needs(text: &str, setting: Setting<'_>, into: &mut Vec<usize>) {
    if is_simple(text) {
        return;
    }
    for run in runs(text, setting) {
        if let Choice::Shard(i) = run.face {
            if !into.contains(&i) {
                into.push(i);
            }
        }
    }
}

/// Each shaper cluster of a laid-out line in logical order: its first
/// byte and its advance in pixels (glyphs of one cluster summed).
pub fn cluster_advances(laid: &Laid) -> Vec<(usize, f64)> {
    let mut out: Vec<(usize, f64)> = laid
        .clusters
        .iter()
        .map(|&(at, w)| (at, f64::from(w)))
        .collect();
    out.sort_by_key(|c| c.0);
    let mut merged: Vec<(usize, f64)> = Vec::with_capacity(out.len());
    for (at, w) in out {
        match merged.last_mut() {
            Some(last) if last.0 == at => last.1 += w,
            _ => merged.push((at, w)),
        }
    }
    merged
}
