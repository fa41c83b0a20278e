//! A chart's identity: the canonical spec plus the renderer version, hashed.
//! ETag, storage key and Last-Modified all derive from it, so a
//! revalidation can be answered before any lookup or render.

use sha2::{Digest, Sha256};

use crate::spec::ChartSpec;

/// Every renderer version with the moment it was released (Unix seconds),
/// oldest first; the last row is the renderer in this build. Add a row
/// whenever the bytes for some spec change (drawing, font, encoder, binning):
/// a strong ETag promises the same bytes, not just the same pixels, and a
/// new version retires every cached chart and ETag at once. The release is
/// the `Last-Modified` of every chart that version draws: a chart cannot be
/// older than the code that draws it, and the date stays the same across
/// re-renders, KV expiry and data centres. One row holds both, so a new
/// version cannot keep the old date (a client revalidating with
/// `If-Modified-Since` alone would keep old bytes); a test checks that both
/// columns increase, and tests/golden.rs pins the golden bytes per version.
pub const RELEASES: &[(u32, u64)] = &[
    (6, 1_795_334_400),  // 2026-11-22T08:00:00Z: own deflate
    (7, 1_795_492_800),  // 2026-11-24T04:00:00Z: hostile input: ranges, 1-px bins, label fit
    (8, 1_795_507_200),  // 2026-11-24T08:00:00Z: formats: the format joins the identity
    (9, 1_796_112_000),  // 2026-12-01T08:00:00Z: the vocabulary: series, rules, norms, marks, KDE
    (10, 1_796_140_800), // 2026-12-01T16:00:00Z: text in every script: shaping, bidi, font shards
    (11, 1_796_313_600), // 2026-12-03T16:00:00Z: mark labels clear of the legend, over the lines
    (12, 1_796_349_600), // 2026-12-04T02:00:00Z: a mark label hides no other mark's line
];

/// The renderer in this build.
pub const RENDERER_VERSION: u32 = RELEASES[RELEASES.len() - 1].0;

/// When [`RENDERER_VERSION`] was released: every chart's `Last-Modified`.
pub const RENDERER_RELEASED: u64 = RELEASES[RELEASES.len() - 1].1;

/// The identity of one chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Strong entity tag, quotes included: `"r1-<32 hex>"`.
    pub etag: String,
    /// KV key and Cache API path: `r1/<name>.<ext>/<64 hex>` (at most 139
    /// bytes).
    pub key: String,
    pub last_modified: u64,
    /// The format's `Content-Type`, kept beside stored bytes and checked.
    pub content_type: &'static str,
}

pub fn identity(spec: &ChartSpec) -> Identity {
    let hash = hex(&Sha256::digest(
        format!("edgechart/r{RENDERER_VERSION}\n{}", spec.canonical()).as_bytes(),
    ));
    Identity {
        etag: format!("\"r{RENDERER_VERSION}-{}\"", &hash[..32]),
        key: format!(
            "r{RENDERER_VERSION}/{}.{}/{hash}",
            spec.name,
            spec.format.extension()
        ),
        last_modified: RENDERER_RELEASED,
        content_type: spec.format.content_type(),
    }
}

/// Hex SHA-256 of bytes, `sha256:` first: the goldens' pins, and the check
/// that charts stored before `w64:` carry (still accepted, see [`checks`]).
pub fn digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex(&Sha256::digest(bytes)))
}

/// The check written beside every stored chart: [`check64`] as `w64:` and
/// 16 hex digits. Storage can truncate or damage bytes but cannot forge
/// them (whoever can write KV can write the metadata too), so a checksum
/// that no accident passes is enough; SHA-256 cost about 80 fuel a byte in
/// wasm (200,000 for the classic chart, 3.5 million for a 43 KB PNG), this
/// costs under one.
pub fn stored_check(bytes: &[u8]) -> String {
    format!("w64:{:016x}", check64(bytes))
}

/// Whether `check` (from a stored chart's metadata) holds for `bytes`: the
/// `w64:` form, or the `sha256:` one that charts stored by earlier builds
/// of this renderer carry. Anything else fails.
pub fn checks(check: &str, bytes: &[u8]) -> bool {
    match check.split_once(':') {
        Some(("w64", _)) => check == stored_check(bytes),
        Some(("sha256", _)) => check == digest(bytes),
        _ => false,
    }
}

