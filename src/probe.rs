//! Fuel probes: where a request's work goes, as the wasmtime harness counts
//! it. A span's fuel is what runs between its start and its end, told to
//! the host (imports `host::span_begin` and `host::span_end`), which sums
//! it per span; the harness prints the sums beside a request's fuel
//! (`tests/wasm_harness.rs`, `fuel_by_stage`). Native code gets nothing
//! to measure with, and the Worker no import: there `span` is its closure.

/// The spans the harness reports, numbered in report order; a span nests
/// only in the one [`Span::within`] names, never in itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Span {
    /// The query parsed into a spec, and its cost estimated (named charts).
    Parse = 0,
    /// The spec's identity: its canonical form's digest, the ETag.
    Identity = 1,
    /// The chart's model: data, bins, summaries, marks, curves.
    Model = 2,
    /// The scene: axes, ticks, labels, bars, legend.
    Layout = 3,
    /// The PNG's paint work counted after layout (the budget check).
    Budget = 4,
    /// The PNG's pixels, all marks.
    Paint = 5,
    PaintRects = 6,
    PaintText = 7,
    /// Coverage, then blending.
    PaintCurves = 8,
    /// The PNG's bytes from its pixels: scanlines, deflate, framing.
    Encode = 9,
    /// The scanlines and which rows repeat.
    EncodeRows = 10,
    /// The LZ77 parse of the scanlines.
    EncodeMatch = 11,
    /// The Huffman codes and the bits.
    EncodeHuffman = 12,
    EncodeAdler = 13,
    /// The SVG, CSV or JSON bytes from the scene or model.
    Print = 14,
}

impl Span {
    /// Every span, in report order (`ALL[s as usize] == s`).
    pub const ALL: [Span; 15] = [
        Span::Parse,
        Span::Identity,
        Span::Model,
        Span::Layout,
        Span::Budget,
        Span::Paint,
        Span::PaintRects,
        Span::PaintText,
        Span::PaintCurves,
        Span::Encode,
        Span::EncodeRows,
        Span::EncodeMatch,
        Span::EncodeHuffman,
        Span::EncodeAdler,
        Span::Print,
    ];

    /// The span this one runs inside, if any: its fuel is part of that
    /// one's.
    pub fn within(self) -> Option<Span> {
        match self {
            Span::PaintRects | Span::PaintText | Span::PaintCurves => Some(Span::Paint),
            Span::EncodeRows | Span::EncodeMatch | Span::EncodeHuffman | Span::EncodeAdler => {
                Some(Span::Encode)
            }
            _ => None,
        }
    }

    /// Its name in the report.
    pub fn name(self) -> &'static str {
        match self {
            Span::Parse => "parse",
            Span::Identity => "identity",
            Span::Model => "model",
            Span::Layout => "layout",
            Span::Budget => "budget check",
            Span::Paint => "paint",
            Span::PaintRects => "paint: rectangles",
            Span::PaintText => "paint: text",
            Span::PaintCurves => "paint: curves",
            Span::Encode => "encode (PNG)",
            Span::EncodeRows => "encode: scanlines",
            Span::EncodeMatch => "encode: matches",
            Span::EncodeHuffman => "encode: Huffman",
            Span::EncodeAdler => "encode: Adler-32",
            Span::Print => "print (SVG, CSV, JSON)",
        }
    }
}

#[cfg(all(feature = "harness", target_arch = "wasm32"))]
#[link(wasm_import_module = "host")]
extern "C" {
    fn span_begin(span: u32);
    fn span_end(span: u32);
}

/// Runs `f` as span `s`.
#[inline(always)]
pub fn span<T>(s: Span, f: impl FnOnce() -> T) -> T {
    #[cfg(all(feature = "harness", target_arch = "wasm32"))]
    {
        // SAFETY: the imports take a number and touch no guest memory.
        unsafe { span_begin(s as u32) };
        let out = f();
        unsafe { span_end(s as u32) };
        out
    }
    #[cfg(not(all(feature = "harness", target_arch = "wasm32")))]
    {
        let _ = s;
        f()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_listed_by_number_and_nest_one_deep() {
        for (i, s) in Span::ALL.into_iter().enumerate() {
            assert_eq!(s as usize, i, "{s:?}");
            if let Some(outer) = s.within() {
                assert_eq!(outer.within(), None, "{s:?} in {outer:?}");
            }
        }
    }
}
