//! The request flow, written once for every runtime: route, parse, answer
//! revalidations before any I/O, look up the isolate's memory, the Cache
//! API, then KV (checking what storage returns), render on a miss, and
//! hand back what to store after the response has gone out.

use std::future::Future;
use std::task::Poll;

use crate::chart::data::seed_for_name;
use crate::probe::{span, Span};
use crate::render::{render_within, Refused};
use crate::serve::data;
use crate::serve::http::{
    not_modified, prefers_image, Request, Response, CACHE_IMMUTABLE, CACHE_NONE,
};
use crate::serve::httpdate;
use crate::serve::message::message_png;
use crate::serve::sign::{verify, SigningKeys, NO_KEYS};
use crate::serve::store::{ChartStore, HotCache, StoredChart};
use crate::spec::identity::{identity, Identity};
use crate::spec::{parse_with_cost, ChartSpec, Format, ParamError, RouteKind};

/// What the flow needs from its runtime besides storage: a clock, entropy,
/// the owner's configuration, and the render budget.
#[allow(async_fn_in_trait)]
pub trait Host {
    /// Milliseconds since the Unix epoch: `Date` and `Server-Timing`.
    fn now_ms(&self) -> f64;
    /// 32 bytes of fresh entropy for `/random.{png,svg,csv,json}`.
    fn random_seed(&self) -> [u8; 32];
    /// The keys of signed URLs (`CHART_SIGNING_KEYS`); none: signing off.
    fn signing_keys(&self) -> &SigningKeys {
        &NO_KEYS
    }
    /// When KV is read and written (`KV_POLICY`).
    fn kv_policy(&self) -> TierPolicy {
        TierPolicy::default()
    }
    /// When the Cache API is read and written (`CACHE_POLICY`).
    fn cache_policy(&self) -> TierPolicy {
        TierPolicy::default()
    }
    /// The render budget of this request's client, asked only when a render
    /// is about to happen: `Err(seconds)` says when to retry.
    async fn may_render(&self) -> Result<(), u32> {
        Ok(())
    }
    /// How many numbers a posted data set may hold (`DATA_VALUES_MAX`).
    fn data_values_max(&self) -> usize {
        crate::dataset::VALUES_MAX_DEFAULT
    }
    /// The bytes of font shard `shard` (the Worker: its static assets);
    /// [`crate::serve::fonts::load`] checks them.
    async fn shard_bytes(&self, shard: &crate::text::Shard) -> Result<Vec<u8>, String> {
        Err(format!("this runtime has no font shards ({})", shard.key))
    }
}

/// When a storage tier is worth its round trip (`KV_POLICY` for KV,
/// `CACHE_POLICY` for the Cache API). A lookup costs milliseconds of
/// latency, a KV write is scarce (one per key per second, 1,000 a day on the
/// free plan), and most charts render in well under a millisecond: charts
/// cheaper than a round trip are rendered, not fetched (the isolate's memory
/// still keeps them). `Costly` uses the tier for charts whose estimated
/// render cost ([`crate::render::render_cost`], the spec's: without the
/// values' text, which the parser counts) reaches `min_fuel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierPolicy {
    Always,
    Costly { min_fuel: u64 },
    Never,
}

/// The default `costly` threshold: 20 million fuel, about 1.5 ms of render
/// in wasm (the harness runs about 13 million fuel per ms). The classic
/// chart (6 million) renders faster than a lookup answers; 2048x2048 (42
/// million) does not.
pub const STORE_MIN_FUEL: u64 = 20_000_000;

impl Default for TierPolicy {
    fn default() -> TierPolicy {
        TierPolicy::Costly {
            min_fuel: STORE_MIN_FUEL,
        }
    }
}

impl TierPolicy {
    /// `always`, `never`, `costly` or `costly:<fuel>`.
    pub fn parse(s: &str) -> Option<TierPolicy> {
        match s.trim() {
            "always" => Some(TierPolicy::Always),
            "never" => Some(TierPolicy::Never),
            "costly" => Some(TierPolicy::default()),
            other => other
                .strip_prefix("costly:")
                .and_then(|n| n.trim().parse().ok())
                .map(|min_fuel| TierPolicy::Costly { min_fuel }),
        }
    }

