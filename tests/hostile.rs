//! Hostile input: the requests an attacker would send, first as a table of
//! the defects found so far (one row per class), then as properties over the
//! whole input space (arbitrary bytes, escapes, repeated keys, numbers at the
//! edges of f64), with proptest. Every request must get the contract's own
//! answer: a status of the contract, header values that are valid HTTP field
//! values of bounded length, `no-store` and `Vary` on errors, a `Date`, and
//! for a 200 a PNG that decodes to the requested size.
//!
//! Case counts are kept small so the test command stays fast;
//! `PROPTEST_CASES=5000 cargo test --release --test hostile` raises them.

use edgechart::chart::scene::Ink;
use edgechart::chart::theme::{color, Colors, Inks};
use edgechart::raster::palette::Palette;

/// The palette a one-series light chart starts with (16 colours).
const PALETTE_LEN: usize = 16;
use edgechart::encode::png::{encode_png, scanlines};
use edgechart::serve::flow::handle_with_data;
use edgechart::serve::http::{if_none_match_matches, Request, Response};
use edgechart::serve::store::HotCache;
use edgechart::spec::{parse, RouteKind};
use edgechart::testing::{block_on, FixedHost, MemoryStore};
use edgechart::{raster::canvas::Canvas, serve::httpdate};
use proptest::prelude::*;

#[path = "support/png_rgb.rs"]
mod png_rgb;
use png_rgb::decode_rgb;

// ------------------------------------------------------------------ helpers

fn send(req: &Request) -> Response {
    let (cache, kv, data) = (
        MemoryStore::default(),
        MemoryStore::default(),
        MemoryStore::default(),
    );
    block_on(handle_with_data(
        req,
        &HotCache::new(1 << 20),
        &cache,
        &kv,
        &data,
        &FixedHost([3; 32]),
    ))
    .response
}

/// A valid HTTP field value (RFC 9110 5.5) of at most 1024 bytes: visible
/// ASCII, spaces and tabs inside, none at the ends.
fn field_value_ok(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() <= 1024
        && b.iter()
            .all(|&c| c == b' ' || c == b'\t' || (0x21..=0x7e).contains(&c))
        && !matches!(b.first(), Some(b' ' | b'\t'))
        && !matches!(b.last(), Some(b' ' | b'\t'))
}

fn token_ok(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c))
}

