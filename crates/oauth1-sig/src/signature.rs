//! Collecting a request's parameters, the signature base string (streamed, never built),
//! signing keys, signing and server-side verification.

use core::cmp::Ordering;

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha1::{Digest, Sha1};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::encode::{Coding, Decoded, encode_to, is_unreserved};
use crate::header::{self, HeaderError};
use crate::replay::{NonceKey, ReplayCache};
use crate::url::{RequestUrl, check_form, form_pairs, is_form};
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
pub struct Key<'a> {
    secrets: Secrets<'a>,
    sha1: Hmac<Sha1>,
    sha256: Hmac<Sha256>,
}

impl core::fmt::Debug for Key<'_> {
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

impl<'a> Key<'a> {
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
/// signing key (up to 256 bytes here).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    buf: [u8; 256],
    len: usize,
}

impl Signature {
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
}

impl core::fmt::Debug for Signature {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Signature({})", self.as_str())
    }
}

/// Buffers small pieces of the base string on their way into the MAC.
struct Staged<'m, M: Mac> {
    mac: &'m mut M,
    buf: [u8; 128],
    len: usize,
}

impl<M: Mac> Staged<'_, M> {
    #[inline]
    fn push(&mut self, bytes: &[u8]) {
        if let Some(dst) = self.buf.get_mut(self.len..self.len + bytes.len()) {
            dst.copy_from_slice(bytes);
            self.len += bytes.len();
            return;
        }
        self.flush();
        if bytes.len() >= self.buf.len() {
            self.mac.update(bytes);
        } else if let Some(dst) = self.buf.get_mut(..bytes.len()) {
            dst.copy_from_slice(bytes);
            self.len = bytes.len();
        }
    }

    fn flush(&mut self) {
        self.mac
            .update(self.buf.get(..self.len).unwrap_or_default());
        self.len = 0;
    }
}

/// Whether a raw part needs no decoding and no encoding: its bytes appear as they are.
#[inline]
fn is_simple(raw: &[u8]) -> bool {
    raw.iter().all(|&b| is_unreserved(b))
}

