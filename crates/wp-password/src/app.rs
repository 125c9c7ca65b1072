//! Application passwords: generation, display, the Basic credentials WordPress reads, and
//! `wp_authenticate_application_password()` over the user's stored records.
//!
//! Everything here is allocation-free. A supplied password is normalised into a 4096-byte
//! stack buffer; one whose normalised form is longer is rejected (WordPress would compare it
//! only against records it never creates: generated passwords have 24 characters).

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};

use crate::{Error, MAX_PASSWORD_LEN, WpVersion, fast};

/// Length of a generated application password.
pub const PASSWORD_LEN: usize = 24;

/// Length of its chunked display form (`abcd efgh ijkl mnop qrst uvwx`).
pub const CHUNKED_LEN: usize = 29;

/// A new application password: `wp_generate_password(24, false)` from the caller's random
/// bytes ([`wp_hash::GeneratedPassword::generate`]). Show [`chunk`] of it to the user once and
/// store [`crate::fast_hash`] of it, as WordPress 6.8 does.
pub type AppPassword = wp_hash::GeneratedPassword<PASSWORD_LEN>;

/// The room [`chunk`] needs for an input of `len` bytes.
#[must_use]
pub const fn chunked_capacity(len: usize) -> usize {
    len + len / 4
}

/// `chunk_password()`: drops every byte outside `[A-Za-z0-9]`, then joins groups of four with
/// single spaces (a short last group is kept). Returns `None` when `out` is shorter than
/// [`chunked_capacity`] of what is kept.
///
/// ```
/// let mut out = [0u8; 32];
/// assert_eq!(
///     wp_password::app::chunk(b"ukRev0jv6ORkNRK4xaP5PLSh", &mut out),
///     Some("ukRe v0jv 6ORk NRK4 xaP5 PLSh"),
/// );
/// ```
#[must_use]
pub fn chunk<'a>(raw: &[u8], out: &'a mut [u8]) -> Option<&'a str> {
    let mut n = 0;
    for (kept, &b) in raw.iter().filter(|b| b.is_ascii_alphanumeric()).enumerate() {
        if kept > 0 && kept % 4 == 0 {
            *out.get_mut(n)? = b' ';
            n += 1;
        }
        *out.get_mut(n)? = b;
        n += 1;
    }
    core::str::from_utf8(out.get(..n)?).ok()
}

/// The normalisation applied before checking: every byte outside `[A-Za-z0-9]` removed (no
/// Unicode awareness; case kept). Returns `None` when `out` is too small.
#[must_use]
pub fn normalize<'a>(supplied: &[u8], out: &'a mut [u8]) -> Option<&'a [u8]> {
    let mut n = 0;
    for &b in supplied.iter().filter(|b| b.is_ascii_alphanumeric()) {
        *out.get_mut(n)? = b;
        n += 1;
    }
    out.get(..n)
}

/// One stored application password (an element of the `_application_passwords` user meta).
/// `Debug` prints the stored hash as `[redacted]`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Item<'a> {
    /// Its v4 UUID.
    pub uuid: &'a str,
    /// The client-supplied app UUID, or empty.
    pub app_id: &'a str,
    /// Its display name.
    pub name: &'a str,
    /// The stored hash (`$generic$…` from 6.8, `$P$…` before).
    pub password: &'a [u8],
    /// Creation time.
    pub created: i64,
    /// Last recorded use, if any.
    pub last_used: Option<i64>,
    /// Address of the last recorded use, if any.
    pub last_ip: Option<&'a str>,
}

impl core::fmt::Debug for Item<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Item")
            .field("uuid", &self.uuid)
            .field("app_id", &self.app_id)
            .field("name", &self.name)
            .field("password", &"[redacted]")
            .field("created", &self.created)
            .field("last_used", &self.last_used)
            .field("last_ip", &self.last_ip)
            .finish()
    }
}

/// Checks an already-normalised password against one stored hash the way the version does:
/// 6.1 `wp_check_password()`; 6.8 `WP_Application_Passwords::check_password()`
/// (`$generic$` → [`crate::verify_fast_hash`], else `wp_check_password()`).
#[must_use]
pub fn check(normalized: &[u8], stored: &[u8], version: WpVersion) -> bool {
    match version {
        WpVersion::Wp68 if stored.starts_with(fast::PREFIX) => {
            fast::verify_fast_hash(normalized, stored).is_ok()
        }
        _ => crate::verify(normalized, stored, version).is_ok(),
    }
}

