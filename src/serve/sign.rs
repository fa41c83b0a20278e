//! Signed URLs: when the owner sets `CHART_SIGNING_KEYS`, every chart
//! request must end with `sig`, the base64url (no padding) HMAC-SHA256 of
//! the request target exactly as sent (path and query, still
//! percent-encoded) up to, not including, `?sig=` or `&sig=`, under any key
//! of the list (rotation: add the new key, move signers over, drop the old
//! one). Pure: the adapters hand over the keys and the target.
//!
//! The scheme fits in a few lines of any language; the README shows it in
//! JavaScript, and `cargo run --example sign` signs from the shell.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The signature's length: 32 bytes of HMAC-SHA256 in base64url, unpadded.
pub const SIG_LEN: usize = 43;

/// The keys a signature may be made with; none means signing is off.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SigningKeys(Vec<Vec<u8>>);

impl std::fmt::Debug for SigningKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKeys({} keys)", self.0.len()) // never the keys
    }
}

/// No keys: signing off.
pub static NO_KEYS: SigningKeys = SigningKeys(Vec::new());

impl SigningKeys {
    /// Keys separated by commas; spaces around each and empty items are
    /// ignored, so an unset or blank secret turns signing off.
    pub fn parse(list: &str) -> SigningKeys {
        SigningKeys(
            list.split(',')
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(|k| k.as_bytes().to_vec())
                .collect(),
        )
    }

    /// The first key: the one the Worker signs the URLs it hands out with.
    pub fn first(&self) -> Option<&[u8]> {
        self.0.first().map(Vec::as_slice)
    }

    pub fn is_enabled(&self) -> bool {
        !self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Why a request was refused: each says which, never which key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureError {
    Missing,
    Misplaced,
    Malformed,
    Wrong,
}

impl SignatureError {
    pub fn message(&self) -> &'static str {
        match self {
            SignatureError::Missing => {
                "sig is missing: this server renders only signed URLs (sig, the last query parameter, is HMAC-SHA256 of the path and query before it, base64url without padding)"
            }
            SignatureError::Misplaced => {
                "sig must be the last query parameter, and given once: the signature covers everything before it"
            }
            SignatureError::Malformed => {
                "sig is malformed: it must be 43 characters of base64url (A-Z a-z 0-9 - _), without padding"
            }
            SignatureError::Wrong => {
                "sig does not match this URL: it was made for another URL or with another key"
            }
        }
    }
}

/// Splits `target` (`/path?query`) into the signed message and the value
/// of a `sig` that is the last query parameter. With no `sig`, or one that
/// is not last, the message is the whole target and the sig is `None`.
pub fn split_signature(target: &str) -> (&str, Option<&str>) {
    let Some(q) = target.find('?') else {
        return (target, None);
    };
    // The last parameter of the query, and where it starts.
    let start = target.rfind('&').filter(|&a| a > q).unwrap_or(q) + 1;
    match target[start..].strip_prefix("sig=") {
        Some(sig) => (&target[..start - 1], Some(sig)),
        None => (target, None),
    }
}

/// Whether `target` carries a valid signature under one of `keys`.
pub fn verify(keys: &SigningKeys, target: &str) -> Result<(), SignatureError> {
    verify_with(keys, target, "")
}

/// [`verify`] of a signature over the target up to `sig` followed by
/// `suffix` (`POST /data` signs a line feed and its body's digest too).
pub fn verify_with(keys: &SigningKeys, target: &str, suffix: &str) -> Result<(), SignatureError> {
    let (message, sig) = split_signature(target);
    let has_sig_param = |t: &str| {
        t.split_once('?').is_some_and(|(_, q)| {
            q.split('&')
                .any(|pair| pair == "sig" || pair.starts_with("sig="))
        })
    };
    let Some(sig) = sig else {
        let last = target.rsplit(['?', '&']).next().unwrap_or("");
        return Err(if target.contains('?') && last == "sig" {
            SignatureError::Malformed
        } else if has_sig_param(target) {
            SignatureError::Misplaced
        } else {
            SignatureError::Missing
        });
    };
    if has_sig_param(message) {
        return Err(SignatureError::Misplaced);
    }
    if sig.len() != SIG_LEN
        || !sig
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(SignatureError::Malformed);
    }
    // Every key is tried, whichever matches: the time taken does not say
    // which key signed, and each comparison is constant-time (an XOR fold
    // over all 43 bytes; `black_box` keeps the optimiser from turning it
    // into an early-exit compare).
    let mut matched = false;
    let signed = format!("{message}{suffix}");
    for key in &keys.0 {
        let expected = sign(key, &signed);
        let diff = expected
            .bytes()
            .zip(sig.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        matched |= std::hint::black_box(diff) == 0;
    }
    if matched {
        Ok(())
    } else {
        Err(SignatureError::Wrong)
    }
}

/// The `sig` of `message` under `key`: 43 characters of base64url.
pub fn sign(key: &[u8], message: &str) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(message.as_bytes());
    base64url(&mac.finalize().into_bytes())
}

/// `target` with its signature appended as the last parameter (a `sig`
/// already there is replaced).
pub fn sign_url(key: &[u8], target: &str) -> String {
    let (message, _) = split_signature(target);
    let sep = if message.contains('?') { '&' } else { '?' };
    format!("{message}{sep}sig={}", sign(key, message))
}

