#![no_std]
#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(test)]
extern crate std;

use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The default limit on a field value, in octets.
pub const MAX_LEN: usize = 4096;

/// What went wrong. The names are the vector files' reason codes ([`Error::code`]).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Error {
    /// The raw field value (or the produced one) is longer than the limit.
    TooLong,
    /// Nothing but whitespace, or the scheme without credentials.
    Empty,
    /// Not the `Basic` scheme.
    Scheme,
    /// Not `Basic`, one or more spaces, and a single token68.
    Syntax,
    /// A token68 that is not canonical, padded, standard-alphabet base64.
    Base64,
    /// The decoded credentials are not UTF-8.
    Utf8,
    /// The decoded credentials have no `:`.
    NoColon,
    /// A control character (0x00–0x1F, 0x7F) in the user-id or password (or realm).
    Ctl,
    /// Encoding: the user-id contains `:`, which Basic cannot represent.
    ColonInUser,
    /// Challenge: a realm character above U+007E.
    NonAscii,
    /// The caller's buffer is too small.
    BufferTooSmall,
    /// [`verify`]: the credentials are not the expected ones.
    Invalid,
}

impl Error {
    /// The reason code (the vector files' name for it).
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::TooLong => "too_long",
            Self::Empty => "empty",
            Self::Scheme => "scheme",
            Self::Syntax => "syntax",
            Self::Base64 => "base64",
            Self::Utf8 => "utf8",
            Self::NoColon => "no_colon",
            Self::Ctl => "ctl",
            Self::ColonInUser => "colon_in_user",
            Self::NonAscii => "non_ascii",
            Self::BufferTooSmall => "buffer_too_small",
            Self::Invalid => "invalid",
        }
    }

    /// The HTTP status a server answers with: 401 for credentials it cannot accept, 500 for
    /// the caller's own faults (`BufferTooSmall`, and an encoding or challenge that cannot be
    /// written).
    #[must_use]
    pub const fn status(self) -> u16 {
        match self {
            Self::BufferTooSmall | Self::ColonInUser | Self::NonAscii => 500,
            _ => 401,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::TooLong => "the basic auth field value is too long",
            Self::Empty => "the basic auth field value has no credentials",
            Self::Scheme => "the authorization scheme is not basic",
            Self::Syntax => "the basic auth field value is not one token68",
            Self::Base64 => "the basic auth credentials are not canonical base64",
            Self::Utf8 => "the basic auth credentials are not utf-8",
            Self::NoColon => "the basic auth credentials have no colon",
            Self::Ctl => "a control character in the basic auth credentials",
            Self::ColonInUser => "a user-id with a colon cannot be sent as basic auth",
            Self::NonAscii => "a realm character is not ascii",
            Self::BufferTooSmall => "the buffer is too small for the value",
            Self::Invalid => "the basic auth credentials are not the expected ones",
        })
    }
}

impl core::error::Error for Error {}

/// Parsing options.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Options {
    /// The longest raw field value accepted, in octets (checked before anything else).
    pub max_len: usize,
    /// Read credentials that are not UTF-8 as ISO-8859-1 (legacy clients). Off by default:
    /// it makes `caf\xE9` and `caf\xC3\xA9` the same password. Needs a buffer twice the
    /// decoded size.
    pub latin1: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            max_len: MAX_LEN,
            latin1: false,
        }
    }
}

/// Decoded credentials, borrowed from the caller's buffer.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Credentials<'b> {
    /// The user-id (text before the first `:`), exactly as sent.
    pub login: &'b str,
    /// The password (everything after the first `:`), exactly as sent.
    pub password: &'b str,
}

impl fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("login", &self.login)
            .field("password", &"[redacted]")
            .finish()
    }
}

/// Byte classes: bit 0 `tchar` (RFC 9110), bit 1 token68 character (before the `=` padding).
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let alnum = b.is_ascii_alphanumeric();
        let tchar = alnum
            || matches!(
                b,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        let token68 = alnum || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/');
        // Evaluated at compile time: `i` is below 256.
        #[allow(clippy::indexing_slicing)]
        {
            t[i] = (tchar as u8) | ((token68 as u8) << 1);
        }
        i += 1;
    }
    t
};

fn class(b: u8) -> u8 {
    CLASS.get(usize::from(b)).copied().unwrap_or(0)
}

