//! Collecting a request's parameters, the signature base string (streamed, never built),
//! signing keys, signing and server-side verification.

use core::cmp::Ordering;

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha1::{Digest, Sha1};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::encode::{Coding, Decoded, Encoding, Out, Staged, encode_to, is_unreserved};
use crate::header::{self, HeaderError};
use crate::replay::ReplayKey;
use crate::url::{RequestUrl, is_form, scan_form};
use crate::{Error, Param, Source};

const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";

fn hex_hi(b: u8) -> u8 {
    UPPER_HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0')
}

fn hex_lo(b: u8) -> u8 {
    UPPER_HEX.get(usize::from(b & 15)).copied().unwrap_or(b'0')
}

/// A request as the server received it (or as a client is about to send it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Request<'a> {
    /// The HTTP method.
    pub method: &'a [u8],
    /// The absolute URL as sent (its authority is the `Host` header).
    pub url: &'a [u8],
    /// The `Authorization` header value, if any.
    pub authorization: Option<&'a [u8]>,
    /// The `Content-Type` header value, if any.
    pub content_type: Option<&'a [u8]>,
    /// The body (a parameter source only for `application/x-www-form-urlencoded`).
    pub body: &'a [u8],
}

impl Request<'_> {
    /// At least the number of parameters this request carries (the header's elements, the
    /// query's and a form body's pairs), counted in one pass: a parameter buffer this long
    /// never overflows, whatever the count ([`Collected::new`] takes the caller's `extra`
    /// ones on top).
    #[must_use]
    pub fn max_params(&self) -> usize {
        let count = |text: &[u8], sep: u8| 1 + text.iter().filter(|&&b| b == sep).count();
        let header = self.authorization.map_or(0, |h| count(h, b','));
        let query = self
            .url
            .iter()
            .position(|&b| b == b'?')
            .map_or(0, |q| count(self.url.get(q..).unwrap_or_default(), b'&'));
        let body = match self.content_type {
            Some(ct) if is_form(ct) => count(self.body, b'&'),
            _ => 0,
        };
        header + query + body
    }
}

/// A signature method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `HMAC-SHA1` (RFC 5849).
    HmacSha1,
    /// `HMAC-SHA256` (widely deployed; accepted by oauthlib and the WordPress plugin).
    HmacSha256,
    /// `PLAINTEXT`: the signature is the key itself; only over TLS.
    Plaintext,
}

impl Method {
    /// Every method this crate implements.
    pub const ALL: &'static [Method] = &[Self::HmacSha1, Self::HmacSha256, Self::Plaintext];

    /// The method named `name` (case-sensitive).
    #[must_use]
    pub fn from_name(name: &[u8]) -> Option<Self> {
        match name {
            b"HMAC-SHA1" => Some(Self::HmacSha1),
            b"HMAC-SHA256" => Some(Self::HmacSha256),
            b"PLAINTEXT" => Some(Self::Plaintext),
            _ => None,
        }
    }

    /// The protocol name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::HmacSha1 => "HMAC-SHA1",
            Self::HmacSha256 => "HMAC-SHA256",
            Self::Plaintext => "PLAINTEXT",
        }
    }
}

/// The shared secrets of a (consumer, token) pair.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Secrets<'a> {
    /// The consumer (client) secret.
    pub consumer_secret: &'a [u8],
    /// The token secret; `None` (no token) signs with an empty one.
    pub token_secret: Option<&'a [u8]>,
}

impl core::fmt::Debug for Secrets<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Secrets([redacted])")
    }
}

impl Secrets<'_> {
    /// Streams the signing key `enc(consumer_secret)&enc(token_secret)`.
    pub fn write_key(&self, mut out: impl FnMut(&[u8])) {
        encode_to(self.consumer_secret, &mut out);
        out(b"&");
        encode_to(self.token_secret.unwrap_or_default(), &mut out);
    }

    fn key_len(&self) -> usize {
        let mut n = 0;
        self.write_key(|p| n += p.len());
        n
    }
}

/// The signing key of a (consumer, token) pair, keyed once for both HMACs.
#[derive(Clone)]
pub struct SigningKey<'a> {
    secrets: Secrets<'a>,
    sha1: Hmac<Sha1>,
    sha256: Hmac<Sha256>,
}

impl core::fmt::Debug for SigningKey<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Key([redacted])")
    }
}

