//! The C-ABI adapter that the wasmtime harness (tests/wasm_harness.rs)
//! loads: the same flow as the Worker, with storage, clock, entropy and logs
//! provided by host imports (module `host`) instead of workers-rs.
//!
//! Protocol (all integers little-endian, pointers into this module's memory):
//! - `handle(ptr, len) -> u64`: the request is `json_len u32 | JSON |
//!   body`, the JSON `{"method", "target", "headers": {name: value}}` and
//!   the body raw bytes (for `POST /data`; as a Worker gets them, unparsed);
//!   the result packs
//!   `ptr << 32 | len` of `status u32 | head_len u32 | head JSON | body`,
//!   freed by the host with `dealloc`.
//! - `warm_up() -> u32`: the Worker's start work (see the function).
//! - `after_response()`: makes the stores the flow asked for (the Worker's
//!   `wait_until`), returns how many failed.
//! - imports: `store_get(tier, key) -> i64` (-1 error, -2 miss, else the
//!   length of a staged `meta_len u32 | meta | body` that `store_take(dst)`
//!   copies in), `store_put(tier, key, meta, body) -> i32` (0 ok),
//!   `now_ms() -> f64`, `random_fill(ptr, len)`, `log(ptr, len)`; tier 3 of
//!   `store_get` is not a store but the font shards, keyed by path.

use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::serve::flow::{self, Host, WriteBack};
use crate::serve::http::Request;
use crate::serve::store::{ChartStore, HotCache, StoreError, StoredChart};
use crate::testing::{block_on, run_all, YieldOnce, Yielding};

#[link(wasm_import_module = "host")]
extern "C" {
    fn store_get(tier: u32, key_ptr: *const u8, key_len: u32) -> i64;
    fn store_take(dst: *mut u8);
    fn store_put(
        tier: u32,
        key_ptr: *const u8,
        key_len: u32,
        meta_ptr: *const u8,
        meta_len: u32,
        body_ptr: *const u8,
        body_len: u32,
    ) -> i32;
    fn now_ms() -> f64;
    fn random_fill(ptr: *mut u8, len: u32);
    fn log(ptr: *const u8, len: u32);
}

const TIER_EDGE: u32 = 0;
const TIER_KV: u32 = 1;
/// The data sets of `POST /data` (the Worker's `DATA` binding).
const TIER_DATA: u32 = 2;
/// The font shards (the Worker's static assets), by path: read-only.
const TIER_FONTS: u32 = 3;

thread_local! {
    static PENDING: RefCell<Option<WriteBack>> = const { RefCell::new(None) };
    static HOT: HotCache = HotCache::new(16 << 20);
}

/// Empties the module's in-memory tier (tests that aim at host storage).
#[no_mangle]
pub extern "C" fn clear_hot_cache() {
    HOT.with(HotCache::clear);
}

/// Empties the in-memory tier of charts but keeps its data sets (a render
/// from a data set the isolate holds).
#[no_mangle]
pub extern "C" fn clear_hot_charts() {
    HOT.with(|hot| hot.retain(|key| key.starts_with("data/")));
}

fn host_log(line: &str) {
    unsafe { log(line.as_ptr(), line.len() as u32) }
}

fn layout(len: u32) -> std::alloc::Layout {
    std::alloc::Layout::array::<u8>(len.max(1) as usize).expect("layout")
}

/// Memory for the host to write a request into.
#[no_mangle]
pub extern "C" fn alloc(len: u32) -> *mut u8 {
    unsafe { std::alloc::alloc(layout(len)) }
}

/// Frees memory from [`alloc`] or a `handle` result.
///
/// # Safety
/// `ptr` and `len` must come from `alloc(len)` or `handle`.
#[no_mangle]
pub unsafe extern "C" fn dealloc(ptr: *mut u8, len: u32) {
    std::alloc::dealloc(ptr, layout(len))
}

