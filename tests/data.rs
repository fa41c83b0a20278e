//! Data beyond a URL, through the flow: `POST /data` stores a data set once,
//! and `/charts/d/{id}.{ext}` charts it as the same values by URL would be
//! charted. The contract's section "Data beyond a URL", as tables.

use std::cell::Cell;

use edgechart::dataset::body::{parse, BodyType};
use edgechart::dataset::{self, DataSet};
use edgechart::serve::flow::{handle_with_data, write_back};
use edgechart::serve::http::{Request, Response};
use edgechart::serve::sign::{sign, sign_url, SigningKeys};
use edgechart::serve::store::HotCache;
use edgechart::spec::Format;
use edgechart::testing::{block_on, run_all, MemoryStore, Owner, Yielding};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

struct World {
    hot: HotCache,
    cache: MemoryStore,
    kv: MemoryStore,
    data: MemoryStore,
    host: Owner,
}

impl World {
    fn new(host: Owner) -> World {
        World {
            hot: HotCache::new(16 << 20),
            cache: MemoryStore::default(),
            kv: MemoryStore::default(),
            data: MemoryStore::default(),
            host,
        }
    }

    fn send(&self, req: Request) -> Response {
        let out = block_on(handle_with_data(
            &req,
            &self.hot,
            &self.cache,
            &self.kv,
            &self.data,
            &self.host,
        ));
        if let Some(wb) = &out.write_back {
            block_on(write_back(wb, &self.hot, &self.cache, &self.kv));
        }
        out.response
    }

    fn post(&self, content_type: &str, body: &str) -> Response {
        self.send(
            Request::new("POST", "/data")
                .with_header("content-type", content_type)
                .with_body(body.as_bytes()),
        )
    }

    fn get(&self, target: &str) -> Response {
        self.send(Request::get(target))
    }

    /// Forgets everything but the stores (a new isolate).
    fn restart(&mut self) {
        self.hot = HotCache::new(16 << 20);
    }
}

fn json(r: &Response) -> serde_json::Value {
    serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("{e}: {:?}", r))
}

fn id_of(r: &Response) -> String {
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    json(r)["id"].as_str().unwrap().to_string()
}

#[test]
fn three_bodies_give_one_id_and_the_answer_names_every_url() {
    let w = World::new(Owner::new("", u32::MAX));
    let csv = w.post("text/csv", "before,after\r\n0.1,2.5\r\n0.2,\r\n0.3,1\r\n");
    let json_body = w.post(
        "application/json; charset=utf-8",
        r#"{"series":[{"label":"before","values":[0.3,0.2,0.1]},{"label":"after","values":[1,2.5]}]}"#,
    );
    let id = id_of(&csv);
    assert_eq!(id_of(&json_body), id);
    assert_eq!(w.data.puts.get(), 1, "the second POST found it stored");
    assert_eq!(csv.get("Location"), Some(&*format!("/charts/d/{id}.png")));
    assert_eq!(csv.get("Cache-Control"), Some("no-store"));
    let body = json(&csv);
    for f in Format::ALL {
        assert_eq!(
            body["urls"][f.extension()],
            format!("/charts/d/{id}.{}", f.extension())
        );
    }
    assert_eq!(body["numbers"], 5);
    assert_eq!(body["labels"], serde_json::json!(["before", "after"]));
    let plain = w.post("text/plain", "0.3 0.2\n0.1");
    let unlabelled = w.post(
        "application/json",
        r#"{"series":[{"values":[0.1,0.2,0.3]}]}"#,
    );
    assert_eq!(id_of(&plain), id_of(&unlabelled));
    assert_ne!(id_of(&plain), id);
}

/// The id of this data set is part of the contract: stored charts are
/// addressed by it forever, so it must never change silently.
#[test]
fn the_held_id_of_a_golden_data_set() {
    let set = parse(
        BodyType::Csv,
        b"latency_ms\n12.5\n3.25\n7\n0.1\n99.9\n",
        1000,
    )
    .unwrap();
    assert_eq!(set.id(), "b9bc41aafe5273835d4e2f896a2fbf4d");
}

