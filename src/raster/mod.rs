//! Scenes as pixels: the palette ([`palette`]), glyph coverage ([`text`]),
//! painting ([`canvas`]), and the error message image ([`message`]).

pub mod canvas;
pub mod message;
pub mod palette;
pub mod text;
