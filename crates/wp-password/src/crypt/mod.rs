//! What PHP's `crypt()` and `password_verify()` accept besides phpass and WordPress's own
//! formats, for verification only: bcrypt always; MD5-crypt (`$1$`, feature `md5-crypt`),
//! SHA-256/512-crypt (`$5$`/`$6$`, feature `sha-crypt`) and Argon2i/Argon2id (feature `argon2`,
//! `password_verify` only). Traditional and extended DES hashes are at most 20 bytes, so
//! WordPress always treats them as MD5 digests and never reaches `crypt()` with them.

pub mod bcrypt;
#[cfg(feature = "md5-crypt")]
mod md5crypt;

#[cfg(any(feature = "md5-crypt", feature = "sha-crypt"))]
use crate::encoding::c_string;

/// The stored formats PHP can verify, by prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scheme {
    /// `$2a$`, `$2b$`, `$2x$`, `$2y$`.
    Bcrypt,
    /// `$1$`.
    Md5Crypt,
    /// `$5$`.
    Sha256Crypt,
    /// `$6$`.
    Sha512Crypt,
    /// `$argon2i$`, `$argon2id$` (only through `password_verify`).
    Argon2,
    /// Anything else: never verifies.
    Unknown,
}

impl Scheme {
    /// The scheme a stored string names.
    #[must_use]
    pub fn of(stored: &[u8]) -> Self {
        match stored {
            [b'$', b'2', b'a' | b'b' | b'x' | b'y', b'$', ..] => Self::Bcrypt,
            [b'$', b'1', b'$', ..] => Self::Md5Crypt,
            [b'$', b'5', b'$', ..] => Self::Sha256Crypt,
            [b'$', b'6', b'$', ..] => Self::Sha512Crypt,
            _ if stored.starts_with(b"$argon2i$") || stored.starts_with(b"$argon2id$") => {
                Self::Argon2
            }
            _ => Self::Unknown,
        }
    }

    /// Whether this build can verify the scheme (the optional ones need their features).
    #[must_use]
    pub fn supported(self) -> bool {
        match self {
            Self::Bcrypt => true,
            Self::Md5Crypt => cfg!(feature = "md5-crypt"),
            Self::Sha256Crypt | Self::Sha512Crypt => cfg!(feature = "sha-crypt"),
            Self::Argon2 => cfg!(feature = "argon2"),
            Self::Unknown => false,
        }
    }
}

/// Whether the work a crypt(3), bcrypt or Argon2 `stored` string asks for (read from it,
/// before any hashing) is within `limits`; other strings ask for none.
pub(crate) fn within(stored: &[u8], limits: &crate::Limits) -> bool {
    use crate::limits::decimal_at_most;
    let inner = stored.strip_prefix(b"$wp").unwrap_or(stored);
    if let Ok(s) = bcrypt::Setting::parse(inner) {
        s.cost <= limits.bcrypt_cost
    } else if stored.starts_with(b"$5$") || stored.starts_with(b"$6$") {
        let rounds = stored
            .get(3..)
            .and_then(|r| r.strip_prefix(b"rounds="))
            .map(|r| r.split(|&b| b == b'$').next().unwrap_or_default());
        rounds.is_none_or(|r| decimal_at_most(r, limits.sha_crypt_rounds))
    } else if stored.starts_with(b"$argon2") {
        let mut ok = true;
        for field in stored.split(|&b| b == b'$' || b == b',') {
            if let Some(m) = field.strip_prefix(b"m=") {
                ok &= decimal_at_most(m, limits.argon2_memory_kib);
            } else if let Some(t) = field.strip_prefix(b"t=") {
                ok &= decimal_at_most(t, limits.argon2_time);
            }
        }
        ok
    } else {
        true
    }
}

/// `crypt(password, stored) === stored` for the crypt(3) formats (not Argon2).
#[must_use]
pub fn verify(password: &[u8], stored: &[u8]) -> bool {
    match Scheme::of(stored) {
        Scheme::Bcrypt => bcrypt::verify(password, stored),
        #[cfg(feature = "md5-crypt")]
        Scheme::Md5Crypt => md5crypt::verify(c_string(password), stored),
        #[cfg(feature = "sha-crypt")]
        Scheme::Sha256Crypt | Scheme::Sha512Crypt => sha_crypt_verify(c_string(password), stored),
        _ => false,
    }
}

/// PHP's `password_verify(password, stored)`: Argon2 when enabled, otherwise [`verify`].
#[must_use]
pub fn password_verify(password: &[u8], stored: &[u8]) -> bool {
    match Scheme::of(stored) {
        #[cfg(feature = "argon2")]
        Scheme::Argon2 => argon2_verify(password, stored),
        _ => verify(password, stored),
    }
}

#[cfg(feature = "sha-crypt")]
fn sha_crypt_verify(password: &[u8], stored: &[u8]) -> bool {
    use sha_crypt::{PasswordVerifier as _, ShaCrypt};
    core::str::from_utf8(stored)
        .is_ok_and(|s| ShaCrypt::default().verify_password(password, s).is_ok())
}

#[cfg(feature = "argon2")]
fn argon2_verify(password: &[u8], stored: &[u8]) -> bool {
    use argon2::password_hash::PasswordVerifier as _;
    // libargon2 (behind PHP) hashes the whole password, NULs included.
    core::str::from_utf8(stored).is_ok_and(|s| {
        argon2::Argon2::default()
            .verify_password(password, s)
            .is_ok()
    })
}
