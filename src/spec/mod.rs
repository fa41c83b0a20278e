//! Request to canonical chart spec: what a chart is ([`ChartSpec`]), the
//! contract's bounds ([`limits`]), parsing a query into a spec ([`query`]),
//! and the spec's identity (ETag, storage key, [`identity`]).

use std::fmt::Write as _;

pub mod format;
pub mod identity;
pub mod limits;
pub mod query;

pub use format::Format;
pub use query::{parse, parse_as, ParamError, RouteKind};

/// Where the numbers come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    /// `n` standard-normal draws seeded from the chart name (or fresh entropy).
    Draws { n: u32 },
    /// The user's own finite numbers.
    Values(Vec<f64>),
}

/// Number of bins: fixed, or chosen from the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bins {
    Fixed(u32),
    Auto,
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

/// A chart, fully resolved: defaults filled in, numbers parsed. Two requests
/// that mean the same chart produce equal specs and equal [`ChartSpec::canonical`].
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSpec {
    pub name: String,
    pub format: Format,
    pub data: Data,
    pub bins: Bins,
    pub title: String,
    pub width: u32,
    pub height: u32,
    pub dpr: u32,
    pub theme: Theme,
}

impl ChartSpec {
    /// The classic chart of the seed recipe: 1000 draws, 100 bins, 640x480.
    pub fn classic(name: &str) -> ChartSpec {
        ChartSpec {
            name: name.to_string(),
            format: Format::Png,
            data: Data::Draws {
                n: limits::N_DEFAULT,
            },
            bins: Bins::Fixed(limits::BINS_DEFAULT),
            title: default_title(name),
            width: limits::WIDTH_DEFAULT,
            height: limits::HEIGHT_DEFAULT,
            dpr: 1,
            theme: Theme::Light,
        }
    }

    /// The fixed colours a raster is painted in: `auto` has none, and a
    /// PNG is refused it at parse time (light, should one get through).
    pub fn colors(&self) -> crate::chart::theme::Colors {
        match self.theme {
            Theme::Dark => crate::chart::theme::Colors::Dark,
            Theme::Light | Theme::Auto => crate::chart::theme::Colors::Light,
        }
    }

    /// Pixel size of the PNG (and the SVG's view box).
    pub fn pixel_size(&self) -> (u32, u32) {
        (self.width * self.dpr, self.height * self.dpr)
    }

    /// One unambiguous spelling of the spec (the title is length-prefixed, so
    /// no title can imitate another field).
    pub fn canonical(&self) -> String {
        let mut s = String::with_capacity(96);
        let _ = write!(s, "format={};name={}", self.format.extension(), self.name);
        match &self.data {
            Data::Draws { n } => {
                let _ = write!(s, ";draws={n}");
            }
            Data::Values(values) => {
                s.push_str(";values=");
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        s.push(',');
                    }
                    let _ = write!(s, "{v:?}");
                }
            }
        }
        match self.bins {
            Bins::Fixed(b) => {
                let _ = write!(s, ";bins={b}");
            }
            Bins::Auto => s.push_str(";bins=auto"),
        }
        // Size, ratio and theme change pictures only: a CSV is the same
        // bytes, and the same chart, whatever `w` says.
        if self.format.is_picture() {
            let _ = write!(
                s,
                ";w={};h={};dpr={};theme={}",
                self.width,
                self.height,
                self.dpr,
                self.theme.as_str()
            );
        }
        let _ = write!(s, ";title={}:{}", self.title.len(), self.title);
        s
    }
}

/// The title a chart gets when the query names none.
pub fn default_title(name: &str) -> String {
    format!("Chart for \"{name}\"")
}
