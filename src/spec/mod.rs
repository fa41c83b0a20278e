//! Request to canonical chart spec: what a chart is ([`ChartSpec`]), the
//! contract's bounds ([`limits`]), the one table of query parameters
//! ([`params`]) that the parser ([`query`]), the error messages, the
//! canonical spelling and the demo page all read, and the spec's identity
//! (ETag, storage key, [`identity`]).

pub mod cost;
pub mod format;
pub mod identity;
pub mod limits;
pub mod params;
pub mod query;

pub use format::Format;
pub use query::{parse, parse_as, parse_stored, parse_with_cost, ParamError, RouteKind};

/// An sRGB colour.
pub type Rgb = [u8; 3];

/// Where the numbers come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    /// `n` standard-normal draws seeded from the chart name (or fresh entropy).
    Draws { n: u32 },
    /// The user's own finite numbers, one list per series, each sorted
    /// ascending (a histogram does not depend on their order, and sorted
    /// values are binned by binary search).
    Values(Vec<Vec<f64>>),
    /// Pre-binned data: `k` counts per series over `k + 1` shared edges.
    Counts {
        counts: Vec<Vec<f64>>,
        edges: Vec<f64>,
    },
}

impl Data {
    /// How many series the chart has.
    pub fn series_count(&self) -> usize {
        match self {
            Data::Draws { .. } => 1,
            Data::Values(v) => v.len(),
            Data::Counts { counts, .. } => counts.len(),
        }
    }
}

/// A bin rule of `numpy.histogram_bin_edges`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    Auto,
    Fd,
    Sturges,
    Scott,
    Rice,
    Sqrt,
    Doane,
}

impl Rule {
    pub const ALL: [Rule; 7] = [
        Rule::Auto,
        Rule::Fd,
        Rule::Sturges,
        Rule::Scott,
        Rule::Rice,
        Rule::Sqrt,
        Rule::Doane,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Auto => "auto",
            Rule::Fd => "fd",
            Rule::Sturges => "sturges",
            Rule::Scott => "scott",
            Rule::Rice => "rice",
            Rule::Sqrt => "sqrt",
            Rule::Doane => "doane",
        }
    }
}

/// How the edges are found.
#[derive(Debug, Clone, PartialEq)]
pub enum Bins {
    /// This many equal bins over the range.
    Count(u32),
    /// A count computed from the data by a numpy rule.
    Rule(Rule),
    /// Bins of this width, edges at its whole multiples.
    Width(f64),
    /// Explicit increasing edges (also the edges of pre-binned counts).
    Edges(Vec<f64>),
}

/// What the bars show (`norm`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Norm {
    Count,
    Percent,
    Probability,
    Density,
}

impl Norm {
    pub const ALL: [Norm; 4] = [Norm::Count, Norm::Percent, Norm::Probability, Norm::Density];

    pub fn as_str(self) -> &'static str {
        match self {
            Norm::Count => "count",
            Norm::Percent => "percent",
            Norm::Probability => "probability",
            Norm::Density => "density",
        }
    }
}

/// Running sums of the bars (`cumulative`, matplotlib's meaning).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cumulative {
    No,
    /// Each bar adds the bars to its left.
    Forward,
    /// Each bar adds the bars to its right (`-1`).
    Backward,
}

/// How several series share the plot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One series of filled bars.
    Bar,
    /// Translucent bars over each other.
    Overlay,
    /// Bars on top of each other.
    Stack,
    /// Narrow bars side by side within each bin.
    Side,
    /// Outlines only.
    Step,
}

impl Mode {
    pub const ALL: [Mode; 5] = [
        Mode::Bar,
        Mode::Overlay,
        Mode::Stack,
        Mode::Side,
        Mode::Step,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Bar => "bar",
            Mode::Overlay => "overlay",
            Mode::Stack => "stack",
            Mode::Side => "side",
            Mode::Step => "step",
        }
    }
}

/// An axis' scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Linear,
    Log,
}

impl Scale {
    pub fn as_str(self) -> &'static str {
        match self {
            Scale::Linear => "linear",
            Scale::Log => "log",
        }
    }
}

/// A reference line (`marks`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MarkSpec {
    Mean,
    Median,
    /// Percentile 1 to 99.
    Percentile(u8),
    /// A fixed value on the x axis.
    Value(f64),
}

