//! Text in every script, as the contract ("Text in every script") asks:
//! every corpus line finds its fonts (no placeholder, no .notdef), Latin,
//! Greek and Cyrillic are laid out exactly as before shaping existed, cuts
//! fall between clusters with the ellipsis where the paragraph ends, `lang`
//! picks the Han forms, and a chart that cannot get a shard is drawn with
//! placeholders and never cached. (Shaping is compared with HarfBuzz and
//! bidi with fribidi by tests/text/check.py, run from `text_reference`.)

use std::sync::Arc;

use edgechart::serve::flow::{handle, Host};
use edgechart::serve::fonts::ShardCache;
use edgechart::serve::hot::HotCache;
use edgechart::serve::http::Request;
use edgechart::testing::{
    all_faces, block_on, shard_from_disk, FixedHost, MemoryStore, FIXED_NOW_MS,
};
use edgechart::text::{self, line, with_faces, Face, FaceSet, EMBEDDED};
use unicode_segmentation::UnicodeSegmentation;

fn corpus() -> Vec<(String, Option<String>, String)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/text/corpus.jsonl");
    std::fs::read_to_string(path)
        .expect("tests/text/corpus.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
            (
                v["text"].as_str().expect("text").to_string(),
                v["lang"].as_str().map(str::to_string),
                v["group"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn placeholder_glyph() -> u16 {
    edgechart::font::layout("\u{25A1}", 16.0).0[0].0 .0
}

/// No corpus character is drawn as the placeholder or as a .notdef glyph,
/// and no line needs a shard the set lacks.
#[test]
fn every_corpus_line_finds_its_fonts() {
    let faces = all_faces();
    let square = placeholder_glyph();
    let mut checked = 0;
    for (t, lang, group) in corpus() {
        let (laid, missed) = with_faces(&faces, lang.as_deref(), || text::layout(&t, 16.0));
        assert!(missed.is_empty(), "{group}: {t:?} missed shards {missed:?}");
        for g in &laid.glyphs {
            assert!(
                g.glyph != 0,
                "{group}: {t:?} draws a .notdef from face {}",
                g.face
            );
            assert!(
                !(g.face == EMBEDDED && g.glyph == square),
                "{group}: {t:?} draws a placeholder"
            );
        }
        assert!(laid.width > 0, "{t:?}");
        checked += 1;
    }
    assert!(checked >= 80, "{checked} corpus lines");
}

/// Text the embedded font draws whole is laid out as it always was: the
/// same glyphs at the same places (so Latin, Greek and Cyrillic charts keep
/// their bytes), whatever the language.
#[test]
fn latin_greek_cyrillic_lay_out_as_before() {
    let faces = all_faces();
    for t in [
        "Chart for \"sales\"",
        "Ångström Δx Жук ∑ €",
        "Body weight (kg) — 2024",
        "Ελληνικά · Кириллица · Latin",
        "AVA Wa Te To",
    ] {
        for lang in [None, Some("ja"), Some("ru")] {
            let (laid, _) = with_faces(&faces, lang, || text::layout(t, 13.0));
            let (old, width) = edgechart::font::layout(t, 13.0);
            let old: Vec<(u16, i32)> = old.into_iter().map(|(g, x)| (g.0, x)).collect();
            let new: Vec<(u16, i32)> = laid.glyphs.iter().map(|g| (g.glyph, g.x)).collect();
            assert_eq!(new, old, "{t:?}");
            assert_eq!(laid.width, width, "{t:?}");
            assert!(laid.glyphs.iter().all(|g| g.face == EMBEDDED && g.y == 0));
        }
    }
}

/// A cut keeps whole grapheme clusters, ends with an ellipsis, fits, and
/// in a right-to-left paragraph puts the ellipsis at the left end (where a
/// reader of it stops).
#[test]
fn cuts_keep_clusters_and_put_the_ellipsis_where_the_paragraph_ends() {
    let faces = all_faces();
    let arabic = "متوسط درجات الحرارة الشهرية في المدن العربية الكبرى خلال عام 2024";
    let hindi = "नई दिल्ली में मासिक औसत तापमान और वर्षा के आँकड़े क्षत्रिय श्री";
    for (t, rtl) in [(arabic, true), (hindi, false)] {
        let full = with_faces(&faces, None, || text::measure(t, 16.0).width).0;
        for max in [40, 90, 150, 230, full - 1] {
            let (cut, laid) = with_faces(&faces, None, || {
                let cut = text::fit(t, 16.0, max);
                let laid = text::layout(&cut, 16.0);
                (cut, laid)
            })
            .0;
            assert!(laid.width <= max, "{max}: {cut:?} is {} px", laid.width);
            assert!(cut.ends_with('…'), "{cut:?}");
            let kept = cut.trim_start_matches('\u{200F}').trim_end_matches('…');
            assert!(t.starts_with(kept), "{cut:?}");
            let boundaries: Vec<usize> = t.grapheme_indices(true).map(|(i, _)| i).collect();
            assert!(
                boundaries.contains(&kept.len()) || kept.len() == t.len(),
                "{cut:?} ends inside a cluster"
            );
            // The run holding the ellipsis is the first on screen (right to
            // left) or the last (left to right), and the ellipsis is that
            // run's leftmost or rightmost glyph.
            let at = cut.len() - '…'.len_utf8();
            let runs = line::runs(&cut, line::Setting::default());
            let k = runs.iter().position(|r| r.range.contains(&at)).unwrap();
            let (_, _, shaped) = with_faces(&faces, None, || {
                line::shape(&cut, &runs[k], line::Setting::default())
            })
            .0
            .expect("shaped");
            if rtl {
                assert_eq!(k, 0, "{cut:?}: the ellipsis is not at the left");
                assert_eq!(shaped.first().map(|g| g.cluster), Some(at), "{cut:?}");
            } else {
                assert_eq!(
                    k,
                    runs.len() - 1,
                    "{cut:?}: the ellipsis is not at the right"
                );
                assert_eq!(shaped.last().map(|g| g.cluster), Some(at), "{cut:?}");
            }
        }
    }
}

/// A cut text's last run takes the glyphs the whole text was shaped with
/// up to a cluster HarfBuzz marks safe to break, and shapes only the rest
/// (`line::kept_prefix`): for every corpus line, cut at every cluster
/// boundary, that gives exactly the glyphs of shaping the cut text alone.
#[test]
fn cut_texts_are_shaped_as_if_alone() {
    use std::sync::atomic::Ordering;
    let faces = all_faces();
    let (mut cuts, before) = (0, line::KEPT_PREFIXES.load(Ordering::Relaxed));
    for (t, lang, group) in corpus() {
        if line::is_simple(&t) {
            continue;
        }
        let lang = lang.as_deref();
        for (at, _) in t.grapheme_indices(true).skip(1) {
            let cut = format!("{}…", t[..at].trim_end());
            let reused = with_faces(&faces, lang, || {
                text::layout(&t, 16.0);
                text::layout(&cut, 16.0)
            })
            .0;
            let alone = with_faces(&faces, lang, || text::layout(&cut, 16.0)).0;
            assert_eq!(reused, alone, "{group}: {cut:?}");
            cuts += 1;
        }
    }
    let kept = line::KEPT_PREFIXES.load(Ordering::Relaxed) - before;
    assert!(cuts > 1000, "{cuts} cuts");
    // Most cuts reuse (the others fall inside a syllable or a joining pair,
    // or are shaped alike by another test at the same time).
    assert!(
        kept * 2 > cuts,
        "{kept} of {cuts} cuts reused the whole text's glyphs"
    );
}

/// Mixed directions land in the bidi algorithm's visual order: in an
/// Arabic paragraph, the number and the Latin sit left of the Arabic word,
/// in their own left-to-right order.
#[test]
fn mixed_directions_land_in_visual_order() {
    let t = "مبيعات 2024 (Q1)";
    let order = line::visual_order(t);
    let pos = |needle: &str| {
        let at = t.find(needle).unwrap();
        order.iter().position(|&i| i == at).unwrap()
    };
    // Visual left to right: "(Q1) 2024 تاعيبم" with the brackets mirrored.
    assert!(pos("Q") < pos("2024"), "{order:?}");
    assert!(pos("2") < pos("0"), "digits keep their order");
    assert!(pos("2024") < pos("م"), "the number is left of the Arabic");
    assert!(pos("م") > pos("ت"), "Arabic reads right to left");
    assert!(line::is_rtl(t) && !line::is_rtl("Q1 مبيعات"));
}

/// `lang` picks the Han forms; without it the text does (kana: Japanese,
/// Hangul: Korean, else Simplified Chinese).
#[test]
fn lang_picks_the_han_forms() {
    let region = |t: &str, lang: Option<&str>| -> Vec<String> {
        text::needs([t], lang)
            .into_iter()
            .map(|i| text::shards()[i].key.to_string())
            .collect()
    };
    assert_eq!(region("直角", None), ["cjk-sc-0"]);
    assert_eq!(region("直角", Some("ja")), ["cjk-jp-0"]);
    assert_eq!(region("直角", Some("zh-Hant")), ["cjk-tc-0"]);
    assert_eq!(region("直角", Some("ko")), ["cjk-kr-1"]);
    assert_eq!(region("直角の", None), ["cjk-jp-0"]);
    assert_eq!(region("서울 기온", None), ["cjk-kr-0"]);
    assert!(
        region("Sales 2024", Some("ja")).is_empty(),
        "Latin needs no shard"
    );
    // The forms differ: the same characters are other glyphs per region.
    let faces = all_faces();
    let glyphs = |lang| {
        with_faces(&faces, Some(lang), || text::layout("直角三角形的边", 20.0))
            .0
            .glyphs
            .iter()
            .map(|g| (g.face, g.glyph))
            .collect::<Vec<_>>()
    };
    assert_ne!(glyphs("ja"), glyphs("zh-Hans"));
    assert_ne!(glyphs("zh-Hant"), glyphs("zh-Hans"));
}

/// A host whose shard fetches fail, or return other bytes.
struct BrokenFonts {
    wrong_bytes: bool,
}

impl Host for BrokenFonts {
    fn now_ms(&self) -> f64 {
        FIXED_NOW_MS
    }
    fn random_seed(&self) -> [u8; 32] {
        [0; 32]
    }
    fn kv_policy(&self) -> edgechart::serve::flow::TierPolicy {
        edgechart::serve::flow::TierPolicy::Always
    }
    fn cache_policy(&self) -> edgechart::serve::flow::TierPolicy {
        edgechart::serve::flow::TierPolicy::Always
    }
    async fn shard_bytes(&self, shard: &text::Shard) -> Result<Vec<u8>, String> {
        if self.wrong_bytes {
            let mut b = shard_from_disk(shard)?;
            b[100] ^= 1;
            Ok(b)
        } else {
            Err("assets unavailable".into())
        }
    }
}

/// A shard that cannot be had (fetch failing, or bytes failing their
/// digest): placeholders, `no-store`, no validators, the fault header and
/// a log line, and nothing stored anywhere; the next request with the
/// shard draws the chart and caches it.
#[test]
fn a_missing_shard_gives_placeholders_never_cached() {
    let target = "/charts/tokyo.png?title=%E6%9D%B1%E4%BA%AC%E3%81%AE%E6%B0%97%E6%B8%A9&lang=ja";
    for wrong_bytes in [false, true] {
        // The isolate's shard cache must not hold the shard from another test.
        edgechart::serve::fonts::with_cache(|c| c.set_capacity(0));
        let hot = HotCache::new(1 << 20);
        let (cache, kv) = (MemoryStore::default(), MemoryStore::default());
        let req = Request::get(target);
        let out = block_on(handle(
            &req,
            &hot,
            &cache,
            &kv,
            &BrokenFonts { wrong_bytes },
        ));
        let r = &out.response;
        assert_eq!(r.status, 200);
        assert_eq!(r.get("Cache-Control"), Some("no-store"));
        assert_eq!(r.get("X-Chart-Fault"), Some("font:cjk-jp-0"));
        assert!(r.get("ETag").is_none() && r.get("Last-Modified").is_none());
        assert!(out.write_back.is_none(), "a degraded chart is stored");
        assert!(
            hot.get(out.key.as_deref().unwrap()).is_none(),
            "kept in memory"
        );
        assert!(
            out.log.iter().any(|l| l.contains("\"shard\":\"cjk-jp-0\"")),
            "{:?}",
            out.log
        );
        let degraded = r.body.clone();
        edgechart::serve::fonts::with_cache(|c| {
            c.set_capacity(edgechart::serve::fonts::SHARD_CACHE_BYTES)
        });
        let good = block_on(handle(&req, &hot, &cache, &kv, &FixedHost([0; 32])));
        assert_eq!(good.response.status, 200);
        assert!(good.response.get("ETag").is_some());
        assert!(good.response.get("X-Chart-Fault").is_none());
        assert_eq!(
            good.response.get("Cache-Control"),
            Some("public, max-age=31536000, immutable")
        );
        assert_ne!(
            good.response.body, degraded,
            "the placeholders were the real chart"
        );
    }
}

/// The isolate's shards are bounded by bytes, least recently used first out.
#[test]
fn the_shard_cache_is_bounded_by_bytes() {
    let parse = |key: &str| {
        let i = text::by_key(key).unwrap();
        Arc::new(Face::parse(i, shard_from_disk(&text::shards()[i]).unwrap()).unwrap())
    };
    let (hebrew, thai, lao) = (parse("hebrew"), parse("thai"), parse("lao"));
    let cache = ShardCache::new(hebrew.len() + thai.len() + 100);
    cache.put(hebrew.clone());
    cache.put(thai.clone());
    assert!(
        cache.get(hebrew.shard).is_some(),
        "hebrew is now the most recent"
    );
    cache.put(lao.clone());
    assert!(
        cache.get(thai.shard).is_none(),
        "the least recently used goes first"
    );
    assert!(cache.get(hebrew.shard).is_some() && cache.get(lao.shard).is_some());
    assert!(cache.used() <= hebrew.len() + thai.len() + 100);
    let tiny = ShardCache::new(10);
    tiny.put(hebrew.clone());
    assert!(
        tiny.get(hebrew.shard).is_none(),
        "a shard larger than the cache is not kept"
    );
}

/// A shard's bytes are checked before use: length and digest.
#[test]
fn shards_are_checked_before_use() {
    let i = text::by_key("thai").unwrap();
    let bytes = shard_from_disk(&text::shards()[i]).unwrap();
    assert!(Face::parse(i, bytes.clone()).is_ok());
    let mut flipped = bytes.clone();
    flipped[40] ^= 0x80;
    let err = |b: Vec<u8>| Face::parse(i, b).err().expect("refused");
    assert!(err(flipped).contains("digest"));
    assert!(err(bytes[..bytes.len() - 1].to_vec()).contains("bytes"));
    let mut set = FaceSet::new();
    set.insert(Arc::new(Face::parse(i, bytes).unwrap()));
    assert!(set.get(i).is_some());
}

/// `lang` is a parameter like any other: checked, spelled canonically.
#[test]
fn lang_is_checked_and_canonical() {
    use edgechart::spec::{parse_as, Format, RouteKind};
    let spec = |q: &str| parse_as(Format::Png, "t", Some(q), RouteKind::Named);
    assert_eq!(
        spec("lang=zh-Hant").unwrap().lang.as_deref(),
        Some("zh-hant")
    );
    let a = edgechart::spec::identity::identity(&spec("lang=ZH-hant").unwrap());
    let b = edgechart::spec::identity::identity(&spec("lang=zh-Hant").unwrap());
    assert_eq!(a.etag, b.etag);
    for bad in [
        "lang=",
        "lang=j",
        "lang=japanese",
        "lang=ja_JP",
        "lang=ja-",
        "lang=%E6%97%A5",
    ] {
        let e = spec(bad).unwrap_err();
        assert_eq!(e.parameter, "lang", "{bad}");
        assert!(e.message.contains("BCP 47"), "{bad}: {}", e.message);
    }
    let long = format!("lang=ja-{}", "a".repeat(40));
    assert_eq!(spec(&long).unwrap_err().parameter, "lang");
}

/// The whole corpus against the references: shaping against HarfBuzz
/// (uharfbuzz 0.57.0 = HarfBuzz 15.0.0, newer than the 10.0.1 rustybuzz
/// 0.20.1 ports: glyphs, clusters, advances and offsets must be equal,
/// tolerance 0, on the shard and, by outline, on the source font the shard was cut
/// from) and the visual order against fribidi (an independent C
/// implementation). tests/text/check.py does the comparing; it exits
/// non-zero on any difference.
#[test]
fn text_reference() {
    let root = env!("CARGO_MANIFEST_DIR");
    let faces = all_faces();
    let mut dump = String::new();
    for (t, lang, _) in corpus() {
        dump.push_str(&edgechart::testing::shape_record(&faces, &t, lang.as_deref()).to_string());
        dump.push('\n');
    }
    let dir = std::path::Path::new(root).join("target/text");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("dump.jsonl");
    std::fs::write(&path, dump).unwrap();
    let python = format!("{root}/.venv-fonts/bin/python");
    assert!(
        std::path::Path::new(&python).exists(),
        "{python} is missing: run scripts/setup.sh (scripts/fonts.sh makes it)"
    );
    let out = std::process::Command::new(python)
        .current_dir(root)
        .args([
            "tests/text/check.py",
            "-q",
            "--corpus",
            "tests/text/corpus.jsonl",
        ])
        .arg(&path)
        .output()
        .expect("run tests/text/check.py");
    let report = String::from_utf8_lossy(&out.stdout);
    println!("{report}{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        out.status.success(),
        "tests/text/check.py found differences"
    );
    assert!(report.contains("OK: the engine agrees"), "{report}");
}

/// Text the embedded font draws whole is laid out without the shaper, as
/// it always was: its positions are HarfBuzz's for that font (which has
/// kerning and nothing else to shape with), to the font unit.
#[test]
fn the_latin_fast_path_agrees_with_the_shaper() {
    let upem = edgechart::font::units_per_em();
    let mut lines = 0;
    for (t, _, _) in corpus() {
        if !line::is_simple(&t) {
            continue;
        }
        let (fast, _) = edgechart::font::layout(&t, upem);
        let run = line::Run {
            range: 0..t.len(),
            rtl: false,
            script: rustybuzz::script::LATIN,
            face: line::Choice::Embedded,
        };
        let (_, _, shaped) = line::shape(&t, &run, line::Setting::default()).expect("shaped");
        let mut pen = 0;
        let hb: Vec<(u16, i32)> = shaped
            .iter()
            .map(|g| {
                let at = (g.glyph as u16, pen + g.pos.x_offset);
                pen += g.pos.x_advance;
                at
            })
            .collect();
        let fast: Vec<(u16, i32)> = fast.iter().map(|(g, x)| (g.0, *x)).collect();
        assert_eq!(fast, hb, "{t:?}");
        lines += 1;
    }
    assert!(lines >= 5, "{lines} Latin lines");
}