/// Standard-alphabet sextets; `INVALID` (bit 7) for every other octet, `=` included.
const SEXTET: [u8; 256] = {
    let mut t = [INVALID; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut i = 0;
    while i < 64 {
        // Evaluated at compile time: both indices are in range.
        #[allow(clippy::indexing_slicing)]
        {
            t[alphabet[i] as usize] = i as u8;
        }
        i += 1;
    }
    t
};
const INVALID: u8 = 0x80;

fn sextet(b: u8) -> u32 {
    u32::from(SEXTET.get(usize::from(b)).copied().unwrap_or(INVALID))
}

/// Canonical, padded, standard-alphabet base64 into `buf`: the length a multiple of four,
/// `=` only as one or two final characters, and the unused bits before the padding zero
/// (what the `base64` crate's `STANDARD` engine accepts; a proptest keeps the two equal).
/// Written for short tokens: one table lookup per character, validity folded into a single
/// flag checked at the end, no per-chunk setup.
fn decode(token: &[u8], buf: &mut [u8]) -> Result<usize, Error> {
    let (body, last) = match token.len().checked_sub(4) {
        Some(n) if token.len().is_multiple_of(4) => token.split_at(n),
        _ => return Err(Error::Base64),
    };
    let [c0, c1, c2, c3] = <[u8; 4]>::try_from(last).map_err(|_| Error::Base64)?;
    let pad = match (c2, c3) {
        (b'=', b'=') => 2,
        (_, b'=') => 1,
        _ => 0,
    };
    let len = body.len() / 4 * 3 + 3 - pad;
    let out = buf.get_mut(..len).ok_or(Error::BufferTooSmall)?;
    let (head, tail) = out.split_at_mut(body.len() / 4 * 3);
    let mut bad = 0u32;
    for (&[q0, q1, q2, q3], dst) in body
        .as_chunks::<4>()
        .0
        .iter()
        .zip(head.as_chunks_mut::<3>().0)
    {
        let (a, b, c, d) = (sextet(q0), sextet(q1), sextet(q2), sextet(q3));
        bad |= a | b | c | d;
        let [_, x, y, z] = ((a << 18) | (b << 12) | (c << 6) | d).to_be_bytes();
        *dst = [x, y, z];
    }
    let (s0, s1) = (sextet(c0), sextet(c1));
    let (s2, s3) = match pad {
        2 => (0, 0),
        1 => (sextet(c2), 0),
        _ => (sextet(c2), sextet(c3)),
    };
    bad |= s0 | s1 | s2 | s3;
    // Canonical: the bits the padding leaves over must be zero.
    bad |= match pad {
        2 => u32::from(s1 & 0x0f != 0),
        1 => u32::from(s2 & 0x03 != 0),
        _ => 0,
    } * u32::from(INVALID);
    let [_, x, y, z] = ((s0 << 18) | (s1 << 12) | (s2 << 6) | s3).to_be_bytes();
    for (d, b) in tail.iter_mut().zip([x, y, z]) {
        *d = b;
    }
    if bad & u32::from(INVALID) == 0 {
        Ok(len)
    } else {
        Err(Error::Base64)
    }
}

/// Whether [`decode`] would accept `token` given room: decoded a slice at a time through a
/// small scratch buffer (only on the error path, to tell a bad token from a short buffer).
fn decodes(token: &[u8]) -> bool {
    const SLICE: usize = 1024;
    let mut scratch = [0u8; SLICE / 4 * 3];
    let slices = token.len().div_ceil(SLICE);
    token.chunks(SLICE).enumerate().all(|(i, slice)| {
        // Padding may only end the token.
        (i + 1 == slices || !slice.contains(&b'=')) && decode(slice, &mut scratch).is_ok()
    })
}

/// How many octets base64 of `n` octets decodes to at most: the buffer [`parse`] needs.
#[must_use]
pub const fn decoded_capacity(field_len: usize) -> usize {
    field_len / 4 * 3 + 3
}

/// Parses an `Authorization` field value with the default [`Options`].
///
/// `buf` receives the decoded credentials: [`decoded_capacity`] of the value's length is
/// always enough (3,075 octets for the default 4,096-octet limit).
///
/// # Errors
/// The first failing step of the spec's order: [`Error::TooLong`], [`Error::Empty`],
/// [`Error::Scheme`], [`Error::Syntax`], [`Error::Base64`], [`Error::Utf8`],
/// [`Error::NoColon`], [`Error::Ctl`]; or [`Error::BufferTooSmall`].
pub fn parse<'b>(value: &[u8], buf: &'b mut [u8]) -> Result<Credentials<'b>, Error> {
    parse_with(value, buf, &Options::default())
}