/// An HMAC keyed with a streamed key: a key longer than the block is replaced by its digest
/// first, as RFC 2104 does, so no buffer of the key's length is needed.
fn keyed<D>(secrets: &Secrets<'_>) -> Hmac<D>
where
    D: hmac::EagerHash + Digest,
    Hmac<D>: KeyInit,
{
    let mut buf = [0u8; 64];
    let len = secrets.key_len();
    let key: &[u8] = if len <= 64 {
        let mut n = 0;
        secrets.write_key(|p| {
            if let Some(dst) = buf.get_mut(n..n + p.len()) {
                dst.copy_from_slice(p);
            }
            n += p.len();
        });
        buf.get(..n).unwrap_or_default()
    } else {
        let mut d = D::new();
        secrets.write_key(|p| Digest::update(&mut d, p));
        let digest = d.finalize();
        let n = digest.len().min(64);
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), digest.get(..n)) {
            dst.copy_from_slice(src);
        }
        buf.get(..n).unwrap_or_default()
    };
    // HMAC takes keys of any length: this cannot fail.
    <Hmac<D> as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| <Hmac<D> as KeyInit>::new(&Default::default()))
}

impl<'a> SigningKey<'a> {
    /// Keys both HMACs for these secrets.
    #[must_use]
    pub fn new(secrets: Secrets<'a>) -> Self {
        Self {
            sha1: keyed::<Sha1>(&secrets),
            sha256: keyed::<Sha256>(&secrets),
            secrets,
        }
    }

    /// The secrets.
    #[must_use]
    pub fn secrets(&self) -> &Secrets<'a> {
        &self.secrets
    }
}

/// A signature value: base64 (28 characters for SHA-1, 44 for SHA-256) or, for PLAINTEXT, the
/// signing key (up to [`Signature::MAX_LEN`] bytes here; verification has no such limit).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    buf: [u8; Signature::MAX_LEN],
    len: usize,
}

impl Signature {
    /// The longest PLAINTEXT signature a `Signature` holds; signing a longer key is
    /// [`Error::SignatureTooLong`].
    pub const MAX_LEN: usize = 256;

    /// The signature text, before any transport encoding.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }

    /// The signature as a string.
    #[must_use]
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    /// The HMAC signature of a MAC value: its standard base64 (a MAC of up to 64 bytes; the
    /// rest of a longer one is not encoded).
    #[must_use]
    pub fn from_mac(mac: &[u8]) -> Self {
        let mut out = Self {
            buf: [0u8; Self::MAX_LEN],
            len: 0,
        };
        // 64 bytes make 88 characters: always within the buffer.
        out.len = base64::engine::general_purpose::STANDARD
            .encode_slice(mac.get(..64).unwrap_or(mac), &mut out.buf)
            .unwrap_or(0);
        out
    }
}

impl core::fmt::Debug for Signature {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Signature([redacted])")
    }
}

