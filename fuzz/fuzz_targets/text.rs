//! The text path with every font: itemization (bidi, script and font runs,
//! grapheme clusters), shaping, cutting and the raster's and the SVG's
//! glyphs, on arbitrary strings in every language the spec may carry.
//! Input: one byte choosing `lang`, then the text (bytes that are not UTF-8
//! are replaced, as the query decoder does). Every line must lay out with
//! the shards it says it needs and no other, cut to fit any width with
//! whole clusters, and draw.
#![no_main]

use std::sync::OnceLock;

use edgechart::text::{self, line, with_faces, FaceSet};
use libfuzzer_sys::fuzz_target;

fn faces() -> &'static FaceSet {
    static FACES: OnceLock<FaceSet> = OnceLock::new();
    FACES.get_or_init(edgechart::testing::all_faces)
}

const LANGS: &[Option<&str>] = &[None, Some("ja"), Some("ko"), Some("zh-hant"), Some("zh-hans"), Some("ar"), Some("hi")];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let lang = LANGS[usize::from(pick) % LANGS.len()];
    let t: String = String::from_utf8_lossy(rest).chars().take(200).collect();
    let needs = text::needs([t.as_str()], lang);
    // The shards it needs are all it may use: with only those, nothing is missed.
    let mut only = FaceSet::new();
    for &i in &needs {
        only.insert(faces().get(i).expect("a shard").clone());
    }
    let (laid, missed) = with_faces(&only, lang, || text::layout(&t, 13.0));
    assert!(missed.is_empty(), "{t:?}: needs {needs:?} but missed {missed:?}");
    assert!(laid.width >= 0);
    // Without them: placeholders and the misses reported, never a panic.
    let (_, missed) = with_faces(&FaceSet::new(), lang, || text::layout(&t, 13.0));
    assert_eq!(missed.is_empty(), needs.is_empty(), "{t:?}");
    let order = line::visual_order(&t);
    assert_eq!(order.len(), t.chars().count());
    with_faces(faces(), lang, || {
        for max in [0, 7, 40, 120, 400] {
            let cut = text::fit(&t, 13.0, max);
            if !cut.is_empty() {
                assert!(text::measure(&cut, 13.0).width <= max, "{t:?} at {max}: {cut:?}");
            }
        }
        let mut glyphs = edgechart::raster::text::GlyphCache::new();
        let _ = glyphs.cover(&t, 13.0);
    });
});