/// Checks everything the contract promises of any answer; returns a
/// description of the first broken promise.
fn check_answer(req: &Request, r: &Response) -> Result<(), String> {
    if ![200, 201, 204, 304, 400, 404, 405, 413, 415].contains(&r.status) {
        return Err(format!("status {}", r.status));
    }
    for (name, value) in &r.headers {
        if !token_ok(name) || !field_value_ok(value) {
            return Err(format!("header {name:?}: {value:?}"));
        }
    }
    let date = r.get("Date").ok_or("no Date")?;
    if httpdate::parse(date).is_none() {
        return Err(format!("Date {date:?} does not parse"));
    }
    if let Some(lm) = r.get("Last-Modified") {
        if httpdate::parse(lm) > httpdate::parse(date) {
            return Err(format!("Last-Modified {lm} after Date {date}"));
        }
    }
    if r.status >= 400 {
        if r.get("Cache-Control") != Some("no-store") {
            return Err("error without no-store".into());
        }
        if !r.get("Vary").unwrap_or("").contains("Accept") {
            return Err("error without Vary: Accept".into());
        }
    }
    if r.status == 304 && !r.body.is_empty() {
        return Err("304 with a body".into());
    }
    if req.is_head() {
        if !r.body.is_empty() {
            return Err("HEAD with a body".into());
        }
    } else if let Some(len) = r.get("Content-Length") {
        if len != r.body.len().to_string() {
            return Err(format!("Content-Length {len} for {} bytes", r.body.len()));
        }
    }
    if r.status == 201 {
        let body: serde_json::Value =
            serde_json::from_slice(&r.body).map_err(|e| format!("201 body: {e}"))?;
        let id = body["id"].as_str().ok_or("201 without an id")?;
        if r.get("Location") != Some(&*format!("/charts/d/{id}.png")) {
            return Err("201 whose Location is not the id's chart".into());
        }
    }
    if r.status == 200 && !req.is_head() {
        let body = std::str::from_utf8(&r.body);
        match r.get("Content-Type").unwrap_or("") {
            "image/png" => {}
            "image/svg+xml" => {
                roxmltree::Document::parse(body.map_err(|e| e.to_string())?)
                    .map_err(|e| format!("SVG is not XML: {e}"))?;
                return Ok(());
            }
            "application/json" => {
                serde_json::from_str::<serde_json::Value>(body.map_err(|e| e.to_string())?)
                    .map_err(|e| format!("JSON does not parse: {e}"))?;
                return Ok(());
            }
            "text/csv; charset=utf-8; header=present" => {
                let text = body.map_err(|e| e.to_string())?;
                // A column per series after the bins: headed by its label
                // when the query gives labels, else by what the numbers are
                // (one series) or `seriesN`.
                let header = text.split("\r\n").next().unwrap_or("");
                let columns = header
                    .strip_prefix("bin_start,bin_end,")
                    .ok_or("CSV without its header")?;
                let labelled = req
                    .query
                    .as_deref()
                    .is_some_and(|q| q.split('&').any(|p| p.starts_with("labels=")));
                let measure = |c: &str| {
                    let m = c.strip_prefix("cumulative_").unwrap_or(c);
                    ["count", "percent", "probability", "density"].contains(&m)
                        || c.strip_prefix("series")
                            .is_some_and(|n| n.parse::<u8>().is_ok())
                };
                if !text.contains("\r\n") || (!labelled && !columns.split(',').all(measure)) {
                    return Err(format!("CSV header {header:?}"));
                }
                return Ok(());
            }
            other => return Err(format!("200 with Content-Type {other:?}")),
        }
        let (w, h, _) = decode_rgb(&r.body);
        let name = req
            .path
            .strip_prefix("/charts/")
            .and_then(|p| p.strip_suffix(".png"));
        let spec = match name {
            Some(name) => parse(name, req.query.as_deref(), RouteKind::Named),
            None => parse("random", req.query.as_deref(), RouteKind::Random),
        }
        .map_err(|e| format!("200 for a query the parser rejects: {}", e.message))?;
        if (w, h) != spec.pixel_size() {
            return Err(format!("{w}x{h}, asked {:?}", spec.pixel_size()));
        }
    }
    Ok(())
}

/// Pixels of the bar colour in a light chart.
fn bar_pixels(png_bytes: &[u8]) -> usize {
    let (_, _, rgb) = decode_rgb(png_bytes);
    let bar = color(Colors::Light, Ink::Series(0));
    rgb.chunks(3).filter(|p| p == &bar.as_slice()).count()
}

// -------------------------------------------------------------- the table