#[test]
fn a_stored_chart_is_the_chart_of_the_same_values_by_url() {
    let mut w = World::new(Owner::new("", u32::MAX));
    let values = [
        "0.1,0.2,0.30000000000000004,1e-3,7,7,7,-2.5",
        "3,1.5,2.25,4",
    ];
    let body = format!(
        r#"{{"series":[{{"label":"a","values":[{}]}},{{"label":"b","values":[{}]}}]}}"#,
        values[0], values[1]
    );
    let id = id_of(&w.post("application/json", &body));
    for query in [
        "title=T",
        "title=T&bins=5&marks=mean,median,p90&kde=1&norm=density",
        "title=T&mode=stack&norm=percent&cumulative=1",
        "title=T&binwidth=0.5&range=-1,5&xlabel=x&ylabel=y&dpr=2&theme=dark",
        "title=T&edges=-3,0,0.25,1,8&mode=side",
        "title=T&labels=x|y&colors=ff0000,00ff00&mode=step",
    ] {
        for f in Format::ALL {
            let ext = f.extension();
            w.restart();
            let stored = w.get(&format!("/charts/d/{id}.{ext}?{query}"));
            let labels = if query.contains("labels=") {
                String::new()
            } else {
                "&labels=a|b".to_string()
            };
            let by_url = w.get(&format!(
                "/charts/u.{ext}?values={}|{}&{query}{labels}",
                values[0], values[1]
            ));
            assert_eq!(stored.status, 200, "{query} {ext}: {:?}", stored);
            assert_eq!(by_url.status, 200, "{query} {ext}");
            assert!(stored.body == by_url.body, "{query} {ext}: bytes differ");
            assert_ne!(stored.get("ETag"), by_url.get("ETag"));
        }
    }
}

#[test]
fn stored_charts_are_cached_revalidated_and_fresh_isolates_check_the_digest() {
    let mut w = World::new(Owner::new("", u32::MAX));
    let id = id_of(&w.post("text/plain", "1 2 3 4 5 5 5"));
    let first = w.get(&format!("/charts/d/{id}.png?bins=3"));
    assert_eq!(first.status, 200);
    assert_eq!(first.get("X-Chart-Source"), Some("render"));
    assert_eq!(
        first.get("Cache-Control"),
        Some("public, max-age=31536000, immutable")
    );
    let etag = first.get("ETag").unwrap().to_string();
    let again = w.get(&format!("/charts/d/{id}.png?bins=3"));
    assert_eq!(again.get("X-Chart-Source"), Some("memory"));
    assert_eq!(again.body, first.body);
    let r304 = w.send(
        Request::get(&format!("/charts/d/{id}.png?bins=3")).with_header("if-none-match", &etag),
    );
    assert_eq!(r304.status, 304);
    assert_eq!(r304.get("ETag"), Some(&*etag));
    // Spelling does not change the chart.
    let spelled = w.get(&format!("/charts/d/{id}.png?bins=3&w=640&dpr=1"));
    assert_eq!(spelled.get("ETag"), Some(&*etag));

    // A corrupt stored value is never charted: 500, logged, and the next
    // good value is charted again.
    w.restart();
    w.cache.map.borrow_mut().clear();
    w.kv.map.borrow_mut().clear();
    let good = w.data.map.borrow().get(&id).unwrap().clone();
    let mut bad = good.clone();
    let last = bad.body.len() - 1;
    bad.body[last] ^= 0x40;
    w.data.map.borrow_mut().insert(id.clone(), bad);
    let r = w.get(&format!("/charts/d/{id}.png?bins=3"));
    assert_eq!(r.status, 500);
    assert_eq!(r.get("Cache-Control"), Some("no-store"));
    assert_eq!(r.get("X-Chart-Fault"), Some("data-corrupt"));
    w.data.map.borrow_mut().insert(id.clone(), good);
    let r = w.get(&format!("/charts/d/{id}.png?bins=3"));
    assert_eq!(r.status, 200);
    assert_eq!(r.body, first.body);
}