/// The first record whose hash matches the supplied password (normalised first), or `None`.
/// Each record is checked with constant-time comparisons; like WordPress, the search stops at
/// the first match.
#[must_use]
pub fn find(items: &[Item<'_>], supplied: &[u8], version: WpVersion) -> Option<usize> {
    let first = |pw: &[u8]| {
        items
            .iter()
            .position(|item| check(pw, item.password, version))
    };
    // Typical passwords fit the small buffer, which is cheaper to clear than the large one.
    if supplied.len() <= 64 {
        first(normalize(supplied, &mut [0u8; 64])?)
    } else {
        first(normalize(supplied, &mut [0u8; MAX_PASSWORD_LEN])?)
    }
}

/// A user account as the application-password check sees it.
#[derive(Debug, Clone, Copy)]
pub struct Account<'a> {
    /// `ID`.
    pub user_id: u64,
    /// `wp_is_application_passwords_available_for_user()` (the filter's answer; true by default).
    pub available: bool,
    /// The user's `_application_passwords` records, in stored order.
    pub items: &'a [Item<'a>],
}

/// The user lookups WordPress makes: by login, then (when the name [`is_email`]) by e-mail.
pub trait Accounts {
    /// `get_user_by('login', name)`.
    fn by_login(&self, login: &[u8]) -> Option<Account<'_>>;
    /// `get_user_by('email', name)`.
    fn by_email(&self, email: &[u8]) -> Option<Account<'_>>;
}

/// The site-wide conditions of `wp_validate_application_password()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Site {
    /// The `using_application_passwords` network option (set when the first one is created).
    pub in_use: bool,
    /// `REST_REQUEST` or `XMLRPC_REQUEST` (filter `application_password_is_api_request`).
    pub api_request: bool,
    /// `wp_is_application_passwords_available()`: see [`available`].
    pub available: bool,
}

/// `wp_is_application_passwords_available()` without filters: HTTPS, or the `local`
/// environment type.
#[must_use]
pub fn available(is_ssl: bool, environment_type: &[u8]) -> bool {
    is_ssl || environment_type == b"local"
}

/// WordPress's `is_email()`: at least 6 bytes, an `@` after the first byte, a local part of
/// `[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]`, and a domain of two or more dot-separated labels of
/// `[A-Za-z0-9-]` that neither start nor end with `-` (no empty labels).
#[must_use]
pub fn is_email(s: &[u8]) -> bool {
    if s.len() < 6 {
        return false;
    }
    let Some(at) = s.iter().skip(1).position(|&b| b == b'@').map(|i| i + 1) else {
        return false;
    };
    let (local, domain) = (
        s.get(..at).unwrap_or_default(),
        s.get(at + 1..).unwrap_or_default(),
    );
    let local_ok = |b: &u8| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(b);
    // PCRE's `$` also matches before a final newline.
    let local = local.strip_suffix(b"\n").unwrap_or(local);
    if local.is_empty() || !local.iter().all(local_ok) {
        return false;
    }
    let mut labels = 0;
    for label in domain.split(|&b| b == b'.') {
        labels += 1;
        let ok = !label.is_empty()
            && label
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
            && label.first() != Some(&b'-')
            && label.last() != Some(&b'-');
        if !ok {
            return false;
        }
    }
    labels >= 2
}

/// A successful application-password authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authenticated {
    /// The user.
    pub user_id: u64,
    /// Index of the matching record in [`Account::items`]
    /// (`rest_get_authenticated_app_password()` is its uuid).
    pub item: usize,
    /// Whether WordPress records this use (`last_used = now`, `last_ip = REMOTE_ADDR`): only
    /// when the last recorded use is a day or more ago.
    pub record_usage: bool,
    /// 6.1 only: the record was a legacy MD5 digest, and WordPress 6.1 then calls
    /// `wp_set_password()` for the user (its `wp_check_password()` rehash).
    pub md5_rehash: bool,
}

