//! The query string to a [`ChartSpec`]: parameters, their bounds and
//! the errors that name them.

use std::fmt::{self, Write as _};

use super::params::{self, PARAMS};
use crate::dataset::DataSet;

use super::{
    default_title, limits, Bins, ChartSpec, Cumulative, Data, Format, Kind, MarkSpec, Mode, Norm,
    Rgb, Rule, Scale, Theme,
};
use crate::encode::number::shortest;

/// A request parameter that breaks the contract; the message names the
/// parameter and the bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    pub parameter: String,
    pub message: String,
}

impl ParamError {
    pub(crate) fn new(parameter: &str, message: impl Into<String>) -> ParamError {
        ParamError {
            parameter: parameter.to_string(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Checks a chart name: 1 to 64 of `A-Z a-z 0-9 . _ -`, not starting with `.`.
pub fn validate_name(name: &str) -> Result<(), ParamError> {
    let err = |m: String| Err(ParamError::new("name", m));
    if name.is_empty() {
        return err("chart name is empty: use /charts/{name}.{ext} with 1 to 64 characters".into());
    }
    if name.len() > limits::NAME_MAX {
        return err(format!(
            "chart name is {} characters long; at most {} are allowed",
            name.chars().count(),
            limits::NAME_MAX
        ));
    }
    if name.starts_with('.') {
        return err("chart name must not start with '.'".into());
    }
    if let Some(bad) = name
        .chars()
        .find(|&c| !(c.is_ascii() && is_token_byte(c as u8)))
    {
        return err(format!(
            "chart name contains {}; allowed are A-Z a-z 0-9 . _ -",
            describe_char(bad)
        ));
    }
    Ok(())
}

/// The characters of a chart name, and of an unknown parameter name that
/// may be echoed in `X-Chart-Error`: `A-Z a-z 0-9 . _ -`.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')
}

fn describe_char(c: char) -> String {
    if c == ' ' {
        "a space".to_string()
    } else if c.is_ascii_graphic() {
        format!("'{c}'")
    } else {
        format!("U+{:04X}", c as u32)
    }
}

/// Which route the spec is for: the random chart takes no `values`, and a
/// stored data set's chart takes no data parameters (its data is stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteKind {
    Named,
    Random,
    Stored,
}

/// Parses the query string of a PNG chart URL (the default format).
pub fn parse(name: &str, query: Option<&str>, kind: RouteKind) -> Result<ChartSpec, ParamError> {
    parse_as(Format::Png, name, query, kind)
}

/// Parses the query string of a chart URL (without the `?`) into a spec
/// for `format`. Keys and values are form-decoded (`%XX`, `+` as space).
pub fn parse_as(
    format: Format,
    name: &str,
    query: Option<&str>,
    kind: RouteKind,
) -> Result<ChartSpec, ParamError> {
    if kind == RouteKind::Named {
        validate_name(name)?;
    }
    parse_query(query)?.into_spec(format, name, kind, None)
}

/// [`parse_as`], with the estimate its bound was checked against: the
/// spec's ([`super::cost::estimate`]) plus what reading its numbers and
/// their padding cost (for tests that hold the estimate to the fuel).
pub fn parse_with_cost(
    format: Format,
    name: &str,
    query: Option<&str>,
    kind: RouteKind,
) -> Result<(ChartSpec, u64), ParamError> {
    if kind == RouteKind::Named {
        validate_name(name)?;
    }
    parse_query(query)?.into_spec_and_cost(format, name, kind, None)
}

/// The longest query read, checked before anything else is: what parsing
/// costs grows with its bytes, padding included (the harness measured
/// about 180 fuel a byte of zero-padded numbers, 225 a decoded byte of
/// `%20`-padded ones), so a megabyte of query cost about twice the budget.
/// Cloudflare itself takes URLs of at most 16 KB; `wrangler dev`, workerd
/// and other hosts may take more.
pub const QUERY_MAX_BYTES: usize = 256 << 10;

/// What a decoded byte of padding costs on top of
/// [`super::cost::PER_DATA_BYTE`]: the data parameters' bytes beyond 16 a
/// number (see [`QUERY_MAX_BYTES`]).
const EXCESS_BYTE: u64 = 230;
/// The bytes a number's text may have before its padding is counted.
const BYTES_PER_NUMBER: usize = 16;

/// Parses the query of `/charts/d/{id}.{ext}`: every parameter but the
/// data ones, over the stored data set `set` (whose id names the chart).
pub fn parse_stored(
    format: Format,
    id: &str,
    query: Option<&str>,
    set: &DataSet,
) -> Result<(ChartSpec, u64), ParamError> {
    parse_query(query)?.into_spec_and_cost(format, id, RouteKind::Stored, Some(set))
}

/// The query's pairs, form-decoded, each in its row's slot.
fn parse_query(query: Option<&str>) -> Result<Raw, ParamError> {
    let len = query.map_or(0, str::len);
    if len > QUERY_MAX_BYTES {
        return Err(ParamError::new(
            "query",
            format!(
                "the query is {len} bytes; at most {QUERY_MAX_BYTES} are read (Cloudflare takes URLs of at most 16 KB: post larger data to /data)"
            ),
        ));
    }
    let mut raw = Raw {
        given: vec![None; PARAMS.len()],
    };
    for pair in query.unwrap_or("").split('&') {
        if pair.is_empty() {
            continue;
        }
        let (k, v) = match pair.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (pair, None),
        };
        let key = form_decode(k).map_err(|m| ParamError::new("query", m))?;
        if key == "sig" {
            // The URL's signature (crate::serve::sign) is checked before parsing
            // and is not part of the chart's identity.
            continue;
        }
        let Some(row) = params::find(&key) else {
            // The name goes into a response header only when it is a short
            // token; anything else (controls, spaces, non-ASCII) is "query".
            let token =
                !key.is_empty() && key.len() <= limits::ECHO_MAX && key.bytes().all(is_token_byte);
            return Err(ParamError::new(
                if token { &key } else { "query" },
                format!(
                    "unknown parameter {}; known parameters are {}",
                    quote(&key, limits::ECHO_MAX),
                    params::known_list()
                ),
            ));
        };
        if raw.given[row].is_some() {
            return Err(ParamError::new(
                &key,
                format!("parameter '{key}' is given more than once"),
            ));
        }
        let value = match v {
            Some(v) => form_decode(v).map_err(|m| ParamError::new(&key, format!("{key}: {m}")))?,
            None => {
                return Err(ParamError::new(
                    &key,
                    format!("parameter '{key}' has no value (expected {key}=...)"),
                ))
            }
        };
        raw.given[row] = Some(value);
    }
    Ok(raw)
}

/// The query's parameters as given, one slot per row of [`PARAMS`].
struct Raw {
    given: Vec<Option<String>>,
}

/// A 400 that names two parameters that cannot be combined.
fn conflict(a: &str, b: &str, why: &str) -> ParamError {
    ParamError::new(a, format!("{a} cannot be combined with {b}: {why}"))
}

impl Raw {
    fn get(&self, name: &str) -> Option<&str> {
        params::find(name).and_then(|i| self.given[i].as_deref())
    }

    fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The first of `others` that is given with `name`, as a 400 naming both.
    fn exclude(&self, name: &str, others: &[&str], why: &str) -> Result<(), ParamError> {
        if self.has(name) {
            if let Some(o) = others.iter().find(|o| self.has(o)) {
                return Err(conflict(name, o, why));
            }
        }
        Ok(())
    }

    /// The data of a chart URL: `values` (each series sorted), `n` draws,
    /// or `counts` over `edges`.
    fn data(&self, edges: Option<&Vec<f64>>, log: bool) -> Result<Data, ParamError> {
        Ok(
            match (self.get("values"), self.get("n"), self.get("counts")) {
                (Some(v), _, _) => {
                    let mut series = parse_series("values", v, log)?;
                    for s in &mut series {
                        crate::dataset::sort(s);
                    }
                    Data::Values(series)
                }
                (None, Some(n), _) => Data::Draws {
                    n: parse_int("n", n, limits::N_MIN, limits::N_MAX)?,
                },
                (None, None, Some(c)) => {
                    let Some(edges) = edges else {
                        return Err(ParamError::new(
                        "counts",
                        "counts needs edges: k counts per series over k+1 edges (edges=0,1,2,...)",
                    ));
                    };
                    Data::Counts {
                        counts: parse_counts(c, edges.len() - 1)?,
                        edges: edges.clone(),
                    }
                }
                (None, None, None) => Data::Draws {
                    n: limits::N_DEFAULT,
                },
            },
        )
    }

    /// The spec of these parameters, refused if its estimate (with what
    /// reading its numbers cost, see [`slow_reads`]) exceeds the budget.
    fn into_spec(
        self,
        format: Format,
        name: &str,
        kind: RouteKind,
        stored: Option<&DataSet>,
    ) -> Result<ChartSpec, ParamError> {
        self.into_spec_and_cost(format, name, kind, stored)
            .map(|(spec, _)| spec)
    }

    /// [`Raw::into_spec`], with the estimate the bound was checked against.
    fn into_spec_and_cost(
        self,
        format: Format,
        name: &str,
        kind: RouteKind,
        stored: Option<&DataSet>,
    ) -> Result<(ChartSpec, u64), ParamError> {
        let text: usize = ["values", "counts", "edges"]
            .iter()
            .filter_map(|p| self.get(p))
            .map(str::len)
            .sum();
        let (spec, slow) = slow_reads(|| self.spec(format, name, kind, stored));
        let spec = spec?;
        // Text beyond what the per-value terms count: padded numbers.
        // The edges of counts are the `edges` parameter's, in the bins:
        // counted once.
        let numbers = match &spec.data {
            Data::Values(v) => v.iter().map(Vec::len).sum(),
            Data::Counts { counts, .. } => counts.iter().map(Vec::len).sum::<usize>(),
            Data::Draws { .. } => 0,
        } + match &spec.bins {
            Bins::Edges(e) => e.len(),
            _ => 0,
        };
        let excess = text.saturating_sub(BYTES_PER_NUMBER * numbers) as u64 * EXCESS_BYTE;
        let cost = super::cost::estimate(&spec)
            .saturating_add(text as u64 * super::cost::PER_DATA_BYTE)
            .saturating_add(slow)
            .saturating_add(excess);
        if cost > super::cost::FUEL_MAX {
            let (param, fewer) = if slow > super::cost::FUEL_MAX / 4 {
                (
                    "values",
                    "numbers of at most 19 significant digits (17 are enough for any f64)",
                )
            } else if excess > super::cost::FUEL_MAX / 4 {
                (
                    "values",
                    "numbers without padding (spaces or leading zeros)",
                )
            } else {
                return Err(super::cost::too_costly(cost, spec.format));
            };
            return Err(super::cost::refusal(cost, param, fewer));
        }
        Ok((spec, cost))
    }

