//! Signed URLs and the render budget, through the flow: what an owner turns
//! on with `CHART_SIGNING_KEYS` and `RENDER_BUDGET`.

use edgechart::serve::flow::handle;
use edgechart::serve::http::{Request, Response};
use edgechart::serve::sign::sign_url;
use edgechart::serve::store::HotCache;
use edgechart::testing::{block_on, MemoryStore, Owner};

struct World {
    hot: HotCache,
    cache: MemoryStore,
    kv: MemoryStore,
    host: Owner,
}

impl World {
    fn new(host: Owner) -> World {
        World {
            hot: HotCache::new(16 << 20),
            cache: MemoryStore::default(),
            kv: MemoryStore::default(),
            host,
        }
    }

    fn send(&self, req: Request) -> Response {
        let out = block_on(handle(&req, &self.hot, &self.cache, &self.kv, &self.host));
        if let Some(wb) = &out.write_back {
            block_on(edgechart::serve::flow::write_back(
                wb,
                &self.hot,
                &self.cache,
                &self.kv,
            ));
        }
        out.response
    }

    fn get(&self, target: &str) -> Response {
        self.send(Request::get(target))
    }
}

const K1: &[u8] = b"key-one";
const K2: &[u8] = b"key-two";

#[test]
fn signed_urls_table() {
    let w = World::new(Owner::new("key-one,key-two", 1000));
    let target = "/charts/sales.png?w=320&h=200";
    let s1 = sign_url(K1, target);
    let s2 = sign_url(K2, target);
    let cases: Vec<(String, u16, &str)> = vec![
        (target.to_string(), 403, "sig is missing"),
        ("/charts/sales.png".into(), 403, "sig is missing"),
        (s1.clone(), 200, ""),
        (s2.clone(), 200, ""),
        (s1.replace("sales", "sa1es"), 403, "does not match"),
        (s1.replace("w=320", "w=321"), 403, "does not match"),
        (sign_url(b"key-three", target), 403, "does not match"),
        (format!("{s1}&dpr=2"), 403, "must be the last"),
        (s1[..s1.len() - 3].to_string(), 403, "malformed"),
        ("/random.png".into(), 403, "sig is missing"),
        (sign_url(K2, "/random.png?n=50"), 200, ""),
        (sign_url(K1, "/charts/bad name.png"), 400, "chart name"),
        ("/index.html".into(), 404, ""),
    ];
    for (t, status, needle) in cases {
        let r = w.get(&t);
        let text = String::from_utf8_lossy(&r.body).into_owned();
        assert_eq!(r.status, status, "{t}: {text}");
        assert!(text.contains(needle), "{t}: {text}");
        if status == 403 {
            assert_eq!(r.get("Cache-Control"), Some("no-store"));
            assert_eq!(r.get("X-Chart-Error"), Some("sig"));
            assert!(!text.contains("key-one") && !text.contains("key-two"));
        }
    }
    // The signature is not the chart's identity: same ETag, bytes and key.
    let (a, b) = (w.get(&s1), w.get(&s2));
    assert_eq!(a.get("ETag"), b.get("ETag"));
    assert_eq!(a.body, b.body);
    assert_eq!(
        w.kv.map.borrow().len(),
        1,
        "one sales.png, whichever key signed it"
    );
}

#[test]
fn verification_comes_first_even_for_revalidations_and_images() {
    let w = World::new(Owner::new("key-one", 1000));
    let signed = sign_url(K1, "/charts/r.png");
    let etag = w.get(&signed).get("ETag").unwrap().to_string();
    let r = w.send(Request::get(&signed).with_header("If-None-Match", &etag));
    assert_eq!(r.status, 304);
    let r = w.send(Request::get("/charts/r.png").with_header("If-None-Match", &etag));
    assert_eq!(r.status, 403, "an unsigned revalidation is refused too");
    let r =
        w.send(Request::get("/charts/r.png").with_header("Accept", "image/avif,image/webp,*/*"));
    assert_eq!((r.status, r.get("Content-Type")), (403, Some("image/png")));
    assert_eq!(&r.body[1..4], b"PNG");
    let r = w.send(Request::new("POST", "/charts/r.png"));
    assert_eq!(r.status, 403);
}

#[test]
fn signing_off_ignores_sig() {
    let w = World::new(Owner::new(" ", 1000));
    let plain = w.get("/charts/s.png?w=300&h=200");
    let with_sig = w.get("/charts/s.png?w=300&h=200&sig=whatever");
    assert_eq!(plain.status, 200);
    assert_eq!(with_sig.get("ETag"), plain.get("ETag"));
}

#[test]
fn the_render_budget_limits_renders_not_hits() {
    let w = World::new(Owner::new("", 2));
    assert_eq!(w.get("/charts/b1.png?w=200&h=150").status, 200);
    assert_eq!(w.get("/charts/b2.png?w=200&h=150").status, 200);
    let r = w.get("/charts/b3.png?w=200&h=150");
    assert_eq!(r.status, 429);
    assert_eq!(r.get("Retry-After"), Some("60"));
    assert_eq!(r.get("Cache-Control"), Some("no-store"));
    assert_eq!(w.get("/random.png").status, 429);
    // Hits and revalidations are free.
    let hit = w.get("/charts/b1.png?w=200&h=150");
    assert_eq!(
        (hit.status, hit.get("X-Chart-Source")),
        (200, Some("memory"))
    );
    let etag = hit.get("ETag").unwrap().to_string();
    let r =
        w.send(Request::get("/charts/b3.png?w=200&h=150").with_header("If-None-Match", "\"x\""));
    assert_eq!(r.status, 429);
    let r = w.send(Request::get("/charts/b1.png?w=200&h=150").with_header("If-None-Match", &etag));
    assert_eq!(r.status, 304);
}

#[test]
fn a_signed_request_does_not_spend_the_budget() {
    let w = World::new(Owner::new("key-one", 0));
    assert_eq!(
        w.get(&sign_url(K1, "/charts/o.png?w=200&h=150")).status,
        200
    );
    assert_eq!(w.get(&sign_url(K1, "/random.png")).status, 200);
}