/// The single percent-encoding of a decoded byte stream, byte by byte.
fn encoded_bytes(d: Decoded<'_>) -> impl Iterator<Item = u8> + '_ {
    d.flat_map(|b| {
        let (arr, n) = if is_unreserved(b) {
            ([b, 0, 0], 1)
        } else {
            ([b'%', hex_hi(b), hex_lo(b)], 3)
        };
        arr.into_iter().take(n)
    })
}

/// Orders two parameter parts by their encoded form.
fn cmp_encoded(a: Decoded<'_>, b: Decoded<'_>) -> Ordering {
    if is_simple(a.raw()) && is_simple(b.raw()) {
        a.raw().cmp(b.raw())
    } else {
        encoded_bytes(a).cmp(encoded_bytes(b))
    }
}

fn cmp_params(a: &Param<'_>, b: &Param<'_>) -> Ordering {
    cmp_encoded(a.name(), b.name()).then_with(|| cmp_encoded(a.value(), b.value()))
}

/// Streams `enc(enc(part))`: the part as it stands in the base string's parameter section.
fn double_encoded(d: Decoded<'_>, out: &mut impl FnMut(&[u8])) {
    let raw = d.raw();
    if is_simple(raw) {
        out(raw);
        return;
    }
    for b in d {
        if is_unreserved(b) {
            out(&[b]);
        } else {
            out(&[b'%', b'2', b'5', hex_hi(b), hex_lo(b)]);
        }
    }
}

/// A request's parameters, collected and sorted, with its URL: everything the signature
/// covers. `N` bounds the number of parameters (no allocation).
#[derive(Clone, Debug)]
pub struct Collected<'a, const N: usize> {
    method: &'a [u8],
    url: RequestUrl<'a>,
    params: [Param<'a>; N],
    len: usize,
    /// The received `oauth_signature`, if any.
    signature: Option<Param<'a>>,
    /// Which sources hold protocol parameters.
    protocol_sources: [bool; 3],
}

impl<'a, const N: usize> Collected<'a, N> {
    /// Collects (RFC 5849 §3.4.1.3.1) and sorts (§3.4.1.3.2) the parameters of a request plus
    /// the caller's `extra` ones, `oauth_signature` excluded.
    ///
    /// # Errors
    /// A malformed OAuth header, URL, query or form body, or more than `N` parameters.
    pub fn new(req: &Request<'a>, extra: &[Param<'a>]) -> Result<Self, Error> {
        let header = match req.authorization.map(header::parse) {
            None | Some(Err(HeaderError::UnsupportedScheme | HeaderError::EmptyHeader)) => None,
            Some(Err(e)) => return Err(Error::MalformedHeader(e)),
            Some(Ok(h)) => Some(h),
        };
        let url = RequestUrl::parse(req.url)?;
        if let Some(q) = url.query() {
            check_form(q)?;
        }
        let body = req.content_type.filter(|ct| is_form(ct)).map(|_| req.body);
        if let Some(b) = body {
            check_form(b)?;
        }
        let mut c = Self {
            method: req.method,
            url,
            params: [Param::EMPTY; N],
            len: 0,
            signature: None,
            protocol_sources: [false; 3],
        };
        let query = url
            .query()
            .into_iter()
            .flat_map(form_pairs)
            .map(|(n, v)| Param::new(n, v, Coding::Form, Source::Query));
        let body_params = body
            .into_iter()
            .flat_map(form_pairs)
            .map(|(n, v)| Param::new(n, v, Coding::Form, Source::Body));
        let header_params = header.iter().flat_map(|h| h.params());
        for p in query
            .chain(header_params)
            .chain(body_params)
            .chain(extra.iter().copied())
        {
            let slot = match p.source {
                Source::Query => 0,
                Source::Header => 1,
                Source::Body => 2,
                Source::Extra => 3,
            };
            if p.is_protocol()
                && let Some(seen) = c.protocol_sources.get_mut(slot)
            {
                *seen = true;
            }
            if p.name().eq_bytes(b"oauth_signature") {
                c.signature.get_or_insert(p);
                continue;
            }
            *c.params.get_mut(c.len).ok_or(Error::TooManyParams)? = p;
            c.len += 1;
        }
        c.params_mut().sort_unstable_by(cmp_params);
        Ok(c)
    }

    fn params_mut(&mut self) -> &mut [Param<'a>] {
        self.params.get_mut(..self.len).unwrap_or_default()
    }

    /// The sorted parameters (without `oauth_signature`).
    #[must_use]
    pub fn params(&self) -> &[Param<'a>] {
        self.params.get(..self.len).unwrap_or_default()
    }

    /// The received `oauth_signature` parameter.
    #[must_use]
    pub fn signature_param(&self) -> Option<&Param<'a>> {
        self.signature.as_ref()
    }

    /// The first parameter with this (decoded) name, `oauth_signature` excluded.
    #[must_use]
    pub fn get(&self, name: &[u8]) -> Option<&Param<'a>> {
        self.params().iter().find(|p| p.name().eq_bytes(name))
    }

    /// Streams the base string URI (not yet encoded for the base string).
    pub fn write_base_uri(&self, out: impl FnMut(&[u8])) {
        self.url.write_base_uri(out);
    }

    /// Streams the normalised parameter string `name=value&…` (each part encoded once).
    pub fn write_normalized(&self, mut out: impl FnMut(&[u8])) {
        for (i, p) in self.params().iter().enumerate() {
            if i > 0 {
                out(b"&");
            }
            encode_to_decoded(p.name(), &mut out);
            out(b"=");
            encode_to_decoded(p.value(), &mut out);
        }
    }

    /// Streams the signature base string (RFC 5849 §3.4.1.1).
    pub fn write_base_string(&self, mut out: impl FnMut(&[u8])) {
        for &b in self.method {
            let u = b.to_ascii_uppercase();
            if is_unreserved(u) {
                out(&[u]);
            } else {
                out(&[b'%', hex_hi(u), hex_lo(u)]);
            }
        }
        out(b"&");
        self.url.write_base_uri(|piece| encode_to(piece, &mut out));
        out(b"&");
        for (i, p) in self.params().iter().enumerate() {
            if i > 0 {
                out(b"%26");
            }
            double_encoded(p.name(), &mut out);
            out(b"%3D");
            double_encoded(p.value(), &mut out);
        }
    }

    /// The signature of this request under `key`, computed by streaming the base string into
    /// the keyed MAC.
    #[must_use]
    pub fn sign(&self, key: &Key<'_>, method: Method) -> Signature {
        sign_with(key, method, |out| self.write_base_string(out))
    }
}

