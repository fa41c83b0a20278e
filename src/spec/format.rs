//! The output formats: one row each, found by the route's extension.

/// What a chart is served as. Pictures (PNG, SVG) depend on the size, the
/// pixel ratio and the theme; data (CSV, JSON) only on the numbers, the
/// bins and the title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Png,
    Svg,
    Csv,
    Json,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Png, Format::Svg, Format::Csv, Format::Json];

    /// The route's extension (without the dot).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }

    pub fn from_extension(ext: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.extension() == ext)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Png => "image/png",
            Format::Svg => "image/svg+xml",
            Format::Csv => "text/csv; charset=utf-8; header=present",
            Format::Json => "application/json",
        }
    }

    /// Whether the format is a picture (size, ratio and theme matter).
    pub fn is_picture(self) -> bool {
        matches!(self, Format::Png | Format::Svg)
    }

    /// `.png, .svg, .csv or .json`, for error messages.
    pub fn known_list() -> &'static str {
        ".png, .svg, .csv or .json"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_round_trip_and_are_distinct() {
        for f in Format::ALL {
            assert_eq!(Format::from_extension(f.extension()), Some(f));
            assert!(Format::known_list().contains(&format!(".{}", f.extension())));
        }
        assert_eq!(Format::from_extension("PNG"), None);
        assert_eq!(Format::from_extension("gif"), None);
    }
}
