//! What a spec costs to render, estimated before rendering: the storage
//! tiers use it to skip lookups for cheap charts (`KV_POLICY`,
//! `CACHE_POLICY`), and the parser refuses a chart whose estimate exceeds
//! the free plan's CPU budget ([`FUEL_MAX`]) with a 400 that names the
//! bound, so no accepted request can overrun it. tests/wasm_harness.rs
//! renders the costliest accepted requests and checks them against the
//! budget, so the estimate cannot be optimistic where it matters.

use crate::spec::{Bins, ChartSpec, Data, Format, Mode};

/// The most fuel (wasm operators) a request may cost: 98 million, about
/// 7.5 ms at the 13 million a millisecond the harness measures, inside the
/// free plan's 10 ms of CPU with room for the JavaScript glue.
pub const FUEL_MAX: u64 = 98_000_000;

/// Fuel per number of a stored data set read from storage by a fresh
/// isolate: its digest (SHA-256 of 8 bytes, about 400), the read back into
/// `f64`s, the checks and the copies into memory. The harness measured up
/// 600 to 1,600, 1,100 on average (`stored_charts_cost_little`); once in the isolate's memory a
/// stored number costs about 60, less than a parsed one.
pub const STORED_PER_VALUE: u64 = 1_200;

/// The estimated fuel of rendering `spec`, fitted to the harness's
/// measurements of renderer 9: about 10 per pixel, 160 per draw, 700 per
/// value of the query (parsing), 2,000 per bin and series, 2.5 million per
/// dpr squared for text and axes; several series add a pass over the
/// pixels each (25 per pixel when translucent bars overlap, 12 otherwise);
/// a KDE 1.5 million per series plus 30 per value, and its curve 3,000 per
/// pixel of the picture's diagonal; log bins 600 and marks 300 per value;
/// a reference line and its label 50 per pixel of height and 300,000; a
/// number printed in the CSV or JSON 5,000. The data's terms are counted
/// twice (the vocabulary's costliest requests measured two to three times
/// their sum). Only a PNG fills pixels; the other formats cost their data
/// (and the SVG its layout).
pub fn estimate(spec: &ChartSpec) -> u64 {
    estimate_data_and_pixels(spec) + text(spec)
}

/// Fuel per character of shaped text (text the embedded font does not draw
/// whole), per `dpr * dpr + 2` (shaping is paid once, the glyphs' pixels at
/// the picture's density): measured by the harness
/// (`the_costliest_text_fits_the_budget`, 460 characters at dpr 3) at about
/// 3,100 for Devanagari and Arabic, 2,100 for Thai, 4,500 for CJK and
/// Hangul, 6,600 for emoji and 7,600 for Myanmar, whose reordering and
/// chained contexts make it the costliest script; each is rounded up, so
/// 460 characters of emoji or Myanmar at dpr 3 on the largest canvas are
/// refused (they measured 98 and 103 million).
fn text_weight(shard: &str) -> u64 {
    match shard {
        "myanmar" => 9_000,
        "emoji" => 7_000,
        s if s.starts_with("cjk-") => 4_600,
        _ => 3_500,
    }
}

/// Fuel per byte of a shard a chart needs, held or not (the estimate is
/// made before the flow knows what the isolate holds): the first load
/// measured about 4.4 a byte (1.7 MB of CJK: 7.4 million), but counting
/// that for every chart would refuse ordinary charts whose text needs a
/// large CJK slice the isolate holds after its first request. 2 a byte
/// keeps those and still refuses the costliest charts that need one; a
/// chart close to the bound can overrun it once per isolate, on the
/// request that loads its slice (README, Text).
pub const LOAD_PER_BYTE: u64 = 2;

