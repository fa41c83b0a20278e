//! Lays out lines of text as the charts do and prints, per line, its runs
//! (font file, direction, script, byte range) with the shaped glyphs in font
//! units, and the bidi visual order: what `tests/text/check.py` compares with
//! HarfBuzz (uharfbuzz) and fribidi. One JSON object per input line.
//!
//!   cargo run --release --example shape_dump < tests/text/corpus.jsonl
//!
//! Input lines: `{"text": "...", "lang": "ja"}` (`lang` optional).

use std::io::{BufRead, Write};

use edgechart::text::line::{self, Choice, Setting};
use edgechart::text::{self, with_faces};

fn main() {
    let faces = edgechart::testing::all_faces();
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for l in stdin.lock().lines() {
        let l = l.expect("stdin");
        if l.trim().is_empty() {
            continue;
        }
        let input: serde_json::Value = serde_json::from_str(&l).expect("a JSON line");
        let t = input["text"].as_str().expect("text").to_string();
        let lang = input["lang"].as_str().map(str::to_string);
        let setting = Setting {
            lang: lang.as_deref(),
        };
        let (runs, missed) = with_faces(&faces, lang.as_deref(), || {
            line::runs(&t, setting)
                .into_iter()
                .map(|run| {
                    let (file, index, key) = match run.face {
                        Choice::Embedded => (
                            "assets/fonts/DejaVuSans-subset.ttf".to_string(),
                            0,
                            "embedded",
                        ),
                        Choice::Shard(i) => {
                            let s = &text::shards()[i];
                            (format!("www{}", s.path), s.face_index, s.key)
                        }
                        Choice::Placeholder => (String::new(), 0, "placeholder"),
                    };
                    let glyphs: Vec<serde_json::Value> = line::shape(&t, &run, setting)
                        .map(|(_, _, g)| g)
                        .unwrap_or_default()
                        .iter()
                        .map(|g| {
                            serde_json::json!([
                                g.glyph,
                                g.cluster,
                                g.pos.x_advance,
                                g.pos.y_advance,
                                g.pos.x_offset,
                                g.pos.y_offset
                            ])
                        })
                        .collect();
                    serde_json::json!({
                        "face": key,
                        "file": file,
                        "index": index,
                        "rtl": run.rtl,
                        "script": run.script.tag().to_string(),
                        "start": run.range.start,
                        "end": run.range.end,
                        "glyphs": glyphs,
                    })
                })
                .collect::<Vec<_>>()
        });
        let visual = line::visual_order(&t);
        let record = serde_json::json!({
            "text": t,
            "lang": lang,
            "runs": runs,
            "missed": missed,
            "visual": visual,
        });
        writeln!(out, "{record}").expect("stdout");
    }
}
