//! `POST /data` bodies: arbitrary bytes under any Content-Type through the
//! body parsers (CSV, JSON, plain text). First byte: which Content-Type (a
//! known one, a known one with a charset, or an unknown one), the rest the
//! body. A parse must give a data set whose canonical form reads back with
//! the same id, or an error of 400, 413 or 415 with a message; never a
//! panic. The same bytes then go through the flow as a POST, whose answer
//! must be 201 for a data set and the parser's status otherwise.
#![no_main]

use edgechart::dataset::body::{parse, BodyType};
use edgechart::dataset::{self};
use edgechart::serve::flow::handle_with_data;
use edgechart::serve::http::Request;
use edgechart::serve::store::HotCache;
use edgechart::testing::{block_on, FixedHost, MemoryStore};
use libfuzzer_sys::fuzz_target;

const TYPES: &[&str] = &[
    "text/csv",
    "application/json",
    "text/plain",
    "text/csv; charset=utf-8",
    "TEXT/PLAIN;charset=\"UTF-8\"",
    "application/json; charset=latin1",
    "image/png",
    "",
];

fuzz_target!(|input: &[u8]| {
    let Some((&t, body)) = input.split_first() else {
        return;
    };
    let content_type = TYPES[t as usize % TYPES.len()];
    let ct = (!content_type.is_empty()).then_some(content_type);
    let parsed = BodyType::of(ct).and_then(|kind| parse(kind, body, 1000));
    let status = match &parsed {
        Ok(set) => {
            let c = set.canonical();
            assert_eq!(dataset::verify(&set.id(), &c).as_ref(), Ok(set));
            assert!(!set.is_empty() && set.len() <= 1000);
            201
        }
        Err(e) => {
            assert!(matches!(e.status, 400 | 413 | 415), "{e:?}");
            assert!(!e.message.is_empty() && e.message.len() < 600);
            e.status
        }
    };
    let mut req = Request::new("POST", "/data").with_body(body);
    req.content_type = ct.map(str::to_string);
    let (cache, kv, data) = (MemoryStore::default(), MemoryStore::default(), MemoryStore::default());
    let host = FixedHost([1; 32]);
    let out = block_on(handle_with_data(&req, &HotCache::new(1 << 20), &cache, &kv, &data, &host));
    // The flow's bound is the default (larger than 1000): a 413 here may be a 201 there.
    if status != 413 {
        assert_eq!(out.response.status, status, "{content_type}");
    }
});
