//! The Cloudflare Workers adapter: workers-rs request and response types, KV
//! and the Cache API as [`ChartStore`]s, stores in `ctx.wait_until`.

use worker::wasm_bindgen::{self, JsCast, JsValue};
use worker::worker_sys::web_sys;
use worker::{
    console_error, console_log, console_warn, event, js_sys, wasm_bindgen_futures, Cache, Context,
    Env, Headers, KvStore,
};

use crate::serve::flow::{self, Host, TierPolicy};
use crate::serve::http::{Request, Response};
use crate::serve::sign::{SigningKeys, NO_KEYS};
use crate::serve::store::{ChartStore, HotCache, StoreError, StoredChart};

/// The render budget (wrangler.toml `[[ratelimits]]`).
const RENDER_BUDGET_BINDING: &str = "RENDER_LIMITER";
/// `Retry-After` of a 429: the longest period a rate limiting binding
/// counts over (10 or 60 seconds), so the client's count has reset by then.
const RETRY_AFTER_SECONDS: u32 = 60;
/// KV binding name (wrangler.toml `[[kv_namespaces]]`).
const KV_BINDING: &str = "CHARTS";
/// The data sets of `POST /data`: their own namespace, without expiry.
const DATA_BINDING: &str = "DATA";
/// Seconds a KV entry lives unless `CHART_TTL_SECONDS` says otherwise (30 days).
const DEFAULT_TTL: u64 = 30 * 24 * 3600;
/// KV refuses expiration TTLs under 60 seconds.
const MIN_TTL: u64 = 60;
/// Chart bytes each isolate keeps in memory unless `HOT_CACHE_BYTES` says
/// otherwise (of the isolate's 128 MiB; renders peak near 8 MiB).
const DEFAULT_HOT_CACHE_BYTES: usize = 16 << 20;
/// The static assets binding (`[assets] binding` in wrangler.toml): the
/// font shards of `www/fonts/`.
const ASSETS_BINDING: &str = "ASSETS";
/// The Cache API entry's own header carrying the chart metadata.
const META_HEADER: &str = "x-edgechart-meta";

/// What the owner configured (`[vars]` and secrets): fixed for an isolate's
/// life (a new deployment or secret is a new isolate), so read once per
/// isolate instead of crossing into JavaScript on every request.
struct Isolate {
    hot: HotCache,
    keys: SigningKeys,
    kv_policy: TierPolicy,
    cache_policy: TierPolicy,
    budget_on: bool,
    ttl: u64,
    /// `DATA_VALUES_MAX`: how many numbers a posted data set may hold.
    data_values_max: usize,
    /// `LOG_HITS`: whether memory hits and 304s write a log line.
    log_hits: bool,
    /// `FONT_FAULT=once` (a test switch): the isolate's first shard fetch
    /// fails, as an outage of the assets would.
    font_fault: std::cell::Cell<bool>,
    /// `DATA_STORE_FAULT` (a test switch): `put` or `get` makes the data
    /// store fail, as an outage would; `panic` makes its lookups panic.
    data_fault: String,
}

thread_local! {
    // One per isolate, for its lifetime. Requests interleave only at awaits,
    // and the memory tier is never borrowed across one.
    static ISOLATE: std::cell::OnceCell<&'static Isolate> = const { std::cell::OnceCell::new() };
}

fn isolate(env: &Env) -> &'static Isolate {
    ISOLATE.with(|cell| {
        *cell.get_or_init(|| {
            let var = |name: &str| env.var(name).map(|v| v.to_string()).ok();
            let hot_bytes = var("HOT_CACHE_BYTES")
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(DEFAULT_HOT_CACHE_BYTES);
            if let Some(bytes) = var("SHARD_CACHE_BYTES").and_then(|v| v.trim().parse().ok()) {
                crate::serve::fonts::with_cache(|c| c.set_capacity(bytes));
            }
            Box::leak(Box::new(Isolate {
                hot: HotCache::new(hot_bytes),
                // A secret (`wrangler secret put`, `.dev.vars`) or a plain var.
                keys: SigningKeys::parse(&var("CHART_SIGNING_KEYS").unwrap_or_default()),
                kv_policy: tier_policy("KV_POLICY", var("KV_POLICY")),
                cache_policy: tier_policy("CACHE_POLICY", var("CACHE_POLICY")),
                budget_on: var("RENDER_BUDGET").is_some_and(|v| v.trim() == "on"),
                ttl: ttl(var("CHART_TTL_SECONDS")),
                data_values_max: data_values_max(var("DATA_VALUES_MAX")),
                data_fault: var("DATA_STORE_FAULT").unwrap_or_default(),
                font_fault: std::cell::Cell::new(
                    var("FONT_FAULT").is_some_and(|v| v.trim() == "once"),
                ),
                log_hits: var("LOG_HITS").is_some_and(|v| v.trim() == "on"),
            }))
        })
    })
}

