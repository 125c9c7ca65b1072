//! The REST API's cookie check, `rest_cookie_check_errors()`: whether a request that
//! authenticated with a cookie carries a valid `wp_rest` nonce.
//!
//! ```
//! use wp_nonce::{NonceKey, Context, Lifetime, create};
//! use wp_nonce::rest::{cookie_check, CookieAuth, NonceSources, Outcome, Request};
//!
//! let key = NonceKey::new(b"nonce-key", b"nonce-salt");
//! let now = 1_700_000_000;
//! let nonce = create(&key, now, &Context::new("wp_rest", 7, b"TOKEN"));
//! let sources = NonceSources { header: Some(nonce.as_bytes()), ..NonceSources::default() };
//! let check = cookie_check(&key, now, Lifetime::DAY, &Request {
//!     prior_decided: false,
//!     cookie: CookieAuth::Valid,
//!     user_id: 7,
//!     token: b"TOKEN",
//!     nonce: sources.select(),
//! });
//! assert_eq!(check.outcome, Outcome::Proceed);
//! assert_eq!(check.user_id, 7);
//! assert!(check.refreshed.is_some());
//! ```

use crate::{Context, Lifetime, Nonce, NonceKey, create, verify};

/// The action REST nonces are made for.
pub const REST_ACTION: &[u8] = b"wp_rest";

/// What cookie authentication recorded for this request (`$wp_rest_auth_cookie`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CookieAuth {
    /// A cookie validated (`auth_cookie_valid`).
    Valid,
    /// A cookie was sent and failed (`malformed`, `expired`, `bad_username`, `bad_hash`).
    Failed,
    /// No cookie authentication happened.
    None,
}

/// Where a REST request may carry its nonce.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NonceSources<'a> {
    /// `_wpnonce` in the query string, if the key is present (even with an empty value).
    pub query: Option<&'a [u8]>,
    /// `_wpnonce` in the form body, if present.
    pub body: Option<&'a [u8]>,
    /// The `X-WP-Nonce` header, if present.
    pub header: Option<&'a [u8]>,
}

impl<'a> NonceSources<'a> {
    /// The nonce WordPress checks: `$_REQUEST['_wpnonce']` (the body's over the query's, as
    /// `array_merge($_GET, $_POST)` orders them) if present at all, else the header.
    #[must_use]
    pub fn select(&self) -> Option<&'a [u8]> {
        self.body.or(self.query).or(self.header)
    }
}

/// The request as the cookie check sees it. `Debug` prints the token and nonce as
/// `[redacted]`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Request<'a> {
    /// An earlier `rest_authentication_errors` handler already returned a non-empty result.
    pub prior_decided: bool,
    /// What cookie authentication recorded.
    pub cookie: CookieAuth,
    /// The user determined so far (0 when logged out).
    pub user_id: u64,
    /// The session token from the `logged_in` cookie, as merely parsed (empty when none).
    pub token: &'a [u8],
    /// The nonce, from [`NonceSources::select`].
    pub nonce: Option<&'a [u8]>,
}

impl core::fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Request")
            .field("prior_decided", &self.prior_decided)
            .field("cookie", &self.cookie)
            .field("user_id", &self.user_id)
            .field("token", &"[redacted]")
            .field("nonce", &self.nonce.map(|_| "[redacted]"))
            .finish()
    }
}

/// The cookie check's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The filter returns the incoming result unchanged (an earlier handler decided, or the
    /// user authenticated some other way and no nonce is needed).
    Unchanged,
    /// `true`: the request proceeds (as [`Check::user_id`]).
    Proceed,
    /// `rest_cookie_invalid_nonce`, HTTP 403.
    InvalidNonce,
}

impl Outcome {
    /// The WordPress error code of a failing outcome (`rest_cookie_invalid_nonce`).
    #[must_use]
    pub const fn code(self) -> Option<&'static str> {
        match self {
            Self::InvalidNonce => Some("rest_cookie_invalid_nonce"),
            _ => None,
        }
    }

    /// WordPress's (English) message of a failing outcome (`Cookie check failed`).
    #[must_use]
    pub const fn message(self) -> Option<&'static str> {
        match self {
            Self::InvalidNonce => Some("Cookie check failed"),
            _ => None,
        }
    }

    /// The HTTP status of a failing outcome (403).
    #[must_use]
    pub const fn status(self) -> Option<u16> {
        match self {
            Self::InvalidNonce => Some(403),
            _ => None,
        }
    }
}

/// The result of [`cookie_check`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Check {
    /// The decision.
    pub outcome: Outcome,
    /// The current user afterwards: reset to 0 when a cookie request carries no nonce.
    pub user_id: u64,
    /// A fresh `wp_rest` nonce to send back as the `X-WP-Nonce` response header.
    pub refreshed: Option<Nonce>,
    /// Whether WordPress marks the response uncacheable (on a nonce failure).
    pub no_cache: bool,
}

/// `rest_cookie_check_errors()`, WordPress 6.1 through 6.9, in WordPress's order.
#[must_use]
#[doc(alias = "rest_cookie_check_errors")]
pub fn cookie_check(key: &NonceKey, now: u64, life: Lifetime, req: &Request<'_>) -> Check {
    let unchanged = Check {
        outcome: Outcome::Unchanged,
        user_id: req.user_id,
        refreshed: None,
        no_cache: false,
    };
    if req.prior_decided || (req.cookie != CookieAuth::Valid && req.user_id != 0) {
        return unchanged;
    }
    let Some(nonce) = req.nonce else {
        return Check {
            outcome: Outcome::Proceed,
            user_id: 0,
            ..unchanged
        };
    };
    let ctx = Context::new(REST_ACTION, req.user_id, req.token).with_life(life);
    if verify(key, now, &ctx, nonce).is_err() {
        return Check {
            outcome: Outcome::InvalidNonce,
            no_cache: true,
            ..unchanged
        };
    }
    Check {
        outcome: Outcome::Proceed,
        refreshed: Some(create(key, now, &ctx)),
        ..unchanged
    }
}
