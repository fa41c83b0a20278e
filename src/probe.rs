//! Fuel probes: where a request's work goes, as the wasmtime harness counts
//! it. A span's fuel is what runs between its start and its end, told to
//! the host (imports `host::span_begin` and `host::span_end`), which sums
//! it per span; the harness prints the sums beside a request's fuel
//! (`tests/wasm_harness.rs`, `fuel_by_stage`). Native code gets nothing
//! to measure with, and the Worker no import: there `span` is its closure.

/// The spans the harness reports, nested as a request runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Span {
    /// The chart's model: data, bins, summaries, marks, curves.
    Model = 0,
    /// The scene: axes, ticks, labels, bars, legend.
    Layout = 1,
    /// The PNG's pixels, all marks.
    Paint = 2,
    /// The PNG's rectangles (within `Paint`).
    PaintRects = 3,
    /// The PNG's text (within `Paint`).
    PaintText = 4,
    /// The PNG's curves (within `Paint`): coverage, then blending.
    PaintCurves = 5,
    /// The PNG's bytes from its pixels: scanlines, deflate, framing.
    Encode = 6,
    /// The SVG, CSV or JSON bytes from the scene or model.
    Print = 7,
    /// The PNG's scanlines and which rows repeat (within `Encode`).
    EncodeRows = 8,
    /// The LZ77 parse of the scanlines (within `Encode`).
    EncodeMatch = 9,
    /// The Huffman codes and the bits (within `Encode`).
    EncodeHuffman = 10,
    /// The Adler-32 checksum (within `Encode`).
    EncodeAdler = 11,
    /// The query parsed into a spec, and its cost estimated.
    Parse = 12,
    /// The spec's identity: its canonical form's digest, the ETag.
    Identity = 13,
    /// The PNG's paint work counted after layout (the budget check).
    Budget = 14,
}

impl Span {
    /// Every span, in the harness's report order.
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

    /// Its name in the report.
    pub fn name(self) -> &'static str {
        match self {
            Span::Parse => "parse",
            Span::Identity => "identity",
            Span::Budget => "budget check",
            Span::Model => "model",
            Span::Layout => "layout",
            Span::Paint => "paint",
            Span::PaintRects => "paint: rectangles",
            Span::PaintText => "paint: text",
            Span::PaintCurves => "paint: curves",
            Span::Encode => "encode (PNG)",
            Span::Print => "print (SVG, CSV, JSON)",
            Span::EncodeRows => "encode: scanlines",
            Span::EncodeMatch => "encode: matches",
            Span::EncodeHuffman => "encode: Huffman",
            Span::EncodeAdler => "encode: Adler-32",
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
