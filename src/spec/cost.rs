//! What a spec costs to render, estimated before rendering: the storage
//! tiers use it to skip lookups for cheap charts (`KV_POLICY`,
//! `CACHE_POLICY`), and the parser refuses a chart whose estimate exceeds
//! the free plan's CPU budget ([`FUEL_MAX`]) with a 400 that names the
//! bound. A PNG's faded fills and curves are priced once it is laid out
//! (`crate::render::PaintWork`, at this module's coefficients), and the
//! render refuses it with the same 400 before painting; so no request that
//! is drawn can overrun the budget. tests/wasm_harness.rs holds both to the
//! module's fuel twice: a table of requests whose estimate must not fall
//! below what they measure (`the_estimate_bounds_the_measured_fuel`), and
//! the costliest corners of the parameter space, rendered against the
//! budget itself.

use crate::spec::{Bins, ChartSpec, Data, Format, ParamError};

/// The most fuel (wasm operators) a request may cost: 98 million, about
/// 7.5 ms at the 13 million a millisecond the harness measures, inside the
/// free plan's 10 ms of CPU with room for the JavaScript glue.
pub const FUEL_MAX: u64 = 98_000_000;

/// The 400 for a chart whose estimate `cost` is over [`FUEL_MAX`]: which
/// parameter to name and what to use instead (`fewer`).
pub fn refusal(cost: u64, param: &str, fewer: &str) -> ParamError {
    ParamError::new(
        param,
        format!(
            "this chart would take about {} million operations to draw; at most {} million fit a request's CPU budget: use {fewer}",
            cost / 1_000_000,
            FUEL_MAX / 1_000_000
        ),
    )
}

/// [`refusal`] for a chart of `format` whose size or vocabulary is what
/// costs (not its numbers' text).
pub fn too_costly(cost: u64, format: Format) -> ParamError {
    if format == Format::Png {
        refusal(
            cost,
            "w",
            "a smaller w, h or dpr, fewer series, marks or no kde",
        )
    } else {
        refusal(cost, "values", "fewer values or series, or no kde")
    }
}

/// Fuel per number of a stored data set read from storage by a fresh
/// isolate: its digest (SHA-256 of 8 bytes, about 400), the read back into
/// `f64`s, the checks and the copies into memory. The harness measured
/// about 750 (`stored_charts_cost_little`: a fresh isolate's chart against
/// the same chart with the data set held).
pub const STORED_PER_VALUE: u64 = 800;

/// Fuel per number of a stored data set the isolate holds: the copies out
/// of memory and into the spec, the merge of its sorted series for a bin
/// rule, the binning by binary search and the pooled summary (measured
/// about 500: a CSV of 25,000 stored numbers, 12.7 million).
const STORED_HELD_PER_VALUE: u64 = 600;

/// The estimated fuel of rendering `spec`: its data, its pixels and its
/// shaped text. The coefficients are fitted to the wasmtime harness's
/// fuel for renderer 10 (`the_estimate_bounds_the_measured_fuel` checks a
/// table of requests against them: never below what they measure, at most
/// a few times above), rounded up; see [`estimate_data_and_pixels`].
pub fn estimate(spec: &ChartSpec) -> u64 {
    estimate_data_and_pixels(spec) + text(spec)
}

/// Fuel per character of shaped text (text the embedded font does not draw
/// whole), per `dpr * dpr + 2` (shaping is paid once, the glyphs' pixels at
/// the picture's density): fitted to the harness
/// (`the_costliest_text_fits_the_budget`, 460 characters at dpr 3 on the
/// largest canvas, with what the pixel term leaves over there; rustybuzz,
/// 2026-12-04): Myanmar, whose reordering and chained contexts make it the
/// costliest script, measures 94 million in all and is estimated at 96;
/// emoji 87, estimated at 98; CJK and Hangul 72 to 76; Devanagari, Arabic
/// and Thai less. 3,600 for the rest since rustybuzz: at 3,500 the Arabic
/// legend of 8 labels measured 70.0 million, estimated at 69.5.
fn text_weight(shard: &str) -> u64 {
    match shard {
        "myanmar" | "emoji" => 6_000,
        s if s.starts_with("cjk-") => 4_600,
        _ => 3_600,
    }
}

