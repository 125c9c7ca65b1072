//! `wp_salt()`: which wp-config constants (or site options) make up a scheme's salt.

use hmac::Mac;

use crate::{Error, HexDigest, keyed};

/// A `wp_salt()` scheme. The four standard ones read their own constant pair; any other name
/// (compared byte for byte and case-sensitively, so `AUTH` and `auth ` are "other") derives its
/// salt from `SECRET_KEY`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme<'a> {
    /// `auth`: `AUTH_KEY . AUTH_SALT`, the admin cookie over plain HTTP.
    Auth,
    /// `secure_auth`: `SECURE_AUTH_KEY . SECURE_AUTH_SALT`, the admin cookie over HTTPS.
    SecureAuth,
    /// `logged_in`: `LOGGED_IN_KEY . LOGGED_IN_SALT`, the front-end cookie.
    LoggedIn,
    /// `nonce`: `NONCE_KEY . NONCE_SALT`.
    Nonce,
    /// Any other scheme name, such as `recovery_mode`.
    Other(&'a [u8]),
}

impl<'a> Scheme<'a> {
    /// The scheme for a name as WordPress compares it (exact bytes).
    #[must_use]
    pub fn from_bytes(name: &'a [u8]) -> Self {
        match name {
            b"auth" => Self::Auth,
            b"secure_auth" => Self::SecureAuth,
            b"logged_in" => Self::LoggedIn,
            b"nonce" => Self::Nonce,
            other => Self::Other(other),
        }
    }

    /// The scheme name.
    #[must_use]
    pub fn name(&self) -> &'a [u8] {
        match self {
            Self::Auth => b"auth",
            Self::SecureAuth => b"secure_auth",
            Self::LoggedIn => b"logged_in",
            Self::Nonce => b"nonce",
            Self::Other(name) => name,
        }
    }

    /// (key constant, salt constant, key option, salt option) for a standard scheme.
    fn names(&self) -> Option<[&'static str; 4]> {
        Some(match self {
            Self::Auth => ["AUTH_KEY", "AUTH_SALT", "auth_key", "auth_salt"],
            Self::SecureAuth => [
                "SECURE_AUTH_KEY",
                "SECURE_AUTH_SALT",
                "secure_auth_key",
                "secure_auth_salt",
            ],
            Self::LoggedIn => [
                "LOGGED_IN_KEY",
                "LOGGED_IN_SALT",
                "logged_in_key",
                "logged_in_salt",
            ],
            Self::Nonce => ["NONCE_KEY", "NONCE_SALT", "nonce_key", "nonce_salt"],
            Self::Other(_) => return None,
        })
    }
}

/// Where `wp_salt()` reads its inputs: wp-config constants and, for unusable ones, site options.
///
/// Both return `None` for "not defined" / "no such option".
pub trait SaltSource {
    /// The value of a wp-config constant such as `NONCE_KEY` or `SECRET_KEY`.
    fn constant(&self, name: &str) -> Option<&[u8]>;
    /// The value of a site option such as `nonce_key` or `secret_key`.
    fn site_option(&self, name: &str) -> Option<&[u8]>;
}

/// The ten constants whose values are checked for duplicates.
const ALL_CONSTANTS: [&str; 10] = [
    "AUTH_KEY",
    "AUTH_SALT",
    "SECURE_AUTH_KEY",
    "SECURE_AUTH_SALT",
    "LOGGED_IN_KEY",
    "LOGGED_IN_SALT",
    "NONCE_KEY",
    "NONCE_SALT",
    "SECRET_KEY",
    "SECRET_SALT",
];

/// wp-config-sample.php's placeholder, always treated as unusable.
const PLACEHOLDER: &[u8] = b"put your unique phrase here";

/// PHP truthiness of a string: everything but `""` and `"0"`.
fn truthy(v: &[u8]) -> bool {
    !matches!(v, b"" | b"0")
}

