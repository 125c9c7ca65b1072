#![no_std]
#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(test)]
extern crate std;

use hmac::{Hmac, KeyInit, Mac as _};
use sha1::Sha1;
use sha2::Sha256;
use subtle::ConstantTimeEq;

pub use oauth1_sig::Signature;
use oauth1_sig::encode::encode_to;
use oauth1_sig::{Method, Request, Secrets};
use wp_php::url::{rawurldecode, rawurlencode};
pub use wp_php::{ArrayKey, Entry};
use wp_php::{Input, number, sort_stable_by, trim};

/// What PHP and the plugin would do, but this crate does not reproduce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Unsupported {
    /// An `oauth_*` parameter sent as a PHP array (the plugin would sign the string `Array`).
    ArrayParameter,
    /// A multipart part whose `Content-Disposition` header is longer than this crate reads
    /// (1,024 bytes): refused rather than read cut short.
    LongPartHeader,
    /// A PHP array parameter whose index path is longer than `wp_php::MAX_INDEX_PATH` bytes.
    LongIndexPath,
}

/// The plugin's errors (its `WP_Error` codes), and what this crate cannot reproduce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// `json_oauth1_missing_parameter` (some but not all required parameters).
    MissingParameter,
    /// `json_oauth1_invalid_token`: no access token is stored under `oauth_token`.
    InvalidToken,
    /// `json_consumer_notfound`: no consumer is registered under `oauth_consumer_key`.
    ConsumerNotFound,
    /// `json_oauth1_consumer_mismatch`: the token was issued to another consumer.
    ConsumerMismatch,
    /// `rest_oauth1_unknown_http_method`.
    UnknownHttpMethod,
    /// `json_oauth1_invalid_signature_method`.
    InvalidSignatureMethod,
    /// `json_oauth1_signature_mismatch`.
    SignatureMismatch,
    /// `json_oauth1_invalid_timestamp`.
    InvalidTimestamp,
    /// `json_oauth1_nonce_already_used`.
    NonceAlreadyUsed,
    /// The request needs behaviour this crate does not reproduce.
    Unsupported(Unsupported),
    /// The caller's parameter or byte buffer is too small for the request.
    Capacity,
}

impl Error {
    /// The plugin's error code (`oauth1_sig_unsupported` / `oauth1_sig_capacity` for the two
    /// this crate adds).
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::MissingParameter => "json_oauth1_missing_parameter",
            Self::InvalidToken => "json_oauth1_invalid_token",
            Self::ConsumerNotFound => "json_consumer_notfound",
            Self::ConsumerMismatch => "json_oauth1_consumer_mismatch",
            Self::UnknownHttpMethod => "rest_oauth1_unknown_http_method",
            Self::InvalidSignatureMethod => "json_oauth1_invalid_signature_method",
            Self::SignatureMismatch => "json_oauth1_signature_mismatch",
            Self::InvalidTimestamp => "json_oauth1_invalid_timestamp",
            Self::NonceAlreadyUsed => "json_oauth1_nonce_already_used",
            Self::Unsupported(_) => "oauth1_sig_unsupported",
            Self::Capacity => "oauth1_sig_capacity",
        }
    }

    /// The plugin's (English) message. For [`Error::MissingParameter`] the plugin appends the
    /// missing names (`Missing OAuth parameters oauth_nonce, oauth_token`); this is the
    /// message without them.
    #[must_use]
    pub const fn message(self) -> &'static str {
        match self {
            Self::MissingParameter => "Missing OAuth parameters",
            Self::InvalidToken => "Invalid token",
            Self::ConsumerNotFound => "Consumer Key is invalid",
            Self::ConsumerMismatch => "Token is not registered for the given consumer",
            Self::UnknownHttpMethod => "Unknown http method",
            Self::InvalidSignatureMethod => "Signature method is invalid",
            Self::SignatureMismatch => "OAuth signature does not match",
            Self::InvalidTimestamp => "Invalid timestamp",
            Self::NonceAlreadyUsed => "Invalid nonce - nonce has already been used",
            Self::Unsupported(_) => {
                "The request uses PHP behaviour this implementation does not reproduce"
            }
            Self::Capacity => "The request is too large to read",
        }
    }

    /// The HTTP status the plugin answers with (401 for all of its own).
    #[must_use]
    pub const fn status(self) -> u16 {
        match self {
            Self::Unsupported(_) | Self::Capacity => 400,
            _ => 401,
        }
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::MissingParameter => "some of the required oauth parameters are missing",
            Self::InvalidToken => "no access token is stored under the oauth token",
            Self::ConsumerNotFound => "no consumer is registered under the consumer key",
            Self::ConsumerMismatch => "the token was issued to another consumer",
            Self::UnknownHttpMethod => "the http method is not one the plugin signs",
            Self::InvalidSignatureMethod => "the signature method is not hmac-sha1 or hmac-sha256",
            Self::SignatureMismatch => "the oauth signature does not match",
            Self::InvalidTimestamp => "the oauth timestamp is outside the window",
            Self::NonceAlreadyUsed => "the oauth nonce was already used",
            Self::Unsupported(Unsupported::ArrayParameter) => {
                "an oauth parameter was sent as a php array"
            }
            Self::Unsupported(Unsupported::LongPartHeader) => {
                "a multipart part header is longer than 1024 bytes"
            }
            Self::Unsupported(Unsupported::LongIndexPath) => {
                "an array parameter's index path is longer than 512 bytes"
            }
            Self::Capacity => "the working buffers are too small for the request",
        })
    }
}

