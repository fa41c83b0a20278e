//! The request flow, written once for every runtime: route, parse, answer
//! revalidations before any I/O, look up the isolate's memory, the edge
//! cache, then KV (checking what storage returns), render on a miss, and
//! hand back what to store after the response has gone out.

use crate::http::{not_modified, prefers_image, Request, Response, CACHE_IMMUTABLE, CACHE_NONE};
use crate::httpdate;
use crate::identity::{identity, Identity};
use crate::render::{render_chart, render_message_png, render_with_seed};
use crate::spec::{parse, ParamError, RouteKind};
use crate::store::{ChartStore, HotCache, StoredChart, CONTENT_TYPE_PNG};

/// What the flow needs from its runtime besides storage.
pub trait Host {
    /// Milliseconds since the Unix epoch: `Date` and `Server-Timing`.
    fn now_ms(&self) -> f64;
    /// 32 bytes of fresh entropy for `/random.png`.
    fn random_seed(&self) -> [u8; 32];
}

/// Where a chart's bytes came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Memory,
    Edge,
    Kv,
    Render,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Memory => "memory",
            Source::Edge => "edge",
            Source::Kv => "kv",
            Source::Render => "render",
        }
    }
}

/// Stores to make after the response is sent (`ctx.wait_until` at the edge).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteBack {
    pub key: String,
    pub chart: StoredChart,
    pub to_edge: bool,
    pub to_kv: bool,
}

/// The response, the stores to make after it, and log lines for faults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub response: Response,
    pub write_back: Option<WriteBack>,
    pub log: Vec<String>,
}

impl Outcome {
    fn only(response: Response) -> Outcome {
        Outcome {
            response,
            write_back: None,
            log: Vec::new(),
        }
    }
}

/// The routes of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route<'a> {
    /// `/charts/{name}.png`; the name is not yet validated.
    Chart(&'a str),
    Random,
    NotFound,
}

pub fn route(path: &str) -> Route<'_> {
    if path == "/random.png" {
        return Route::Random;
    }
    match path
        .strip_prefix("/charts/")
        .and_then(|p| p.strip_suffix(".png"))
    {
        Some(name) => Route::Chart(name),
        None => Route::NotFound,
    }
}