/// The start work ([`crate::serve::warm`]): the entry module
/// (`src/adapters/entry.mjs`) calls it once per isolate, at module start,
/// before any request. It runs the same flow, with the same store and host
/// types, as a request, but its stores have no binding and its host says
/// `never` to both tiers, so nothing is read or written. Returns what it
/// did as JSON, for the entry's log line.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn start_work() -> String {
    let cache = CacheApi { origin: None };
    let kv = KvTier {
        env: None,
        binding: KV_BINDING,
        ttl: None,
        fault: "",
    };
    let data = KvTier {
        env: None,
        binding: DATA_BINDING,
        ttl: None,
        fault: "",
    };
    let host = WorkerHost {
        stores_off: true,
        ..WorkerHost::default()
    };
    let r = crate::serve::warm::warm_up_with(&cache, &kv, &data, &host);
    // The adapter's own first step of a request. (Not its last: workerd
    // refuses to create a Response in the global scope.)
    let fields = "GET\nhttps://warm.up/charts/warm-up.png\n\0\n\0\nimage/png\n\0\n\0\n\0";
    let _ = crate::serve::http::split_url(RequestFields::split(fields).url);
    format!(
        "{{\"targets\":{},\"answered\":{},\"as_expected\":{},\"revalidated\":{}}}",
        crate::serve::warm::TARGETS.len(),
        r.answered,
        r.as_expected,
        r.revalidated
    )
}

// The request's fields and the response, each in one crossing between wasm
// and JavaScript: workers-rs' types read the method, URL, headers and `cf`
// object of every request whether used or not, and set a response's headers
// one call (and two string copies) at a time. A memory hit is little more
// than these two crossings and the flow, so they are most of what it costs.
#[wasm_bindgen::prelude::wasm_bindgen(inline_js = r#"
export function request_fields(req) {
  const h = req.headers;
  const f = (n) => { const v = h.get(n); return v === null ? '\u0000' : v; };
  return [req.method, req.url, f('if-none-match'), f('if-modified-since'), f('accept'),
    f('content-type'), f('cf-connecting-ip'), f('content-length')].join('\n');
}
export function on_panic(message) {
  if (typeof globalThis.__edgechartOnPanic === 'function') globalThis.__edgechartOnPanic(message);
}
export function make_response(status, head, body, hasBody) {
  const headers = new Headers();
  const parts = head.split('\n');
  for (let i = 0; i + 1 < parts.length; i += 2) headers.append(parts[i], parts[i + 1]);
  return new Response(hasBody ? body.slice() : null, { status, headers });
}
"#)]
extern "C" {
    /// `method`, `url` and the headers the flow reads, in [`RequestFields`]'
    /// order, joined by line feeds (which no URL or header value holds); an
    /// absent header is a NUL (which no header value holds either).
    fn request_fields(req: &web_sys::Request) -> String;
    /// A response from the status, `name \n value \n ...` and the body
    /// (copied into JavaScript's memory; `has_body` false: none).
    fn make_response(status: u16, head: &str, body: &[u8], has_body: bool) -> web_sys::Response;
    /// Tells the entry module a panic is aborting this instance, so that it
    /// answers the requests in flight with the contract's 500.
    fn on_panic(message: &str);
}

/// Once per instance: [`hear_panics`].
static PANIC_HOOK: std::sync::Once = std::sync::Once::new();

/// Chains a panic hook after workers-rs' (which logs the panic and has the
/// instance re-made): the entry module hears of the panic before the abort
/// traps, since a trap inside a task (a promise's callback) reaches no
/// caller and would leave the request hanging.
fn hear_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        previous(info);
        on_panic(&info.to_string());
    }));
}

/// What [`request_fields`] returns, split.
struct RequestFields<'a> {
    method: &'a str,
    url: &'a str,
    if_none_match: Option<&'a str>,
    if_modified_since: Option<&'a str>,
    accept: Option<&'a str>,
    content_type: Option<&'a str>,
    client_ip: Option<&'a str>,
    content_length: Option<&'a str>,
}