impl core::error::Error for Error {}

impl From<wp_php::Error> for Error {
    fn from(e: wp_php::Error) -> Self {
        match e {
            wp_php::Error::LongPartHeader => Self::Unsupported(Unsupported::LongPartHeader),
            wp_php::Error::LongIndexPath => Self::Unsupported(Unsupported::LongIndexPath),
            _ => Self::Capacity,
        }
    }
}

/// The site settings the plugin builds the base string URI from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Site<'s> {
    /// The `home` option, e.g. `http://example.com` or `https://example.com/blog`.
    pub home: &'s [u8],
    /// `is_ssl()` for this request (what PHP saw, not what the client used).
    pub is_ssl: bool,
}

/// The plugin's reading of an `Authorization` value (W1–W3): `None` unless, trimmed, it starts
/// with exactly `OAuth `; otherwise the `oauth_*` pairs found by its pattern, values `urldecode`d
/// (into `bytes`), a quoted `"0"` read as empty, repeated names replaced in place. `realm` is
/// never among them.
///
/// # Errors
/// [`Error::Capacity`] when `entries` or `bytes` is too small.
pub fn parse_header<'a>(
    value: &'a [u8],
    entries: &'a mut [Entry<'a>],
    bytes: &'a mut [u8],
) -> Result<Option<&'a [Entry<'a>]>, Error> {
    let mut input = Input::new(entries, bytes);
    match header_pairs(value) {
        Some(pairs) => Ok(Some(input.assign_urldecoded(pairs)?)),
        None => Ok(None),
    }
}

/// The `(name, raw value)` pairs the plugin's pattern finds in an `Authorization` value, or
/// `None` when it is not OAuth to the plugin.
fn header_pairs(value: &[u8]) -> Option<HeaderPairs<'_>> {
    let value = trim(value);
    value
        .starts_with(b"OAuth ")
        .then_some(HeaderPairs { value, i: 0 })
}

struct HeaderPairs<'a> {
    value: &'a [u8],
    i: usize,
}

