//! Concurrent misses in one isolate: requests interleave at every await
//! (here a store that answers `Pending` once before each get and put, and a
//! round-robin executor), so 64 requests for one new chart are in flight at
//! once. They must share one render and one set of stores, and all get the
//! same bytes.

use edgechart::serve::flow::{handle, write_back, Host, TierPolicy};
use edgechart::serve::http::{Request, Response};
use edgechart::serve::store::{ChartStore, HotCache, StoreError, StoredChart};
use edgechart::testing::{run_all, FixedHost, MemoryStore, YieldOnce, Yielding};

/// A host whose render budget check also waits once (the rate limiter is a
/// round trip too), with a policy chosen by the test.
struct SlowHost(TierPolicy);

impl Host for SlowHost {
    fn now_ms(&self) -> f64 {
        FixedHost([0; 32]).now_ms()
    }
    fn random_seed(&self) -> [u8; 32] {
        [0; 32]
    }
    fn kv_policy(&self) -> TierPolicy {
        self.0
    }
    fn cache_policy(&self) -> TierPolicy {
        self.0
    }
    async fn may_render(&self) -> Result<(), u32> {
        YieldOnce::new().await;
        Ok(())
    }
}

/// `n` requests for `target` at once, each making its stores after its
/// response as the Workers adapter does in `wait_until`.
fn burst(n: usize, target: &str, hot: &HotCache, policy: TierPolicy) -> (Vec<Response>, u32, u32) {
    let (cache_mem, kv_mem) = (MemoryStore::default(), MemoryStore::default());
    let (cache, kv) = (Yielding(&cache_mem), Yielding(&kv_mem));
    let host = SlowHost(policy);
    let requests: Vec<Request> = (0..n).map(|_| Request::get(target)).collect();
    let tasks: Vec<_> = requests
        .iter()
        .map(|req| {
            let (cache_tier, kv, host) = (&cache, &kv, &host);
            async move {
                let out = handle(req, hot, cache_tier, kv, host).await;
                if let Some(wb) = &out.write_back {
                    let failures = write_back(wb, hot, cache_tier, kv).await;
                    assert!(failures.is_empty(), "{failures:?}");
                }
                out.response
            }
        })
        .collect();
    let responses = run_all(tasks);
    (responses, kv_mem.puts.get(), cache_mem.puts.get())
}

fn sources(responses: &[Response]) -> Vec<&str> {
    responses
        .iter()
        .map(|r| r.get("X-Chart-Source").unwrap_or("-"))
        .collect()
}

#[test]
fn sixty_four_concurrent_misses_share_one_render_and_one_set_of_stores() {
    let hot = HotCache::new(16 << 20);
    let (responses, kv_puts, cache_puts) = burst(
        64,
        "/charts/burst.png?w=300&h=200",
        &hot,
        TierPolicy::Always,
    );
    let src = sources(&responses);
    assert_eq!(src.iter().filter(|s| **s == "render").count(), 1, "{src:?}");
    assert_eq!(
        src.iter().filter(|s| **s == "memory").count(),
        63,
        "{src:?}"
    );
    assert_eq!((kv_puts, cache_puts), (1, 1));
    let first = &responses[0].body;
    assert!(responses
        .iter()
        .all(|r| r.status == 200 && &r.body == first));
    // The late ones say they waited for the render that served them.
    assert!(responses
        .iter()
        .any(|r| r.get("Server-Timing").unwrap().contains("hit after wait")));
}

#[test]
fn with_the_memory_tier_off_stores_are_still_made_once() {
    // HOT_CACHE_BYTES=0 turns the memory tier off: renders may repeat (the
    // owner chose that), but the stores of one key are claimed once.
    let hot = HotCache::new(0);
    let (responses, kv_puts, cache_puts) = burst(
        16,
        "/charts/burst-off.png?w=300&h=200",
        &hot,
        TierPolicy::Always,
    );
    let first = &responses[0].body;
    assert!(responses
        .iter()
        .all(|r| r.status == 200 && &r.body == first));
    assert_eq!((kv_puts, cache_puts), (1, 1), "{:?}", sources(&responses));
}

#[test]
fn the_tier_policy_skips_storage_for_cheap_charts() {
    let hot = HotCache::new(16 << 20);
    let (r, kv_puts, _) = burst(1, "/charts/cheap.png", &hot, TierPolicy::default());
    assert_eq!(kv_puts, 0);
    assert!(r[0]
        .get("Server-Timing")
        .unwrap()
        .contains("kv;desc=\"skipped\""));
    let (_, kv_puts, _) = burst(
        1,
        "/charts/costly.png?w=2048&h=2048",
        &hot,
        TierPolicy::default(),
    );
    assert_eq!(kv_puts, 1);
    let (_, kv_puts, _) = burst(
        1,
        "/charts/costly2.png?w=2048&h=2048",
        &hot,
        TierPolicy::Never,
    );
    assert_eq!(kv_puts, 0);
    assert_eq!(
        TierPolicy::parse("costly:5"),
        Some(TierPolicy::Costly { min_fuel: 5 })
    );
    assert_eq!(TierPolicy::parse("sometimes"), None);
}

/// A KV that answers 429 for a second write of a key within a second, as
/// Workers KV does: the bytes are by design the same, so it is no failure.
#[test]
fn a_kv_429_for_the_same_key_counts_as_stored() {
    struct Limited(MemoryStore);
    impl ChartStore for Limited {
        async fn get(&self, key: &str) -> Result<Option<StoredChart>, StoreError> {
            self.0.get(key).await
        }
        async fn put(&self, key: &str, chart: &StoredChart) -> Result<(), StoreError> {
            if self.0.map.borrow().contains_key(key) {
                return Err(StoreError("KV PUT failed: 429 Too Many Requests".into()));
            }
            self.0.put(key, chart).await
        }
    }
    let hot = HotCache::new(0);
    let (cache, kv) = (MemoryStore::default(), Limited(MemoryStore::default()));
    let req = Request::get("/charts/limited.png?w=200&h=150");
    let out = edgechart::testing::block_on(handle(&req, &hot, &cache, &kv, &FixedHost([0; 32])));
    let wb = out.write_back.expect("rendered, so stored");
    // Two isolates store the same key within a second: the second gets 429.
    for _ in 0..2 {
        let failures = edgechart::testing::block_on(write_back(&wb, &hot, &cache, &kv));
        assert!(failures.is_empty(), "{failures:?}");
    }
    assert_eq!(kv.0.puts.get(), 1);
    // Any other KV failure is still reported.
    kv.0.fail_put.set(true);
    kv.0.map.borrow_mut().clear();
    let failures = edgechart::testing::block_on(write_back(&wb, &hot, &cache, &kv));
    assert_eq!(failures.len(), 1, "{failures:?}");
}