/// What `wp_validate_application_password()` decides for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Application passwords did not take part (not in use, not an API request, unavailable,
    /// or no complete Basic credentials); WordPress goes on with other methods.
    NotApplicable,
    /// The user is authenticated.
    Authenticated(Authenticated),
    /// The request fails with this error ([`Error::code`], [`Error::message`] and
    /// [`Error::status`] give WordPress's answer).
    Failed(Error),
}

/// Basic credentials application passwords take part for: look the user up by
/// [`Pending::login`], then, if there is none and [`Pending::by_email`] says so, by e-mail;
/// then finish with [`verify`] (or [`Pending::unknown_user`] when no user was found).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Pending<'a> {
    login: &'a [u8],
    password: &'a [u8],
    by_email: bool,
}

impl core::fmt::Debug for Pending<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Pending")
            .field("login", &self.login.escape_ascii())
            .field("password", &"[redacted]")
            .finish()
    }
}

impl<'a> Pending<'a> {
    /// The name to look up with `get_user_by('login')`.
    #[must_use]
    pub fn login(&self) -> &'a [u8] {
        self.login
    }

    /// Whether WordPress tries `get_user_by('email')` when no login matches (the name
    /// [`is_email`]).
    #[must_use]
    pub fn by_email(&self) -> bool {
        self.by_email
    }

    /// The error when neither lookup found a user: [`Error::InvalidEmail`] for a name that
    /// looks like an e-mail address, else [`Error::InvalidUsername`]. WordPress answers at
    /// once; call [`crate::dummy_verify`] first if response times must not reveal which names
    /// exist.
    #[must_use]
    pub fn unknown_user(&self) -> Error {
        if self.by_email {
            Error::InvalidEmail
        } else {
            Error::InvalidUsername
        }
    }
}

/// The first step of `wp_validate_application_password()`: whether application passwords
/// take part for this request and these credentials (`PHP_AUTH_USER` / `PHP_AUTH_PW` when both
/// are set, see [`populate`]). `None` is [`Outcome::NotApplicable`].
#[must_use]
pub fn start<'a>(site: &Site, credentials: Option<(&'a [u8], &'a [u8])>) -> Option<Pending<'a>> {
    let (login, password) = credentials?;
    if !site.available || !site.in_use || !site.api_request {
        return None;
    }
    Some(Pending {
        login,
        password,
        by_email: is_email(login),
    })
}

/// The last step at `now`, once the caller found the user: `wp_authenticate_application_password()`
/// over the user's records.
///
/// # Errors
/// [`Error::DisabledForUser`], [`Error::IncorrectPassword`].
#[doc(alias = "wp_authenticate_application_password")]
pub fn verify(
    now: u64,
    pending: &Pending<'_>,
    account: &Account<'_>,
    version: WpVersion,
) -> Result<Authenticated, Error> {
    if !account.available {
        return Err(Error::DisabledForUser);
    }
    let i = find(account.items, pending.password, version).ok_or(Error::IncorrectPassword)?;
    let item = account.items.get(i);
    Ok(Authenticated {
        user_id: account.user_id,
        item: i,
        record_usage: item.is_some_and(|it| {
            i128::from(it.last_used.unwrap_or(0)) + i128::from(wp_hash::DAY_IN_SECONDS)
                <= i128::from(now)
        }),
        md5_rehash: version == WpVersion::Wp61 && item.is_some_and(|it| it.password.len() <= 32),
    })
}

/// `wp_validate_application_password()` → `wp_authenticate_application_password()` at `now`
/// for a request with no user determined yet, over a synchronous [`Accounts`] store: a
/// convenience over [`start`], the lookups and [`verify`].
#[must_use]
#[doc(alias = "wp_validate_application_password")]
pub fn authenticate(
    site: &Site,
    now: u64,
    accounts: &impl Accounts,
    credentials: Option<(&[u8], &[u8])>,
    version: WpVersion,
) -> Outcome {
    let Some(pending) = start(site, credentials) else {
        return Outcome::NotApplicable;
    };
    let account = accounts.by_login(pending.login()).or_else(|| {
        pending
            .by_email()
            .then(|| accounts.by_email(pending.login()))
            .flatten()
    });
    let result = match account {
        Some(account) => verify(now, &pending, &account, version),
        None => Err(pending.unknown_user()),
    };
    match result {
        Ok(a) => Outcome::Authenticated(a),
        Err(e) => Outcome::Failed(e),
    }
}