impl<'a> Iterator for HeaderPairs<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let value = self.value;
        while let Some(at) = value
            .get(self.i..)
            .and_then(|r| find(r, b"oauth_"))
            .map(|p| p + self.i)
        {
            let name_end = value
                .get(at + 6..)
                .unwrap_or_default()
                .iter()
                .position(|&b| !(b.is_ascii_lowercase() || b == b'_' || b == b'-'))
                .map_or(value.len(), |p| at + 6 + p);
            if value.get(name_end) != Some(&b'=') {
                // The pattern `oauth_[a-z_-]*=` cannot match at any later `oauth_` inside the
                // same run of `[a-z_-]` either (it ends at the same byte): skip the run, so a
                // header of `oauth_` repeated is read in one pass.
                self.i = name_end.max(at + 1);
                continue;
            }
            let v = name_end + 1;
            let q = if value.get(v) == Some(&b':') && value.get(v + 1) == Some(&b'"') {
                Some(v + 1)
            } else if value.get(v) == Some(&b'"') {
                Some(v)
            } else {
                None
            };
            let quoted = q.and_then(|q| {
                let inner = q + 1;
                value
                    .get(inner..)
                    .and_then(|r| r.iter().position(|&b| b == b'"'))
                    .map(|p| (inner, inner + p))
            });
            let (raw, end) = match quoted {
                // PHP's empty(): a quoted "" or "0" falls back to the (empty) unquoted group.
                Some((s, e)) => {
                    let inner = value.get(s..e).unwrap_or_default();
                    let raw = if matches!(inner, b"" | b"0") {
                        &b""[..]
                    } else {
                        inner
                    };
                    (raw, e + 1)
                }
                None => {
                    let e = value
                        .get(v..)
                        .unwrap_or_default()
                        .iter()
                        .position(|&b| b == b',')
                        .map_or(value.len(), |p| v + p);
                    (value.get(v..e).unwrap_or_default(), e)
                }
            };
            self.i = end.max(at + 1);
            return Some((value.get(at..name_end).unwrap_or_default(), raw));
        }
        self.i = value.len();
        None
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// How many variables PHP reads from one source (`max_input_vars`).
/// A request as the plugin reads it: the parameters it signs, and the signature it was sent.
#[derive(Debug)]
pub struct Signed<'a> {
    method: &'a [u8],
    params: &'a [Entry<'a>],
    signature: &'a [u8],
    signature_method: Option<Method>,
    base: BaseUri<'a>,
    timestamp: &'a [u8],
    nonce: &'a [u8],
    consumer_key: &'a [u8],
    token: Option<&'a [u8]>,
}

#[derive(Debug, Clone, Copy)]
struct BaseUri<'a> {
    scheme: &'a [u8],
    /// The home URL after its scheme (`//host[:port][/path]`).
    rest: &'a [u8],
    /// Appended after a `/` when not PHP-empty.
    path: &'a [u8],
}

impl<'a> BaseUri<'a> {
    fn new(site: &Site<'a>, url: &'a [u8]) -> Self {
        let home = trim(site.home);
        let (home_scheme, after) = match find(home, b"://") {
            Some(i) => (
                home.get(..i).unwrap_or_default(),
                home.get(i..).unwrap_or_default(),
            ),
            None => (&b"http"[..], home),
        };
        let scheme = if site.is_ssl {
            &b"https"[..]
        } else {
            home_scheme
        };
        // get_home_url(null, '/', 'relative'): the home path plus '/'.
        let home_path = after
            .get(3..)
            .and_then(|h| {
                h.iter()
                    .position(|&b| b == b'/')
                    .map(|p| h.get(p..).unwrap_or_default())
            })
            .unwrap_or_default();
        let home_path = {
            let t = home_path
                .iter()
                .position(|&b| b != b'/')
                .unwrap_or(home_path.len());
            home_path.get(t..).unwrap_or_default()
        };
        let request_path = php_url_path(request_uri(url));
        // Strip "/<home path>/" when the request path starts with it.
        let stripped = request_path
            .strip_prefix(b"/")
            .and_then(|p| {
                if home_path.is_empty() {
                    Some(p)
                } else {
                    p.strip_prefix(home_path).and_then(|p| p.strip_prefix(b"/"))
                }
            })
            .unwrap_or(request_path);
        let path = {
            let t = stripped
                .iter()
                .position(|&b| b != b'/')
                .unwrap_or(stripped.len());
            stripped.get(t..).unwrap_or_default()
        };
        Self {
            scheme,
            rest: after,
            path,
        }
    }

    fn write(&self, out: &mut impl FnMut(&[u8])) {
        encode_to(self.scheme, &mut *out);
        encode_to(self.rest, &mut *out);
        // PHP `if ($path)`: "" and "0" append nothing.
        if !matches!(self.path, b"" | b"0") {
            encode_to(b"/", &mut *out);
            encode_to(self.path, &mut *out);
        }
    }
}

