//! The storage the flow runs against (the Cache API and KV in Workers, an
//! in-memory map in tests and the wasmtime harness), and the metadata that
//! lets a stored chart be checked before it is served.

use serde::{Deserialize, Serialize};

use crate::spec::identity::{checks, stored_check, Identity, RENDERER_VERSION};

/// A chart as stored: its bytes and their metadata as JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredChart {
    pub body: Vec<u8>,
    pub meta: String,
}

/// Metadata kept beside each stored chart (KV metadata, at most 1024 bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartMeta {
    pub etag: String,
    pub last_modified: String,
    pub content_type: String,
    pub renderer: u32,
    pub length: usize,
    pub digest: String,
}

impl StoredChart {
    /// Wraps freshly rendered bytes with their metadata.
    pub fn new(id: &Identity, body: Vec<u8>) -> StoredChart {
        let meta = ChartMeta {
            etag: id.etag.clone(),
            last_modified: crate::serve::httpdate::format(id.last_modified),
            content_type: id.content_type.to_string(),
            renderer: RENDERER_VERSION,
            length: body.len(),
            digest: stored_check(&body),
        };
        let meta = serde_json::to_string(&meta).expect("metadata serializes");
        StoredChart { body, meta }
    }

    /// The `Content-Type` the metadata names (for the Cache API's copy).
    pub fn content_type(&self) -> Option<String> {
        serde_json::from_str::<ChartMeta>(&self.meta)
            .ok()
            .map(|m| m.content_type)
    }

    /// Checks that these bytes are the chart `id` names, intact. The error
    /// says what did not match (for logs and the fault header).
    pub fn verify(&self, id: &Identity) -> Result<(), String> {
        let meta: ChartMeta =
            serde_json::from_str(&self.meta).map_err(|e| format!("metadata unreadable: {e}"))?;
        if meta.etag != id.etag {
            return Err(format!("metadata etag {} is not {}", meta.etag, id.etag));
        }
        if meta.renderer != RENDERER_VERSION || meta.content_type != id.content_type {
            return Err("metadata renderer or content type differs".into());
        }
        if meta.length != self.body.len() {
            return Err(format!(
                "length {} but metadata says {}",
                self.body.len(),
                meta.length
            ));
        }
        if !checks(&meta.digest, &self.body) {
            return Err("digest mismatch".into());
        }
        Ok(())
    }
}

/// A storage failure (network, quota, rate limit); never fails a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

/// One storage tier. Futures need not be `Send`: Workers and the harness are
/// single-threaded.
#[allow(async_fn_in_trait)]
pub trait ChartStore {
    async fn get(&self, key: &str) -> Result<Option<StoredChart>, StoreError>;
    async fn put(&self, key: &str, chart: &StoredChart) -> Result<(), StoreError>;
}

pub use crate::serve::hot::HotCache;

/// A borrowed store is a store (tests wrap shared stores in adapters).
impl<S: ChartStore> ChartStore for &S {
    async fn get(&self, key: &str) -> Result<Option<StoredChart>, StoreError> {
        (**self).get(key).await
    }
    async fn put(&self, key: &str, chart: &StoredChart) -> Result<(), StoreError> {
        (**self).put(key, chart).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::identity::digest;

    fn id() -> Identity {
        Identity {
            etag: "\"r1-abc\"".into(),
            key: "r1/a.png/abc".into(),
            last_modified: 0,
            content_type: "image/png",
        }
    }

    /// Every byte flipped, and every truncation, fails the check; the
    /// chart as stored passes.
    #[test]
    fn a_damaged_or_cut_chart_fails_its_check() {
        let body: Vec<u8> = (0..200u32).map(|i| (i * 37 % 251) as u8).collect();
        let chart = StoredChart::new(&id(), body.clone());
        assert!(chart.meta.contains("\"digest\":\"w64:"), "{}", chart.meta);
        assert_eq!(chart.verify(&id()), Ok(()));
        for i in 0..body.len() {
            for bit in 0..8 {
                let mut bad = chart.clone();
                bad.body[i] ^= 1 << bit;
                assert!(bad.verify(&id()).is_err(), "byte {i} bit {bit}");
            }
        }
        for n in 0..body.len() {
            let mut cut = chart.clone();
            cut.body.truncate(n);
            // The length check would catch it first: the check alone too.
            assert!(!checks(&stored_check(&body), &cut.body), "cut to {n}");
        }
    }

    /// Charts stored by earlier builds of this renderer carry a SHA-256:
    /// still served when it holds, refused when it does not; an unknown
    /// kind of check is refused.
    #[test]
    fn the_earlier_sha256_check_is_still_read() {
        let body = b"chart bytes".to_vec();
        let mut chart = StoredChart::new(&id(), body.clone());
        let w64 = stored_check(&body);
        chart.meta = chart.meta.replace(&w64, &digest(&body));
        assert!(chart.meta.contains("sha256:"));
        assert_eq!(chart.verify(&id()), Ok(()));
        chart.body[0] ^= 1;
        assert_eq!(chart.verify(&id()), Err("digest mismatch".into()));
        for check in ["", "w64", "md5:00", "w64:0", "sha256:", &w64.to_uppercase()] {
            assert!(!checks(check, &body), "{check:?}");
        }
    }
}
