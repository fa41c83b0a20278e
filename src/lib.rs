//! edgechart: histogram charts by URL, rendered in WebAssembly at the edge.
//!
//! The core (every module but the adapters) is pure: no I/O, no clock, no
//! runtime types. [`flow`] drives it against the [`store::ChartStore`] trait;
//! the adapters give it real storage: `edge` (Cloudflare Workers: KV, Cache
//! API, `wait_until`) and `harness` (a C ABI for the wasmtime test harness).

pub mod binning;
pub mod data;
pub mod deflate;
pub mod draw;
pub mod encode;
pub mod flow;
pub mod font;
pub mod hot;
pub mod http;
pub mod httpdate;
pub mod identity;
pub mod render;
pub mod sign;
pub mod spec;
pub mod store;
#[cfg(test)]
mod test_rng;
#[cfg(any(test, feature = "test-support"))]
pub mod testing;
pub mod theme;
pub mod ticks;

#[cfg(all(feature = "edge", target_arch = "wasm32"))]
mod edge;
#[cfg(all(feature = "harness", target_arch = "wasm32"))]
pub mod harness;