/// Each class of defect found by trying the Worker as an attacker would.
#[test]
fn hostile_requests_table() {
    struct Case {
        target: &'static str,
        headers: &'static [(&'static str, &'static str)],
        status: u16,
        /// The `X-Chart-Error` header, when the answer is a 400.
        param: Option<&'static str>,
        /// For a 200: the chart must show at least one bar pixel.
        bars: bool,
    }
    let ok = |target| Case {
        target,
        headers: &[],
        status: 200,
        param: None,
        bars: true,
    };
    let bad = |target, param| Case {
        target,
        headers: &[],
        status: 400,
        param: Some(param),
        bars: false,
    };
    let cases = [
        // A span that underflows the tick step (once an endless tick loop).
        ok("/charts/a.png?values=0,1e-308"),
        ok("/charts/a.png?values=0,5e-324"),
        ok("/charts/a.png?values=-5e-324,5e-324,0"),
        ok("/charts/a.png?values=2.2250738585072014e-308,2.225073858507202e-308"),
        // Spans near the top of f64: the bound is +-1e300, named in the 400.
        ok("/charts/a.png?values=-1e300,1e300"),
        bad("/charts/a.png?values=-1e308,1e308", "values"),
        bad("/charts/a.png?values=1,1.7976931348623157e308", "values"),
        // A widening that rounding used to absorb; values that differ in
        // the last bits only.
        ok("/charts/a.png?values=1e16"),
        ok("/charts/a.png?values=1e16,10000000000000002"),
        ok("/charts/a.png?values=-1e300"),
        // Every bin with values shows, even 1000 bins on a narrow chart.
        ok("/charts/a.png?values=0,0&bins=1000"),
        ok("/charts/a.png?values=0,1e-300,1&bins=1000&w=64&h=64"),
        ok("/charts/a.png?n=1&bins=1000&w=200&h=140"),
        // Names that decode to controls never reach a header.
        bad("/charts/a.png?a%0Db=1", "query"),
        bad("/charts/a.png?%00=1", "query"),
        bad("/charts/a.png?a%0D%0AX-Evil:%201=1", "query"),
        bad("/charts/a.png?%E2%80%AE=1", "query"),
        bad("/charts/a.png?colour=red", "colour"),
        bad(
            "/charts/a.png?aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1",
            "query",
        ),
        // Escapes take two hex digits, never a sign.
        bad("/charts/a.png?w=%+9640", "w"),
        bad("/charts/a.png?w=%+0640", "w"),
        bad("/charts/a.png?w=%-1640", "w"),
        bad("/charts/a.png?title=%", "title"),
        bad("/charts/a.png?title=%C3", "title"),
        bad("/charts/a.png?title=%ED%A0%80", "title"),
        bad("/charts/a.png?title=a%1Bb", "title"),
        bad("/charts/a.png?title=a%7Fb", "title"),
        bad("/charts/a.png?w=640&w=640", "w"),
        bad("/charts/a%0D%0A.png", "name"),
        // Dates no parser may overflow on or roll over.
        Case {
            target: "/charts/a.png",
            headers: &[("If-Modified-Since", "Sun Nov  6 08:49:37 1234567890123")],
            status: 200,
            param: None,
            bars: true,
        },
        Case {
            target: "/charts/a.png",
            headers: &[("If-Modified-Since", "Tue, 31 Feb 2099 00:00:00 GMT")],
            status: 200,
            param: None,
            bars: true,
        },
        Case {
            target: "/charts/a.png",
            headers: &[("If-None-Match", "\"\"\"\",,,W/W/\"")],
            status: 200,
            param: None,
            bars: true,
        },
    ];
    for c in cases {
        let mut req = Request::get(c.target);
        for (k, v) in c.headers {
            req = req.with_header(k, v);
        }
        let r = send(&req);
        let text = String::from_utf8_lossy(&r.body[..r.body.len().min(200)]).into_owned();
        assert_eq!(r.status, c.status, "{}: {text}", c.target);
        if let Err(e) = check_answer(&req, &r) {
            panic!("{}: {e}", c.target);
        }
        assert_eq!(r.get("X-Chart-Error"), c.param, "{}: {text}", c.target);
        if c.status == 400 {
            assert!(
                !text.chars().any(|ch| ch.is_control() && ch != '\n'),
                "{}: control characters in {text:?}",
                c.target
            );
        }
        if c.bars {
            assert!(bar_pixels(&r.body) > 0, "{}: no bar drawn", c.target);
        }
    }
}

/// The bound on magnitudes is inclusive and the 400 names it.
#[test]
fn value_magnitude_bound_is_exact() {
    for ok in ["1e300", "-1e300", "0.999e300"] {
        assert!(parse("a", Some(&format!("values={ok}")), RouteKind::Named).is_ok());
    }
    let e = parse("a", Some("values=1,1.0000001e300"), RouteKind::Named).unwrap_err();
    assert_eq!(e.parameter, "values");
    assert!(
        e.message.contains("item 2") && e.message.contains("1e300"),
        "{}",
        e.message
    );
}

// ------------------------------------------------------------- properties

fn config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

const KEYS: &[&str] = &[
    "values",
    "n",
    "counts",
    "bins",
    "binwidth",
    "edges",
    "range",
    "norm",
    "cumulative",
    "mode",
    "title",
    "xlabel",
    "ylabel",
    "labels",
    "xscale",
    "yscale",
    "marks",
    "kde",
    "colors",
    "w",
    "h",
    "dpr",
    "theme",
    "W",
    "x",
    "sig",
    "",
];