/// FNV-style over little-endian 64-bit words, each step folded, seeded
/// with the length (scripts/fonts.py computes the same for font shards).
/// Every step is a bijection of the state, so a change within one word,
/// or of the length, always changes the result.
pub fn check64(bytes: &[u8]) -> u64 {
    let mut h = 0xCBF2_9CE4_8422_2325u64 ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    let mut step = |w: u64| {
        h = (h ^ w).wrapping_mul(0x0000_0100_0000_01B3);
        h ^= h >> 29;
    };
    for w in &mut words {
        step(u64::from_le_bytes(w.try_into().expect("8 bytes")));
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        step(u64::from_le_bytes(last));
    }
    h
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{parse, RouteKind};

    fn id(name: &str, q: &str) -> Identity {
        identity(&parse(name, Some(q), RouteKind::Named).unwrap())
    }

    #[test]
    fn spelling_does_not_change_identity() {
        let base = id("sales", "");
        for q in [
            "w=640",
            "h=480&w=640",
            "dpr=1&theme=light",
            "n=1000&bins=100",
            "title=Chart+for+%22sales%22",
            "w=640.0&n=1e3",
        ] {
            assert_eq!(id("sales", q), base, "{q}");
        }
        assert_eq!(id("s", "values=1,2.0,3"), id("s", "values=1.0,2,3e0"));
        assert_eq!(id("s", "values=-0,1"), id("s", "values=0,1"));
        // A histogram does not depend on the values' order: neither does its id.
        assert_eq!(id("s", "values=1,2,3"), id("s", "values=3,1,2"));
        assert_eq!(id("s", "values=1,2|3"), id("s", "values=2,1|3"));
    }

    #[test]
    fn anything_visible_changes_identity() {
        let base = id("sales", "");
        for q in [
            "w=641",
            "dpr=2",
            "theme=dark",
            "n=999",
            "bins=99",
            "bins=auto",
            "title=x",
            "title=",
        ] {
            assert_ne!(id("sales", q), base, "{q}");
        }
        assert_ne!(id("sales2", ""), base);
        assert_ne!(id("s", "values=1,2"), id("s", "values=1,3"));
        // Values and counts are hashed by their bits: one ulp, a series
        // boundary moved, or a count's place changes the chart's id.
        assert_ne!(
            id("s", "values=0.1,1"),
            id("s", "values=0.10000000000000002,1")
        );
        assert_ne!(id("s", "values=1,2|3"), id("s", "values=1|2,3"));
        assert_ne!(id("s", "values=1,2|3"), id("s", "values=1,2,3"));
        let counts = |c: &str| id("s", &format!("counts={c}&edges=0,1,2"));
        assert_ne!(counts("1,2"), counts("2,1"));
        assert_ne!(counts("1,2"), counts("1,2.5"));
        assert_eq!(counts("1,2"), counts("1.0,2e0"));
    }

    #[test]
    fn each_release_has_a_later_version_and_a_later_date() {
        for pair in RELEASES.windows(2) {
            let ((v0, t0), (v1, t1)) = (pair[0], pair[1]);
            assert!(v1 > v0, "renderer {v1} listed after {v0}");
            assert!(t1 > t0, "renderer {v1} released no later than {v0}");
        }
        let date = crate::serve::httpdate::format(RENDERER_RELEASED);
        assert_eq!(
            crate::serve::httpdate::parse(&date),
            Some(RENDERER_RELEASED)
        );
    }

    #[test]
    fn each_format_is_its_own_chart_and_data_ignores_the_picture() {
        use crate::spec::{parse_as, Format, RouteKind};
        let of =
            |f: Format, q: &str| identity(&parse_as(f, "a", Some(q), RouteKind::Named).unwrap());
        let ids: Vec<Identity> = Format::ALL.iter().map(|&f| of(f, "")).collect();
        for (i, a) in ids.iter().enumerate() {
            for b in &ids[i + 1..] {
                assert_ne!((&a.etag, &a.key), (&b.etag, &b.key));
            }
        }
        // Size, ratio and theme draw a different picture, not different data.
        for f in [Format::Csv, Format::Json] {
            assert_eq!(of(f, "w=300&dpr=2&theme=dark"), of(f, ""));
            assert_ne!(of(f, "title=x"), of(f, ""));
        }
        for f in [Format::Png, Format::Svg] {
            assert_ne!(of(f, "w=300"), of(f, ""));
        }
        assert_ne!(of(Format::Svg, "theme=auto"), of(Format::Svg, ""));
    }

    #[test]
    fn etag_and_key_have_their_shapes() {
        let i = id("a-b_c.d", "");
        let v = RENDERER_VERSION.to_string();
        assert!(i.etag.starts_with(&format!("\"r{v}-")) && i.etag.ends_with('"'));
        assert_eq!(i.etag.len(), 2 + 1 + v.len() + 1 + 32);
        assert!(i.key.starts_with(&format!("r{v}/a-b_c.d.png/")) && i.key.len() <= 512);
        assert_eq!(i.content_type, "image/png");
        assert!(i
            .etag
            .bytes()
            .all(|b| b == b'"' || b == b'-' || b.is_ascii_alphanumeric()));
        assert_eq!(digest(b"abc").len(), 7 + 64);
    }
}
