//! The `Authorization: OAuth …` header (RFC 5849 §3.5.1), parsed strictly, and written.
//!
//! ```
//! use oauth1_sig::header::parse;
//!
//! let h = parse(br#"OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_signature="74KNZJeDHnMBp0EMJ9ZHt%2FXKycU%3D""#).unwrap();
//! assert!(h.realm().unwrap().eq_bytes(b"Photos"));
//! let sig = h.params().find(|p| p.name().eq_bytes(b"oauth_signature")).unwrap();
//! assert!(sig.value().eq_bytes(b"74KNZJeDHnMBp0EMJ9ZHt/XKycU="));
//! ```

use core::fmt;

use crate::encode::{Coding, Decoded, check, is_unreserved};
use crate::{Param, Source};

/// Why a header value is not a valid OAuth Authorization header. The names are the vector
/// files' error kinds.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HeaderError {
    /// Empty or whitespace only.
    EmptyHeader,
    /// Another auth-scheme (`Basic`, `Bearer`, `OAuth2`, …).
    UnsupportedScheme,
    /// Broken structure: no whitespace after the scheme, a missing `=` or comma, junk after a
    /// closing quote.
    Malformed,
    /// A value that is not a quoted-string.
    MissingQuotes,
    /// A quoted-string without its closing quote.
    UnterminatedQuote,
    /// A parameter name with characters outside unreserved and `%XX`, or an empty name.
    InvalidParamName,
    /// A character not allowed in a value (outside unreserved and `%XX`; in `realm`, a
    /// control character).
    InvalidCharacter,
    /// `%` not followed by two hex digits.
    BadPercentEncoding,
    /// A value that does not decode to UTF-8.
    InvalidUtf8,
    /// A name given twice (after decoding), `realm` included.
    DuplicateParam,
    /// More parameters than the parser's buffer holds ([`parse`]: [`MAX_PARAMS`]).
    TooManyParams,
}

impl HeaderError {
    /// The error code as the vector files name it.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::EmptyHeader => "empty_header",
            Self::UnsupportedScheme => "unsupported_scheme",
            Self::Malformed => "malformed",
            Self::MissingQuotes => "missing_quotes",
            Self::UnterminatedQuote => "unterminated_quote",
            Self::InvalidParamName => "invalid_param_name",
            Self::InvalidCharacter => "invalid_character",
            Self::BadPercentEncoding => "bad_percent_encoding",
            Self::InvalidUtf8 => "invalid_utf8",
            Self::DuplicateParam => "duplicate_param",
            Self::TooManyParams => "too_many_params",
        }
    }
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::EmptyHeader => "the header is empty",
            Self::UnsupportedScheme => "the scheme is not oauth",
            Self::Malformed => "the parameter list is malformed",
            Self::MissingQuotes => "a parameter value is not quoted",
            Self::UnterminatedQuote => "a quoted value is not closed",
            Self::InvalidParamName => "a parameter name is not a token",
            Self::InvalidCharacter => "a character not allowed in a value",
            Self::BadPercentEncoding => "a percent sign not followed by two hex digits",
            Self::InvalidUtf8 => "a value does not decode to utf-8",
            Self::DuplicateParam => "a parameter is given twice",
            Self::TooManyParams => "more parameters than the parser holds",
        })
    }
}

impl core::error::Error for HeaderError {}

/// A parsed header: the `realm` and the parameters, borrowed from the header value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuthHeader<'a> {
    /// The validated list after the scheme.
    list: &'a [u8],
    realm: Option<&'a [u8]>,
    count: usize,
}

/// The `realm` value: a quoted-string's content with `\` escapes still in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Realm<'a>(&'a [u8]);

impl Realm<'_> {
    /// The unescaped bytes.
    pub fn bytes(&self) -> impl Iterator<Item = u8> + '_ {
        let mut escaped = false;
        self.0.iter().filter_map(move |&b| {
            if !escaped && b == b'\\' {
                escaped = true;
                None
            } else {
                escaped = false;
                Some(b)
            }
        })
    }

    /// Whether the unescaped value equals `other`.
    #[must_use]
    pub fn eq_bytes(&self, other: &[u8]) -> bool {
        self.bytes().eq(other.iter().copied())
    }
}

