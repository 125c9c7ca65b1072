#![no_std]
#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "axum")]
pub mod axum;
#[cfg(feature = "std")]
pub mod config;
mod flow;
#[cfg(feature = "http")]
pub mod http;
#[cfg(feature = "std")]
mod memory;
mod outcome;
mod request;
mod store;
#[cfg(feature = "tower")]
pub mod tower;

pub use flow::{Answer, Flow, Lookup, Step};
#[cfg(feature = "std")]
pub use memory::{MemoryStore, MemoryUser, ReplayCache};
pub use outcome::{
    Authenticated, BasicAuthError, Effects, Error, Json, Method, Outcome, RestError,
};
pub use request::RequestView;
pub use store::{
    AppPasswordRow, AsyncStore, JwtUserRow, MetaError, OAuth1Consumer, OAuth1Token, ReplayKey,
    Store, StoredSecret, UserRow,
};
pub use wp_cookie::site::CookieNames;
pub use wp_cookie::{Verifier, WpVersion};
pub use wp_nonce::{Lifetime, Nonce};

use alloc::boxed::Box;

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

/// When the site determines the current user of a REST request, which decides whether an
/// application password's failure is seen (WordPress core answers differently depending on
/// what plugins do; see the crate docs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum UserDetermined {
    /// A stock site: nothing determines the user between the REST server's start and its
    /// authentication checks, so a failed application password leaves the request anonymous.
    #[default]
    Late,
    /// Something (a plugin, a theme) determines the user before the checks run: a failed
    /// application password is answered with its own 401 error.
    Early,
}

/// Whether application passwords can take part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AppPasswords {
    /// The `using_application_passwords` option: one was ever created on the site.
    pub in_use: bool,
    /// `wp_get_environment_type() === 'local'`: available over plain HTTP too (otherwise only
    /// over TLS).
    pub local_environment: bool,
}

impl Default for AppPasswords {
    fn default() -> Self {
        Self {
            in_use: true,
            local_environment: false,
        }
    }
}

/// The OAuth1 plugin (WP-API/OAuth1) as configured on the site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OAuth1 {
    /// `json_oauth1_timestamp_window` (900 s by default).
    pub timestamp_window: u64,
}

impl Default for OAuth1 {
    fn default() -> Self {
        Self {
            timestamp_window: 900,
        }
    }
}

/// A site, built once and shared (behind an `Arc`): its keys, cookie names, `home`, the
/// WordPress version followed and what is enabled. `Debug` prints no key material.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Config {
    /// The four keys.
    pub keys: Keys,
    /// The cookie names (from `siteurl`).
    pub cookie_names: CookieNames,
    /// The `home` option (the OAuth1 plugin signs URLs built from it).
    pub home: Box<[u8]>,
    /// Which WordPress to follow (newest by default).
    pub version: WpVersion,
    /// `nonce_life` (a day by default).
    pub nonce_life: Lifetime,
    /// Application passwords.
    pub app_passwords: AppPasswords,
    /// The OAuth1 plugin, when installed.
    pub oauth1: Option<OAuth1>,
    /// When the site determines the user.
    pub user_determined: UserDetermined,
    /// Basic credentials with account passwords, as the Basic-Auth plugin (WP-API/Basic-Auth)
    /// accepts them: `wp_authenticate()` on `PHP_AUTH_USER` / `PHP_AUTH_PW`. Off by default
    /// (the plugin is for development; it sends account passwords with every request).
    pub basic_account_passwords: bool,
    /// A JWT plugin, when installed.
    pub jwt: Option<Jwt>,
}

/// A JWT plugin on the site (Tmeister's "JWT Authentication for WP REST API" or Useful Team's
/// "JWT Auth"): its `determine_current_user` callback runs after the admin cookie's. `Debug`
/// prints no key.
#[derive(Clone, Debug)]
pub struct Jwt {
    /// Which plugin.
    pub profile: wp_jwt::Profile,
    /// `JWT_AUTH_SECRET_KEY`, keyed once for `alg`.
    pub key: wp_jwt::Key,
    /// The algorithm the plugin's filter returns (`HS256` by default).
    pub alg: Box<[u8]>,
    /// php-jwt's leeway in seconds (0 unless another plugin sets it).
    pub leeway: i64,
    /// The strict profile's size cap, when on ([`wp_jwt::Config::strict`]).
    pub strict: Option<usize>,
    /// The `permalink_structure` option is non-empty (Useful Team looks for `wp-json` in the
    /// URL then, else `?rest_route=/`).
    pub pretty_permalinks: bool,
}