/// Answers the request at `ptr..ptr+len` (JSON, see the module docs).
///
/// # Safety
/// The host must pass memory it wrote through [`alloc`].
#[no_mangle]
pub unsafe extern "C" fn handle(ptr: *const u8, len: u32) -> u64 {
    let raw = std::slice::from_raw_parts(ptr, len as usize);
    let json_len = raw
        .get(..4)
        .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
    let (json, body) = raw
        .get(4..)
        .unwrap_or(&[])
        .split_at(json_len.min(raw.len().saturating_sub(4)));
    let parsed: Result<WireRequest, _> = serde_json::from_slice(json);
    let response = match parsed {
        Err(e) => {
            host_log(&format!("harness: bad request JSON: {e}"));
            flow::internal_error(&Request::get("/"))
        }
        Ok(w) => {
            let header = |n: &str| w.headers.get(n).cloned();
            let mut req = Request::new(&w.method, &w.target);
            req.if_none_match = header("if-none-match");
            req.if_modified_since = header("if-modified-since");
            req.accept = header("accept");
            req.content_type = header("content-type");
            let req = req.with_body(body);
            let panic_in_lookup = w.headers.contains_key("x-harness-panic");
            let (cache, kv) = HostStore::tiers(panic_in_lookup);
            let data = HostStore {
                tier: TIER_DATA,
                panic_on_get: false,
            };
            let outcome = HOT.with(|hot| {
                block_on(flow::handle_with_data(
                    &req, hot, &cache, &kv, &data, &HostEnv,
                ))
            });
            for line in &outcome.log {
                host_log(line);
            }
            PENDING.with(|p| *p.borrow_mut() = outcome.write_back);
            outcome.response
        }
    };
    let head = serde_json::to_vec(&response.headers).expect("headers serialize");
    let mut out = Vec::with_capacity(8 + head.len() + response.body.len());
    out.extend_from_slice(&u32::from(response.status).to_le_bytes());
    out.extend_from_slice(&(head.len() as u32).to_le_bytes());
    out.extend_from_slice(&head);
    out.extend_from_slice(&response.body);
    // Hand the bytes over in an allocation `dealloc(ptr, len)` can free.
    let len = out.len() as u32;
    let ptr = alloc(len);
    std::ptr::copy_nonoverlapping(out.as_ptr(), ptr, out.len());
    ((ptr as u64) << 32) | u64::from(len)
}

/// The Worker's start work ([`crate::serve::warm`]), for the harness to
/// run, count the fuel of and check it leaves no trace: returns
/// `answered << 16 | as_expected << 1 | revalidated`.
#[no_mangle]
pub extern "C" fn warm_up() -> u32 {
    let r = crate::serve::warm::warm_up();
    (r.answered as u32) << 16 | (r.as_expected as u32) << 1 | u32::from(r.revalidated)
}

/// Makes the stores of the last `handle`; returns how many failed.
#[no_mangle]
pub extern "C" fn after_response() -> u32 {
    let Some(wb) = PENDING.with(|p| p.borrow_mut().take()) else {
        return 0;
    };
    let (cache, kv) = HostStore::tiers(false);
    let failures = HOT.with(|hot| block_on(flow::write_back(&wb, hot, &cache, &kv)));
    for line in &failures {
        host_log(line);
    }
    failures.len() as u32
}

#[derive(serde::Deserialize)]
struct WireRequest {
    method: String,
    target: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
}

struct HostEnv;

impl Host for HostEnv {
    fn now_ms(&self) -> f64 {
        unsafe { now_ms() }
    }

    fn random_seed(&self) -> [u8; 32] {
        let mut seed = [0u8; 32];
        unsafe { random_fill(seed.as_mut_ptr(), 32) };
        seed
    }

    /// A shard from the host (`store_get` on tier 3, the path as key).
    async fn shard_bytes(&self, shard: &crate::text::Shard) -> Result<Vec<u8>, String> {
        let store = HostStore {
            tier: TIER_FONTS,
            panic_on_get: false,
        };
        match store.get(shard.path).await {
            Ok(Some(c)) => Ok(c.body),
            Ok(None) => Err(format!("no shard {}", shard.path)),
            Err(e) => Err(e.0),
        }
    }

    /// The harness exercises every tier, so KV is always used.
    fn kv_policy(&self) -> flow::TierPolicy {
        flow::TierPolicy::Always
    }

    fn cache_policy(&self) -> flow::TierPolicy {
        flow::TierPolicy::Always
    }
}

/// A storage tier kept by the host.
struct HostStore {
    tier: u32,
    /// Test hook: panic inside the lookup, to show a trap becomes a 500.
    panic_on_get: bool,
}

