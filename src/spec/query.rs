//! The query string to a [`ChartSpec`]: parameters, their bounds and
//! the errors that name them.

use std::fmt::{self, Write as _};

use super::{default_title, limits, Bins, ChartSpec, Data, Format, Theme};

/// A request parameter that breaks the contract; the message names the
/// parameter and the bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    pub parameter: String,
    pub message: String,
}

impl ParamError {
    fn new(parameter: &str, message: impl Into<String>) -> ParamError {
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

/// Which route the spec is for: the random chart takes no `values`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteKind {
    Named,
    Random,
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
    let mut raw = RawParams::default();
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
        let Some(slot) = raw.slot(&key) else {
            // The name goes into a response header only when it is a short
            // token; anything else (controls, spaces, non-ASCII) is "query".
            let token =
                !key.is_empty() && key.len() <= limits::ECHO_MAX && key.bytes().all(is_token_byte);
            return Err(ParamError::new(
                if token { &key } else { "query" },
                format!(
                    "unknown parameter {}; known parameters are values, n, bins, title, w, h, dpr, theme",
                    quote(&key, limits::ECHO_MAX)
                ),
            ));
        };
        if slot.is_some() {
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
        *slot = Some(value);
    }
    raw.into_spec(format, name, kind)
}

#[derive(Default)]
struct RawParams {
    values: Option<String>,
    n: Option<String>,
    bins: Option<String>,
    title: Option<String>,
    w: Option<String>,
    h: Option<String>,
    dpr: Option<String>,
    theme: Option<String>,
}

impl RawParams {
    fn slot(&mut self, key: &str) -> Option<&mut Option<String>> {
        Some(match key {
            "values" => &mut self.values,
            "n" => &mut self.n,
            "bins" => &mut self.bins,
            "title" => &mut self.title,
            "w" => &mut self.w,
            "h" => &mut self.h,
            "dpr" => &mut self.dpr,
            "theme" => &mut self.theme,
            _ => return None,
        })
    }

    fn into_spec(
        self,
        format: Format,
        name: &str,
        kind: RouteKind,
    ) -> Result<ChartSpec, ParamError> {
        let data =
            match (&self.values, &self.n) {
                (Some(_), _) if kind == RouteKind::Random => return Err(ParamError::new(
                    "values",
                    "values is not accepted on /random (its data is random); use /charts/{name}",
                )),
                (Some(_), Some(_)) => {
                    return Err(ParamError::new(
                        "n",
                        "n cannot be combined with values (n sets how many draws to generate)",
                    ))
                }
                (Some(v), None) => Data::Values(parse_values(v)?),
                (None, Some(n)) => Data::Draws {
                    n: parse_int("n", n, limits::N_MIN, limits::N_MAX)?,
                },
                (None, None) => Data::Draws {
                    n: limits::N_DEFAULT,
                },
            };
        let bins = match self.bins.as_deref() {
            None => match data {
                Data::Draws { .. } => Bins::Fixed(limits::BINS_DEFAULT),
                Data::Values(_) => Bins::Auto,
            },
            Some("auto") => Bins::Auto,
            Some(b) => Bins::Fixed(parse_int("bins", b, limits::BINS_MIN, limits::BINS_MAX)?),
        };
        let title = match self.title {
            None => match kind {
                RouteKind::Named => default_title(name),
                RouteKind::Random => "Random chart".to_string(),
            },
            Some(t) => {
                let chars = t.chars().count();
                if chars > limits::TITLE_MAX_CHARS {
                    return Err(ParamError::new(
                        "title",
                        format!(
                            "title is {chars} characters long; at most {} are allowed",
                            limits::TITLE_MAX_CHARS
                        ),
                    ));
                }
                if let Some(c) = t.chars().find(|c| c.is_control()) {
                    return Err(ParamError::new(
                        "title",
                        format!("title contains the control character {}", describe_char(c)),
                    ));
                }
                t
            }
        };
        let size = |key: &str, v: &Option<String>, default: u32| match v {
            None => Ok(default),
            Some(v) => parse_int(key, v, limits::SIZE_MIN, limits::SIZE_MAX),
        };
        let width = size("w", &self.w, limits::WIDTH_DEFAULT)?;
        let height = size("h", &self.h, limits::HEIGHT_DEFAULT)?;
        let dpr = match &self.dpr {
            None => 1,
            Some(v) => parse_int("dpr", v, 1, limits::DPR_MAX)?,
        };
        let theme = match self.theme.as_deref() {
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
        let pixels = u64::from(width * dpr) * u64::from(height * dpr);
        if pixels > limits::PIXELS_MAX {
            let which = if self.dpr.is_some() {
                "w, h and dpr"
            } else {
                "w and h"
            };
            return Err(ParamError::new(
                if self.dpr.is_some() { "dpr" } else { "w" },
                format!(
                    "{which} give a {}x{} image ({pixels} pixels); at most {} pixels are allowed (w*h*dpr*dpr)",
                    width * dpr,
                    height * dpr,
                    limits::PIXELS_MAX
                ),
            ));
        }
        Ok(ChartSpec {
            name: name.to_string(),
            format,
            data,
            bins,
            title,
            width,
            height,
            dpr,
            theme,
        })
    }
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

/// A finite decimal number. Rejects `inf`, `nan`, hex and empty strings.
fn parse_number(raw: &str) -> Option<f64> {
    let t = raw.trim_matches(|c: char| c == ' ' || c == '\t');
    let looks_decimal = !t.is_empty()
        && t.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        && t.bytes().any(|b| b.is_ascii_digit());
    if !looks_decimal {
        return None;
    }
    let v: f64 = t.parse().ok()?;
    v.is_finite().then_some(if v == 0.0 { 0.0 } else { v })
}

fn parse_values(raw: &str) -> Result<Vec<f64>, ParamError> {
    let mut out = Vec::new();
    for (i, item) in raw.split(',').enumerate() {
        if i >= limits::VALUES_MAX {
            let count = raw.split(',').count();
            return Err(ParamError::new(
                "values",
                format!(
                    "values has {count} numbers; at most {} are allowed",
                    limits::VALUES_MAX
                ),
            ));
        }
        match parse_number(item) {
            Some(v) if v.abs() > limits::VALUE_ABS_MAX => {
                return Err(ParamError::new(
                    "values",
                    format!(
                        "values item {} is {}; charts take numbers from -1e300 to 1e300",
                        i + 1,
                        unquoted(item.trim())
                    ),
                ));
            }
            Some(v) => out.push(v),
            None => {
                let what = if item.trim().is_empty() {
                    "is empty".to_string()
                } else {
                    format!("is not a finite decimal number: {}", quote(item, 40))
                };
                return Err(ParamError::new(
                    "values",
                    format!("values item {} {what}", i + 1),
                ));
            }
        }
    }
    Ok(out)
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

/// Client text for a message: at most `max` characters, control and other
/// invisible characters spelled `U+XXXX`, in quotes. Messages reach the
/// body and the error image, never a header.
fn quote(s: &str, max: usize) -> String {
    let mut out = String::from("'");
    for (i, c) in s.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{FEFF}')
        {
            let _ = write!(out, "U+{:04X}", c as u32);
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}
