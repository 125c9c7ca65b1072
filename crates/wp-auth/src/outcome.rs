//! What the decision returns: a user or an anonymous request with WordPress's side effects,
//! or WordPress's REST error — and a store failure kept apart from both.

use core::fmt;

use wp_nonce::Nonce;

/// How the user authenticated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// An auth, secure_auth or logged_in cookie with a valid `wp_rest` nonce.
    Cookie,
    /// An application password over HTTP Basic; `rest_get_authenticated_app_password()` is
    /// this uuid.
    AppPassword {
        /// The matching record's uuid.
        uuid: [u8; 36],
    },
    /// An OAuth1 access token (the OAuth1 plugin's rules).
    OAuth1,
    /// An account password over HTTP Basic (the Basic-Auth plugin, when enabled).
    AccountPassword,
    /// A JWT plugin's token (`Authorization: Bearer`).
    Jwt,
}

impl Method {
    /// A name for logs: `cookie`, `app_password`, `oauth1`, `account_password`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Cookie => "cookie",
            Self::AppPassword { .. } => "app_password",
            Self::OAuth1 => "oauth1",
            Self::AccountPassword => "account_password",
            Self::Jwt => "jwt",
        }
    }
}

/// What WordPress does to the response besides answering.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Effects {
    /// A fresh `wp_rest` nonce sent as the `X-WP-Nonce` response header (after a valid one).
    pub x_wp_nonce: Option<Nonce>,
    /// WordPress sends its no-cache headers (`wp_get_nocache_headers()`): a user is logged in,
    /// or the nonce check failed.
    pub no_cache: bool,
}

impl fmt::Debug for Effects {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Effects")
            .field("x_wp_nonce", &self.x_wp_nonce.map(|_| "[redacted]"))
            .field("no_cache", &self.no_cache)
            .finish()
    }
}

/// An authenticated request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Authenticated {
    /// The user ID.
    pub user_id: u64,
    /// How.
    pub method: Method,
    /// The response's side effects.
    pub effects: Effects,
    /// WordPress records this application password's use now (`last_used = now`,
    /// `last_ip = REMOTE_ADDR`): its last recorded use is a day or more ago. The caller (or
    /// its store) performs the write.
    pub record_app_password_use: bool,
}

/// What WordPress decides for a request that is not rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// This user.
    Authenticated(Authenticated),
    /// No user: the request proceeds logged out (a route that needs a user answers
    /// [`RestError::NotLoggedIn`]).
    Anonymous(Effects),
}

impl Outcome {
    /// The user ID, if any.
    #[must_use]
    pub fn user_id(&self) -> Option<u64> {
        match self {
            Self::Authenticated(a) => Some(a.user_id),
            Self::Anonymous(_) => None,
        }
    }

    /// The response's side effects.
    #[must_use]
    pub fn effects(&self) -> &Effects {
        match self {
            Self::Authenticated(a) => &a.effects,
            Self::Anonymous(e) => e,
        }
    }
}

/// WordPress's REST error for a rejected request: [`RestError::code`], [`RestError::message`]
/// and [`RestError::status`] are mapped here and nowhere else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RestError {
    /// `rest_cookie_invalid_nonce` (403): a cookie request with a bad `wp_rest` nonce.
    CookieInvalidNonce,
    /// An application password was refused (401): `incorrect_password`, `invalid_username`,
    /// `invalid_email`, `application_passwords_disabled_for_user`.
    AppPassword(wp_password::Error),
    /// The OAuth1 plugin refused the request (`json_oauth1_*`, 401).
    OAuth1(wp_oauth1::Error),
    /// `rest_not_logged_in` (401): what a route that needs a user answers an anonymous
    /// request (`GET /wp/v2/users/me`). Never returned by the decision itself.
    NotLoggedIn,
    /// The request's query or body uses PHP input this crate does not read (400).
    UnreadableInput(wp_php::Error),
    /// The Tmeister JWT plugin refused the request's token (`jwt_auth_*`, 403): its
    /// `rest_pre_dispatch` filter answers every REST route with the error.
    Jwt {
        /// The plugin's error.
        rejection: wp_jwt::Rejection,
        /// A user was logged in when WordPress sent its headers (by cookie, before dispatch):
        /// the no-cache headers go with the error.
        no_cache: bool,
    },
    /// PHP dies deciding the request (a JWT whose `alg` or `kid` is an array, …): WordPress
    /// answers 500 `internal_server_error`.
    Fatal,
    /// Basic credentials refused through the Basic-Auth plugin: `wp_authenticate()`'s error,
    /// which carries no status, so WordPress answers 500.
    BasicAuth {
        /// The error.
        error: BasicAuthError,
        /// WordPress still sends its no-cache headers: determining the user again while
        /// answering (as an API request) finds one — an application password the plugin's
        /// `wp_authenticate()` call at `WP::init()` could not accept.
        no_cache: bool,
    },
}

