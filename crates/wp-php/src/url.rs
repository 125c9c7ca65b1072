//! PHP's URL encoding and decoding: `urldecode`, `rawurldecode` and `rawurlencode`, one
//! decoder for the two.
//!
//! ```
//! use wp_php::url::{rawurldecode, rawurlencode};
//!
//! let decoded: Vec<u8> = rawurldecode(b"a+b%7c%7C%zz").collect();
//! assert_eq!(decoded, b"a+b||%zz");
//! let encoded: Vec<u8> = rawurlencode("a b|~é".bytes()).collect();
//! assert_eq!(encoded, b"a%20b%7C~%C3%A9");
//! ```

use core::fmt;

/// The value of a hex digit, either case.
#[must_use]
pub const fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// PHP's `rawurldecode` as an iterator: `%XX` with any hex case decoded, anything else
/// (including a malformed `%` and `+`) kept.
#[must_use]
pub fn rawurldecode(s: &[u8]) -> Decode<'_> {
    Decode {
        s,
        i: 0,
        plus: false,
    }
}

/// PHP's `urldecode` as an iterator: [`rawurldecode`], and `+` is a space.
#[must_use]
pub fn urldecode(s: &[u8]) -> Decode<'_> {
    Decode {
        s,
        i: 0,
        plus: true,
    }
}

/// The iterator [`rawurldecode`] and [`urldecode`] return. It never yields more bytes than
/// its input has.
#[derive(Clone, Debug)]
pub struct Decode<'a> {
    s: &'a [u8],
    i: usize,
    plus: bool,
}

impl Iterator for Decode<'_> {
    type Item = u8;
    fn next(&mut self) -> Option<u8> {
        let b = *self.s.get(self.i)?;
        let hex = |k| self.s.get(self.i + k).copied().and_then(hex_val);
        let (byte, step) = match (b, hex(1), hex(2)) {
            (b'%', Some(h), Some(l)) => ((h << 4) | l, 3),
            (b'+', _, _) if self.plus => (b' ', 1),
            _ => (b, 1),
        };
        self.i += step;
        Some(byte)
    }
}

/// Whether PHP's `rawurlencode` keeps a byte as it is (RFC 3986's unreserved set).
#[must_use]
pub const fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

fn hex_digit(n: u8) -> u8 {
    HEX_UPPER.get(usize::from(n & 15)).copied().unwrap_or(b'0')
}

/// PHP's `rawurlencode` as an iterator adapter: unreserved bytes as they are, every other
/// byte as `%XX` with upper-case hex.
pub fn rawurlencode<I: Iterator<Item = u8>>(bytes: I) -> RawEncode<I> {
    RawEncode {
        inner: bytes,
        pending: [0; 2],
        left: 0,
    }
}

/// The iterator [`rawurlencode`] returns.
#[derive(Clone, Debug)]
pub struct RawEncode<I> {
    inner: I,
    pending: [u8; 2],
    left: usize,
}

impl<I: Iterator<Item = u8>> Iterator for RawEncode<I> {
    type Item = u8;
    fn next(&mut self) -> Option<u8> {
        if self.left > 0 {
            let b = self.pending.get(2 - self.left).copied();
            self.left -= 1;
            return b;
        }
        let b = self.inner.next()?;
        if is_unreserved(b) {
            Some(b)
        } else {
            self.pending = [hex_digit(b >> 4), hex_digit(b)];
            self.left = 2;
            Some(b'%')
        }
    }
}

/// Writes `bytes` as PHP's `rawurlencode()` does, into a formatter.
///
/// # Errors
/// Whatever the formatter returns.
pub fn write_rawurlencoded(f: &mut impl fmt::Write, bytes: &[u8]) -> fmt::Result {
    for b in rawurlencode(bytes.iter().copied()) {
        f.write_char(char::from(b))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::String;

    #[test]
    fn rawurlencode_as_php() {
        let mut s = String::new();
        write_rawurlencoded(&mut s, "a b|@+~é".as_bytes()).unwrap();
        assert_eq!(s, "a%20b%7C%40%2B~%C3%A9");
    }

    #[test]
    fn decoding_plus_and_stray_percent() {
        let plus: std::vec::Vec<u8> = urldecode(b"a+b%4a%zz%4%2B").collect();
        assert_eq!(plus, b"a bJ%zz%4+");
        let raw: std::vec::Vec<u8> = rawurldecode(b"a+b%2b").collect();
        assert_eq!(raw, b"a+b+");
    }
}
