//! The one table of query parameters: name, what it means, its bound, its
//! choices, whether only pictures show it, and its canonical spelling. The
//! parser finds parameters here (and lists them when one is unknown), the
//! spec's identity is spelled row by row from here, and the demo page's
//! builder reads the same rows (`www/params.json`, written from
//! [`table_json`] and checked by a test). A new parameter is a row here
//! and its resolution in [`crate::spec::query`].

use std::fmt::Write as _;

use super::{Bins, ChartSpec, Cumulative, Data};

/// One query parameter of the contract.
pub struct Param {
    pub name: &'static str,
    /// What it means, for people (the demo page shows it).
    pub doc: &'static str,
    /// Its bound, as error messages and the demo page state it.
    pub bound: &'static str,
    /// The words it takes, when it takes only words.
    pub choices: &'static [&'static str],
    /// Whether only PNG and SVG show it (CSV and JSON ignore it, and so does
    /// their identity).
    pub picture_only: bool,
    /// Appends the parameter's canonical value in `spec` (defaults filled).
    pub canonical: fn(&ChartSpec, &mut String),
}

/// Every parameter, in the order the canonical spec spells them.
pub const PARAMS: &[Param] = &[
    Param {
        name: "values",
        doc: "your data: comma-separated numbers, | between series",
        bound: "1 to 8 series, each at least 1 value, 10000 values in all, each within +-1e300 and at most 100 characters",
        choices: &[],
        picture_only: false,
        canonical: |s, out| {
            // A stored data set is spelled by its id (ChartSpec::canonical).
            if let (Data::Values(series), None) = (&s.data, &s.dataset) {
                series_digest(series, out);
            }
        },
    },
    Param {
        name: "n",
        doc: "how many standard-normal draws to generate (not with values)",
        bound: "an integer from 1 to 100000; default 1000",
        choices: &[],
        picture_only: false,
        canonical: |s, out| {
            if let Data::Draws { n } = s.data {
                let _ = write!(out, "{n}");
            }
        },
    },
    Param {
        name: "counts",
        doc: "pre-binned counts, one per bin, | between series (with edges)",
        bound: "k non-negative finite numbers per series over k+1 edges",
        choices: &[],
        picture_only: false,
        canonical: |s, out| {
            if let (Data::Counts { counts, .. }, None) = (&s.data, &s.dataset) {
                series_digest(counts, out);
            }
        },
    },
    Param {
        name: "bins",
        doc: "number of bins, or a numpy rule",
        bound: "an integer from 1 to 1000, or auto, fd, sturges, scott, rice, sqrt, doane",
        choices: &["auto", "fd", "sturges", "scott", "rice", "sqrt", "doane"],
        picture_only: false,
        canonical: |s, out| match &s.bins {
            Bins::Count(n) => {
                let _ = write!(out, "{n}");
            }
            Bins::Rule(r) => out.push_str(r.as_str()),
            Bins::Width(_) | Bins::Edges(_) => {}
        },
    },
    Param {
        name: "binwidth",
        doc: "bins of this width, edges at its whole multiples",
        bound: "a positive number giving at most 1000 bins",
        choices: &[],
        picture_only: false,
        canonical: |s, out| {
            if let Bins::Width(w) = s.bins {
                let _ = write!(out, "{w:?}");
            }
        },
    },
    Param {
        name: "edges",
        doc: "explicit increasing bin edges (unequal widths allowed)",
        bound: "2 to 1001 increasing numbers",
        choices: &[],
        picture_only: false,
        canonical: |s, out| {
            let stored_counts = s.dataset.is_some() && matches!(s.data, Data::Counts { .. });
            if let (Bins::Edges(e), false) = (&s.bins, stored_counts) {
                numbers(e, out);
            }
        },
    },
    Param {
        name: "range",
        doc: "lo,hi: the bins span exactly this; values outside are not counted",
        bound: "two numbers, lo < hi",
        choices: &[],
        picture_only: false,
        canonical: |s, out| {
            if let Some((lo, hi)) = s.range {
                let _ = write!(out, "{lo:?},{hi:?}");
            }
        },
    },
    Param {
        name: "norm",
        doc: "what a bar shows",
        bound: "count, percent, probability or density; default count",
        choices: &["count", "percent", "probability", "density"],
        picture_only: false,
        canonical: |s, out| out.push_str(s.norm.as_str()),
    },
    Param {
        name: "cumulative",
        doc: "1: each bar adds the bars to its left; -1: to its right",
        bound: "1, -1 or 0; default 0",
        choices: &["0", "1", "-1"],
        picture_only: false,
        canonical: |s, out| {
            out.push_str(match s.cumulative {
                Cumulative::No => "0",
                Cumulative::Forward => "1",
                Cumulative::Backward => "-1",
            })
        },
    },
    Param {
        name: "mode",
        doc: "how series share the plot",
        bound: "several series: overlay (default), stack, side or step; one series: bar (default) or step",
        choices: &["bar", "overlay", "stack", "side", "step"],
        picture_only: true,
        canonical: |s, out| out.push_str(s.mode.as_str()),
    },
    Param {
        name: "title",
        doc: "the title",
        bound: "at most 200 characters; default Chart for \"{name}\"",
        choices: &[],
        picture_only: false,
        canonical: |s, out| text(&s.title, out),
    },
    Param {
        name: "xlabel",
        doc: "the x axis' label",
        bound: "at most 100 characters",
        choices: &[],
        picture_only: true,
        canonical: |s, out| text(&s.xlabel, out),
    },
    Param {
        name: "ylabel",
        doc: "the y axis' label",
        bound: "at most 100 characters",
        choices: &[],
        picture_only: true,
        canonical: |s, out| text(&s.ylabel, out),
    },
    Param {
        name: "labels",
        doc: "a name per series, | between them, shown in a legend",
        bound: "as many as series, each at most 60 characters",
        choices: &[],
        picture_only: false,
        canonical: |s, out| {
            for (i, l) in s.labels.iter().enumerate() {
                if i > 0 {
                    out.push('|');
                }
                text(l, out);
            }
        },
    },
    Param {
        name: "xscale",
        doc: "log: log-spaced bins and a log x axis",
        bound: "linear or log (every value > 0); default linear",
        choices: &["linear", "log"],
        picture_only: false,
        canonical: |s, out| out.push_str(s.xscale.as_str()),
    },
    Param {
        name: "yscale",
        doc: "log: a logarithmic count axis (empty bins not drawn)",
        bound: "linear or log; default linear",
        choices: &["linear", "log"],
        picture_only: true,
        canonical: |s, out| out.push_str(s.yscale.as_str()),
    },
    Param {
        name: "marks",
        doc: "reference lines: mean, median, pNN (percentile) or a number",
        bound: "at most 8, comma-separated; pNN with NN from 1 to 99",
        choices: &[],
        picture_only: false,
        canonical: |s, out| {
            for (i, m) in s.marks.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&m.name());
            }
        },
    },
    Param {
        name: "kde",
        doc: "1: a Gaussian kernel density estimate per series (Scott's bandwidth)",
        bound: "1 or 0; not with counts",
        choices: &["0", "1"],
        picture_only: false,
        canonical: |s, out| out.push(if s.kde { '1' } else { '0' }),
    },
    Param {
        name: "colors",
        doc: "a colour per series: 6-digit hex, comma-separated, no #",
        bound: "as many as series; default the tab10 order",
        choices: &[],
        picture_only: true,
        canonical: |s, out| {
            for (i, [r, g, b]) in s.colors.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{r:02x}{g:02x}{b:02x}");
            }
        },
    },
    Param {
        name: "w",
        doc: "width in CSS pixels",
        bound: "an integer from 64 to 4096; default 640",
        choices: &[],
        picture_only: true,
        canonical: |s, out| {
            let _ = write!(out, "{}", s.width);
        },
    },
    Param {
        name: "h",
        doc: "height in CSS pixels",
        bound: "an integer from 64 to 4096; default 480",
        choices: &[],
        picture_only: true,
        canonical: |s, out| {
            let _ = write!(out, "{}", s.height);
        },
    },
    Param {
        name: "dpr",
        doc: "device pixel ratio: the PNG is w*dpr by h*dpr",
        bound: "1, 2 or 3; at most 4194304 pixels in all",
        choices: &["1", "2", "3"],
        picture_only: true,
        canonical: |s, out| {
            let _ = write!(out, "{}", s.dpr);
        },
    },
    Param {
        name: "theme",
        doc: "colours; auto follows the viewer's colour scheme (SVG)",
        bound: "light, dark or (for .svg) auto; default light",
        choices: &["light", "dark", "auto"],
        picture_only: true,
        canonical: |s, out| out.push_str(s.theme.as_str()),
    },
    Param {
        name: "lang",
        doc: "the language of the texts: Han characters take its regional forms (ja, ko, zh-Hans, zh-Hant); default: the text decides (kana Japanese, Hangul Korean, else Simplified Chinese)",
        bound: "a BCP 47 tag of at most 35 characters",
        choices: &[],
        picture_only: true,
        canonical: |s, out| {
            if let Some(l) = &s.lang {
                out.push_str(l);
            }
        },
    },
];