/// Fuel per byte of a shard a chart needs, held or not (the estimate is
/// made before the flow knows what the isolate holds): the first load
/// measured about 4.7 a byte (1.7 MB of CJK: 8.0 million), but counting
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
            .unwrap_or(3_600);
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

/// Fuel of every chart: the flow, its identity, the layout.
const BASE: u64 = 1_200_000;
/// Per value of the query, apart from its text: the sort, the identity's
/// SHA-256 of its 8 bytes, the binning, the copies; its text is
/// [`PER_DATA_BYTE`] a byte. Measured (CSV of 10,000 numbers in 8 series,
/// 10 bins) at about 1,650 for whole numbers of 2 digits, 2,100 for tenths
/// (`61.2`) and 3,300 for 17-digit mantissas (`1/(u+0.001)`); counted at
/// 4,200 a value whatever its text until renderer 10, twice what short
/// numbers cost.
const PER_VALUE: u64 = 2_300;
/// Per decoded byte of the data parameters' text (`values`, `counts`,
/// `edges`): form-decoding it and reading its digits (the parser adds it,
/// knowing the text: `spec::query`). Fitted with the numbers' separators
/// percent-encoded (`%2C`, three bytes a comma), as a form sends them.
pub const PER_DATA_BYTE: u64 = 120;
/// Per generated draw.
const PER_DRAW: u64 = 290;
/// Per bin and series: counting, heights, the bars' layout.
const PER_BIN_SERIES: u64 = 600;
/// Per number printed in a CSV: an edge (two a row, long decimals), a
/// height (one a row and series, whole numbers mostly). Fitted while each
/// printed byte also paid the stored chart's SHA-256 (about 80 fuel a
/// byte; its 64-bit check now costs under one), so they now count high.
const PER_CSV_EDGE: u64 = 2_000;
const PER_CSV_HEIGHT: u64 = 600;
/// Per number printed in a JSON: an edge (three a bin), a count or height
/// (two a bin and series), a curve point's number (two a point), and the
/// summaries' passes over the data (per value).
const PER_JSON_EDGE: u64 = 3_500;
const PER_JSON_HEIGHT: u64 = 900;
const PER_JSON_CURVE: u64 = 2_000;
const PER_JSON_VALUE: u64 = 250;
/// A KDE: per chart, per series, and per value binned onto its grid.
const KDE_BASE: u64 = 1_000_000;
const KDE_PER_SERIES: u64 = 1_000_000;
const KDE_PER_VALUE: u64 = 350;
/// A KDE's curve in the PNG, per pixel its antialiased line visits (each
/// measured against a segment, the covered ones blended): priced once the
/// curve is laid out, when its length is known (`crate::render` counts the
/// visits with `raster::canvas::line_visits` before painting), not here: a
/// KDE on a log count axis can rise and fall to the plot's floor many
/// times, and no bound made before its grid is computed is both safe and
/// tight (the width plus 8 heights, counted here until renderer 10, was
/// neither). The parser's estimate leaves the curves out; the render adds
/// them and refuses the chart before a pixel is painted when the sum is
/// over [`FUEL_MAX`], with the parser's 400.
///
/// Measured (`fuel_by_stage`'s spans) at 352 a visit for 8 curves at
/// dpr 3 and 556 at dpr 1, where a walk's steps are shorter and more of
/// the work is per step; 460 until the walk visited only the pixels that
/// can get a level (a third to three fifths fewer visits, the same cost
/// per step).
pub const CURVE_PER_VISIT: u64 = 600;
/// More per visit for each series of faded bars under the curves
/// (`mode=overlay`): its blends over the overlap's colours are new ones,
/// and once the 8-bit palette is full each is a search for the nearest.
/// Measured at 1,435 a visit for 8 curves over 8 layers at 640x480.
pub const CURVE_OVER_FADED_PER_LAYER: u64 = 120;
/// The rest of a curve in the PNG, per curve: its ink's table, the tiles
/// read back.
pub const CURVE_BASE: u64 = 200_000;
/// Faded bars in the PNG (`mode=overlay`'s series, and their legend
/// swatches), likewise priced after layout by the pixels they blend: per
/// rectangle, and per pixel of the wider (a run of one colour found, then
/// filled) `FADED_WIDE_BASE` plus `FADED_PER_LAYER` for each series
/// overlaid (the more layers, the more blended colours: an 8-bit palette
/// and a busier image to compress), the narrower than
/// `raster::canvas::NARROW` (each pixel looked up in its ink's blend table,
/// the image's colour changing every pixel or two) `FADED_NARROW_HALVES`
/// halves of that. Fitted to the harness: 2 series 8 to 9.4 fuel a wide pixel,
/// 8 series of uniform data (bars that fill the plot) 17 to 20, 8 series in
/// 1000 bins about 50 a narrow pixel. Counted here until renderer 10 as
/// one pass over the picture per series, which those 8 series exceeded 1.7
/// times.
pub const FADED_RECT: u64 = 100;
pub const FADED_WIDE_BASE: u64 = 7;
pub const FADED_PER_LAYER: u64 = 2;
/// A narrow faded pixel's cost in halves of a wide one's (2.5 times).
pub const FADED_NARROW_HALVES: u64 = 5;
/// Per pixel of a PNG of several series: more inks than a 4-bit palette
/// holds, so 8-bit rows, twice the bytes to compress (2 uniform series,
/// whose faded bars fill the plot, measured 2.6 to 4.3 fuel a pixel over
/// the other terms).
const EIGHT_BIT_PER_PIXEL: u64 = 6;
const SVG_CURVE: u64 = 1_000_000;
/// A reference line and its label (the first 8 of a chart are labelled
/// in full; more crowd out and cost less), plus 50 per pixel of height.
const MARK: u64 = 300_000;
const MARK_MORE: u64 = 100_000;

