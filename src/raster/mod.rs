//! Pictures as pixels: the palette every PNG is drawn with.

pub mod palette;
