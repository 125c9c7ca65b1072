#![no_std]
#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(test)]
extern crate std;

pub mod encode;
pub mod header;
pub mod replay;
mod signature;
pub mod url;

use core::fmt;

pub use encode::{Coding, Decoded, Encoded};
pub use header::HeaderError;
pub use signature::{
    Collected, Method, Policy, Request, Secrets, Signature, Signed, SigningKey, Verified,
    base_string, sign, sign_base_string, verify,
};

/// What went wrong. The kinds are the vector files' error names.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Error {
    /// The Authorization header has the OAuth scheme but is not valid.
    MalformedHeader(HeaderError),
    /// Not an absolute URL, a bad host or path.
    InvalidUrl,
    /// A scheme other than `http` / `https`.
    UnsupportedUrlScheme,
    /// A port that is not 1–65535.
    InvalidPort,
    /// `%` not followed by two hex digits.
    BadPercentEncoding,
    /// A character not allowed where it was found.
    InvalidCharacter,
    /// Decoded text that is not UTF-8.
    InvalidUtf8,
    /// Protocol parameters in more than one of header, query and body.
    OauthParamsInMultipleLocations,
    /// The same `oauth_*` parameter twice in one location (named: one of the parameters RFC
    /// 5849 and its extensions define, else `oauth_*`).
    DuplicateProtocolParam(&'static str),
    /// A required protocol parameter is missing (named).
    MissingParam(&'static str),
    /// `oauth_version` present and not `1.0`.
    UnsupportedVersion,
    /// A signature method the policy does not allow (or an unknown one).
    UnsupportedSignatureMethod,
    /// `oauth_timestamp` is not a positive decimal.
    InvalidTimestamp,
    /// `oauth_timestamp` is outside the policy's window around `now`.
    TimestampOutOfWindow,
    /// The signature does not match.
    InvalidSignature,
    /// The (consumer, token, timestamp, nonce) tuple was seen before.
    NonceReused,
    /// The replay cache is full of unexpired entries: the request is refused (fail closed).
    ReplayCacheFull,
    /// More parameters than the caller's buffer holds.
    TooManyParams,
    /// A caller buffer is too small.
    BufferTooSmall,
    /// Signing: a PLAINTEXT signature (the signing key) longer than [`Signature::MAX_LEN`].
    SignatureTooLong,
}

impl Error {
    /// The error code as the vector files name it.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::MalformedHeader(_) => "malformed_header",
            Self::InvalidUrl => "invalid_url",
            Self::UnsupportedUrlScheme => "unsupported_url_scheme",
            Self::InvalidPort => "invalid_port",
            Self::BadPercentEncoding => "bad_percent_encoding",
            Self::InvalidCharacter => "invalid_character",
            Self::InvalidUtf8 => "invalid_utf8",
            Self::OauthParamsInMultipleLocations => "oauth_params_in_multiple_locations",
            Self::DuplicateProtocolParam(_) => "duplicate_protocol_param",
            Self::MissingParam(_) => "missing_param",
            Self::UnsupportedVersion => "unsupported_version",
            Self::UnsupportedSignatureMethod => "unsupported_signature_method",
            Self::InvalidTimestamp => "invalid_timestamp",
            Self::TimestampOutOfWindow => "timestamp_out_of_window",
            Self::InvalidSignature => "invalid_signature",
            Self::NonceReused => "nonce_reused",
            Self::ReplayCacheFull => "replay_cache_full",
            Self::TooManyParams => "too_many_params",
            Self::BufferTooSmall => "buffer_too_small",
            Self::SignatureTooLong => "signature_too_long",
        }
    }

    /// The HTTP status RFC 5849 §3.2 suggests: 400 for a bad request, 401 for bad
    /// credentials, signature or nonce.
    #[must_use]
    pub const fn status(self) -> u16 {
        match self {
            Self::InvalidSignature
            | Self::NonceReused
            | Self::TimestampOutOfWindow
            | Self::InvalidTimestamp
            | Self::ReplayCacheFull => 401,
            _ => 400,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MalformedHeader(h) => write!(f, "malformed oauth authorization header: {h}"),
            Self::MissingParam(p) => write!(f, "missing oauth parameter {p}"),
            Self::DuplicateProtocolParam(p) => write!(f, "oauth parameter {p} repeated"),
            other => f.write_str(match other {
                Self::InvalidUrl => "the request url is not a valid absolute url",
                Self::UnsupportedUrlScheme => "the request url's scheme is not http or https",
                Self::InvalidPort => "the request url's port is not 1-65535",
                Self::BadPercentEncoding => "a percent sign not followed by two hex digits",
                Self::InvalidCharacter => "a character not allowed where it was found",
                Self::InvalidUtf8 => "decoded text that is not utf-8",
                Self::OauthParamsInMultipleLocations => {
                    "oauth protocol parameters in more than one location"
                }
                Self::UnsupportedVersion => "oauth_version is not 1.0",
                Self::UnsupportedSignatureMethod => "the signature method is not accepted",
                Self::InvalidTimestamp => "oauth_timestamp is not a positive decimal",
                Self::TimestampOutOfWindow => "oauth_timestamp is outside the accepted window",
                Self::InvalidSignature => "the oauth signature does not match",
                Self::NonceReused => "the oauth nonce was used before",
                Self::ReplayCacheFull => "the replay cache is full",
                Self::TooManyParams => "more parameters than the buffer holds",
                Self::BufferTooSmall => "the buffer is too small for the value",
                Self::SignatureTooLong => "a plaintext signature longer than 256 bytes",
                _ => "oauth request error",
            }),
        }
    }
}