impl Jwt {
    /// The plugin with the secret (`None`: `JWT_AUTH_SECRET_KEY` not defined) and HS256.
    #[must_use]
    pub fn new(profile: wp_jwt::Profile, secret: Option<&[u8]>) -> Self {
        Self {
            profile,
            key: wp_jwt::Key::new(secret, b"HS256"),
            alg: Box::from(&b"HS256"[..]),
            leeway: 0,
            strict: None,
            pretty_permalinks: true,
        }
    }

    /// The plugin with the secret of a `wp-config.php` (`JWT_AUTH_SECRET_KEY`).
    #[cfg(feature = "std")]
    #[must_use]
    pub fn from_wp_config(wp_config: &config::WpConfig, profile: wp_jwt::Profile) -> Self {
        Self::new(profile, wp_config.get("JWT_AUTH_SECRET_KEY"))
    }
}

impl Config {
    /// A stock site: WordPress's newest behaviour, a day's nonce life, application passwords
    /// in use (over TLS), no OAuth1 plugin, the user determined late.
    #[must_use]
    pub fn new(keys: Keys, siteurl: &[u8], home: &[u8]) -> Self {
        Self {
            keys,
            cookie_names: CookieNames::new(siteurl),
            home: home.into(),
            version: WpVersion::default(),
            nonce_life: Lifetime::DAY,
            app_passwords: AppPasswords::default(),
            oauth1: None,
            user_determined: UserDetermined::default(),
            basic_account_passwords: false,
            jwt: None,
        }
    }

    /// The site of a `wp-config.php`: keys from its salts (and `siteurl`, `home` as given,
    /// since they are options in the database).
    ///
    /// # Errors
    /// `wp_hash::Error::MissingSalt` for a salt the file does not define usably (see
    /// [`config::WpConfig::check_salts`] for which and where).
    #[cfg(feature = "std")]
    pub fn from_wp_config(
        wp_config: &config::WpConfig,
        siteurl: &[u8],
        home: &[u8],
    ) -> Result<Self, wp_hash::Error> {
        Ok(Self::new(Keys::from_source(wp_config)?, siteurl, home))
    }
}

/// The clock: the current Unix time in whole seconds, as PHP's `time()` reads it (0 for a
/// system clock set before 1970). Pass it as `now`.
#[cfg(feature = "std")]
#[must_use]
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Decides `req` at `now` as WordPress's REST API does, through a synchronous store.
///
/// # Errors
/// [`Error::Rest`] with WordPress's error for a rejected request; [`Error::Store`] when a
/// lookup failed.
pub fn authenticate<S: Store + ?Sized>(
    cfg: &Config,
    now: u64,
    req: &RequestView<'_>,
    store: &S,
) -> Result<Outcome, Error<S::Error>> {
    // OAuth1 buffers on the stack when they fit, else on the heap; none for other requests.
    const INLINE: (usize, usize) = (128, 4096);
    match Flow::buffers_needed(cfg, req) {
        (0, 0) => {
            let mut flow = Flow::prepared(cfg, now, req, false, &mut [], &mut []);
            drive(&mut flow, store)
        }
        (e, b) if e <= INLINE.0 && b <= INLINE.1 => {
            let mut entries = [wp_oauth1::Entry::EMPTY; INLINE.0];
            let mut bytes = [0u8; INLINE.1];
            let mut flow = Flow::prepared(cfg, now, req, true, &mut entries, &mut bytes);
            drive(&mut flow, store)
        }
        (e, b) => {
            let mut entries = alloc::vec![wp_oauth1::Entry::EMPTY; e];
            let mut bytes = alloc::vec![0u8; b];
            let mut flow = Flow::prepared(cfg, now, req, true, &mut entries, &mut bytes);
            drive(&mut flow, store)
        }
    }
}

