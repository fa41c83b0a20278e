//! Data beyond a URL: a data set posted once (`POST /data`) and charted
//! forever at `/charts/d/{id}.{ext}`. The bodies ([`body`]: CSV, JSON,
//! plain text) parse into one [`DataSet`]; its canonical form is the bytes
//! kept in storage and digested into the id, so the same data gives the
//! same id from any body type, on any machine. Pure: no I/O.
//!
//! The canonical form keeps each series' values sorted: a histogram's data
//! is a multiset per series, so the order they were posted in is not part
//! of the data set (posting a shuffled copy gives the same id), and every
//! later chart finds bins by binary search and reads percentiles directly
//! instead of sorting again.

pub mod body;

use sha2::{Digest, Sha256};

use crate::spec::identity::hex;
use crate::spec::{limits, Data};

/// The largest body `POST /data` reads: 8 MiB (the contract's bound).
pub const BODY_MAX: usize = 8 << 20;

/// How many numbers a data set may hold unless the owner says otherwise
/// (`DATA_VALUES_MAX`): what a `POST /data` parses, sorts, digests and
/// stores within the free plan's CPU budget. The wasmtime harness
/// measures 2,200 to 3,500 fuel a number (JSON cheapest, a one-column CSV
/// dearest: SHA-256 of 8 bytes alone is about 400), so 25,000 numbers
/// take at most about 87 million of the 98 million
/// (tests/wasm_harness.rs, `the_costliest_post_fits_the_budget`).
pub const VALUES_MAX_DEFAULT: usize = 25_000;

/// The most numbers any configuration may allow: 2 million numbers are 16
/// MB of canonical form, within a KV value's 25 MiB and an isolate's
/// memory twice over.
pub const VALUES_MAX_CEILING: usize = 2_000_000;

/// The id's length: 32 hex digits, the first 128 bits of the SHA-256 of
/// the canonical form.
pub const ID_LEN: usize = 32;

/// The first bytes of every canonical form (its version: a new layout is a
/// new magic, and old ids keep naming old bytes).
const MAGIC: &[u8] = b"edgechart-data 1\n";

/// A data set: one to eight series, each with a label (empty when the body
/// gave none) and either sorted values or pre-binned counts over shared edges.
#[derive(Debug, Clone, PartialEq)]
pub struct DataSet {
    pub labels: Vec<String>,
    /// [`Data::Values`] (each series sorted ascending) or [`Data::Counts`].
    pub data: Data,
}

/// Why a body or a stored value is not a data set: the HTTP status (400,
/// 413, 415), what is wrong (`body`, `content-type`, a column or a field)
/// and a message naming the bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError {
    pub status: u16,
    pub parameter: String,
    pub message: String,
}

impl DataError {
    pub fn bad(parameter: &str, message: impl Into<String>) -> DataError {
        DataError {
            status: 400,
            parameter: parameter.to_string(),
            message: message.into(),
        }
    }

    pub fn too_large(parameter: &str, message: impl Into<String>) -> DataError {
        DataError {
            status: 413,
            parameter: parameter.to_string(),
            message: message.into(),
        }
    }
}

