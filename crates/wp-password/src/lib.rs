#![no_std]
#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(test)]
extern crate std;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit as _, Mac as _};
use md5::{Digest as _, Md5};
use sha2::Sha384;
use subtle::ConstantTimeEq;

// Module graph (an edge: "calls into"), a DAG: lib -> app | phpass | fast | limits;
// app -> fast -> phpass -> crypt -> crypt::bcrypt | crypt::md5crypt -> encoding.
pub mod app;
pub mod crypt;
mod encoding;
mod error;
pub mod fast;
pub mod limits;
pub mod phpass;

pub use crypt::bcrypt;

pub use error::Error;
pub use fast::{fast_hash, verify_fast_hash};
pub use limits::Limits;

pub use wp_hash::WpVersion;

/// The longest password WordPress checks or hashes, in bytes.
pub const MAX_PASSWORD_LEN: usize = 4096;

/// The HMAC-SHA384 key of WordPress 6.8's bcrypt pre-hash (the literal ASCII string).
pub const PREHASH_KEY: &[u8] = b"wp-sha384";

/// Length of a `$wp$2y$` hash: `$wp` and a 60-byte bcrypt string.
pub const WP_HASH_LEN: usize = 3 + bcrypt::HASH_LEN;

/// Which step of WordPress 6.8's `wp_check_password()` decides for a (password, hash) pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Branch {
    /// The stored value is at most 32 bytes: compared with the hex MD5 of the password.
    Md5,
    /// The password is over 4096 bytes: rejected.
    TooLong,
    /// `$wp` prefix: bcrypt of the HMAC-SHA384 pre-hash.
    WpBcrypt,
    /// `$P$` prefix: phpass (with its `crypt()` fallback).
    Phpass,
    /// Anything else: PHP's `password_verify()`.
    PasswordVerify,
}

impl Branch {
    /// The branch 6.8 takes.
    #[must_use]
    pub fn of(password: &[u8], stored: &[u8]) -> Self {
        if stored.len() <= 32 {
            Self::Md5
        } else if password.len() > MAX_PASSWORD_LEN {
            Self::TooLong
        } else if stored.starts_with(b"$wp") {
            Self::WpBcrypt
        } else if stored.starts_with(b"$P$") {
            Self::Phpass
        } else {
            Self::PasswordVerify
        }
    }

    /// The vector files' name for the branch.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Md5 => "md5",
            Self::TooLong => "too_long",
            Self::WpBcrypt => "wp_bcrypt",
            Self::Phpass => "phpass",
            Self::PasswordVerify => "password_verify",
        }
    }
}

/// `wp_check_password(password, stored)`: whether `password` matches the stored `user_pass`
/// (or application-password) hash, exactly as the chosen WordPress version decides.
///
/// Every comparison of secret-derived bytes is constant time. The result does not tell the
/// caller to rehash: see [`needs_rehash`] (and, for 6.1's MD5 upgrade, [`Branch::Md5`]).
///
/// ```
/// use wp_password::{Error, WpVersion, verify};
/// let stored = b"$P$BCegwF4iNP5ap4082TPTXFIQ22GmwS1";
/// assert_eq!(verify(b"password", stored, WpVersion::Wp68), Ok(()));
/// assert_eq!(verify(b"Password", stored, WpVersion::Wp68), Err(Error::IncorrectPassword));
/// ```
///
/// A stored hash that asks for more work than [`Limits::DEFAULT`] is not run
/// ([`Error::CostLimit`]); [`verify_within`] takes other limits.
///
/// # Errors
/// [`Error::IncorrectPassword`], [`Error::CostLimit`].
#[doc(alias = "wp_check_password")]
pub fn verify(password: &[u8], stored: &[u8], version: WpVersion) -> Result<(), Error> {
    verify_within(password, stored, version, &Limits::DEFAULT)
}

/// [`verify`] with the caller's [`Limits`] on the work a stored hash may ask for
/// ([`Limits::PHP`]: as PHP, none).
///
/// # Errors
/// [`Error::IncorrectPassword`]; [`Error::CostLimit`] when the branch WordPress takes would
/// hash and `stored` asks for more work than `limits` allow (checked before any hashing).
pub fn verify_within(
    password: &[u8],
    stored: &[u8],
    version: WpVersion,
    limits: &Limits,
) -> Result<(), Error> {
    let hashes = match version {
        WpVersion::Wp61 => stored.len() > 32,
        WpVersion::Wp68 => matches!(
            Branch::of(password, stored),
            Branch::WpBcrypt | Branch::Phpass | Branch::PasswordVerify
        ),
    };
    if hashes {
        limits.admit(stored)?;
    }
    if check_admitted(password, stored, version, limits) {
        Ok(())
    } else {
        Err(Error::IncorrectPassword)
    }
}

impl Limits {
    /// `Ok` when the work `stored` asks for (read from the hash, before any hashing) is within
    /// these limits; a string that is none of these formats asks for no work.
    ///
    /// # Errors
    /// [`Error::CostLimit`].
    pub fn admit(&self, stored: &[u8]) -> Result<(), Error> {
        let within = match phpass::Setting::parse(stored) {
            Ok(s) => s.count_log2 <= self.phpass_count_log2,
            Err(_) => crypt::within(stored, self),
        };
        if within {
            Ok(())
        } else {
            Err(Error::CostLimit)
        }
    }
}