/// The single percent-encoding of a decoded byte stream, byte by byte.
pub(crate) fn encoded_bytes(d: Decoded<'_>) -> impl Iterator<Item = u8> + '_ {
    d.flat_map(|b| {
        let (arr, n) = if is_unreserved(b) {
            ([b, 0, 0], 1)
        } else {
            ([b'%', hex_hi(b), hex_lo(b)], 3)
        };
        arr.into_iter().take(n)
    })
}

/// Byte order of two slices, eight bytes at a time before falling back to `memcmp`: the
/// parts being compared are short, where a library call costs more than the comparison.
#[inline]
fn cmp_bytes(a: &[u8], b: &[u8]) -> Ordering {
    // The first eight bytes as a big-endian word, read straight from the slice (no copy
    // through memory, which would stall on store forwarding).
    let word = |s: &[u8]| match s.first_chunk::<8>() {
        Some(w) => u64::from_be_bytes(*w),
        None => {
            let w = s.iter().fold(0u64, |w, &b| (w << 8) | u64::from(b));
            // Left-align: shorter parts compare as if padded with zero bytes.
            w.checked_shl(8 * (8 - s.len() as u32)).unwrap_or(0)
        }
    };
    // Zero padding is safe: the bytes compared here are unreserved characters, never 0.
    match word(a).cmp(&word(b)) {
        Ordering::Equal if a.len() > 8 && b.len() > 8 => a.get(8..).cmp(&b.get(8..)),
        Ordering::Equal => a.len().cmp(&b.len()),
        other => other,
    }
}

/// Orders two parameter parts by their encoded form.
#[inline]
fn cmp_encoded(a: Decoded<'_>, a_simple: bool, b: Decoded<'_>, b_simple: bool) -> Ordering {
    if a_simple && b_simple {
        cmp_bytes(a.raw(), b.raw())
    } else {
        encoded_bytes(a).cmp(encoded_bytes(b))
    }
}

/// Orders two parameters by their encoded names (equal exactly when the decoded names are).
pub(crate) fn cmp_names(a: &Param<'_>, b: &Param<'_>) -> Ordering {
    a.sort_key()
        .cmp(&b.sort_key())
        .then_with(|| cmp_encoded(a.name(), a.name_simple(), b.name(), b.name_simple()))
}

fn cmp_params(a: &Param<'_>, b: &Param<'_>) -> Ordering {
    cmp_names(a, b)
        .then_with(|| cmp_encoded(a.value(), a.value_simple(), b.value(), b.value_simple()))
}

/// Sorts parameters (RFC 5849 §3.4.1.3.2). A request's parameters mostly arrive as a few
/// runs already in order (the header's protocol parameters, the query, the body, a client's
/// own list): those are merged in place by rotation, linear when the runs do not interleave.
/// Merging stops at a budget of element moves proportional to the count, and an ordinary
/// sort finishes the job, so the cost stays O(n log n) for any input.
pub(crate) fn sort_params(v: &mut [Param<'_>]) {
    let n = v.len();
    let run_end = |v: &[Param<'_>], from: usize| {
        v.get(from..)
            .unwrap_or_default()
            .windows(2)
            .position(|w| matches!(w, [a, b] if cmp_params(a, b).is_gt()))
            .map_or(n, |i| from + i + 1)
    };
    let mut end = run_end(v, 0);
    let mut budget = 4 * n;
    while end < n {
        let next = run_end(v, end);
        let merged = v
            .get_mut(..next)
            .is_some_and(|head| merge_runs(head, end, &mut budget));
        if !merged {
            v.sort_unstable_by(cmp_params);
            return;
        }
        end = next;
    }
}

/// Merges the sorted runs `v[..mid]` and `v[mid..]` in place: each block of the right run
/// that belongs before part of the left run is rotated into place. Returns false, leaving
/// `v` permuted but unsorted, once more than `budget` elements would have moved.
fn merge_runs(v: &mut [Param<'_>], mid: usize, budget: &mut usize) -> bool {
    let (mut a, mut m) = (0, mid);
    while a < m && m < v.len() {
        let (Some(left), Some(&first_right)) = (v.get(a..m), v.get(m)) else {
            break;
        };
        a += left.partition_point(|x| cmp_params(x, &first_right).is_le());
        let (Some(right), Some(&pivot)) = (v.get(m..), v.get(a)) else {
            break;
        };
        if a == m {
            break;
        }
        let k = right.partition_point(|y| cmp_params(y, &pivot).is_lt());
        let Some(span) = v.get_mut(a..m + k) else {
            break;
        };
        if span.len() > *budget {
            return false;
        }
        *budget -= span.len();
        span.rotate_left(m - a);
        a += k;
        m += k;
    }
    true
}

/// Streams `enc(part)`, or with `twice` `enc(enc(part))` (the part as it stands in the base
/// string's parameter section: the first encoding's `%` becomes `%25`).
#[inline]
fn encode_decoded(d: Decoded<'_>, simple: bool, twice: bool, out: &mut impl Out) {
    if simple {
        out.put(d.raw());
        return;
    }
    for b in d {
        if is_unreserved(b) {
            out.put(&[b]);
        } else if twice {
            out.put(&[b'%', b'2', b'5', hex_hi(b), hex_lo(b)]);
        } else {
            out.put(&[b'%', hex_hi(b), hex_lo(b)]);
        }
    }
}

/// A request's parameters, collected and sorted in the caller's buffer, with its URL:
/// everything the signature covers.
#[derive(Debug)]
pub struct Collected<'a, 'b> {
    method: &'a [u8],
    url: RequestUrl<'a>,
    params: &'b mut [Param<'a>],
    /// The received `oauth_signature`, if any.
    signature: Option<Param<'a>>,
    /// How many `oauth_signature` parameters were sent.
    signatures: usize,
    /// Which sources hold protocol parameters: query, header, body.
    protocol_sources: [bool; 3],
}

impl<'a, 'b> Collected<'a, 'b> {
    /// Collects (RFC 5849 §3.4.1.3.1) and sorts (§3.4.1.3.2) the parameters of a request plus
    /// the caller's `extra` ones into `buf`, `oauth_signature` set apart.
    ///
    /// # Errors
    /// A malformed OAuth header, URL, query or form body, or more parameters than `buf` holds
    /// ([`Error::TooManyParams`]).
    pub fn new(
        req: &Request<'a>,
        extra: &[Param<'a>],
        buf: &'b mut [Param<'a>],
    ) -> Result<Self, Error> {
        // Header parameters go straight into the caller's buffer.
        let mut sink = header::Collect::new(buf);
        let scanned = req.authorization.map(|h| header::scan(h, &mut sink));
        let header::Collect { buf, len, overflow } = sink;
        // On success the header's parameters are left sorted: one run for the final sort.
        match scanned.map(|r| header::finish(r, buf.get_mut(..len).unwrap_or_default(), overflow)) {
            None | Some(Ok(_) | Err(HeaderError::UnsupportedScheme | HeaderError::EmptyHeader)) => {
            }
            Some(Err(HeaderError::TooManyParams)) => return Err(Error::TooManyParams),
            Some(Err(e)) => return Err(Error::MalformedHeader(e)),
        }
        let url = RequestUrl::parse(req.url)?;
        let body = req.content_type.filter(|ct| is_form(ct)).map(|_| req.body);
        let mut n = len;
        for (text, source) in [(url.query(), Source::Query), (body, Source::Body)] {
            let Some(text) = text else { continue };
            scan_form(text, |name, value, ns, vs| {
                *buf.get_mut(n).ok_or(Error::TooManyParams)? =
                    Param::with_simplicity(name, value, Coding::Form, source, ns, vs);
                n += 1;
                Ok(())
            })?;
        }
        for p in extra {
            *buf.get_mut(n).ok_or(Error::TooManyParams)? = *p;
            n += 1;
        }
        // Protocol parameters' locations, and `oauth_signature` set apart.
        let mut protocol_sources = [false; 3];
        let mut signature = None;
        let mut signatures = 0;
        let mut kept = 0;
        for i in 0..n {
            let Some(&p) = buf.get(i) else { break };
            if p.is_protocol() {
                let slot = match p.source() {
                    Source::Query => 0,
                    Source::Header => 1,
                    Source::Body => 2,
                    Source::Extra => 3,
                };
                if let Some(seen) = protocol_sources.get_mut(slot) {
                    *seen = true;
                }
                if p.name_is(b"oauth_signature") {
                    signature.get_or_insert(p);
                    signatures += 1;
                    continue;
                }
            }
            if let Some(slot) = buf.get_mut(kept) {
                *slot = p;
            }
            kept += 1;
        }
        let params = buf.get_mut(..kept).unwrap_or_default();
        sort_params(params);
        Ok(Self {
            method: req.method,
            url,
            params,
            signature,
            signatures,
            protocol_sources,
        })
    }

    /// The sorted parameters (without `oauth_signature`).
    #[must_use]
    pub fn params(&self) -> &[Param<'a>] {
        self.params
    }

    /// The received `oauth_signature` parameter.
    #[must_use]
    pub fn signature_param(&self) -> Option<&Param<'a>> {
        self.signature.as_ref()
    }

    /// The first parameter with this (decoded) name, `oauth_signature` excluded.
    #[must_use]
    pub fn get(&self, name: &[u8]) -> Option<&Param<'a>> {
        self.params.iter().find(|p| p.name_is(name))
    }

    /// Streams the base string URI (not yet encoded for the base string).
    pub fn write_base_uri(&self, out: impl FnMut(&[u8])) {
        self.url.write_base_uri(out);
    }

    /// Streams the normalised parameter string `name=value&…` (each part encoded once).
    pub fn write_normalized(&self, mut out: impl FnMut(&[u8])) {
        for (i, p) in self.params.iter().enumerate() {
            if i > 0 {
                out(b"&");
            }
            encode_decoded(p.name(), p.name_simple(), false, &mut out);
            out(b"=");
            encode_decoded(p.value(), p.value_simple(), false, &mut out);
        }
    }

    /// Streams the signature base string (RFC 5849 §3.4.1.1).
    pub fn write_base_string(&self, mut out: impl FnMut(&[u8])) {
        self.write_base_string_into(&mut out);
    }

    /// [`Collected::write_base_string`] into any sink.
    fn write_base_string_into(&self, out: &mut impl Out) {
        if self.method.iter().all(u8::is_ascii_uppercase) {
            out.put(self.method);
        } else {
            for &b in self.method {
                let u = b.to_ascii_uppercase();
                if is_unreserved(u) {
                    out.put(&[u]);
                } else {
                    out.put(&[b'%', hex_hi(u), hex_lo(u)]);
                }
            }
        }
        out.put(b"&");
        self.url.write_base_uri_into(&mut Encoding(out));
        out.put(b"&");
        for (i, p) in self.params.iter().enumerate() {
            if i > 0 {
                out.put(b"%26");
            }
            encode_decoded(p.name(), p.name_simple(), true, out);
            out.put(b"%3D");
            encode_decoded(p.value(), p.value_simple(), true, out);
        }
    }

    /// The signature of this request under `key`, computed by streaming the base string into
    /// the keyed MAC.
    ///
    /// # Errors
    /// [`Error::SignatureTooLong`]: a PLAINTEXT signature (the signing key itself) longer
    /// than [`Signature::MAX_LEN`]; [`Secrets::write_key`] streams it whole.
    pub fn sign(&self, key: &SigningKey<'_>, method: Method) -> Result<Signature, Error> {
        sign_with(key, method, self)
    }
}