/// `$_SERVER['REQUEST_URI']` from an absolute URL: from the path on.
fn request_uri(url: &[u8]) -> &[u8] {
    let after = find(url, b"://").map_or(url, |i| url.get(i + 3..).unwrap_or_default());
    after
        .iter()
        .position(|&b| b == b'/' || b == b'?')
        .map_or(&b""[..], |p| after.get(p..).unwrap_or_default())
}

/// `parse_url($uri, PHP_URL_PATH)` for a request URI: the part before `?`/`#`; a URI
/// starting with `//` is read as `//authority/path`.
fn php_url_path(uri: &[u8]) -> &[u8] {
    let uri = uri
        .iter()
        .position(|&b| b == b'?' || b == b'#')
        .map_or(uri, |p| uri.get(..p).unwrap_or_default());
    match uri.strip_prefix(b"//") {
        Some(rest) => rest
            .iter()
            .position(|&b| b == b'/')
            .map_or(&b""[..], |p| rest.get(p..).unwrap_or_default()),
        None => uri,
    }
}

/// `empty($params[$name])`.
fn get<'a>(params: &[Entry<'a>], name: &[u8]) -> Option<&'a [u8]> {
    params
        .iter()
        .find(|e| e.key == ArrayKey::Str(name))
        .map(|e| e.value)
        .filter(|v| !matches!(*v, b"" | b"0"))
}

/// The plugin's checks before the signature: which request is OAuth at all, and what it signs.
///
/// `entries` and `bytes` are the caller's working memory: eight entries per parameter, and
/// four times the length of the query, body and header in bytes, are always enough
/// ([`Error::Capacity`] otherwise).
///
/// Returns `Ok(None)` when the request carries none of the required parameters (the plugin
/// then lets other authentication run).
///
/// # Errors
/// [`Error::MissingParameter`], [`Error::UnknownHttpMethod`], [`Error::Unsupported`],
/// [`Error::Capacity`].
pub fn parse<'a>(
    req: &Request<'a>,
    site: &Site<'a>,
    require_token: bool,
    entries: &'a mut [Entry<'a>],
    bytes: &'a mut [u8],
) -> Result<Option<Signed<'a>>, Error> {
    let (signed, oauth) = read(req, site, entries, bytes)?;
    let required: &[&[u8]] = &[
        b"oauth_consumer_key",
        b"oauth_timestamp",
        b"oauth_nonce",
        b"oauth_signature",
        b"oauth_signature_method",
        b"oauth_token",
    ];
    let required = required
        .get(..if require_token { 6 } else { 5 })
        .unwrap_or_default();
    let present = required.iter().filter(|n| get(oauth, n).is_some()).count();
    if present == 0 {
        return Ok(None);
    }
    if present < required.len() {
        return Err(Error::MissingParameter);
    }
    signed.map(Some)
}

/// The `entries` and `bytes` lengths [`parse`] and [`collect`] need for `req` at most: eight
/// entries per parameter the request can carry, four bytes per input byte.
#[must_use]
pub fn buffers_for(req: &Request<'_>) -> (usize, usize) {
    let text = req.url.len() + req.body.len() + req.authorization.map_or(0, <[u8]>::len);
    (8 * (req.max_params() + 4), 4 * text + 64)
}

/// What the plugin signs for a request, without its required-parameter check (for base
/// strings and client-side signing).
///
/// # Errors
/// [`Error::UnknownHttpMethod`], [`Error::Unsupported`], [`Error::Capacity`].
pub fn collect<'a>(
    req: &Request<'a>,
    site: &Site<'a>,
    entries: &'a mut [Entry<'a>],
    bytes: &'a mut [u8],
) -> Result<Signed<'a>, Error> {
    read(req, site, entries, bytes)?.0
}

