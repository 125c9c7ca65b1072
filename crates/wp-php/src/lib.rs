#![no_std]
#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(test)]
extern crate std;

pub mod cookie;
mod input;
pub mod number;
pub mod unserialize;
pub mod url;

pub use input::{Entry, Input, MAX_INDEX_PATH, MAX_INPUT_VARS, sort_stable_by};

use core::fmt;

/// Why PHP input could not be read.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Error {
    /// The caller's entry or byte buffer is too small for the input.
    BufferTooSmall,
    /// A multipart part whose `Content-Disposition` header is longer than this crate reads
    /// (1,024 bytes): refused rather than read cut short.
    LongPartHeader,
    /// Not a value PHP's `unserialize()` reads back (objects and references included).
    Unserialize,
    /// An array variable's index path is longer than [`MAX_INDEX_PATH`] bytes: refused rather
    /// than read cut short.
    LongIndexPath,
}

impl Error {
    /// A short stable code for the error.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::BufferTooSmall => "buffer_too_small",
            Self::LongPartHeader => "long_part_header",
            Self::Unserialize => "unserialize",
            Self::LongIndexPath => "long_index_path",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::BufferTooSmall => "the working buffer is too small for the input",
            Self::LongPartHeader => "a multipart part header is longer than 1024 bytes",
            Self::Unserialize => "not a value php's unserialize() reads back",
            Self::LongIndexPath => "an array variable's index path is longer than 512 bytes",
        })
    }
}

impl core::error::Error for Error {}

/// A PHP array key: PHP turns canonical decimal strings into integers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArrayKey<'a> {
    /// An integer key (a name such as `5`).
    Int(i64),
    /// A string key.
    Str(&'a [u8]),
}

/// PHP's `trim()` with its default characters (space, `\t`, `\n`, `\r`, NUL, `\x0B`).
#[must_use]
pub fn trim(s: &[u8]) -> &[u8] {
    s.get(trim_range(s)).unwrap_or_default()
}

/// Where [`trim`]'s result lies in `s`, for callers that keep offsets rather than a borrow.
#[must_use]
pub fn trim_range(s: &[u8]) -> core::ops::Range<usize> {
    let ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0 | 0x0b);
    let start = s.iter().position(|b| !ws(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|b| !ws(b)).map_or(start, |i| i + 1);
    start..end
}

/// WordPress's `is_ssl()` from `$_SERVER`: `HTTPS` is `on` in any case or loosely equal to
/// `1`; only when `HTTPS` is absent, `SERVER_PORT` loosely equal to `443`.
#[must_use]
pub fn is_ssl(https: Option<&[u8]>, server_port: Option<&[u8]>) -> bool {
    let equals = |s: &[u8], n| number::compare_with_int(s, n) == core::cmp::Ordering::Equal;
    match https {
        Some(v) => v.eq_ignore_ascii_case(b"on") || equals(v, 1),
        None => server_port.is_some_and(|p| equals(p, 443)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_as_php() {
        assert_eq!(trim(b" \t\0x y\x0b\r\n"), b"x y");
        assert_eq!(trim(b"\x0c x"), b"\x0c x");
        assert_eq!(trim(b"   "), b"");
    }

    #[test]
    fn is_ssl_as_wordpress() {
        for (https, port, want) in [
            (Some(&b"on"[..]), None, true),
            (Some(b"ON"), None, true),
            (Some(b"1"), None, true),
            (Some(b" 1"), None, true),
            (Some(b"1.0"), None, true),
            (Some(b"off"), Some(&b"443"[..]), false),
            (Some(b""), None, false),
            (None, Some(b"443"), true),
            (None, Some(b"443 "), true),
            (None, Some(b"80"), false),
            (None, None, false),
        ] {
            assert_eq!(is_ssl(https, port), want, "{https:?} {port:?}");
        }
    }
}