/// Numbers as an attacker writes them: every class of f64, huge integers,
/// signs, exponents, and junk.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::num::f64::ANY.prop_map(|f| f.to_string()),
        prop::num::f64::ANY.prop_map(|f| format!("{f:e}")),
        (0u32..5000).prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        prop::sample::select(vec![
            "1e-308", "5e-324", "-0", "+7", ".5", "1e16", "1e300", "1e308", "inf", "NaN", "0x10",
            "1e99999", "%+9640", "%2B1", "auto", "", " ", "1,2", "dark", "light",
        ])
        .prop_map(str::to_string),
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => number(),
        2 => prop::collection::vec(number(), 1..12).prop_map(|v| v.join(",")),
        2 => prop::collection::vec(prop::collection::vec(number(), 1..6).prop_map(|v| v.join(",")), 1..10)
            .prop_map(|v| v.join("|")),
        2 => prop::sample::select(vec![
            "auto", "fd", "doane", "density", "percent", "stack", "side", "step", "overlay", "bar",
            "log", "linear", "1", "-1", "0", "mean,median,p50,p99", "p0", "p100", "ff0000", "ff0000,00ff00",
            "a|b", "a|b|c|d|e|f|g|h|i", "0,1", "1,0", "1e-300", "0,1e300",
        ]).prop_map(str::to_string),
        1 => "[ -~]{0,24}",
        1 => prop::collection::vec(any::<u8>(), 0..16).prop_map(|b| escape_some(&b)),
    ]
}

/// Bytes written into a URL: some raw (lossy UTF-8), some as escapes.
fn escape_some(bytes: &[u8]) -> String {
    let mut s = String::new();
    for (i, &b) in bytes.iter().enumerate() {
        if i % 3 == 0 || !b.is_ascii_graphic() {
            s.push_str(&format!("%{b:02X}"));
        } else {
            s.push(b as char);
        }
    }
    s
}

fn query() -> impl Strategy<Value = Option<String>> {
    let pair = prop_oneof![
        6 => (prop::sample::select(KEYS), value()).prop_map(|(k, v)| format!("{k}={v}")),
        1 => prop::sample::select(KEYS).prop_map(str::to_string),
        1 => prop::collection::vec(any::<u8>(), 0..10).prop_map(|b| escape_some(&b)),
        1 => ".{0,12}",
    ];
    prop::option::weighted(
        0.9,
        prop::collection::vec(pair, 0..6).prop_map(|p| p.join("&")),
    )
}

/// Every format's extension, and two that are none.
const EXTENSIONS: &[&str] = &["png", "png", "svg", "csv", "json", "gif", "PNG"];

fn path() -> impl Strategy<Value = String> {
    let ext = || prop::sample::select(EXTENSIONS);
    prop_oneof![
        6 => ("[A-Za-z0-9._-]{0,66}", ext()).prop_map(|(n, e)| format!("/charts/{n}.{e}")),
        1 => (prop::collection::vec(any::<u8>(), 0..12), ext())
            .prop_map(|(b, e)| format!("/charts/{}.{e}", escape_some(&b))),
        1 => ext().prop_map(|e| format!("/random.{e}")),
        1 => ("[0-9a-f]{30,34}", ext()).prop_map(|(n, e)| format!("/charts/d/{n}.{e}")),
        1 => Just("/data".to_string()),
        1 => "/[ -~]{0,30}",
    ]
}

fn header() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![
        "[ -~]{0,60}",
        ".{0,20}",
        Just("image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8".to_string()),
        Just("Sun Nov  6 08:49:37 1234567890123".to_string()),
        Just("*".to_string()),
    ])
}

prop_compose! {
    fn request()(
        method in prop::sample::select(vec!["GET", "GET", "HEAD", "POST", "DELETE", "OPTIONS"]),
        path in path(),
        query in query(),
        inm in header(),
        ims in header(),
        accept in header(),
        content_type in header(),
        body in prop::collection::vec(any::<u8>(), 0..64),
    ) -> Request {
        Request {
            method: method.to_string(),
            path,
            query,
            if_none_match: inm,
            if_modified_since: ims,
            accept,
            content_type,
            body,
            body_over: false,
        }
    }
}

