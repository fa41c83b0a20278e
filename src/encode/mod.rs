//! Bytes on the wire: the PNG encoder and its deflate stream.

pub mod deflate;
pub mod png;