impl MarkSpec {
    /// The mark's name in the JSON and its label: `mean`, `median`, `p90`, `2.5`.
    pub fn name(&self) -> String {
        match self {
            MarkSpec::Mean => "mean".into(),
            MarkSpec::Median => "median".into(),
            MarkSpec::Percentile(p) => format!("p{p}"),
            MarkSpec::Value(v) => crate::encode::number::shortest(*v),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
    /// Both palettes, chosen by the viewer's `prefers-color-scheme` (SVG only).
    Auto,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Auto => "auto",
        }
    }
}

/// What a chart draws: one room each in `crate::chart` (the transform
/// from spec to model); the layout, the encoders and the routes are shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Histogram,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Histogram => "histogram",
        }
    }
}

/// A chart, fully resolved: defaults filled in, numbers parsed. Two requests
/// that mean the same chart produce equal specs and equal [`ChartSpec::canonical`].
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSpec {
    pub name: String,
    pub kind: Kind,
    pub format: Format,
    pub data: Data,
    pub bins: Bins,
    pub range: Option<(f64, f64)>,
    pub norm: Norm,
    pub cumulative: Cumulative,
    pub mode: Mode,
    pub title: String,
    pub xlabel: String,
    pub ylabel: String,
    /// A name per series, or none (no legend).
    pub labels: Vec<String>,
    pub xscale: Scale,
    pub yscale: Scale,
    pub marks: Vec<MarkSpec>,
    pub kde: bool,
    /// A colour per series, or none (the theme's tab10 order).
    pub colors: Vec<Rgb>,
    pub width: u32,
    pub height: u32,
    pub dpr: u32,
    pub theme: Theme,
    /// The texts' language (a BCP 47 tag, lowercase): Han forms and the
    /// shaper's language systems; none: the text decides.
    pub lang: Option<String>,
    /// The id of the stored data set the data came from (`/charts/d/{id}`):
    /// the identity spells the id instead of the numbers.
    pub dataset: Option<String>,
}

impl ChartSpec {
    /// The classic chart of the seed recipe: 1000 draws, 100 bins, 640x480.
    pub fn classic(name: &str) -> ChartSpec {
        ChartSpec {
            name: name.to_string(),
            kind: Kind::Histogram,
            format: Format::Png,
            data: Data::Draws {
                n: limits::N_DEFAULT,
            },
            bins: Bins::Count(limits::BINS_DEFAULT),
            range: None,
            norm: Norm::Count,
            cumulative: Cumulative::No,
            mode: Mode::Bar,
            title: default_title(name),
            xlabel: String::new(),
            ylabel: String::new(),
            labels: Vec::new(),
            xscale: Scale::Linear,
            yscale: Scale::Linear,
            marks: Vec::new(),
            kde: false,
            colors: Vec::new(),
            width: limits::WIDTH_DEFAULT,
            height: limits::HEIGHT_DEFAULT,
            dpr: 1,
            theme: Theme::Light,
            lang: None,
            dataset: None,
        }
    }

    /// Pixel size of the PNG (and the SVG's view box).
    pub fn pixel_size(&self) -> (u32, u32) {
        (self.width * self.dpr, self.height * self.dpr)
    }

    /// One unambiguous spelling of the spec: every parameter of
    /// [`params::PARAMS`] that this format shows, in the table's order, each
    /// in its canonical form (free text is length-prefixed, so no title can
    /// imitate another field). Size, ratio, theme and the other picture-only
    /// parameters are left out of the data formats: a CSV is the same bytes,
    /// and the same chart, whatever `w` says.
    pub fn canonical(&self) -> String {
        let mut s = String::with_capacity(128);
        s.push_str("format=");
        s.push_str(self.format.extension());
        s.push_str(";name=");
        s.push_str(&self.name);
        s.push_str(";kind=");
        s.push_str(self.kind.as_str());
        if let Some(id) = &self.dataset {
            s.push_str(";dataset=");
            s.push_str(id);
        }
        for p in params::PARAMS {
            if p.picture_only && !self.format.is_picture() {
                continue;
            }
            // A row with nothing to say (no counts, no range) is left out:
            // every present row is named, so the spelling stays unique.
            let mark = s.len();
            s.push(';');
            s.push_str(p.name);
            s.push('=');
            let start = s.len();
            (p.canonical)(self, &mut s);
            if s.len() == start {
                s.truncate(mark);
            }
        }
        s
    }
}

/// The title a chart gets when the query names none.
pub fn default_title(name: &str) -> String {
    format!("Chart for \"{name}\"")
}
