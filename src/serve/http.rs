//! HTTP as the core sees it: a request and response with no runtime types,
//! and the caching rules of RFC 9110/9111 as small pure functions.

use crate::serve::httpdate;

/// What the core needs of a request. Header values are as received (several
/// field lines of one name joined with ", ").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// Path without the query, still percent-encoded.
    pub path: String,
    /// The query without `?`, or `None` when the URL has none.
    pub query: Option<String>,
    pub if_none_match: Option<String>,
    pub if_modified_since: Option<String>,
    pub accept: Option<String>,
    /// `Content-Type` of a body (`POST /data`).
    pub content_type: Option<String>,
    /// The body, as far as the adapter read it (only `POST /data` has one).
    pub body: Vec<u8>,
    /// The body was longer than [`crate::dataset::BODY_MAX`]: the adapter
    /// stopped reading, and the answer is a 413.
    pub body_over: bool,
}

impl Request {
    pub fn get(target: &str) -> Request {
        Request::new("GET", target)
    }

    /// A request for `target` (`/path?query`).
    pub fn new(method: &str, target: &str) -> Request {
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p, Some(q.to_string())),
            None => (target, None),
        };
        Request {
            method: method.to_string(),
            path: path.to_string(),
            query,
            ..Request::default()
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Request {
        let v = Some(value.to_string());
        match name.to_ascii_lowercase().as_str() {
            "if-none-match" => self.if_none_match = v,
            "if-modified-since" => self.if_modified_since = v,
            "accept" => self.accept = v,
            "content-type" => self.content_type = v,
            _ => {}
        }
        self
    }

    /// The request target as sent: path, and `?query` when there is one
    /// (what a signature covers).
    pub fn target(&self) -> String {
        match &self.query {
            Some(q) => format!("{}?{q}", self.path),
            None => self.path.clone(),
        }
    }

    /// This request with `body`.
    pub fn with_body(mut self, body: &[u8]) -> Request {
        self.body_over = body.len() > crate::dataset::BODY_MAX;
        self.body = body.to_vec();
        self
    }

    pub fn is_head(&self) -> bool {
        self.method == "HEAD"
    }
}

/// A response. `body` is what a GET would carry; for HEAD the adapter sends
/// the same headers and no body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Response {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    /// The value of header `name` (case-insensitive), if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Drops header `name` (case-insensitive).
    pub fn remove(&mut self, name: &str) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        match self
            .headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(slot) => slot.1 = value,
            None => self.headers.push((name.to_string(), value)),
        }
    }
}

/// `Cache-Control` of a chart: it never changes, so it may be kept for a year.
pub const CACHE_IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of errors and of the random chart.
pub const CACHE_NONE: &str = "no-store";

/// Whether `If-None-Match` matches `etag` by weak comparison (RFC 9110
/// 13.1.2): `*` matches any current representation; otherwise any listed
/// tag whose opaque part equals ours, `W/` or not. Unparsable members are
/// skipped.
pub fn if_none_match_matches(header: &str, etag: &str) -> bool {
    let ours = opaque(etag);
    if header.trim() == "*" {
        return true;
    }
    entity_tags(header).any(|t| Some(t) == ours)
}

/// The opaque-tag of an entity-tag (`"abc"` of `W/"abc"`), quotes kept.
fn opaque(tag: &str) -> Option<&str> {
    let t = tag.trim();
    let t = t.strip_prefix("W/").unwrap_or(t);
    (t.len() >= 2 && t.starts_with('"') && t.ends_with('"') && !t[1..t.len() - 1].contains('"'))
        .then_some(t)
}