impl RequestFields<'_> {
    fn split(joined: &str) -> RequestFields<'_> {
        let mut it = joined.split('\n');
        let method = it.next().unwrap_or_default();
        let url = it.next().unwrap_or_default();
        let mut header = || it.next().filter(|v| *v != "\0");
        RequestFields {
            method,
            url,
            if_none_match: header(),
            if_modified_since: header(),
            accept: header(),
            content_type: header(),
            client_ip: header(),
            content_length: header(),
        }
    }
}

#[event(fetch)]
async fn fetch(req: web_sys::Request, env: Env, ctx: Context) -> worker::Result<web_sys::Response> {
    // First, before anything that could panic (an instance made after a
    // panic runs no start work, so not there).
    PANIC_HOOK.call_once(hear_panics);
    match answer(req, env, ctx).await {
        Ok(response) => Ok(response),
        Err(e) => {
            // The runtime's own 500 would carry no headers of ours: answer
            // with the contract's 500 instead, from constants that cannot fail.
            console_error!("adapter failure, answering 500: {e}");
            Ok(fallback_500())
        }
    }
}

/// The contract's 500 for a request that panicked, as JSON: `{"headers":
/// [[name, value], ...], "body": text}`. A panic aborts the module, which
/// then cannot answer anything: the entry module (`src/adapters/entry.mjs`)
/// asks for this once at start and answers with it (adding `Date`) when a
/// request traps, so even a panic gets the core's own 500.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn panic_answer() -> String {
    let r = flow::internal_error(&Request::get("/"));
    serde_json::json!({
        "headers": r.headers,
        "body": String::from_utf8_lossy(&r.body),
    })
    .to_string()
}

/// The contract's 500 (no-store, Vary, CORS, a message, Date), built from
/// the core's own error answer.
fn fallback_500() -> web_sys::Response {
    let mut r = flow::internal_error(&Request::get("/"));
    r.set("Date", flow::date_now(&WorkerHost::default()));
    to_js(r, false)
}

async fn answer(
    req: web_sys::Request,
    env: Env,
    ctx: Context,
) -> worker::Result<web_sys::Response> {
    let joined = request_fields(&req);
    let fields = RequestFields::split(&joined);
    // The runtime hands over the URL already serialized (WHATWG): split it
    // here instead of parsing it again with the `url` crate (whose parser
    // and IDNA code would be 20 KB of the gzipped Worker for no check).
    let (origin, path, query) = crate::serve::http::split_url(fields.url);
    let owned = |v: Option<&str>| v.map(str::to_string);
    let mut core = Request {
        // The method as sent (workers-rs' `Method` maps every method it
        // does not know, PROPFIND, MKCOL, ..., to GET).
        method: fields.method.to_string(),
        path: path.to_string(),
        query: query.map(str::to_string),
        if_none_match: owned(fields.if_none_match),
        if_modified_since: owned(fields.if_modified_since),
        accept: owned(fields.accept),
        content_type: owned(fields.content_type),
        body: Vec::new(),
        body_over: false,
    };
    // Only `POST /data` has a body worth reading, and never past the bound.
    if fields.method == "POST" && path == "/data" {
        let declared = fields
            .content_length
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|n| n > crate::dataset::BODY_MAX as u64) {
            core.body_over = true;
        } else {
            let mut req = worker::Request::from(req);
            (core.body, core.body_over) = read_body(&mut req).await?;
        }
    }
    let cache = CacheApi {
        origin: Some(origin.to_string()),
    };
    let config = isolate(&env);
    let host = WorkerHost {
        stores_off: false,
        config: Some(config),
        env: Some(env.clone()),
        budget: config.budget_on.then(|| Limiter::bind(&env)).flatten(),
        client: match config.budget_on {
            true => fields.client_ip.unwrap_or_default().to_string(),
            false => String::new(),
        },
    };
    let kv = KvTier {
        env: Some(env.clone()),
        binding: KV_BINDING,
        ttl: Some(config.ttl),
        fault: "",
    };
    let data = KvTier {
        env: Some(env),
        binding: DATA_BINDING,
        ttl: None,
        fault: &config.data_fault,
    };
    let hot = &config.hot;
    let outcome = flow::handle_with_data(&core, hot, &cache, &kv, &data, &host).await;
    // Memory hits and 304s log nothing unless `LOG_HITS` is on: see wrangler.toml.
    let record = (config.log_hits || !outcome.is_quiet()).then(|| outcome.log_record(&core));
    let response = to_js(outcome.response, core.is_head());
    match outcome.write_back {
        // Nothing to store and nothing went wrong (a hit, a 304, a cheap
        // render, a client's error): the log line now, no task left behind.
        None if outcome.log.is_empty() => {
            if let Some(record) = record {
                console_log!("{record}");
            }
        }
        write_back => {
            // Stores and fault lines wait until the response is on its way:
            // in `wait_until`, behind a zero timer (a macrotask, so after
            // the handler has returned).
            let faults = outcome.log;
            ctx.wait_until(async move {
                worker::Delay::from(std::time::Duration::ZERO).await;
                for line in &faults {
                    console_warn!("{line}");
                }
                if let Some(record) = record {
                    console_log!("{record}");
                }
                if let Some(wb) = write_back {
                    for line in flow::write_back(&wb, hot, &cache, &kv).await {
                        console_error!("{line}");
                    }
                }
            });
        }
    }
    Ok(response)
}

