//! The isolate's own memory, the first tier: the hottest charts, least
//! recently used out first, so a popular chart costs no storage round trip.
//! It holds only bytes this isolate rendered or verified, so it is not
//! re-checked. It also keeps the keys whose stores are in flight, so that
//! concurrent misses in one isolate never write the same key twice.
//!
//! Every operation is constant time: a hash map into a slab of nodes that
//! form a doubly linked recency list (an eviction used to scan the whole
//! map: thousands of entries for 16 MiB of classic charts). The budget
//! counts what an entry really holds: key, body and a fixed overhead.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// Bytes an entry costs beyond its key and body: the slab node (key
/// pointer, body vector, two links: 56 bytes on wasm32, 64 native), the map
/// slot, and the allocator's headers for the key and the body.
pub const ENTRY_OVERHEAD: usize = 96;

const NIL: usize = usize::MAX;

/// What one chart costs the budget.
pub fn entry_cost(key: &str, body: &[u8]) -> usize {
    key.len() + body.len() + ENTRY_OVERHEAD
}

struct Node {
    key: Rc<str>,
    body: Vec<u8>,
    prev: usize,
    next: usize,
}

struct Lru {
    map: HashMap<Rc<str>, usize>,
    nodes: Vec<Node>,
    free: Vec<usize>,
    /// Most recently used.
    head: usize,
    /// Least recently used: the next to go.
    tail: usize,
    bytes: usize,
}

impl Lru {
    fn new() -> Lru {
        Lru {
            map: HashMap::new(),
            nodes: Vec::new(),
            free: Vec::new(),
            head: NIL,
            tail: NIL,
            bytes: 0,
        }
    }

    fn unlink(&mut self, i: usize) {
        let (prev, next) = (self.nodes[i].prev, self.nodes[i].next);
        match prev {
            NIL => self.head = next,
            p => self.nodes[p].next = next,
        }
        match next {
            NIL => self.tail = prev,
            n => self.nodes[n].prev = prev,
        }
    }

    fn push_front(&mut self, i: usize) {
        self.nodes[i].prev = NIL;
        self.nodes[i].next = self.head;
        match self.head {
            NIL => self.tail = i,
            h => self.nodes[h].prev = i,
        }
        self.head = i;
    }

    fn evict_tail(&mut self) -> bool {
        let i = self.tail;
        if i == NIL {
            return false;
        }
        self.remove(i);
        true
    }

    fn remove(&mut self, i: usize) {
        self.unlink(i);
        let key = std::mem::replace(&mut self.nodes[i].key, Rc::from(""));
        let body = std::mem::take(&mut self.nodes[i].body);
        self.map.remove(&key);
        self.bytes -= entry_cost(&key, &body);
        self.free.push(i);
    }
}

/// The in-isolate cache of chart bytes.
pub struct HotCache {
    capacity: usize,
    lru: RefCell<Lru>,
    storing: RefCell<HashSet<String>>,
}

impl HotCache {
    /// A cache of at most `capacity` bytes ([`entry_cost`]); a chart that
    /// would take more than a quarter of it is not kept.
    pub fn new(capacity: usize) -> HotCache {
        HotCache {
            capacity,
            lru: RefCell::new(Lru::new()),
            storing: RefCell::new(HashSet::new()),
        }
    }

    pub fn get(&self, key: &str) -> Option<Vec<u8>> {
        let mut lru = self.lru.borrow_mut();
        let i = *lru.map.get(key)?;
        lru.unlink(i);
        lru.push_front(i);
        Some(lru.nodes[i].body.clone())
    }

    /// Whether `key` is held (without copying it or refreshing it).
    pub fn contains(&self, key: &str) -> bool {
        self.lru.borrow().map.contains_key(key)
    }

