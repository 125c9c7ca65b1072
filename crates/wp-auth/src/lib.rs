#![no_std]
#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "std")]
pub mod config;

use wp_cookie::{CookieKey, Scheme};
use wp_hash::SaltSource;
use wp_nonce::NonceKey;

/// A site's four keys, each keyed once from its salt (`wp_salt()`'s rules: constants, the
/// placeholder and duplicate fallbacks, site options). `Debug` prints no key material.
#[derive(Clone, Debug)]
pub struct Keys {
    /// `wp_salt('nonce')`: `wp_rest` and every other nonce.
    pub nonce: NonceKey,
    /// `wp_salt('auth')`: the admin cookie over plain HTTP.
    pub auth: CookieKey,
    /// `wp_salt('secure_auth')`: the admin cookie over HTTPS.
    pub secure_auth: CookieKey,
    /// `wp_salt('logged_in')`: the front-end cookie the REST API reads.
    pub logged_in: CookieKey,
}

impl Keys {
    /// Keys all four schemes from a site's constants and options.
    ///
    /// # Errors
    /// `wp_hash::Error::MissingSalt` where WordPress would have generated a salt and stored it
    /// as a site option the source does not have.
    pub fn from_source<S: SaltSource + ?Sized>(src: &S) -> Result<Self, wp_hash::Error> {
        Ok(Self {
            nonce: NonceKey::from_source(src)?,
            auth: CookieKey::from_source(Scheme::Auth, src)?,
            secure_auth: CookieKey::from_source(Scheme::SecureAuth, src)?,
            logged_in: CookieKey::from_source(Scheme::LoggedIn, src)?,
        })
    }
}