/// The row of parameter `name`.
pub fn find(name: &str) -> Option<usize> {
    PARAMS.iter().position(|p| p.name == name)
}

/// `values, n, counts, ...`: every parameter's name, for the unknown-
/// parameter message.
pub fn known_list() -> String {
    PARAMS.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
}

/// The table as JSON for the demo page's builder (`www/params.json`).
pub fn table_json() -> String {
    let rows: Vec<serde_json::Value> = PARAMS
        .iter()
        .map(|p| {
            serde_json::json!({
                "name": p.name,
                "doc": p.doc,
                "bound": p.bound,
                "choices": p.choices,
                "picture_only": p.picture_only,
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&rows).unwrap_or_default();
    s.push('\n');
    s
}

fn numbers(v: &[f64], out: &mut String) {
    for (i, x) in v.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        crate::encode::number::write_debug(out, *x);
    }
}

/// The user's values (or counts) as the series' lengths and one SHA-256
/// of all their bits (little-endian, series after series): as unique as
/// the numbers spelled out (the lengths split the bits; the parser reads
/// `-0` as `0`), at 8 bytes a number for the identity's digest to hash
/// instead of about 19 printed ones (SHA-256 costs about 80 fuel a byte
/// in wasm, the printing about 400 a number). Values come sorted, so
/// their order in the query does not change the identity; counts keep
/// their bins' order.
fn series_digest(series: &[Vec<f64>], out: &mut String) {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let mut bytes = Vec::with_capacity(8 * 1024);
    for (i, s) in series.iter().enumerate() {
        if i > 0 {
            out.push('|');
        }
        let _ = write!(out, "{}", s.len());
        for chunk in s.chunks(1024) {
            bytes.clear();
            for v in chunk {
                bytes.extend_from_slice(&v.to_bits().to_le_bytes());
            }
            h.update(&bytes);
        }
    }
    out.push_str(":sha256:");
    out.push_str(&crate::spec::identity::hex(&h.finalize()));
}

/// Free text, length-prefixed: no text can imitate the next field.
fn text(t: &str, out: &mut String) {
    let _ = write!(out, "{}:{t}", t.len());
}
