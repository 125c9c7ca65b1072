//! The request URL: the base string URI (RFC 5849 §3.4.1.2) and the query.

use crate::Error;
use crate::encode::{Coding, check};

/// A request URL split as the signature needs it, borrowed from the URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestUrl<'a> {
    https: bool,
    host: &'a [u8],
    /// A port to print (not the scheme's default).
    port: Option<u16>,
    path: &'a [u8],
    query: Option<&'a [u8]>,
}

fn bad_host_byte(b: u8) -> bool {
    crate::encode::CLASS
        .get(usize::from(b))
        .is_none_or(|c| c & 4 == 0)
}

fn path_byte_ok(b: u8) -> bool {
    crate::encode::CLASS
        .get(usize::from(b))
        .is_some_and(|c| c & 2 != 0)
}

impl<'a> RequestUrl<'a> {
    /// Parses an absolute `http`/`https` URL as it is sent on the wire.
    ///
    /// # Errors
    /// [`Error::InvalidUrl`], [`Error::UnsupportedUrlScheme`], [`Error::InvalidPort`].
    pub fn parse(url: &'a [u8]) -> Result<Self, Error> {
        let colon = url
            .iter()
            .position(|&b| b == b':')
            .ok_or(Error::InvalidUrl)?;
        let scheme = url.get(..colon).unwrap_or_default();
        let rest = url.get(colon + 1..).unwrap_or_default();
        let scheme_ok = scheme.first().is_some_and(u8::is_ascii_alphabetic)
            && scheme
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
        let rest = match rest.strip_prefix(b"//") {
            Some(r) if scheme_ok => r,
            _ => return Err(Error::InvalidUrl),
        };
        let https = if scheme.eq_ignore_ascii_case(b"https") {
            true
        } else if scheme.eq_ignore_ascii_case(b"http") {
            false
        } else {
            return Err(Error::UnsupportedUrlScheme);
        };
        let end = rest
            .iter()
            .position(|&b| matches!(b, b'/' | b'?' | b'#'))
            .unwrap_or(rest.len());
        let authority = rest.get(..end).unwrap_or_default();
        let after = rest.get(end..).unwrap_or_default();
        let hostport = match authority.iter().rposition(|&b| b == b'@') {
            Some(at) => authority.get(at + 1..).unwrap_or_default(),
            None => authority,
        };
        let (host, port) = if hostport.first() == Some(&b'[') {
            let close = hostport
                .iter()
                .position(|&b| b == b']')
                .ok_or(Error::InvalidUrl)?;
            let host = hostport.get(..=close).unwrap_or_default();
            match hostport.get(close + 1..).unwrap_or_default() {
                b"" => (host, None),
                [b':', port @ ..] => (host, Some(port)),
                _ => return Err(Error::InvalidUrl),
            }
        } else {
            match hostport.iter().rposition(|&b| b == b':') {
                Some(c) => (
                    hostport.get(..c).unwrap_or_default(),
                    Some(hostport.get(c + 1..).unwrap_or_default()),
                ),
                None => (hostport, None),
            }
        };
        if host.is_empty() || host.iter().any(|&b| bad_host_byte(b)) {
            return Err(Error::InvalidUrl);
        }
        let port = match port {
            None | Some(b"") => None,
            Some(p) => {
                if !p.iter().all(u8::is_ascii_digit) {
                    return Err(Error::InvalidPort);
                }
                let digits = p
                    .get(p.iter().position(|&d| d != b'0').unwrap_or(p.len())..)
                    .unwrap_or_default();
                let v = if digits.len() > 5 {
                    0
                } else {
                    digits
                        .iter()
                        .fold(0u32, |a, &d| a * 10 + u32::from(d - b'0'))
                };
                match u16::try_from(v) {
                    Ok(0) | Err(_) => return Err(Error::InvalidPort),
                    Ok(v) if v == if https { 443 } else { 80 } => None,
                    Ok(v) => Some(v),
                }
            }
        };
        let path_end = after
            .iter()
            .position(|&b| matches!(b, b'?' | b'#'))
            .unwrap_or(after.len());
        let path = after.get(..path_end).unwrap_or_default();
        let mut i = 0;
        while let Some(&b) = path.get(i) {
            if !path_byte_ok(b) {
                return Err(Error::InvalidUrl);
            }
            if b == b'%' {
                let hex = |o: usize| path.get(i + o).is_some_and(u8::is_ascii_hexdigit);
                if !(hex(1) && hex(2)) {
                    return Err(Error::InvalidUrl);
                }
                i += 3;
                continue;
            }
            i += 1;
        }
        let tail = after.get(path_end..).unwrap_or_default();
        let query = match tail.first() {
            Some(b'?') => {
                let q = tail.get(1..).unwrap_or_default();
                Some(
                    q.get(..crate::encode::find_byte(q, b'#').unwrap_or(q.len()))
                        .unwrap_or_default(),
                )
            }
            _ => None,
        };
        Ok(Self {
            https,
            host,
            port,
            path,
            query,
        })
    }