    fn spec(
        self,
        format: Format,
        name: &str,
        kind: RouteKind,
        stored: Option<&DataSet>,
    ) -> Result<ChartSpec, ParamError> {
        if kind == RouteKind::Stored {
            for p in ["values", "counts", "n"] {
                if self.has(p) {
                    return Err(ParamError::new(
                        p,
                        format!("{p} is not accepted on /charts/d/{{id}}: the chart's data is the stored data set"),
                    ));
                }
            }
            if matches!(stored.map(|s| &s.data), Some(Data::Counts { .. })) {
                for p in ["edges", "bins", "binwidth", "range", "kde"] {
                    if self.has(p) {
                        return Err(conflict(
                            p,
                            "counts",
                            "this data set is pre-binned (its counts and edges are stored)",
                        ));
                    }
                }
            }
        }
        if kind == RouteKind::Random {
            for p in ["values", "counts", "edges"] {
                if self.has(p) {
                    return Err(ParamError::new(
                        p,
                        format!("{p} is not accepted on /random (its data is random); use /charts/{{name}}"),
                    ));
                }
            }
        }
        self.exclude("n", &["values"], "n sets how many draws to generate")?;
        self.exclude(
            "counts",
            &["values", "n", "bins", "binwidth", "range"],
            "counts are already binned (their edges are given)",
        )?;
        self.exclude(
            "edges",
            &["bins", "binwidth", "range"],
            "edges fix the bins and their span",
        )?;
        self.exclude("binwidth", &["bins"], "binwidth sets the number of bins")?;
        self.exclude("kde", &["counts"], "a density estimate needs the values")?;

        let xscale = match self.get("xscale") {
            None | Some("linear") => Scale::Linear,
            Some("log") => Scale::Log,
            Some(other) => return Err(choice("xscale", other)),
        };
        let log = xscale == Scale::Log;
        let yscale = match self.get("yscale") {
            None | Some("linear") => Scale::Linear,
            Some("log") => Scale::Log,
            Some(other) => return Err(choice("yscale", other)),
        };

        let edges = match self.get("edges") {
            Some(e) => Some(parse_edges("edges", e, log)?),
            None => None,
        };
        let (data, edges) = match stored {
            Some(set) => stored_data(set, edges, log)?,
            None => (self.data(edges.as_ref(), log)?, edges),
        };
        if log && matches!(data, Data::Draws { .. }) {
            return Err(conflict(
                "xscale",
                "n",
                "xscale=log needs every value > 0, and standard-normal draws are not (chart your own values)",
            ));
        }
        let series = data.series_count();
        let stored_id = stored.map(|_| name.to_string());
        let stored_labels = stored.map(DataSet::chart_labels).unwrap_or_default();

        let range = match self.get("range") {
            Some(r) => Some(parse_range(r, log)?),
            None => None,
        };
        let bins = match (self.get("bins"), self.get("binwidth"), edges) {
            (_, _, Some(e)) => Bins::Edges(e),
            (Some(b), _, _) => match Rule::ALL.iter().find(|r| r.as_str() == b) {
                Some(&r) => Bins::Rule(r),
                None => Bins::Count(parse_int("bins", b, limits::BINS_MIN, limits::BINS_MAX)?),
            },
            (None, Some(w), None) => Bins::Width(parse_binwidth(w)?),
            (None, None, None) => match data {
                Data::Draws { .. } => Bins::Count(limits::BINS_DEFAULT),
                _ => Bins::Rule(Rule::Auto),
            },
        };
        if let Bins::Width(w) = bins {
            check_binwidth(w, &data, range, log)?;
        }

        let norm = match self.get("norm") {
            None => Norm::Count,
            Some(n) => *Norm::ALL
                .iter()
                .find(|m| m.as_str() == n)
                .ok_or_else(|| choice("norm", n))?,
        };
        let cumulative = match self.get("cumulative").map(parse_number) {
            None | Some(Some(0.0)) => Cumulative::No,
            Some(Some(1.0)) => Cumulative::Forward,
            Some(Some(-1.0)) => Cumulative::Backward,
            Some(_) => {
                return Err(ParamError::new(
                    "cumulative",
                    format!(
                        "cumulative must be 1, -1 or 0, got {}",
                        quote(self.get("cumulative").unwrap_or(""), 40)
                    ),
                ))
            }
        };
        let mode = match self.get("mode") {
            None if series > 1 => Mode::Overlay,
            None => Mode::Bar,
            Some(m) => {
                let mode = *Mode::ALL
                    .iter()
                    .find(|x| x.as_str() == m)
                    .ok_or_else(|| choice("mode", m))?;
                let fits = match mode {
                    Mode::Step => true,
                    Mode::Bar => series == 1,
                    Mode::Overlay | Mode::Stack | Mode::Side => series > 1,
                };
                if !fits {
                    return Err(ParamError::new(
                        "mode",
                        format!(
                            "mode={m} is for {}; this chart has {series} series (several series: overlay, stack, side or step; one series: bar or step)",
                            if series == 1 { "several series" } else { "one series" }
                        ),
                    ));
                }
                mode
            }
        };

        let kde = match self.get("kde").map(parse_number) {
            None | Some(Some(0.0)) => false,
            Some(Some(1.0)) => true,
            Some(_) => {
                return Err(ParamError::new(
                    "kde",
                    format!(
                        "kde must be 1 or 0, got {}",
                        quote(self.get("kde").unwrap_or(""), 40)
                    ),
                ))
            }
        };
        if kde {
            if cumulative != Cumulative::No {
                return Err(conflict(
                    "kde",
                    "cumulative",
                    "a density curve is not a running sum",
                ));
            }
            if norm != Norm::Density && !equal_widths(&bins, range, log) {
                return Err(conflict(
                    "kde",
                    if self.has("edges") { "edges" } else { "range" },
                    "with unequal bin widths the curve has the bars' units only under norm=density",
                ));
            }
        }

        let marks = match self.get("marks") {
            None => Vec::new(),
            Some(m) => parse_marks(m, log)?,
        };

        let title = match self.get("title") {
            None => match kind {
                RouteKind::Named | RouteKind::Stored => default_title(name),
                RouteKind::Random => "Random chart".to_string(),
            },
            Some(t) => checked_text("title", t, limits::TITLE_MAX_CHARS)?,
        };
        let xlabel = match self.get("xlabel") {
            None => String::new(),
            Some(t) => checked_text("xlabel", t, limits::AXIS_LABEL_MAX_CHARS)?,
        };
        let ylabel = match self.get("ylabel") {
            None => String::new(),
            Some(t) => checked_text("ylabel", t, limits::AXIS_LABEL_MAX_CHARS)?,
        };
        let labels = match self.get("labels") {
            None => stored_labels,
            Some(l) => {
                let labels: Vec<&str> = l.split('|').collect();
                if labels.len() != series {
                    return Err(ParamError::new(
                        "labels",
                        format!(
                            "labels has {} names for {series} series; give one per series, | between them",
                            labels.len()
                        ),
                    ));
                }
                labels
                    .into_iter()
                    .map(|t| checked_text("labels", t, limits::LABEL_MAX_CHARS))
                    .collect::<Result<Vec<_>, _>>()?
            }
        };
        let colors = match self.get("colors") {
            None => Vec::new(),
            Some(c) => parse_colors(c, series)?,
        };

        let size = |key: &str, default: u32| match self.get(key) {
            None => Ok(default),
            Some(v) => parse_int(key, v, limits::SIZE_MIN, limits::SIZE_MAX),
        };
        let width = size("w", limits::WIDTH_DEFAULT)?;
        let height = size("h", limits::HEIGHT_DEFAULT)?;
        let dpr = match self.get("dpr") {
            None => 1,
            Some(v) => parse_int("dpr", v, 1, limits::DPR_MAX)?,
        };
        let theme = match self.get("theme") {
            None | Some("light") => Theme::Light,
            Some("dark") => Theme::Dark,
            // The viewer picks: only a vector image can carry both palettes
            // (CSV and JSON have no colours, so any theme means the same).
            Some("auto") if format != Format::Png => Theme::Auto,
            Some("auto") => {
                return Err(ParamError::new(
                    "theme",
                    "theme=auto is for .svg (it follows the viewer's colour scheme); a .png is light or dark",
                ))
            }
            Some(other) => {
                return Err(ParamError::new(
                    "theme",
                    format!(
                        "theme must be light, dark or (for .svg) auto, got {}",
                        quote(other, 40)
                    ),
                ))
            }
        };
        let lang = match self.get("lang") {
            None => None,
            Some(t) => Some(checked_lang(t)?),
        };
        let pixels = u64::from(width * dpr) * u64::from(height * dpr);
        if pixels > limits::PIXELS_MAX {
            let which = if self.has("dpr") {
                "w, h and dpr"
            } else {
                "w and h"
            };
            return Err(ParamError::new(
                if self.has("dpr") { "dpr" } else { "w" },
                format!(
                    "{which} give a {}x{} image ({pixels} pixels); at most {} pixels are allowed (w*h*dpr*dpr)",
                    width * dpr,
                    height * dpr,
                    limits::PIXELS_MAX
                ),
            ));
        }
        let spec = ChartSpec {
            name: name.to_string(),
            kind: Kind::Histogram,
            format,
            data,
            bins,
            range,
            norm,
            cumulative,
            mode,
            title,
            xlabel,
            ylabel,
            labels,
            xscale,
            yscale,
            marks,
            kde,
            colors,
            width,
            height,
            dpr,
            theme,
            lang,
            dataset: stored_id,
        };
        Ok(spec)
    }
}

/// A stored data set's data, and its edges when pre-binned; under a log
/// axis every value (or edge) must be above zero.
fn stored_data(
    set: &DataSet,
    edges: Option<Vec<f64>>,
    log: bool,
) -> Result<(Data, Option<Vec<f64>>), ParamError> {
    let lowest = match &set.data {
        Data::Values(v) => v
            .iter()
            .filter_map(|s| s.first())
            .fold(f64::INFINITY, |a, &b| a.min(b)),
        Data::Counts { edges, .. } => edges[0],
        Data::Draws { .. } => 0.0,
    };
    if log && lowest <= 0.0 {
        return Err(conflict(
            "xscale",
            "the data set",
            &format!(
                "xscale=log needs every number > 0, and this data set holds {}",
                shortest(lowest)
            ),
        ));
    }
    Ok(match &set.data {
        Data::Counts { edges, .. } => (set.data.clone(), Some(edges.clone())),
        data => (data.clone(), edges),
    })
}

/// A 400 for a word the parameter does not take, listing the ones it does.
fn choice(key: &str, got: &str) -> ParamError {
    let row = params::find(key).map(|i| &PARAMS[i]);
    let words = row.map_or(String::new(), |p| p.choices.join(", "));
    ParamError::new(
        key,
        format!("{key} must be one of {words}, got {}", quote(got, 40)),
    )
}

/// A BCP 47 language tag as far as charts use it: subtags of 1 to 8
/// letters or digits joined by `-`, the first of 2 to 3 letters, at most
/// 35 characters; spelled lowercase (tags are case-insensitive).
fn checked_lang(t: &str) -> Result<String, ParamError> {
    let bad = || {
        ParamError::new(
            "lang",
            format!(
                "lang must be a BCP 47 language tag such as ja, ko, zh-Hans or zh-Hant (at most 35 characters), got {}",
                quote(t, 40)
            ),
        )
    };
    if t.is_empty() || t.len() > 35 {
        return Err(bad());
    }
    let mut subtags = t.split('-');
    let first = subtags.next().unwrap_or("");
    if !(2..=3).contains(&first.len()) || !first.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(bad());
    }
    if !subtags.all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        return Err(bad());
    }
    Ok(t.to_ascii_lowercase())
}

