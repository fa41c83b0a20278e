//! The three bodies `POST /data` takes, each to a [`DataSet`]:
//! - `text/csv`: one column per series under a header row of labels
//!   (RFC 4180 quoting, CRLF or LF, a BOM ignored; an empty cell is a
//!   missing value; a first row of numbers only means no header);
//! - `application/json`: `{"series": [{"label", "values"}]}`, or
//!   `{"series": [{"label", "counts"}], "edges": [...]}` for pre-binned data;
//! - `text/plain`: numbers separated by commas or whitespace, `|` between
//!   series.
//!
//! Numbers are read as correctly rounded `f64` by every path (the same
//! decimal grammar as the URL's `values`), so one data set gives one
//! canonical form whichever body carried it.

use std::borrow::Cow;

use serde::Deserialize;

use super::{DataError, DataSet, BODY_MAX};
use crate::spec::query::quote;
use crate::spec::{limits, Data};

/// The body types, as a 415 names them.
pub const ACCEPTED: &str = "text/csv, application/json or text/plain";
/// The same, as the 415's `Accept-Post` header lists them.
pub const ACCEPT_POST: &str = "text/csv, application/json, text/plain";

/// A body's type, from its `Content-Type` (parameters other than a UTF-8
/// charset are refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyType {
    Csv,
    Json,
    Plain,
}

impl BodyType {
    /// The type a `Content-Type` names, or a 415 naming the types accepted.
    pub fn of(content_type: Option<&str>) -> Result<BodyType, DataError> {
        let unsupported = |what: String| DataError {
            status: 415,
            parameter: "content-type".into(),
            message: format!("{what}; POST /data takes {ACCEPTED} (UTF-8)"),
        };
        let Some(ct) = content_type else {
            return Err(unsupported("the request has no Content-Type".into()));
        };
        let mut parts = ct.split(';');
        let essence = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        for p in parts {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let v = v.trim().trim_matches('"');
            if k.trim().eq_ignore_ascii_case("charset") && !v.eq_ignore_ascii_case("utf-8") {
                return Err(unsupported(format!(
                    "charset {} is not UTF-8",
                    quote(v, 40)
                )));
            }
        }
        match essence.as_str() {
            "text/csv" => Ok(BodyType::Csv),
            "application/json" => Ok(BodyType::Json),
            "text/plain" => Ok(BodyType::Plain),
            _ => Err(unsupported(format!(
                "Content-Type {} is not accepted",
                quote(ct, 60)
            ))),
        }
    }
}

/// The bytes a body may have per number of `DATA_VALUES_MAX`: 400 KB at
/// the default 25,000. Parsing costs fuel per byte whatever the bytes
/// hold (the harness measured 110 to 145 a byte of padding, spaces or
/// leading zeros, and about 3,500 a number of 13 bytes), so a body of
/// 25,000 numbers padded to 8 MiB cost 240 to 920 million fuel, up to 9
/// times the budget. 16 bytes a number holds 25,000 numbers of 17
/// significant digits with their separators; a paid plan's larger
/// `DATA_VALUES_MAX` raises it with the count, up to [`BODY_MAX`].
pub const BODY_BYTES_PER_VALUE: usize = 16;

/// A 413 unless a body of `len` bytes is within what parsing
/// `values_max` numbers may cost: [`BODY_BYTES_PER_VALUE`] a number.
pub fn within_budget(len: usize, values_max: usize) -> Result<(), DataError> {
    let max = values_max
        .saturating_mul(BODY_BYTES_PER_VALUE)
        .min(BODY_MAX);
    if len > max {
        return Err(DataError::too_large(
            "body",
            format!(
                "the body is {len} bytes; at most {max} ({BODY_BYTES_PER_VALUE} a number of DATA_VALUES_MAX, {values_max}) fit a request's CPU budget"
            ),
        ));
    }
    Ok(())
}