/// Signs a base string the caller already has.
#[must_use]
pub fn sign_base_string(key: &Key<'_>, method: Method, base_string: &[u8]) -> Signature {
    sign_with(key, method, |out| out(base_string))
}

fn sign_with(
    key: &Key<'_>,
    method: Method,
    write: impl FnOnce(&mut dyn FnMut(&[u8])),
) -> Signature {
    fn mac<M: Mac + Clone>(keyed: &M, write: impl FnOnce(&mut dyn FnMut(&[u8]))) -> M {
        let mut m = keyed.clone();
        let mut staged = Staged {
            mac: &mut m,
            buf: [0u8; 128],
            len: 0,
        };
        write(&mut |p| staged.push(p));
        staged.flush();
        m
    }
    let mut out = Signature {
        buf: [0u8; 256],
        len: 0,
    };
    let b64 = |raw: &[u8], out: &mut Signature| {
        out.len = base64::engine::general_purpose::STANDARD
            .encode_slice(raw, &mut out.buf)
            .unwrap_or(0);
    };
    match method {
        Method::HmacSha1 => b64(&mac(&key.sha1, write).finalize().into_bytes(), &mut out),
        Method::HmacSha256 => b64(&mac(&key.sha256, write).finalize().into_bytes(), &mut out),
        Method::Plaintext => {
            let mut n = 0;
            key.secrets.write_key(|p| {
                if let Some(dst) = out.buf.get_mut(n..n + p.len()) {
                    dst.copy_from_slice(p);
                }
                n += p.len();
            });
            out.len = n.min(out.buf.len());
        }
    }
    out
}

fn encode_to_decoded(d: Decoded<'_>, out: &mut impl FnMut(&[u8])) {
    let raw = d.raw();
    if is_simple(raw) {
        out(raw);
        return;
    }
    for b in d {
        if is_unreserved(b) {
            out(&[b]);
        } else {
            out(&[b'%', hex_hi(b), hex_lo(b)]);
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
    Collected::<64>::new(req, extra)?.write_base_string(out);
    Ok(())
}

/// Client side: the signature of a request (its query, OAuth header and form body plus the
/// caller's `extra` parameters, typically the protocol parameters).
///
/// # Errors
/// As [`Collected::new`] with 64 parameters at most.
pub fn sign(
    req: &Request<'_>,
    extra: &[Param<'_>],
    key: &Key<'_>,
    method: Method,
) -> Result<Signature, Error> {
    Ok(Collected::<64>::new(req, extra)?.sign(key, method))
}

/// The server's rules beyond the signature itself.
#[derive(Clone, Copy)]
pub struct Policy<'r> {
    /// The current time; `None` skips the timestamp window.
    pub now: Option<u64>,
    /// How far `oauth_timestamp` may be from `now`, both directions, inclusive.
    pub timestamp_window: u64,
    /// Accepted signature methods.
    pub methods: &'r [Method],
    /// Whether `oauth_token` is required (resource requests; not temporary-credential ones).
    pub require_token: bool,
    /// Refuse PLAINTEXT unless the URL is `https` (RFC 5849 §3.4.4).
    pub plaintext_requires_https: bool,
    /// Where used nonces are recorded; `None` skips the replay check.
    pub replay: Option<&'r dyn ReplayCache>,
}

impl core::fmt::Debug for Policy<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Policy")
            .field("now", &self.now)
            .field("timestamp_window", &self.timestamp_window)
            .field("methods", &self.methods)
            .field("require_token", &self.require_token)
            .finish_non_exhaustive()
    }
}