/// Free text of at most `max` characters without control characters.
fn checked_text(key: &str, t: &str, max: usize) -> Result<String, ParamError> {
    let chars = t.chars().count();
    if chars > max {
        return Err(ParamError::new(
            key,
            format!("{key} is {chars} characters long; at most {max} are allowed"),
        ));
    }
    if let Some(c) = t.chars().find(|c| c.is_control()) {
        return Err(ParamError::new(
            key,
            format!("{key} contains the control character {}", describe_char(c)),
        ));
    }
    Ok(t.to_string())
}

/// One number of a list parameter: finite, within the numeric domain, and
/// (`positive`, for a log axis) above zero.
fn list_number(key: &str, what: &str, item: &str, positive: bool) -> Result<f64, ParamError> {
    match parse_number(item) {
        Some(v) if v.abs() > limits::VALUE_ABS_MAX => Err(ParamError::new(
            key,
            format!(
                "{what} is {}; charts take numbers from -1e300 to 1e300",
                unquoted(item.trim())
            ),
        )),
        Some(v) if positive && v <= 0.0 => Err(ParamError::new(
            key,
            format!(
                "{what} is {}; xscale=log needs every number > 0",
                unquoted(item.trim())
            ),
        )),
        Some(v) => Ok(v),
        None if item.trim().is_empty() => Err(ParamError::new(key, format!("{what} is empty"))),
        None if item.trim().len() > NUMBER_MAX_BYTES => Err(ParamError::new(
            key,
            format!(
                "{what} is {} characters long; a number has at most {NUMBER_MAX_BYTES} (17 significant digits name any f64): {}",
                item.trim().len(),
                quote(item, 40)
            ),
        )),
        None => Err(ParamError::new(
            key,
            format!("{what} is not a finite decimal number: {}", quote(item, 40)),
        )),
    }
}