/// A constant's value if `wp_salt()` would use it: defined, truthy, not the placeholder and not
/// shared with any other of the ten constants.
fn usable<'a, S: SaltSource + ?Sized>(src: &'a S, name: &str) -> Option<&'a [u8]> {
    let v = src.constant(name).filter(|v| truthy(v))?;
    let holders = ALL_CONSTANTS
        .iter()
        .filter(|n| src.constant(n) == Some(v))
        .count();
    (v != PLACEHOLDER && holders < 2).then_some(v)
}

/// A site option's value if it is truthy.
fn option<'a, S: SaltSource + ?Sized>(src: &'a S, name: &str) -> Result<&'a [u8], Error> {
    src.site_option(name)
        .filter(|v| truthy(v))
        .ok_or(Error::MissingSalt)
}

/// A resolved salt string, `key . salt`, kept as its two halves.
#[derive(Clone, Copy)]
pub struct Salt<'a> {
    key: &'a [u8],
    salt: Half<'a>,
}

#[derive(Clone, Copy)]
enum Half<'a> {
    Borrowed(&'a [u8]),
    /// `hash_hmac('md5', scheme, key)` for schemes outside the standard four.
    Derived(HexDigest),
}

impl<'a> Salt<'a> {
    /// The salt `key . salt` from two known values (what `wp_salt()` returns when both
    /// constants of a standard scheme are usable).
    #[must_use]
    pub fn new(key: &'a [u8], salt: &'a [u8]) -> Self {
        Self {
            key,
            salt: Half::Borrowed(salt),
        }
    }

    /// The two halves; the salt string is their concatenation.
    #[must_use]
    pub fn halves(&self) -> (&[u8], &[u8]) {
        let salt = match &self.salt {
            Half::Borrowed(s) => s,
            Half::Derived(h) => h.as_bytes(),
        };
        (self.key, salt)
    }

    /// The length of the salt string in bytes.
    #[must_use]
    pub fn len(&self) -> usize {
        let (a, b) = self.halves();
        a.len() + b.len()
    }

    /// Whether the salt string is empty (never, for one from [`wp_salt`]).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the salt string equals `other`.
    #[must_use]
    pub fn eq_bytes(&self, other: &[u8]) -> bool {
        let (a, b) = self.halves();
        other.len() == a.len() + b.len() && other.starts_with(a) && other.ends_with(b)
    }
}

impl core::fmt::Debug for Salt<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Salt([redacted])")
    }
}

/// `wp_salt($scheme)` (WordPress 6.1 through 6.9): picks the constants, with WordPress's
/// fallbacks for missing, empty, placeholder and duplicated values.
///
/// Where WordPress would generate a random value and store it as a site option, this returns
/// [`Error::MissingSalt`]: read the option WordPress stored and supply it through
/// [`SaltSource::site_option`]. The `salt` filter and the translated placeholder of localised
/// wp-config samples are not applied.
///
/// # Errors
/// [`Error::MissingSalt`] as above.
pub fn wp_salt<'a, S: SaltSource + ?Sized>(
    src: &'a S,
    scheme: Scheme<'a>,
) -> Result<Salt<'a>, Error> {
    let secret_key = usable(src, "SECRET_KEY");
    match scheme.names() {
        Some([key_const, salt_const, key_opt, salt_opt]) => {
            let secret_salt = if scheme == Scheme::Auth {
                usable(src, "SECRET_SALT")
            } else {
                None
            };
            let key = match usable(src, key_const).or(secret_key) {
                Some(v) => v,
                None => option(src, key_opt)?,
            };
            let salt = match usable(src, salt_const).or(secret_salt) {
                Some(v) => v,
                None => option(src, salt_opt)?,
            };
            Ok(Salt::new(key, salt))
        }
        None => {
            let key = match secret_key {
                Some(v) => v,
                None => option(src, "secret_key")?,
            };
            let mut mac = keyed::<md5::Md5>(key, b"");
            mac.update(scheme.name());
            Ok(Salt {
                key,
                salt: Half::Derived(HexDigest::encode(&mac.finalize().into_bytes())),
            })
        }
    }
}