    pub fn applies(self, spec: &crate::spec::ChartSpec) -> bool {
        match self {
            TierPolicy::Always => true,
            TierPolicy::Never => false,
            TierPolicy::Costly { min_fuel } => crate::render::render_cost(spec) >= min_fuel,
        }
    }
}

/// Where a chart's bytes came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Memory,
    Cache,
    Kv,
    Render,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Memory => "memory",
            Source::Cache => "cache",
            Source::Kv => "kv",
            Source::Render => "render",
        }
    }
}

/// Stores to make after the response is sent (`ctx.wait_until` in Workers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteBack {
    pub key: String,
    pub chart: StoredChart,
    pub to_cache: bool,
    pub to_kv: bool,
}

/// The response, the stores to make after it, log lines for faults, and
/// what the request's structured log record needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub response: Response,
    pub write_back: Option<WriteBack>,
    pub log: Vec<String>,
    /// The chart's storage key, once known.
    pub key: Option<String>,
    /// Milliseconds spent rendering (0 in Workers, whose clock stands still
    /// during CPU work).
    pub render_ms: Option<f64>,
}

impl Outcome {
    pub(crate) fn only(response: Response) -> Outcome {
        Outcome {
            response,
            write_back: None,
            log: Vec::new(),
            key: None,
            render_ms: None,
        }
    }

    /// One JSON line for the request: what a user queries in the Workers
    /// logs (route, status, where the bytes came from, faults, render time).
    /// A memory hit or a 304 with nothing gone wrong: the answers a busy
    /// chart gives most, whose log line says little that the platform's
    /// own request metrics do not, and costs more than the answer itself
    /// (measured under `wrangler dev`: see the README). Adapters may leave
    /// them unlogged (`LOG_HITS`).
    pub fn is_quiet(&self) -> bool {
        let r = &self.response;
        self.log.is_empty()
            && self.write_back.is_none()
            && (r.status == 304 || (r.status == 200 && r.get("X-Chart-Source") == Some("memory")))
    }

    pub fn log_record(&self, req: &Request) -> String {
        let r = &self.response;
        serde_json::json!({
            "route": route(&req.path).name(),
            "method": req.method.get(..16).unwrap_or(&req.method),
            "status": r.status,
            "source": r.get("X-Chart-Source"),
            "key": self.key,
            "faults": r.get("X-Chart-Fault"),
            "error": r.get("X-Chart-Error"),
            "render_ms": self.render_ms,
            "bytes": r.body.len(),
            "stores": self.write_back.as_ref().and_then(|w| match (w.to_cache, w.to_kv) {
                (true, true) => Some("cache+kv"),
                (true, false) => Some("cache"),
                (false, true) => Some("kv"),
                (false, false) => None,
            }),
        })
        .to_string()
    }
}

/// The routes of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route<'a> {
    /// `/charts/{name}.{ext}`; the name is not yet validated.
    Chart(&'a str, Format),
    /// `/charts/d/{id}.{ext}`: a chart of a stored data set; the id is not
    /// yet validated.
    Stored(&'a str, Format),
    /// `/data`: `POST` stores a data set.
    Data,
    /// `/random.{ext}`.
    Random(Format),
    /// A chart or random route with an extension no format has.
    UnknownFormat,
    NotFound,
}

impl Route<'_> {
    pub fn name(&self) -> &'static str {
        match self {
            Route::Chart(..) => "chart",
            Route::Stored(..) => "stored-chart",
            Route::Data => "data",
            Route::Random(_) => "random",
            Route::UnknownFormat => "unknown-format",
            Route::NotFound => "not-found",
        }
    }

    /// Whether the route serves charts (signing and 405 apply).
    pub fn is_chart(&self) -> bool {
        matches!(
            self,
            Route::Chart(..) | Route::Stored(..) | Route::Random(_)
        )
    }
}

pub fn route(path: &str) -> Route<'_> {
    if path == "/data" {
        return Route::Data;
    }
    let Some((stem, ext)) = path.rsplit_once('.') else {
        return Route::NotFound;
    };
    let chart_stem = stem == "/random" || stem.starts_with("/charts/");
    if !chart_stem || ext.contains('/') {
        return Route::NotFound;
    }
    let Some(format) = Format::from_extension(ext) else {
        return Route::UnknownFormat;
    };
    match stem.strip_prefix("/charts/") {
        Some(name) => match name.strip_prefix("d/") {
            Some(id) => Route::Stored(id, format),
            None => Route::Chart(name, format),
        },
        None => Route::Random(format),
    }
}