/// `values`: series separated by `|`, numbers by `,`; 1 to 8 series of at
/// least one value, 10,000 values in all.
///
/// One pass over the bytes finds the separators and checks each item's
/// characters on the way, so an item of digits, signs, points and
/// exponents goes straight to the standard parser; anything else (spaces
/// to trim, a bad character, an empty item) takes [`parse_number`] and,
/// when refused, [`list_number`]'s message. Both paths accept the same
/// items with the same bits (a test compares them).
fn parse_series(key: &str, raw: &str, positive: bool) -> Result<Vec<Vec<f64>>, ParamError> {
    let (mut bars, mut commas) = (0usize, 0usize);
    for b in raw.bytes() {
        bars += usize::from(b == b'|');
        commas += usize::from(b == b',');
    }
    if bars + 1 > limits::SERIES_MAX {
        return Err(ParamError::new(
            key,
            format!(
                "{key} has {} series; at most {} are allowed",
                bars + 1,
                limits::SERIES_MAX
            ),
        ));
    }
    let total = bars + commas + 1;
    if total > limits::VALUES_MAX {
        return Err(ParamError::new(
            key,
            format!(
                "{key} has {total} numbers; at most {} are allowed",
                limits::VALUES_MAX
            ),
        ));
    }
    let many = bars > 0;
    let accepted = |v: f64| v.abs() <= limits::VALUE_ABS_MAX && (!positive || v > 0.0);
    let bytes = raw.as_bytes();
    let mut all = Vec::with_capacity(bars + 1);
    let mut series = Vec::with_capacity(if many { 0 } else { total });
    let (mut start, mut item_no) = (0, 0);
    let (mut plain, mut digit) = (true, false);
    for at in 0..=bytes.len() {
        // The end of the text ends the last item and series.
        let b = bytes.get(at).copied().unwrap_or(b'|');
        match b {
            b'0'..=b'9' => digit = true,
            b'.' | b'-' | b'+' | b'e' | b'E' => {}
            b',' | b'|' => {
                let item = &raw[start..at];
                let fast = if plain && digit && item.len() <= NUMBER_MAX_BYTES {
                    meter(item);
                    item.parse::<f64>().ok().filter(|v| v.is_finite())
                } else {
                    None
                };
                let v = match fast.or_else(|| parse_number(item)) {
                    // The common case first: no message is built for it.
                    Some(v) if accepted(v) => v,
                    _ => {
                        let what = if many {
                            format!("{key} series {} item {}", all.len() + 1, item_no + 1)
                        } else {
                            format!("{key} item {}", item_no + 1)
                        };
                        list_number(key, &what, item, positive)?
                    }
                };
                if item.len() > SLOW_DIGITS && slow_so_far() > SLOW_MAX {
                    return Err(too_slow(key));
                }
                // `-0` is read as `0`, as parse_number reads it.
                series.push(if v == 0.0 { 0.0 } else { v });
                (start, plain, digit) = (at + 1, true, false);
                item_no += 1;
                if b == b'|' {
                    all.push(std::mem::take(&mut series));
                    item_no = 0;
                }
            }
            _ => plain = false,
        }
    }
    Ok(all)
}

/// The 400 for numbers whose digits would cost more than [`SLOW_MAX`] to
/// read: the parser stops at the first number past it.
fn too_slow(key: &str) -> ParamError {
    ParamError::new(
        key,
        format!(
            "{key} has too many numbers of more than {SLOW_DIGITS} significant digits: reading them would take more than {} million operations of a request's {} million; round them to 17 significant digits (enough for any f64)",
            SLOW_MAX / 1_000_000,
            super::cost::FUEL_MAX / 1_000_000
        ),
    )
}

/// `counts`: like values, but non-negative and exactly `bins` per series.
fn parse_counts(raw: &str, bins: usize) -> Result<Vec<Vec<f64>>, ParamError> {
    let series = parse_series("counts", raw, false)?;
    for (s, c) in series.iter().enumerate() {
        if c.len() != bins {
            return Err(conflict_counts(s, c.len(), bins, series.len() > 1));
        }
        if let Some(i) = c.iter().position(|&v| v < 0.0) {
            return Err(ParamError::new(
                "counts",
                format!("counts item {} is negative; counts are at least 0", i + 1),
            ));
        }
    }
    Ok(series)
}

fn conflict_counts(series: usize, got: usize, bins: usize, many: bool) -> ParamError {
    let which = if many {
        format!("counts series {}", series + 1)
    } else {
        "counts".to_string()
    };
    ParamError::new(
        "counts",
        format!(
            "{which} has {got} numbers but edges make {bins} bins; give one count per bin (k counts, k+1 edges)"
        ),
    )
}

/// `edges`: 2 to 1001 strictly increasing numbers.
fn parse_edges(key: &str, raw: &str, positive: bool) -> Result<Vec<f64>, ParamError> {
    let items: Vec<&str> = raw.split(',').collect();
    if items.len() < 2 || items.len() > limits::EDGES_MAX {
        return Err(ParamError::new(
            key,
            format!(
                "{key} has {} numbers; give 2 to {} increasing edges",
                items.len(),
                limits::EDGES_MAX
            ),
        ));
    }
    let edges = items
        .iter()
        .enumerate()
        .map(|(i, item)| list_number(key, &format!("{key} item {}", i + 1), item, positive))
        .collect::<Result<Vec<f64>, _>>()?;
    if let Some(i) = edges.windows(2).position(|w| w[1] <= w[0]) {
        return Err(ParamError::new(
            key,
            format!(
                "{key} must increase: item {} ({}) is not above item {} ({})",
                i + 2,
                shortest(edges[i + 1]),
                i + 1,
                shortest(edges[i])
            ),
        ));
    }
    Ok(edges)
}

/// `range=lo,hi` with `lo < hi`.
fn parse_range(raw: &str, positive: bool) -> Result<(f64, f64), ParamError> {
    let items: Vec<&str> = raw.split(',').collect();
    if items.len() != 2 {
        return Err(ParamError::new(
            "range",
            format!("range must be two numbers lo,hi, got {}", quote(raw, 40)),
        ));
    }
    let lo = list_number("range", "range's lo", items[0], positive)?;
    let hi = list_number("range", "range's hi", items[1], positive)?;
    if lo >= hi {
        return Err(ParamError::new(
            "range",
            format!(
                "range must have lo < hi, got {},{}",
                shortest(lo),
                shortest(hi)
            ),
        ));
    }
    Ok((lo, hi))
}

fn parse_binwidth(raw: &str) -> Result<f64, ParamError> {
    match parse_number(raw) {
        Some(w) if w > 0.0 && w <= limits::VALUE_ABS_MAX => Ok(w),
        _ => Err(ParamError::new(
            "binwidth",
            format!("binwidth must be a positive number, got {}", quote(raw, 40)),
        )),
    }
}

