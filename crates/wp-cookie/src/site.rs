//! A site's cookie names and paths (`wp_cookie_constants()`), and the `Set-Cookie` lines of a
//! login (`wp_set_auth_cookie()`).
//!
//! ```
//! use wp_cookie::site::{CookieNames, Paths};
//!
//! let names = CookieNames::new(b"http://example.com");
//! assert_eq!(names.logged_in().to_string(), "wordpress_logged_in_a9b9f04336ce0181a08e774e01113b31");
//! let paths = Paths::new(b"https://example.com/wp", b"https://example.com");
//! assert_eq!(paths.cookie_path().to_string(), "/");
//! assert_eq!(paths.admin_cookie_path().to_string(), "/wp/wp-admin");
//! ```

use core::fmt;

use md5::{Digest, Md5};
use wp_hash::{DAY_IN_SECONDS, HexDigest};

use crate::date::HttpDate;
use crate::{Cookie, CookieKey, Scheme, WpVersion};

/// `COOKIEHASH` and the cookie names built from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CookieNames {
    hash: HexDigest,
}

/// A cookie name: a fixed prefix and the site's `COOKIEHASH`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CookieName<'a> {
    prefix: &'static str,
    hash: &'a str,
}

impl CookieName<'_> {
    /// The raw (still encoded) value PHP puts in `$_COOKIE` under this name, from a `Cookie:`
    /// header (PHP's name mangling applied; the first of a repeated name wins). Decode it
    /// with [`wp_php::cookie::decode_value`].
    #[must_use]
    pub fn find_in<'h>(&self, header: &'h [u8]) -> Option<&'h [u8]> {
        let wanted = || self.prefix.bytes().chain(self.hash.bytes());
        wp_php::cookie::pairs(header)
            .find(|(raw, _)| wp_php::cookie::php_name(raw).is_some_and(|n| n.eq(wanted())))
            .map(|(_, v)| v)
    }

    /// Whether `name` is this cookie's name.
    #[must_use]
    pub fn matches(&self, name: &[u8]) -> bool {
        name.len() == self.prefix.len() + self.hash.len()
            && name.starts_with(self.prefix.as_bytes())
            && name.ends_with(self.hash.as_bytes())
    }
}

impl fmt::Display for CookieName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.prefix)?;
        f.write_str(self.hash)
    }
}

impl CookieNames {
    /// The names for the `siteurl` option (the network's on multisite), exactly as stored: the
    /// hash is `md5(siteurl)`, or empty when the option is PHP-empty.
    #[must_use]
    pub fn new(siteurl: &[u8]) -> Self {
        let hash = if matches!(siteurl, b"" | b"0") {
            HexDigest::of(&[])
        } else {
            HexDigest::of(&Md5::digest(siteurl).into())
        };
        Self { hash }
    }

    /// `COOKIEHASH`.
    #[must_use]
    pub fn hash(&self) -> &str {
        self.hash.as_str()
    }

    fn name(&self, prefix: &'static str) -> CookieName<'_> {
        CookieName {
            prefix,
            hash: self.hash.as_str(),
        }
    }

    /// `AUTH_COOKIE`: `wordpress_<hash>`.
    #[must_use]
    pub fn auth(&self) -> CookieName<'_> {
        self.name("wordpress_")
    }