/// Signs a base string the caller already has.
///
/// # Errors
/// As [`Collected::sign`].
pub fn sign_base_string(
    key: &SigningKey<'_>,
    method: Method,
    base_string: &[u8],
) -> Result<Signature, Error> {
    sign_with(key, method, &Raw(base_string))
}

/// Something that streams a base string (statically dispatched, so the pieces' copies inline).
trait BaseString {
    fn write(&self, out: &mut impl Out);
}

struct Raw<'s>(&'s [u8]);

impl BaseString for Raw<'_> {
    fn write(&self, out: &mut impl Out) {
        out.put(self.0);
    }
}

impl BaseString for Collected<'_, '_> {
    fn write(&self, out: &mut impl Out) {
        self.write_base_string_into(out);
    }
}

fn mac<M: Mac + Clone>(keyed: &M, b: &impl BaseString) -> M {
    let mut m = keyed.clone();
    let mut staged = Staged::<_, 128>::new(|p: &[u8]| m.update(p));
    b.write(&mut staged);
    staged.flush();
    m
}

fn sign_with(
    key: &SigningKey<'_>,
    method: Method,
    b: &impl BaseString,
) -> Result<Signature, Error> {
    match method {
        Method::HmacSha1 => Ok(Signature::from_mac(
            &mac(&key.sha1, b).finalize().into_bytes(),
        )),
        Method::HmacSha256 => Ok(Signature::from_mac(
            &mac(&key.sha256, b).finalize().into_bytes(),
        )),
        Method::Plaintext => {
            let mut out = Signature {
                buf: [0u8; Signature::MAX_LEN],
                len: 0,
            };
            let dst = out
                .buf
                .get_mut(..key.secrets.key_len())
                .ok_or(Error::SignatureTooLong)?;
            let mut n = 0;
            key.secrets.write_key(|p| {
                if let Some(d) = dst.get_mut(n..n + p.len()) {
                    d.copy_from_slice(p);
                }
                n += p.len();
            });
            out.len = n;
            Ok(out)
        }
    }
}