/// [`parse`] with explicit options.
///
/// # Errors
/// As [`parse`].
pub fn parse_with<'b>(
    value: &[u8],
    buf: &'b mut [u8],
    opts: &Options,
) -> Result<Credentials<'b>, Error> {
    if value.len() > opts.max_len {
        return Err(Error::TooLong);
    }
    // The common spelling, `Basic` and one space with nothing to trim, goes straight to the
    // token; the general path below reaches the same token for it.
    let token = match value.strip_prefix(b"Basic ") {
        Some(t)
            if t.first().is_some_and(|b| *b != b' ') && t.last().is_some_and(|b| !is_ows(b)) =>
        {
            t
        }
        _ => scheme_and_token(value)?,
    };
    // Canonical padding and zero trailing bits are required. Valid base64 is always a valid
    // token68, so the token68 syntax is only examined to tell a failure's kind.
    let n = match decode(token, buf) {
        Ok(n) => n,
        // The input's own fault is reported first: a short buffer only for a valid token.
        Err(Error::BufferTooSmall) if decodes(token) => return Err(Error::BufferTooSmall),
        Err(_) => {
            let body = token.iter().position(|&b| b == b'=').unwrap_or(token.len());
            let (chars, pad) = token.split_at(body);
            let token68 = !chars.is_empty()
                && chars.iter().all(|&b| class(b) & 2 != 0)
                && pad.iter().all(|&b| b == b'=');
            return Err(if token68 {
                Error::Base64
            } else {
                Error::Syntax
            });
        }
    };
    if opts.latin1 && core::str::from_utf8(buf.get(..n).unwrap_or_default()).is_err() {
        return split(latin1_to_utf8(buf, n)?);
    }
    split(core::str::from_utf8(buf.get(..n).unwrap_or_default()).map_err(|_| Error::Utf8)?)
}

/// Optional whitespace (RFC 9110 OWS): SP or HTAB.
fn is_ows(b: &u8) -> bool {
    matches!(b, b' ' | b'\t')
}

/// Steps 2–5 of the general path: trim, the scheme (any case), one or more spaces; the
/// token after them.
fn scheme_and_token(value: &[u8]) -> Result<&[u8], Error> {
    let start = value.iter().position(|b| !is_ows(b)).ok_or(Error::Empty)?;
    let end = value
        .iter()
        .rposition(|b| !is_ows(b))
        .map_or(start, |e| e + 1);
    let v = value.get(start..end).unwrap_or_default();
    let scheme_len = v.iter().position(|&b| class(b) & 1 == 0).unwrap_or(v.len());
    let (scheme, rest) = v.split_at(scheme_len);
    if !scheme.eq_ignore_ascii_case(b"basic") {
        return Err(Error::Scheme);
    }
    if rest.is_empty() {
        return Err(Error::Empty);
    }
    let spaces = rest.iter().position(|&b| b != b' ').unwrap_or(rest.len());
    if spaces == 0 {
        return Err(Error::Syntax);
    }
    let token = rest.get(spaces..).unwrap_or_default();
    Ok(token)
}

/// Steps 9–11: a colon, no control characters, split at the first colon.
fn split(text: &str) -> Result<Credentials<'_>, Error> {
    // A byte search: `str::find` goes through the generic pattern machinery, several times
    // slower on these short strings.
    let colon = text.bytes().position(|b| b == b':').ok_or(Error::NoColon)?;
    if has_ctl(text) {
        return Err(Error::Ctl);
    }
    let (login, password) = text.split_at_checked(colon).ok_or(Error::NoColon)?;
    Ok(Credentials {
        login,
        password: password.get(1..).unwrap_or_default(),
    })
}

/// Re-encodes the first `n` octets of `buf` (ISO-8859-1) as UTF-8 behind them, returning the
/// text (each octet from 0x80 becomes two octets).
fn latin1_to_utf8(buf: &mut [u8], n: usize) -> Result<&str, Error> {
    let (src, dst) = buf.split_at_mut(n);
    let mut len = 0;
    for &b in src.iter() {
        let mut tmp = [0u8; 2];
        let enc = char::from(b).encode_utf8(&mut tmp);
        let out = dst
            .get_mut(len..len + enc.len())
            .ok_or(Error::BufferTooSmall)?;
        out.copy_from_slice(enc.as_bytes());
        len += enc.len();
    }
    core::str::from_utf8(dst.get(..len).unwrap_or_default()).map_err(|_| Error::Utf8)
}

