//! Test scaffolding (feature `test-support`, which the wasmtime harness's
//! build also turns on, and the crate's own unit tests): an in-memory store
//! with fault switches, a host with a still clock and fixed entropy, an
//! executor for futures that never wait, and one that interleaves many
//! futures that do. None of it ships in the Worker.

use std::future::Future;
use std::task::{Context, Poll, Waker};

use crate::serve::flow::Host;
use crate::serve::store::{ChartStore, StoreError, StoredChart};

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
/// 20 hours after the renderer's release (2026-12-04T22:00:00Z for
/// renderer 12), so `Date` is never before a chart's `Last-Modified`,
/// whatever row `RELEASES` gains, and is the same on every run.
pub const FIXED_NOW_MS: f64 = (crate::spec::identity::RENDERER_RELEASED + 72_000) as f64 * 1000.0;

impl Host for FixedHost {
    fn now_ms(&self) -> f64 {
        FIXED_NOW_MS
    }
    fn random_seed(&self) -> [u8; 32] {
        self.0
    }

    /// Tests exercise every tier, so KV is always used.
    fn kv_policy(&self) -> crate::serve::flow::TierPolicy {
        crate::serve::flow::TierPolicy::Always
    }

    fn cache_policy(&self) -> crate::serve::flow::TierPolicy {
        crate::serve::flow::TierPolicy::Always
    }

    async fn shard_bytes(&self, shard: &crate::text::Shard) -> Result<Vec<u8>, String> {
        shard_from_disk(shard)
    }
}

/// A shard's bytes from this checkout's `www/fonts/` (what `scripts/fonts.sh`
/// makes and the Worker serves as static assets).
pub fn shard_from_disk(shard: &crate::text::Shard) -> Result<Vec<u8>, String> {
    let path = format!("{}/www{}", env!("CARGO_MANIFEST_DIR"), shard.path);
    std::fs::read(&path).map_err(|e| format!("{path}: {e} (run scripts/fonts.sh)"))
}

/// Every shard, parsed from disk: a [`crate::text::FaceSet`] for tests that
/// render without the flow. Panics naming the shard that is missing.
pub fn all_faces() -> crate::text::FaceSet {
    let mut set = crate::text::FaceSet::new();
    for (i, s) in crate::text::shards().iter().enumerate() {
        let bytes = shard_from_disk(s).unwrap_or_else(|e| panic!("{e}"));
        let face = crate::text::Face::parse(i, bytes).unwrap_or_else(|e| panic!("{e}"));
        set.insert(std::sync::Arc::new(face));
    }
    set
}

/// A [`Host`] with what an owner turns on: signing keys
/// (`CHART_SIGNING_KEYS`), a render budget of `renders_left` renders
/// (`RENDER_BUDGET`) and a data set bound (`DATA_VALUES_MAX`); the clock
/// of [`FixedHost`], fixed entropy, every tier used.
pub struct Owner {
    pub keys: crate::serve::sign::SigningKeys,
    pub renders_left: std::cell::Cell<u32>,
    pub values_max: usize,
}

impl Owner {
    /// Signing with `keys` (comma-separated; none: off), `renders` renders.
    pub fn new(keys: &str, renders: u32) -> Owner {
        Owner {
            keys: crate::serve::sign::SigningKeys::parse(keys),
            renders_left: std::cell::Cell::new(renders),
            values_max: crate::dataset::VALUES_MAX_DEFAULT,
        }
    }
}