/// Streams the signature base string of a request (for debugging or logging; verification
/// never builds it).
///
/// # Errors
/// As [`Collected::new`] with 64 parameters at most.
pub fn base_string(
    req: &Request<'_>,
    extra: &[Param<'_>],
    out: impl FnMut(&[u8]),
) -> Result<(), Error> {
    let mut buf = [Param::EMPTY; 64];
    Collected::new(req, extra, &mut buf)?.write_base_string(out);
    Ok(())
}

/// Client side: the signature of a request (its query, OAuth header and form body plus the
/// caller's `extra` parameters, typically the protocol parameters).
///
/// # Errors
/// As [`Collected::new`] with 64 parameters at most, and as [`Collected::sign`].
pub fn sign(
    key: &SigningKey<'_>,
    method: Method,
    req: &Request<'_>,
    extra: &[Param<'_>],
) -> Result<Signature, Error> {
    let mut buf = [Param::EMPTY; 64];
    Collected::new(req, extra, &mut buf)?.sign(key, method)
}

/// The server's rules beyond the signature itself (the time is an argument of [`verify`]).
#[derive(Clone, Copy, Debug)]
pub struct Policy<'r> {
    /// How far `oauth_timestamp` may be from `now`, both directions, inclusive; `None` skips
    /// the window.
    pub timestamp_window: Option<u64>,
    /// Accepted signature methods.
    pub methods: &'r [Method],
    /// Whether `oauth_token` is required (resource requests; not temporary-credential ones).
    pub require_token: bool,
    /// Refuse PLAINTEXT unless the URL is `https` (RFC 5849 §3.4.4).
    pub plaintext_requires_https: bool,
}

impl Default for Policy<'_> {
    /// All three methods, ±900 s window (the WordPress plugin's).
    fn default() -> Self {
        Self {
            timestamp_window: Some(900),
            methods: Method::ALL,
            require_token: false,
            plaintext_requires_https: true,
        }
    }
}

/// A request whose protocol parameters passed every check before the signature (RFC 5849
/// §3.5 and the policy). Look up the secrets by [`Signed::consumer_key`] (and
/// [`Signed::token`]), then call [`verify`].
#[derive(Debug)]
pub struct Signed<'a, 'b> {
    collected: Collected<'a, 'b>,
    method: Method,
    https: bool,
    timestamp: Option<u64>,
    /// `oauth_nonce` (empty when none was sent), found once by the required-parameter check.
    nonce: Decoded<'a>,
}

