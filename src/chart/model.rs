//! The model of a chart, independent of its kind and of any format: what
//! a kind's transform computes from the spec and what the layout draws and
//! the data formats print (matplotlib's `hist` returns the numbers apart
//! from the artists; this is the numbers). Series share one x axis; each
//! carries its plotted numbers per bin, its reference lines and its curve.

use crate::chart::summary::Summary;
use crate::spec::{Format, Scale};

/// What a format reads of a model, so that a transform computes only
/// that: the CSV prints the bins' numbers alone; the pictures also draw
/// the marks and curves; the SVG and the JSON also say the summaries.
/// (The KDE and the marks were a fifth of a CSV's cost while it printed
/// neither.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reads {
    pub summaries: bool,
    pub marks: bool,
    pub curves: bool,
}

impl Reads {
    /// Everything: what the JSON reads.
    pub const ALL: Reads = Reads {
        summaries: true,
        marks: true,
        curves: true,
    };

    /// What `format` reads (API.md: the CSV's columns are the bins'
    /// numbers; the JSON carries summaries, marks and the KDE; the pictures
    /// draw marks and curves, and the SVG says the summaries). The render
    /// and the cost estimate both ask here.
    pub fn of(format: Format) -> Reads {
        match format {
            Format::Csv => Reads {
                summaries: false,
                marks: false,
                curves: false,
            },
            Format::Png => Reads {
                summaries: false,
                marks: true,
                curves: true,
            },
            Format::Svg | Format::Json => Reads::ALL,
        }
    }
}

/// A chart's numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The x axis' scale; edges and curve points are in data units.
    pub x_scale: Scale,
    /// Shared bin edges, increasing (`k + 1` for `k` bins); empty for a
    /// kind without bins.
    pub edges: Vec<f64>,
    pub series: Vec<Series>,
    /// All values together (the JSON's top-level summary, the description).
    pub pooled: Summary,
    /// What the plotted numbers are (`count`, `density`, ...; the CSV
    /// header of one unlabelled series and the default y label).
    pub measure: &'static str,
    /// Whether the plotted numbers are running sums (`cumulative_` prefix).
    pub cumulative: bool,
    /// What the chart is, for the description (`Histogram`).
    pub noun: &'static str,
    /// Whether every series carries a curve (the KDE was asked for), even
    /// one that data without spread leaves empty.
    pub curves: bool,
}

/// One series of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub label: Option<String>,
    pub summary: Summary,
    /// Values below the first and above the last edge (under `range` or
    /// explicit edges); `None` when every value is binned by construction.
    pub outside: Option<(f64, f64)>,
    /// Raw counts per bin.
    pub counts: Vec<f64>,
    /// What the bars show per bin (after `norm` and `cumulative`).
    pub heights: Vec<f64>,
    /// Reference lines: name and x.
    pub marks: Vec<(String, f64)>,
    /// A curve in data units (the KDE), x increasing; may be empty.
    pub curve: Vec<(f64, f64)>,
}

impl Model {
    /// The largest number any bar (stacked when `stacked`) or curve reaches.
    pub fn top(&self, stacked: bool) -> f64 {
        let bins = self.edges.len().saturating_sub(1);
        let mut top = 0.0f64;
        if stacked {
            for i in 0..bins {
                top = top.max(self.series.iter().map(|s| s.heights[i]).sum::<f64>());
            }
        } else {
            for s in &self.series {
                top = s.heights.iter().fold(top, |m, &h| m.max(h));
            }
        }
        for s in &self.series {
            top = s.curve.iter().fold(top, |m, p| m.max(p.1));
        }
        top
    }

    /// The column header of series `i` in the CSV: its label, or for one
    /// unlabelled series the measure (`count`, `cumulative_density`).
    pub fn column(&self, i: usize) -> String {
        match &self.series[i].label {
            Some(l) => l.clone(),
            None if self.series.len() == 1 => {
                let prefix = if self.cumulative { "cumulative_" } else { "" };
                format!("{prefix}{}", self.measure)
            }
            None => format!("series{}", i + 1),
        }
    }
}