/// Answers one request, with no store for data sets (`POST /data` answers
/// 503 and stored charts 404): see [`handle_with_data`].
pub async fn handle<E: ChartStore, K: ChartStore, H: Host>(
    req: &Request,
    hot: &HotCache,
    cache: &E,
    kv: &K,
    host: &H,
) -> Outcome {
    handle_with_data(req, hot, cache, kv, &data::NoDataStore, host).await
}

/// Answers one request; `data` keeps the data sets of `POST /data` (KV
/// binding `DATA`, no expiry).
pub async fn handle_with_data<E: ChartStore, K: ChartStore, D: ChartStore, H: Host>(
    req: &Request,
    hot: &HotCache,
    cache: &E,
    kv: &K,
    data: &D,
    host: &H,
) -> Outcome {
    let chart_route = route(&req.path);
    // Signed URLs: checked before anything else on a chart route, 304s and
    // 405s included; a signed request does not spend the render budget
    // (the owner minted that URL).
    let keys = host.signing_keys();
    let signed = keys.is_enabled() && chart_route.is_chart();
    let refused = signed.then(|| verify(keys, &req.target()).err()).flatten();
    let stores = Stores { hot, cache, kv };
    let mut outcome = match chart_route {
        _ if refused.is_some() => {
            let why = refused.map_or("", |e| e.message());
            Outcome::only(error(req, 403, "Forbidden", why, Some("sig")))
        }
        Route::NotFound => Outcome::only(error(
            req,
            404,
            "Not Found",
            "no such route; charts live at /charts/{name}.png (or .svg, .csv, .json)",
            None,
        )),
        Route::UnknownFormat => Outcome::only(error(
            req,
            404,
            "Not Found",
            &format!("no such format; a chart is {}", Format::known_list()),
            None,
        )),
        // `/data` has its own methods (POST, the OPTIONS preflight) and its
        // own signature, over the body too.
        Route::Data => data::post(req, hot, data, host).await,
        _ if req.method != "GET" && req.method != "HEAD" => {
            let mut r = error(
                req,
                405,
                "Method Not Allowed",
                &format!(
                    "{} is not allowed here; use GET or HEAD",
                    req.method.get(..20).unwrap_or(&req.method)
                ),
                None,
            );
            r.set("Allow", "GET, HEAD");
            Outcome::only(r)
        }
        Route::Random(format) => random_chart(req, format, host, signed).await,
        Route::Chart(name, format) => {
            let parsed = span(Span::Parse, || {
                parse_with_cost(format, name, req.query.as_deref(), RouteKind::Named)
            });
            match parsed {
                Ok((spec, spent)) => chart(req, spec, spent, &stores, host, signed).await,
                Err(e) => Outcome::only(bad_request(req, &e)),
            }
        }
        Route::Stored(id, format) => {
            data::stored_chart(req, id, format, &stores, data, host, signed).await
        }
    };
    if req.is_head() {
        outcome.response.body.clear();
    }
    // RFC 9110 6.6.1: an origin with a clock sends Date on every response.
    outcome.response.set("Date", date_now(host));
    outcome
}

/// `Date` for a response made now.
pub fn date_now<H: Host>(host: &H) -> String {
    httpdate::format((host.now_ms() / 1000.0) as u64)
}

/// The chart tiers: the isolate's memory, the Cache API and KV.
pub struct Stores<'a, E, K> {
    pub hot: &'a HotCache,
    pub cache: &'a E,
    pub kv: &'a K,
}

