#![no_std]
#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(test)]
extern crate std;

mod date;
mod php;
pub mod session;
pub mod site;

use core::fmt;

use subtle::ConstantTimeEq;
use wp_hash::block::{HmacKey, Md5, Sha256, pad};
use wp_hash::{Decimal, HexDigest, Salt, SaltSource, WpHashKey, hex_into, wp_salt};

pub use session::Verifier;

/// Why a cookie was rejected, named after the WordPress action that fires (`auth_cookie_*`).
///
/// The MAC check is one variant: which byte differed is never told.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Error {
    /// `auth_cookie_malformed`: empty, or not exactly four `|`-separated fields.
    Malformed,
    /// `auth_cookie_expired`.
    Expired,
    /// `auth_cookie_bad_username`: no user with that login.
    BadUsername,
    /// `auth_cookie_bad_hash`: the MAC does not match (wrong key, password changed, tampering).
    BadHash,
    /// `auth_cookie_bad_session_token`: no unexpired session for the token.
    BadSessionToken,
    /// A caller buffer is too small for the output.
    BufferTooSmall,
    /// A site URL or path is longer than this crate handles without allocating.
    TooLong,
    /// Stored `session_tokens` meta that is not valid PHP `serialize()` output.
    Serialized,
}

impl Error {
    /// The reason as WordPress names it (the suffix of the `auth_cookie_*` action) or, for
    /// the three that are not WordPress's, this crate's code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Malformed => "malformed",
            Self::Expired => "expired",
            Self::BadUsername => "bad_username",
            Self::BadHash => "bad_hash",
            Self::BadSessionToken => "bad_session_token",
            Self::BufferTooSmall => "buffer_too_small",
            Self::TooLong => "too_long",
            Self::Serialized => "serialized",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Malformed => "auth cookie is malformed",
            Self::Expired => "auth cookie has expired",
            Self::BadUsername => "auth cookie names an unknown user",
            Self::BadHash => "auth cookie mac is invalid",
            Self::BadSessionToken => "auth cookie session token is invalid or expired",
            Self::BufferTooSmall => "output buffer is too small",
            Self::TooLong => "input is too long",
            Self::Serialized => "session meta is not valid php serialize() output",
        })
    }
}

impl From<wp_php::Error> for Error {
    fn from(e: wp_php::Error) -> Self {
        match e {
            wp_php::Error::BufferTooSmall => Self::BufferTooSmall,
            _ => Self::Serialized,
        }
    }
}

impl core::error::Error for Error {}

/// A cookie scheme: which salt pair keys it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `auth`: the admin cookie over plain HTTP (`wordpress_<hash>`).
    Auth,
    /// `secure_auth`: the admin cookie over HTTPS (`wordpress_sec_<hash>`).
    SecureAuth,
    /// `logged_in`: the front-end and REST cookie (`wordpress_logged_in_<hash>`).
    LoggedIn,
}

impl Scheme {
    /// The scheme named `name` (exact bytes), if it is one of the three.
    #[must_use]
    pub fn from_bytes(name: &[u8]) -> Option<Self> {
        match name {
            b"auth" => Some(Self::Auth),
            b"secure_auth" => Some(Self::SecureAuth),
            b"logged_in" => Some(Self::LoggedIn),
            _ => None,
        }
    }

    /// WordPress's name for it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Auth => "auth",
            Self::SecureAuth => "secure_auth",
            Self::LoggedIn => "logged_in",
        }
    }

    fn salt_scheme(self) -> wp_hash::Scheme<'static> {
        match self {
            Self::Auth => wp_hash::Scheme::Auth,
            Self::SecureAuth => wp_hash::Scheme::SecureAuth,
            Self::LoggedIn => wp_hash::Scheme::LoggedIn,
        }
    }
}

pub use wp_hash::WpVersion;

