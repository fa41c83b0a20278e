//! Data beyond a URL, served: `POST /data` stores a data set and answers
//! 201 only once it is durably there, and `/charts/d/{id}.{ext}` charts a
//! stored data set like any chart. Data sets live in their own store (KV
//! binding `DATA`, without expiry, so chart expiry never touches them) and,
//! once read and verified, in the isolate's memory under `data/{id}`.

use sha2::{Digest, Sha256};

use crate::dataset::body::{self, BodyType};
use crate::dataset::{self, DataError, DataSet};
use crate::serve::flow::{
    bad_request, chart, error, too_many_renders, Host, Outcome, Stores, EXPOSED,
};
use crate::serve::http::{Request, Response, CACHE_NONE};
use crate::serve::sign::{sign_url, verify_with};
use crate::serve::store::{ChartStore, HotCache, StoreError, StoredChart};
use crate::spec::identity::hex;
use crate::spec::{parse_stored, Format};

/// `Retry-After` of a 503 when the data store failed: KV allows one write
/// per key per second, and an outage is worth a few seconds' wait.
const RETRY_AFTER_SECONDS: u32 = 5;

/// How many times a POST waits for a concurrent POST of the same data set
/// in this isolate to finish storing it before storing it itself.
const WAIT_ROUNDS: u32 = 64;

/// A store that holds nothing and takes nothing: runtimes without a data
/// store (the chart-only tests) answer `POST /data` with 503.
pub struct NoDataStore;

impl ChartStore for NoDataStore {
    async fn get(&self, _key: &str) -> Result<Option<StoredChart>, StoreError> {
        Ok(None)
    }
    async fn put(&self, _key: &str, _chart: &StoredChart) -> Result<(), StoreError> {
        Err(StoreError(
            "no data store is configured (KV binding DATA)".into(),
        ))
    }
}

/// The key of a data set in the isolate's memory (chart keys start with
/// `r{version}/`, so the two never meet).
fn memory_key(id: &str) -> String {
    format!("data/{id}")
}

/// The stored value of a data set: its canonical form, with metadata that
/// says what it is (the digest is the id itself).
pub fn stored_value(id: &str, canonical: Vec<u8>) -> StoredChart {
    let meta = serde_json::json!({
        "data": 1,
        "id": id,
        "length": canonical.len(),
        "content_type": "application/vnd.edgechart.data",
    })
    .to_string();
    StoredChart {
        body: canonical,
        meta,
    }
}

/// `OPTIONS`, `POST` and the 405 of `/data`.
pub async fn post<H: Host, D: ChartStore>(
    req: &Request,
    hot: &HotCache,
    data: &D,
    host: &H,
) -> Outcome {
    match req.method.as_str() {
        "OPTIONS" => return Outcome::only(preflight()),
        "POST" => {}
        other => {
            let mut r = error(
                req,
                405,
                "Method Not Allowed",
                &format!(
                    "{} is not allowed on /data; POST a data set ({})",
                    other.get(..20).unwrap_or(other),
                    body::ACCEPTED
                ),
                None,
            );
            r.set("Allow", "POST");
            return Outcome::only(r);
        }
    }
    if req.body_over {
        return Outcome::only(data_error(
            req,
            &DataError::too_large(
                "body",
                format!(
                    "the body is longer than {} bytes (8 MiB), the most POST /data reads",
                    dataset::BODY_MAX
                ),
            ),
        ));
    }
    let kind = match BodyType::of(req.content_type.as_deref()) {
        Ok(k) => k,
        Err(e) => return Outcome::only(data_error(req, &e)),
    };
    // Before the body is hashed or parsed: what both cost grows with its
    // bytes, whatever they hold (padding included).
    if let Err(e) = body::within_budget(req.body.len(), host.data_values_max()) {
        return Outcome::only(data_error(req, &e));
    }
    // A signed POST covers its target and its body: the HMAC of the target
    // up to `sig`, a line feed, and the body's SHA-256 in lowercase hex.
    let keys = host.signing_keys();
    let signed = keys.is_enabled();
    if signed {
        let target = req.target();
        let suffix = format!("\n{}", hex(&Sha256::digest(&req.body)));
        if let Err(e) = verify_with(keys, &target, &suffix) {
            let why = format!(
                "{} (a POST signs its target, a line feed and the body's SHA-256 in hex)",
                e.message()
            );
            return Outcome::only(error(req, 403, "Forbidden", &why, Some("sig")));
        }
    }
    let set = match body::parse(kind, &req.body, host.data_values_max()) {
        Ok(set) => set,
        Err(e) => return Outcome::only(data_error(req, &e)),
    };
    // Storing counts as a render: a stranger's budget bounds what they store.
    if !signed {
        if let Err(retry) = host.may_render().await {
            return Outcome::only(too_many_renders(req, retry));
        }
    }
    let canonical = set.canonical();
    let id = dataset::id_of(&canonical);
    let mut out = Outcome::only(Response::new(500));
    out.key = Some(memory_key(&id));
    match store(&id, canonical, hot, data, &mut out.log).await {
        Ok(()) => out.response = created(&id, &set, host),
        Err(why) => {
            out.log
                .push(format!("POST /data of {id} not stored: {why}"));
            let mut r = error(
                req,
                503,
                "Service Unavailable",
                "the data set could not be stored; nothing was kept; retry",
                None,
            );
            r.set("Retry-After", RETRY_AFTER_SECONDS.to_string());
            out.response = r;
        }
    }
    out
}