/// The method as the plugin signs it (`strtoupper($_SERVER['REQUEST_METHOD'])`), if it is one
/// it signs (`GET`, `HEAD`, `DELETE`, `POST`, `PUT`, `PATCH`); any other is
/// [`Error::UnknownHttpMethod`] at the signature check.
#[must_use]
pub fn signed_method(method: &[u8]) -> Option<&'static [u8]> {
    let mut upper = [0u8; 8];
    let n = method.len();
    if !(1..=7).contains(&n) {
        return None;
    }
    for (d, s) in upper.iter_mut().zip(method) {
        *d = s.to_ascii_uppercase();
    }
    Some(match upper.get(..n).unwrap_or_default() {
        b"GET" => b"GET",
        b"HEAD" => b"HEAD",
        b"DELETE" => b"DELETE",
        b"POST" => b"POST",
        b"PUT" => b"PUT",
        b"PATCH" => b"PATCH",
        _ => return None,
    })
}

/// The merged parameters (`get_parameters()`), and what `check_oauth_signature()` signs (or
/// its method error).
#[allow(clippy::type_complexity)]
fn read<'a>(
    req: &Request<'a>,
    site: &Site<'a>,
    entries: &'a mut [Entry<'a>],
    bytes: &'a mut [u8],
) -> Result<(Result<Signed<'a>, Error>, &'a [Entry<'a>]), Error> {
    let mut input = Input::new(entries, bytes);
    let query = {
        let uri = request_uri(req.url);
        let q = uri.iter().position(|&b| b == b'?');
        let q = q.map_or(&b""[..], |p| uri.get(p + 1..).unwrap_or_default());
        q.iter()
            .position(|&b| b == b'#')
            .map_or(q, |p| q.get(..p).unwrap_or_default())
    };
    let get_vars = input.parse_str(query)?;
    let post_vars = input.post(req.method, req.content_type, req.body)?;
    // get_parameters(): array_merge($_GET, $_POST), then the header's pairs on top.
    let first: &'a [Entry<'a>] = input.array_merge(get_vars, post_vars)?;
    let header: &'a [Entry<'a>] = match req.authorization.and_then(header_pairs) {
        Some(pairs) => input.assign_urldecoded(pairs)?,
        None => &[],
    };
    let oauth: &'a [Entry<'a>] = input.array_merge(first, header)?;
    // A protocol parameter sent as a PHP array would be signed as the string "Array".
    if oauth.iter().any(|e| {
        !e.path.is_empty() && matches!(e.key, ArrayKey::Str(k) if k.starts_with(b"oauth_"))
    }) {
        return Err(Error::Unsupported(Unsupported::ArrayParameter));
    }

    // check_oauth_signature(): the method's own superglobal merged with everything.
    let method = signed_method(req.method).unwrap_or_default();
    let own = match method {
        b"GET" | b"HEAD" | b"DELETE" => get_vars,
        b"POST" | b"PUT" | b"PATCH" => post_vars,
        _ => return Ok((Err(Error::UnknownHttpMethod), oauth)),
    };
    let all = input.array_merge(own, oauth)?;
    let signature = get(all, b"oauth_signature").unwrap_or_default();
    let method_name = get(all, b"oauth_signature_method").unwrap_or_default();
    let timestamp = get(all, b"oauth_timestamp").unwrap_or_default();
    let nonce = get(all, b"oauth_nonce").unwrap_or_default();
    let consumer_key = get(all, b"oauth_consumer_key").unwrap_or_default();
    let token = get(all, b"oauth_token");
    // The signature itself is not signed: set it aside, then sort by the normalised name
    // (PHP 8's sort is stable: equal normalised names keep their order).
    let mut n = all.len();
    if let Some(i) = all
        .iter()
        .position(|e| e.key == ArrayKey::Str(b"oauth_signature"))
    {
        all.swap(i, n - 1);
        n -= 1;
    }
    let signed = all.get_mut(..n).unwrap_or_default();
    sort_stable_by(signed, |a, b| normalized(a.key).cmp(normalized(b.key)));
    let params: &'a [Entry<'a>] = signed;
    let signed = Signed {
        method,
        params,
        signature,
        signature_method: match method_name {
            b"HMAC-SHA1" => Some(Method::HmacSha1),
            b"HMAC-SHA256" => Some(Method::HmacSha256),
            _ => None,
        },
        base: BaseUri::new(site, req.url),
        timestamp,
        nonce,
        consumer_key,
        token,
    };
    Ok((Ok(signed), oauth))
}