impl core::error::Error for Error {}

impl From<HeaderError> for Error {
    fn from(e: HeaderError) -> Self {
        Self::MalformedHeader(e)
    }
}

/// Where a parameter was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    /// The URL query.
    Query,
    /// The `Authorization: OAuth` header.
    Header,
    /// A form body.
    Body,
    /// Given by the caller (client-side signing).
    Extra,
}

/// One request parameter, borrowed raw from where it was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Param<'a> {
    name: &'a [u8],
    value: &'a [u8],
    coding: Coding,
    source: Source,
    flags: u8,
    /// The first eight bytes of the encoded name, big-endian, zero-padded: sorting compares
    /// these first (encoded bytes are never zero, so the padding orders a shorter name first).
    sort_key: u64,
}

/// The name is all unreserved: its raw, decoded and encoded forms are the same bytes.
const NAME_SIMPLE: u8 = 1;
/// The value is all unreserved.
const VALUE_SIMPLE: u8 = 2;
/// The name starts with `oauth_`.
const PROTOCOL: u8 = 4;

/// Up to the first eight bytes as a big-endian word, zero-padded on the right.
fn left_aligned(bytes: impl Iterator<Item = u8>) -> u64 {
    let (w, n) = bytes
        .take(8)
        .fold((0u64, 0u32), |(w, n), b| ((w << 8) | u64::from(b), n + 1));
    w.checked_shl(8 * (8 - n)).unwrap_or(0)
}

/// The sort key of a name that is all unreserved (its raw bytes are its encoded form).
#[inline]
pub(crate) fn plain_key(name: &[u8]) -> u64 {
    match name.first_chunk::<8>() {
        Some(w) => u64::from_be_bytes(*w),
        None => left_aligned(name.iter().copied()),
    }
}

impl<'a> Param<'a> {
    /// An empty placeholder, for initialising parameter buffers.
    pub const EMPTY: Param<'static> = Param {
        name: b"",
        value: b"",
        coding: Coding::Plain,
        source: Source::Extra,
        flags: NAME_SIMPLE | VALUE_SIMPLE,
        sort_key: 0,
    };

    pub(crate) fn new(name: &'a [u8], value: &'a [u8], coding: Coding, source: Source) -> Self {
        let simple = |raw: &[u8]| raw.iter().all(|&b| encode::is_unreserved(b));
        Self::with_simplicity(name, value, coding, source, simple(name), simple(value))
    }

    /// As [`Param::new`], with the caller's knowledge of which parts are all unreserved.
    pub(crate) fn with_simplicity(
        name: &'a [u8],
        value: &'a [u8],
        coding: Coding,
        source: Source,
        name_simple: bool,
        value_simple: bool,
    ) -> Self {
        let mut flags = 0;
        let sort_key = if name_simple {
            flags |= NAME_SIMPLE;
            if name.starts_with(b"oauth_") {
                flags |= PROTOCOL;
            }
            plain_key(name)
        } else {
            let mut d = Decoded::new(name, coding);
            if b"oauth_".iter().all(|&c| d.next() == Some(c)) {
                flags |= PROTOCOL;
            }
            left_aligned(signature::encoded_bytes(Decoded::new(name, coding)))
        };
        if value_simple {
            flags |= VALUE_SIMPLE;
        }
        Self {
            sort_key,
            name,
            value,
            coding,
            source,
            flags,
        }
    }

    /// A caller-supplied parameter (already decoded), as a client adds the protocol
    /// parameters.
    #[must_use]
    pub fn extra(name: &'a [u8], value: &'a [u8]) -> Self {
        Self::new(name, value, Coding::Plain, Source::Extra)
    }

    /// The decoded name.
    #[must_use]
    pub fn name(&self) -> Decoded<'a> {
        Decoded::new(self.name, self.coding)
    }

    /// The decoded value.
    #[must_use]
    pub fn value(&self) -> Decoded<'a> {
        Decoded::new(self.value, self.coding)
    }

    /// Whether the decoded name is `wanted`.
    #[must_use]
    pub fn name_is(&self, wanted: &[u8]) -> bool {
        if self.flags & NAME_SIMPLE != 0 {
            self.name == wanted
        } else {
            self.name().eq_bytes(wanted)
        }
    }

    pub(crate) fn sort_key(&self) -> u64 {
        self.sort_key
    }

    pub(crate) fn name_simple(&self) -> bool {
        self.flags & NAME_SIMPLE != 0
    }

    pub(crate) fn value_simple(&self) -> bool {
        self.flags & VALUE_SIMPLE != 0
    }

    /// Where it was found.
    #[must_use]
    pub fn source(&self) -> Source {
        self.source
    }

    /// Whether the (decoded) name starts with `oauth_`.
    #[must_use]
    pub fn is_protocol(&self) -> bool {
        self.flags & PROTOCOL != 0
    }
}