impl<'a> AuthHeader<'a> {
    /// The `realm` parameter, if present.
    #[must_use]
    pub fn realm(&self) -> Option<Realm<'a>> {
        self.realm.map(Realm)
    }

    /// The number of parameters (without `realm`).
    #[must_use]
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are no parameters besides `realm`.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The parameters in header order, `realm` excluded.
    pub fn params(&self) -> impl Iterator<Item = Param<'a>> + 'a {
        let mut s = Scanner::new(self.list);
        core::iter::from_fn(move || {
            loop {
                match s.element() {
                    Ok(Some(el)) if !el.realm => {
                        return Some(Param::new(
                            el.name,
                            el.value,
                            Coding::Header,
                            Source::Header,
                        ));
                    }
                    Ok(Some(_)) => {}
                    _ => return None,
                }
            }
        })
    }
}

fn ws_len(input: &[u8], pos: usize) -> usize {
    match (input.get(pos), input.get(pos + 1), input.get(pos + 2)) {
        (Some(b' ' | b'\t'), _, _) => 1,
        (Some(b'\r'), Some(b'\n'), Some(b' ' | b'\t')) => 3,
        _ => 0,
    }
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

struct Element<'a> {
    name: &'a [u8],
    value: &'a [u8],
    realm: bool,
}

struct Scanner<'a> {
    input: &'a [u8],
    pos: usize,
    /// The last name or value scanned held a `%XX` escape.
    escaped: bool,
    /// ... an escape of a byte at or above 0x80 (only those can make invalid UTF-8).
    high: bool,
}

impl<'a> Scanner<'a> {
    fn new(input: &'a [u8]) -> Self {
        Self {
            input,
            pos: 0,
            escaped: false,
            high: false,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        loop {
            let n = ws_len(self.input, self.pos);
            if n == 0 {
                return;
            }
            self.pos += n;
        }
    }

    fn escape_at(&self, pos: usize) -> bool {
        let hex = |o: usize| self.input.get(pos + o).is_some_and(u8::is_ascii_hexdigit);
        hex(1) && hex(2)
    }

    /// Skips empty elements and reads the next name; `Ok(None)` at the end.
    fn next_name(&mut self) -> Result<Option<&'a [u8]>, HeaderError> {
        loop {
            self.skip_ws();
            match self.peek() {
                None => return Ok(None),
                Some(b',') => self.pos += 1,
                Some(_) => break,
            }
        }
        let start = self.pos;
        self.escaped = false;
        loop {
            self.pos += unreserved_run(self.input.get(self.pos..).unwrap_or_default());
            let Some(b) = self.peek() else { break };
            if b == b'%' {
                if !self.escape_at(self.pos) {
                    return Err(HeaderError::InvalidParamName);
                }
                self.escaped = true;
                self.pos += 3;
            } else {
                break;
            }
        }
        let name = self.input.get(start..self.pos).unwrap_or_default();
        match self.peek() {
            Some(b'=') if name.is_empty() => Err(HeaderError::InvalidParamName),
            Some(b'=') => Ok(Some(name)),
            None | Some(b',' | b'"') => Err(HeaderError::Malformed),
            Some(_) if !name.is_empty() && ws_len(self.input, self.pos) > 0 => Ok(Some(name)),
            Some(_) => Err(HeaderError::InvalidParamName),
        }
    }