/// What a verified request authenticated.
#[derive(Clone, Debug)]
pub struct Verified<'a> {
    /// The consumer key.
    pub consumer_key: Decoded<'a>,
    /// The token, if the request carried one.
    pub token: Option<Decoded<'a>>,
    /// The signature method.
    pub method: Method,
    /// The timestamp, if any.
    pub timestamp: Option<u64>,
    /// The nonce (empty when none was sent).
    pub nonce: Decoded<'a>,
}

impl Verified<'_> {
    /// The key to record the nonce under — a digest of (consumer, token, timestamp, nonce) —
    /// when the request has a timestamp: the caller records it in its replay store, atomically
    /// and only if absent ([`crate::replay::ReplayCache`]), and refuses the request when it was
    /// there. Computed on request (one SHA-256), so a caller without a replay store pays
    /// nothing.
    #[must_use]
    pub fn replay_key(&self) -> Option<ReplayKey> {
        let plain = Decoded::new(b"", Coding::Plain);
        self.timestamp.map(|ts| {
            ReplayKey::new(
                self.consumer_key.clone(),
                self.token.clone().unwrap_or(plain),
                ts,
                self.nonce.clone(),
            )
        })
    }
}

/// The protocol parameters RFC 5849 and its extensions define, by name.
const PROTOCOL_NAMES: &[&str] = &[
    "oauth_body_hash",
    "oauth_callback",
    "oauth_consumer_key",
    "oauth_nonce",
    "oauth_signature",
    "oauth_signature_method",
    "oauth_timestamp",
    "oauth_token",
    "oauth_verifier",
    "oauth_version",
];