impl Default for Policy<'_> {
    /// No clock, no replay store, all three methods, ±900 s window (the WordPress plugin's).
    fn default() -> Self {
        Self {
            now: None,
            timestamp_window: 900,
            methods: Method::ALL,
            require_token: false,
            plaintext_requires_https: true,
            replay: None,
        }
    }
}

/// A request whose protocol parameters passed every check before the signature (RFC 5849
/// §3.5 and the policy). Look up the secrets by [`Signed::consumer_key`] (and
/// [`Signed::token`]), then call [`Signed::verify`].
#[derive(Clone, Debug)]
pub struct Signed<'a, const N: usize = 64> {
    collected: Collected<'a, N>,
    method: Method,
    https: bool,
    timestamp: Option<u64>,
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

impl<'a, const N: usize> Signed<'a, N> {
    /// Collects the parameters and runs RFC 5849's checks in order: header syntax, URL and
    /// form decoding, protocol parameters in one location only and not repeated, required
    /// parameters, `oauth_version`, the signature method, the timestamp (and the window when
    /// the policy has a clock).
    ///
    /// # Errors
    /// The first failing check.
    pub fn parse(req: &Request<'a>, policy: &Policy<'_>) -> Result<Self, Error> {
        let collected = Collected::<N>::new(req, &[])?;
        if collected.protocol_sources.iter().filter(|&&s| s).count() > 1 {
            return Err(Error::OauthParamsInMultipleLocations);
        }
        let protocol = || {
            collected
                .params()
                .iter()
                .chain(collected.signature.iter())
                .filter(|p| p.is_protocol())
        };
        for (i, a) in protocol().enumerate() {
            if protocol()
                .take(i)
                .any(|b| b.source == a.source && b.name().eq(a.name()))
            {
                return Err(Error::DuplicateProtocolParam);
            }
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
        if !plaintext {
            if find(b"oauth_timestamp").is_none() {
                return Err(Error::MissingParam("oauth_timestamp"));
            }
            if find(b"oauth_nonce").is_none() {
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
        if let (Some(now), Some(ts)) = (policy.now, timestamp)
            && now.abs_diff(ts) > policy.timestamp_window
        {
            return Err(Error::TimestampOutOfWindow);
        }
        Ok(Self {
            collected,
            method,
            https,
            timestamp,
        })
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
    pub fn collected(&self) -> &Collected<'a, N> {
        &self.collected
    }

    /// Recomputes the signature and compares it in constant time with the received one, then
    /// records the nonce with the policy's replay cache (only after the signature verified, so
    /// forged requests cannot fill it).
    ///
    /// # Errors
    /// [`Error::InvalidSignature`], [`Error::NonceReused`], [`Error::ReplayCacheFull`].
    pub fn verify(&self, key: &Key<'_>, policy: &Policy<'_>) -> Result<Verified<'a>, Error> {
        let expected = self.collected.sign(key, self.method);
        let received = self
            .collected
            .signature
            .map(|p| p.value())
            .ok_or(Error::MissingParam("oauth_signature"))?;
        if !ct_eq_stream(received, expected.as_bytes()) {
            return Err(Error::InvalidSignature);
        }
        if let (Some(cache), Some(ts)) = (policy.replay, self.timestamp) {
            let nonce = self
                .collected
                .get(b"oauth_nonce")
                .map_or(Decoded::new(b"", Coding::Plain), Param::value);
            let token = self.token().unwrap_or(Decoded::new(b"", Coding::Plain));
            let key = NonceKey::new(self.consumer_key(), token, ts, nonce);
            cache.insert_if_absent(&key, policy.now.unwrap_or(ts), policy.timestamp_window)?;
        }
        Ok(Verified {
            consumer_key: self.consumer_key(),
            token: self.token(),
            method: self.method,
            timestamp: self.timestamp,
        })
    }
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