/// The bytes of a key or value as the plugin normalises it: `rawurlencode(rawurldecode(x))`
/// (an integer key in decimal).
#[derive(Clone)]
enum Normalized<'a> {
    Digits(core::iter::Skip<core::array::IntoIter<u8, 40>>),
    Text(wp_php::url::RawEncode<wp_php::url::Decode<'a>>),
}

impl Iterator for Normalized<'_> {
    type Item = u8;
    fn next(&mut self) -> Option<u8> {
        match self {
            Self::Digits(d) => d.next(),
            Self::Text(t) => t.next(),
        }
    }
}

fn normalized(key: ArrayKey<'_>) -> Normalized<'_> {
    match key {
        ArrayKey::Int(n) => {
            let mut buf = [0u8; 40];
            let skip = 40 - number::decimal(i128::from(n), &mut buf).len();
            Normalized::Digits(buf.into_iter().skip(skip))
        }
        ArrayKey::Str(s) => Normalized::Text(rawurlencode(rawurldecode(s))),
    }
}

/// Feeds an iterator's bytes to `out` in chunks.
fn emit(bytes: impl Iterator<Item = u8>, out: &mut impl FnMut(&[u8])) {
    let mut chunk = [0u8; 64];
    let mut n = 0;
    for b in bytes {
        if let Some(slot) = chunk.get_mut(n) {
            *slot = b;
            n += 1;
        }
        if n == chunk.len() {
            out(&chunk);
            n = 0;
        }
    }
    if n > 0 {
        out(chunk.get(..n).unwrap_or_default());
    }
}

impl<'a> Signed<'a> {
    /// `oauth_consumer_key`, to look the consumer up by.
    #[must_use]
    pub fn consumer_key(&self) -> &'a [u8] {
        self.consumer_key
    }

    /// `oauth_token`, if sent.
    #[must_use]
    pub fn token(&self) -> Option<&'a [u8]> {
        self.token
    }

    /// `oauth_nonce` and `oauth_timestamp` as sent, for the caller's nonce store (the plugin
    /// keeps one nonce per user and timestamp; W14).
    #[must_use]
    pub fn nonce(&self) -> (&'a [u8], &'a [u8]) {
        (self.nonce, self.timestamp)
    }

    /// The parameters the plugin signs, sorted as it sorts them.
    #[must_use]
    pub fn params(&self) -> &'a [Entry<'a>] {
        self.params
    }

    /// Streams the base string the plugin computes.
    pub fn write_base_string(&self, mut out: impl FnMut(&[u8])) {
        out(self.method);
        out(b"&");
        self.base.write(&mut out);
        out(b"&");
        for (i, e) in self.params.iter().enumerate() {
            if i > 0 {
                out(b"%26");
            }
            emit(rawurlencode(normalized(e.key)), &mut out);
            emit(rawurlencode(normalized(ArrayKey::Str(e.path))), &mut out);
            out(b"%3D");
            emit(rawurlencode(normalized(ArrayKey::Str(e.value))), &mut out);
        }
    }
}

/// `check_oauth_signature()`: the method (W12), then the signature under the unencoded key
/// (W11), compared in constant time with the `rawurldecode`d value sent. [`verify`] adds the
/// timestamp window; this is for callers that check time elsewhere.
///
/// # Errors
/// [`Error::InvalidSignatureMethod`], [`Error::SignatureMismatch`].
#[doc(alias = "check_oauth_signature")]
pub fn verify_signature(secrets: &Secrets<'_>, signed: &Signed<'_>) -> Result<(), Error> {
    let method = signed
        .signature_method
        .ok_or(Error::InvalidSignatureMethod)?;
    let computed = sign(secrets, method, signed);
    // `rawurldecode` turns at most three bytes into one, so a value longer than three times the
    // longest signature cannot decode to a match.
    let mut sent = [0u8; 3 * SIGNATURE_MAX];
    let mut n = 0;
    if signed.signature.len() <= sent.len() {
        for (slot, b) in sent.iter_mut().zip(rawurldecode(signed.signature)) {
            *slot = b;
            n += 1;
        }
    }
    let sent = sent.get(..n).unwrap_or_default();
    if !bool::from(computed.as_bytes().ct_eq(sent)) {
        return Err(Error::SignatureMismatch);
    }
    Ok(())
}

