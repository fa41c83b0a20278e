//! Lays out lines of text as the charts do and prints, per line, its runs
//! (font file, direction, script, byte range) with the shaped glyphs in font
//! units, and the bidi visual order: what `tests/text/check.py` compares with
//! HarfBuzz (uharfbuzz) and fribidi. One JSON object per input line.
//!
//!   cargo run --release --example shape_dump < tests/text/corpus.jsonl
//!
//! Input lines: `{"text": "...", "lang": "ja"}` (`lang` optional).

use std::io::{BufRead, Write};

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
        let t = input["text"].as_str().expect("text");
        let record = edgechart::testing::shape_record(&faces, t, input["lang"].as_str());
        writeln!(out, "{record}").expect("stdout");
    }
}