/// Whether `s` holds an octet 0x00–0x1F or 0x7F (no early exit: the loop vectorises).
fn has_ctl(s: &str) -> bool {
    s.bytes()
        .fold(false, |found, b| found | (b < 0x20) | (b == 0x7f))
}

/// Writes `Basic base64(user ":" password)` into `out` (standard alphabet, padded, one line).
///
/// # Errors
/// [`Error::ColonInUser`], [`Error::Ctl`], [`Error::TooLong`] (over 4,096 octets), in that
/// order; [`Error::BufferTooSmall`].
pub fn encode<'o>(user: &str, password: &str, out: &'o mut [u8]) -> Result<&'o str, Error> {
    if user.contains(':') {
        return Err(Error::ColonInUser);
    }
    if has_ctl(user) || has_ctl(password) {
        return Err(Error::Ctl);
    }
    let raw_len = user.len() + 1 + password.len();
    let total = 6 + raw_len.div_ceil(3) * 4;
    if total > MAX_LEN {
        return Err(Error::TooLong);
    }
    let (head, tail) = out.split_at_mut(6.min(out.len()));
    if head.len() < 6 {
        return Err(Error::BufferTooSmall);
    }
    head.copy_from_slice(b"Basic ");
    // Encode "user:password" three octets at a time without joining them.
    let mut joined = user.bytes().chain([b':']).chain(password.bytes());
    let mut written = 0;
    loop {
        let mut group = [0u8; 3];
        let mut k = 0;
        for slot in &mut group {
            match joined.next() {
                Some(b) => {
                    *slot = b;
                    k += 1;
                }
                None => break,
            }
        }
        if k == 0 {
            break;
        }
        let dst = tail
            .get_mut(written..written + 4)
            .ok_or(Error::BufferTooSmall)?;
        let n = STANDARD
            .encode_slice(group.get(..k).unwrap_or_default(), dst)
            .map_err(|_| Error::BufferTooSmall)?;
        written += n;
        if k < 3 {
            break;
        }
    }
    core::str::from_utf8(out.get(..6 + written).unwrap_or_default()).map_err(|_| Error::Syntax)
}

/// A `WWW-Authenticate` challenge: `Basic realm="…"` (always quoted, `"` and `\` escaped) and
/// by default `, charset="UTF-8"`. Display it to get the field value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Challenge<'a> {
    realm: &'a str,
    charset: bool,
}

/// Builds a challenge after checking the realm (SP and visible ASCII only) and the length.
///
/// # Errors
/// [`Error::Ctl`] or [`Error::NonAscii`] for the first character outside 0x20–0x7E, then
/// [`Error::TooLong`] when the field value would exceed 4,096 octets.
pub fn challenge(realm: &str, charset: bool) -> Result<Challenge<'_>, Error> {
    if let Some(c) = realm.chars().find(|c| !(' '..='~').contains(c)) {
        return Err(if (c as u32) < 0x20 || c == '\u{7f}' {
            Error::Ctl
        } else {
            Error::NonAscii
        });
    }
    let escaped = realm.len() + realm.bytes().filter(|b| matches!(b, b'"' | b'\\')).count();
    let total = 13 + escaped + 1 + if charset { 17 } else { 0 };
    if total > MAX_LEN {
        return Err(Error::TooLong);
    }
    Ok(Challenge { realm, charset })
}

impl fmt::Display for Challenge<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Basic realm=\"")?;
        for piece in self.realm.split_inclusive(['"', '\\']) {
            match piece.char_indices().last() {
                Some((i, c @ ('"' | '\\'))) => {
                    f.write_str(piece.get(..i).unwrap_or_default())?;
                    f.write_str("\\")?;
                    fmt::Write::write_char(f, c)?;
                }
                _ => f.write_str(piece)?,
            }
        }
        f.write_str("\"")?;
        if self.charset {
            f.write_str(", charset=\"UTF-8\"")?;
        }
        Ok(())
    }
}

/// The credentials a server expects, hashed once: two SHA-256 digests. `Debug` prints
/// `[redacted]`.
#[derive(Clone)]
pub struct Expected {
    login: [u8; 32],
    password: [u8; 32],
}

impl Expected {
    /// The expected user-id and password.
    #[must_use]
    pub fn new(login: &str, password: &str) -> Self {
        Self {
            login: Sha256::digest(login.as_bytes()).into(),
            password: Sha256::digest(password.as_bytes()).into(),
        }
    }
}

impl fmt::Debug for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Expected([redacted])")
    }
}