impl DataSet {
    /// Builds a data set from parsed series, checking the contract's
    /// bounds: 1 to 8 series, none empty, every number finite within
    /// +-1e300 (counts also at least 0), at most `values_max` numbers, and
    /// labels of at most 60 characters without control characters.
    /// Values are sorted here; `-0` is `0`.
    pub fn new(labels: Vec<String>, data: Data, values_max: usize) -> Result<DataSet, DataError> {
        let (series, total) = match &data {
            Data::Values(v) => (v.len(), v.iter().map(Vec::len).sum::<usize>()),
            Data::Counts { counts, .. } => (counts.len(), counts.iter().map(Vec::len).sum()),
            Data::Draws { .. } => return Err(DataError::bad("body", "a data set holds numbers")),
        };
        if series == 0 {
            return Err(DataError::bad(
                "body",
                "the body holds no series of numbers",
            ));
        }
        if series > limits::SERIES_MAX {
            return Err(DataError::bad(
                "body",
                format!(
                    "the body has {series} series; at most {} are allowed",
                    limits::SERIES_MAX
                ),
            ));
        }
        if total > values_max {
            return Err(DataError::too_large(
                "body",
                format!(
                    "the body has {total} numbers; at most {values_max} are allowed (DATA_VALUES_MAX)"
                ),
            ));
        }
        if labels.len() != series {
            return Err(DataError::bad(
                "labels",
                format!("{} labels for {series} series", labels.len()),
            ));
        }
        for (i, l) in labels.iter().enumerate() {
            let chars = l.chars().count();
            if chars > limits::LABEL_MAX_CHARS {
                return Err(DataError::bad(
                    "labels",
                    format!(
                        "the label of series {} is {chars} characters long; at most {} are allowed",
                        i + 1,
                        limits::LABEL_MAX_CHARS
                    ),
                ));
            }
            if l.chars().any(char::is_control) {
                return Err(DataError::bad(
                    "labels",
                    format!("the label of series {} contains a control character", i + 1),
                ));
            }
        }
        let in_domain = |x: f64| x.is_finite() && x.abs() <= limits::VALUE_ABS_MAX;
        let data = match data {
            Data::Values(mut series) => {
                for (i, s) in series.iter_mut().enumerate() {
                    if s.is_empty() {
                        return Err(DataError::bad(
                            "body",
                            format!("series {} has no numbers", i + 1),
                        ));
                    }
                    if let Some(bad) = s.iter().find(|x| !in_domain(**x)) {
                        return Err(DataError::bad(
                            "body",
                            format!(
                                "series {} holds {bad}; charts take numbers from -1e300 to 1e300",
                                i + 1
                            ),
                        ));
                    }
                    for x in s.iter_mut() {
                        if *x == 0.0 {
                            *x = 0.0;
                        }
                    }
                    sort(s);
                }
                Data::Values(series)
            }
            Data::Counts { counts, edges } => {
                check_edges(&edges)?;
                for (i, c) in counts.iter().enumerate() {
                    if c.len() + 1 != edges.len() {
                        return Err(DataError::bad(
                            "counts",
                            format!(
                                "series {} has {} counts but the edges make {} bins; give one count per bin",
                                i + 1,
                                c.len(),
                                edges.len() - 1
                            ),
                        ));
                    }
                    if let Some(bad) = c.iter().find(|x| !in_domain(**x) || **x < 0.0) {
                        return Err(DataError::bad(
                            "counts",
                            format!(
                                "series {} holds the count {bad}; counts are finite and at least 0",
                                i + 1
                            ),
                        ));
                    }
                }
                let mut counts = counts;
                for x in counts.iter_mut().flatten() {
                    if *x == 0.0 {
                        *x = 0.0;
                    }
                }
                Data::Counts { counts, edges }
            }
            Data::Draws { .. } => unreachable!("refused above"),
        };
        Ok(DataSet { labels, data })
    }

    /// How many numbers the data set holds (values, or counts).
    pub fn len(&self) -> usize {
        match &self.data {
            Data::Values(v) => v.iter().map(Vec::len).sum(),
            Data::Counts { counts, .. } => counts.iter().map(Vec::len).sum(),
            Data::Draws { .. } => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The labels a chart shows when its query names none: the data set's,
    /// when any series has one (the others are called `series N`).
    pub fn chart_labels(&self) -> Vec<String> {
        if self.labels.iter().all(String::is_empty) {
            return Vec::new();
        }
        self.labels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                if l.is_empty() {
                    format!("series {}", i + 1)
                } else {
                    l.clone()
                }
            })
            .collect()
    }

    /// The canonical form: the magic, the kind, the labels, then every
    /// number as 8 little-endian bytes (values sorted). One data set has
    /// exactly one spelling, whatever body it came from.
    pub fn canonical(&self) -> Vec<u8> {
        let numbers = self.len() + self.edges().map_or(0, <[f64]>::len);
        let mut out = Vec::with_capacity(MAGIC.len() + 64 + 8 * numbers);
        out.extend_from_slice(MAGIC);
        let (kind, series): (u8, &Vec<Vec<f64>>) = match &self.data {
            Data::Values(v) => (b'v', v),
            Data::Counts { counts, .. } => (b'c', counts),
            Data::Draws { .. } => unreachable!("a data set holds numbers"),
        };
        out.push(kind);
        out.push(series.len() as u8);
        for l in &self.labels {
            out.extend_from_slice(&(l.len() as u32).to_le_bytes());
            out.extend_from_slice(l.as_bytes());
        }
        if let Some(edges) = self.edges() {
            put_numbers(&mut out, edges);
        }
        for s in series {
            put_numbers(&mut out, s);
        }
        out
    }

    fn edges(&self) -> Option<&[f64]> {
        match &self.data {
            Data::Counts { edges, .. } => Some(edges),
            _ => None,
        }
    }

    /// The id of this data set: see [`id_of`].
    pub fn id(&self) -> String {
        id_of(&self.canonical())
    }