/// Answers for the chart `spec`: a 304 before any lookup, then memory, the
/// Cache API and KV, then a render (named and stored charts alike), within
/// the CPU budget the parser estimated `spent` of.
pub async fn chart<E: ChartStore, K: ChartStore, H: Host>(
    req: &Request,
    spec: ChartSpec,
    spent: u64,
    stores: &Stores<'_, E, K>,
    host: &H,
    signed: bool,
) -> Outcome {
    let (hot, cache, kv) = (stores.hot, stores.cache, stores.kv);
    let id = span(Span::Identity, || identity(&spec));
    if not_modified(req, &id.etag, id.last_modified) {
        return Outcome::only(
            validators(Response::new(304), &id)
                .header("Server-Timing", "revalidate;desc=\"304 before lookup\""),
        );
    }

    let mut out = Outcome::only(Response::new(500));
    out.key = Some(id.key.clone());
    let mut faults: Vec<String> = Vec::new();
    let mut timing: Vec<String> = Vec::new();
    if let Some(body) = hot.get(&id.key) {
        timing.push("memory;desc=\"hit\"".into());
        out.response = chart_response(&id, body, Source::Memory, &timing, &faults);
        return out;
    }
    // The Cache API and KV at the same time: a miss waits for the slower of
    // the two, not for both in turn.
    let use_cache = host.cache_policy().applies(&spec);
    let use_kv = host.kv_policy().applies(&spec);
    let (cache_hit, kv_hit) = match (use_cache, use_kv) {
        (true, true) => {
            let (e, k) = join(lookup(cache, &id, "cache"), lookup(kv, &id, "kv")).await;
            (Some(e), Some(k))
        }
        (true, false) => (Some(lookup(cache, &id, "cache").await), None),
        (false, true) => (None, Some(lookup(kv, &id, "kv").await)),
        (false, false) => (None, None),
    };
    let mut note = |found: Found| match found {
        Found::Chart(chart) => Some(chart),
        Found::Nothing => None,
        Found::Fault(fault, line) => {
            faults.push(fault);
            out.log.push(line);
            None
        }
    };
    let (cache_hit, kv_hit) = (cache_hit.and_then(&mut note), kv_hit.and_then(&mut note));
    if let Some(chart) = cache_hit {
        hot.put(&id.key, &chart.body);
        timing.push("cache;desc=\"hit\"".into());
        out.response = chart_response(&id, chart.body, Source::Cache, &timing, &faults);
        return out;
    }
    timing.push(
        if use_cache {
            "cache;desc=\"miss\""
        } else {
            "cache;desc=\"skipped\""
        }
        .into(),
    );
    if let Some(chart) = kv_hit {
        hot.put(&id.key, &chart.body);
        timing.push("kv;desc=\"hit\"".into());
        out.response = chart_response(&id, chart.body.clone(), Source::Kv, &timing, &faults);
        out.write_back = use_cache.then(|| WriteBack {
            key: id.key.clone(),
            chart,
            to_cache: true,
            to_kv: false,
        });
        return out;
    }
    timing.push(
        if use_kv {
            "kv;desc=\"miss\""
        } else {
            "kv;desc=\"skipped\""
        }
        .into(),
    );

    // Requests interleave only at awaits: a concurrent request for the
    // same chart may have rendered it during the lookups or the budget
    // check. Share its bytes instead of rendering (and storing) again, and
    // spend no budget on what is already there.
    let after_wait = |timing: &mut Vec<String>| {
        hot.get(&id.key).map(|body| {
            timing.push("memory;desc=\"hit after wait\"".into());
            chart_response(&id, body, Source::Memory, timing, &faults)
        })
    };
    if let Some(hit) = after_wait(&mut timing) {
        out.response = hit;
        return out;
    }
    if !signed {
        if let Err(retry) = host.may_render().await {
            out.response = after_wait(&mut timing).unwrap_or_else(|| too_many_renders(req, retry));
            return out;
        }
        if let Some(hit) = after_wait(&mut timing) {
            out.response = hit;
            return out;
        }
    }

    let fonts = crate::serve::fonts::load(&spec, host).await;
    out.log.extend(fonts.log);
    faults.extend(fonts.faults);
    let started = host.now_ms();
    let (rendered, missed) = crate::text::with_faces(&fonts.faces, spec.lang.as_deref(), || {
        render_within(&spec, seed_for_name(&spec.name), spent)
    });
    for shard in missed {
        let fault = format!("font:{}", crate::text::shards()[shard].key);
        if !faults.contains(&fault) {
            faults.push(fault);
        }
    }
    let degraded = faults.iter().any(|f| f.starts_with("font:"));
    match rendered {
        Ok(bytes) if degraded => {
            // Placeholders where a shard's glyphs belong: answered, never
            // kept, and without the chart's validators (these are not its
            // bytes, so they must not revalidate as them).
            let ms = host.now_ms() - started;
            out.render_ms = Some(ms);
            timing.push(format!("render;dur={ms:.2};desc=\"degraded\""));
            let mut r = chart_response(&id, bytes, Source::Render, &timing, &faults);
            r.set("Cache-Control", CACHE_NONE);
            r.remove("ETag");
            r.remove("Last-Modified");
            out.response = r;
            out
        }
        Ok(bytes) => {
            let ms = host.now_ms() - started;
            out.render_ms = Some(ms);
            timing.push(format!("render;dur={ms:.2}"));
            hot.put(&id.key, &bytes);
            let stored = StoredChart::new(&id, bytes);
            out.response =
                chart_response(&id, stored.body.clone(), Source::Render, &timing, &faults);
            out.write_back = (use_cache || use_kv).then(|| WriteBack {
                key: id.key.clone(),
                chart: stored,
                to_cache: use_cache,
                to_kv: use_kv,
            });
            out
        }
        Err(Refused::OverBudget(e)) => {
            // Its paint work, laid out, is over the budget: the parser's 400.
            out.response = bad_request(req, &e);
            out
        }
        Err(Refused::Failed(e)) => {
            out.log
                .push(format!("render failed for {}: {}", id.key, e.0));
            out.response = internal_error(req);
            out
        }
    }
}