    /// After a name: `=`, the quoted value, and what may follow it; returns the raw value.
    fn value(&mut self, realm: bool) -> Result<&'a [u8], HeaderError> {
        self.skip_ws();
        if self.peek() != Some(b'=') {
            return Err(HeaderError::Malformed);
        }
        self.pos += 1;
        self.skip_ws();
        if self.peek() != Some(b'"') {
            return Err(HeaderError::MissingQuotes);
        }
        self.pos += 1;
        let start = self.pos;
        self.escaped = false;
        self.high = false;
        loop {
            if !realm {
                // The common case: a run of unreserved characters, one table lookup each.
                self.pos += unreserved_run(self.input.get(self.pos..).unwrap_or_default());
            }
            let Some(b) = self.peek() else {
                return Err(HeaderError::UnterminatedQuote);
            };
            match b {
                b'"' => break,
                b'\\' if realm => {
                    if self.input.get(self.pos + 1).is_none() {
                        return Err(HeaderError::UnterminatedQuote);
                    }
                    self.pos += 2;
                    continue;
                }
                _ if realm && ((b < 0x20 && b != b'\t') || b == 0x7f) => {
                    return Err(HeaderError::InvalidCharacter);
                }
                b'%' if !realm => {
                    if !self.escape_at(self.pos) {
                        return Err(HeaderError::BadPercentEncoding);
                    }
                    self.escaped = true;
                    self.high |= self.input.get(self.pos + 1).is_some_and(|&h| h >= b'8');
                    self.pos += 3;
                    continue;
                }
                _ if !realm && !is_unreserved(b) => return Err(HeaderError::InvalidCharacter),
                _ => {}
            }
            self.pos += 1;
        }
        let value = self.input.get(start..self.pos).unwrap_or_default();
        // Only escapes of bytes from 0x80 up can produce non-ASCII, and so invalid UTF-8.
        if !realm && self.high && check(value, Coding::Header).is_err() {
            return Err(HeaderError::InvalidUtf8);
        }
        self.pos += 1;
        self.skip_ws();
        match self.peek() {
            None => {}
            Some(b',') => self.pos += 1,
            Some(_) => return Err(HeaderError::Malformed),
        }
        Ok(value)
    }

    fn element(&mut self) -> Result<Option<Element<'a>>, HeaderError> {
        let Some(name) = self.next_name()? else {
            return Ok(None);
        };
        let realm = is_realm(name, self.escaped);
        let value = self.value(realm)?;
        Ok(Some(Element { name, value, realm }))
    }
}

/// How many bytes at the start of `s` are unreserved.
#[inline]
fn unreserved_run(s: &[u8]) -> usize {
    s.iter().position(|&b| !is_unreserved(b)).unwrap_or(s.len())
}

fn is_realm(name: &[u8], escaped: bool) -> bool {
    if escaped {
        Decoded::new(name, Coding::Header).eq_bytes(b"realm")
    } else {
        name == b"realm"
    }
}

/// Receives a header's parameters as they are scanned.
pub(crate) trait Sink<'a> {
    /// A parameter (not `realm`), raw, with whether name and value hold escapes.
    fn push(&mut self, name: &'a [u8], name_escaped: bool, value: &'a [u8], value_escaped: bool);
}

/// Why [`scan`] stopped: a syntax error, and the name of the element whose value it was
/// found in (repeats are looked for afterwards, among the names scanned up to that point, so
/// the first problem from the left is still the one reported).
pub(crate) struct Stopped<'a> {
    pub(crate) error: HeaderError,
    pub(crate) pending: Option<Param<'a>>,
}

/// Whether two parameters in `params` have the same (decoded) name. Sorts `params` (by name,
/// then value): O(n log n) for any number of names, where looking each one up among the
/// earlier ones would be quadratic.
pub(crate) fn has_repeated_name(params: &mut [Param<'_>]) -> bool {
    crate::signature::sort_params(params);
    params
        .windows(2)
        .any(|w| matches!(w, [a, b] if crate::signature::cmp_names(a, b).is_eq()))
}

/// The header parameters, collected into the caller's buffer.
pub(crate) struct Collect<'a, 'b> {
    pub(crate) buf: &'b mut [Param<'a>],
    pub(crate) len: usize,
    pub(crate) overflow: bool,
}

impl<'a, 'b> Collect<'a, 'b> {
    pub(crate) fn new(buf: &'b mut [Param<'a>]) -> Self {
        Self {
            buf,
            len: 0,
            overflow: false,
        }
    }
}

impl<'a> Sink<'a> for Collect<'a, '_> {
    fn push(&mut self, name: &'a [u8], name_escaped: bool, value: &'a [u8], value_escaped: bool) {
        match self.buf.get_mut(self.len) {
            Some(slot) => {
                *slot = header_param(name, name_escaped, value, value_escaped);
                self.len += 1;
            }
            None => self.overflow = true,
        }
    }
}