/// [`verify_signature`], then `check_oauth_timestamp_and_nonce()`'s timestamp part: the
/// ±`window` s window around `now` with PHP's loose comparison (W14; the plugin's window is
/// 900). Nonce bookkeeping stays with the caller: record [`Signed::nonce`] after this succeeds
/// and map a reuse to [`Error::NonceAlreadyUsed`].
///
/// # Errors
/// [`Error::InvalidSignatureMethod`], [`Error::SignatureMismatch`],
/// [`Error::InvalidTimestamp`].
pub fn verify(
    secrets: &Secrets<'_>,
    now: u64,
    signed: &Signed<'_>,
    window: u64,
) -> Result<(), Error> {
    verify_signature(secrets, signed)?;
    // `$timestamp < $now - $window || $timestamp > $now + $window`, PHP 8's loose comparison.
    let (now, window) = (i128::from(now), i128::from(window));
    let num = number::numeric_prefix(signed.timestamp);
    if number::compare_read(signed.timestamp, num, now - window).is_lt()
        || number::compare_read(signed.timestamp, num, now + window).is_gt()
    {
        return Err(Error::InvalidTimestamp);
    }
    Ok(())
}

/// The plugin's signature of a request: base64 of the HMAC under
/// `consumer_secret&token_secret` (unencoded, W11) over [`Signed::write_base_string`].
#[must_use]
pub fn sign(secrets: &Secrets<'_>, method: Method, signed: &Signed<'_>) -> Signature {
    signature(method, secrets, |out| signed.write_base_string(out))
}

/// The plugin's signature of a base string the caller already has (W11: the key is not
/// percent-encoded; PLAINTEXT does not exist there and is signed as HMAC-SHA1).
#[must_use]
pub fn sign_base_string(secrets: &Secrets<'_>, method: Method, base_string: &[u8]) -> Signature {
    signature(method, secrets, |out| out(base_string))
}

fn signature(
    method: Method,
    secrets: &Secrets<'_>,
    feed: impl FnOnce(&mut dyn FnMut(&[u8])),
) -> Signature {
    let (cs, ts) = (
        secrets.consumer_secret,
        secrets.token_secret.unwrap_or_default(),
    );
    // HMAC takes keys of any length: keying cannot fail.
    match method {
        Method::HmacSha256 => {
            let key = raw_key::<Sha256>(cs, ts);
            let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_slice())
                .unwrap_or_else(|_| <Hmac<Sha256> as KeyInit>::new(&Default::default()));
            feed(&mut |p| m.update(p));
            Signature::from_mac(&m.finalize().into_bytes())
        }
        Method::HmacSha1 | Method::Plaintext => {
            let key = raw_key::<Sha1>(cs, ts);
            let mut m = <Hmac<Sha1> as KeyInit>::new_from_slice(key.as_slice())
                .unwrap_or_else(|_| <Hmac<Sha1> as KeyInit>::new(&Default::default()));
            feed(&mut |p| m.update(p));
            Signature::from_mac(&m.finalize().into_bytes())
        }
    }
}

/// An HMAC key of any length as HMAC uses it: up to the block size as is, longer hashed
/// first (so `consumer_secret&token_secret` never has to be assembled in memory).
struct RawKey {
    buf: [u8; 64],
    len: usize,
}

impl RawKey {
    fn as_slice(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }
}

fn raw_key<D: sha2::Digest>(cs: &[u8], ts: &[u8]) -> RawKey {
    let mut k = RawKey {
        buf: [0u8; 64],
        len: 0,
    };
    if cs.len() + 1 + ts.len() <= 64 {
        for p in [cs, b"&", ts] {
            if let Some(dst) = k.buf.get_mut(k.len..k.len + p.len()) {
                dst.copy_from_slice(p);
            }
            k.len += p.len();
        }
    } else {
        let d = D::new()
            .chain_update(cs)
            .chain_update(b"&")
            .chain_update(ts)
            .finalize();
        k.len = d.len().min(64);
        if let Some(dst) = k.buf.get_mut(..k.len) {
            dst.copy_from_slice(d.get(..k.len).unwrap_or_default());
        }
    }
    k
}