/// The four bytes of the stored password hash a cookie is bound to (fewer for a short hash).
///
/// Changing the password changes the fragment, which invalidates every cookie of the user.
#[must_use]
#[inline]
pub fn pass_frag(user_pass: &[u8], version: WpVersion) -> &[u8] {
    let at_eight = || {
        user_pass
            .get(8..)
            .map_or(&[][..], |s| s.get(..4).unwrap_or(s))
    };
    match version {
        WpVersion::Wp61 => at_eight(),
        WpVersion::Wp68 if user_pass.starts_with(b"$P$") || user_pass.starts_with(b"$2y$") => {
            at_eight()
        }
        WpVersion::Wp68 => user_pass
            .get(user_pass.len().saturating_sub(4)..)
            .unwrap_or_default(),
    }
}

/// A cookie scheme's key (`AUTH_KEY . AUTH_SALT` and so on), keyed once.
///
/// WordPress's cookie functions take any scheme string (plugins pass `nonce` or their own):
/// [`CookieKey::from_source_named`] keys any name through `wp_salt()`'s rules.
#[derive(Clone, Debug)]
pub struct CookieKey {
    hash: WpHashKey,
    scheme: Option<Scheme>,
}

impl CookieKey {
    /// Keys a scheme with its two constants, e.g. `LOGGED_IN_KEY` and `LOGGED_IN_SALT`.
    #[must_use]
    pub fn new(scheme: Scheme, key: &[u8], salt: &[u8]) -> Self {
        Self {
            hash: WpHashKey::new(key, salt),
            scheme: Some(scheme),
        }
    }

    /// Keys a scheme with a resolved `wp_salt($scheme)`.
    #[must_use]
    pub fn from_salt(scheme: Scheme, salt: &Salt<'_>) -> Self {
        Self {
            hash: WpHashKey::from_salt(salt),
            scheme: Some(scheme),
        }
    }

    /// Keys the scheme WordPress names `name` (any bytes, compared exactly, as
    /// `wp_generate_auth_cookie()` and `wp_validate_auth_cookie()` take it) from wp-config
    /// constants with `wp_salt()`'s rules: the three cookie schemes and `nonce` read their own
    /// constant pair; any other name (`""` included, `wp_validate_auth_cookie()`'s default)
    /// `SECRET_KEY` (or the `secret_key` option) and `hash_hmac('md5', name, key)`.
    ///
    /// # Errors
    /// `wp_hash::Error::MissingSalt` where WordPress would have generated a salt.
    pub fn from_source_named<S: SaltSource + ?Sized>(
        name: &[u8],
        src: &S,
    ) -> Result<Self, wp_hash::Error> {
        Ok(Self {
            hash: WpHashKey::from_salt(&wp_salt(src, wp_hash::Scheme::from_bytes(name))?),
            scheme: Scheme::from_bytes(name),
        })
    }

    /// Keys a scheme from wp-config constants with WordPress's `wp_salt()` fallbacks.
    ///
    /// # Errors
    /// `wp_hash::Error::MissingSalt` where WordPress would have generated a salt.
    pub fn from_source<S: SaltSource + ?Sized>(
        scheme: Scheme,
        src: &S,
    ) -> Result<Self, wp_hash::Error> {
        Ok(Self::from_salt(
            scheme,
            &wp_salt(src, scheme.salt_scheme())?,
        ))
    }

    /// The cookie scheme this key is for; `None` for another scheme name (WordPress reads
    /// such a cookie, when it reads one from the request, from the auth cookie, or the
    /// secure_auth one over TLS, and then keys it with that scheme instead).
    #[must_use]
    pub fn scheme(&self) -> Option<Scheme> {
        self.scheme
    }

    /// The per-cookie HMAC key: `wp_hash(login|pass_frag|expiration|token, scheme)`, 32 hex.
    #[must_use]
    pub fn hmac_key(
        &self,
        login: &[u8],
        pass_frag: &[u8],
        expiration: &[u8],
        token: &[u8],
    ) -> HexDigest {
        HexDigest::of(&self.wp_hash(login, pass_frag, expiration, token))
    }

    /// The raw MD5 behind [`CookieKey::hmac_key`].
    fn wp_hash(&self, login: &[u8], frag: &[u8], expiration: &[u8], token: &[u8]) -> [u8; 16] {
        let mut h = self.hash.hasher();
        h.update(login)
            .push(b'|')
            .update(frag)
            .push(b'|')
            .update(expiration)
            .push(b'|')
            .update(token);
        h.finalize()
    }

