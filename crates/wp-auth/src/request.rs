//! The request as PHP hands it to WordPress: a borrowed view, and the readings of it the
//! decision needs (the Basic credentials PHP's SAPI and WordPress fill in, `$_REQUEST['_wpnonce']`).

use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

use base64::Engine as _;
use wp_hash::WpVersion;
use wp_php::{ArrayKey, Entry, Input};

/// A request as WordPress sees it: borrowed, framework-free. `Debug` prints which credentials
/// are present, never their values.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestView<'a> {
    /// The method as sent (`GET`, `POST`, …).
    pub method: &'a [u8],
    /// The request target as sent: the path and query (`/wp-json/wp/v2/users/me?context=edit`).
    pub url: &'a [u8],
    /// The `Cookie` header (several joined with `; `), if any.
    pub cookie: Option<&'a [u8]>,
    /// The `Authorization` header, if any.
    pub authorization: Option<&'a [u8]>,
    /// The `X-WP-Nonce` header, if any.
    pub x_wp_nonce: Option<&'a [u8]>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<&'a [u8]>,
    /// The body (read only when PHP would fill `$_POST` from it).
    pub body: &'a [u8],
    /// `is_ssl()`: whether PHP saw the request over TLS (`$_SERVER['HTTPS']`).
    pub is_ssl: bool,
}

impl fmt::Debug for RequestView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let present = |v: Option<&[u8]>| v.map(|_| "[redacted]");
        f.debug_struct("RequestView")
            .field("method", &self.method.escape_ascii())
            .field("url", &self.url.escape_ascii())
            .field("cookie", &present(self.cookie))
            .field("authorization", &present(self.authorization))
            .field("x_wp_nonce", &present(self.x_wp_nonce))
            .field("content_type", &self.content_type.map(<[u8]>::escape_ascii))
            .field("body_len", &self.body.len())
            .field("is_ssl", &self.is_ssl)
            .finish()
    }
}

impl<'a> RequestView<'a> {
    /// The query string: what follows the first `?` of [`RequestView::url`].
    #[must_use]
    pub fn query(&self) -> &'a [u8] {
        self.url
            .iter()
            .position(|&b| b == b'?')
            .and_then(|q| self.url.get(q + 1..))
            .unwrap_or_default()
    }

    /// The path: [`RequestView::url`] up to its `?`.
    #[must_use]
    pub fn path(&self) -> &'a [u8] {
        let end = self
            .url
            .iter()
            .position(|&b| b == b'?')
            .unwrap_or(self.url.len());
        self.url.get(..end).unwrap_or_default()
    }
}

/// `PHP_AUTH_USER` and `PHP_AUTH_PW` as WordPress finds them: set by PHP's SAPI from a
/// `Basic` header, else by WordPress's own fallback. Owned: decoded into a small inline buffer
/// (the heap only for long credentials).
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct BasicCredentials {
    inline: [u8; INLINE_CREDENTIALS],
    heap: Vec<u8>,
    len: usize,
    colon: usize,
    /// `PHP_AUTH_PW` is set (6.1's fallback sets only the user for a value without `:`).
    password_set: bool,
}

/// Credentials up to this many decoded bytes stay off the heap.
const INLINE_CREDENTIALS: usize = 160;

impl fmt::Debug for BasicCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicCredentials")
            .field("login", &self.login().escape_ascii())
            .field("password", &"[redacted]")
            .finish()
    }
}

impl BasicCredentials {
    fn empty() -> Self {
        Self {
            inline: [0; INLINE_CREDENTIALS],
            heap: Vec::new(),
            len: 0,
            colon: 0,
            password_set: true,
        }
    }

    /// `PHP_AUTH_PW`, if set.
    pub(crate) fn password_if_set(&self) -> Option<&[u8]> {
        self.password_set.then(|| self.password())
    }

    /// Room for `capacity` bytes: the inline buffer when it fits, else the heap.
    fn buffer(&mut self, capacity: usize) -> &mut [u8] {
        if capacity <= INLINE_CREDENTIALS {
            &mut self.inline
        } else {
            self.heap.resize(capacity, 0);
            &mut self.heap
        }
    }

    fn bytes(&self) -> &[u8] {
        let all: &[u8] = if self.heap.is_empty() {
            &self.inline
        } else {
            &self.heap
        };
        all.get(..self.len).unwrap_or_default()
    }

    pub(crate) fn login(&self) -> &[u8] {
        self.bytes().get(..self.colon).unwrap_or_default()
    }

    pub(crate) fn password(&self) -> &[u8] {
        self.bytes().get(self.colon + 1..).unwrap_or_default()
    }
}

/// Standard base64, padding optional: what PHP's lenient decoder makes of a canonical token.
const STRICT: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
);