/// A header parameter: the scanner let through only unreserved characters and `%XX`, so a part
/// without an escape is plain.
pub(crate) fn header_param<'a>(
    name: &'a [u8],
    name_escaped: bool,
    value: &'a [u8],
    value_escaped: bool,
) -> Param<'a> {
    Param::with_simplicity(
        name,
        value,
        Coding::Header,
        Source::Header,
        !name_escaped,
        !value_escaped,
    )
}

/// How many parameters [`parse`] checks for repeats on the stack; a longer header needs
/// [`parse_with`] and a buffer sized for it.
pub const MAX_PARAMS: usize = 64;

/// Parses an `Authorization` header value with the OAuth scheme, with up to [`MAX_PARAMS`]
/// parameters.
///
/// # Errors
/// The first problem found scanning left to right, as a [`HeaderError`];
/// [`HeaderError::TooManyParams`] beyond [`MAX_PARAMS`] parameters.
pub fn parse(value: &[u8]) -> Result<AuthHeader<'_>, HeaderError> {
    parse_with(value, &mut [Param::EMPTY; MAX_PARAMS])
}

/// [`parse`] with the caller's buffer for the parameters (repeated names are found by sorting
/// it): any number of parameters up to its length, in O(n log n). [`crate::Request::max_params`]
/// sizes it for a request.
///
/// # Errors
/// As [`parse`]; [`HeaderError::TooManyParams`] beyond `buf.len()` parameters.
pub fn parse_with<'a>(
    value: &'a [u8],
    buf: &mut [Param<'a>],
) -> Result<AuthHeader<'a>, HeaderError> {
    let mut sink = Collect::new(buf);
    let scanned = scan(value, &mut sink);
    let Collect { buf, len, overflow } = sink;
    finish(scanned, buf.get_mut(..len).unwrap_or_default(), overflow)
}

/// The answer for a scan into a buffer: `seen` holds the parameters collected (sorted on
/// return), `overflow` whether more did not fit. A repeat is reported before a later syntax
/// error; with the buffer full, a repeat past it may come before the error, which is then
/// undecidable here: [`HeaderError::TooManyParams`].
pub(crate) fn finish<'a>(
    scanned: Result<AuthHeader<'a>, Stopped<'a>>,
    seen: &mut [Param<'a>],
    overflow: bool,
) -> Result<AuthHeader<'a>, HeaderError> {
    match scanned {
        Err(stopped) => match repeat_before(stopped, seen) {
            HeaderError::DuplicateParam => Err(HeaderError::DuplicateParam),
            _ if overflow => Err(HeaderError::TooManyParams),
            e => Err(e),
        },
        Ok(_) if overflow => Err(HeaderError::TooManyParams),
        Ok(_) if has_repeated_name(seen) => Err(HeaderError::DuplicateParam),
        Ok(h) => Ok(h),
    }
}

/// The error to report for a scan that stopped: a repeated name among the parameters scanned
/// before the error (`seen`, then the element it was found in) comes first.
fn repeat_before<'a>(stopped: Stopped<'a>, seen: &mut [Param<'a>]) -> HeaderError {
    let pending_repeats = stopped.pending.is_some_and(|p| {
        seen.iter()
            .any(|q| crate::signature::cmp_names(q, &p).is_eq())
    });
    if pending_repeats || has_repeated_name(seen) {
        HeaderError::DuplicateParam
    } else {
        stopped.error
    }
}

