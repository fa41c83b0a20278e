//! The font shards a chart's texts need, before it is drawn: from the
//! isolate's byte-bounded LRU, else fetched from the runtime (the Worker's
//! static assets) and checked against the catalog's length and digest. A
//! shard that cannot be had is a fault: the chart is drawn with
//! placeholders for its characters and answered `no-store`, never cached.

use std::cell::{Cell, RefCell};
use std::sync::Arc;

use crate::serve::flow::Host;
use crate::spec::ChartSpec;
use crate::text::{self, Face, FaceSet};

/// Default bytes of shards an isolate keeps (of its 128 MiB): a few CJK
/// slices and every smaller script at once.
pub const SHARD_CACHE_BYTES: usize = 24 << 20;

/// Loaded shards, least recently used first out, bounded by bytes.
pub struct ShardCache {
    capacity: Cell<usize>,
    inner: RefCell<Lru>,
}

#[derive(Default)]
struct Lru {
    used: usize,
    tick: u64,
    entries: Vec<(Arc<Face>, u64)>,
}

impl ShardCache {
    pub fn new(capacity: usize) -> ShardCache {
        ShardCache {
            capacity: Cell::new(capacity),
            inner: RefCell::new(Lru::default()),
        }
    }

    pub fn get(&self, shard: usize) -> Option<Arc<Face>> {
        let mut lru = self.inner.borrow_mut();
        lru.tick += 1;
        let tick = lru.tick;
        let entry = lru.entries.iter_mut().find(|(f, _)| f.shard == shard)?;
        entry.1 = tick;
        Some(entry.0.clone())
    }

    /// Keeps `face`, dropping the least recently used shards to make room;
    /// a shard larger than the whole cache is not kept.
    pub fn put(&self, face: Arc<Face>) {
        let capacity = self.capacity.get();
        let mut lru = self.inner.borrow_mut();
        if face.len() > capacity || lru.entries.iter().any(|(f, _)| f.shard == face.shard) {
            return;
        }
        lru.evict_to(capacity - face.len());
        lru.tick += 1;
        let tick = lru.tick;
        lru.used += face.len();
        lru.entries.push((face, tick));
    }

    /// Changes the bound (`SHARD_CACHE_BYTES`), dropping the least recently
    /// used shards beyond it.
    pub fn set_capacity(&self, bytes: usize) {
        self.capacity.set(bytes);
        self.inner.borrow_mut().evict_to(bytes);
    }

    /// Bytes held.
    pub fn used(&self) -> usize {
        self.inner.borrow().used
    }

    /// Every shard held, for drawing what needs no fetch (the error image).
    pub fn all(&self) -> FaceSet {
        let mut set = FaceSet::new();
        for (f, _) in &self.inner.borrow().entries {
            set.insert(f.clone());
        }
        set
    }
}

impl Lru {
    /// Drops the least recently used shards until at most `bytes` are held.
    fn evict_to(&mut self, bytes: usize) {
        while self.used > bytes {
            let Some(oldest) = self
                .entries
                .iter()
                .enumerate()
                .min_by_key(|(_, (_, t))| *t)
                .map(|(i, _)| i)
            else {
                break;
            };
            let (gone, _) = self.entries.swap_remove(oldest);
            self.used -= gone.len();
        }
    }
}

thread_local! {
    /// The isolate's shards: every request of the isolate shares them.
    static CACHE: ShardCache = ShardCache::new(SHARD_CACHE_BYTES);
}

/// Runs `f` on the isolate's shard cache.
pub fn with_cache<R>(f: impl FnOnce(&ShardCache) -> R) -> R {
    CACHE.with(f)
}

/// The shards a render had, and those it could not get.
#[derive(Default)]
pub struct Loaded {
    pub faces: FaceSet,
    /// `font:<key>` for each shard that could not be had.
    pub faults: Vec<String>,
    /// A log line for each.
    pub log: Vec<String>,
}

/// Every text `spec` draws (the pictures only: CSV and JSON draw none).
pub fn texts(spec: &ChartSpec) -> Vec<&str> {
    let mut t = vec![
        spec.title.as_str(),
        spec.xlabel.as_str(),
        spec.ylabel.as_str(),
    ];
    t.extend(spec.labels.iter().map(String::as_str));
    t
}

/// Loads the shards `spec`'s texts need: memory first, then the host.
pub async fn load<H: Host>(spec: &ChartSpec, host: &H) -> Loaded {
    let mut out = Loaded::default();
    if !spec.format.is_picture() {
        return out;
    }
    for shard in text::needs(texts(spec), spec.lang.as_deref()) {
        if let Some(face) = with_cache(|c| c.get(shard)) {
            out.faces.insert(face);
            continue;
        }
        let s = &text::shards()[shard];
        let parsed = match host.shard_bytes(s).await {
            Ok(bytes) => Face::parse(shard, bytes),
            Err(e) => Err(e),
        };
        match parsed {
            Ok(face) => {
                let face = Arc::new(face);
                with_cache(|c| c.put(face.clone()));
                out.faces.insert(face);
            }
            Err(why) => {
                out.faults.push(format!("font:{}", s.key));
                out.log.push(
                    serde_json::json!({"event": "font", "shard": s.key, "path": s.path, "error": why})
                        .to_string(),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_cache_holds_nothing() {
        let c = ShardCache::new(1 << 20);
        assert!(c.get(0).is_none());
        assert_eq!(c.used(), 0);
    }
}
