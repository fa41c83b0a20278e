//! Numbers as text: the shortest spelling that reads back as the same
//! `f64`, in the two layouts the service prints, [`shortest`] for the CSV,
//! JSON and error messages, [`write_debug`] for the canonical spec (the
//! chart's identity).
//!
//! Both spell exactly what Rust's `{}`/`{:e}` and `{:?}` spell (a test
//! holds them to it over millions of values); the digits come from `zmij`
//! (Schubfach: shortest, correctly rounded, as the standard library's
//! Grisu-with-Dragon fallback), which in wasm saves about 1,000 fuel a
//! number against the standard library's formatting. A chart of 10,000
//! values prints as many numbers in its identity alone.

/// A finite, non-zero `f64` as decimal digits: `0.d1 d2 … dn × 10^point`,
/// with no leading or trailing zero digit.
struct Decimal {
    negative: bool,
    digits: [u8; 24],
    len: usize,
    point: i32,
}

/// Whether `v`'s exact value lies halfway between two decimals of `len`
/// significant digits. There the shortest spellings tie, and `zmij` and the
/// standard library may break the tie differently (`(1_394_865_425_023_536.0 + 0.25)`:
/// `.2` and `.3`), so the caller takes the standard library's. A midpoint
/// has `len + 1` digits ending in 5: only a dyadic fraction `m * 2^-j` whose
/// exact expansion `m * 5^j` is that short can be one.
fn may_tie(v: f64, len: impl FnOnce() -> usize) -> bool {
    exact_digits(v).is_some_and(|n| n == len() + 1)
}

/// The number of significant digits of `v`'s exact value, when it is a
/// fraction of at most 19 (`None` for whole numbers, whose digits are
/// exact anyway, and for longer expansions).
fn exact_digits(v: f64) -> Option<usize> {
    let bits = v.to_bits();
    let field = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (m, e) = if field == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), field - 1075)
    };
    if m == 0 {
        return None;
    }
    let zeros = m.trailing_zeros();
    let (m, k) = (m >> zeros, e + zeros as i32);
    if k >= 0 {
        return None;
    }
    let j = (-k) as u32;
    // The expansion is at least 2^(bits - 1) * 5^j; at 2^64 (20 digits) or
    // more it is longer than any midpoint of 17-digit spellings. Counting
    // first keeps the multiplication (costly in wasm) for the rare short
    // fractions.
    let bits = 64 - m.leading_zeros();
    if (bits - 1) + j * 2_321 / 1_000 >= 64 {
        return None;
    }
    let exact = u128::from(m) * u128::from(5u64.pow(j));
    Some(exact.ilog10() as usize + 1)
}

impl Decimal {
    /// The digits of `v` (finite, non-zero), or `None` where the shortest
    /// spellings may tie ([`may_tie`]).
    fn of(v: f64) -> Option<Decimal> {
        let mut buffer = zmij::Buffer::new();
        let printed = buffer.format_finite(v).as_bytes();
        let mut d = Decimal {
            negative: false,
            digits: [0; 24],
            len: 0,
            point: 0,
        };
        let mut seen_point = false;
        let mut exponent = 0i32;
        let mut i = 0;
        if printed.first() == Some(&b'-') {
            d.negative = true;
            i = 1;
        }
        while i < printed.len() {
            match printed[i] {
                b'.' => seen_point = true,
                b'e' | b'E' => {
                    let rest = &printed[i + 1..];
                    let (sign, rest) = match rest.first() {
                        Some(b'-') => (-1, &rest[1..]),
                        Some(b'+') => (1, &rest[1..]),
                        _ => (1, rest),
                    };
                    for &c in rest {
                        exponent = exponent * 10 + i32::from(c - b'0');
                    }
                    exponent *= sign;
                    break;
                }
                c => {
                    if c == b'0' && d.len == 0 {
                        // A leading zero: before the point it says nothing,
                        // after it the point moves right.
                        if seen_point {
                            d.point -= 1;
                        }
                    } else {
                        d.digits[d.len] = c;
                        d.len += 1;
                        if !seen_point {
                            d.point += 1;
                        }
                    }
                }
            }
            i += 1;
        }
        while d.len > 0 && d.digits[d.len - 1] == b'0' {
            d.len -= 1;
        }
        d.point += exponent;
        (!may_tie(v, || d.len)).then_some(d)
    }