/// A bin width must give at most 1000 bins over the data (or the range),
/// with edges at multiples `k * w` whose `k` is exact in `f64`.
fn check_binwidth(
    w: f64,
    data: &Data,
    range: Option<(f64, f64)>,
    log: bool,
) -> Result<(), ParamError> {
    let (lo, hi) = match (range, data) {
        (Some(r), _) => r,
        (None, Data::Values(series)) => series
            .iter()
            .flatten()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                (a.min(x), b.max(x))
            }),
        // Standard-normal draws never leave +-DRAWS_REACH (the ziggurat's
        // tail is bounded by its 53-bit uniforms): the bound holds for any
        // draws without drawing them.
        (None, Data::Draws { .. }) => (-DRAWS_REACH, DRAWS_REACH),
        (None, Data::Counts { .. }) => return Ok(()),
    };
    let (lo, hi) = if log {
        (libm::log10(lo), libm::log10(hi))
    } else {
        (lo, hi)
    };
    let (klo, khi) = ((lo / w).floor(), (hi / w).ceil());
    let bins = (khi - klo).max(1.0);
    if bins.is_nan() || bins > limits::BINS_MAX as f64 {
        return Err(ParamError::new(
            "binwidth",
            format!(
                "binwidth={} gives {} bins over this data; at most {} are allowed",
                shortest(w),
                if bins.is_finite() && bins < 1e15 {
                    format!("{bins}")
                } else {
                    "too many".to_string()
                },
                limits::BINS_MAX
            ),
        ));
    }
    if !(klo.abs() < 9.0e15 && khi.abs() < 9.0e15) {
        return Err(ParamError::new(
            "binwidth",
            format!(
                "binwidth={} is too fine for numbers this large: its multiples cannot be told apart",
                shortest(w)
            ),
        ));
    }
    Ok(())
}

/// The largest magnitude a generated draw can have: the ziggurat's base
/// (3.443) plus its tail's reach from a uniform of at least 2^-54
/// (ln 2^54 / 3.443 = 10.87).
const DRAWS_REACH: f64 = 14.4;

/// Whether every bin has the same width (in log units on a log axis).
fn equal_widths(bins: &Bins, range: Option<(f64, f64)>, log: bool) -> bool {
    match bins {
        Bins::Count(_) | Bins::Rule(_) => true,
        Bins::Width(w) => match range {
            None => true,
            Some((lo, hi)) => {
                let (lo, hi) = if log {
                    (libm::log10(lo), libm::log10(hi))
                } else {
                    (lo, hi)
                };
                let whole = |x: f64| (x / w - crate::float::round(x / w)).abs() < 1e-9;
                whole(lo) && whole(hi)
            }
        },
        Bins::Edges(e) => {
            let t: Vec<f64> = if log {
                e.iter().map(|&x| libm::log10(x)).collect()
            } else {
                e.clone()
            };
            let first = t[1] - t[0];
            t.windows(2)
                .all(|p| ((p[1] - p[0]) - first).abs() <= 1e-9 * first.abs().max(p[1].abs()))
        }
    }
}

