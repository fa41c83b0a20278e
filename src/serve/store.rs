//! The storage the flow runs against (the Cache API and KV in Workers, an
//! in-memory map in tests and the wasmtime harness), and the metadata that
//! lets a stored chart be checked before it is served.

use serde::{Deserialize, Serialize};

use crate::spec::identity::{digest, Identity, RENDERER_VERSION};

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
            digest: digest(&body),
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
        if meta.digest != digest(&self.body) {
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