/// Splits a list of entity-tags; commas inside quotes do not split.
fn entity_tags(header: &str) -> impl Iterator<Item = &str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, b) in header.bytes().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => {
                parts.push(&header[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&header[start..]);
    parts.into_iter().filter_map(opaque)
}

/// RFC 9110 13.2.2 for a GET/HEAD of a representation with these validators:
/// `true` means answer 304 Not Modified. `If-Modified-Since` counts only when
/// there is no `If-None-Match`, and only when it is one valid HTTP-date.
pub fn not_modified(req: &Request, etag: &str, last_modified: u64) -> bool {
    if let Some(inm) = &req.if_none_match {
        return if_none_match_matches(inm, etag);
    }
    match req.if_modified_since.as_deref().and_then(httpdate::parse) {
        Some(since) => last_modified <= since,
        None => false,
    }
}

/// Whether the client would rather have an image than text, judged by the
/// `Accept` q-values of `image/png` and `text/plain` (most specific range
/// wins). On a tie, a list that names image types and no text types is an
/// image request (Firefox's `<img>` sends `image/avif,image/webp,*/*`).
/// `curl` (`*/*`) and requests with no `Accept` get text.
pub fn prefers_image(accept: Option<&str>) -> bool {
    let Some(a) = accept else { return false };
    let (img, text) = (quality(a, "image", "png"), quality(a, "text", "plain"));
    let lower = a.to_ascii_lowercase();
    img > text || (img == text && img > 0.0 && lower.contains("image/") && !lower.contains("text/"))
}

fn quality(accept: &str, ty: &str, sub: &str) -> f32 {
    let mut best: Option<(u8, f32)> = None;
    for range in accept.split(',') {
        let mut params = range.split(';');
        let media = params.next().unwrap_or("").trim().to_ascii_lowercase();
        let Some((t, s)) = media.split_once('/') else {
            continue;
        };
        let specificity = match (t == ty, s == sub, t == "*", s == "*") {
            (true, true, _, _) => 3,
            (true, false, _, true) => 2,
            (false, _, true, true) => 1,
            _ => continue,
        };
        let q = params
            .filter_map(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .or_else(|| p.trim().strip_prefix("Q="))
            })
            .find_map(|v| v.trim().parse::<f32>().ok())
            .unwrap_or(1.0)
            .clamp(0.0, 1.0);
        if best.is_none_or(|(s, _)| specificity > s) {
            best = Some((specificity, q));
        }
    }
    best.map_or(0.0, |(_, q)| q)
}