proptest! {
    #![proptest_config(config(192))]

    /// Any request: the contract's answer, never a panic.
    #[test]
    fn any_request_gets_the_contracts_answer(req in request()) {
        let r = send(&req);
        if let Err(e) = check_answer(&req, &r) {
            return Err(TestCaseError::fail(format!("{req:?}: {e}")));
        }
    }

    /// Any query: a spec, or a 400 whose parameter is a header-safe token
    /// and whose message is bounded text without control characters.
    #[test]
    fn any_query_parses_or_names_a_safe_parameter(q in query(), name in ".{0,70}") {
        match parse(&name, q.as_deref(), RouteKind::Named) {
            Ok(spec) => {
                let (w, h) = spec.pixel_size();
                prop_assert!(u64::from(w) * u64::from(h) <= 4_194_304);
                if let edgechart::spec::Data::Values(v) = &spec.data {
                    prop_assert!(v.iter().flatten().all(|x| x.is_finite() && x.abs() <= 1e300));
                }
            }
            Err(e) => {
                prop_assert!(token_ok(&e.parameter) && e.parameter.len() <= 40, "{:?}", e.parameter);
                prop_assert!(e.message.chars().count() <= 400, "{}", e.message);
                prop_assert!(!e.message.chars().any(char::is_control), "{:?}", e.message);
            }
        }
    }

    /// The date and If-None-Match parsers never panic on arbitrary text.
    #[test]
    fn header_parsers_take_anything(s in ".{0,64}", t in "[ -~]{0,64}") {
        let _ = httpdate::parse(&s);
        let _ = httpdate::parse(&t);
        let _ = if_none_match_matches(&s, "\"r7-abc\"");
        let _ = if_none_match_matches(&t, "\"r7-abc\"");
    }

    /// Valid dates in all three formats agree with a reference count of days.
    #[test]
    fn dates_agree_with_a_reference(
        y in 1970i64..=9999, m in 1i64..=12, d in 1i64..=31,
        hh in 0i64..24, mi in 0i64..60, ss in 0i64..60,
    ) {
        prop_assume!(d <= days_in_month(y, m));
        let unix = reference_unix(y, m, d, hh, mi, ss);
        let wd = WEEKDAYS[((unix / 86_400 + 4) % 7) as usize];
        let mon = MONTHS[(m - 1) as usize];
        let fix = format!("{}, {d:02} {mon} {y} {hh:02}:{mi:02}:{ss:02} GMT", &wd[..3]);
        prop_assert_eq!(httpdate::parse(&fix), Some(unix as u64));
        prop_assert_eq!(httpdate::format(unix as u64), fix);
        let asc = format!("{} {mon} {d:>2} {hh:02}:{mi:02}:{ss:02} {y}", &wd[..3]);
        prop_assert_eq!(httpdate::parse(&asc), Some(unix as u64));
        if (1970..2070).contains(&y) {
            let rfc850 = format!("{wd}, {d:02}-{mon}-{:02} {hh:02}:{mi:02}:{ss:02} GMT", y % 100);
            prop_assert_eq!(httpdate::parse(&rfc850), Some(unix as u64));
        }
        // A day past the month's end is no date.
        let bad = format!("{}, {:02} {mon} {y} 00:00:00 GMT", &wd[..3], days_in_month(y, m) + 1);
        prop_assert_eq!(httpdate::parse(&bad), None);
    }

    /// If-None-Match: a list matches exactly when one member's opaque tag is
    /// ours (weak comparison), whatever else the list holds.
    #[test]
    fn if_none_match_agrees_with_a_reference(
        tags in prop::collection::vec(("[a-z0-9-]{0,6}", any::<bool>()), 0..6),
        ours in "[a-z0-9-]{1,6}",
        spaces in prop::collection::vec(prop::sample::select(vec!["", " ", "  ", "\t"]), 6),
    ) {
        let list: Vec<String> = tags
            .iter()
            .enumerate()
            .map(|(i, (t, weak))| format!("{}{}\"{t}\"", spaces[i % 6], if *weak { "W/" } else { "" }))
            .collect();
        let header = list.join(",");
        let want = tags.iter().any(|(t, _)| *t == ours);
        prop_assert_eq!(if_none_match_matches(&header, &format!("\"{ours}\"")), want, "{}", header);
    }

    /// Any palette canvas, up to the widest chart (12,288 pixels): the PNG
    /// decodes to the same indices, and its zlib stream inflates to the
    /// scanlines with miniz_oxide.
    #[test]
    fn encoder_round_trips_any_canvas(
        width in 1u32..=12_288,
        height in 1u32..=6,
        pattern in 0u8..6,
        seed in any::<u64>(),
    ) {
        let canvas = canvas(width, height, pattern, seed);
        round_trip(&canvas)?;
    }
}