/// A `$_SERVER` entry: absent, set to PHP `null` (which `isset()` treats as absent), or a
/// string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    /// Not in `$_SERVER`.
    Unset,
    /// Present with the value `null`.
    Null,
    /// A string.
    Str(&'a [u8]),
}

impl<'a> Value<'a> {
    fn from_option(v: Option<&'a [u8]>) -> Self {
        v.map_or(Self::Unset, Self::Str)
    }

    /// The string, if `isset()` would say so.
    #[must_use]
    pub fn get(self) -> Option<&'a [u8]> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// The `$_SERVER` entries WordPress reads Basic credentials from. `Debug` prints which are
/// set, not their values.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct Server<'a> {
    /// `HTTP_AUTHORIZATION`.
    pub http_authorization: Option<&'a [u8]>,
    /// `REDIRECT_HTTP_AUTHORIZATION` (CGI rewrites).
    pub redirect_http_authorization: Option<&'a [u8]>,
    /// `PHP_AUTH_USER` as the SAPI set it.
    pub php_auth_user: Option<&'a [u8]>,
    /// `PHP_AUTH_PW` as the SAPI set it.
    pub php_auth_pw: Option<&'a [u8]>,
}

/// `PHP_AUTH_USER` and `PHP_AUTH_PW` after WordPress ran. `Debug` prints the password as
/// `[redacted]`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Populated<'a> {
    /// `PHP_AUTH_USER`.
    pub user: Value<'a>,
    /// `PHP_AUTH_PW`.
    pub password: Value<'a>,
}

impl core::fmt::Debug for Server<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let set = |v: Option<&[u8]>| v.map(|_| "[redacted]");
        f.debug_struct("Server")
            .field("http_authorization", &set(self.http_authorization))
            .field(
                "redirect_http_authorization",
                &set(self.redirect_http_authorization),
            )
            .field("php_auth_user", &set(self.php_auth_user))
            .field("php_auth_pw", &set(self.php_auth_pw))
            .finish()
    }
}

impl core::fmt::Debug for Populated<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let user = self.user.get().map(<[u8]>::escape_ascii);
        f.debug_struct("Populated")
            .field("user", &user)
            .field("password", &self.password.get().map(|_| "[redacted]"))
            .finish()
    }
}

impl<'a> Populated<'a> {
    /// Both set (non-null): what [`authenticate`] takes.
    #[must_use]
    pub fn credentials(&self) -> Option<(&'a [u8], &'a [u8])> {
        Some((self.user.get()?, self.password.get()?))
    }
}

/// PHP's lenient `base64_decode` of what WordPress's pattern lets through: the standard
/// alphabet, padding and a final newline ignored, leftover bits dropped.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);

/// `wp_populate_basic_auth_from_authorization_header()`: when the SAPI did not set
/// `PHP_AUTH_USER`/`PHP_AUTH_PW`, WordPress decodes `HTTP_AUTHORIZATION` (else
/// `REDIRECT_HTTP_AUTHORIZATION`) if it matches `^Basic [A-Za-z0-9/+]*={0,2}$` (scheme in any
/// case, one space; a final `\n` is allowed), splitting at the first `:` (6.8: a colon is
/// required; 6.1: the password ends at the second colon and is `null` without one). The
/// decoded value is written into `buf`, which needs 3/4 of the header's length.
///
/// This is WordPress's lenient reading; for a strict RFC 7617 parser use the `http-basic` crate.
///
/// # Errors
/// [`crate::Error::BufferTooSmall`] when the header matches and `buf` cannot hold its decoded
/// value (never read as "no credentials").
pub fn populate<'a>(
    server: &Server<'a>,
    version: WpVersion,
    buf: &'a mut [u8],
) -> Result<Populated<'a>, crate::Error> {
    let untouched = Populated {
        user: Value::from_option(server.php_auth_user),
        password: Value::from_option(server.php_auth_pw),
    };
    if server.php_auth_user.is_some() || server.php_auth_pw.is_some() {
        return Ok(untouched);
    }
    let Some(header) = server
        .http_authorization
        .or(server.redirect_http_authorization)
    else {
        return Ok(untouched);
    };
    let Some(decoded) = decode_header(header, buf)? else {
        return Ok(untouched);
    };
    let colon = decoded.iter().position(|&b| b == b':');
    Ok(match (version, colon) {
        (WpVersion::Wp68, None) => untouched,
        (WpVersion::Wp61, None) => Populated {
            user: Value::Str(decoded),
            password: Value::Null,
        },
        (_, Some(i)) => {
            let (user, rest) = decoded.split_at(i);
            let rest = rest.get(1..).unwrap_or_default();
            let password = match version {
                WpVersion::Wp61 => rest.split(|&b| b == b':').next().unwrap_or_default(),
                WpVersion::Wp68 => rest,
            };
            Populated {
                user: Value::Str(user),
                password: Value::Str(password),
            }
        }
    })
}

