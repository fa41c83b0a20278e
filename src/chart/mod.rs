//! Spec to picture, independent of any output format: the numbers
//! ([`data`]), their bins ([`binning`]), axis ticks ([`ticks`]), and the
//! histogram's layout ([`histogram`]).

pub mod binning;
pub mod data;
pub mod histogram;
pub mod ticks;