/// Base64url without padding. Hand-written: 15 lines against a crate for
/// one 32-byte value per request.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Computed independently with Python (not with this module), each by
    // the one-liner beside it; tests/e2e/sign.mjs gives the same values.
    const VECTORS: &[(&str, &str, &str)] = &[
        // python3 -c "import hmac,hashlib,base64; print(base64.urlsafe_b64encode(hmac.new(b'key-one', b'/charts/sales.png?w=320&h=200', hashlib.sha256).digest()).rstrip(b'=').decode())"
        (
            "key-one",
            "/charts/sales.png?w=320&h=200",
            "rXVVuhQE--zFyRKKePjys9JYrwJcTORVqUYT1nfJoI0",
        ),
        // python3 -c "import hmac,hashlib,base64; print(base64.urlsafe_b64encode(hmac.new(b'key-two', b'/charts/sales.png', hashlib.sha256).digest()).rstrip(b'=').decode())"
        (
            "key-two",
            "/charts/sales.png",
            "BbbNZz9pQE3yj2P3Wer78GjWl-oEj-gFS8-bP4JCIr0",
        ),
        // python3 -c "import hmac,hashlib,base64; print(base64.urlsafe_b64encode(hmac.new(b'key-one', b'/random.png?n=50', hashlib.sha256).digest()).rstrip(b'=').decode())"
        (
            "key-one",
            "/random.png?n=50",
            "6ZdAlYUNCnbCDgNdzYkcmVOu-12S-tUzUH2hoKTx2-E",
        ),
        // The target is signed still percent-encoded, as sent:
        // python3 -c "import hmac,hashlib,base64; print(base64.urlsafe_b64encode(hmac.new(b'2024-rotation', b'/charts/q%20a.png?title=Hello%2C%20world&w=640', hashlib.sha256).digest()).rstrip(b'=').decode())"
        (
            "2024-rotation",
            "/charts/q%20a.png?title=Hello%2C%20world&w=640",
            "p1mWTZ2smQ5UWeOHHh2c65-XDtL0mNOXmlFuY3Hvxek",
        ),
    ];

    #[test]
    fn signatures_match_an_independent_implementation() {
        for (key, message, want) in VECTORS {
            assert_eq!(sign(key.as_bytes(), message), *want, "{message}");
        }
        assert_eq!(base64url(b"\xff\xfe\xfd"), "__79");
        assert_eq!(base64url(b"ab"), "YWI");
    }

    #[test]
    fn verification_table() {
        let keys = SigningKeys::parse(" key-one , ,key-two,");
        assert_eq!(keys.len(), 2);
        let s1 = sign_url(b"key-one", "/charts/sales.png?w=320&h=200");
        let s2 = sign_url(b"key-two", "/charts/sales.png?w=320&h=200");
        let bare = sign_url(b"key-two", "/charts/sales.png");
        let wrong = sign_url(b"key-three", "/charts/sales.png?w=320&h=200");
        // The 43rd character carries 4 bits and 2 unused ones: flipping an
        // unused bit decodes to the same HMAC but is not the canonical text,
        // so it is refused (no second spelling of a signature).
        let alias = {
            const A: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let last = A.find(s1.chars().last().unwrap()).unwrap();
            format!("{}{}", &s1[..s1.len() - 1], &A[last ^ 1..][..1])
        };
        let encoded = "/charts/q%20a.png?title=Hello%2C%20world&w=640";
        use SignatureError::*;
        let cases: Vec<(String, Result<(), SignatureError>)> = vec![
            (sign_url(b"key-one", encoded), Ok(())),
            (alias, Err(Wrong)),
            (s1.clone(), Ok(())),
            (s2.clone(), Ok(())),
            (bare.clone(), Ok(())),
            ("/charts/sales.png?w=320&h=200".into(), Err(Missing)),
            ("/charts/sales.png".into(), Err(Missing)),
            (s1.replace("sales", "sales2"), Err(Wrong)),
            (s1.replace("w=320", "w=321"), Err(Wrong)),
            (wrong, Err(Wrong)),
            (format!("{s1}&w=1"), Err(Misplaced)),
            (
                s1.replace("?w=320&h=200&sig=", "?sig=") + "&w=320&h=200",
                Err(Misplaced),
            ),
            (format!("{s1}&sig=x"), Err(Misplaced)),
            (
                format!("{}&{}", s1, &s1[s1.find("sig=").unwrap()..]),
                Err(Misplaced),
            ),
            (s1[..s1.len() - 1].to_string(), Err(Malformed)),
            (format!("{s1}="), Err(Malformed)),
            (s1.replace('-', "%2D"), Err(Malformed)),
            ("/charts/sales.png?sig=".into(), Err(Malformed)),
            ("/charts/sales.png?sig".into(), Err(Malformed)),
        ];
        for (target, want) in cases {
            assert_eq!(verify(&keys, &target), want, "{target}");
        }
        // With no keys nothing verifies (the flow does not ask then).
        assert!(!SigningKeys::parse(" , ").is_enabled());
        assert_eq!(verify(&SigningKeys::parse(""), &s1), Err(Wrong));
    }

    #[test]
    fn the_signature_is_split_off_the_last_parameter_only() {
        assert_eq!(
            split_signature("/a.png?x=1&sig=abc"),
            ("/a.png?x=1", Some("abc"))
        );
        assert_eq!(split_signature("/a.png?sig=abc"), ("/a.png", Some("abc")));
        assert_eq!(
            split_signature("/a.png?sig=abc&x=1"),
            ("/a.png?sig=abc&x=1", None)
        );
        assert_eq!(split_signature("/a&sig=b.png"), ("/a&sig=b.png", None));
        assert_eq!(split_signature("/a.png"), ("/a.png", None));
        assert_eq!(
            sign_url(b"k", "/a.png?x=1&sig=old"),
            sign_url(b"k", "/a.png?x=1")
        );
        assert!(format!("{:?}", SigningKeys::parse("secret")).contains("1 keys"));
    }
}