/// The standard base64 alphabet's value of each byte, `0xff` outside it (built at compile
/// time, where an out-of-range index could only fail the build).
#[allow(clippy::indexing_slicing)]
const B64: [u8; 256] = {
    let mut t = [0xffu8; 256];
    let mut i = 0;
    while i < 64 {
        let c = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[i];
        t[c as usize] = i as u8;
        i += 1;
    }
    t
};

/// PHP's non-strict `base64_decode()` into `out` (at least 3/4 of the input long): every byte
/// outside the alphabet (`=` included) is skipped, the rest decoded as one stream, leftover
/// bits dropped. Returns the decoded length.
fn php_base64_decode(input: &[u8], out: &mut [u8]) -> usize {
    let mut acc = 0u32;
    let mut bits = 0u32;
    let mut n = 0;
    for &b in input {
        let v = B64.get(usize::from(b)).copied().unwrap_or(0xff);
        if v == 0xff {
            continue;
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            if let Some(slot) = out.get_mut(n) {
                *slot = (acc >> bits) as u8;
                n += 1;
            }
        }
    }
    n
}

/// What PHP's SAPI makes of an `Authorization` value (`php_handle_auth_data()`): a value
/// starting with `Basic ` in any case, decoded leniently; the user is what precedes the first
/// `:`, the password what follows up to a NUL byte (C strings), and only when it is not
/// empty. Nothing when there is no colon before the first NUL.
fn sapi_basic(header: &[u8]) -> Option<BasicCredentials> {
    let header = header.split(|&b| b == 0).next().unwrap_or_default();
    let token = header
        .get(..6)
        .filter(|p| p.eq_ignore_ascii_case(b"basic "))
        .and_then(|_| header.get(6..))?;
    let mut c = BasicCredentials::empty();
    let out = c.buffer(token.len() / 4 * 3 + 3);
    // The common, canonical token decodes the same strictly; anything else byte by byte.
    c.len = match STRICT.decode_slice(token, out) {
        Ok(n) => n,
        Err(_) => php_base64_decode(token, out),
    };
    let bytes = c.bytes();
    let colon = bytes.iter().position(|&b| b == b':' || b == 0)?;
    if bytes.get(colon) != Some(&b':') {
        return None;
    }
    c.len = bytes
        .iter()
        .skip(colon + 1)
        .position(|&b| b == 0)
        .map_or(bytes.len(), |i| colon + 1 + i);
    c.colon = colon;
    // An empty password leaves `PHP_AUTH_PW` unset (the vectors' `php_sapi` column).
    c.password_set = c.len > colon + 1;
    Some(c)
}

/// `$_SERVER['PHP_AUTH_USER']` and `$_SERVER['PHP_AUTH_PW']` when the user is set: PHP's SAPI
/// reading of the header, and only when that sets nothing, WordPress's
/// `wp_populate_basic_auth_from_authorization_header()` (see
/// [`BasicCredentials::password_if_set`]; application passwords need both).
pub(crate) fn basic_credentials(
    authorization: Option<&[u8]>,
    version: WpVersion,
) -> Option<BasicCredentials> {
    let header = authorization?;
    if let Some(c) = sapi_basic(header) {
        return Some(c);
    }
    // WordPress's pattern needs the same `Basic ` (any case) the SAPI looks for.
    if !header
        .get(..6)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"basic "))
    {
        return None;
    }
    let mut buf = vec![0u8; header.len() / 4 * 3 + 3];
    let server = wp_password::app::Server {
        http_authorization: Some(header),
        ..wp_password::app::Server::default()
    };
    let populated = wp_password::app::populate(&server, version, &mut buf).ok()?;
    let user = populated.user.get()?;
    let password = populated.password.get();
    let pw = password.unwrap_or_default();
    let mut c = BasicCredentials::empty();
    c.password_set = password.is_some();
    let len = user.len() + 1 + pw.len();
    let out = c.buffer(len);
    for (slot, &b) in out.iter_mut().zip(user.iter().chain(b":").chain(pw)) {
        *slot = b;
    }
    c.len = len;
    c.colon = user.len();
    Some(c)
}

/// The longest nonce value kept: WordPress's nonces are 10 characters, so any longer value
/// fails verification whatever its bytes.
const NONCE_KEEP: usize = 16;

/// A nonce value the request carries, owned.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct NonceValue {
    bytes: [u8; NONCE_KEEP],
    /// `None`: longer than kept (it cannot verify).
    len: Option<usize>,
}

impl NonceValue {
    fn new(value: &[u8]) -> Self {
        let mut bytes = [0u8; NONCE_KEEP];
        let len = bytes.get_mut(..value.len()).map(|slot| {
            slot.copy_from_slice(value);
            value.len()
        });
        Self { bytes, len }
    }

