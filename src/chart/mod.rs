//! Spec to picture, independent of any output format: the numbers
//! ([`data`]) and their [`summary`], their bins ([`binning`]), axis ticks
//! ([`ticks`]), and the histogram's layout ([`histogram`]) as a [`scene`]
//! of marks in ink roles, coloured per [`theme`].

pub mod binning;
pub mod data;
pub mod histogram;
pub mod scene;
pub mod summary;
pub mod theme;
pub mod ticks;