/// What a picture's shaped texts cost, with their shards' loading (CSV and
/// JSON draw none).
fn text(spec: &ChartSpec) -> u64 {
    if !spec.format.is_picture() {
        return 0;
    }
    let dpr = u64::from(spec.dpr);
    let lang = spec.lang.as_deref();
    // One itemization per text: its shards give both its weight and the
    // loads (each shard counted once for the chart).
    let mut loaded: Vec<usize> = Vec::new();
    let mut shaped = 0;
    for t in crate::serve::fonts::texts(spec) {
        if crate::text::line::is_simple(t) {
            continue;
        }
        let needs = crate::text::needs([t], lang);
        let weight = needs
            .iter()
            .map(|&i| text_weight(crate::text::shards()[i].key))
            .max()
            .unwrap_or(3_500);
        shaped += t.chars().count() as u64 * weight * (dpr * dpr + 2);
        for i in needs {
            if !loaded.contains(&i) {
                loaded.push(i);
            }
        }
    }
    let load: u64 = loaded
        .into_iter()
        .map(|i| LOAD_PER_BYTE * u64::from(crate::text::shards()[i].len))
        .sum();
    load + shaped
}

fn estimate_data_and_pixels(spec: &ChartSpec) -> u64 {
    let (w, h) = spec.pixel_size();
    let pixels = u64::from(w) * u64::from(h);
    let series = spec.data.series_count() as u64;
    let (draws, values) = match &spec.data {
        Data::Draws { n } => (u64::from(*n), 0),
        Data::Values(v) => (0, v.iter().map(Vec::len).sum::<usize>() as u64),
        Data::Counts { counts, .. } => (0, counts.iter().map(Vec::len).sum::<usize>() as u64),
    };
    let bins = match &spec.bins {
        Bins::Count(b) => u64::from(*b),
        Bins::Edges(e) => e.len() as u64,
        Bins::Rule(_) | Bins::Width(_) => 100,
    };
    let dpr = u64::from(spec.dpr);
    let kde = if spec.kde {
        1_500_000 * series + 30 * (draws + values)
    } else {
        0
    };
    let log = if spec.xscale == crate::spec::Scale::Log {
        600 * (draws + values)
    } else {
        0
    };
    let sorting = if spec.marks.is_empty() {
        0
    } else {
        300 * (draws + values)
    };
    // The vocabulary's terms measured 2 to 3 times their sum when the KDE,
    // log bins and marks come together: counted twice.
    // A stored data set comes sorted and parsed: reading and checking it
    // costs [`STORED_PER_VALUE`] a number, binning a binary search per
    // edge, percentiles nothing; a query's values cost their parsing.
    let (per_value, sorting, load) = match spec.dataset {
        Some(_) => (60, 0, STORED_PER_VALUE * values),
        None => (700, sorting, 0),
    };
    let data = 160 * draws + 2_000 * bins * series + per_value * values + kde + log + sorting;
    let data = if spec.kde || !spec.marks.is_empty() || log > 0 {
        data + per_value * values + kde + log + sorting + 2_000 * bins * series
    } else {
        data
    };
    let data = data + load;
    let marks = spec.marks.len() as u64 * series;
    // Numbers printed in the shortest round-trip form: about 5,000 each.
    let curve_points = if spec.kde { 200 * series } else { 0 };
    let printed = match spec.format {
        Format::Csv => bins * (2 + series),
        Format::Json => bins * (3 + 2 * series) + 2 * curve_points + 8 * series,
        Format::Png | Format::Svg => 0,
    };
    let data = data + 5_000 * printed;
    match spec.format {
        Format::Png => {
            let passes = match spec.mode {
                _ if series < 2 => 0,
                Mode::Overlay => 25 * series,
                _ => 12 * series,
            };
            let diagonal = libm::sqrt((u64::from(w).pow(2) + u64::from(h).pow(2)) as f64) as u64;
            let curves = if spec.kde {
                3_000 * diagonal * series
            } else {
                0
            };
            let rules = marks * (50 * u64::from(h) + 300_000);
            data + (10 + passes) * pixels + 2_500_000 * dpr * dpr + curves + rules
        }
        Format::Svg => data + 2_500_000 + marks * 300_000 + 2_000 * bins * series,
        Format::Csv | Format::Json => data,
    }
}