    /// The query string (without `?` and fragment), if any.
    #[must_use]
    pub fn query(&self) -> Option<&'a [u8]> {
        self.query
    }

    /// Streams the base string URI: `scheme://host[:port]path`, scheme and host lower-cased,
    /// the default port dropped, an empty path as `/`.
    pub fn write_base_uri(&self, mut out: impl FnMut(&[u8])) {
        self.write_base_uri_into(&mut out);
    }

    /// [`RequestUrl::write_base_uri`] into any sink.
    #[inline]
    pub(crate) fn write_base_uri_into(&self, out: &mut impl crate::encode::Out) {
        out.put(if self.https { b"https://" } else { b"http://" });
        // Lower-case the host in small chunks.
        for chunk in self.host.chunks(32) {
            let mut buf = [0u8; 32];
            let lower = buf.get_mut(..chunk.len()).unwrap_or_default();
            for (d, s) in lower.iter_mut().zip(chunk) {
                *d = s.to_ascii_lowercase();
            }
            out.put(lower);
        }
        if let Some(port) = self.port {
            out.put(b":");
            out.put(crate::encode::int_text(i64::from(port), &mut [0u8; 20]));
        }
        out.put(if self.path.is_empty() {
            b"/"
        } else {
            self.path
        });
    }
}

/// The `name=value` pairs of a query string or form body: split on `&`, empty pieces skipped,
/// the first `=` separating name and value (no `=`: empty value). Raw, still form-encoded.
pub fn form_pairs(s: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    s.split(|&b| b == b'&').filter(|p| !p.is_empty()).map(|p| {
        match p.iter().position(|&b| b == b'=') {
            Some(i) => (
                p.get(..i).unwrap_or_default(),
                p.get(i + 1..).unwrap_or_default(),
            ),
            None => (p, &b""[..]),
        }
    })
}

/// Checks that every pair of a query or form body decodes.
///
/// # Errors
/// [`Error::BadPercentEncoding`] or [`Error::InvalidUtf8`].
pub fn check_form(s: &[u8]) -> Result<(), Error> {
    for (n, v) in form_pairs(s) {
        check(n, Coding::Form)?;
        check(v, Coding::Form)?;
    }
    Ok(())
}

/// Whether a `Content-Type` value is `application/x-www-form-urlencoded` (case-insensitive,
/// whitespace trimmed, parameters ignored).
#[must_use]
pub fn is_form(content_type: &[u8]) -> bool {
    let media = content_type
        .split(|&b| b == b';')
        .next()
        .unwrap_or_default();
    media
        .trim_ascii()
        .eq_ignore_ascii_case(b"application/x-www-form-urlencoded")
}

/// One pass over a query or form body: splits the pairs, validates them, and hands each to
/// `push` with what the pass learnt (whether name and value are all unreserved), so the bytes
/// of a plain pair are looked at once.
///
/// # Errors
/// [`Error::BadPercentEncoding`] or [`Error::InvalidUtf8`] from a pair, or `push`'s error.
pub(crate) fn scan_form<'a>(
    s: &'a [u8],
    mut push: impl FnMut(&'a [u8], &'a [u8], bool, bool) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut i = 0;
    while i < s.len() {
        let start = i;
        let mut eq = None;
        // Bit 0 of CLASS is "unreserved"; a part is simple when every byte has it.
        let (mut name_simple, mut value_simple) = (true, true);
        // Unreserved bytes (the common case) take one table lookup and no branch.
        let mut simple = true;
        while let Some(&b) = s.get(i) {
            let class = crate::encode::CLASS
                .get(usize::from(b))
                .copied()
                .unwrap_or(0);
            if class & 1 == 0 {
                if b == b'&' {
                    break;
                }
                if b == b'=' && eq.is_none() {
                    name_simple = simple;
                    simple = true;
                    eq = Some(i);
                    i += 1;
                    continue;
                }
                simple = false;
            }
            i += 1;
        }
        if eq.is_some() {
            value_simple = simple;
        } else {
            name_simple = simple;
        }
        let piece = s.get(start..i).unwrap_or_default();
        i += 1;
        if piece.is_empty() {
            continue;
        }
        let (name, value) = match eq {
            Some(e) => (
                s.get(start..e).unwrap_or_default(),
                s.get(e + 1..start + piece.len()).unwrap_or_default(),
            ),
            None => (piece, &b""[..]),
        };
        if !name_simple {
            check(name, Coding::Form)?;
        }
        if !value_simple {
            check(value, Coding::Form)?;
        }
        push(name, value, name_simple, value_simple)?;
    }
    Ok(())
}