fn drive<S: Store + ?Sized>(flow: &mut Flow<'_>, store: &S) -> Result<Outcome, Error<S::Error>> {
    let mut step = flow.start();
    loop {
        let answer = match step {
            Step::Done(r) => return r.map_err(Error::Rest),
            Step::Need(lookup) => match lookup {
                Lookup::UserByLogin(l) => {
                    Answer::User(store.user_by_login(l).map_err(Error::Store)?)
                }
                Lookup::UserByEmail(e) => {
                    Answer::User(store.user_by_email(e).map_err(Error::Store)?)
                }
                Lookup::Session { user_id, verifier } => Answer::Session(
                    store
                        .session_expiration(user_id, &verifier)
                        .map_err(Error::Store)?,
                ),
                Lookup::AppPasswords { user_id } => {
                    Answer::AppPasswords(store.app_passwords(user_id).map_err(Error::Store)?)
                }
                Lookup::OAuth1Token(k) => {
                    Answer::OAuth1Token(store.oauth1_token(k).map_err(Error::Store)?)
                }
                Lookup::OAuth1Consumer(k) => {
                    Answer::OAuth1Consumer(store.oauth1_consumer(k).map_err(Error::Store)?)
                }
                Lookup::RememberNonce { key, ttl } => {
                    Answer::NonceIsNew(store.remember_nonce(&key, ttl).map_err(Error::Store)?)
                }
                Lookup::UserById(id) => Answer::User(store.user_by_id(id).map_err(Error::Store)?),
                Lookup::JwtUser(id) => Answer::JwtUser(store.jwt_user(id).map_err(Error::Store)?),
            },
        };
        step = flow.resume(answer);
    }
}

/// [`authenticate`] through an asynchronous store (the same [`Flow`]).
///
/// # Errors
/// As [`authenticate`].
pub async fn authenticate_async<S: AsyncStore + ?Sized>(
    cfg: &Config,
    now: u64,
    req: &RequestView<'_>,
    store: &S,
) -> Result<Outcome, Error<S::Error>> {
    // OAuth1 buffers on the heap (a future keeps no large arrays); none for other requests.
    match Flow::buffers_needed(cfg, req) {
        (0, 0) => {
            let mut flow = Flow::prepared(cfg, now, req, false, &mut [], &mut []);
            drive_async(&mut flow, store).await
        }
        (e, b) => {
            let mut entries = alloc::vec![wp_oauth1::Entry::EMPTY; e];
            let mut bytes = alloc::vec![0u8; b];
            let mut flow = Flow::prepared(cfg, now, req, true, &mut entries, &mut bytes);
            drive_async(&mut flow, store).await
        }
    }
}

async fn drive_async<S: AsyncStore + ?Sized>(
    flow: &mut Flow<'_>,
    store: &S,
) -> Result<Outcome, Error<S::Error>> {
    let mut step = flow.start();
    loop {
        let answer = match step {
            Step::Done(r) => return r.map_err(Error::Rest),
            Step::Need(lookup) => match lookup {
                Lookup::UserByLogin(l) => {
                    Answer::User(store.user_by_login(l).await.map_err(Error::Store)?)
                }
                Lookup::UserByEmail(e) => {
                    Answer::User(store.user_by_email(e).await.map_err(Error::Store)?)
                }
                Lookup::Session { user_id, verifier } => Answer::Session(
                    store
                        .session_expiration(user_id, &verifier)
                        .await
                        .map_err(Error::Store)?,
                ),
                Lookup::AppPasswords { user_id } => {
                    Answer::AppPasswords(store.app_passwords(user_id).await.map_err(Error::Store)?)
                }
                Lookup::OAuth1Token(k) => {
                    Answer::OAuth1Token(store.oauth1_token(k).await.map_err(Error::Store)?)
                }
                Lookup::OAuth1Consumer(k) => {
                    Answer::OAuth1Consumer(store.oauth1_consumer(k).await.map_err(Error::Store)?)
                }
                Lookup::RememberNonce { key, ttl } => Answer::NonceIsNew(
                    store
                        .remember_nonce(&key, ttl)
                        .await
                        .map_err(Error::Store)?,
                ),
                Lookup::UserById(id) => {
                    Answer::User(store.user_by_id(id).await.map_err(Error::Store)?)
                }
                Lookup::JwtUser(id) => {
                    Answer::JwtUser(store.jwt_user(id).await.map_err(Error::Store)?)
                }
            },
        };
        step = flow.resume(answer);
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