/// The body, chunk by chunk, stopping once it passes the bound: `true`
/// says it did (the rest is never read into memory).
async fn read_body(req: &mut worker::Request) -> worker::Result<(Vec<u8>, bool)> {
    use futures_core::Stream;
    let mut stream = req.stream()?;
    let mut body = Vec::new();
    loop {
        let next = std::future::poll_fn(|cx| std::pin::Pin::new(&mut stream).poll_next(cx)).await;
        match next {
            None => return Ok((body, false)),
            Some(chunk) => {
                let chunk = chunk?;
                if body.len() + chunk.len() > crate::dataset::BODY_MAX {
                    return Ok((Vec::new(), true));
                }
                body.extend_from_slice(&chunk);
            }
        }
    }
}

fn data_values_max(value: Option<String>) -> usize {
    use crate::dataset::{VALUES_MAX_CEILING, VALUES_MAX_DEFAULT};
    match value.map(|v| v.trim().parse::<usize>()) {
        None => VALUES_MAX_DEFAULT,
        Some(Ok(n)) if (1..=VALUES_MAX_CEILING).contains(&n) => n,
        Some(_) => {
            console_log!(
                "DATA_VALUES_MAX is not a number from 1 to {VALUES_MAX_CEILING}; using {VALUES_MAX_DEFAULT}"
            );
            VALUES_MAX_DEFAULT
        }
    }
}

fn tier_policy(name: &str, value: Option<String>) -> TierPolicy {
    match value {
        Some(v) => TierPolicy::parse(&v).unwrap_or_else(|| {
            console_log!(
                "{name}={v:?} is not always, never, costly or costly:<fuel>; using costly"
            );
            TierPolicy::default()
        }),
        None => TierPolicy::default(),
    }
}

fn ttl(value: Option<String>) -> u64 {
    match value {
        Some(v) => match v.trim().parse::<u64>() {
            Ok(t) => t.max(MIN_TTL),
            Err(_) => {
                console_log!(
                    "CHART_TTL_SECONDS={v:?} is not a number of seconds; using {DEFAULT_TTL}"
                );
                DEFAULT_TTL
            }
        },
        None => DEFAULT_TTL,
    }
}

/// The core's response as the runtime's, in one crossing. No body for 304
/// and HEAD; the headers keep the GET's Content-Length.
fn to_js(r: Response, head: bool) -> web_sys::Response {
    let mut joined = String::with_capacity(r.headers.len() * 48);
    for (name, value) in &r.headers {
        joined.push_str(name);
        joined.push('\n');
        joined.push_str(value);
        joined.push('\n');
    }
    let has_body = !(r.status == 304 || head || r.body.is_empty());
    make_response(r.status, &joined, &r.body, has_body)
}

/// The runtime as the flow sees it, for one request.
#[derive(Default)]
struct WorkerHost {
    /// The isolate's configuration; none for the fallback 500.
    config: Option<&'static Isolate>,
    /// The bindings, for the static assets (font shards); none in the
    /// start work, which fetches nothing.
    env: Option<Env>,
    /// The `[[ratelimits]]` binding; none configured means no budget.
    budget: Option<Limiter>,
    /// `CF-Connecting-IP`: whose budget a render spends.
    client: String,
    /// The start work: both tiers `never`, so no store is asked.
    stores_off: bool,
}