    /// The cookie's MAC field for these values, 64 lowercase hex characters: HMAC-SHA256
    /// keyed by the 32 ASCII hex characters of [`CookieKey::hmac_key`] over
    /// `login|expiration|token`.
    #[must_use]
    pub fn mac(
        &self,
        login: &[u8],
        pass_frag: &[u8],
        expiration: &[u8],
        token: &[u8],
    ) -> CookieMac {
        let mut hex = [0u8; 64];
        hex_into(&self.raw_mac(login, pass_frag, expiration, token), &mut hex);
        CookieMac(hex)
    }

    /// The MAC's 32 bytes, before hex.
    fn raw_mac(&self, login: &[u8], frag: &[u8], expiration: &[u8], token: &[u8]) -> [u8; 32] {
        self.raw_mac_of(
            &[login, b"|", frag, b"|", expiration, b"|", token],
            &[login, b"|", expiration, b"|", token],
        )
    }

    /// The MAC's 32 bytes from the pieces of its two messages: `login|frag|expiration|token`
    /// for `wp_hash()` and `login|expiration|token` for the HMAC.
    #[inline]
    fn raw_mac_of(&self, wp_hash_msg: &[&[u8]], hmac_msg: &[&[u8]]) -> [u8; 32] {
        // Both messages are laid out, padded, before the first compression: the SHA-256
        // one does not depend on the MD5 result, so building it overlaps the MD5 chain, and
        // each hash is then a single call. Messages over two blocks (119 bytes: a login of
        // some 50 characters with WordPress's 43-character token) are streamed instead.
        let (mut md5_buf, mut sha_buf) = ([[0u8; 64]; 2], [[0u8; 64]; 2]);
        let md5_msg = pad::<Md5, 2>(&mut md5_buf, 1, wp_hash_msg);
        let sha_msg = pad::<Sha256, 2>(&mut sha_buf, 1, hmac_msg);
        // The 32 hex characters, zero-padded to a block: the per-cookie HMAC key.
        let mut key = [0u8; 64];
        if let (Some(md5_msg), Some(sha_msg)) = (md5_msg, sha_msg) {
            hex_into(&self.hash.hmac().mac_padded(md5_msg), &mut key);
            return HmacKey::<Sha256>::from_block(&key).mac_padded(sha_msg);
        }
        let mut h = self.hash.hasher();
        for piece in wp_hash_msg {
            h.update(piece);
        }
        hex_into(&h.finalize(), &mut key);
        let mut mac = HmacKey::<Sha256>::from_block(&key).stream();
        for piece in hmac_msg {
            mac.update(piece);
        }
        mac.finalize()
    }
}

/// `wp_generate_auth_cookie()`: the cookie value for a user (login and stored password hash),
/// an expiration time and a session token.
#[must_use]
#[doc(alias = "wp_generate_auth_cookie")]
pub fn generate<'a>(
    key: &CookieKey,
    login: &'a [u8],
    user_pass: &[u8],
    expiration: u64,
    token: &'a [u8],
    version: WpVersion,
) -> Cookie<'a> {
    let exp = Decimal::new(expiration);
    let mac = key.mac(login, pass_frag(user_pass, version), exp.as_bytes(), token);
    Cookie {
        login,
        expiration: exp,
        token,
        mac,
    }
}

/// A cookie's MAC field: 64 lowercase hex characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CookieMac([u8; 64]);

impl CookieMac {
    /// The hex characters.
    #[must_use]
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The hex characters as bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8; 64] {
        &self.0
    }
}

/// Whether `hex` is the lowercase hex of `raw`, in constant time: each 4 bytes of `raw` are
/// spread into the 8 characters they encode within one 64-bit word (no table, no memory), the
/// XOR with the sent word is folded into one, and a single `subtle` comparison decides, so no
/// byte position leaks.
#[inline]
fn ct_eq_hex(raw: &[u8; 32], hex: &[u8; 64]) -> bool {
    let mut diff = 0u64;
    for (r, h) in raw.as_chunks::<4>().0.iter().zip(hex.as_chunks::<8>().0) {
        diff |= hex_word(*r) ^ u64::from_le_bytes(*h);
    }
    diff.ct_eq(&0).into()
}