/// What one tier held for a chart.
enum Found {
    Chart(StoredChart),
    Nothing,
    /// A failing or corrupt tier: a miss, with its fault name and log line.
    Fault(String, String),
}

/// Looks `id` up in one tier and checks what it returns.
async fn lookup<S: ChartStore>(store: &S, id: &Identity, tier: &str) -> Found {
    match store.get(&id.key).await {
        Ok(Some(chart)) => match chart.verify(id) {
            Ok(()) => Found::Chart(chart),
            Err(why) => Found::Fault(
                format!("{tier}-corrupt"),
                format!("{tier} value for {} rejected: {why}; re-rendering", id.key),
            ),
        },
        Ok(None) => Found::Nothing,
        Err(e) => Found::Fault(
            format!("{tier}-get-failed"),
            format!("{tier} get for {} failed: {}", id.key, e.0),
        ),
    }
}

/// Both futures, polled in turn until both are done.
async fn join<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (std::pin::pin!(a), std::pin::pin!(b));
    let (mut ra, mut rb) = (None, None);
    std::future::poll_fn(|cx| {
        if ra.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                ra = Some(v);
            }
        }
        if rb.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                rb = Some(v);
            }
        }
        match (ra.take(), rb.take()) {
            (Some(x), Some(y)) => Poll::Ready((x, y)),
            (x, y) => {
                (ra, rb) = (x, y);
                Poll::Pending
            }
        }
    })
    .await
}

/// The 429 of a spent render budget.
pub(crate) fn too_many_renders(req: &Request, retry_after: u32) -> Response {
    let mut r = error(
        req,
        429,
        "Too Many Requests",
        &format!(
            "this client has rendered too many new charts; charts already rendered are still served; retry in {retry_after} s"
        ),
        None,
    );
    r.set("Retry-After", retry_after.to_string());
    r
}

/// Makes the stores of a [`WriteBack`]; returns log lines for any that
/// failed. A key whose stores another request of this isolate is making is
/// skipped (same key, same bytes by design), and KV's 429 for a second
/// write of a key within a second counts as stored for the same reason.
pub async fn write_back<E: ChartStore, K: ChartStore>(
    wb: &WriteBack,
    hot: &HotCache,
    cache: &E,
    kv: &K,
) -> Vec<String> {
    let mut log = Vec::new();
    if !hot.begin_store(&wb.key) {
        return log;
    }
    if wb.to_kv {
        if let Err(e) = kv.put(&wb.key, &wb.chart).await {
            if !e.0.contains("429") {
                log.push(format!("kv put for {} failed: {}", wb.key, e.0));
            }
        }
    }
    if wb.to_cache {
        if let Err(e) = cache.put(&wb.key, &wb.chart).await {
            log.push(format!("cache put for {} failed: {}", wb.key, e.0));
        }
    }
    hot.end_store(&wb.key);
    log
}