/// What `wp_authenticate()` answers Basic credentials the Basic-Auth plugin hands it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BasicAuthError {
    /// `empty_username`.
    EmptyUsername,
    /// `empty_username`, with `empty_password` as its additional error (both were empty).
    EmptyUsernameAndPassword,
    /// `empty_password`.
    EmptyPassword,
    /// `application_passwords_disabled` (application passwords over plain HTTP).
    AppPasswordsDisabled,
    /// `invalid_username`, `invalid_email`, `incorrect_password`,
    /// `application_passwords_disabled_for_user`.
    Password(wp_password::Error),
}

impl BasicAuthError {
    /// WordPress's error code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::EmptyUsername | Self::EmptyUsernameAndPassword => "empty_username",
            Self::EmptyPassword => "empty_password",
            Self::AppPasswordsDisabled => "application_passwords_disabled",
            Self::Password(e) => e.code(),
        }
    }

    /// WordPress's (English) message.
    #[must_use]
    pub const fn message(self) -> &'static str {
        match self {
            Self::EmptyUsername | Self::EmptyUsernameAndPassword => {
                "<strong>Error:</strong> The username field is empty."
            }
            Self::EmptyPassword => "<strong>Error:</strong> The password field is empty.",
            Self::AppPasswordsDisabled => "Application passwords are not available.",
            Self::Password(e) => match e.message() {
                Some(m) => m,
                None => "The provided password is an invalid application password.",
            },
        }
    }
}

impl RestError {
    /// WordPress's error code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::CookieInvalidNonce => "rest_cookie_invalid_nonce",
            Self::AppPassword(e) => e.code(),
            Self::OAuth1(e) => e.code(),
            Self::NotLoggedIn => "rest_not_logged_in",
            Self::UnreadableInput(_) => "wp_auth_unreadable_input",
            Self::BasicAuth { error, .. } => error.code(),
            Self::Jwt { rejection, .. } => rejection.code.as_str(),
            Self::Fatal => "internal_server_error",
        }
    }

    /// WordPress's (English) message (for [`RestError::Jwt`] php-jwt's "prior to" carries a
    /// date: [`RestError::json`] writes it whole).
    #[must_use]
    pub const fn message(self) -> &'static str {
        match self {
            Self::CookieInvalidNonce => "Cookie check failed",
            Self::AppPassword(e) => match e.message() {
                Some(m) => m,
                None => "The provided password is an invalid application password.",
            },
            Self::OAuth1(e) => e.message(),
            Self::NotLoggedIn => "You are not currently logged in.",
            Self::UnreadableInput(_) => "The request's parameters could not be read.",
            Self::BasicAuth { error, .. } => error.message(),
            Self::Jwt { rejection, .. } => match rejection.message {
                wp_jwt::Message::Fixed(m) => m,
                wp_jwt::Message::PriorTo(_) => "Cannot handle token prior to",
                wp_jwt::Message::Json(e) => e.message(),
            },
            Self::Fatal => "There has been a critical error on this website.",
        }
    }

    /// The HTTP status.
    #[must_use]
    pub const fn status(self) -> u16 {
        match self {
            Self::CookieInvalidNonce => 403,
            Self::AppPassword(e) => e.status(),
            Self::OAuth1(e) => e.status(),
            Self::NotLoggedIn => 401,
            Self::UnreadableInput(_) => 400,
            Self::BasicAuth { .. } => 500,
            Self::Jwt { rejection, .. } => rejection.status,
            Self::Fatal => 500,
        }
    }

    /// Whether WordPress sends its no-cache headers with this error.
    #[must_use]
    pub const fn no_cache(self) -> bool {
        match self {
            Self::CookieInvalidNonce => true,
            Self::BasicAuth { no_cache, .. } | Self::Jwt { no_cache, .. } => no_cache,
            _ => false,
        }
    }
}