/// The longest plugin signature: base64 of HMAC-SHA256.
const SIGNATURE_MAX: usize = 44;

#[cfg(test)]
mod tests {

    use super::*;

    /// What the plugin signs for a request, or `None` when it is not OAuth to it.
    fn signed_by_plugin(method: &[u8], url: &[u8], auth: &[u8]) -> Option<std::string::String> {
        let site = Site {
            home: b"http://example.com",
            is_ssl: false,
        };
        let req = Request {
            method,
            url,
            authorization: Some(auth),
            content_type: None,
            body: b"",
        };
        let (mut e, mut b) = ([Entry::EMPTY; 32], [0u8; 1024]);
        let signed = parse(&req, &site, false, &mut e, &mut b).ok()??;
        let mut out = std::vec::Vec::new();
        signed.write_base_string(|p| out.extend_from_slice(p));
        Some(std::string::String::from_utf8(out).unwrap())
    }

    #[test]
    fn the_plugin_s_reading_of_the_header_method_and_bytes() {
        const PARAMS: &str = r#"oauth_consumer_key="ck", oauth_nonce="%ED%A0%80", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1", oauth_signature="s""#;
        let header = |scheme: &str| std::format!("{scheme}{PARAMS}");
        // Only `OAuth ` exactly: any other spelling is no OAuth at all (anonymous), not an error.
        for other in ["oauth ", "OAUTH ", "OAuth\t", "\u{feff}OAuth "] {
            assert_eq!(
                signed_by_plugin(b"GET", b"http://example.com/x", header(other).as_bytes()),
                None,
                "{other:?}"
            );
        }
        let base = signed_by_plugin(
            b"get",
            b"http://example.com/x?q=%FF",
            header("OAuth ").as_bytes(),
        )
        .unwrap();
        // The method upper-cased; an encoded unpaired surrogate and a lone 0xFF signed byte for
        // byte (each encoded twice in the base string).
        assert!(
            base.starts_with("GET&http%3A%2F%2Fexample.com%2Fx&"),
            "{base}"
        );
        assert!(base.contains("oauth_nonce%3D%25ED%25A0%2580"), "{base}");
        assert!(base.contains("q%3D%25FF"), "{base}");
    }

    /// A signature sent percent-encoded twice (W8: decoded by the header reading, then again)
    /// verifies; fully escaped, an HMAC-SHA256 signature is 132 bytes after the first decoding.
    #[test]
    fn doubly_encoded_sha256_signature_verifies() {
        let site = Site {
            home: b"http://example.com",
            is_ssl: false,
        };
        let auth = |sig: &str| {
            std::format!(
                "OAuth oauth_consumer_key=\"k\", oauth_token=\"t\", oauth_signature_method=\"HMAC-SHA256\", oauth_timestamp=\"1700000000\", oauth_nonce=\"n\", oauth_signature=\"{sig}\""
            )
        };
        let ok = Secrets {
            consumer_secret: b"cs",
            token_secret: Some(b"ts"),
        };
        let other = Secrets {
            token_secret: Some(b"other"),
            ..ok
        };
        let req = |a: &str| {
            let (mut e, mut b) = ([Entry::EMPTY; 64], [0u8; 1024]);
            let r = Request {
                method: b"GET",
                url: b"http://example.com/a?b=1",
                authorization: Some(a.as_bytes()),
                ..Request::default()
            };
            let s = parse(&r, &site, true, &mut e, &mut b).unwrap().unwrap();
            (
                s.signature.len(),
                sign(&ok, Method::HmacSha256, &s),
                verify_signature(&ok, &s),
                verify_signature(&other, &s),
            )
        };
        let (_, sig, _, _) = req(&auth("x"));
        let escaped: std::string::String = sig
            .as_bytes()
            .iter()
            .map(|c| std::format!("%25{c:02X}"))
            .collect();
        let (len, _, good, bad) = req(&auth(&escaped));
        assert_eq!(len, 3 * SIGNATURE_MAX);
        assert_eq!(good, Ok(()));
        assert_eq!(bad, Err(Error::SignatureMismatch));
    }
}
