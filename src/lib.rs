//! edgechart: histogram charts by URL, rendered in WebAssembly at the edge.
//!
//! The folders follow a request: [`spec`] (query to canonical chart spec
//! and identity; [`dataset`] for data posted once and charted by id), [`chart`] (data, bins, ticks, layout), [`raster`]
//! (pixels), [`encode`] (bytes), [`serve`] (HTTP rules and the lookup,
//! render and store flow against a storage trait), and `adapters` (the
//! runtimes). Everything but the adapters is pure: no I/O, no clock, no
//! runtime types.

pub mod chart;
pub mod dataset;
pub mod encode;
pub mod float;
pub mod font;
pub mod probe;
pub mod raster;
pub mod render;
pub mod serve;
pub mod spec;
#[cfg(test)]
mod test_rng;
#[cfg(any(test, feature = "test-support"))]
pub mod testing;
pub mod text;

mod adapters;
#[cfg(all(feature = "harness", target_arch = "wasm32"))]
pub use adapters::harness;