/// Answers one request.
pub async fn handle<E: ChartStore, K: ChartStore, H: Host>(
    req: &Request,
    hot: &HotCache,
    edge: &E,
    kv: &K,
    host: &H,
) -> Outcome {
    let mut outcome = match route(&req.path) {
        Route::NotFound => Outcome::only(error(
            req,
            404,
            "Not Found",
            "no such route; charts live at /charts/{name}.png",
            None,
        )),
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
        Route::Random => random_chart(req, host),
        Route::Chart(name) => named_chart(req, name, hot, edge, kv, host).await,
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

async fn named_chart<E: ChartStore, K: ChartStore, H: Host>(
    req: &Request,
    name: &str,
    hot: &HotCache,
    edge: &E,
    kv: &K,
    host: &H,
) -> Outcome {
    let spec = match parse(name, req.query.as_deref(), RouteKind::Named) {
        Ok(spec) => spec,
        Err(e) => return Outcome::only(bad_request(req, &e)),
    };
    let id = identity(&spec);
    if not_modified(req, &id.etag, id.last_modified) {
        return Outcome::only(
            validators(Response::new(304), &id)
                .header("Server-Timing", "revalidate;desc=\"304 before lookup\""),
        );
    }

    let mut faults: Vec<String> = Vec::new();
    let mut log: Vec<String> = Vec::new();
    let mut timing: Vec<String> = Vec::new();
    if let Some(body) = hot.get(&id.key) {
        timing.push("memory;desc=\"hit\"".into());
        return Outcome::only(chart_response(&id, body, Source::Memory, &timing, &faults));
    }
    if let Some(chart) = lookup(edge, &id, "edge", &mut faults, &mut log).await {
        hot.put(&id.key, &chart.body);
        timing.push("edge;desc=\"hit\"".into());
        let response = chart_response(&id, chart.body, Source::Edge, &timing, &faults);
        return Outcome {
            response,
            write_back: None,
            log,
        };
    }
    timing.push("edge;desc=\"miss\"".into());
    if let Some(chart) = lookup(kv, &id, "kv", &mut faults, &mut log).await {
        hot.put(&id.key, &chart.body);
        timing.push("kv;desc=\"hit\"".into());
        let response = chart_response(&id, chart.body.clone(), Source::Kv, &timing, &faults);
        let write_back = WriteBack {
            key: id.key.clone(),
            chart,
            to_edge: true,
            to_kv: false,
        };
        return Outcome {
            response,
            write_back: Some(write_back),
            log,
        };
    }
    timing.push("kv;desc=\"miss\"".into());

    let started = host.now_ms();
    match render_chart(&spec) {
        Ok(png) => {
            timing.push(format!("render;dur={:.2}", host.now_ms() - started));
            hot.put(&id.key, &png);
            let stored = StoredChart::new(&id, png);
            let response =
                chart_response(&id, stored.body.clone(), Source::Render, &timing, &faults);
            Outcome {
                response,
                write_back: Some(WriteBack {
                    key: id.key.clone(),
                    chart: stored,
                    to_edge: true,
                    to_kv: true,
                }),
                log,
            }
        }
        Err(e) => {
            log.push(format!("render failed for {}: {}", id.key, e.0));
            Outcome {
                response: internal_error(req),
                write_back: None,
                log,
            }
        }
    }
}

/// Looks `id` up in one tier. A failing or corrupt tier is a miss, noted in
/// `faults` (response header) and `log`.
async fn lookup<S: ChartStore>(
    store: &S,
    id: &Identity,
    tier: &str,
    faults: &mut Vec<String>,
    log: &mut Vec<String>,
) -> Option<StoredChart> {
    match store.get(&id.key).await {
        Ok(Some(chart)) => match chart.verify(id) {
            Ok(()) => Some(chart),
            Err(why) => {
                faults.push(format!("{tier}-corrupt"));
                log.push(format!(
                    "{tier} value for {} rejected: {why}; re-rendering",
                    id.key
                ));
                None
            }
        },
        Ok(None) => None,
        Err(e) => {
            faults.push(format!("{tier}-get-failed"));
            log.push(format!("{tier} get for {} failed: {}", id.key, e.0));
            None
        }
    }
}

/// Makes the stores of a [`WriteBack`]; returns log lines for any that failed.
pub async fn write_back<E: ChartStore, K: ChartStore>(
    wb: &WriteBack,
    edge: &E,
    kv: &K,
) -> Vec<String> {
    let mut log = Vec::new();
    if wb.to_kv {
        if let Err(e) = kv.put(&wb.key, &wb.chart).await {
            log.push(format!("kv put for {} failed: {}", wb.key, e.0));
        }
    }
    if wb.to_edge {
        if let Err(e) = edge.put(&wb.key, &wb.chart).await {
            log.push(format!("edge put for {} failed: {}", wb.key, e.0));
        }
    }
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
const EXPOSED: &str =
    "ETag, Last-Modified, X-Chart-Source, X-Chart-Fault, X-Chart-Error, Server-Timing";

fn chart_response(
    id: &Identity,
    body: Vec<u8>,
    source: Source,
    timing: &[String],
    faults: &[String],
) -> Response {
    let mut r = validators(Response::new(200), id)
        .header("Content-Type", CONTENT_TYPE_PNG)
        .header("Content-Length", body.len().to_string())
        .header("X-Chart-Source", source.as_str())
        .header("Server-Timing", timing.join(", "));
    if !faults.is_empty() {
        r = r.header("X-Chart-Fault", faults.join(", "));
    }
    r.body = body;
    r
}

fn random_chart<H: Host>(req: &Request, host: &H) -> Outcome {
    let spec = match parse("random", req.query.as_deref(), RouteKind::Random) {
        Ok(spec) => spec,
        Err(e) => return Outcome::only(bad_request(req, &e)),
    };
    let started = host.now_ms();
    match render_with_seed(&spec, host.random_seed()) {
        Ok(png) => {
            let mut r = Response::new(200)
                .header("Content-Type", CONTENT_TYPE_PNG)
                .header("Content-Length", png.len().to_string())
                .header("Cache-Control", CACHE_NONE)
                .header("Access-Control-Allow-Origin", "*")
                .header("Access-Control-Expose-Headers", EXPOSED)
                .header("X-Chart-Source", Source::Render.as_str())
                .header(
                    "Server-Timing",
                    format!("render;dur={:.2}", host.now_ms() - started),
                );
            r.body = png;
            Outcome::only(r)
        }
        Err(e) => Outcome {
            response: internal_error(req),
            write_back: None,
            log: vec![format!("render of /random.png failed: {}", e.0)],
        },
    }
}

fn bad_request(req: &Request, e: &ParamError) -> Response {
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
        true => match render_message_png(&[&heading, message]) {
            Ok(png) => (CONTENT_TYPE_PNG, png),
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