impl Host for WorkerHost {
    fn now_ms(&self) -> f64 {
        // Workers advance the clock only across I/O, so render times read 0
        // in production (a Spectre mitigation); `wrangler dev` is the same.
        worker::Date::now().as_millis() as f64
    }

    fn random_seed(&self) -> [u8; 32] {
        let mut seed = [0u8; 32];
        if let Err(e) = getrandom::fill(&mut seed) {
            console_error!("getrandom failed: {e}");
        }
        seed
    }

    fn kv_policy(&self) -> TierPolicy {
        match self.config {
            _ if self.stores_off => TierPolicy::Never,
            Some(c) => c.kv_policy,
            None => TierPolicy::default(),
        }
    }

    fn cache_policy(&self) -> TierPolicy {
        match self.config {
            _ if self.stores_off => TierPolicy::Never,
            Some(c) => c.cache_policy,
            None => TierPolicy::default(),
        }
    }

    fn signing_keys(&self) -> &SigningKeys {
        self.config.map_or(&NO_KEYS, |c| &c.keys)
    }

    fn data_values_max(&self) -> usize {
        self.config
            .map_or(crate::dataset::VALUES_MAX_DEFAULT, |c| c.data_values_max)
    }

    /// A shard from the static assets (`ASSETS` binding): a fetch inside
    /// the data centre, without a network round trip.
    async fn shard_bytes(&self, shard: &crate::text::Shard) -> Result<Vec<u8>, String> {
        let env = self.env.as_ref().ok_or("no bindings")?;
        if let Some(c) = self.config {
            if c.font_fault.get() {
                // The test switch FONT_FAULT=once: this isolate's first shard fetch fails.
                c.font_fault.set(false);
                return Err("FONT_FAULT: the first shard fetch fails".into());
            }
        }
        let assets = env
            .assets(ASSETS_BINDING)
            .map_err(|e| format!("no {ASSETS_BINDING} binding: {e}"))?;
        let mut r = assets
            .fetch(format!("https://assets.invalid{}", shard.path), None)
            .await
            .map_err(|e| format!("fetch {}: {e}", shard.path))?;
        if r.status_code() != 200 {
            return Err(format!("fetch {}: status {}", shard.path, r.status_code()));
        }
        r.bytes()
            .await
            .map_err(|e| format!("read {}: {e}", shard.path))
    }

    async fn may_render(&self) -> Result<(), u32> {
        let Some(budget) = &self.budget else {
            return Ok(());
        };
        match budget.limit(&self.client).await {
            Ok(false) => Err(RETRY_AFTER_SECONDS),
            Ok(true) => Ok(()),
            Err(e) => {
                // A failing limiter must not take charts down with it.
                console_warn!("render budget check failed, rendering anyway: {e}");
                Ok(())
            }
        }
    }
}

/// The rate limiting binding, called through JavaScript: workers-rs'
/// `env.rate_limiter` checks the binding's constructor name, which differs
/// between workerd builds (wrangler dev's is not `Ratelimit`), and then
/// refuses a binding that works.
struct Limiter(JsValue);

impl Limiter {
    fn bind(env: &Env) -> Option<Limiter> {
        let binding = js_sys::Reflect::get(env.as_ref(), &RENDER_BUDGET_BINDING.into()).ok()?;
        if binding.is_undefined() {
            console_warn!(
                "RENDER_BUDGET is on but there is no {RENDER_BUDGET_BINDING} binding: no budget"
            );
            return None;
        }
        Some(Limiter(binding))
    }

    /// `binding.limit({ key })`: whether `key` may spend one more.
    async fn limit(&self, key: &str) -> Result<bool, String> {
        let err = |e: JsValue| format!("{e:?}");
        let limit: js_sys::Function = js_sys::Reflect::get(&self.0, &"limit".into())
            .map_err(err)?
            .dyn_into()
            .map_err(err)?;
        let options = js_sys::Object::new();
        js_sys::Reflect::set(&options, &"key".into(), &key.into()).map_err(err)?;
        let promise: js_sys::Promise = limit
            .call1(&self.0, &options)
            .map_err(err)?
            .dyn_into()
            .map_err(err)?;
        let outcome = wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map_err(err)?;
        let success = js_sys::Reflect::get(&outcome, &"success".into()).map_err(err)?;
        Ok(success.as_bool().unwrap_or(true))
    }
}

