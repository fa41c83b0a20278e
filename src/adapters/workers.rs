//! The Cloudflare Workers adapter: workers-rs request and response types, KV
//! and the Cache API as [`ChartStore`]s, stores in `ctx.wait_until`.

use worker::wasm_bindgen::{JsCast, JsValue};
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
/// PNG bytes each isolate keeps in memory unless `HOT_CACHE_BYTES` says
/// otherwise (of the isolate's 128 MiB; renders peak near 8 MiB).
const DEFAULT_HOT_CACHE_BYTES: usize = 16 << 20;
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
    /// `DATA_STORE_FAULT` (a test switch): `put` or `get` makes the data
    /// store fail, as an outage would.
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
            }))
        })
    })
}

#[event(fetch)]
async fn fetch(req: worker::Request, env: Env, ctx: Context) -> worker::Result<worker::Response> {
    match answer(req, env, ctx).await {
        Ok(response) => Ok(response),
        Err(e) => {
            // The runtime's own 500 would carry no headers of ours: answer
            // with the contract's 500 instead, from constants that cannot fail.
            console_error!("adapter failure, answering 500: {e}");
            fallback_500()
        }
    }
}

/// The contract's 500 (no-store, Vary, CORS, a message, Date), built from
/// the core's own error answer.
fn fallback_500() -> worker::Result<worker::Response> {
    let mut r = flow::internal_error(&Request::get("/"));
    r.set("Date", flow::date_now(&WorkerHost::default()));
    to_worker(r, false)
}

async fn answer(
    mut req: worker::Request,
    env: Env,
    ctx: Context,
) -> worker::Result<worker::Response> {
    // The runtime hands over the URL already serialized (WHATWG): split it
    // here instead of parsing it again with the `url` crate (whose parser
    // and IDNA code would be 20 KB of the gzipped Worker for no check).
    let url = req.inner().url();
    let (origin, path, query) = crate::serve::http::split_url(&url);
    let header = |name: &str| req.headers().get(name).ok().flatten();
    let method = req.inner().method();
    let mut core = Request {
        // The method as sent: workers-rs' `Method` maps every method it
        // does not know (PROPFIND, MKCOL, ...) to GET.
        method: method.clone(),
        path: path.to_string(),
        query: query.map(str::to_string),
        if_none_match: header("if-none-match"),
        if_modified_since: header("if-modified-since"),
        accept: header("accept"),
        content_type: header("content-type"),
        body: Vec::new(),
        body_over: false,
    };
    let client_ip = header("cf-connecting-ip");
    // Only `POST /data` has a body worth reading, and never past the bound.
    if method == "POST" && path == "/data" {
        let declared = header("content-length").and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|n| n > crate::dataset::BODY_MAX as u64) {
            core.body_over = true;
        } else {
            (core.body, core.body_over) = read_body(&mut req).await?;
        }
    }
    let cache = CacheApi {
        origin: origin.to_string(),
    };
    let config = isolate(&env);
    let kv = KvTier {
        env: env.clone(),
        binding: KV_BINDING,
        ttl: Some(config.ttl),
        fault: "",
    };
    let data = KvTier {
        env: env.clone(),
        binding: DATA_BINDING,
        ttl: None,
        fault: &config.data_fault,
    };
    let host = WorkerHost {
        config: Some(config),
        budget: config.budget_on.then(|| Limiter::bind(&env)).flatten(),
        client: match config.budget_on {
            true => client_ip.unwrap_or_default(),
            false => String::new(),
        },
    };
    let hot = &config.hot;
    let outcome = flow::handle_with_data(&core, hot, &cache, &kv, &data, &host).await;
    // Logging and the stores wait until the response is on its way: in
    // `wait_until`, behind a zero timer (a macrotask, so after the handler
    // has returned), so neither is in the response's path.
    let record = outcome.log_record(&core);
    let faults = outcome.log;
    let write_back = outcome.write_back;
    let head = core.is_head();
    ctx.wait_until(async move {
        worker::Delay::from(std::time::Duration::ZERO).await;
        for line in &faults {
            console_warn!("{line}");
        }
        console_log!("{record}");
        if let Some(wb) = write_back {
            for line in flow::write_back(&wb, hot, &cache, &kv).await {
                console_error!("{line}");
            }
        }
    });
    to_worker(outcome.response, head)
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

fn to_worker(r: Response, head: bool) -> worker::Result<worker::Response> {
    let headers = Headers::new();
    for (name, value) in &r.headers {
        headers.append(name, value)?;
    }
    // No body for 304 and HEAD; the headers keep the GET's Content-Length.
    let response = if r.status == 304 || head || r.body.is_empty() {
        worker::Response::empty()?
    } else {
        worker::Response::from_bytes(r.body)?
    };
    Ok(response.with_status(r.status).with_headers(headers))
}

/// The runtime as the flow sees it, for one request.
#[derive(Default)]
struct WorkerHost {
    /// The isolate's configuration; none for the fallback 500.
    config: Option<&'static Isolate>,
    /// The `[[ratelimits]]` binding; none configured means no budget.
    budget: Option<Limiter>,
    /// `CF-Connecting-IP`: whose budget a render spends.
    client: String,
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
        self.config
            .map_or_else(TierPolicy::default, |c| c.kv_policy)
    }

    fn cache_policy(&self) -> TierPolicy {
        self.config
            .map_or_else(TierPolicy::default, |c| c.cache_policy)
    }

    fn signing_keys(&self) -> &SigningKeys {
        self.config.map_or(&NO_KEYS, |c| &c.keys)
    }

    fn data_values_max(&self) -> usize {
        self.config
            .map_or(crate::dataset::VALUES_MAX_DEFAULT, |c| c.data_values_max)
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
    /// memory hits, 304s or cheap charts that never reach it.
    env: Env,
    binding: &'static str,
    /// Seconds an entry lives after its write; `None`: forever.
    ttl: Option<u64>,
    /// The test switch `DATA_STORE_FAULT`: `get` or `put` fails.
    fault: &'a str,
}

impl KvTier<'_> {
    fn kv(&self) -> Result<KvStore, StoreError> {
        let binding = self.binding;
        self.env
            .kv(binding)
            .map_err(|_| StoreError(format!("no KV binding named {binding}")))
    }
}

impl ChartStore for KvTier<'_> {
    async fn get(&self, key: &str) -> Result<Option<StoredChart>, StoreError> {
        if self.fault == "get" {
            return Err(StoreError("DATA_STORE_FAULT=get (a test switch)".into()));
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
    origin: String,
}

impl CacheApi {
    fn url(&self, key: &str) -> String {
        format!("{}/__edgechart-cache/{key}", self.origin)
    }
}

impl ChartStore for CacheApi {
    async fn get(&self, key: &str) -> Result<Option<StoredChart>, StoreError> {
        let err = |e: worker::Error| StoreError(e.to_string());
        let Some(mut resp) = Cache::default()
            .get(self.url(key), false)
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
        Cache::default().put(self.url(key), resp).await.map_err(err)
    }
}
