//! The whole request path: method, path, query and headers into
//! `flow::handle` with in-memory stores. Input: up to five lines,
//! `METHOD\nTARGET\nIf-None-Match\nIf-Modified-Since\nAccept` (a missing
//! line is an absent header; bytes that are not UTF-8 are replaced, as the
//! runtime's URL parser would escape them). Every answer must be the
//! contract's: its statuses, valid header values of bounded length, Date,
//! no-store on errors, a PNG that decodes for a 200, and the same answer
//! again from storage.
#![no_main]

use edgechart::serve::flow::{handle, write_back};
use edgechart::serve::http::{Request, Response};
use edgechart::serve::store::HotCache;
use edgechart::testing::{block_on, FixedHost, MemoryStore};
use libfuzzer_sys::fuzz_target;

fn field_value_ok(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() <= 1024
        && b.iter()
            .all(|&c| c == b' ' || c == b'\t' || (0x21..=0x7e).contains(&c))
        && !matches!(b.first(), Some(b' ' | b'\t'))
        && !matches!(b.last(), Some(b' ' | b'\t'))
}

fn check(req: &Request, r: &Response) {
    assert!(
        [200, 304, 400, 403, 404, 405, 429].contains(&r.status),
        "status {} for {req:?}",
        r.status
    );
    for (name, value) in &r.headers {
        assert!(!name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && b != b':'));
        assert!(
            field_value_ok(value),
            "header {name}: {value:?} for {req:?}"
        );
    }
    assert!(r.get("Date").is_some());
    if r.status >= 400 {
        assert_eq!(r.get("Cache-Control"), Some("no-store"));
    }
    if r.status != 304 && !req.is_head() {
        assert_eq!(
            r.get("Content-Length"),
            Some(r.body.len().to_string().as_str())
        );
        // Charts and the error images of `<img>` requests alike.
        if r.get("Content-Type") == Some("image/png") {
            let decoder = png::Decoder::new(std::io::Cursor::new(&r.body));
            let mut reader = decoder.read_info().expect("PNG header");
            let mut buf = vec![0; reader.output_buffer_size().unwrap()];
            reader.next_frame(&mut buf).expect("PNG data");
        }
        if r.status == 200 && r.get("Content-Type") == Some("image/svg+xml") {
            let text = std::str::from_utf8(&r.body).expect("SVG is UTF-8");
            roxmltree::Document::parse(text).expect("SVG is well-formed XML");
        }
        if r.status == 200 && r.get("Content-Type") == Some("application/json") {
            serde_json::from_slice::<serde_json::Value>(&r.body).expect("JSON parses");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let method = lines.next().unwrap_or("GET");
    let method = match method {
        "" => "GET",
        m if m.len() > 12 => "GET",
        m => m,
    };
    let target = lines.next().unwrap_or("/charts/a.png");
    if target.len() > 16 * 1024 {
        return; // the platform's URL limit
    }
    let mut req = Request::new(method, target);
    if !req.path.starts_with('/') {
        req.path.insert(0, '/');
    }
    let mut header = || lines.next().map(str::to_string);
    req.if_none_match = header();
    req.if_modified_since = header();
    req.accept = header();

    let hot = HotCache::new(1 << 20);
    let (cache, kv) = (MemoryStore::default(), MemoryStore::default());
    let host = FixedHost([7; 32]);
    let first = block_on(handle(&req, &hot, &cache, &kv, &host));
    check(&req, &first.response);
    if let Some(wb) = &first.write_back {
        assert!(block_on(write_back(wb, &hot, &cache, &kv)).is_empty());
        // From storage (memory, or the Cache API once memory is cleared): the
        // same answer, byte for byte.
        hot.clear();
        let again = block_on(handle(&req, &hot, &cache, &kv, &host));
        assert_eq!(again.response.status, first.response.status);
        assert_eq!(again.response.body, first.response.body);
        assert_eq!(again.response.get("ETag"), first.response.get("ETag"));
    }
});