    /// The value to verify; a value too long to keep is replaced by one that cannot verify
    /// either (a `%` never occurs in a nonce).
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self.len {
            Some(n) => self.bytes.get(..n).unwrap_or_default(),
            None => b"%too-long%",
        }
    }
}

/// `$_REQUEST['_wpnonce']` if that key is set (the body's over the query's, as
/// `array_merge($_GET, $_POST)` orders them), else the `X-WP-Nonce` header: the nonce
/// `rest_cookie_check_errors()` checks. A PHP array there is the string `Array`.
///
/// # Errors
/// A query or body PHP would read but this crate refuses to ([`wp_php::Error`]).
pub(crate) fn rest_nonce(req: &RequestView<'_>) -> Result<Option<NonceValue>, wp_php::Error> {
    let from_input = request_wpnonce(req)?;
    Ok(from_input.or_else(|| req.x_wp_nonce.map(NonceValue::new)))
}

/// Whether PHP could register `_wpnonce` from these raw pairs: only if the bytes spell it out
/// or hide it behind `%` escapes.
fn may_hold_wpnonce(raw: &[u8]) -> bool {
    !raw.is_empty() && (raw.contains(&b'%') || raw.windows(7).any(|w| w == b"wpnonce"))
}

fn request_wpnonce(req: &RequestView<'_>) -> Result<Option<NonceValue>, wp_php::Error> {
    let query = req.query();
    let post_possible = req.method == b"POST" && may_hold_wpnonce(req.body);
    let query_possible = may_hold_wpnonce(query);
    if !post_possible && !query_possible {
        return Ok(None);
    }
    let body = if post_possible { req.body } else { &[] };
    // Eight entries per variable and four bytes per input byte always suffice (wp-php).
    let vars = 2 + query.iter().chain(body).filter(|&&b| b == b'&').count();
    let mut entries = vec![Entry::EMPTY; 8 * vars + 8];
    let mut bytes = vec![0u8; 4 * (query.len() + body.len()) + 64];
    let mut input = Input::new(&mut entries, &mut bytes);
    let get = input.parse_str(query)?;
    let post = input.post(req.method, req.content_type, body)?;
    let pick = |vars: &[Entry<'_>]| {
        let mut it = vars.iter().filter(|e| e.key == ArrayKey::Str(b"_wpnonce"));
        it.next().map(|e| {
            if e.path.is_empty() {
                NonceValue::new(e.value)
            } else {
                NonceValue::new(b"Array")
            }
        })
    };
    Ok(pick(post).or_else(|| pick(get)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(h: &[u8], v: WpVersion) -> Option<(Vec<u8>, Vec<u8>)> {
        basic_credentials(Some(h), v)
            .and_then(|c| Some((c.login().to_vec(), c.password_if_set()?.to_vec())))
    }

    #[test]
    fn sapi_reads_leniently() {
        let ok = Some((b"alice".to_vec(), b"wonderland".to_vec()));
        assert_eq!(
            creds(b"Basic YWxpY2U6d29uZGVybGFuZA==", WpVersion::Wp68),
            ok
        );
        assert_eq!(
            creds(b"basic  YWxpY2U6 d29uZGVybGFuZA", WpVersion::Wp68),
            ok
        );
        // A colon-less value sets nothing; 6.1's fallback sets a null password: not both.
        assert_eq!(creds(b"Basic YWxpY2U=", WpVersion::Wp61), None);
        // The password keeps later colons.
        assert_eq!(
            creds(b"Basic YTpiOmM=", WpVersion::Wp68),
            Some((b"a".to_vec(), b"b:c".to_vec()))
        );
        assert_eq!(creds(b"Bearer abc", WpVersion::Wp68), None);
    }

    #[test]
    fn nonce_sources_in_wordpress_order() {
        let mut req = RequestView {
            method: b"POST",
            url: b"/wp-json/?_wpnonce=q",
            content_type: Some(b"application/x-www-form-urlencoded"),
            body: b"_wpnonce=b",
            x_wp_nonce: Some(b"h"),
            ..RequestView::default()
        };
        let got = |r: &RequestView<'_>| rest_nonce(r).unwrap().map(|n| n.as_bytes().to_vec());
        assert_eq!(got(&req), Some(b"b".to_vec()));
        req.method = b"PUT";
        assert_eq!(got(&req), Some(b"q".to_vec()));
        req.url = b"/wp-json/?.wpnonce[]=x";
        assert_eq!(got(&req), Some(b"Array".to_vec()));
        req.url = b"/wp-json/";
        assert_eq!(got(&req), Some(b"h".to_vec()));
        req.x_wp_nonce = Some(&[b'a'; 40]);
        assert_eq!(got(&req), Some(b"%too-long%".to_vec()));
    }
}