    /// `SECURE_AUTH_COOKIE`: `wordpress_sec_<hash>`.
    #[must_use]
    pub fn secure_auth(&self) -> CookieName<'_> {
        self.name("wordpress_sec_")
    }

    /// `LOGGED_IN_COOKIE`: `wordpress_logged_in_<hash>`.
    #[must_use]
    pub fn logged_in(&self) -> CookieName<'_> {
        self.name("wordpress_logged_in_")
    }

    /// `USER_COOKIE` (legacy): `wordpressuser_<hash>`.
    #[must_use]
    pub fn user(&self) -> CookieName<'_> {
        self.name("wordpressuser_")
    }

    /// `PASS_COOKIE` (legacy): `wordpresspass_<hash>`.
    #[must_use]
    pub fn pass(&self) -> CookieName<'_> {
        self.name("wordpresspass_")
    }

    /// `RECOVERY_MODE_COOKIE`: `wordpress_rec_<hash>`.
    #[must_use]
    pub fn recovery_mode(&self) -> CookieName<'_> {
        self.name("wordpress_rec_")
    }

    /// `TEST_COOKIE`.
    pub const TEST: &'static str = "wordpress_test_cookie";

    /// The cookie a scheme is read from.
    #[must_use]
    pub fn for_scheme(&self, scheme: Scheme) -> CookieName<'_> {
        match scheme {
            Scheme::Auth => self.auth(),
            Scheme::SecureAuth => self.secure_auth(),
            Scheme::LoggedIn => self.logged_in(),
        }
    }
}

/// The cookie paths, from the `siteurl` and `home` options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paths<'a> {
    siteurl: &'a [u8],
    home: &'a [u8],
}

impl<'a> Paths<'a> {
    /// Paths for these option values (exact strings).
    #[must_use]
    pub fn new(siteurl: &'a [u8], home: &'a [u8]) -> Self {
        Self { siteurl, home }
    }

    /// `COOKIEPATH`: `home . '/'` with every `http(s)://host` removed.
    #[must_use]
    pub fn cookie_path(&self) -> UrlPath<'a> {
        UrlPath::new(self.home, b"/", b"")
    }

    /// `SITECOOKIEPATH`: `siteurl . '/'` with every `http(s)://host` removed.
    #[must_use]
    pub fn site_cookie_path(&self) -> UrlPath<'a> {
        UrlPath::new(self.siteurl, b"/", b"")
    }

    /// `ADMIN_COOKIE_PATH`: `SITECOOKIEPATH . 'wp-admin'`.
    #[must_use]
    pub fn admin_cookie_path(&self) -> UrlPath<'a> {
        UrlPath::new(self.siteurl, b"/", b"wp-admin")
    }

    /// `PLUGINS_COOKIE_PATH`: `siteurl . '/wp-content/plugins'` with hosts removed.
    #[must_use]
    pub fn plugins_cookie_path(&self) -> UrlPath<'a> {
        UrlPath::new(self.siteurl, b"/wp-content/plugins", b"")
    }
}

/// A cookie path: `preg_replace('|https?://[^/]+|i', '', url . tail) . after`, computed
/// lazily without allocating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UrlPath<'a> {
    url: &'a [u8],
    tail: &'static [u8],
    after: &'static [u8],
}

impl<'a> UrlPath<'a> {
    fn new(url: &'a [u8], tail: &'static [u8], after: &'static [u8]) -> Self {
        Self { url, tail, after }
    }

    /// Calls `emit` with the pieces of the path in order.
    pub fn for_each_piece(&self, mut emit: impl FnMut(&[u8])) {
        let (a, b) = (self.url, self.tail);
        let len = a.len() + b.len();
        let at = |i: usize| {
            if i < a.len() {
                a.get(i).copied()
            } else {
                b.get(i - a.len()).copied()
            }
        };
        let mut emit_range = |from: usize, to: usize| {
            if from >= to {
                return;
            }
            let split = a.len();
            if from < split {
                emit(a.get(from..to.min(split)).unwrap_or_default());
            }
            if to > split {
                emit(
                    b.get(from.max(split) - split..to - split)
                        .unwrap_or_default(),
                );
            }
        };
        let (mut i, mut run) = (0, 0);
        while i < len {
            match host_prefix_len(&at, i) {
                Some(n) => {
                    emit_range(run, i);
                    i += n;
                    run = i;
                }
                None => i += 1,
            }
        }
        emit_range(run, len);
        emit(self.after);
    }

