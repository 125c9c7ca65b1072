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

#[cfg(test)]
mod tests {
    use super::*;
    use wp_cookie::WpVersion;
    use wp_nonce::Context;

    struct Constants;

    impl SaltSource for Constants {
        fn constant(&self, name: &str) -> Option<&[u8]> {
            Some(match name {
                "NONCE_KEY" => b"nk",
                "NONCE_SALT" => b"ns",
                "AUTH_KEY" => b"ak",
                "AUTH_SALT" => b"as",
                "SECURE_AUTH_KEY" => b"sk",
                "SECURE_AUTH_SALT" => b"ss",
                "LOGGED_IN_KEY" => b"lk",
                "LOGGED_IN_SALT" => b"ls",
                _ => return None,
            })
        }

        fn site_option(&self, _name: &str) -> Option<&[u8]> {
            None
        }
    }

    /// Each key is the one its constant pair makes, none swapped.
    #[test]
    fn keys_come_from_their_own_constants() {
        let keys = Keys::from_source(&Constants).unwrap();
        let ctx = Context::new("wp_rest", 1, b"token");
        assert_eq!(
            wp_nonce::create(&keys.nonce, 1_700_000_000, &ctx),
            wp_nonce::create(&NonceKey::new(b"nk", b"ns"), 1_700_000_000, &ctx)
        );
        for (key, (k, s, scheme)) in [&keys.auth, &keys.secure_auth, &keys.logged_in]
            .into_iter()
            .zip([
                (&b"ak"[..], &b"as"[..], Scheme::Auth),
                (b"sk", b"ss", Scheme::SecureAuth),
                (b"lk", b"ls", Scheme::LoggedIn),
            ])
        {
            let cookie = |key: &CookieKey| {
                *wp_cookie::generate(key, b"admin", b"$P$Bhash", 9, b"tok", WpVersion::Wp68)
                    .mac()
                    .as_bytes()
            };
            assert_eq!(cookie(key), cookie(&CookieKey::new(scheme, k, s)));
        }
    }
}
