//! Spec to picture, independent of any output format. A kind's transform
//! computes a [`model`] (series, shared edges, plotted numbers, marks and
//! curves) from the spec; the [`layout`] draws any model with the kind-free
//! [`axes`] kit and [`marks`] as a [`scene`] of marks in ink roles,
//! coloured per [`theme`]. Today's one kind is the [`histogram`] (its
//! [`binning`], on the numbers of [`data`], with [`stats`] as numpy and
//! scipy define them, and a [`summary`]).

pub mod axes;
pub mod binning;
pub mod data;
pub mod histogram;
pub mod layout;
pub mod marks;
pub mod model;
pub mod scene;
pub mod stats;
pub mod summary;
pub mod theme;
pub mod ticks;

use crate::spec::{ChartSpec, Kind};

/// The model of any chart: the spec's kind picks its transform. A new kind
/// is a file in this folder and one arm here. It computes what the format
/// `reads` (summaries are one more pass over the data, a KDE and marks
/// more: a CSV prints none of them).
pub fn model(spec: &ChartSpec, seed: [u8; 32], reads: model::Reads) -> model::Model {
    match spec.kind {
        Kind::Histogram => histogram::model(spec, seed, reads),
    }
}