/// `marks`: at most 8 of mean, median, pNN (1..99) or a number.
fn parse_marks(raw: &str, log: bool) -> Result<Vec<MarkSpec>, ParamError> {
    let items: Vec<&str> = raw.split(',').collect();
    if items.len() > limits::MARKS_MAX {
        return Err(ParamError::new(
            "marks",
            format!(
                "marks has {} items; at most {} are allowed",
                items.len(),
                limits::MARKS_MAX
            ),
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let item = item.trim_matches(' ');
            match item {
                "mean" => Ok(MarkSpec::Mean),
                "median" => Ok(MarkSpec::Median),
                p if p.starts_with('p') => {
                    let n = p[1..].parse::<u8>().ok().filter(|n| (1..=99).contains(n));
                    n.map(MarkSpec::Percentile).ok_or_else(|| {
                        ParamError::new(
                            "marks",
                            format!(
                                "marks item {} is {}; a percentile is p1 to p99",
                                i + 1,
                                quote(p, 40)
                            ),
                        )
                    })
                }
                _ if parse_number(item).is_none() => Err(ParamError::new(
                    "marks",
                    format!(
                        "marks item {} is {}; a mark is mean, median, pNN or a number",
                        i + 1,
                        quote(item, 40)
                    ),
                )),
                _ => list_number("marks", &format!("marks item {}", i + 1), item, log)
                    .map(MarkSpec::Value),
            }
        })
        .collect()
}

/// `colors`: one 6-digit hex colour per series, no `#`.
fn parse_colors(raw: &str, series: usize) -> Result<Vec<Rgb>, ParamError> {
    let items: Vec<&str> = raw.split(',').collect();
    if items.len() != series {
        return Err(ParamError::new(
            "colors",
            format!(
                "colors has {} colours for {series} series; give one per series",
                items.len()
            ),
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let b = item.as_bytes();
            let hex = |k: usize| {
                hex_digit(b[k])
                    .zip(hex_digit(b[k + 1]))
                    .map(|(h, l)| h << 4 | l)
            };
            let rgb = if b.len() == 6 {
                hex(0).zip(hex(2)).zip(hex(4)).map(|((r, g), b)| [r, g, b])
            } else {
                None
            };
            rgb.ok_or_else(|| {
                ParamError::new(
                    "colors",
                    format!(
                        "colors item {} is {}; a colour is 6 hex digits such as 1f77b4 (no #)",
                        i + 1,
                        quote(item, 40)
                    ),
                )
            })
        })
        .collect()
}

/// Parses an integer parameter; `640`, `640.0` and `6.4e2` all mean 640.
fn parse_int(key: &str, raw: &str, min: u32, max: u32) -> Result<u32, ParamError> {
    let bound = || format!("an integer from {min} to {max}");
    let v: f64 = parse_number(raw).ok_or_else(|| {
        ParamError::new(
            key,
            format!("{key} must be {}, got {}", bound(), quote(raw, 40)),
        )
    })?;
    if v.fract() != 0.0 {
        return Err(ParamError::new(
            key,
            format!("{key} must be {}, got {}", bound(), unquoted(raw)),
        ));
    }
    if v < f64::from(min) || v > f64::from(max) {
        return Err(ParamError::new(
            key,
            format!("{key} must be {}, got {}", bound(), unquoted(raw)),
        ));
    }
    Ok(v as u32)
}

/// A finite decimal number of a query (spaces and tabs around it
/// ignored), `-0` read as `0`.
fn parse_number(raw: &str) -> Option<f64> {
    decimal(raw.trim_matches(|c: char| c == ' ' || c == '\t'))
        .map(|v| if v == 0.0 { 0.0 } else { v })
}

/// The one decimal grammar of queries and posted bodies: `[+-]` digits,
/// `.`, `e`, correctly rounded by the standard library's parser (a
/// hand-written fast path measured slower in wasm). Rejects `inf`, `nan`,
/// hex, empty strings, text over [`NUMBER_MAX_BYTES`] and anything beyond
/// `f64`. Numbers past 19 significant digits are metered ([`slow_reads`]).
pub fn decimal(t: &str) -> Option<f64> {
    let looks_decimal = !t.is_empty()
        && t.len() <= NUMBER_MAX_BYTES
        && t.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        && t.bytes().any(|b| b.is_ascii_digit());
    if !looks_decimal {
        return None;
    }
    meter(t);
    let v: f64 = t.parse().ok()?;
    v.is_finite().then_some(v)
}

/// Counts what reading `t` may cost past [`SLOW_DIGITS`] (see [`slow_reads`]).
#[inline]
fn meter(t: &str) {
    if t.len() > SLOW_DIGITS {
        let cost = slow_read_cost(t);
        if cost > 0 {
            SLOW_READS.with(|c| c.set(c.get().map(|n| n.saturating_add(cost))));
        }
    }
}

/// The longest number read: 17 significant digits name any `f64`, and
/// this leaves room for zeros and an exponent, while bounding what one
/// number can cost to read (about 26,000 fuel, see [`SLOW_DIGITS`]).
pub const NUMBER_MAX_BYTES: usize = 100;

/// The most fuel a request's slow reads may reach: past it the numbers
/// are refused as they are read, before reading them costs the budget.
pub const SLOW_MAX: u64 = super::cost::FUEL_MAX / 2;

/// What the slow reads counted so far in the innermost [`slow_reads`]
/// (0 outside any).
pub fn slow_so_far() -> u64 {
    SLOW_READS.with(|c| c.get().unwrap_or(0))
}

/// Up to 19 significant digits the standard parser reads a number in one
/// 64-bit mantissa; past them it may need its big-decimal path, which the
/// harness measured at about 2,500 fuel plus 210 a byte more (27 digits
/// near a halfway point: 11,400 a number in all; 657: 142,000), where a
/// plain number costs about 3,300. A query or body of such numbers could
/// cost many times what its count says, so [`decimal`] meters them.
const SLOW_DIGITS: usize = 19;
/// The most a number past [`SLOW_DIGITS`] is counted at: rounded up from
/// the measurements.
const SLOW_BASE: u64 = 3_000;
const SLOW_PER_BYTE: u64 = 230;

thread_local! {
    /// What [`decimal`] has counted for slow reads since the innermost
    /// [`slow_reads`] began; `None` outside any, where nothing is counted.
    static SLOW_READS: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
}

/// The fuel a slow read of `t` may cost, 0 when its mantissa has at most
/// [`SLOW_DIGITS`] significant digits (leading zeros are not read).
pub fn slow_read_cost(t: &str) -> u64 {
    let mantissa = t.split(['e', 'E']).next().unwrap_or(t);
    let digits = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .skip_while(|&b| b == b'0')
        .count();
    if digits <= SLOW_DIGITS {
        0
    } else {
        SLOW_BASE + SLOW_PER_BYTE * t.len() as u64
    }
}

/// Runs `f` and returns, with its result, what the slow reads of the
/// numbers it parsed may cost (nested meters add to the outer one).
pub fn slow_reads<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let before = SLOW_READS.with(|c| c.replace(Some(0)));
    let out = f();
    let cost = slow_so_far();
    SLOW_READS.with(|c| c.set(before.map(|b| b.saturating_add(cost))));
    (out, cost)
}

/// Decodes `application/x-www-form-urlencoded` text: `+` is a space, `%XX` a byte.
pub fn form_decode(s: &str) -> Result<String, String> {
    if !s.bytes().any(|b| b == b'%' || b == b'+') {
        return Ok(s.to_string());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                // Two hex digits, nothing else: `u8::from_str_radix` alone
                // would also take a sign (`%+9`).
                let hex = match bytes.get(i + 1..i + 3) {
                    Some(&[hi, lo]) => hex_digit(hi).zip(hex_digit(lo)).map(|(h, l)| h << 4 | l),
                    _ => None,
                };
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => return Err(format!("bad percent-escape at byte {}", i + 1)),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| "percent-escapes do not form valid UTF-8".to_string())
}

/// [`quote`] without the quotes, for text already known to be a number.
fn unquoted(s: &str) -> String {
    let q = quote(s, 40);
    q[1..q.len() - 1].to_string()
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Client text for a message, in quotes: at most `max` characters of
/// message however it is spelled (control, bidi-control and other
/// invisible characters are spelled `U+XXXX`, six for one, and count as
/// six), cut with `…`. Messages reach the body and the error image, never
/// a header.
pub(crate) fn quote(s: &str, max: usize) -> String {
    let mut out = String::from("'");
    let mut written = 0;
    for c in s.chars() {
        let invisible = c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{FEFF}');
        let width = if invisible { 6 } else { 1 };
        if written + width > max {
            out.push('…');
            break;
        }
        written += width;
        if invisible {
            let _ = write!(out, "U+{:04X}", c as u32);
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::{list_number, parse_number, parse_series, quote, ParamError};
    use crate::spec::limits;

    /// What `parse_series` did before its one pass: split, then
    /// `parse_number` and the bounds per item.
    fn split_then_parse(raw: &str, positive: bool) -> Result<Vec<Vec<f64>>, ParamError> {
        let parts: Vec<&str> = raw.split('|').collect();
        let many = parts.len() > 1;
        parts
            .iter()
            .enumerate()
            .map(|(s, part)| {
                part.split(',')
                    .enumerate()
                    .map(|(i, item)| match parse_number(item) {
                        Some(v) if v.abs() <= limits::VALUE_ABS_MAX && (!positive || v > 0.0) => {
                            Ok(v)
                        }
                        _ => {
                            let what = if many {
                                format!("values series {} item {}", s + 1, i + 1)
                            } else {
                                format!("values item {}", i + 1)
                            };
                            list_number("values", &what, item, positive)
                        }
                    })
                    .collect()
            })
            .collect()
    }

    /// Only a mantissa of more than 19 significant digits counts as a slow
    /// read (leading zeros and the exponent are not read as digits), and
    /// a number over 100 bytes is refused with its length.
    #[test]
    fn long_numbers_are_metered_and_bounded() {
        use super::{decimal, slow_read_cost, slow_reads, NUMBER_MAX_BYTES};
        for cheap in [
            "1.234567890123456789e+00",
            "-1234567890123456789",
            "0.0000000000000000000001234567890123456789",
            "1234567890123456789e-400",
        ] {
            assert_eq!(slow_read_cost(cheap), 0, "{cheap}");
        }
        for slow in [
            "12345678901234567890",
            "0.12345678901234567890",
            "1.0000000000000000000e5",
            "12345678901234567890e-400",
        ] {
            assert!(slow_read_cost(slow) > 0, "{slow}");
        }
        let (v, cost) = slow_reads(|| (decimal("1.5"), decimal("1.00000000000000011102230246")));
        // Just below the halfway point between 1 and the next f64.
        assert_eq!(v, (Some(1.5), Some(1.0)));
        assert_eq!(cost, slow_read_cost("1.00000000000000011102230246"));
        let long = format!("1.{}", "0".repeat(NUMBER_MAX_BYTES - 2));
        assert_eq!(decimal(&long), Some(1.0));
        assert_eq!(decimal(&format!("{long}0")), None);
        let e = parse_series("values", &format!("2,{long}0"), false).unwrap_err();
        assert!(
            e.message.contains("item 2 is 101 characters long"),
            "{}",
            e.message
        );
    }

    /// A query over the byte bound is refused before it is read; padding
    /// within it counts in the cost bound.
    #[test]
    fn long_queries_are_bounded() {
        use super::QUERY_MAX_BYTES;
        use crate::spec::{parse, RouteKind};
        let over = format!("values={}", "1,".repeat(QUERY_MAX_BYTES / 2));
        let e = parse("q", Some(&over), RouteKind::Named).unwrap_err();
        assert_eq!(e.parameter, "query");
        assert!(e.message.contains("at most 262144"), "{}", e.message);
        // 2,500 numbers padded to 100 bytes: about 57 million of padding.
        let padded = vec![format!("{}1.5", "0".repeat(97)); 2_500].join(",");
        let q = format!("values={padded}&w=2048&h=2048&kde=1&marks=mean,median,p5,p95");
        let e = parse("q", Some(&q), RouteKind::Named).unwrap_err();
        assert!(e.message.contains("without padding"), "{}", e.message);
        let unpadded = vec!["1.5"; 2_500].join(",");
        let q = format!("values={unpadded}&w=2048&h=2048&kde=1&marks=mean,median,p5,p95");
        assert!(parse("q", Some(&q), RouteKind::Named).is_ok());
    }

    /// The one-pass parser accepts what splitting and parsing each item
    /// accepted, with the same bits, and refuses the rest with the same
    /// message: hand-picked items, then random lists of pieces that are
    /// numbers, near-numbers and separators.
    #[test]
    fn one_pass_series_are_split_then_parsed() {
        let same = |raw: &str, positive: bool| {
            let (a, b) = (
                parse_series("values", raw, positive),
                split_then_parse(raw, positive),
            );
            match (&a, &b) {
                (Ok(x), Ok(y)) => {
                    let bits = |v: &Vec<Vec<f64>>| -> Vec<Vec<u64>> {
                        v.iter()
                            .map(|s| s.iter().map(|x| x.to_bits()).collect())
                            .collect()
                    };
                    assert_eq!(bits(x), bits(y), "{raw:?}");
                }
                (Err(x), Err(y)) => assert_eq!(x.message, y.message, "{raw:?}"),
                _ => panic!("{raw:?}: {a:?} against {b:?}"),
            }
        };
        for raw in [
            "1",
            "-0",
            "+0",
            "0,-0",
            "1,2|3",
            " 1 ,\t2",
            "1 2",
            "",
            ",",
            "|",
            "1,",
            "1||2",
            "1e",
            "e5",
            "1e400",
            "-1e301",
            "1e300",
            "1e-400",
            "0.1,0.2",
            ".5",
            "5.",
            "-.5e-3",
            "1-2",
            "++1",
            "nan",
            "inf",
            "0x10",
            "1,2,3|4,x",
            "١",
            "1\u{a0}",
            "1_0",
            "2.2250738585072014e-308",
            "4.9e-324",
            "17976931348623157e292",
        ] {
            same(raw, false);
            same(raw, true);
        }
        let pieces = [
            "0",
            "-0",
            "1",
            "61.2",
            "0.1",
            "1e300",
            "1e301",
            "-5",
            "+7",
            ".",
            "e",
            "E9",
            " ",
            "\t",
            "x",
            "",
            "12345678901234567890",
            "3.14159",
            "-",
            "1e-320",
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..20_000 {
            let mut raw = String::new();
            for _ in 0..next(8) + 1 {
                for _ in 0..next(3) + 1 {
                    raw.push_str(pieces[next(pieces.len())]);
                }
                raw.push([',', ',', ',', '|'][next(4)]);
            }
            raw.pop();
            same(&raw, next(2) == 0);
        }
    }

    /// The bound is on the message as written: invisible characters are
    /// spelled out (six characters each) and count as what they take.
    /// (The fuzzer's `data_body` found a JSON key of 94 DELs quoted into
    /// a 600-character message when the bound counted the input.)
    #[test]
    fn quote_bounds_what_it_writes() {
        let len = |s: &str| s.chars().count();
        assert_eq!(quote("abc", 10), "'abc'");
        assert_eq!(quote("abcdef", 3), "'abc…'");
        assert_eq!(quote("a\u{7f}b", 10), "'aU+007Fb'");
        let dels = "\u{7f}".repeat(500);
        let q = quote(&dels, 120);
        assert!(len(&q) <= 120 + 3, "{} characters", len(&q));
        assert!(q.ends_with("…'"));
        let mixed = "x\u{202E}".repeat(300);
        assert!(len(&quote(&mixed, 60)) <= 63);
        // Exactly at the bound: nothing is cut.
        assert_eq!(quote(&"y".repeat(60), 60), format!("'{}'", "y".repeat(60)));
    }
}
