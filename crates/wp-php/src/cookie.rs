//! Reading cookies from a `Cookie:` request header the way PHP fills `$_COOKIE`.
//!
//! ```
//! use wp_php::cookie::{find, decode_value};
//!
//! let header = b"other=1; wordpress_logged_in_abc=jane%7C1700000000%7Ctok%7Cmac";
//! let raw = find(header, b"wordpress_logged_in_abc").unwrap();
//! let mut buf = [0u8; 64];
//! assert_eq!(decode_value(raw, &mut buf).unwrap(), b"jane|1700000000|tok|mac");
//! ```
//!
//! PHP's rules, as observed: pairs are separated by `;`; whitespace before a name is skipped;
//! a name is not decoded but `.` and ` ` in it become `_`, and a name with `[` is an array
//! (never equal to a plain name); the value is everything after the first `=` up to the next
//! `;`, raw-URL-decoded (`%XX` in either case; `+` stays `+`; a `%` not followed by two hex
//! digits stays as it is); when a name repeats, the first one wins.

use crate::Error;
use crate::url::rawurldecode;

/// The `(name, raw value)` pairs of a `Cookie:` header, in order, names as sent.
#[derive(Clone, Debug)]
pub struct Pairs<'a> {
    rest: &'a [u8],
}

/// Iterates the pairs of a `Cookie:` header.
#[must_use]
pub fn pairs(header: &[u8]) -> Pairs<'_> {
    Pairs { rest: header }
}

impl<'a> Iterator for Pairs<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.rest.is_empty() {
                return None;
            }
            let (item, rest) = match self.rest.iter().position(|&b| b == b';') {
                Some(i) => (
                    self.rest.get(..i).unwrap_or_default(),
                    self.rest.get(i + 1..).unwrap_or_default(),
                ),
                None => (self.rest, &b""[..]),
            };
            self.rest = rest;
            let start = item
                .iter()
                .position(|&b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c))
                .unwrap_or(item.len());
            let item = item.get(start..).unwrap_or_default();
            let (name, value) = match item.iter().position(|&b| b == b'=') {
                Some(i) => (
                    item.get(..i).unwrap_or_default(),
                    item.get(i + 1..).unwrap_or_default(),
                ),
                None => (item, &b""[..]),
            };
            if !name.is_empty() {
                return Some((name, value));
            }
        }
    }
}

/// The name PHP registers for a raw cookie name, byte by byte: leading spaces dropped, `.`
/// and ` ` as `_`. `None` where PHP would make an array (`[`) or drop the pair (empty name).
pub fn php_name(raw: &[u8]) -> Option<impl Iterator<Item = u8> + '_> {
    let start = raw.iter().position(|&b| b != b' ').unwrap_or(raw.len());
    let name = raw.get(start..).unwrap_or_default();
    // PHP's name handling stops at a NUL byte.
    let name = name
        .get(..name.iter().position(|&b| b == 0).unwrap_or(name.len()))
        .unwrap_or_default();
    if name.is_empty() || name.contains(&b'[') {
        return None;
    }
    Some(
        name.iter()
            .map(|&b| if matches!(b, b' ' | b'.') { b'_' } else { b }),
    )
}

/// Whether a raw cookie name is registered by PHP under `wanted`.
#[must_use]
pub fn name_matches(raw: &[u8], wanted: &[u8]) -> bool {
    php_name(raw).is_some_and(|n| n.eq(wanted.iter().copied()))
}

/// The raw (still encoded) value of the first cookie PHP registers as `name`.
#[must_use]
pub fn find<'a>(header: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    pairs(header)
        .find(|(raw, _)| name_matches(raw, name))
        .map(|(_, v)| v)
}

/// PHP's raw URL decoding of a cookie value ([`crate::url::rawurldecode`]), into `buf`;
/// borrowed as is when it holds no `%`.
///
/// # Errors
/// [`Error::BufferTooSmall`] when `buf` is shorter than the decoded value (never longer than
/// the input).
pub fn decode_value<'a>(raw: &'a [u8], buf: &'a mut [u8]) -> Result<&'a [u8], Error> {
    if !raw.contains(&b'%') {
        return Ok(raw);
    }
    let mut n = 0;
    for b in rawurldecode(raw) {
        *buf.get_mut(n).ok_or(Error::BufferTooSmall)? = b;
        n += 1;
    }
    buf.get(..n).ok_or(Error::BufferTooSmall)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    #[test]
    fn php_cookie_rules() {
        let h = b"a=1;  b.c=2;;d;=e; a=3; x[y]=4";
        let got: Vec<_> = pairs(h).collect();
        assert_eq!(
            got,
            [
                (&b"a"[..], &b"1"[..]),
                (b"b.c", b"2"),
                (b"d", b""),
                (b"a", b"3"),
                (b"x[y]", b"4")
            ]
        );
        assert!(name_matches(b"b.c", b"b_c"));
        assert!(!name_matches(b"x[y]", b"x"));
        assert_eq!(find(h, b"a"), Some(&b"1"[..]));
    }

    #[test]
    fn raw_decoding_keeps_plus_and_stray_percent() {
        let mut buf = [0u8; 32];
        assert_eq!(
            decode_value(b"a+b%7c%7C%zz%4", &mut buf).unwrap(),
            b"a+b||%zz%4"
        );
        assert_eq!(decode_value(b"plain", &mut []).unwrap(), b"plain");
        assert_eq!(
            decode_value(b"%41%41", &mut [0u8; 1]),
            Err(Error::BufferTooSmall)
        );
    }
}