/// One pass over the header, handing each parameter to `sink`. Repeated names are left to the
/// caller (but for `realm`).
pub(crate) fn scan<'a>(
    value: &'a [u8],
    sink: &mut impl Sink<'a>,
) -> Result<AuthHeader<'a>, Stopped<'a>> {
    let stop = |error| Stopped {
        error,
        pending: None,
    };
    let mut s = Scanner::new(value);
    s.skip_ws();
    if s.peek().is_none() {
        return Err(stop(HeaderError::EmptyHeader));
    }
    let start = s.pos;
    while s.peek().is_some_and(is_tchar) {
        s.pos += 1;
    }
    let scheme = value.get(start..s.pos).unwrap_or_default();
    if scheme.is_empty() {
        // Not a token where the scheme belongs (a byte-order mark, a quote): no scheme at all,
        // so the header is malformed rather than of another scheme.
        return Err(stop(HeaderError::Malformed));
    }
    if !scheme.eq_ignore_ascii_case(b"oauth") {
        return Err(stop(HeaderError::UnsupportedScheme));
    }
    if s.peek().is_some() && ws_len(value, s.pos) == 0 {
        return Err(stop(HeaderError::Malformed));
    }
    let list = value.get(s.pos..).unwrap_or_default();
    let mut s = Scanner::new(list);
    let mut realm = None;
    let mut count = 0;
    while let Some(name) = s.next_name().map_err(stop)? {
        let name_escaped = s.escaped;
        let is_realm = is_realm(name, name_escaped);
        if is_realm && realm.is_some() {
            return Err(stop(HeaderError::DuplicateParam));
        }
        let v = s.value(is_realm).map_err(|error| Stopped {
            error,
            pending: (!is_realm).then(|| header_param(name, name_escaped, b"", false)),
        })?;
        if is_realm {
            realm = Some(v);
        } else {
            count += 1;
            sink.push(name, name_escaped, v, s.escaped);
        }
    }
    Ok(AuthHeader { list, realm, count })
}

/// Writes an `Authorization` header value: `OAuth ` and `name="enc(value)"` pairs joined by
/// `, `, with `realm` (quoted, `"` and `\` escaped) first when given.
pub struct HeaderWriter<'a, I> {
    realm: Option<&'a str>,
    params: I,
}

impl<'a, 'p, I> HeaderWriter<'a, I>
where
    I: Iterator<Item = (&'p [u8], &'p [u8])> + Clone,
{
    /// A header for these decoded parameters (include `oauth_signature`).
    pub fn new(realm: Option<&'a str>, params: I) -> Self {
        Self { realm, params }
    }

    /// Streams the header value's bytes (ASCII) to `out` in a few large pieces, without
    /// allocating; `Display` writes the same bytes.
    pub fn write(&self, out: impl FnMut(&[u8])) {
        let mut staged = crate::encode::Staged::<_, 256>::new(out);
        self.write_into(&mut staged);
        staged.flush();
    }

    fn write_into(&self, out: &mut impl crate::encode::Out) {
        out.put(b"OAuth ");
        let mut first = true;
        if let Some(realm) = self.realm {
            out.put(b"realm=\"");
            for piece in realm
                .as_bytes()
                .split_inclusive(|&b| b == b'"' || b == b'\\')
            {
                match piece.split_last() {
                    Some((&last, head)) if last == b'"' || last == b'\\' => {
                        out.put(head);
                        out.put(&[b'\\', last]);
                    }
                    _ => out.put(piece),
                }
            }
            out.put(b"\"");
            first = false;
        }
        for (name, value) in self.params.clone() {
            if !first {
                out.put(b", ");
            }
            first = false;
            crate::encode::encode_into(name, out);
            out.put(b"=\"");
            crate::encode::encode_into(value, out);
            out.put(b"\"");
        }
    }
}