impl RestError {
    /// The body WordPress answers with: `{"code":…,"message":…,"data":{"status":…}}` as PHP's
    /// `json_encode()` writes it (`/` escaped, non-ASCII as `\uXXXX`); `"data":null` for the
    /// Basic-Auth plugin's errors, which carry no data.
    #[must_use]
    pub const fn json(self) -> Json {
        Json(self)
    }
}

/// A [`RestError`]'s JSON body, written by `Display` (see [`RestError::json`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Json(RestError);

impl fmt::Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = self.0;
        f.write_str("{\"code\":")?;
        php_json_string(f, e.code())?;
        f.write_str(",\"message\":")?;
        match e {
            RestError::Jwt { rejection, .. } => {
                // The whole message (php-jwt's "prior to" carries a date).
                let mut text = MessageText::default();
                let _ = fmt::write(&mut text, format_args!("{}", rejection.message));
                php_json_string(f, text.as_str())?;
            }
            _ => php_json_string(f, e.message())?,
        }
        match e {
            RestError::BasicAuth {
                error: BasicAuthError::EmptyUsernameAndPassword,
                ..
            } => {
                let also = BasicAuthError::EmptyPassword;
                f.write_str(",\"data\":null,\"additional_errors\":[{\"code\":")?;
                php_json_string(f, also.code())?;
                f.write_str(",\"message\":")?;
                php_json_string(f, also.message())?;
                f.write_str(",\"data\":null}]}")
            }
            RestError::BasicAuth { .. } => f.write_str(",\"data\":null}"),
            _ => write!(f, ",\"data\":{{\"status\":{}}}}}", e.status()),
        }
    }
}

/// A short message written into a fixed buffer (php-jwt's messages are under 128 bytes).
struct MessageText {
    buf: [u8; 128],
    len: usize,
}

impl Default for MessageText {
    fn default() -> Self {
        Self {
            buf: [0; 128],
            len: 0,
        }
    }
}

impl MessageText {
    fn as_str(&self) -> &str {
        core::str::from_utf8(self.buf.get(..self.len).unwrap_or_default()).unwrap_or_default()
    }
}

impl fmt::Write for MessageText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let dst = self
            .buf
            .get_mut(self.len..self.len + s.len())
            .ok_or(fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len += s.len();
        Ok(())
    }
}

/// A string as PHP's `json_encode()` writes it without flags.
fn php_json_string(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    use fmt::Write as _;
    f.write_char('"')?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '/' => f.write_str("\\/")?,
            '\u{8}' => f.write_str("\\b")?,
            '\u{c}' => f.write_str("\\f")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            ' '..='~' => f.write_char(c)?,
            _ => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    write!(f, "\\u{u:04x}")?;
                }
            }
        }
    }
    f.write_char('"')
}

impl fmt::Display for RestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.code(), self.status())
    }
}

impl core::error::Error for RestError {}

/// Why [`crate::authenticate`] returned no [`Outcome`]: WordPress rejects the request, or the
/// store failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// WordPress's REST error.
    Rest(RestError),
    /// A lookup failed; nothing was decided.
    Store(E),
}

impl<E> From<RestError> for Error<E> {
    fn from(e: RestError) -> Self {
        Self::Rest(e)
    }
}

impl<E: fmt::Display> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rest(e) => write!(f, "request rejected: {e}"),
            Self::Store(e) => write!(f, "store lookup failed: {e}"),
        }
    }
}

impl<E: core::error::Error + 'static> core::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Rest(e) => Some(e),
            Self::Store(e) => Some(e),
        }
    }
}