/// `scheme://host[:port]`, the path and the query (without `?`) of an
/// absolute URL as the runtime serializes it (WHATWG): no parsing beyond
/// finding the parts, so the target is exactly as sent (signatures are
/// computed over it). A request URL has no fragment; one is dropped.
pub fn split_url(url: &str) -> (&str, &str, Option<&str>) {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let path_at = url[after_scheme..]
        .find('/')
        .map_or(url.len(), |i| after_scheme + i);
    let (origin, rest) = url.split_at(path_at);
    let rest = rest.split('#').next().unwrap_or("");
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    (origin, if path.is_empty() { "/" } else { path }, query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_origin_path_and_query() {
        type Parts<'a> = (&'a str, &'a str, Option<&'a str>);
        let cases: &[(&str, Parts)] = &[
            (
                "https://c.example/charts/a.png",
                ("https://c.example", "/charts/a.png", None),
            ),
            (
                "http://127.0.0.1:8787/charts/a.svg?w=1&sig=x",
                ("http://127.0.0.1:8787", "/charts/a.svg", Some("w=1&sig=x")),
            ),
            ("https://c.example/?", ("https://c.example", "/", Some(""))),
            ("https://c.example", ("https://c.example", "/", None)),
            (
                "https://c.example/a%20b?t=%3F?x#frag",
                ("https://c.example", "/a%20b", Some("t=%3F?x")),
            ),
        ];
        for (url, want) in cases {
            assert_eq!(split_url(url), *want, "{url}");
        }
    }

    const ETAG: &str = "\"r1-abc\"";
    const LM: u64 = 1_795_305_600; // Sun, 22 Nov 2026 00:00:00 GMT

    #[test]
    fn if_none_match_table() {
        let cases: &[(&str, bool)] = &[
            ("\"r1-abc\"", true),
            ("W/\"r1-abc\"", true),
            ("*", true),
            (" * ", true),
            ("\"x\", \"r1-abc\"", true),
            ("\"x\",W/\"r1-abc\" , \"y\"", true),
            ("\"r1-ab\"", false),
            ("r1-abc", false),
            ("\"r1-abc", false),
            ("\"a,b\", \"c\"", false),
            ("\"a,\"r1-abc\"", false),
            ("", false),
            ("W/", false),
        ];
        for (header, want) in cases {
            assert_eq!(
                if_none_match_matches(header, ETAG),
                *want,
                "If-None-Match: {header}"
            );
        }
    }

    #[test]
    fn conditional_table() {
        struct Case {
            inm: Option<&'static str>,
            ims: Option<&'static str>,
            want: bool,
        }
        let cases = [
            Case {
                inm: None,
                ims: None,
                want: false,
            },
            Case {
                inm: Some(ETAG),
                ims: None,
                want: true,
            },
            Case {
                inm: Some("\"other\""),
                ims: None,
                want: false,
            },
            // If-None-Match present: If-Modified-Since is ignored either way.
            Case {
                inm: Some("\"other\""),
                ims: Some("Sun, 22 Nov 2026 00:00:00 GMT"),
                want: false,
            },
            Case {
                inm: Some(ETAG),
                ims: Some("Sat, 01 Jan 2000 00:00:00 GMT"),
                want: true,
            },
            Case {
                inm: None,
                ims: Some("Sun, 22 Nov 2026 00:00:00 GMT"),
                want: true,
            },
            Case {
                inm: None,
                ims: Some("Mon, 23 Nov 2026 10:00:00 GMT"),
                want: true,
            },
            Case {
                inm: None,
                ims: Some("Sat, 21 Nov 2026 23:59:59 GMT"),
                want: false,
            },
            Case {
                inm: None,
                ims: Some("Sunday, 22-Nov-26 00:00:00 GMT"),
                want: true,
            },
            Case {
                inm: None,
                ims: Some("Sun Nov 22 00:00:00 2026"),
                want: true,
            },
            Case {
                inm: None,
                ims: Some("not a date"),
                want: false,
            },
            Case {
                inm: None,
                ims: Some("Sun, 22 Nov 2026 00:00:00 GMT, Mon, 23 Nov 2026 00:00:00 GMT"),
                want: false,
            },
        ];
        for c in cases {
            let mut req = Request::get("/charts/a.png");
            req.if_none_match = c.inm.map(str::to_string);
            req.if_modified_since = c.ims.map(str::to_string);
            assert_eq!(
                not_modified(&req, ETAG, LM),
                c.want,
                "INM {:?} IMS {:?}",
                c.inm,
                c.ims
            );
        }
    }

    #[test]
    fn accept_table() {
        let cases: &[(Option<&str>, bool)] = &[
            (None, false),
            (Some("*/*"), false),
            (Some("text/plain"), false),
            (Some("image/png"), true),
            (Some("image/*"), true),
            // Chromium and Firefox <img> requests.
            (
                Some("image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"),
                true,
            ),
            (Some("image/avif,image/webp,*/*"), true),
            (
                Some("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
                false,
            ),
            (Some("image/png;q=0.5, text/plain;q=0.6"), false),
            (Some("image/*;q=0.9, text/*;q=0.1"), true),
            (Some("image/png;q=0, */*"), false),
        ];
        for (accept, want) in cases {
            assert_eq!(prefers_image(*accept), *want, "Accept: {accept:?}");
        }
    }

    #[test]
    fn request_target_splits_query() {
        let r = Request::new("HEAD", "/charts/a.png?w=100&h=100");
        assert_eq!(
            (r.path.as_str(), r.query.as_deref()),
            ("/charts/a.png", Some("w=100&h=100"))
        );
        assert!(r.is_head());
        assert_eq!(Request::get("/x").query, None);
    }
}
