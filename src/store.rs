//! The storage the flow runs against (the Cache API and KV at the edge, an
//! in-memory map in tests and the wasmtime harness), and the metadata that
//! lets a stored chart be checked before it is served.

use serde::{Deserialize, Serialize};

use crate::identity::{digest, Identity, RENDERER_VERSION};

pub const CONTENT_TYPE_PNG: &str = "image/png";

/// A chart as stored: the PNG and its metadata as JSON text.
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
            last_modified: crate::httpdate::format(id.last_modified),
            content_type: CONTENT_TYPE_PNG.to_string(),
            renderer: RENDERER_VERSION,
            length: body.len(),
            digest: digest(&body),
        };
        let meta = serde_json::to_string(&meta).expect("metadata serializes");
        StoredChart { body, meta }
    }

    /// Checks that these bytes are the chart `id` names, intact. The error
    /// says what did not match (for logs and the fault header).
    pub fn verify(&self, id: &Identity) -> Result<(), String> {
        let meta: ChartMeta =
            serde_json::from_str(&self.meta).map_err(|e| format!("metadata unreadable: {e}"))?;
        if meta.etag != id.etag {
            return Err(format!("metadata etag {} is not {}", meta.etag, id.etag));
        }
        if meta.renderer != RENDERER_VERSION || meta.content_type != CONTENT_TYPE_PNG {
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

/// The isolate's own memory: the hottest charts, least recently used out
/// first, so a popular chart costs no storage round trip at all. Holds only
/// bytes this isolate rendered or verified, so it is not re-checked.
pub struct HotCache {
    capacity: usize,
    inner: std::cell::RefCell<HotInner>,
}

#[derive(Default)]
struct HotInner {
    map: std::collections::HashMap<String, (Vec<u8>, u64)>,
    bytes: usize,
    tick: u64,
}

impl HotCache {
    /// A cache of at most `capacity` bytes of PNG; a chart larger than a
    /// quarter of it is not kept.
    pub fn new(capacity: usize) -> HotCache {
        HotCache {
            capacity,
            inner: Default::default(),
        }
    }

    pub fn get(&self, key: &str) -> Option<Vec<u8>> {
        let mut inner = self.inner.borrow_mut();
        inner.tick += 1;
        let tick = inner.tick;
        inner.map.get_mut(key).map(|(body, used)| {
            *used = tick;
            body.clone()
        })
    }

    pub fn put(&self, key: &str, body: &[u8]) {
        if body.len() > self.capacity / 4 {
            return;
        }
        let mut inner = self.inner.borrow_mut();
        inner.tick += 1;
        let tick = inner.tick;
        if let Some((old, _)) = inner.map.insert(key.to_string(), (body.to_vec(), tick)) {
            inner.bytes -= old.len();
        }
        inner.bytes += body.len();
        while inner.bytes > self.capacity {
            let oldest = inner
                .map
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone());
            match oldest.and_then(|k| inner.map.remove(&k)) {
                Some((old, _)) => inner.bytes -= old.len(),
                None => break,
            }
        }
    }

    pub fn clear(&self) {
        *self.inner.borrow_mut() = HotInner::default();
    }

    /// Bytes held now.
    pub fn bytes(&self) -> usize {
        self.inner.borrow().bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hot_cache_evicts_least_recently_used_within_capacity() {
        let c = HotCache::new(100);
        c.put("a", &[1; 20]);
        c.put("b", &[2; 20]);
        c.put("c", &[3; 20]);
        assert_eq!(c.get("a"), Some(vec![1; 20])); // a is now fresher than b
        c.put("d", &[4; 25]);
        c.put("e", &[5; 25]); // 110 bytes > 100: b goes
        assert_eq!(c.get("b"), None);
        assert!(c.get("a").is_some() && c.get("e").is_some());
        assert!(c.bytes() <= 100);
        c.put("big", &[0; 26]); // over a quarter: not kept
        assert_eq!(c.get("big"), None);
        c.put("a", &[9; 5]); // replacing adjusts the byte count
        assert_eq!(c.get("a"), Some(vec![9; 5]));
        assert_eq!(c.bytes(), 5 + 20 + 25 + 25);
        c.clear();
        assert_eq!((c.get("a"), c.bytes()), (None, 0));
    }
}