impl<'p, I> fmt::Display for HeaderWriter<'_, I>
where
    I: Iterator<Item = (&'p [u8], &'p [u8])> + Clone,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut r = Ok(());
        // Every byte written is ASCII except a realm's own (UTF-8) characters, which are
        // written in whole runs between the escaped `"` and `\`.
        self.write(|p| r = r.and_then(|()| f.write_str(core::str::from_utf8(p).unwrap_or(""))));
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    /// The reference: scan left to right, looking every name up among the earlier ones.
    fn reference(value: &[u8]) -> Result<usize, HeaderError> {
        let mut s = Scanner::new(value);
        s.skip_ws();
        let start = s.pos;
        while s.peek().is_some_and(is_tchar) {
            s.pos += 1;
        }
        if s.pos == start {
            return Err(if s.peek().is_none() {
                HeaderError::EmptyHeader
            } else {
                HeaderError::Malformed
            });
        }
        if !value
            .get(start..s.pos)
            .unwrap_or_default()
            .eq_ignore_ascii_case(b"oauth")
        {
            return Err(HeaderError::UnsupportedScheme);
        }
        if s.peek().is_some() && ws_len(value, s.pos) == 0 {
            return Err(HeaderError::Malformed);
        }
        let mut s = Scanner::new(value.get(s.pos..).unwrap_or_default());
        let mut names: Vec<Vec<u8>> = Vec::new();
        while let Some(name) = s.next_name()? {
            let decoded: Vec<u8> = Decoded::new(name, Coding::Header).collect();
            if names.contains(&decoded) {
                return Err(HeaderError::DuplicateParam);
            }
            names.push(decoded);
            s.value(is_realm(name, s.escaped))?;
        }
        Ok(names.iter().filter(|n| n.as_slice() != b"realm").count())
    }

    #[test]
    fn repeats_found_by_sorting_agree_with_a_left_to_right_lookup() {
        let mut rng = wp_testkit::oracle::Rng::new(0x9e37_79b9_7f4a_7c15);
        let mut rnd = move |n: u64| rng.range(0, n - 1);
        let names: &[&str] = &["a", "b", "%61", "oauth_x", "realm", "re%61lm", "c%2F", "c/"];
        let values: &[&str] = &["\"v\"", "\"\"", "\"%zz\"", "v", "\"a b\"", "\"x", "\"%E9\""];
        let mut checked = 0;
        for _ in 0..20_000 {
            let mut h = std::string::String::from("OAuth ");
            for i in 0..rnd(12) {
                if i > 0 {
                    h.push_str([", ", ",", " , ,", ",, "][rnd(4) as usize]);
                }
                h.push_str(names[rnd(names.len() as u64) as usize]);
                if rnd(20) > 0 {
                    h.push('=');
                }
                h.push_str(values[rnd(values.len() as u64) as usize]);
            }
            let want = reference(h.as_bytes());
            let got = parse(h.as_bytes()).map(|p| p.len());
            assert_eq!(got, want, "{h}");
            if want == Err(HeaderError::DuplicateParam) {
                checked += 1;
            }
        }
        assert!(checked > 1_000, "only {checked} repeats generated");
    }

    #[test]
    fn junk_where_the_scheme_belongs_is_malformed() {
        for h in [
            &b"\xEF\xBB\xBFOAuth oauth_nonce=\"n\""[..],
            b"\"OAuth\" oauth_nonce=\"n\"",
            b"\"OAuth oauth_nonce=\"n\"",
            b"(OAuth) oauth_nonce=\"n\"",
            b"\x00OAuth",
        ] {
            assert_eq!(parse(h), Err(HeaderError::Malformed), "{h:?}");
        }
        for h in [&b"Basic abc"[..], b"OAuth2 x", b"Bearer", b"  Digest a=b"] {
            assert_eq!(parse(h), Err(HeaderError::UnsupportedScheme), "{h:?}");
        }
        assert_eq!(parse(b" \t "), Err(HeaderError::EmptyHeader));
    }

    #[test]
    fn a_buffer_bounds_the_standalone_parser() {
        let h: std::string::String = (0..MAX_PARAMS + 1)
            .map(|i| std::format!("p{i}=\"v\""))
            .collect::<Vec<_>>()
            .join(", ");
        let h = std::format!("OAuth {h}");
        assert_eq!(parse(h.as_bytes()), Err(HeaderError::TooManyParams));
        let mut buf = [Param::EMPTY; MAX_PARAMS + 1];
        assert_eq!(
            parse_with(h.as_bytes(), &mut buf).map(|p| p.len()),
            Ok(MAX_PARAMS + 1)
        );
        // Past the buffer a repeat can hide before a later syntax error: the answer is that
        // the buffer was too small, not the syntax error.
        let late = std::format!("{h}, p0=\"again\", bad name=\"x\"");
        assert_eq!(
            parse_with(late.as_bytes(), &mut buf),
            Err(HeaderError::TooManyParams)
        );
        let mut room = [Param::EMPTY; MAX_PARAMS + 3];
        assert_eq!(
            parse_with(late.as_bytes(), &mut room),
            Err(HeaderError::DuplicateParam)
        );
    }
}