/// The data's and the pictures' terms (see the constants). Only a PNG
/// fills pixels: 10 per pixel (6 more for several series) and 2.5 million
/// per `dpr` squared for the text and axes (its faded bars and curves are
/// priced after layout); the other formats cost their data (and the SVG
/// its layout).
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
    let numbers = draws + values;
    // What the format's model computes: a CSV's neither the KDE nor the
    // marks, which it does not print.
    let reads = crate::chart::model::Reads::of(spec.format);
    let kde = if spec.kde && reads.curves {
        KDE_BASE + KDE_PER_SERIES * series + KDE_PER_VALUE * numbers
    } else {
        0
    };
    let log = if spec.xscale == crate::spec::Scale::Log {
        600 * numbers
    } else {
        0
    };
    // A stored data set comes sorted and parsed: reading and checking it
    // costs [`STORED_PER_VALUE`] a number, binning a binary search per
    // edge, percentiles nothing; a query's values cost their parsing and
    // their part of the identity, and marks a sort.
    let (per_value, sorting) = match spec.dataset {
        Some(_) => (STORED_HELD_PER_VALUE + STORED_PER_VALUE, 0),
        None if spec.marks.is_empty() || !reads.marks => (PER_VALUE, 0),
        None => (PER_VALUE, 300 * numbers),
    };
    let data = BASE
        + PER_DRAW * draws
        + per_value * values
        + PER_BIN_SERIES * bins * series
        + kde
        + log
        + sorting;
    let marks = spec.marks.len() as u64 * series;
    let mark_cost = |per_pixel: u64| {
        MARK * marks.min(8) + MARK_MORE * marks.saturating_sub(8) + per_pixel * u64::from(h) * marks
    };
    let curves = if spec.kde { series } else { 0 };
    match spec.format {
        Format::Csv => data + PER_CSV_EDGE * 2 * bins + PER_CSV_HEIGHT * bins * series,
        Format::Json => {
            data + PER_JSON_EDGE * (3 * bins + 8 * series)
                + PER_JSON_HEIGHT * 2 * bins * series
                + PER_JSON_CURVE * 2 * 200 * curves
                + PER_JSON_VALUE * numbers
        }
        Format::Png => {
            // Curves and faded bars are priced after layout (CURVE_PER_VISIT,
            // FADED_RECT and after).
            let eight_bit = if series < 2 { 0 } else { EIGHT_BIT_PER_PIXEL };
            data + (10 + eight_bit) * pixels + 2_500_000 * dpr * dpr + mark_cost(50)
        }
        Format::Svg => {
            data + 2_500_000 + mark_cost(0) + PER_BIN_SERIES * bins * series + SVG_CURVE * curves
        }
    }
}