    pub fn put(&self, key: &str, body: &[u8]) {
        let cost = entry_cost(key, body);
        if cost > self.capacity / 4 {
            return;
        }
        let mut lru = self.lru.borrow_mut();
        if let Some(&i) = lru.map.get(key) {
            let old = entry_cost(key, &lru.nodes[i].body);
            lru.nodes[i].body = body.to_vec();
            lru.bytes = lru.bytes - old + cost;
            lru.unlink(i);
            lru.push_front(i);
        } else {
            let key: Rc<str> = Rc::from(key);
            let node = Node {
                key: key.clone(),
                body: body.to_vec(),
                prev: NIL,
                next: NIL,
            };
            let i = match lru.free.pop() {
                Some(i) => {
                    lru.nodes[i] = node;
                    i
                }
                None => {
                    lru.nodes.push(node);
                    lru.nodes.len() - 1
                }
            };
            lru.map.insert(key, i);
            lru.push_front(i);
            lru.bytes += cost;
        }
        while lru.bytes > self.capacity && lru.evict_tail() {}
    }

    pub fn clear(&self) {
        *self.lru.borrow_mut() = Lru::new();
        self.storing.borrow_mut().clear();
    }

    /// Keeps only the entries whose key `keep` accepts (the harness drops
    /// charts and keeps data sets, to measure a render from a held data set).
    pub fn retain(&self, keep: impl Fn(&str) -> bool) {
        let mut lru = self.lru.borrow_mut();
        let gone: Vec<usize> = lru
            .map
            .iter()
            .filter(|(k, _)| !keep(k))
            .map(|(_, &i)| i)
            .collect();
        for i in gone {
            lru.remove(i);
        }
    }

    /// Bytes held now, as the budget counts them.
    pub fn bytes(&self) -> usize {
        self.lru.borrow().bytes
    }

    /// Charts held now.
    pub fn len(&self) -> usize {
        self.lru.borrow().map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Claims the stores of `key`: `false` when another request of this
    /// isolate is already storing it (the bytes are by design the same).
    pub fn begin_store(&self, key: &str) -> bool {
        self.storing.borrow_mut().insert(key.to_string())
    }

    /// Releases a claim of [`HotCache::begin_store`].
    pub fn end_store(&self, key: &str) {
        self.storing.borrow_mut().remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_least_recently_used_within_capacity() {
        let unit = entry_cost("a", &[0; 20]);
        let c = HotCache::new(5 * unit);
        c.put("a", &[1; 20]);
        c.put("b", &[2; 20]);
        c.put("c", &[3; 20]);
        assert_eq!(c.get("a"), Some(vec![1; 20])); // a is now fresher than b
        c.put("d", &[4; 20]);
        c.put("e", &[5; 20]);
        c.put("f", &[6; 20]); // six entries > five units: b goes
        assert_eq!(c.get("b"), None);
        assert!(c.get("a").is_some() && c.get("f").is_some());
        assert_eq!((c.len(), c.bytes()), (5, 5 * unit));
        c.put("big", &vec![0; 2 * unit]); // over a quarter: not kept
        assert_eq!(c.get("big"), None);
        c.put("a", &[9; 5]); // replacing adjusts the byte count
        assert_eq!(c.get("a"), Some(vec![9; 5]));
        assert_eq!(c.bytes(), 4 * unit + entry_cost("a", &[9; 5]));
        c.clear();
        assert_eq!((c.get("a"), c.bytes(), c.len()), (None, 0, 0));
    }

    #[test]
    fn the_budget_counts_keys_and_overhead_and_holds_under_churn() {
        let cap = 64 << 10;
        let c = HotCache::new(cap);
        for i in 0..100_000u32 {
            let key = format!("r7/sparkline-{i:06}/{:064x}", i);
            c.put(&key, &[i as u8; 40]);
            assert!(c.bytes() <= cap);
        }
        // 40-byte bodies with 90-byte keys: the keys and overhead dominate.
        let per = entry_cost(&format!("r7/sparkline-{:06}/{:064x}", 0, 0), &[0; 40]);
        assert_eq!(c.len(), cap / per);
        // The newest survive, the oldest are gone, the slab is reused.
        assert!(c
            .get(&format!("r7/sparkline-099999/{:064x}", 99_999))
            .is_some());
        assert!(c.get(&format!("r7/sparkline-000000/{:064x}", 0)).is_none());
        assert!(c.lru.borrow().nodes.len() <= c.len() + 1);
    }

    #[test]
    fn a_store_is_claimed_once_until_released() {
        let c = HotCache::new(1 << 20);
        assert!(c.begin_store("k"));
        assert!(!c.begin_store("k"));
        c.end_store("k");
        assert!(c.begin_store("k"));
    }
}