/// A KV namespace: charts (global tier, with expiry) or data sets (no
/// expiry). A missing binding acts as an always-failing tier, so charts
/// are still rendered (and the fault is visible).
struct KvTier<'a> {
    /// The binding is looked up only when KV is used: most requests are
    /// memory hits, 304s or cheap charts that never reach it. None at
    /// start, when there is no `Env` (and no store may be asked).
    env: Option<Env>,
    binding: &'static str,
    /// Seconds an entry lives after its write; `None`: forever.
    ttl: Option<u64>,
    /// The test switch `DATA_STORE_FAULT`: `get` or `put` fails, `panic`
    /// panics in a lookup.
    fault: &'a str,
}

impl KvTier<'_> {
    fn kv(&self) -> Result<KvStore, StoreError> {
        let binding = self.binding;
        self.env
            .as_ref()
            .ok_or_else(|| StoreError(format!("no KV at start ({binding})")))?
            .kv(binding)
            .map_err(|_| StoreError(format!("no KV binding named {binding}")))
    }
}

impl ChartStore for KvTier<'_> {
    async fn get(&self, key: &str) -> Result<Option<StoredChart>, StoreError> {
        match self.fault {
            "get" => return Err(StoreError("DATA_STORE_FAULT=get (a test switch)".into())),
            "panic" => panic!("DATA_STORE_FAULT=panic (a test switch): a panic in a lookup"),
            _ => {}
        }
        let (body, meta) = self
            .kv()?
            .get(key)
            .bytes_with_metadata::<serde_json::Value>()
            .await
            .map_err(|e| StoreError(e.to_string()))?;
        Ok(body.map(|body| StoredChart {
            body,
            meta: meta.map(|m| m.to_string()).unwrap_or_default(),
        }))
    }

    async fn put(&self, key: &str, chart: &StoredChart) -> Result<(), StoreError> {
        if self.fault == "put" {
            return Err(StoreError("DATA_STORE_FAULT=put (a test switch)".into()));
        }
        let meta: serde_json::Value =
            serde_json::from_str(&chart.meta).map_err(|e| StoreError(e.to_string()))?;
        let put = self
            .kv()?
            .put_bytes(key, &chart.body)
            .and_then(|b| b.metadata(meta))
            .map_err(|e| StoreError(e.to_string()))?;
        let put = match self.ttl {
            Some(ttl) => put.expiration_ttl(ttl),
            None => put,
        };
        put.execute().await.map_err(|e| StoreError(e.to_string()))
    }
}

/// The Cache API (per data centre), keyed by a URL on the Worker's own origin
/// that no route serves.
struct CacheApi {
    /// None at start, when there is no request (and no store may be asked).
    origin: Option<String>,
}

impl CacheApi {
    fn url(&self, key: &str) -> Result<String, StoreError> {
        match &self.origin {
            Some(origin) => Ok(format!("{origin}/__edgechart-cache/{key}")),
            None => Err(StoreError("no Cache API at start".into())),
        }
    }
}

impl ChartStore for CacheApi {
    async fn get(&self, key: &str) -> Result<Option<StoredChart>, StoreError> {
        let err = |e: worker::Error| StoreError(e.to_string());
        let Some(mut resp) = Cache::default()
            .get(self.url(key)?, false)
            .await
            .map_err(err)?
        else {
            return Ok(None);
        };
        let meta = resp
            .headers()
            .get(META_HEADER)
            .map_err(err)?
            .unwrap_or_default();
        let body = resp.bytes().await.map_err(err)?;
        Ok(Some(StoredChart { body, meta }))
    }

    async fn put(&self, key: &str, chart: &StoredChart) -> Result<(), StoreError> {
        let err = |e: worker::Error| StoreError(e.to_string());
        let headers = Headers::new();
        headers
            .set("content-type", &chart.content_type().unwrap_or_default())
            .map_err(err)?;
        headers
            .set("cache-control", crate::serve::http::CACHE_IMMUTABLE)
            .map_err(err)?;
        headers.set(META_HEADER, &chart.meta).map_err(err)?;
        let resp = worker::Response::from_bytes(chart.body.clone())
            .map_err(err)?
            .with_headers(headers);
        Cache::default()
            .put(self.url(key)?, resp)
            .await
            .map_err(err)
    }
}