/// The 8 lowercase hex characters of 4 bytes, in memory order, as a little-endian word.
#[inline]
fn hex_word(bytes: [u8; 4]) -> u64 {
    const LO_NIBBLES: u64 = 0x000f_000f_000f_000f;
    // Byte i moves to bits 16i..16i+8.
    let mut x = u64::from(u32::from_le_bytes(bytes));
    x = (x | (x << 16)) & 0x0000_ffff_0000_ffff;
    x = (x | (x << 8)) & 0x00ff_00ff_00ff_00ff;
    // Character 2i is the high nibble of byte i, character 2i + 1 the low one.
    let n = ((x >> 4) & LO_NIBBLES) | ((x & LO_NIBBLES) << 8);
    // '0' + n, and 'a' - '0' - 10 = 39 more where n > 9 (n + 6 carries into bit 4).
    let letters = ((n + 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101;
    n + 0x3030_3030_3030_3030 + letters * 39
}

impl fmt::Debug for CookieMac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CookieMac([redacted])")
    }
}

/// A generated cookie value, `login|expiration|token|mac`, kept in parts so nothing is
/// allocated: write it raw ([`Cookie::write_raw`]) or percent-encoded as PHP's `setcookie()`
/// sends it ([`Cookie::encoded`]). `Debug` shows the login and expiration only.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Cookie<'a> {
    login: &'a [u8],
    expiration: Decimal,
    token: &'a [u8],
    mac: CookieMac,
}

impl fmt::Debug for Cookie<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cookie")
            .field("login", &self.login.escape_ascii())
            .field("expiration", &self.expiration)
            .field("token", &"[redacted]")
            .field("mac", &"[redacted]")
            .finish()
    }
}

impl<'a> Cookie<'a> {
    /// The four fields in order.
    #[must_use]
    pub fn fields(&self) -> [&[u8]; 4] {
        [
            self.login,
            self.expiration.as_bytes(),
            self.token,
            self.mac.as_bytes(),
        ]
    }

    /// The MAC field.
    #[must_use]
    pub fn mac(&self) -> &CookieMac {
        &self.mac
    }

    /// The length of the raw value.
    #[must_use]
    pub fn raw_len(&self) -> usize {
        self.fields().iter().map(|f| f.len()).sum::<usize>() + 3
    }

    /// Writes the raw value (`login|expiration|token|mac`) into `out`, returning its length.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`].
    pub fn write_raw(&self, out: &mut [u8]) -> Result<usize, Error> {
        let mut at = 0;
        for (i, field) in self.fields().iter().enumerate() {
            let sep: &[u8] = if i == 0 { b"" } else { b"|" };
            for part in [sep, field] {
                let dst = out
                    .get_mut(at..at + part.len())
                    .ok_or(Error::BufferTooSmall)?;
                dst.copy_from_slice(part);
                at += part.len();
            }
        }
        Ok(at)
    }

    /// The value as PHP's `setcookie()` writes it: `rawurlencode()`d (every byte but
    /// `A-Z a-z 0-9 - _ . ~` as `%XX`, so `|` is `%7C`).
    #[must_use]
    pub fn encoded(&self) -> Encoded<'_> {
        Encoded(self)
    }

    /// The raw value as a vector.
    #[cfg(feature = "alloc")]
    #[must_use]
    pub fn to_vec(&self) -> alloc::vec::Vec<u8> {
        let mut v = alloc::vec![0u8; self.raw_len()];
        let n = self.write_raw(&mut v).unwrap_or(0);
        v.truncate(n);
        v
    }
}

/// [`Cookie::encoded`]: displays the percent-encoded value.
#[derive(Clone, Copy, Debug)]
pub struct Encoded<'c>(&'c Cookie<'c>);

impl fmt::Display for Encoded<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, field) in self.0.fields().iter().enumerate() {
            if i > 0 {
                f.write_str("%7C")?;
            }
            wp_php::url::write_rawurlencoded(f, field)?;
        }
        Ok(())
    }
}

