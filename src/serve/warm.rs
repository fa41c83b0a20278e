//! The start work: requests a fresh isolate answers once, at module start,
//! before any client's. V8 compiles a wasm function lazily, on its first
//! call, and runs it as baseline code until it is hot; without this, that
//! compilation and the slow first runs land inside the first real request.
//! Done at start (in passes: `src/adapters/entry.mjs`), they land in the
//! isolate's startup instead, which has its own limit (1 s).
//!
//! Pure and harmless by construction: the answers are thrown away, the
//! stores keep nothing, the isolate's own memory tier is not touched, the
//! clock is fixed, and no target asks for entropy (`/random` is not here).

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use super::data::NoDataStore;
use super::flow::{self, Host, TierPolicy};
use super::hot::HotCache;
use super::http::Request;
use super::store::{ChartStore, StoreError, StoredChart};

/// What the start work asks for, in order: one row per code path a first
/// request would otherwise compile (each format, the vocabulary's marks,
/// series and KDE, dpr 2 with many bins, the most draws, a memory hit, a
/// 304 and an error image). The second column says what the row must
/// answer; the tests hold every row to it.
pub const TARGETS: &[(&str, Expect)] = &[
    ("/charts/warm-up.png", Expect::Chart),
    ("/charts/warm-up.png", Expect::Chart),
    ("/charts/warm-up.svg", Expect::Chart),
    ("/charts/warm-up.csv", Expect::Chart),
    ("/charts/warm-up.json", Expect::Chart),
    (
        "/charts/warm-up.png?values=1,2,2,3,3,3,4|2,3,4,4,5&labels=a|b&kde=1&marks=mean,p90&xlabel=x&ylabel=y&norm=density",
        Expect::Chart,
    ),
    (
        "/charts/warm-up.svg?values=1,2,2,3,3,3,4|2,3,4,4,5&mode=stack&kde=1&marks=median&theme=dark",
        Expect::Chart,
    ),
    ("/charts/warm-up.png?dpr=2&bins=1000", Expect::Chart),
    // The most draws a URL may ask for: draws, sorting and counting run
    // long enough here for V8 to optimize them before any request.
    ("/charts/warm-up.json?n=100000&bins=1000", Expect::Chart),
    ("/charts/warm-up.png?w=1", Expect::Error),
];

/// What a start-work target must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// 200 with a body.
    Chart,
    /// 400 with the error image.
    Error,
}

/// What the start work did: how many targets answered as expected (all of
/// them, unless the code changed under the table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    pub answered: usize,
    pub as_expected: usize,
    /// The 304 of the classic chart revalidated with its own ETag.
    pub revalidated: bool,
}

/// [`warm_up_with`] on stores that keep nothing and a host with a fixed
/// clock and no entropy (the harness and the native tests).
pub fn warm_up() -> Report {
    warm_up_with(&Discard, &Discard, &NoDataStore, &FixedHost)
}

/// Runs every target of [`TARGETS`] through the whole request flow, plus a
/// revalidation of the first, and throws the answers away. A runtime
/// passes its own store and host types, so the start work runs the very
/// functions its requests will (a generic flow is compiled once per set of
/// types), with a host whose tier policies are `never`: no store is asked.
pub fn warm_up_with<E: ChartStore, K: ChartStore, D: ChartStore, H: Host>(
    cache: &E,
    kv: &K,
    data: &D,
    host: &H,
) -> Report {
    // Its own small memory tier, dropped at the end: the isolate's stays empty.
    let hot = HotCache::new(1 << 20);
    let mut report = Report {
        answered: 0,
        as_expected: 0,
        revalidated: false,
    };
    let mut first_etag = None;
    for &(target, expect) in TARGETS {
        let req = Request::get(target);
        let Some(outcome) = poll_once(flow::handle_with_data(&req, &hot, cache, kv, data, host))
        else {
            continue;
        };
        report.answered += 1;
        // The log line too: every request writes one (or decides not to).
        let _ = (outcome.is_quiet(), outcome.log_record(&req));
        let r = &outcome.response;
        let ok = match expect {
            Expect::Chart => r.status == 200 && !r.body.is_empty(),
            Expect::Error => r.status == 400,
        };
        report.as_expected += usize::from(ok);
        if first_etag.is_none() {
            first_etag = r.get("ETag").map(str::to_string);
        }
    }
    if let Some(etag) = first_etag {
        let mut req = Request::get(TARGETS[0].0);
        req.if_none_match = Some(etag);
        let answer = poll_once(flow::handle_with_data(&req, &hot, cache, kv, data, host));
        report.revalidated = answer.is_some_and(|o| o.response.status == 304);
    }
    report
}

/// Polls a future once: the start work's stores answer at once, so every
/// flow here is ready on its first poll (`None` would mean it awaited
/// something real, which the start work must never do).
fn poll_once<F: Future>(future: F) -> Option<F::Output> {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(v) => Some(v),
        Poll::Pending => None,
    }
}

/// A store that has nothing and keeps nothing.
struct Discard;

impl ChartStore for Discard {
    async fn get(&self, _key: &str) -> Result<Option<StoredChart>, StoreError> {
        Ok(None)
    }
    async fn put(&self, _key: &str, _chart: &StoredChart) -> Result<(), StoreError> {
        Ok(())
    }
}

/// A clock that stands still and no entropy: nothing here may depend on
/// when or where the isolate starts.
struct FixedHost;

impl Host for FixedHost {
    fn now_ms(&self) -> f64 {
        0.0
    }
    fn random_seed(&self) -> [u8; 32] {
        [0; 32]
    }
    fn kv_policy(&self) -> TierPolicy {
        TierPolicy::Never
    }
    fn cache_policy(&self) -> TierPolicy {
        TierPolicy::Never
    }
}