/// The decoded token of a header WordPress's pattern matches; `None` for one it does not.
fn decode_header<'a>(header: &[u8], buf: &'a mut [u8]) -> Result<Option<&'a [u8]>, crate::Error> {
    let Some(token) = header
        .get(..6)
        .filter(|scheme| scheme.eq_ignore_ascii_case(b"basic "))
        .and_then(|_| header.get(6..))
    else {
        return Ok(None);
    };
    let token = token.strip_suffix(b"\n").unwrap_or(token);
    let body_len = token.iter().position(|&b| b == b'=').unwrap_or(token.len());
    let (body, pad) = token.split_at(body_len);
    if pad.len() > 2
        || pad.iter().any(|&b| b != b'=')
        || !body
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/'))
    {
        return Ok(None);
    }
    // A lone final character carries 6 bits: PHP drops it.
    let body = body
        .get(..body.len() - usize::from(body.len() % 4 == 1))
        .unwrap_or_default();
    // Every 4 characters make 3 bytes, 2 or 3 trailing ones 1 or 2.
    let needed = body.len() / 4 * 3 + (body.len() % 4).saturating_sub(1);
    let out = buf.get_mut(..needed).ok_or(crate::Error::BufferTooSmall)?;
    match LENIENT.decode_slice(body, out) {
        Ok(n) => Ok(out.get(..n)),
        Err(base64::DecodeSliceError::OutputSliceTooSmall) => Err(crate::Error::BufferTooSmall),
        // The alphabet and length were checked above: not reached.
        Err(base64::DecodeSliceError::DecodeError(_)) => Ok(None),
    }
}

/// A version-4 UUID from 16 random bytes, in WordPress's lower-case form
/// (`xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`), for a new record's `uuid`.
#[must_use]
pub fn uuid4(random: [u8; 16]) -> [u8; 36] {
    let mut b = random;
    if let Some(v) = b.get_mut(6) {
        *v = (*v & 0x0f) | 0x40;
    }
    if let Some(r) = b.get_mut(8) {
        *r = (*r & 0x3f) | 0x80;
    }
    let mut hex = [0u8; 32];
    wp_hash::hex_into(&b, &mut hex);
    let mut out = [b'-'; 36];
    // 8-4-4-4-12 hex digits.
    for (i, &h) in hex.iter().enumerate() {
        let at = i + [8, 12, 16, 20].iter().filter(|&&d| i >= d).count();
        if let Some(slot) = out.get_mut(at) {
            *slot = h;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn populate_needs_the_decoded_length_and_says_so_when_short() {
        for len in 1..40 {
            let creds: std::vec::Vec<u8> = (0..len).map(|i| b"user:pa ss"[i % 10]).collect();
            let header = [
                &b"Basic "[..],
                base64::engine::general_purpose::STANDARD
                    .encode(&creds)
                    .as_bytes(),
            ]
            .concat();
            let server = Server {
                http_authorization: Some(&header),
                ..Server::default()
            };
            let mut exact = std::vec![0u8; len];
            let p = populate(&server, WpVersion::Wp61, &mut exact).unwrap();
            assert!(p.user.get().is_some(), "length {len}");
            let mut short = std::vec![0u8; len - 1];
            assert_eq!(
                populate(&server, WpVersion::Wp61, &mut short),
                Err(crate::Error::BufferTooSmall),
                "length {len}"
            );
        }
    }
}
