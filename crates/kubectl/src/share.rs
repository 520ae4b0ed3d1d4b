//! Share links: a [`Scenario`] in a URL fragment.
//!
//! Format: `#s=1.<payload>` where `1` is the link format and `<payload>` is
//! base64url (RFC 4648 §5, no padding) of zlib (deflate + Adler-32, RFC 1950) of
//! [`Scenario::to_json`]. The Adler-32 checksum makes a changed character a "tampered" error
//! rather than a different scenario.
//!
//! ```text
//! let mut sc = Scenario::of_cluster(&session.cluster());
//! sc.tour = Some("statefulset-basics".into()); sc.step = Some(3); sc.files = editor_files;
//! let frag: String = share::encode(&sc)?;                // "s=1.eJy…" (put after '#')
//! match share::decode(&location_hash) {                   // with or without '#'
//!     Ok(sc) => { let cluster = sc.replay(); … }
//!     Err(e) => show(e.to_string()),                      // user-facing, + "Start fresh"
//! }
//! ```
//!
//! The fragment is untrusted: its length is capped before anything is decoded
//! ([`MAX_FRAGMENT_CHARS`]), decompression stops at [`MAX_JSON_BYTES`] (a "zip bomb" costs
//! at most that much memory and time), and the JSON goes through [`Scenario::from_json`]'s
//! validation. Nothing here panics.

use ordinal_model::Scenario;
use std::fmt;

/// The link format this build writes and reads.
pub const LINK_VERSION: u32 = 1;
/// Longest fragment accepted (characters after `s=`).
pub const MAX_FRAGMENT_CHARS: usize = 256 * 1024;
/// Largest scenario JSON a link may decompress to.
pub const MAX_JSON_BYTES: usize = 2 * 1024 * 1024;

/// Why a link could not be opened. [`fmt::Display`] is the message for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareError {
    /// No `s=` fragment at all.
    Missing,
    /// Not of the form `s=<version>.<data>`.
    Malformed,
    /// A link format this build does not read.
    WrongVersion(String),
    /// The fragment (or the scenario in it) is over the size limit.
    TooLarge { what: &'static str, limit: usize },
    /// The data ends early (copied only in part).
    Truncated,
    /// The data was changed (bad characters, checksum mismatch, corrupt stream).
    Tampered,
    /// The data decoded, but the scenario in it is invalid.
    Invalid(String),
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShareError::Missing => write!(f, "This link does not contain a shared scenario."),
            ShareError::Malformed => write!(
                f,
                "This share link is damaged: it is not in the form #s=<version>.<data>."
            ),
            ShareError::WrongVersion(v) => write!(
                f,
                "This share link has format version {v}; this Ordinal reads version {LINK_VERSION}. It was probably made by a different version of Ordinal."
            ),
            ShareError::TooLarge { what, limit } => write!(
                f,
                "This share link is too large: its {what} is over the limit of {limit} bytes."
            ),
            ShareError::Truncated => write!(
                f,
                "This share link is incomplete: it looks cut off. Copy the whole link and try again."
            ),
            ShareError::Tampered => write!(
                f,
                "This share link is damaged: its data was changed (the checksum does not match)."
            ),
            ShareError::Invalid(e) => write!(f, "This share link holds an invalid scenario: {e}."),
        }
    }
}

impl std::error::Error for ShareError {}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding.
pub fn base64url_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Decodes base64url without padding (trailing `=` tolerated). `Err(Tampered)` on a character
/// outside the alphabet, `Err(Truncated)` on an impossible length.
pub fn base64url_decode(s: &str) -> Result<Vec<u8>, ShareError> {
    let s = s.trim_end_matches('=');
    if s.len() % 4 == 1 {
        return Err(ShareError::Truncated);
    }
    let mut out = Vec::with_capacity(s.len() / 4 * 3 + 2);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return Err(ShareError::Tampered),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if acc != 0 {
        // Canonical encodings leave the unused low bits of the last character zero: anything
        // else is a changed character the checksum would not see.
        return Err(ShareError::Tampered);
    }
    Ok(out)
}

/// The fragment for `scenario` (without the leading `#`): `s=1.<payload>`.
pub fn encode(scenario: &Scenario) -> Result<String, ShareError> {
    let json = scenario.to_json();
    if json.len() > MAX_JSON_BYTES {
        return Err(ShareError::TooLarge {
            what: "scenario",
            limit: MAX_JSON_BYTES,
        });
    }
    let z = miniz_oxide::deflate::compress_to_vec_zlib(json.as_bytes(), 9);
    let payload = base64url_encode(&z);
    if payload.len() > MAX_FRAGMENT_CHARS {
        return Err(ShareError::TooLarge {
            what: "link",
            limit: MAX_FRAGMENT_CHARS,
        });
    }
    Ok(format!("s={LINK_VERSION}.{payload}"))
}

/// Opens a fragment (`#s=1.…`, `s=1.…`, or a whole URL containing `#s=`; other `&`-separated
/// fragment parameters are ignored).
pub fn decode(fragment: &str) -> Result<Scenario, ShareError> {
    let frag = match fragment.find('#') {
        Some(i) => &fragment[i + 1..],
        None => fragment,
    };
    let value = frag
        .split('&')
        .find_map(|kv| kv.strip_prefix("s="))
        .ok_or(ShareError::Missing)?;
    if value.len() > MAX_FRAGMENT_CHARS + 16 {
        return Err(ShareError::TooLarge {
            what: "link",
            limit: MAX_FRAGMENT_CHARS,
        });
    }
    let (ver, payload) = value.split_once('.').ok_or(ShareError::Malformed)?;
    if ver.is_empty() || !ver.bytes().all(|b| b.is_ascii_digit()) || ver.len() > 9 {
        return Err(ShareError::Malformed);
    }
    if ver != LINK_VERSION.to_string() {
        return Err(ShareError::WrongVersion(ver.to_string()));
    }
    if payload.is_empty() {
        return Err(ShareError::Truncated);
    }
    let z = base64url_decode(payload)?;
    let json = match miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&z, MAX_JSON_BYTES) {
        Ok(j) => j,
        Err(e) => {
            use miniz_oxide::inflate::TINFLStatus as S;
            return Err(match e.status {
                S::HasMoreOutput => ShareError::TooLarge {
                    what: "scenario",
                    limit: MAX_JSON_BYTES,
                },
                S::FailedCannotMakeProgress | S::NeedsMoreInput => ShareError::Truncated,
                _ => ShareError::Tampered,
            });
        }
    };
    let text = std::str::from_utf8(&json).map_err(|_| ShareError::Tampered)?;
    Scenario::from_json(text).map_err(ShareError::Invalid)
}