#[test]
fn unknown_ids_data_parameters_and_bad_queries_are_refused() {
    let w = World::new(Owner::new("", u32::MAX));
    let id = id_of(&w.post("text/plain", "-1,2,3|4,5"));
    let cases: &[(&str, u16, &str)] = &[
        ("/charts/d/00000000000000000000000000000000.png", 404, ""),
        ("/charts/d/not-an-id.png", 404, ""),
        ("/charts/d/.png", 404, ""),
        (&format!("/charts/d/{id}.gif"), 404, ""),
        (&format!("/charts/d/{id}.png?values=1,2"), 400, "values"),
        (&format!("/charts/d/{id}.png?n=10"), 400, "n"),
        (
            &format!("/charts/d/{id}.png?counts=1&edges=0,1"),
            400,
            "counts",
        ),
        (&format!("/charts/d/{id}.png?mode=bar"), 400, "mode"),
        (&format!("/charts/d/{id}.png?labels=a"), 400, "labels"),
        (
            &format!("/charts/d/{id}.png?xscale=log&range=1,2"),
            400,
            "xscale",
        ),
        (&format!("/charts/d/{id}.png?bins=0"), 400, "bins"),
    ];
    for (target, status, param) in cases {
        let r = w.get(target);
        assert_eq!(
            r.status,
            *status,
            "{target}: {}",
            String::from_utf8_lossy(&r.body)
        );
        assert_eq!(r.get("Cache-Control"), Some("no-store"), "{target}");
        if !param.is_empty() {
            assert_eq!(r.get("X-Chart-Error"), Some(*param), "{target}");
        }
    }
    let counts = id_of(&w.post(
        "application/json",
        r#"{"series":[{"counts":[1,2,3]}],"edges":[0,1,2,4]}"#,
    ));
    assert_eq!(w.get(&format!("/charts/d/{counts}.json")).status, 200);
    for q in ["bins=3", "kde=1", "range=0,1", "edges=0,1"] {
        let r = w.get(&format!("/charts/d/{counts}.png?{q}"));
        assert_eq!(r.status, 400, "{q}");
    }
}

#[test]
fn post_answers_name_the_problem() {
    let w = World::new(Owner::new("", u32::MAX));
    let cases: &[(&str, &[u8], u16, &str)] = &[
        ("image/png", b"1,2", 415, "content-type"),
        ("", b"1,2", 415, "content-type"),
        (
            "text/plain; charset=iso-8859-1",
            b"1,2",
            415,
            "content-type",
        ),
        ("text/plain", b"", 400, "body"),
        ("text/plain", b"1,2,abc", 400, "body"),
        ("text/plain", b"\xff\xfe1", 400, "body"),
        ("text/plain", b"1e309", 400, "body"),
        ("text/csv", b"a,b\n1,2,3\n", 400, "body"),
        (
            "application/json",
            b"{\"series\":[{\"values\":[1],\"extra\":1}]}",
            400,
            "body",
        ),
        ("application/json", b"[1,2]", 400, "body"),
    ];
    for (ct, body, status, param) in cases {
        let mut req = Request::new("POST", "/data").with_body(body);
        if !ct.is_empty() {
            req = req.with_header("content-type", ct);
        }
        let r = w.send(req);
        assert_eq!(
            r.status,
            *status,
            "{ct} {body:?}: {}",
            String::from_utf8_lossy(&r.body)
        );
        assert_eq!(r.get("X-Chart-Error"), Some(*param), "{ct} {body:?}");
        assert_eq!(r.get("Cache-Control"), Some("no-store"));
    }
    let r = w.send(
        Request::new("POST", "/data")
            .with_header("content-type", "text/plain")
            .with_body(&vec![b'1'; dataset::BODY_MAX + 1]),
    );
    assert_eq!(r.status, 413);
    assert!(String::from_utf8_lossy(&r.body).contains("8 MiB"));
    for method in ["GET", "PUT", "DELETE", "HEAD"] {
        let r = w.send(Request::new(method, "/data"));
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.get("Allow"), Some("POST"));
    }
    let pre = w.send(Request::new("OPTIONS", "/data"));
    assert_eq!(pre.status, 204);
    assert_eq!(pre.get("Access-Control-Allow-Origin"), Some("*"));
    assert!(pre
        .get("Access-Control-Allow-Methods")
        .unwrap()
        .contains("POST"));
    assert!(pre
        .get("Access-Control-Allow-Headers")
        .unwrap()
        .contains("Content-Type"));
    assert_eq!(w.data.puts.get(), 0, "nothing refused was stored");
}

/// Found by the fuzzer (`data_body`, 2026-12-01): a JSON key of 94 DEL
/// characters, quoted back as `U+007F` each, made a 400 of over 600
/// characters. Messages are bounded as written, whatever the body holds.
#[test]
fn a_message_quoting_invisible_characters_stays_short() {
    let w = World::new(Owner::new("", u32::MAX));
    for key in [
        "\u{7f}".repeat(94),
        "\u{202e}".repeat(500),
        "\u{0}x".repeat(300),
    ] {
        let body = format!("{{\"seri{key}es\":[{{\"counts\":[1\n");
        let r = w.send(
            Request::new("POST", "/data")
                .with_header("content-type", "application/json")
                .with_body(body.as_bytes()),
        );
        assert_eq!(r.status, 400);
        let text = String::from_utf8_lossy(&r.body);
        assert!(
            text.chars().count() < 400,
            "{} characters: {text}",
            text.chars().count()
        );
    }
}

