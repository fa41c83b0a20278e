//! One request through the native flow (parse, identity, lookup, render,
//! store), its target read from a file: for profiling what the wasmtime
//! harness measures as fuel, with callgrind on a build that keeps symbols:
//!
//!   CARGO_PROFILE_RELEASE_STRIP=false CARGO_PROFILE_RELEASE_DEBUG=line-tables-only \
//!     CARGO_TARGET_DIR=/tmp/prof cargo build --release --example flow_once
//!   valgrind --tool=callgrind /tmp/prof/release/examples/flow_once target.txt
use edgechart::serve::flow::handle;
use edgechart::serve::http::Request;
use edgechart::serve::store::HotCache;
use edgechart::testing::{block_on, FixedHost, MemoryStore};

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("a file holding the request target");
    let target = std::fs::read_to_string(path).expect("readable");
    let hot = HotCache::new(0);
    let (cache, kv) = (MemoryStore::default(), MemoryStore::default());
    let out = block_on(handle(
        &Request::get(target.trim()),
        &hot,
        &cache,
        &kv,
        &FixedHost([0; 32]),
    ));
    eprintln!("{} {} bytes", out.response.status, out.response.body.len());
}
