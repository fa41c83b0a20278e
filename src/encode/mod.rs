//! Bytes on the wire, one module per format: [`png`] (with its own
//! [`deflate`] stream), [`svg`], [`csv`] and [`json`]; [`number`] spells
//! numbers for the data formats; [`wide`] runs the PNG's byte loops
//! sixteen bytes at a time in wasm.

pub mod csv;
pub mod deflate;
pub mod json;
pub mod number;
pub mod png;
pub mod svg;
pub mod wide;