/// Stores a data set and confirms it is there: the bytes are checked
/// against their id before writing, a value already stored (by an earlier
/// or a concurrent POST, the same bytes by construction) is confirmed by
/// reading it back, and a write is confirmed by reading back or, where the
/// store cannot show it yet, by its own success.
async fn store<D: ChartStore>(
    id: &str,
    canonical: Vec<u8>,
    hot: &HotCache,
    data: &D,
    log: &mut Vec<String>,
) -> Result<(), String> {
    let key = memory_key(id);
    if hot.contains(&key) {
        return Ok(());
    }
    let value = stored_value(id, canonical);
    let same = |got: &Result<Option<StoredChart>, StoreError>| matches!(got, Ok(Some(v)) if v.body == value.body);
    // Another POST of this data set in this isolate is storing it: wait for
    // it rather than write the key twice.
    let mut rounds = 0;
    while !hot.begin_store(&key) {
        let got = data.get(id).await;
        if hot.contains(&key) || same(&got) {
            return Ok(());
        }
        rounds += 1;
        if rounds == WAIT_ROUNDS {
            return Err("a concurrent store of the same data set did not finish".into());
        }
    }
    let result = async {
        let before = data.get(id).await;
        if same(&before) {
            return Ok(());
        }
        if let Ok(Some(_)) = before {
            log.push(format!(
                "data {id}: the stored value differs; writing it again"
            ));
        }
        match data.put(id, &value).await {
            Ok(()) => match data.get(id).await {
                Ok(Some(v)) if v.body != value.body => {
                    Err("read back a different value after the write".to_string())
                }
                // Read back, or not visible yet (KV is eventually
                // consistent): the write itself succeeded.
                _ => Ok(()),
            },
            // KV's one write per key per second, or a failure that may
            // have written all the same: only a read back proves it.
            Err(e) => match data.get(id).await {
                ref got if same(got) => Ok(()),
                _ => Err(format!("put failed: {}", e.0)),
            },
        }
    }
    .await;
    if result.is_ok() {
        hot.put(&key, &value.body);
    }
    hot.end_store(&key);
    result
}