/// A protocol parameter's name as a `'static` string for an error: one of
/// [`PROTOCOL_NAMES`], or `oauth_*` for any other.
fn protocol_name(p: &Param<'_>) -> &'static str {
    PROTOCOL_NAMES
        .iter()
        .find(|n| p.name_is(n.as_bytes()))
        .copied()
        .unwrap_or("oauth_*")
}

/// A positive decimal of ASCII digits (leading zeros allowed); values beyond `u64` saturate.
fn parse_timestamp(d: Decoded<'_>) -> Result<u64, Error> {
    let mut v: u64 = 0;
    let mut any = false;
    for b in d {
        if !b.is_ascii_digit() {
            return Err(Error::InvalidTimestamp);
        }
        any = true;
        v = v.saturating_mul(10).saturating_add(u64::from(b - b'0'));
    }
    if !any || v == 0 {
        return Err(Error::InvalidTimestamp);
    }
    Ok(v)
}

impl<'a, 'b> Signed<'a, 'b> {
    /// Collects the parameters and runs RFC 5849's checks in order: header syntax, URL and
    /// form decoding, protocol parameters in one location only and not repeated, required
    /// parameters, `oauth_version`, the signature method, the timestamp's syntax (its window
    /// is checked by [`verify`], which has the time).
    ///
    /// # Errors
    /// The first failing check.
    pub fn parse(
        req: &Request<'a>,
        policy: &Policy<'_>,
        buf: &'b mut [Param<'a>],
    ) -> Result<Self, Error> {
        let collected = Collected::new(req, &[], buf)?;
        if collected.protocol_sources.iter().filter(|&&s| s).count() > 1 {
            return Err(Error::OauthParamsInMultipleLocations);
        }
        // Sorted by name, repeats of a protocol parameter are neighbours (and, being in one
        // location, from the same source); the first repeated name in that order is named.
        let repeated = collected.params().windows(2).find_map(|w| match w {
            [a, b] if a.is_protocol() && a.source() == b.source() && cmp_names(a, b).is_eq() => {
                Some(a)
            }
            _ => None,
        });
        let signature_repeated = collected.signatures > 1;
        match (repeated, signature_repeated) {
            (Some(p), true) if p.name().cmp(b"oauth_signature".iter().copied()).is_lt() => {
                return Err(Error::DuplicateProtocolParam(protocol_name(p)));
            }
            (_, true) => return Err(Error::DuplicateProtocolParam("oauth_signature")),
            (Some(p), false) => return Err(Error::DuplicateProtocolParam(protocol_name(p))),
            (None, false) => {}
        }
        let find = |name: &[u8]| collected.get(name);
        if find(b"oauth_consumer_key").is_none() {
            return Err(Error::MissingParam("oauth_consumer_key"));
        }
        let method_param =
            find(b"oauth_signature_method").ok_or(Error::MissingParam("oauth_signature_method"))?;
        if collected.signature.is_none() {
            return Err(Error::MissingParam("oauth_signature"));
        }
        let plaintext = method_param.value().eq_bytes(b"PLAINTEXT");
        let nonce = find(b"oauth_nonce").map(Param::value);
        if !plaintext {
            if find(b"oauth_timestamp").is_none() {
                return Err(Error::MissingParam("oauth_timestamp"));
            }
            if nonce.is_none() {
                return Err(Error::MissingParam("oauth_nonce"));
            }
        }
        if policy.require_token && find(b"oauth_token").is_none() {
            return Err(Error::MissingParam("oauth_token"));
        }
        if let Some(v) = find(b"oauth_version")
            && !v.value().eq_bytes(b"1.0")
        {
            return Err(Error::UnsupportedVersion);
        }
        let mut name = [0u8; 16];
        let n = method_param
            .value()
            .write_to(&mut name)
            .map_err(|_| Error::UnsupportedSignatureMethod)?;
        let method = Method::from_name(name.get(..n).unwrap_or_default())
            .filter(|m| policy.methods.contains(m))
            .ok_or(Error::UnsupportedSignatureMethod)?;
        let https = req
            .url
            .get(..6)
            .is_some_and(|s| s.eq_ignore_ascii_case(b"https:"));
        if method == Method::Plaintext && policy.plaintext_requires_https && !https {
            return Err(Error::UnsupportedSignatureMethod);
        }
        let timestamp = match find(b"oauth_timestamp") {
            Some(t) => Some(parse_timestamp(t.value())?),
            None => None,
        };
        Ok(Self {
            nonce: nonce.unwrap_or(Decoded::new(b"", Coding::Plain)),
            collected,
            method,
            https,
            timestamp,
        })
    }

    /// [`Signed::parse`] into a vector sized for the request ([`Request::max_params`]): no
    /// limit on the number of parameters but the request's size.
    ///
    /// # Errors
    /// As [`Signed::parse`], but never [`Error::TooManyParams`].
    #[cfg(feature = "alloc")]
    pub fn parse_in(
        req: &Request<'a>,
        policy: &Policy<'_>,
        buf: &'b mut alloc::vec::Vec<Param<'a>>,
    ) -> Result<Self, Error> {
        buf.clear();
        buf.resize(req.max_params(), Param::EMPTY);
        Self::parse(req, policy, buf)
    }

    /// The consumer key (to look up its secret).
    #[must_use]
    pub fn consumer_key(&self) -> Decoded<'a> {
        self.collected
            .get(b"oauth_consumer_key")
            .map_or(Decoded::new(b"", Coding::Plain), Param::value)
    }

    /// The token, if any (to look up its secret).
    #[must_use]
    pub fn token(&self) -> Option<Decoded<'a>> {
        self.collected.get(b"oauth_token").map(Param::value)
    }

    /// The signature method.
    #[must_use]
    pub fn method(&self) -> Method {
        self.method
    }

    /// Whether the request URL is `https`.
    #[must_use]
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// The collected, sorted parameters and URL.
    #[must_use]
    pub fn collected(&self) -> &Collected<'a, 'b> {
        &self.collected
    }
}

/// Server side, once the caller looked the secrets up: the timestamp window at `now` (the
/// policy's), then the signature recomputed and compared in constant time with the received
/// one. The replay check is the caller's, after this succeeds, with [`Verified::replay_key`]
/// (so forged requests cannot fill the store).
///
/// # Errors
/// [`Error::TimestampOutOfWindow`], [`Error::InvalidSignature`], and as [`Collected::sign`].
pub fn verify<'a>(
    key: &SigningKey<'_>,
    now: u64,
    signed: &Signed<'a, '_>,
    policy: &Policy<'_>,
) -> Result<Verified<'a>, Error> {
    if let (Some(window), Some(ts)) = (policy.timestamp_window, signed.timestamp)
        && now.abs_diff(ts) > window
    {
        return Err(Error::TimestampOutOfWindow);
    }
    let received = signed
        .collected
        .signature
        .map(|p| p.value())
        .ok_or(Error::MissingParam("oauth_signature"))?;
    let matches = match signed.method {
        // The signature is the key itself, of any length: compared as it streams, never
        // through a fixed-size buffer.
        Method::Plaintext => ct_eq_key(received, &key.secrets),
        method => ct_eq_stream(received, signed.collected.sign(key, method)?.as_bytes()),
    };
    if !matches {
        return Err(Error::InvalidSignature);
    }
    Ok(Verified {
        consumer_key: signed.consumer_key(),
        token: signed.token(),
        method: signed.method,
        timestamp: signed.timestamp,
        nonce: signed.nonce.clone(),
    })
}

