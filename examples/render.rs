//! Renders one chart URL to a file with the native build, no server needed:
//!   cargo run --release --example render -- '/charts/sales.png?dpr=2' sales.png
use edgechart::serve::flow::handle;
use edgechart::serve::http::Request;
use edgechart::testing::{block_on, FixedHost, MemoryStore};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, target, out] = args.as_slice() else {
        eprintln!("usage: render '/charts/NAME.png?QUERY' OUT.png");
        std::process::exit(2);
    };
    let (cache, kv) = (MemoryStore::default(), MemoryStore::default());
    let req = Request::get(target).with_header("Accept", "image/png");
    let outcome = block_on(handle(
        &req,
        &edgechart::serve::store::HotCache::new(0),
        &cache,
        &kv,
        &FixedHost([0; 32]),
    ));
    for (name, value) in &outcome.response.headers {
        eprintln!("{name}: {value}");
    }
    std::fs::write(out, &outcome.response.body).expect("write output");
    eprintln!(
        "{} bytes, status {}",
        outcome.response.body.len(),
        outcome.response.status
    );
}