/// The 201: `Location` of the PNG, and the URL of every format (signed
/// with the first key when signing is on: the POST was the owner's).
fn created<H: Host>(id: &str, set: &DataSet, host: &H) -> Response {
    let keys = host.signing_keys();
    let url = |f: Format| {
        let target = format!("/charts/d/{id}.{}", f.extension());
        match keys.first() {
            Some(k) => sign_url(k, &target),
            None => target,
        }
    };
    let urls: serde_json::Map<String, serde_json::Value> = Format::ALL
        .iter()
        .map(|&f| (f.extension().to_string(), url(f).into()))
        .collect();
    let body = serde_json::json!({
        "id": id,
        "series": set.data.series_count(),
        "numbers": set.len(),
        "labels": set.labels,
        "location": url(Format::Png),
        "urls": urls,
    });
    let mut body = serde_json::to_vec_pretty(&body).expect("JSON serializes");
    body.push(b'\n');
    let mut r = Response::new(201)
        .header("Content-Type", "application/json")
        .header("Content-Length", body.len().to_string())
        .header("Location", url(Format::Png))
        .header("Cache-Control", CACHE_NONE)
        .header("Access-Control-Allow-Origin", "*")
        .header("Access-Control-Expose-Headers", EXPOSED);
    r.body = body;
    r
}

/// The CORS preflight of `POST /data` from another origin.
fn preflight() -> Response {
    Response::new(204)
        .header("Access-Control-Allow-Origin", "*")
        .header("Access-Control-Allow-Methods", "POST, OPTIONS")
        .header("Access-Control-Allow-Headers", "Content-Type")
        .header("Access-Control-Max-Age", "86400")
        .header("Cache-Control", "public, max-age=86400")
}

fn data_error(req: &Request, e: &DataError) -> Response {
    let reason = match e.status {
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        _ => "Bad Request",
    };
    let mut r = error(req, e.status, reason, &e.message, Some(&e.parameter));
    if e.status == 415 {
        r.set("Accept-Post", body::ACCEPT_POST);
    }
    r
}

/// `/charts/d/{id}.{ext}`: the stored data set, then the chart flow.
pub async fn stored_chart<E: ChartStore, K: ChartStore, D: ChartStore, H: Host>(
    req: &Request,
    id: &str,
    format: Format,
    stores: &Stores<'_, E, K>,
    data: &D,
    host: &H,
    signed: bool,
) -> Outcome {
    let not_found = || {
        Outcome::only(error(
            req,
            404,
            "Not Found",
            "no data set has this id; POST /data stores one and answers with its URLs",
            None,
        ))
    };
    if !dataset::is_id(id) {
        return not_found();
    }
    let set = match load(id, stores.hot, data).await {
        Loaded::Set(set) => set,
        Loaded::Missing => return not_found(),
        Loaded::Corrupt(why) => {
            let mut out = Outcome::only(crate::serve::flow::internal_error(req));
            out.log
                .push(format!("stored data set {id} rejected: {why}; not charted"));
            out.response.set("X-Chart-Fault", "data-corrupt");
            return out;
        }
        Loaded::Unavailable(why) => {
            let mut out = Outcome::only(error(
                req,
                503,
                "Service Unavailable",
                "the data set could not be read; retry",
                None,
            ));
            out.response
                .set("Retry-After", RETRY_AFTER_SECONDS.to_string());
            out.response.set("X-Chart-Fault", "data-get-failed");
            out.log.push(format!("data get for {id} failed: {why}"));
            return out;
        }
    };
    match parse_stored(format, id, req.query.as_deref(), &set) {
        Ok((spec, spent)) => chart(req, spec, spent, stores, host, signed).await,
        Err(e) => Outcome::only(bad_request(req, &e)),
    }
}

enum Loaded {
    Set(DataSet),
    Missing,
    Corrupt(String),
    Unavailable(String),
}

/// The data set `id` from the isolate's memory (verified when it got
/// there, so only read back), else from the data store, checked against
/// its digest.
async fn load<D: ChartStore>(id: &str, hot: &HotCache, data: &D) -> Loaded {
    let key = memory_key(id);
    if let Some(bytes) = hot.get(&key) {
        if let Ok(set) = DataSet::read_canonical(&bytes) {
            return Loaded::Set(set);
        }
    }
    match data.get(id).await {
        Ok(None) => Loaded::Missing,
        Err(e) => Loaded::Unavailable(e.0),
        Ok(Some(v)) => match dataset::verify(id, &v.body) {
            Ok(set) => {
                hot.put(&key, &v.body);
                Loaded::Set(set)
            }
            Err(why) => Loaded::Corrupt(why),
        },
    }
}
