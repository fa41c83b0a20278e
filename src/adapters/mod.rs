//! The runtimes the core runs in; the only modules that know one.

#[cfg(all(feature = "harness", target_arch = "wasm32"))]
pub mod harness;
#[cfg(all(feature = "workers", target_arch = "wasm32"))]
mod workers;
