//! What PHP's `crypt()` and `password_verify()` accept besides phpass and WordPress's own
//! formats, for verification only: bcrypt always; MD5-crypt (`$1$`, feature `md5-crypt`),
//! SHA-256/512-crypt (`$5$`/`$6$`, feature `sha-crypt`) and Argon2i/Argon2id (feature `argon2`,
//! `password_verify` only). Traditional and extended DES hashes are at most 20 bytes, so
//! WordPress always treats them as MD5 digests and never reaches `crypt()` with them.

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

/// PHP passes passwords to `crypt()` as C strings: everything from the first NUL is ignored.
pub(crate) fn c_string(password: &[u8]) -> &[u8] {
    password
        .iter()
        .position(|&b| b == 0)
        .and_then(|n| password.get(..n))
        .unwrap_or(password)
}

/// `crypt(password, stored) === stored` for the crypt(3) formats (not Argon2).
#[must_use]
pub fn verify(password: &[u8], stored: &[u8]) -> bool {
    match Scheme::of(stored) {
        Scheme::Bcrypt => crate::bcrypt::verify(password, stored),
        #[cfg(feature = "md5-crypt")]
        Scheme::Md5Crypt => crate::md5crypt::verify(c_string(password), stored),
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