impl Host for Owner {
    fn now_ms(&self) -> f64 {
        FIXED_NOW_MS
    }
    fn random_seed(&self) -> [u8; 32] {
        [9; 32]
    }
    fn kv_policy(&self) -> crate::serve::flow::TierPolicy {
        crate::serve::flow::TierPolicy::Always
    }
    fn cache_policy(&self) -> crate::serve::flow::TierPolicy {
        crate::serve::flow::TierPolicy::Always
    }
    fn signing_keys(&self) -> &crate::serve::sign::SigningKeys {
        &self.keys
    }
    fn data_values_max(&self) -> usize {
        self.values_max
    }
    async fn shard_bytes(&self, shard: &crate::text::Shard) -> Result<Vec<u8>, String> {
        shard_from_disk(shard)
    }
    async fn may_render(&self) -> Result<(), u32> {
        match self.renders_left.get() {
            0 => Err(60),
            n => {
                self.renders_left.set(n - 1);
                Ok(())
            }
        }
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

/// Answers `Pending` once (waking itself), then `Ready`: an await that lets
/// other futures run, as real I/O does.
pub struct YieldOnce(bool);

impl YieldOnce {
    pub fn new() -> YieldOnce {
        YieldOnce(false)
    }
}

impl Default for YieldOnce {
    fn default() -> Self {
        YieldOnce::new()
    }
}

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// A store whose every get and put waits once first: requests through it
/// interleave at each storage call, as they do in a Worker isolate.
pub struct Yielding<S>(pub S);

impl<S: ChartStore> ChartStore for Yielding<S> {
    async fn get(&self, key: &str) -> Result<Option<StoredChart>, StoreError> {
        YieldOnce::new().await;
        self.0.get(key).await
    }
    async fn put(&self, key: &str, chart: &StoredChart) -> Result<(), StoreError> {
        YieldOnce::new().await;
        self.0.put(key, chart).await
    }
}

/// Polls every future in turn until all are done (at most 10,000 rounds).
pub fn run_all<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    let mut cx = Context::from_waker(Waker::noop());
    for _round in 0..10_000 {
        for (f, slot) in futures.iter_mut().zip(out.iter_mut()) {
            if slot.is_none() {
                if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                    *slot = Some(v);
                }
            }
        }
        if out.iter().all(Option::is_some) {
            return out.into_iter().map(Option::unwrap).collect();
        }
    }
    panic!("run_all: futures still pending after 10,000 rounds");
}

/// One line as the text engine lays it out, for `tests/text/check.py`: its
/// runs in visual order (font file, face, direction, script, byte range)
/// with the shaped glyphs in font units (`[glyph, cluster, x_advance,
/// y_advance, x_offset, y_offset]`), the shards it missed, and the bidi
/// visual order of its characters (byte offsets).
pub fn shape_record(
    faces: &crate::text::FaceSet,
    t: &str,
    lang: Option<&str>,
) -> serde_json::Value {
    use crate::text::line::{self, Choice, Setting};
    let setting = Setting { lang };
    let (runs, missed) = crate::text::with_faces(faces, lang, || {
        line::runs(t, setting)
            .into_iter()
            .map(|run| {
                let (file, index, key) = match run.face {
                    Choice::Embedded => (
                        "assets/fonts/DejaVuSans-subset.ttf".to_string(),
                        0,
                        "embedded",
                    ),
                    Choice::Shard(i) => {
                        let s = &crate::text::shards()[i];
                        (format!("www{}", s.path), s.face_index, s.key)
                    }
                    Choice::Placeholder => (String::new(), 0, "placeholder"),
                };
                let glyphs: Vec<serde_json::Value> = line::shape(t, &run, setting)
                    .map(|(_, _, g)| g)
                    .unwrap_or_default()
                    .iter()
                    .map(|g| {
                        serde_json::json!([
                            g.glyph,
                            g.cluster,
                            g.pos.x_advance,
                            g.pos.y_advance,
                            g.pos.x_offset,
                            g.pos.y_offset
                        ])
                    })
                    .collect();
                serde_json::json!({
                    "face": key,
                    "file": file,
                    "index": index,
                    "rtl": run.rtl,
                    "script": run.script.tag().to_string(),
                    "start": run.range.start,
                    "end": run.range.end,
                    "glyphs": glyphs,
                })
            })
            .collect::<Vec<_>>()
    });
    serde_json::json!({
        "text": t,
        "lang": lang,
        "runs": runs,
        "missed": missed,
        "visual": line::visual_order(t),
    })
}