/// [`verify_within`] once `stored` is admitted.
fn check_admitted(password: &[u8], stored: &[u8], version: WpVersion, limits: &Limits) -> bool {
    match version {
        WpVersion::Wp61 if stored.len() <= 32 => md5_matches(password, stored),
        WpVersion::Wp61 => phpass::check(password, stored, limits),
        WpVersion::Wp68 => match Branch::of(password, stored) {
            Branch::Md5 => md5_matches(password, stored),
            Branch::TooLong => false,
            Branch::WpBcrypt => {
                let inner = stored.get(3..).unwrap_or_default();
                crypt::password_verify(&prehash(password), inner)
            }
            Branch::Phpass => phpass::check(password, stored, limits),
            Branch::PasswordVerify => crypt::password_verify(password, stored),
        },
    }
}

/// The legacy rule: `stored` equals the lowercase hex MD5 of the password (constant time).
fn md5_matches(password: &[u8], stored: &[u8]) -> bool {
    let digest = Md5::digest(password);
    let mut hex = [0u8; 32];
    wp_hash::hex_into(&digest, &mut hex);
    bool::from(hex.as_slice().ct_eq(stored))
}

/// WordPress 6.8's bcrypt pre-hash: standard base64 (64 characters) of
/// HMAC-SHA384 keyed with `wp-sha384`. Hashing trims the password first; checking does not.
///
/// ```
/// assert_eq!(
///     &wp_password::prehash(b"password"),
///     b"ZEIBxmCIjkyF8MNbMmsrJOPmp2/ioyAvd90BaIOY1lr6z3gfcWZusfjOv0kWasvS",
/// );
/// ```
#[must_use]
pub fn prehash(password: &[u8]) -> [u8; 64] {
    let mut out = [0u8; 64];
    if let Ok(mut mac) = Hmac::<Sha384>::new_from_slice(PREHASH_KEY) {
        mac.update(password);
        // 48 bytes → exactly 64 characters, no padding.
        let _ = STANDARD.encode_slice(mac.finalize().into_bytes(), &mut out);
    }
    out
}

/// `wp_hash_password()` of WordPress 6.8+: `$wp` + bcrypt `$2y$` of the pre-hash of the
/// trimmed password. `salt` must be 16 bytes from a cryptographic RNG; `cost` is PHP's bcrypt
/// cost (WordPress uses PHP's default: 10 before PHP 8.4, 12 from 8.4).
///
/// # Errors
/// [`Error::TooLong`] over 4096 bytes (checked before trimming), [`Error::Bcrypt`] for a cost
/// outside 04..=31.
///
/// ```
/// use wp_password::{WpVersion, hash_password, verify};
/// let stored = hash_password(b"correct horse", [7; 16], 4).unwrap();
/// assert!(stored.starts_with(b"$wp$2y$04$"));
/// assert_eq!(verify(b"correct horse", &stored, WpVersion::Wp68), Ok(()));
/// ```
#[doc(alias = "wp_hash_password")]
pub fn hash_password(
    password: &[u8],
    salt: [u8; 16],
    cost: u8,
) -> Result<[u8; WP_HASH_LEN], Error> {
    if password.len() > MAX_PASSWORD_LEN {
        return Err(Error::TooLong);
    }
    let setting = bcrypt::Setting::new(cost, salt)?;
    let inner = setting.hash(&prehash(wp_php::trim(password)));
    let mut out = [0u8; WP_HASH_LEN];
    let (prefix, rest) = out.split_at_mut(3);
    prefix.copy_from_slice(b"$wp");
    rest.copy_from_slice(&inner);
    Ok(out)
}

/// `wp_hash_password()` of WordPress ≤ 6.7: phpass `$P$B` of the trimmed password, with a
/// salt made from 6 random bytes.
///
/// # Errors
/// [`Error::TooLong`] over 4096 bytes.
pub fn hash_password_phpass(
    password: &[u8],
    random: [u8; 6],
) -> Result<[u8; phpass::HASH_LEN], Error> {
    if password.len() > MAX_PASSWORD_LEN {
        return Err(Error::TooLong);
    }
    Ok(phpass::Setting::wordpress(random).hash(wp_php::trim(password)))
}

/// `wp_password_needs_rehash()` of 6.8 with bcrypt as the algorithm: true for anything that
/// is not a `$wp$2y$` hash of the given cost.
#[must_use]
pub fn needs_rehash(stored: &[u8], cost: u8) -> bool {
    match stored.strip_prefix(b"$wp") {
        Some(inner) if inner.len() == bcrypt::HASH_LEN => !matches!(
            bcrypt::Setting::parse(inner),
            Ok(s) if s.variant == bcrypt::Variant::Y && s.cost == cost
        ),
        _ => true,
    }
}

/// A `$wp$2y$10$` hash of a random password nobody knows, for [`dummy_verify`].
pub const DUMMY_HASH: &[u8; WP_HASH_LEN] =
    b"$wp$2y$10$Hy9oHVZ3yqB2cyR8DaDTGe5Lr6BqOpfRh2kdDNtFvQHtM/2fjTmFu";

/// Spends the time of a real 6.8 password check (bcrypt, cost 10) and answers
/// [`Error::IncorrectPassword`]: call it when the user name is unknown so that the response
/// time does not reveal which user names exist. WordPress itself answers unknown users at
/// once; this is the mature choice for a service that stands in front of it.
///
/// # Errors
/// Always [`Error::IncorrectPassword`].
pub fn dummy_verify(password: &[u8]) -> Result<(), Error> {
    let _ = core::hint::black_box(verify(password, DUMMY_HASH, WpVersion::Wp68));
    Err(Error::IncorrectPassword)
}