/// A cookie value split into its four fields, unvalidated (`wp_parse_auth_cookie()`).
/// `Debug` shows the login and expiration; the token and MAC print `[redacted]`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Parsed<'a> {
    /// The login name.
    pub login: &'a [u8],
    /// The expiration field, as sent.
    pub expiration: &'a [u8],
    /// The session token.
    pub token: &'a [u8],
    /// The MAC field, as sent.
    pub hmac: &'a [u8],
    /// The whole value (the MAC's message is its start).
    value: &'a [u8],
}

impl fmt::Debug for Parsed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Parsed")
            .field("login", &self.login.escape_ascii())
            .field("expiration", &self.expiration.escape_ascii())
            .field("token", &"[redacted]")
            .field("hmac", &"[redacted]")
            .finish()
    }
}

impl<'a> Parsed<'a> {
    /// WordPress's step 2 at `now`: the cookie has not expired (with the grace period on
    /// POST), read by PHP's number rules for the chosen version.
    ///
    /// # Errors
    /// [`Error::Expired`]; or, following 6.1 on a grace-period request whose expiration is not
    /// numeric at all, [`Error::Malformed`] (PHP throws a `TypeError` there).
    #[inline]
    pub fn check_expiry(&self, now: u64, opts: &Options) -> Result<Unexpired<'a>, Error> {
        let (grace_period_used, expiration) = php::check_expiry(now, self.expiration, opts)?;
        Ok(Unexpired {
            parsed: *self,
            expiration,
            grace_period_used,
            version: opts.version,
        })
    }
}

/// A cookie that has not expired: look its user up by [`Unexpired::login`]
/// (`get_user_by('login')`), then check its MAC with [`verify_mac`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Unexpired<'a> {
    parsed: Parsed<'a>,
    expiration: i64,
    grace_period_used: bool,
    version: WpVersion,
}

impl<'a> Unexpired<'a> {
    /// The login to look the user up by.
    #[must_use]
    pub fn login(&self) -> &'a [u8] {
        self.parsed.login
    }
}

/// A cookie whose MAC matched its user's: look the session up by [`Authentic::verifier`]
/// (the user's `session_tokens` meta), then finish with [`Authentic::check_session`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Authentic<'a> {
    unexpired: Unexpired<'a>,
    user_id: u64,
    verifier: Verifier,
}

impl<'a> Authentic<'a> {
    /// The user the cookie names.
    #[must_use]
    pub fn user_id(&self) -> u64 {
        self.user_id
    }

    /// The key of the cookie's session in the user's `session_tokens` meta.
    #[must_use]
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// WordPress's last step at `now`: the session the caller found under
    /// [`Authentic::verifier`] (its stored `expiration`, `None` when there is none) has not
    /// expired.
    ///
    /// # Errors
    /// [`Error::BadSessionToken`].
    #[inline]
    pub fn check_session(self, now: u64, expiration: Option<i64>) -> Result<Valid<'a>, Error> {
        match expiration {
            Some(exp) if i128::from(exp) >= i128::from(now) => Ok(Valid {
                user_id: self.user_id,
                login: self.unexpired.parsed.login,
                token: self.unexpired.parsed.token,
                expiration: self.unexpired.expiration,
                grace_period_used: self.unexpired.grace_period_used,
            }),
            _ => Err(Error::BadSessionToken),
        }
    }
}

/// `wp_parse_auth_cookie()` on a decoded value: exactly four `|`-separated fields.
///
/// # Errors
/// [`Error::Malformed`] for an empty value or any other number of fields (so a login that
/// contains `|` can never authenticate by cookie, as in WordPress).
#[inline]
#[doc(alias = "wp_parse_auth_cookie")]
pub fn parse(value: &[u8]) -> Result<Parsed<'_>, Error> {
    // The shape every cookie that can validate has: a 64-character last field. Then only the
    // bytes before it are searched for the other two `|`, and the last field is merely
    // checked to have none.
    let last = value.len().wrapping_sub(65);
    let (seps, count) = match (value.get(last), value.get(last.wrapping_add(1)..)) {
        (Some(b'|'), Some(mac)) if !mac.as_chunks::<8>().0.iter().any(|w| has_bar(*w)) => {
            let ([a, b, _], count) = bars(value.get(..last).unwrap_or_default());
            ([a, b, last], count + 1)
        }
        _ => bars(value),
    };
    let [a, b, c] = seps;
    match (
        count,
        value.get(..a),
        value.get(a + 1..b),
        value.get(b + 1..c),
        value.get(c + 1..),
    ) {
        (3, Some(login), Some(expiration), Some(token), Some(hmac)) => Ok(Parsed {
            login,
            expiration,
            token,
            hmac,
            value,
        }),
        _ => Err(Error::Malformed),
    }
}