#[test]
fn the_values_bound_is_the_owners_and_is_a_413() {
    let mut owner = Owner::new("", u32::MAX);
    owner.values_max = 5;
    let w = World::new(owner);
    assert_eq!(w.post("text/plain", "1 2 3 4 5").status, 201);
    let r = w.post("text/plain", "1 2 3 4 5 6");
    assert_eq!(r.status, 413);
    assert!(String::from_utf8_lossy(&r.body).contains("at most 5"));
}

#[test]
fn a_failing_store_is_a_503_and_nothing_is_claimed() {
    let w = World::new(Owner::new("", u32::MAX));
    w.data.fail_put.set(true);
    let r = w.post("text/plain", "1 2 3");
    assert_eq!(r.status, 503);
    assert!(r.get("Retry-After").is_some());
    assert_eq!(r.get("Cache-Control"), Some("no-store"));
    let id = DataSet::new(
        vec![String::new()],
        edgechart::spec::Data::Values(vec![vec![1.0, 2.0, 3.0]]),
        10,
    )
    .unwrap()
    .id();
    assert_eq!(w.get(&format!("/charts/d/{id}.png")).status, 404);
    // A get that fails reads as unavailable, not missing.
    w.data.fail_put.set(false);
    assert_eq!(w.post("text/plain", "1 2 3").status, 201);
    let fresh = World::new(Owner::new("", u32::MAX));
    fresh.data.map.replace(w.data.map.borrow().clone());
    fresh.data.fail_get.set(true);
    let r = fresh.get(&format!("/charts/d/{id}.png"));
    assert_eq!(r.status, 503);
    assert!(r.get("Retry-After").is_some());
}

#[test]
fn a_second_write_within_a_second_still_answers_201() {
    // KV refuses a second write of a key within a second (429): the value
    // is the same by construction, and reading it back proves it.
    let w = World::new(Owner::new("", u32::MAX));
    assert_eq!(w.post("text/plain", "4 5 6").status, 201);
    let mut again = World::new(Owner::new("", u32::MAX));
    again.data = MemoryStore::default();
    again.data.map.replace(w.data.map.borrow().clone());
    again.data.fail_put.set(true);
    let r = again.post("text/plain", "6 5 4");
    assert_eq!(r.status, 201);
    assert_eq!(again.data.puts.get(), 0, "found stored, not written again");
}

#[test]
fn sixty_four_concurrent_posts_store_once_and_all_answer_201() {
    let hot = HotCache::new(16 << 20);
    let (cache, kv, data) = (
        Yielding(MemoryStore::default()),
        Yielding(MemoryStore::default()),
        Yielding(MemoryStore::default()),
    );
    let host = Owner::new("", u32::MAX);
    let req = Request::new("POST", "/data")
        .with_header("content-type", "text/csv")
        .with_body(b"x\n1\n2\n3\n");
    let tasks: Vec<_> = (0..64)
        .map(|_| async {
            handle_with_data(&req, &hot, &cache, &kv, &data, &host)
                .await
                .response
        })
        .collect();
    let answers = run_all(tasks);
    assert!(answers.iter().all(|r| r.status == 201));
    let ids: std::collections::HashSet<String> = answers.iter().map(id_of).collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(data.0.puts.get(), 1);
    assert_eq!(data.0.map.borrow().len(), 1);
}

