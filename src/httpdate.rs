//! HTTP dates (RFC 9110 section 5.6.7): IMF-fixdate out; IMF-fixdate,
//! RFC 850 and asctime in.

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Formats Unix seconds as an IMF-fixdate: `Sun, 22 Nov 2026 00:00:00 GMT`.
pub fn format(unix: u64) -> String {
    let days = unix / 86_400;
    let secs = unix % 86_400;
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[(days % 7) as usize],
        d,
        MONTHS[m as usize - 1],
        y,
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Parses any of the three HTTP date formats into Unix seconds. The weekday
/// is not checked against the date (RFC 9110 lets recipients ignore it).
pub fn parse(s: &str) -> Option<u64> {
    let s = s.trim();
    let (_, rest) = s.split_once(' ')?;
    let parts: Vec<&str> = rest.split_whitespace().collect();
    let (day, month, year, time) = if s.as_bytes().get(3) == Some(&b',') {
        // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        match parts.as_slice() {
            [d, m, y, t, "GMT"] if y.len() == 4 => (*d, *m, y.parse::<i64>().ok()?, *t),
            _ => return None,
        }
    } else if s.contains('-') {
        // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
        match parts.as_slice() {
            [dmy, t, "GMT"] => {
                let mut it = dmy.split('-');
                let (d, m, y) = (it.next()?, it.next()?, it.next()?);
                let yy: i64 = y.parse().ok()?;
                if y.len() != 2 {
                    return None;
                }
                // Two-digit years: within 50 years of 2026 (RFC 9110 says
                // interpret as the most recent past year with those digits).
                let year = if yy + 2000 > 2076 {
                    1900 + yy
                } else {
                    2000 + yy
                };
                (d, m, year, *t)
            }
            _ => return None,
        }
    } else {
        // asctime: Sun Nov  6 08:49:37 1994
        match parts.as_slice() {
            [m, d, t, y] => (*d, *m, y.parse::<i64>().ok()?, *t),
            _ => return None,
        }
    };
    let day: i64 = day.parse().ok()?;
    let month = MONTHS.iter().position(|&m| m == month)? as i64 + 1;
    let mut hms = time.split(':').map(|p| {
        if p.len() == 2 {
            p.parse::<i64>().ok()
        } else {
            None
        }
    });
    let (h, mi, se) = (hms.next()??, hms.next()??, hms.next()??);
    if hms.next().is_some() || !(1..=31).contains(&day) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let t = days * 86_400 + h * 3600 + mi * 60 + se;
    u64::try_from(t).ok()
}

// Howard Hinnant's civil-date algorithms.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
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
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
    }

    #[test]
    fn round_trips() {
        for t in [0, 1, 86_399, 1_000_000_000, 1_795_305_600, 4_102_444_800] {
            assert_eq!(parse(&format(t)), Some(t));
        }
    }
}