/// Whether 8 bytes hold a `|` (exact: no false positives).
#[inline]
fn has_bar(word: [u8; 8]) -> bool {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let t = u64::from_le_bytes(word) ^ (0x0101_0101_0101_0101 * u64::from(b'|'));
    // A byte's high bit survives only where the byte of `t` is zero.
    !(((t & LOW7) + LOW7) | t | LOW7) != 0
}

/// The positions of the first three `|` in `bytes` and how many there are in all.
#[inline]
fn bars(bytes: &[u8]) -> ([usize; 3], usize) {
    let mut seps = [0usize; 3];
    let mut count = 0usize;
    let mut note = |i: usize| {
        if let Some(slot) = seps.get_mut(count) {
            *slot = i;
        }
        count += 1;
    };
    // Eight bytes at a time: a word without a `|` (the common case) costs a few operations.
    let (words, rest) = bytes.as_chunks::<8>();
    let mut base = 0;
    for word in words {
        if has_bar(*word) {
            for (i, &b) in word.iter().enumerate() {
                if b == b'|' {
                    note(base + i);
                }
            }
        }
        base += 8;
    }
    for (i, &b) in rest.iter().enumerate() {
        if b == b'|' {
            note(base + i);
        }
    }
    (seps, count)
}

/// A user as cookie validation needs it. `Debug` prints the stored hash as `[redacted]`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct User<'a> {
    /// The user ID.
    pub user_id: u64,
    /// The stored password hash (`wp_users.user_pass`).
    pub user_pass: &'a [u8],
}

impl fmt::Debug for User<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("user_id", &self.user_id)
            .field("user_pass", &"[redacted]")
            .finish()
    }
}

/// The caller's user and session storage, for [`validate`]: the lookups WordPress makes.
pub trait UserStore {
    /// `get_user_by('login', $login)`: the user with exactly this login, if any.
    fn user_by_login(&self, login: &[u8]) -> Option<User<'_>>;

    /// The expiration of the user's session stored under `verifier` (the SHA-256 of the
    /// token), if there is one. [`session::SessionMeta`] reads it from WordPress's own
    /// `session_tokens` user meta.
    fn session_expiration(&self, user_id: u64, verifier: &Verifier) -> Option<i64>;
}

/// How to validate: the request's kind and which WordPress to follow (the time is an argument
/// of its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Options {
    /// Allow WordPress's one-hour grace period: true for POST and admin-ajax requests.
    pub grace_period: bool,
    /// Version behaviour.
    pub version: WpVersion,
}

/// A validated cookie: who, and what it carried. `Debug` prints the token as `[redacted]`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Valid<'a> {
    /// The authenticated user.
    pub user_id: u64,
    /// The cookie's login.
    pub login: &'a [u8],
    /// The cookie's session token (for the `wp_rest` nonce's context).
    pub token: &'a [u8],
    /// The cookie's expiration, as PHP's `(int)` reads the field.
    pub expiration: i64,
    /// Accepted only thanks to the grace period (WordPress sets `$login_grace_period`).
    pub grace_period_used: bool,
}

impl fmt::Debug for Valid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Valid")
            .field("user_id", &self.user_id)
            .field("login", &self.login.escape_ascii())
            .field("token", &"[redacted]")
            .field("expiration", &self.expiration)
            .field("grace_period_used", &self.grace_period_used)
            .finish()
    }
}

/// One hour: the grace period for POST and admin-ajax requests.
pub const GRACE_SECONDS: u64 = 3_600;