fn validators(r: Response, id: &Identity) -> Response {
    r.header("ETag", id.etag.clone())
        .header("Last-Modified", httpdate::format(id.last_modified))
        .header("Cache-Control", CACHE_IMMUTABLE)
        .header("Access-Control-Allow-Origin", "*")
        .header("Access-Control-Expose-Headers", EXPOSED)
        .header("Timing-Allow-Origin", "*")
}

/// Headers a page on another origin may read (the demo's panel reads them).
pub(crate) const EXPOSED: &str =
    "ETag, Last-Modified, Location, X-Chart-Source, X-Chart-Fault, X-Chart-Error, Server-Timing";

fn chart_response(
    id: &Identity,
    body: Vec<u8>,
    source: Source,
    timing: &[String],
    faults: &[String],
) -> Response {
    let mut r = validators(Response::new(200), id)
        .header("Content-Type", id.content_type)
        .header("Content-Length", body.len().to_string())
        .header("X-Chart-Source", source.as_str())
        .header("Server-Timing", timing.join(", "));
    if !faults.is_empty() {
        r = r.header("X-Chart-Fault", faults.join(", "));
    }
    r.body = body;
    r
}

async fn random_chart<H: Host>(req: &Request, format: Format, host: &H, signed: bool) -> Outcome {
    let (spec, spent) =
        match parse_with_cost(format, "random", req.query.as_deref(), RouteKind::Random) {
            Ok(parsed) => parsed,
            Err(e) => return Outcome::only(bad_request(req, &e)),
        };
    if !signed {
        if let Err(retry) = host.may_render().await {
            return Outcome::only(too_many_renders(req, retry));
        }
    }
    let started = host.now_ms();
    match render_within(&spec, host.random_seed(), spent) {
        Ok(bytes) => {
            let mut r = Response::new(200)
                .header("Content-Type", format.content_type())
                .header("Content-Length", bytes.len().to_string())
                .header("Cache-Control", CACHE_NONE)
                .header("Access-Control-Allow-Origin", "*")
                .header("Access-Control-Expose-Headers", EXPOSED)
                .header("X-Chart-Source", Source::Render.as_str())
                .header(
                    "Server-Timing",
                    format!("render;dur={:.2}", host.now_ms() - started),
                );
            r.body = bytes;
            Outcome::only(r)
        }
        Err(Refused::OverBudget(e)) => Outcome::only(bad_request(req, &e)),
        Err(Refused::Failed(e)) => {
            let mut out = Outcome::only(internal_error(req));
            out.log.push(format!(
                "render of /random.{} failed: {}",
                format.extension(),
                e.0
            ));
            out
        }
    }
}

pub(crate) fn bad_request(req: &Request, e: &ParamError) -> Response {
    error(req, 400, "Bad Request", &e.message, Some(&e.parameter))
}

/// The 500 answer: no internal details.
pub fn internal_error(req: &Request) -> Response {
    error(
        req,
        500,
        "Internal Server Error",
        "the chart could not be rendered; try again later",
        None,
    )
}

/// An error answer: text, or a PNG of the same text when the client prefers
/// images (a broken `<img>` then explains itself). Never stored.
pub fn error(
    req: &Request,
    status: u16,
    reason: &str,
    message: &str,
    parameter: Option<&str>,
) -> Response {
    let heading = format!("{status} {reason}");
    let (content_type, body) = match prefers_image(req.accept.as_deref()) {
        true => match message_png(&[&heading, message]) {
            Ok(png) => (Format::Png.content_type(), png),
            Err(_) => (
                "text/plain; charset=utf-8",
                format!("{heading}: {message}\n").into_bytes(),
            ),
        },
        false => (
            "text/plain; charset=utf-8",
            format!("{heading}: {message}\n").into_bytes(),
        ),
    };
    let mut r = Response::new(status)
        .header("Content-Type", content_type)
        .header("Content-Length", body.len().to_string())
        .header("Cache-Control", CACHE_NONE)
        // The body depends on Accept (text or image), and the runtime may
        // compress the text: both are part of the answer's variance.
        .header("Vary", "Accept, Accept-Encoding")
        .header("Access-Control-Allow-Origin", "*")
        .header("Access-Control-Expose-Headers", EXPOSED);
    if let Some(p) = parameter {
        r = r.header("X-Chart-Error", p);
    }
    r.body = body;
    r
}
