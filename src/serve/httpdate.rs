//! HTTP dates (RFC 9110 section 5.6.7) as Unix seconds, through the
//! `httpdate` crate: IMF-fixdate out; IMF-fixdate, RFC 850 and asctime in,
//! with real calendar checks (no 31 Feb, four-digit years, the weekday must
//! match the date). `std::time::SystemTime` arithmetic works on every target
//! (only `SystemTime::now` does not, and it is never called).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Formats Unix seconds as an IMF-fixdate: `Sun, 22 Nov 2026 00:00:00 GMT`.
/// Years past 9999 are formatted as the last second of 9999.
pub fn format(unix: u64) -> String {
    let unix = unix.min(MAX_UNIX);
    ::httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(unix))
}

/// `9999-12-31T23:59:59Z`, the last instant an HTTP date can spell.
pub const MAX_UNIX: u64 = 253_402_300_799;

/// Parses any of the three HTTP date formats into Unix seconds; anything
/// else (including dates before 1970) is `None`.
pub fn parse(s: &str) -> Option<u64> {
    let t: SystemTime = ::httpdate::parse_http_date(s.trim()).ok()?;
    t.duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_imf_fixdate() {
        assert_eq!(format(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(format(1_795_305_600), "Sun, 22 Nov 2026 00:00:00 GMT");
        assert_eq!(format(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(format(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
    }

    #[test]
    fn parses_all_three_formats() {
        for s in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(parse(s), Some(784_111_777), "{s}");
        }
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "yesterday",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 8:49:37 GMT",
            "Sun, 06 Nov 94 08:49:37 GMT",
            // Not a day of February, and a year no parser may overflow on.
            "Tue, 31 Feb 2026 00:00:00 GMT",
            "Sun Feb 31 00:00:00 2026",
            "Sun Nov  6 08:49:37 1234567890123",
            "Sun Nov  6 08:49:37 99999999999999999999",
            "Sun, 06 Nov 1234567890123 08:49:37 GMT",
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
    }

    #[test]
    fn round_trips() {
        for t in [
            0,
            1,
            86_399,
            1_000_000_000,
            1_795_305_600,
            4_102_444_800,
            MAX_UNIX,
        ] {
            assert_eq!(parse(&format(t)), Some(t));
        }
        assert_eq!(format(u64::MAX), format(MAX_UNIX));
    }
}