/// WordPress's step 4 of cookie validation, after the caller looked the user up: the
/// cookie's MAC under the user's password fragment, compared in constant time.
///
/// # Errors
/// [`Error::BadHash`].
#[inline]
pub fn verify_mac<'a>(
    key: &CookieKey,
    cookie: &Unexpired<'a>,
    user: &User<'_>,
) -> Result<Authentic<'a>, Error> {
    let p = &cookie.parsed;
    // The length is public; the contents are compared in constant time.
    let sent: &[u8; 64] = p.hmac.try_into().map_err(|_| Error::BadHash)?;
    let frag = pass_frag(user.user_pass, cookie.version);
    // The session verifier does not depend on the MAC's chain of MD5 and SHA-256
    // compressions; it is only used once the MAC has matched.
    let verifier = Verifier::of(p.token);
    // The HMAC's message, `login|expiration|token`, is the cookie up to its last `|`; the
    // `wp_hash()` message puts the fragment after the login's `|`.
    let login = p.login.len() + 1;
    let hmac_msg = p
        .value
        .get(..login + p.expiration.len() + 1 + p.token.len());
    let (Some(login_bar), Some(hmac_msg)) = (p.value.get(..login), hmac_msg) else {
        return Err(Error::Malformed);
    };
    let rest = hmac_msg.get(login..).unwrap_or_default();
    let mac = key.raw_mac_of(&[login_bar, frag, b"|", rest], &[hmac_msg]);
    if !ct_eq_hex(&mac, sent) {
        return Err(Error::BadHash);
    }
    Ok(Authentic {
        unexpired: *cookie,
        user_id: user.user_id,
        verifier,
    })
}