    /// The path's bytes.
    pub fn bytes(&self) -> impl Iterator<Item = u8> + '_ {
        let (a, b) = (self.url, self.tail);
        let at = move |i: usize| {
            if i < a.len() {
                a.get(i).copied()
            } else {
                b.get(i - a.len()).copied()
            }
        };
        let mut i = 0;
        core::iter::from_fn(move || {
            while let Some(n) = host_prefix_len(&at, i) {
                i += n;
            }
            let byte = at(i)?;
            i += 1;
            Some(byte)
        })
        .chain(self.after.iter().copied())
    }

    /// Whether the path equals `other`.
    #[must_use]
    pub fn eq_bytes(&self, other: &[u8]) -> bool {
        self.bytes().eq(other.iter().copied())
    }

    /// Whether two paths are equal.
    #[must_use]
    pub fn same_as(&self, other: &UrlPath<'_>) -> bool {
        self.bytes().eq(other.bytes())
    }
}

impl fmt::Display for UrlPath<'_> {
    /// Non-UTF-8 bytes (never in a real URL) are shown as U+FFFD.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut r = Ok(());
        self.for_each_piece(|p| {
            for chunk in p.utf8_chunks() {
                r = r.and_then(|()| f.write_str(chunk.valid())).and_then(|()| {
                    if chunk.invalid().is_empty() {
                        Ok(())
                    } else {
                        f.write_str("\u{FFFD}")
                    }
                });
            }
        });
        r
    }
}

/// The length of a `https?://[^/]+` match (case-insensitive) at `i`, if one starts there.
fn host_prefix_len(at: &impl Fn(usize) -> Option<u8>, i: usize) -> Option<usize> {
    let lower = |k: usize| at(i + k).map(|b| b.to_ascii_lowercase());
    if (lower(0), lower(1), lower(2), lower(3)) != (Some(b'h'), Some(b't'), Some(b't'), Some(b'p'))
    {
        return None;
    }
    let mut k = 4 + usize::from(lower(4) == Some(b's'));
    if (at(i + k), at(i + k + 1), at(i + k + 2)) != (Some(b':'), Some(b'/'), Some(b'/')) {
        return None;
    }
    k += 3;
    let host_start = k;
    while at(i + k).is_some_and(|b| b != b'/') {
        k += 1;
    }
    (k > host_start).then_some(k)
}

/// One `Set-Cookie` header value as PHP's `setcookie()` writes it (HttpOnly, no domain).
#[derive(Clone, Copy, Debug)]
pub struct SetCookie<'a> {
    /// The cookie name.
    pub name: CookieName<'a>,
    /// The cookie value (written percent-encoded).
    pub value: Cookie<'a>,
    /// The `expires` time; 0 for a browser-session cookie.
    pub expires: u64,
    /// The response time, for `Max-Age`.
    pub now: u64,
    /// The path.
    pub path: UrlPath<'a>,
    /// Whether the cookie is marked `secure`.
    pub secure: bool,
}

impl fmt::Display for SetCookie<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.name, self.value.encoded())?;
        if self.expires > 0 {
            write!(
                f,
                "; expires={} GMT; Max-Age={}",
                HttpDate(self.expires),
                self.expires.saturating_sub(self.now)
            )?;
        }
        write!(f, "; path={}", self.path)?;
        if self.secure {
            f.write_str("; secure")?;
        }
        f.write_str("; HttpOnly")
    }
}

/// The three scheme keys of a site.
#[derive(Clone, Debug)]
pub struct AuthKeys {
    /// `auth`.
    pub auth: CookieKey,
    /// `secure_auth`.
    pub secure_auth: CookieKey,
    /// `logged_in`.
    pub logged_in: CookieKey,
}