    /// Reads a canonical form back, checking every bound a body is held
    /// to, that values are sorted, and that nothing follows the numbers. A
    /// stored value that fails here (or its digest, [`verify`]) is never
    /// charted.
    pub fn from_canonical(bytes: &[u8]) -> Result<DataSet, String> {
        let set = DataSet::read_canonical(bytes)?;
        if let Data::Values(v) = &set.data {
            if v.iter().any(|s| s.windows(2).any(|w| w[0] > w[1])) {
                return Err("values are not sorted".into());
            }
        }
        let checked = DataSet::new(set.labels.clone(), set.data.clone(), usize::MAX)
            .map_err(|e| e.message)?;
        if checked != set {
            return Err("values are not in canonical form".into());
        }
        Ok(set)
    }

    /// Reads a canonical form back without the checks of
    /// [`DataSet::from_canonical`]: for bytes already checked (the
    /// isolate's memory holds only those), where only their layout is read.
    pub fn read_canonical(bytes: &[u8]) -> Result<DataSet, String> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(MAGIC.len())? != MAGIC {
            return Err("not a canonical data set (magic differs)".into());
        }
        let kind = r.take(1)?[0];
        let series = r.take(1)?[0] as usize;
        let mut labels = Vec::with_capacity(series);
        for _ in 0..series {
            let len = r.u32()? as usize;
            let text = std::str::from_utf8(r.take(len)?).map_err(|_| "label is not UTF-8")?;
            labels.push(text.to_string());
        }
        let data = match kind {
            b'v' => Data::Values((0..series).map(|_| r.numbers()).collect::<Result<_, _>>()?),
            b'c' => {
                let edges = r.numbers()?;
                let counts = (0..series).map(|_| r.numbers()).collect::<Result<_, _>>()?;
                Data::Counts { counts, edges }
            }
            other => return Err(format!("unknown data kind {other}")),
        };
        if r.at != bytes.len() {
            return Err("bytes after the last number".into());
        }
        Ok(DataSet { labels, data })
    }
}

/// The id of a canonical form: the first 128 bits of its SHA-256 in
/// lowercase hex. Collisions would take 2^64 data sets.
pub fn id_of(canonical: &[u8]) -> String {
    hex(&Sha256::digest(canonical)[..ID_LEN / 2])
}

