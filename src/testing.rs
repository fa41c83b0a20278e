//! Test scaffolding (feature `test-support`, and the crate's own unit
//! tests): an in-memory store with fault switches, a host with a still clock
//! and fixed entropy, and an executor for futures that never wait. None of it
//! ships in the Worker.

use std::future::Future;
use std::task::{Context, Poll, Waker};

use crate::flow::Host;
use crate::store::{ChartStore, StoreError, StoredChart};

/// An in-memory store: a map, plus switches that make it fail.
#[derive(Default)]
pub struct MemoryStore {
    pub map: std::cell::RefCell<std::collections::HashMap<String, StoredChart>>,
    pub fail_get: std::cell::Cell<bool>,
    pub fail_put: std::cell::Cell<bool>,
    pub gets: std::cell::Cell<u32>,
    pub puts: std::cell::Cell<u32>,
}

impl ChartStore for MemoryStore {
    async fn get(&self, key: &str) -> Result<Option<StoredChart>, StoreError> {
        self.gets.set(self.gets.get() + 1);
        if self.fail_get.get() {
            return Err(StoreError("injected get failure".into()));
        }
        Ok(self.map.borrow().get(key).cloned())
    }

    async fn put(&self, key: &str, chart: &StoredChart) -> Result<(), StoreError> {
        self.puts.set(self.puts.get() + 1);
        if self.fail_put.get() {
            return Err(StoreError("injected put failure".into()));
        }
        self.map.borrow_mut().insert(key.to_string(), chart.clone());
        Ok(())
    }
}

/// A [`Host`] whose clock stands still and whose entropy is fixed: for tests
/// and offline tools, where output must not depend on the run.
pub struct FixedHost(pub [u8; 32]);

/// The instant a [`FixedHost`] (and the wasmtime harness's host) reads:
/// 2026-11-25T00:00:00Z, so `Date` is plausible and the same on every run.
pub const FIXED_NOW_MS: f64 = 1_795_564_800_000.0;

impl Host for FixedHost {
    fn now_ms(&self) -> f64 {
        FIXED_NOW_MS
    }
    fn random_seed(&self) -> [u8; 32] {
        self.0
    }

    /// Tests exercise every tier, so KV is always used.
    fn kv_policy(&self) -> crate::flow::TierPolicy {
        crate::flow::TierPolicy::Always
    }

    fn edge_policy(&self) -> crate::flow::TierPolicy {
        crate::flow::TierPolicy::Always
    }
}

/// Runs a future whose I/O completes synchronously (the in-memory store, the
/// harness's host calls) to completion.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("block_on: the future awaited real I/O"),
    }
}