/// `wp_validate_auth_cookie()` on a decoded cookie value at `now`, in WordPress's order:
/// [`parse`], [`Parsed::check_expiry`], the user lookup, [`verify_mac`] (constant time), the
/// session lookup and [`Authentic::check_session`]. A convenience over those steps for a
/// synchronous store; an asynchronous one drives the steps itself.
///
/// # Errors
/// The first failing step, as [`Error::Malformed`], [`Error::Expired`],
/// [`Error::BadUsername`], [`Error::BadHash`] or [`Error::BadSessionToken`].
#[doc(alias = "wp_validate_auth_cookie")]
pub fn validate<'a, S: UserStore + ?Sized>(
    key: &CookieKey,
    now: u64,
    cookie: &'a [u8],
    opts: &Options,
    store: &S,
) -> Result<Valid<'a>, Error> {
    let unexpired = parse(cookie)?.check_expiry(now, opts)?;
    let user = store
        .user_by_login(unexpired.login())
        .ok_or(Error::BadUsername)?;
    let authentic = verify_mac(key, &unexpired, &user)?;
    let session = store.session_expiration(user.user_id, authentic.verifier());
    authentic.check_session(now, session)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The MAC by the book (`hmac` over `md-5` and `sha2`), for lengths on both sides of the
    /// laid-out fast path's two blocks.
    #[test]
    fn mac_matches_a_reference_hmac_at_every_length() {
        use hmac::{Hmac, KeyInit, Mac};
        let key = CookieKey::new(Scheme::Auth, b"fake key", b"fake salt");
        let reference = Hmac::<md5::Md5>::new_from_slice(b"fake keyfake salt").unwrap();
        for login_len in [0usize, 1, 5, 60, 130] {
            for token_len in (0..300).step_by(7) {
                let login: std::vec::Vec<u8> =
                    (0..login_len).map(|i| b'a' + (i % 26) as u8).collect();
                let token: std::vec::Vec<u8> =
                    (0..token_len).map(|i| b'A' + (i % 26) as u8).collect();
                let mut h = reference.clone();
                h.update(&[&login[..], b"|frag|1700000000|", &token].concat());
                let mut hex_key = [0u8; 32];
                hex_into(&h.finalize().into_bytes(), &mut hex_key);
                let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&hex_key).unwrap();
                mac.update(&[&login[..], b"|1700000000|", &token].concat());
                let mut want = [0u8; 64];
                hex_into(&mac.finalize().into_bytes(), &mut want);
                let got = key.mac(&login, b"frag", b"1700000000", &token);
                assert_eq!(got.as_bytes(), &want, "{login_len} {token_len}");
            }
        }
    }

    #[test]
    fn hex_words_match_the_table() {
        for i in 0..=255u8 {
            let raw: [u8; 32] =
                core::array::from_fn(|j| i.wrapping_add((j as u8).wrapping_mul(37)));
            let mut hex = [0u8; 64];
            hex_into(&raw, &mut hex);
            assert!(ct_eq_hex(&raw, &hex));
            for at in [0, 1, 31, 32, 63] {
                let mut bad = hex;
                bad[at] ^= 0x20;
                assert!(!ct_eq_hex(&raw, &bad), "{i} {at}");
            }
        }
    }

    #[test]
    fn spec_worked_example() {
        let key = CookieKey::new(Scheme::LoggedIn, b"logged-in-key", b"logged-in-salt");
        let user_pass = b"$P$BabcdefghIJKLMNOPQRSTUVWXYZ01234";
        assert_eq!(pass_frag(user_pass, WpVersion::Wp61), b"efgh");
        assert_eq!(pass_frag(user_pass, WpVersion::Wp68), b"efgh");
        assert_eq!(
            key.hmac_key(b"admin", b"efgh", b"1700172800", b"TOKEN")
                .as_str(),
            "4cc642fb08ef498be0e2903230c47481"
        );
        let c = generate(
            &key,
            b"admin",
            user_pass,
            1_700_172_800,
            b"TOKEN",
            WpVersion::Wp68,
        );
        let mut buf = [0u8; 128];
        let n = c.write_raw(&mut buf).unwrap();
        assert_eq!(
            &buf[..n],
            b"admin|1700172800|TOKEN|f321837c1d60037b16301131d0763da57020d8fda8abe58af027349ebca7d691"
        );
        assert_eq!(c.raw_len(), n);
        assert!(c.write_raw(&mut buf[..n - 1]).is_err());
    }

    #[test]
    fn pass_frag_rules() {
        assert_eq!(
            pass_frag(b"$wp$2y$10$abcdefghijkl", WpVersion::Wp61),
            b"0$ab"
        );
        assert_eq!(
            pass_frag(b"$wp$2y$10$abcdefghijkl", WpVersion::Wp68),
            b"ijkl"
        );
        assert_eq!(pass_frag(b"$2y$10$abcdefghijkl", WpVersion::Wp68), b"bcde");
        assert_eq!(pass_frag(b"short", WpVersion::Wp61), b"");
        assert_eq!(pass_frag(b"123456789", WpVersion::Wp61), b"9");
        assert_eq!(pass_frag(b"abc", WpVersion::Wp68), b"abc");
        assert_eq!(pass_frag(b"", WpVersion::Wp68), b"");
    }

    /// The fast shape (a 64-byte last field) and the general search agree with a plain split,
    /// wherever the bars fall.
    #[test]
    fn parse_matches_a_plain_split() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let len = (next() % 140) as usize;
            let mut v: std::vec::Vec<u8> = (0..len).map(|_| b'a' + (next() % 3) as u8).collect();
            // Mostly cookie-shaped: a bar 65 from the end and two more in front of it.
            if len >= 67 && next() % 4 != 0 {
                v[len - 65] = b'|';
                for _ in 0..2 {
                    let at = (next() as usize) % (len - 65);
                    v[at] = b'|';
                }
            }
            for _ in 0..next() % 3 {
                if len > 0 {
                    let at = (next() as usize) % len;
                    v[at] = b'|';
                }
            }
            let fields: std::vec::Vec<&[u8]> = v.split(|&b| b == b'|').collect();
            let want = match (v.is_empty(), fields.as_slice()) {
                (false, &[login, expiration, token, hmac]) => Ok(Parsed {
                    login,
                    expiration,
                    token,
                    hmac,
                    value: &v,
                }),
                _ => Err(Error::Malformed),
            };
            assert_eq!(
                parse(&v),
                want,
                "{:?}",
                std::string::String::from_utf8_lossy(&v)
            );
        }
    }

    #[test]
    fn parse_needs_exactly_four_fields() {
        assert_eq!(parse(b""), Err(Error::Malformed));
        assert_eq!(parse(b"a|b|c"), Err(Error::Malformed));
        assert_eq!(parse(b"a|b|c|d|e"), Err(Error::Malformed));
        let p = parse(b"|||").unwrap();
        assert_eq!(p.login, b"");
        assert_eq!(p.hmac, b"");
    }
}
