//! Bounds from the contract (API.md), in one place so errors can quote them.

pub const NAME_MAX: usize = 64;
pub const VALUES_MAX: usize = 10_000;
pub const N_MIN: u32 = 1;
pub const N_MAX: u32 = 100_000;
pub const N_DEFAULT: u32 = 1000;
pub const BINS_MIN: u32 = 1;
pub const BINS_MAX: u32 = 1000;
pub const BINS_DEFAULT: u32 = 100;
pub const TITLE_MAX_CHARS: usize = 200;
pub const SIZE_MIN: u32 = 64;
pub const SIZE_MAX: u32 = 4096;
pub const WIDTH_DEFAULT: u32 = 640;
pub const HEIGHT_DEFAULT: u32 = 480;
pub const DPR_MAX: u32 = 3;
pub const PIXELS_MAX: u64 = 4_194_304;
/// The largest magnitude a value may have. Charts draw every finite
/// number inside +-1e300 exactly as binned; beyond it the axis' own
/// arithmetic (span plus 5% air) would overflow `f64`.
pub const VALUE_ABS_MAX: f64 = 1e300;
/// The longest unknown parameter name echoed in `X-Chart-Error`.
pub const ECHO_MAX: usize = 40;
/// Series in one chart (`values=a|b`, `counts=a|b`).
pub const SERIES_MAX: usize = 8;
/// Explicit edges: 2 to 1001 (1 to 1000 bins).
pub const EDGES_MAX: usize = 1001;
pub const LABEL_MAX_CHARS: usize = 60;
pub const AXIS_LABEL_MAX_CHARS: usize = 100;
/// Reference lines per chart.
pub const MARKS_MAX: usize = 8;
/// Points of a KDE curve (the contract asks for at least 100).
pub const KDE_POINTS: usize = 200;