    fn digits(&self) -> &[u8] {
        &self.digits[..self.len]
    }

    /// `{:e}`: `d.ddde-x`.
    fn write_exponent(&self, out: &mut Vec<u8>) {
        let digits = self.digits();
        out.push(digits[0]);
        if digits.len() > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        out.push(b'e');
        let mut b = [0; 20];
        out.extend_from_slice(itoa64(&mut b, i64::from(self.point - 1)));
    }
}

/// `v` as a whole number, when it is one below 1e15 in magnitude (spelled
/// the same by `{}` and, with `.0`, by `{:?}`).
fn whole(v: f64) -> Option<i64> {
    (v.abs() < 1e15 && v == v.trunc()).then_some(v as i64)
}

fn itoa64(buf: &mut [u8; 20], v: i64) -> &[u8] {
    let mut n = v.unsigned_abs();
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    &buf[i..]
}

fn push(out: &mut String, bytes: &[u8]) {
    // ASCII only: digits, '-', '.', 'e'.
    out.push_str(std::str::from_utf8(bytes).unwrap_or_default());
}

/// The shortest decimal that parses back to exactly `v`, with an exponent
/// outside 1e-5..1e16 so 1e300 is `1e300`, not 301 digits (`{}` inside,
/// `{:e}` outside). Valid JSON and CSV.
pub fn shortest(v: f64) -> String {
    let mut s = String::with_capacity(24);
    write_shortest(&mut s, v);
    s
}

/// [`shortest`], appended to `out`.
pub fn write_shortest(out: &mut String, v: f64) {
    write(out, v, false);
}

/// `{v:?}`'s spelling, appended to `out`: at least one fractional digit
/// (`1.0`) inside 1e-4..1e16, `{:e}` outside it.
pub fn write_debug(out: &mut String, v: f64) {
    write(out, v, true);
}

/// The two spellings, `{v:?}`'s when `debug`, else [`shortest`]'s: they
/// differ only in where the plain range starts and in a whole number's
/// `.0`.
fn write(out: &mut String, v: f64, debug: bool) {
    let plain = (if debug { 1e-4 } else { 1e-5 }..1e16).contains(&v.abs());
    // The reference, for what zmij's spelling cannot give: the rare ties,
    // digits that round up to 1e16, and the non-finite.
    let standard = |out: &mut String| {
        out.push_str(&match (debug, plain) {
            (true, _) => format!("{v:?}"),
            (false, true) => format!("{v}"),
            (false, false) => format!("{v:e}"),
        })
    };
    if let Some(i) = whole(v) {
        // Counts and round edges: no float formatting at all.
        if i == 0 && v.is_sign_negative() {
            out.push('-');
        }
        let mut b = [0; 20];
        push(out, itoa64(&mut b, i));
        if debug {
            out.push_str(".0");
        }
        return;
    }
    if !v.is_finite() {
        return standard(out);
    }
    if plain {
        // zmij spells this range as `{:?}` does, and as `{}` does but for
        // a `.0` after a whole number; where the digits round up to 1e16 it
        // writes an exponent.
        let mut buffer = zmij::Buffer::new();
        let printed = buffer.format_finite(v);
        if printed.contains('e') || may_tie(v, || significant(printed)) {
            return standard(out);
        }
        out.push_str(if debug {
            printed
        } else {
            printed.strip_suffix(".0").unwrap_or(printed)
        });
        return;
    }
    let Some(d) = Decimal::of(v) else {
        return standard(out);
    };
    let mut bytes = Vec::with_capacity(26);
    if d.negative {
        bytes.push(b'-');
    }
    d.write_exponent(&mut bytes);
    push(out, &bytes);
}