/// Parses a body of `kind` into a data set of at most `values_max` numbers.
pub fn parse(kind: BodyType, body: &[u8], values_max: usize) -> Result<DataSet, DataError> {
    if body.len() > BODY_MAX {
        return Err(DataError::too_large(
            "body",
            format!(
                "the body is {} bytes; at most {BODY_MAX} (8 MiB) are allowed",
                body.len()
            ),
        ));
    }
    within_budget(body.len(), values_max)?;
    let text = std::str::from_utf8(body).map_err(|e| {
        DataError::bad(
            "body",
            format!(
                "the body is not UTF-8 (byte {} is invalid)",
                e.valid_up_to() + 1
            ),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // The meter starts at 0 for the body: [`Budget::take`] stops a body
    // whose long numbers would cost more to read than their count says.
    crate::spec::query::slow_reads(|| match kind {
        BodyType::Csv => csv(text, values_max),
        BodyType::Json => json(text, values_max),
        BodyType::Plain => plain(text, values_max),
    })
    .0
}

/// A number as the URL's `values` spells it ([`crate::spec::query::decimal`]),
/// surrounding whitespace ignored; `-0` stays `-0` here (the data set reads
/// it as `0`).
pub fn number(raw: &str) -> Option<f64> {
    crate::spec::query::decimal(raw.trim())
}

/// What reading a body's long numbers may cost (metered by
/// [`crate::spec::query::slow_reads`]): what the count bound leaves of the
/// budget (25,000 numbers at about 3,500 fuel each are 87.5 million of 98).
/// A body past it stops at its next number.
const SLOW_BODY_MAX: u64 = 10_000_000;

/// Counts numbers as they are read, so a body past the bound stops early.
struct Budget {
    left: usize,
    max: usize,
}

impl Budget {
    fn take(&mut self) -> Result<(), DataError> {
        Budget::check_slow()?;
        if self.left == 0 {
            return Err(DataError::too_large(
                "body",
                format!(
                    "the body has more than {} numbers; at most {} are allowed (DATA_VALUES_MAX)",
                    self.max, self.max
                ),
            ));
        }
        self.left -= 1;
        Ok(())
    }

    /// A 413 once the body's numbers of more than 19 significant digits
    /// would cost more to read than [`SLOW_BODY_MAX`].
    fn check_slow() -> Result<(), DataError> {
        if crate::spec::query::slow_so_far() > SLOW_BODY_MAX {
            return Err(DataError::too_large(
                "body",
                format!(
                    "the body's numbers have too many significant digits: reading those of more than 19 would take more than {} million operations; round them to 17 significant digits (enough for any f64)",
                    SLOW_BODY_MAX / 1_000_000
                ),
            ));
        }
        Ok(())
    }
}

fn not_a_number(where_: String, item: &str) -> DataError {
    DataError::bad(
        "body",
        format!(
            "{where_} is not a finite decimal number: {}",
            quote(item.trim(), 40)
        ),
    )
}

fn plain(text: &str, values_max: usize) -> Result<DataSet, DataError> {
    let mut budget = Budget {
        left: values_max,
        max: values_max,
    };
    let parts: Vec<&str> = text.split('|').collect();
    if parts.len() > limits::SERIES_MAX {
        return Err(DataError::bad(
            "body",
            format!(
                "the body has {} series; at most {} are allowed",
                parts.len(),
                limits::SERIES_MAX
            ),
        ));
    }
    let mut series = Vec::with_capacity(parts.len());
    // Bytes, not chars: every separator is ASCII, and a token with any
    // other byte is no number.
    let separator = |b: u8| b == b',' || b.is_ascii_whitespace();
    for (s, part) in parts.iter().enumerate() {
        let bytes = part.as_bytes();
        let mut values = Vec::with_capacity(bytes.len() / 6);
        let mut i = 0;
        loop {
            while i < bytes.len() && separator(bytes[i]) {
                i += 1;
            }
            if i == bytes.len() {
                break;
            }
            let start = i;
            while i < bytes.len() && !separator(bytes[i]) {
                i += 1;
            }
            let item = &part[start..i];
            budget.take()?;
            let v = number(item).ok_or_else(|| {
                let at = if parts.len() > 1 {
                    format!("series {} item {}", s + 1, values.len() + 1)
                } else {
                    format!("item {}", values.len() + 1)
                };
                not_a_number(at, item)
            })?;
            values.push(v);
        }
        series.push(values);
    }
    let labels = vec![String::new(); series.len()];
    DataSet::new(labels, Data::Values(series), values_max)
}

fn csv(text: &str, values_max: usize) -> Result<DataSet, DataError> {
    let mut budget = Budget {
        left: values_max,
        max: values_max,
    };
    let mut rows = Rows::new(text);
    let Some(first) = rows.next_row()? else {
        return Err(DataError::bad(
            "body",
            "the CSV is empty: give a header row of labels and a column of numbers per series",
        ));
    };
    let columns = first.len();
    if columns > limits::SERIES_MAX {
        return Err(DataError::bad(
            "body",
            format!(
                "the CSV has {columns} columns; at most {} series are allowed",
                limits::SERIES_MAX
            ),
        ));
    }
    let mut series: Vec<Vec<f64>> = vec![Vec::new(); columns];
    // A first row of numbers only is data, not a header.
    let headerless = first.iter().all(|c| number(c).is_some());
    let labels: Vec<String> = if headerless {
        vec![String::new(); columns]
    } else {
        first.iter().map(|c| c.trim().to_string()).collect()
    };
    let mut add_row = |cells: &[Cow<str>], line: usize| -> Result<(), DataError> {
        if cells.len() > columns {
            return Err(DataError::bad(
                "body",
                format!(
                    "CSV line {line} has {} cells but the header has {columns}",
                    cells.len()
                ),
            ));
        }
        for (c, cell) in cells.iter().enumerate() {
            if cell.trim().is_empty() {
                continue; // a missing value
            }
            budget.take()?;
            let v = number(cell)
                .ok_or_else(|| not_a_number(format!("CSV line {line} column {}", c + 1), cell))?;
            series[c].push(v);
        }
        Ok(())
    };
    if headerless {
        add_row(&first, 1)?;
    }
    while let Some(cells) = rows.next_row()? {
        let line = rows.line_of_row;
        // A blank line (one empty cell) is skipped.
        if cells.len() == 1 && cells[0].trim().is_empty() {
            continue;
        }
        add_row(&cells, line)?;
    }
    if let Some(c) = series.iter().position(Vec::is_empty) {
        let name = if labels[c].is_empty() {
            String::new()
        } else {
            format!(" ({})", quote(&labels[c], 40))
        };
        return Err(DataError::bad(
            "body",
            format!("CSV column {}{name} has no numbers", c + 1),
        ));
    }
    DataSet::new(labels, Data::Values(series), values_max)
}

/// RFC 4180 rows: cells split at commas outside quotes, `""` an escaped
/// quote, rows ended by LF or CRLF (inside quotes, line breaks are text).
struct Rows<'a> {
    text: &'a str,
    at: usize,
    line: usize,
    /// The line the last row started on (1-based), for messages.
    line_of_row: usize,
}

impl<'a> Rows<'a> {
    fn new(text: &'a str) -> Rows<'a> {
        Rows {
            text,
            at: 0,
            line: 1,
            line_of_row: 1,
        }
    }

    /// The next row's cells: slices of the text, copied only when quoted.
    fn next_row(&mut self) -> Result<Option<Vec<Cow<'a, str>>>, DataError> {
        let text = self.text;
        let bytes = text.as_bytes();
        if self.at >= bytes.len() {
            return Ok(None);
        }
        self.line_of_row = self.line;
        let mut cells = Vec::new();
        let mut cell = String::new();
        let mut was_quoted = false;
        let finish = |cell: &mut String, was_quoted: &mut bool, piece: &'a str| {
            if cell.is_empty() && !*was_quoted {
                Cow::Borrowed(piece)
            } else {
                *was_quoted = false;
                cell.push_str(piece);
                Cow::Owned(std::mem::take(cell))
            }
        };
        let mut quoted = false;
        let mut start = self.at;
        let mut i = self.at;
        while i < bytes.len() {
            let b = bytes[i];
            if quoted {
                match b {
                    b'"' if bytes.get(i + 1) == Some(&b'"') => {
                        cell.push_str(&text[start..=i]);
                        i += 2;
                        start = i;
                        continue;
                    }
                    b'"' => {
                        cell.push_str(&text[start..i]);
                        quoted = false;
                        start = i + 1;
                    }
                    b'\n' => self.line += 1,
                    _ => {}
                }
                i += 1;
                continue;
            }
            match b {
                b'"' if text[start..i].trim().is_empty() && cell.is_empty() && !was_quoted => {
                    quoted = true;
                    was_quoted = true;
                    start = i + 1;
                }
                b'"' => {
                    return Err(DataError::bad(
                        "body",
                        format!(
                            "CSV line {}: a quote inside an unquoted cell (quote the whole cell, and double quotes inside it)",
                            self.line
                        ),
                    ))
                }
                b',' => {
                    cells.push(finish(&mut cell, &mut was_quoted, &text[start..i]));
                    start = i + 1;
                }
                b'\n' => {
                    let end = if i > start && bytes[i - 1] == b'\r' { i - 1 } else { i };
                    cells.push(finish(&mut cell, &mut was_quoted, &text[start..end]));
                    self.at = i + 1;
                    self.line += 1;
                    return Ok(Some(cells));
                }
                _ => {}
            }
            i += 1;
        }
        if quoted {
            return Err(DataError::bad(
                "body",
                format!(
                    "CSV line {}: a quoted cell is never closed",
                    self.line_of_row
                ),
            ));
        }
        let end = if bytes.len() > start && bytes[bytes.len() - 1] == b'\r' {
            bytes.len() - 1
        } else {
            bytes.len()
        };
        cells.push(finish(
            &mut cell,
            &mut was_quoted,
            &text[start..end.max(start)],
        ));
        self.at = bytes.len();
        Ok(Some(cells))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonBody<'a> {
    #[serde(borrow)]
    series: Vec<JsonSeries<'a>>,
    #[serde(default, borrow)]
    edges: Option<Numbers<'a>>,
}

/// A JSON array of numbers, kept as their text: [`number`] reads them, as
/// it reads CSV and plain text, so every body type gives the same bits.
type Numbers<'a> = Vec<&'a serde_json::value::RawValue>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonSeries<'a> {
    #[serde(default)]
    label: Option<String>,
    #[serde(default, borrow)]
    values: Option<Numbers<'a>>,
    #[serde(default, borrow)]
    counts: Option<Numbers<'a>>,
}

/// The numbers of one JSON array; `what` names it in a message.
fn json_numbers(raw: Numbers, what: &str) -> Result<Vec<f64>, DataError> {
    raw.iter()
        .enumerate()
        .map(|(i, r)| {
            Budget::check_slow()?;
            number(r.get()).ok_or_else(|| {
                DataError::bad(
                    "body",
                    format!(
                        "JSON {what} item {} is not a finite number: {}",
                        i + 1,
                        quote(r.get(), 40)
                    ),
                )
            })
        })
        .collect()
}

fn json(text: &str, values_max: usize) -> Result<DataSet, DataError> {
    // A cheap upper bound on the numbers before any is parsed: a body of
    // many more commas than the bound is refused without building it.
    let commas = text.bytes().filter(|&b| b == b',').count();
    if commas > values_max + 2 * limits::SERIES_MAX + limits::EDGES_MAX + 8 {
        return Err(DataError::too_large(
            "body",
            format!(
                "the body has about {commas} numbers; at most {values_max} are allowed (DATA_VALUES_MAX)"
            ),
        ));
    }
    let body: JsonBody<'_> = serde_json::from_str(text).map_err(|e| {
        DataError::bad(
            "body",
            format!(
                "the JSON is not {{\"series\": [{{\"label\", \"values\"}}]}} or {{\"series\": [{{\"label\", \"counts\"}}], \"edges\"}}: {}",
                quote(&e.to_string(), 120)
            ),
        )
    })?;
    let labels: Vec<String> = body
        .series
        .iter()
        .map(|s| s.label.clone().unwrap_or_default())
        .collect();
    let with_counts = body.series.iter().filter(|s| s.counts.is_some()).count();
    let with_values = body.series.iter().filter(|s| s.values.is_some()).count();
    if let Some(i) = body
        .series
        .iter()
        .position(|s| s.counts.is_some() == s.values.is_some())
    {
        return Err(DataError::bad(
            "body",
            format!("JSON series {} needs either values or counts", i + 1),
        ));
    }
    let data = match (with_values, with_counts, body.edges) {
        (_, 0, Some(_)) => {
            return Err(DataError::bad(
                "edges",
                "edges go with counts (pre-binned data); values are binned by the chart",
            ))
        }
        (_, 0, None) => Data::Values(
            body.series
                .into_iter()
                .enumerate()
                .filter_map(|(i, s)| Some(json_numbers(s.values?, &format!("series {}", i + 1))))
                .collect::<Result<_, _>>()?,
        ),
        (0, _, Some(edges)) => Data::Counts {
            counts: body
                .series
                .into_iter()
                .enumerate()
                .filter_map(|(i, s)| Some(json_numbers(s.counts?, &format!("series {}", i + 1))))
                .collect::<Result<_, _>>()?,
            edges: json_numbers(edges, "edges")?,
        },
        (0, _, None) => {
            return Err(DataError::bad(
                "edges",
                "counts need edges: k counts per series over k+1 edges",
            ))
        }
        _ => {
            return Err(DataError::bad(
                "body",
                "a data set is values or counts, not both",
            ))
        }
    };
    DataSet::new(labels, data, values_max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(kind: BodyType, body: &str) -> DataSet {
        parse(kind, body.as_bytes(), 1000).unwrap_or_else(|e| panic!("{body:?}: {e:?}"))
    }

    fn err(kind: BodyType, body: &[u8]) -> DataError {
        parse(kind, body, 1000).expect_err("refused")
    }

    #[test]
    fn three_bodies_one_data_set() {
        let csv = ok(BodyType::Csv, "\u{feff}a,b\r\n1.1,4\r\n0.3,\r\n2e1,5\r\n");
        let json = ok(
            BodyType::Json,
            r#"{"series":[{"label":"a","values":[0.3,20,1.1]},{"label":"b","values":[5,4]}]}"#,
        );
        assert_eq!(csv, json);
        assert_eq!(csv.id(), json.id());
        let plain = ok(BodyType::Plain, "1.1 0.3\n20 | 4,5\n");
        let unlabelled = ok(
            BodyType::Json,
            r#"{"series":[{"values":[0.3,20,1.1]},{"values":[5,4]}]}"#,
        );
        assert_eq!(plain, unlabelled);
        let headerless = ok(BodyType::Csv, "1.1,4\n0.3,5\n20,\n");
        assert_eq!(headerless, plain);
    }

    #[test]
    fn numbers_are_the_standard_parsers() {
        for t in [
            "0",
            "-0",
            "61.2",
            "0.1",
            "0.30000000000000004",
            "123456789012345",
            "1e22",
            "1e-22",
            "9.99e21",
            "-4.5E+3",
            "+.5",
            "5.",
            "007",
            "1e23",
            "1e-23",
            "0.000001",
            "1.7976931348623157e308",
        ] {
            let want: f64 = t.parse().unwrap();
            assert_eq!(number(t).map(f64::to_bits), Some(want.to_bits()), "{t}");
        }
        for t in [
            "", "-", ".", "e5", "1e", "1e+", "1.2.3", "--1", "0x10", "inf", "nan", "1e400",
        ] {
            assert_eq!(number(t), None, "{t}");
        }
    }

    #[test]
    fn quotes_commas_and_line_breaks() {
        let set = ok(BodyType::Csv, "\"a, \"\"b\"\"\",c\n\"1\",\"2\n\"\n3,4\n");
        assert_eq!(set.labels, vec!["a, \"b\"".to_string(), "c".to_string()]);
        assert_eq!(set.data, Data::Values(vec![vec![1.0, 3.0], vec![2.0, 4.0]]));
        // A line break inside a label is a control character.
        assert!(err(BodyType::Csv, b"\"a\nb\"\n1\n")
            .message
            .contains("control"));
        assert!(err(BodyType::Csv, b"a\n\"1")
            .message
            .contains("never closed"));
        assert!(err(BodyType::Csv, b"a\n1\"2\n").message.contains("quote"));
    }

    #[test]
    fn bad_bodies_name_the_problem() {
        let m = |k, b: &[u8]| err(k, b).message;
        assert!(m(BodyType::Csv, b"a,b\n1,2,3\n").contains("line 2 has 3 cells"));
        assert!(m(BodyType::Csv, b"a,b\n1,\n").contains("column 2"));
        assert!(m(BodyType::Csv, b"a\nx\n").contains("line 2 column 1"));
        assert!(m(BodyType::Plain, b"1,2,nan").contains("item 3"));
        assert!(m(BodyType::Plain, b"1|2|3|4|5|6|7|8|9").contains("9 series"));
        assert!(m(BodyType::Plain, b"\xff1").contains("not UTF-8"));
        assert!(m(BodyType::Json, b"{\"series\":[]}").contains("no series"));
        assert!(m(BodyType::Json, br#"{"series":[{"counts":[1]}]}"#).contains("edges"));
        assert!(m(BodyType::Json, br#"{"series":[{"values":[1e400]}]}"#).contains("JSON"));
        assert_eq!(parse(BodyType::Plain, b"1 2 3", 2).unwrap_err().status, 413);
        assert_eq!(BodyType::of(Some("image/png")).unwrap_err().status, 415);
        assert_eq!(BodyType::of(None).unwrap_err().status, 415);
        assert!(BodyType::of(Some("text/csv; charset=latin1")).is_err());
        assert_eq!(
            BodyType::of(Some("Text/CSV; charset=\"UTF-8\"")).unwrap(),
            BodyType::Csv
        );
    }
}