#[test]
fn signed_posts_cover_the_body_and_hand_out_signed_urls() {
    let mut owner = Owner::new("", u32::MAX);
    owner.keys = SigningKeys::parse("k1,k2");
    let w = World::new(owner);
    let body = "1 2 3";
    let digest: String = Sha256::digest(body.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let post = |target: &str, body: &str| {
        w.send(
            Request::new("POST", target)
                .with_header("content-type", "text/plain")
                .with_body(body.as_bytes()),
        )
    };
    assert_eq!(post("/data", body).status, 403);
    let sig = sign(b"k2", &format!("/data\n{digest}"));
    assert_eq!(
        post(&format!("/data?sig={sig}"), "1 2 4").status,
        403,
        "another body"
    );
    let r = post(&format!("/data?sig={sig}"), body);
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let png = json(&r)["urls"]["png"].as_str().unwrap().to_string();
    assert!(png.contains("?sig="));
    assert_eq!(w.get(&png).status, 200);
    let unsigned = png.split('?').next().unwrap();
    assert_eq!(w.get(unsigned).status, 403);
    assert_eq!(
        w.get(&sign_url(b"k1", &format!("{unsigned}?bins=2")))
            .status,
        200
    );
    // The preflight cannot carry a signature.
    assert_eq!(w.send(Request::new("OPTIONS", "/data")).status, 204);
}

#[test]
fn a_post_spends_the_render_budget() {
    let mut owner = Owner::new("", u32::MAX);
    owner.renders_left = Cell::new(1);
    let w = World::new(owner);
    assert_eq!(w.post("text/plain", "1 2").status, 201);
    let r = w.post("text/plain", "1 2 3");
    assert_eq!(r.status, 429);
    assert!(r.get("Retry-After").is_some());
}

fn body_type() -> impl Strategy<Value = BodyType> {
    prop_oneof![
        Just(BodyType::Csv),
        Just(BodyType::Json),
        Just(BodyType::Plain)
    ]
}

proptest! {
    /// Any bytes: a data set or a 400/413, never a panic; a data set reads
    /// back from its canonical form with the same id.
    #[test]
    fn arbitrary_bodies_parse_or_are_refused(kind in body_type(), bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        match parse(kind, &bytes, 50) {
            Ok(set) => {
                let c = set.canonical();
                prop_assert_eq!(dataset::verify(&set.id(), &c).unwrap(), set);
            }
            Err(e) => prop_assert!(matches!(e.status, 400 | 413), "{:?}", e),
        }
    }

    /// Text that looks like data: commas, quotes, CRLF, `|`, numbers at
    /// the edges of the domain.
    #[test]
    fn data_like_bodies_parse_or_are_refused(kind in body_type(), parts in prop::collection::vec(prop_oneof![
        Just("1".to_string()), Just("-0".to_string()), Just("1e300".to_string()), Just("1e301".to_string()),
        Just("0.1".to_string()), Just(",".to_string()), Just("\"".to_string()), Just("\r\n".to_string()),
        Just("\n".to_string()), Just("|".to_string()), Just(" ".to_string()), Just("a".to_string()),
        Just("{\"series\":[{\"values\":[".to_string()), Just("]}]}".to_string()), Just("\u{feff}".to_string()),
    ], 0..40)) {
        let body = parts.concat();
        match parse(kind, body.as_bytes(), 20) {
            Ok(set) => prop_assert!(!set.is_empty() && set.len() <= 20),
            Err(e) => prop_assert!(matches!(e.status, 400 | 413), "{:?}", e),
        }
    }

    /// The same values in any order and any body type: one id.
    #[test]
    fn order_and_body_type_do_not_change_the_id(mut v in prop::collection::vec(-1e6f64..1e6, 1..40), seed in any::<u64>()) {
        let plain = v.iter().map(|x| format!("{x}")).collect::<Vec<_>>().join(" ");
        let a = parse(BodyType::Plain, plain.as_bytes(), 100).unwrap();
        let k = (seed as usize) % v.len();
        v.rotate_left(k);
        let csv = format!("\n{}", v.iter().map(|x| format!("{x:e}")).collect::<Vec<_>>().join("\n"));
        let csv = format!("1{}", &csv[..]);
        // A headerless CSV whose first row is the number 1, plus the values.
        let b = parse(BodyType::Csv, csv.as_bytes(), 100).unwrap();
        let json = format!("{{\"series\":[{{\"values\":[1,{}]}}]}}", v.iter().map(|x| format!("{x:?}")).collect::<Vec<_>>().join(","));
        let c = parse(BodyType::Json, json.as_bytes(), 100).unwrap();
        prop_assert_eq!(b.id(), c.id());
        let plain_with_one = format!("1 {plain}");
        let d = parse(BodyType::Plain, plain_with_one.as_bytes(), 100).unwrap();
        prop_assert_eq!(d.id(), b.id());
        prop_assert_ne!(a.id(), b.id());
    }
}

proptest! {
    /// Every decimal spelling reads as the standard library reads it, bit
    /// for bit (the fast path and the fallback agree).
    #[test]
    fn numbers_read_as_the_standard_parser_reads_them(
        sign in prop::sample::select(vec!["", "-", "+"]),
        int in "[0-9]{0,20}",
        frac in prop::option::of("[0-9]{0,20}"),
        exp in prop::option::of(-330i32..330),
    ) {
        let mut t = format!("{sign}{int}");
        if let Some(f) = &frac {
            t.push('.');
            t.push_str(f);
        }
        if let Some(e) = exp {
            t.push_str(&format!("e{e}"));
        }
        let std: Option<f64> = t.parse::<f64>().ok().filter(|v| v.is_finite());
        let ours = edgechart::dataset::body::number(&t);
        prop_assert_eq!(ours.map(f64::to_bits), std.map(f64::to_bits), "{}", t);
    }
}