fn days_in_month(y: i64, m: i64) -> i64 {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][(m - 1) as usize]
}

/// Unix seconds by counting whole years and months: slow and obviously right.
fn reference_unix(y: i64, m: i64, d: i64, hh: i64, mi: i64, ss: i64) -> i64 {
    let mut days = 0;
    for year in 1970..y {
        days += (1..=12).map(|mm| days_in_month(year, mm)).sum::<i64>();
    }
    days += (1..m).map(|mm| days_in_month(y, mm)).sum::<i64>();
    days += d - 1;
    days * 86_400 + hh * 3600 + mi * 60 + ss
}

const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Canvases an encoder finds hard: noise, long runs, alternating bytes,
/// rows repeating at a distance, a diagonal, and sparse dots.
fn canvas(width: u32, height: u32, pattern: u8, seed: u64) -> Canvas {
    let mut c = Canvas::new(
        width,
        height,
        Palette::new(&Inks::new(Colors::Light, &[], 1)),
    );
    let mut x = seed | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let n = PALETTE_LEN as u64;
    let w = width as usize;
    for (i, p) in c.pixels.iter_mut().enumerate() {
        let (col, row) = (i % w, i / w);
        *p = match pattern {
            0 => (next() % n) as u8,
            1 => ((col / 997 + row) % 2) as u8 * 3,
            2 => (i % 2) as u8 * (PALETTE_LEN as u8 - 1),
            3 => ((col * 7 + (row % 3) * 5) % PALETTE_LEN) as u8,
            4 => u8::from(col == row * 3 % w) * 5,
            _ => u8::from(next() % 4093 == 0) * ((next() % n) as u8),
        };
    }
    c
}

fn round_trip(canvas: &Canvas) -> Result<(), TestCaseError> {
    let png_bytes = encode_png(canvas).map_err(|e| TestCaseError::fail(e.0))?;
    // The png crate, indices untouched.
    let mut dec = png::Decoder::new(std::io::Cursor::new(&png_bytes));
    dec.set_transformations(png::Transformations::IDENTITY);
    let mut reader = dec
        .read_info()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader
        .next_frame(&mut buf)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!((info.width, info.height), (canvas.width, canvas.height));
    let bits = info.bit_depth as usize;
    let per_byte = 8 / bits;
    let w = canvas.width as usize;
    for row in 0..canvas.height as usize {
        let line = &buf[row * info.line_size..(row + 1) * info.line_size];
        for col in 0..w {
            let byte = line[col / per_byte];
            let shift = 8 - bits * (col % per_byte + 1);
            let index = (byte >> shift) & ((1 << bits) - 1) as u8;
            prop_assert_eq!(index, canvas.pixels[row * w + col], "pixel {},{}", col, row);
        }
    }
    // miniz_oxide on the concatenated IDAT data.
    let idat = idat_data(&png_bytes);
    let inflated = miniz_oxide::inflate::decompress_to_vec_zlib(&idat)
        .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
    prop_assert!(
        inflated == scanlines(&canvas.pixels, w),
        "inflated scanlines differ"
    );
    Ok(())
}

fn idat_data(png_bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut at = 8;
    while at + 8 <= png_bytes.len() {
        let len = u32::from_be_bytes(png_bytes[at..at + 4].try_into().unwrap()) as usize;
        if &png_bytes[at + 4..at + 8] == b"IDAT" {
            out.extend_from_slice(&png_bytes[at + 8..at + 8 + len]);
        }
        at += 12 + len;
    }
    out
}

/// Every width from 1 to 12,288 pixels (the widest chart: 4096 at dpr 3),
/// two rows of noise each: widths that are not a multiple of the packing
/// or of the matcher's strides are where encoders slip.
#[test]
fn encoder_round_trips_every_width() {
    for width in 1..=12_288u32 {
        let c = canvas(
            width,
            2,
            (width % 6) as u8,
            u64::from(width) * 2_654_435_761,
        );
        if let Err(e) = round_trip(&c) {
            panic!("width {width}: {e}");
        }
    }
}