/// Constant-time equality of a decoded stream with the signing key `enc(cs)&enc(ts)`, streamed
/// piece by piece: lengths are public, the bytes are XOR-folded without an early exit.
fn ct_eq_key(received: Decoded<'_>, secrets: &Secrets<'_>) -> bool {
    if received.clone().count() != secrets.key_len() {
        return false;
    }
    let mut received = received;
    let mut diff = 0u8;
    secrets.write_key(|p| {
        for (&b, a) in p.iter().zip(received.by_ref()) {
            diff |= a ^ b;
        }
    });
    diff.ct_eq(&0).into()
}

/// Constant-time equality of a decoded stream with `expected`: lengths are public; the bytes
/// are XOR-folded without an early exit, then one `subtle` comparison decides.
fn ct_eq_stream(received: Decoded<'_>, expected: &[u8]) -> bool {
    if received.clone().count() != expected.len() {
        return false;
    }
    let diff = received
        .zip(expected)
        .fold(0u8, |acc, (a, &b)| acc | (a ^ b));
    diff.ct_eq(&0).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::format;
    use std::vec::Vec;

    /// Names and values from a small alphabet (ties, shared prefixes, escapes), arranged as
    /// sorted runs, reversed runs, interleaved runs or noise.
    fn cases() -> Vec<Vec<(Vec<u8>, Vec<u8>)>> {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut rnd = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let alphabet: &[&[u8]] = &[
            b"a", b"b", b"a b", b"oauth_x", b"z", b"ab", b"a%", b"", b"~",
        ];
        let mut out = Vec::new();
        for _ in 0..400 {
            let n = rnd(40) as usize;
            let mut v: Vec<(Vec<u8>, Vec<u8>)> = (0..n)
                .map(|_| {
                    let pick = |r: u64| alphabet[r as usize].to_vec();
                    (pick(rnd(9)), pick(rnd(9)))
                })
                .collect();
            match rnd(4) {
                0 => {}
                1 => {
                    let cut = rnd(n as u64 + 1) as usize;
                    v[..cut].sort();
                    v[cut..].sort();
                }
                2 => {
                    for chunk in v.chunks_mut(1 + rnd(8) as usize) {
                        chunk.sort();
                    }
                }
                _ => {
                    v.sort();
                    v.reverse();
                }
            }
            out.push(v);
        }
        // Two long interleaved runs: the merge's budget runs out and the sort finishes.
        let odd: Vec<_> = (0..500)
            .map(|i| (format!("k{:04}", 2 * i + 1).into_bytes(), Vec::new()))
            .collect();
        let even: Vec<_> = (0..500)
            .map(|i| (format!("k{:04}", 2 * i).into_bytes(), Vec::new()))
            .collect();
        out.push(odd.into_iter().chain(even).collect());
        out
    }

    #[test]
    fn a_repeated_protocol_parameter_is_named() {
        let parse = |query: &str| {
            let url = format!("https://example.com/?oauth_consumer_key=ck&{query}");
            let req = Request {
                method: b"GET",
                url: url.as_bytes(),
                ..Request::default()
            };
            Signed::parse(&req, &Policy::default(), &mut [Param::EMPTY; 16]).map(|_| ())
        };
        for (query, name) in [
            ("oauth_nonce=a&oauth_nonce=b", "oauth_nonce"),
            ("oauth_signature=a&oauth_signature=b", "oauth_signature"),
            (
                "oauth_version=1.0&oauth_signature=a&oauth_signature=b&oauth_version=1.0",
                "oauth_signature",
            ),
            (
                "oauth_token=a&oauth_signature=s&oauth_signature=t&oauth_token=a",
                "oauth_signature",
            ),
            (
                "oauth_nonce=a&oauth_signature=s&oauth_signature=t&oauth_nonce=a",
                "oauth_nonce",
            ),
            ("oauth_x=1&oauth_x=2", "oauth_*"),
        ] {
            assert_eq!(
                parse(query),
                Err(Error::DuplicateProtocolParam(name)),
                "{query}"
            );
        }
    }

    #[test]
    fn run_merging_sorts_like_a_sort() {
        for case in cases() {
            let params: Vec<Param<'_>> = case.iter().map(|(n, v)| Param::extra(n, v)).collect();
            let mut ours = params.clone();
            sort_params(&mut ours);
            let mut theirs = params.clone();
            theirs.sort_unstable_by(cmp_params);
            let text = |ps: &[Param<'_>]| -> Vec<(Vec<u8>, Vec<u8>)> {
                ps.iter()
                    .map(|p| (p.name().collect(), p.value().collect()))
                    .collect()
            };
            assert_eq!(text(&ours), text(&theirs), "{case:?}");
        }
    }
}