impl HostStore {
    /// The Cache API and KV tiers; `panic_on_get` arms the test hook on the Cache API tier.
    fn tiers(panic_on_get: bool) -> (HostStore, HostStore) {
        let cache = HostStore {
            tier: TIER_EDGE,
            panic_on_get,
        };
        let kv = HostStore {
            tier: TIER_KV,
            panic_on_get: false,
        };
        (cache, kv)
    }
}

impl ChartStore for HostStore {
    async fn get(&self, key: &str) -> Result<Option<StoredChart>, StoreError> {
        if self.panic_on_get {
            panic!("x-harness-panic: panicking inside the Cache API lookup");
        }
        let n = unsafe { store_get(self.tier, key.as_ptr(), key.len() as u32) };
        match n {
            -2 => Ok(None),
            n if n < 0 => Err(StoreError(format!("host store_get failed ({n})"))),
            n => {
                let mut blob = vec![0u8; n as usize];
                unsafe { store_take(blob.as_mut_ptr()) };
                let meta_len = blob
                    .get(..4)
                    .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
                    .ok_or_else(|| StoreError("staged value shorter than its header".into()))?;
                let meta = blob
                    .get(4..4 + meta_len)
                    .ok_or_else(|| StoreError("staged metadata truncated".into()))?;
                let meta = String::from_utf8_lossy(meta).into_owned();
                let body = blob[4 + meta_len..].to_vec();
                Ok(Some(StoredChart { body, meta }))
            }
        }
    }

    async fn put(&self, key: &str, chart: &StoredChart) -> Result<(), StoreError> {
        let rc = unsafe {
            store_put(
                self.tier,
                key.as_ptr(),
                key.len() as u32,
                chart.meta.as_ptr(),
                chart.meta.len() as u32,
                chart.body.as_ptr(),
                chart.body.len() as u32,
            )
        };
        match rc {
            0 => Ok(()),
            rc => Err(StoreError(format!("host store_put failed ({rc})"))),
        }
    }
}

/// Runs `n` requests for one target at once inside the module, as requests
/// interleave in a Worker isolate: every host get, put and budget check
/// first answers `Pending` once, and a round-robin executor polls all `n`
/// flows (each followed by its stores) until they finish. Returns
/// `renders << 32 | distinct bodies`; the host counts the puts.
///
/// # Safety
/// The host must pass memory it wrote through [`alloc`].
#[no_mangle]
pub unsafe extern "C" fn burst(ptr: *const u8, len: u32, n: u32) -> u64 {
    let raw = std::slice::from_raw_parts(ptr, len as usize);
    let Ok(w) = serde_json::from_slice::<WireRequest>(raw) else {
        return u64::MAX;
    };
    let req = Request::new(&w.method, &w.target);
    let (cache, kv) = HostStore::tiers(false);
    let (cache, kv) = (Yielding(cache), Yielding(kv));
    let responses = HOT.with(|hot| {
        let tasks: Vec<_> = (0..n)
            .map(|_| async {
                let out = flow::handle(&req, hot, &cache, &kv, &YieldingHost).await;
                if let Some(wb) = &out.write_back {
                    for line in flow::write_back(wb, hot, &cache, &kv).await {
                        host_log(&line);
                    }
                }
                out.response
            })
            .collect();
        run_all(tasks)
    });
    let renders = responses
        .iter()
        .filter(|r| r.get("X-Chart-Source") == Some("render"))
        .count() as u64;
    let mut bodies: Vec<&Vec<u8>> = responses.iter().map(|r| &r.body).collect();
    bodies.sort();
    bodies.dedup();
    renders << 32 | bodies.len() as u64
}

/// [`HostEnv`] with a render budget check that waits once.
struct YieldingHost;

impl Host for YieldingHost {
    fn now_ms(&self) -> f64 {
        HostEnv.now_ms()
    }
    fn random_seed(&self) -> [u8; 32] {
        HostEnv.random_seed()
    }
    fn kv_policy(&self) -> flow::TierPolicy {
        flow::TierPolicy::Always
    }

    fn cache_policy(&self) -> flow::TierPolicy {
        flow::TierPolicy::Always
    }
    async fn may_render(&self) -> Result<(), u32> {
        YieldOnce::new().await;
        Ok(())
    }
}
