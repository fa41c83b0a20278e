//! Scenes as pixels: the palette ([`palette`]), glyph coverage ([`text`])
//! and painting ([`canvas`]).

pub mod canvas;
pub mod palette;
pub mod text;