/// Constant-time check of received credentials against the expected ones: both received
/// halves are hashed (so neither length leaks) and both comparisons always run (so which half
/// differed does not leak either).
///
/// # Errors
/// [`Error::Invalid`].
pub fn verify(expected: &Expected, received: &Credentials<'_>) -> Result<(), Error> {
    let h = |s: &str| -> [u8; 32] { Sha256::digest(s.as_bytes()).into() };
    let login = h(received.login).ct_eq(&expected.login);
    let password = h(received.password).ct_eq(&expected.password);
    if (login & password).into() {
        Ok(())
    } else {
        Err(Error::Invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn rfc_example_round_trips() {
        let mut out = [0u8; 64];
        let h = encode("Aladdin", "open sesame", &mut out).unwrap();
        assert_eq!(h, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        let mut buf = [0u8; 64];
        let c = parse(h.as_bytes(), &mut buf).unwrap();
        assert_eq!((c.login, c.password), ("Aladdin", "open sesame"));
        assert_eq!(verify(&Expected::new("Aladdin", "open sesame"), &c), Ok(()));
        let wrong = [("Aladdin", "open sesamE"), ("aladdin", "open sesame")];
        for (login, password) in wrong {
            assert_eq!(
                verify(&Expected::new(login, password), &c),
                Err(Error::Invalid)
            );
        }
        assert_eq!(
            std::format!("{:?}", Expected::new("Aladdin", "open sesame")),
            "Expected([redacted])"
        );
    }

    #[test]
    fn reasons_in_order() {
        let mut buf = [0u8; 64];
        let mut p = |v: &[u8]| parse(v, &mut buf).map(|_| ()).unwrap_err();
        assert_eq!(p(b"  \t "), Error::Empty);
        assert_eq!(p(b"Bearer x"), Error::Scheme);
        assert_eq!(p(b"Basic"), Error::Empty);
        assert_eq!(p(b"Basic\tYWI6Yw=="), Error::Syntax);
        assert_eq!(p(b"Basic YWI6 Yw=="), Error::Syntax);
        assert_eq!(p(b"Basic YWI6Yx=="), Error::Base64);
        assert_eq!(p(b"Basic YWI6Yw"), Error::Base64);
        assert_eq!(p(b"Basic /w=="), Error::Utf8);
        assert_eq!(p(b"Basic YWJj"), Error::NoColon);
        assert_eq!(p(b"Basic YToJYg=="), Error::Ctl);
        let long = [b' '; MAX_LEN + 1];
        assert_eq!(p(&long), Error::TooLong);
    }

    #[test]
    fn the_input_s_fault_comes_before_a_short_buffer() {
        let mut small = [0u8; 2];
        let mut p = |v: &[u8]| parse(v, &mut small).map(|_| ()).unwrap_err();
        assert_eq!(p(b"Basic YWI6Yx=="), Error::Base64);
        assert_eq!(p(b"Basic YW=6Yw=="), Error::Syntax);
        assert_eq!(p(b"Basic YW!6Yw=="), Error::Syntax);
        assert_eq!(p(b"Basic YWI6Yw=="), Error::BufferTooSmall);
        // Past the scratch slice: a fault in the second slice; padding where the first
        // slice ends (valid for that slice alone, not for the token).
        let valid = std::format!("Basic {}", "QUFB".repeat(400));
        assert_eq!(p(valid.as_bytes()), Error::BufferTooSmall);
        let late = std::format!("Basic {}Yx==", "QUFB".repeat(399));
        assert_eq!(p(late.as_bytes()), Error::Base64);
        let seam = std::format!("Basic {}QQ=={}", "QUFB".repeat(255), "QUFB".repeat(10));
        assert_eq!(p(seam.as_bytes()), Error::Syntax);
    }

    #[test]
    fn challenge_escapes_and_rejects() {
        assert_eq!(
            challenge("a\"b\\c", true).unwrap().to_string(),
            "Basic realm=\"a\\\"b\\\\c\", charset=\"UTF-8\""
        );
        assert_eq!(challenge("x\r\n", false), Err(Error::Ctl));
        assert_eq!(challenge("café", false), Err(Error::NonAscii));
    }

    #[test]
    fn latin1_is_opt_in() {
        let mut buf = [0u8; 64];
        // base64("caf\xE9:x")
        assert_eq!(parse(b"Basic Y2Fm6Tp4", &mut buf), Err(Error::Utf8));
        let opts = Options {
            latin1: true,
            ..Options::default()
        };
        let c = parse_with(b"Basic Y2Fm6Tp4", &mut buf, &opts).unwrap();
        assert_eq!((c.login, c.password), ("café", "x"));
    }
}