/// Whether `s` has the shape of an id (32 lowercase hex digits).
pub fn is_id(s: &str) -> bool {
    s.len() == ID_LEN && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Checks that stored bytes are the data set `id` names: their digest is
/// the id and they read back as a canonical form.
pub fn verify(id: &str, bytes: &[u8]) -> Result<DataSet, String> {
    let got = id_of(bytes);
    if got != id {
        return Err(format!("digest {got} is not the id"));
    }
    DataSet::from_canonical(bytes)
}

/// Sorts finite numbers ascending, as `sort_unstable_by(f64::total_cmp)`
/// would (no `-0` is left), by their bits: a radix sort of the order-keeping
/// integer of each `f64`, a byte at a time, skipping bytes all share. Large
/// data sets sort in a fixed few passes instead of `n log n` comparisons.
pub fn sort(values: &mut [f64]) {
    if values.len() < 512 || values.windows(2).all(|w| w[0] <= w[1]) {
        values.sort_unstable_by(f64::total_cmp);
        return;
    }
    // Negative numbers flip all bits, others only the sign: integer order
    // is then numeric order.
    let key = |x: f64| {
        let b = x.to_bits();
        if b >> 63 == 1 {
            !b
        } else {
            b | (1 << 63)
        }
    };
    let unkey = |k: u64| {
        if k >> 63 == 1 {
            f64::from_bits(k & !(1 << 63))
        } else {
            f64::from_bits(!k)
        }
    };
    let mut a: Vec<u64> = values.iter().map(|&x| key(x)).collect();
    let mut b = vec![0u64; a.len()];
    for shift in (0..64).step_by(8) {
        let mut counts = [0usize; 256];
        for &k in &a {
            counts[((k >> shift) & 0xff) as usize] += 1;
        }
        if counts.contains(&a.len()) {
            continue; // every key has this byte
        }
        let mut at = 0;
        for c in counts.iter_mut() {
            let n = *c;
            *c = at;
            at += n;
        }
        for &k in &a {
            let d = ((k >> shift) & 0xff) as usize;
            b[counts[d]] = k;
            counts[d] += 1;
        }
        std::mem::swap(&mut a, &mut b);
    }
    for (v, k) in values.iter_mut().zip(a) {
        *v = unkey(k);
    }
}

fn check_edges(edges: &[f64]) -> Result<(), DataError> {
    if edges.len() < 2 || edges.len() > limits::EDGES_MAX {
        return Err(DataError::bad(
            "edges",
            format!(
                "edges has {} numbers; give 2 to {} increasing edges",
                edges.len(),
                limits::EDGES_MAX
            ),
        ));
    }
    if let Some(bad) = edges
        .iter()
        .find(|x| !x.is_finite() || x.abs() > limits::VALUE_ABS_MAX)
    {
        return Err(DataError::bad(
            "edges",
            format!("edges holds {bad}; charts take numbers from -1e300 to 1e300"),
        ));
    }
    if let Some(i) = edges.windows(2).position(|w| w[1] <= w[0]) {
        return Err(DataError::bad(
            "edges",
            format!(
                "edges must increase: item {} is not above item {}",
                i + 2,
                i + 1
            ),
        ));
    }
    Ok(())
}

fn put_numbers(out: &mut Vec<u8>, xs: &[f64]) {
    out.extend_from_slice(&(xs.len() as u32).to_le_bytes());
    for x in xs {
        out.extend_from_slice(&x.to_le_bytes());
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or("truncated")?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn numbers(&mut self) -> Result<Vec<f64>, String> {
        let n = self.u32()? as usize;
        let bytes = self.take(n.checked_mul(8).ok_or("truncated")?)?;
        Ok(bytes
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(v: &[&[f64]]) -> DataSet {
        DataSet::new(
            vec![String::new(); v.len()],
            Data::Values(v.iter().map(|s| s.to_vec()).collect()),
            VALUES_MAX_DEFAULT,
        )
        .unwrap()
    }

    #[test]
    fn order_and_negative_zero_do_not_change_the_id() {
        let a = values(&[&[3.0, 1.0, 2.0, -0.0]]);
        let b = values(&[&[0.0, 1.0, 2.0, 3.0]]);
        assert_eq!(a, b);
        assert_eq!(a.id(), b.id());
        assert_ne!(a.id(), values(&[&[0.0, 1.0, 2.0, 3.5]]).id());
        assert_ne!(a.id(), values(&[&[0.0, 1.0], &[2.0, 3.0]]).id());
    }

    #[test]
    fn the_canonical_form_reads_back_and_checks_its_digest() {
        let set = DataSet::new(
            vec!["a".into(), String::new()],
            Data::Counts {
                counts: vec![vec![1.0, 2.0], vec![0.0, 5.5]],
                edges: vec![0.0, 1.0, 3.0],
            },
            10,
        )
        .unwrap();
        let bytes = set.canonical();
        assert_eq!(verify(&set.id(), &bytes).unwrap(), set);
        let mut bad = bytes.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert!(verify(&set.id(), &bad).unwrap_err().contains("digest"));
        for cut in [0, 5, MAGIC.len() + 1, bytes.len() - 1] {
            assert!(DataSet::from_canonical(&bytes[..cut]).is_err(), "cut {cut}");
        }
        assert!(is_id(&set.id()));
        assert!(!is_id("ABC") && !is_id(&"g".repeat(32)));
    }

    #[test]
    fn the_radix_sort_is_the_comparison_sort() {
        let mut state = 7u64;
        let mut v: Vec<f64> = (0..5000)
            .map(|i| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                match i % 5 {
                    0 => -((state >> 11) as f64),
                    1 => 1e-300 * (state >> 40) as f64,
                    2 => 0.0,
                    3 => -1e300,
                    _ => f64::from_bits(state >> 2),
                }
            })
            .filter(|x| x.is_finite())
            .collect();
        let mut want = v.clone();
        want.sort_unstable_by(f64::total_cmp);
        sort(&mut v);
        assert_eq!(v, want);
    }

    #[test]
    fn bounds_are_named() {
        let e =
            DataSet::new(vec![String::new()], Data::Values(vec![vec![1.0; 11]]), 10).unwrap_err();
        assert_eq!(e.status, 413);
        assert!(e.message.contains("at most 10"), "{}", e.message);
        let e = DataSet::new(vec![String::new()], Data::Values(vec![vec![1e301]]), 10).unwrap_err();
        assert!(e.message.contains("1e300"), "{}", e.message);
        let e = DataSet::new(vec![String::new()], Data::Values(vec![vec![]]), 10).unwrap_err();
        assert!(e.message.contains("no numbers"), "{}", e.message);
    }
}