/// The significant digits of a plain spelling (`0.00120` has 2: leading
/// zeros and a trailing `.0` say nothing).
fn significant(printed: &str) -> usize {
    let digits = printed
        .trim_end_matches(".0")
        .trim_start_matches(['-', '0', '.']);
    let digits = digits.trim_end_matches('0');
    digits.bytes().filter(u8::is_ascii_digit).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the standard library spells, the reference.
    fn std_shortest(v: f64) -> String {
        let a = v.abs();
        if a == 0.0 || (1e-5..1e16).contains(&a) {
            format!("{v}")
        } else {
            format!("{v:e}")
        }
    }

    fn check(v: f64) {
        assert_eq!(shortest(v), std_shortest(v), "{:#x}", v.to_bits());
        let mut s = String::new();
        write_debug(&mut s, v);
        assert_eq!(s, format!("{v:?}"), "{:#x}", v.to_bits());
    }

    #[test]
    fn shortest_round_trips() {
        for v in [
            0.0,
            -0.0,
            1.0,
            -2.5,
            0.1,
            1e300,
            -1e300,
            5e-324,
            1e-5,
            9.99e-6,
            1e16,
            123456.789,
            0.30000000000000004,
            1e-308,
        ] {
            let s = shortest(v);
            assert_eq!(s.parse::<f64>().unwrap().to_bits(), v.to_bits(), "{v}: {s}");
            assert!(s.len() <= 24, "{s}");
            check(v);
        }
        assert_eq!(shortest(1.0), "1");
        assert_eq!(shortest(1e300), "1e300");
        assert_eq!(shortest(-0.25), "-0.25");
    }

    /// The spellings equal the standard library's, value for value: the
    /// thresholds and their neighbours, powers of ten, short decimals,
    /// integers, subnormals, the extremes, and a million random bit
    /// patterns (the whole range of exponents).
    #[test]
    fn the_spellings_are_the_standard_librarys() {
        for e in -324..=308 {
            let p: f64 = format!("1e{e}").parse().unwrap();
            for v in [
                p,
                p.next_up(),
                p.next_down(),
                -p,
                2.5 * p,
                9.999999999999999 * p,
            ] {
                if v.is_finite() {
                    check(v);
                }
            }
        }
        for v in [
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            f64::EPSILON,
            1e-4,
            9.9999e-5,
            1e-5,
            9.9999e-6,
            1e15,
            9999999999999998.0,
            1e16,
            1.0000000000000002e16,
            2f64.powi(53),
            2f64.powi(53) + 2.0,
            0.1 + 0.2,
            1.0 / 3.0,
            // Exact midpoints between two shortest candidates.
            (1_394_865_425_023_536.0 + 0.25),
            (112_589_990_684_262.0 + 0.125),
            0.5,
            2.25,
        ] {
            check(v);
            check(-v);
        }
        for i in 0..20_000u32 {
            check(f64::from(i));
            check(f64::from(i) / 10.0);
            check(f64::from(i) / 1000.0 - 7.0);
        }
        assert!(may_tie(1_394_865_425_023_536.0 + 0.25, || 17));
        assert!(may_tie(112_589_990_684_262.0 + 0.125, || 17));
        assert!(!may_tie(0.1, || 1) && !may_tie(0.5, || 1) && !may_tie(1e300, || 1));
        // Dyadic fractions near the precision's end, where ties live.
        for i in 0..200_000u64 {
            for shift in [2, 3, 4, 6, 8] {
                let m = (1u64 << 52) + i * 7_919;
                check(m as f64 / (1u64 << shift) as f64);
            }
        }
        // xorshift64*: reproducible random bits over every exponent.
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..1_000_000 {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            let v = f64::from_bits(x.wrapping_mul(0x2545_F491_4F6C_DD1D));
            if v.is_finite() {
                check(v);
            }
        }
    }
}