/// What `wp_set_auth_cookie()` is called with, besides the keys, the time and the site.
/// `Debug` prints the password hash and token as `[redacted]`.
#[derive(Clone, Copy)]
pub struct Login<'a> {
    /// `user_login`.
    pub login: &'a [u8],
    /// The stored password hash.
    pub user_pass: &'a [u8],
    /// The session token both cookies carry.
    pub token: &'a [u8],
    /// "Remember me": 14 days and a persistent cookie, else 2 days and a session cookie.
    pub remember: bool,
    /// Whether the admin cookie is the secure one (`$secure`, by default "request is HTTPS").
    pub secure: bool,
    /// Version behaviour of the password fragment.
    pub version: WpVersion,
}

impl fmt::Debug for Login<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Login")
            .field("login", &self.login.escape_ascii())
            .field("user_pass", &"[redacted]")
            .field("token", &"[redacted]")
            .field("remember", &self.remember)
            .field("secure", &self.secure)
            .field("version", &self.version)
            .finish()
    }
}

/// The cookies of one login, in the order WordPress sends them.
#[derive(Clone, Copy, Debug)]
pub struct LoginCookies<'a> {
    /// The cookie expiration embedded in the values.
    pub expiration: u64,
    cookies: [Option<SetCookie<'a>>; 4],
}

impl<'a> LoginCookies<'a> {
    /// The `Set-Cookie` header values.
    pub fn iter(&self) -> impl Iterator<Item = &SetCookie<'a>> {
        self.cookies.iter().flatten()
    }
}

/// `wp_set_auth_cookie()`: the admin cookie at the plugins and admin paths, then the
/// `logged_in` cookie at `COOKIEPATH` and, if different, `SITECOOKIEPATH`.
#[must_use]
#[doc(alias = "wp_set_auth_cookie")]
pub fn set_auth_cookies<'a>(
    keys: &AuthKeys,
    now: u64,
    names: &'a CookieNames,
    paths: &Paths<'a>,
    login: &Login<'a>,
) -> LoginCookies<'a> {
    let (expiration, expires) = if login.remember {
        let e = now + 14 * DAY_IN_SECONDS;
        (e, e + DAY_IN_SECONDS / 2)
    } else {
        (now + 2 * DAY_IN_SECONDS, 0)
    };
    let (admin_name, admin_key) = if login.secure {
        (names.secure_auth(), &keys.secure_auth)
    } else {
        (names.auth(), &keys.auth)
    };
    let secure_logged_in = login.secure && paths.home.starts_with(b"https:");
    let cookie = |key: &CookieKey| {
        crate::generate(
            key,
            login.login,
            login.user_pass,
            expiration,
            login.token,
            login.version,
        )
    };
    let admin = cookie(admin_key);
    let logged_in = cookie(&keys.logged_in);
    let set = |name, value, path, secure| SetCookie {
        name,
        value,
        expires,
        now,
        path,
        secure,
    };
    let site_path = paths.site_cookie_path();
    let home_path = paths.cookie_path();
    LoginCookies {
        expiration,
        cookies: [
            Some(set(
                admin_name,
                admin,
                paths.plugins_cookie_path(),
                login.secure,
            )),
            Some(set(
                admin_name,
                admin,
                paths.admin_cookie_path(),
                login.secure,
            )),
            Some(set(
                names.logged_in(),
                logged_in,
                home_path,
                secure_logged_in,
            )),
            (!home_path.same_as(&site_path))
                .then(|| set(names.logged_in(), logged_in, site_path, secure_logged_in)),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn host_stripping_is_global_and_case_insensitive() {
        let p = UrlPath::new(b"HTTPS://a.b/x/http://c/d", b"/", b"");
        assert_eq!(p.to_string(), "/x//d/");
        assert!(p.eq_bytes(b"/x//d/"));
        assert_eq!(
            UrlPath::new(b"https://example.com/", b"/", b"").to_string(),
            "//"
        );
        assert_eq!(UrlPath::new(b"http://", b"/", b"").to_string(), "http:///");
        assert_eq!(UrlPath::new(b"ftp://x", b"/", b"").to_string(), "ftp://x/");
    }
}
