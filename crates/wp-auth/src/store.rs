//! What the decision looks up: a synchronous [`Store`] and its asynchronous twin
//! [`AsyncStore`], both answered with owned rows.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;
use core::future::Future;

pub use oauth1_sig::replay::ReplayKey;
use wp_cookie::Verifier;

/// A secret or password hash as stored, held inline (no allocation): up to 255 bytes, the
/// size of WordPress's `user_pass` column. `Debug` prints `[redacted]`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct StoredSecret {
    len: u8,
    bytes: [u8; 255],
}

impl StoredSecret {
    /// The longest value held.
    pub const MAX_LEN: usize = 255;

    /// `None` for a value over [`StoredSecret::MAX_LEN`] bytes.
    #[must_use]
    pub fn new(value: &[u8]) -> Option<Self> {
        let mut bytes = [0u8; 255];
        bytes.get_mut(..value.len())?.copy_from_slice(value);
        Some(Self {
            len: u8::try_from(value.len()).ok()?,
            bytes,
        })
    }

    /// The value.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }
}

impl fmt::Debug for StoredSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A user row (`{prefix}users`) as the decision needs it. `Debug` prints the hash as
/// `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct UserRow {
    /// `ID`.
    pub id: u64,
    /// `user_pass`: the stored password hash (its fragment keys the user's cookies).
    pub user_pass: StoredSecret,
    /// `wp_is_application_passwords_available_for_user()` (true unless a plugin says
    /// otherwise).
    pub app_passwords_available: bool,
}

impl fmt::Debug for UserRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserRow")
            .field("id", &self.id)
            .field("user_pass", &"[redacted]")
            .field("app_passwords_available", &self.app_passwords_available)
            .finish()
    }
}

/// One of a user's application passwords (an element of the `_application_passwords` meta),
/// in stored order. `Debug` prints the hash as `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct AppPasswordRow {
    /// Its v4 UUID (lower-case, 36 characters).
    pub uuid: [u8; 36],
    /// The stored hash (`$generic$…` from 6.8, `$P$…` before).
    pub password: StoredSecret,
    /// Last recorded use, if any.
    pub last_used: Option<i64>,
}

impl fmt::Debug for AppPasswordRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppPasswordRow")
            .field("uuid", &self.uuid.escape_ascii())
            .field("password", &"[redacted]")
            .field("last_used", &self.last_used)
            .finish()
    }
}

/// An OAuth1 access token as the plugin stores it (option `oauth1_access_<key>`). `Debug`
/// prints the secret as `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuth1Token {
    /// The consumer (post ID) it was issued to.
    pub consumer_id: u64,
    /// The user it acts for.
    pub user_id: u64,
    /// The token secret.
    pub secret: StoredSecret,
}

impl fmt::Debug for OAuth1Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth1Token")
            .field("consumer_id", &self.consumer_id)
            .field("user_id", &self.user_id)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// An OAuth1 consumer as the plugin registers it (a `json_consumer` post with `key` and
/// `secret` meta). `Debug` prints the secret as `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuth1Consumer {
    /// The consumer's post ID.
    pub id: u64,
    /// The consumer secret.
    pub secret: StoredSecret,
}

impl fmt::Debug for OAuth1Consumer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth1Consumer")
            .field("id", &self.id)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// What Useful Team's JWT plugin reads of a user: the `jwt_auth_pass` meta (`None`: unset,
/// read as `""`) and the `jwt_auth_device` list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JwtUserRow {
    /// `jwt_auth_pass`.
    pub pass: Option<Box<[u8]>>,
    /// `jwt_auth_device`, one entry per device.
    pub devices: Vec<Box<[u8]>>,
}

/// The lookups WordPress makes while deciding a request, answered from the site's data.
///
/// Logins are matched as MySQL's collation matches them (case-insensitively); the login passed
/// in is already as `get_user_by('login')` sanitises it. The OAuth1 methods have defaults that
/// fail closed (no token found; every nonce a replay), for sites without the plugin.
pub trait Store {
    /// What a failed lookup reports (kept apart from authentication failures).
    type Error: core::error::Error + Send + Sync + 'static;

    /// `get_user_by('login', $login)`.
    ///
    /// # Errors
    /// The store could not answer.
    fn user_by_login(&self, login: &[u8]) -> Result<Option<UserRow>, Self::Error>;

    /// `get_user_by('email', $email)`.
    ///
    /// # Errors
    /// The store could not answer.
    fn user_by_email(&self, email: &[u8]) -> Result<Option<UserRow>, Self::Error>;

    /// The expiration of the user's session stored under `verifier` (`session_tokens` meta).
    ///
    /// # Errors
    /// The store could not answer.
    fn session_expiration(
        &self,
        user_id: u64,
        verifier: &Verifier,
    ) -> Result<Option<i64>, Self::Error>;

    /// The user's application passwords, in stored order.
    ///
    /// # Errors
    /// The store could not answer.
    fn app_passwords(&self, user_id: u64) -> Result<Vec<AppPasswordRow>, Self::Error>;

    /// The OAuth1 access token stored under `key`.
    ///
    /// # Errors
    /// The store could not answer.
    fn oauth1_token(&self, key: &[u8]) -> Result<Option<OAuth1Token>, Self::Error> {
        let _ = key;
        Ok(None)
    }

    /// The OAuth1 consumer registered under `key`.
    ///
    /// # Errors
    /// The store could not answer.
    fn oauth1_consumer(&self, key: &[u8]) -> Result<Option<OAuth1Consumer>, Self::Error> {
        let _ = key;
        Ok(None)
    }

    /// Records an OAuth1 nonce if it is new, atomically, for `ttl` seconds: `Ok(true)` when it
    /// was new, `Ok(false)` when seen before.
    ///
    /// # Errors
    /// The store could not answer (the request then fails: a replay cache fails closed).
    fn remember_nonce(&self, key: &ReplayKey, ttl: u64) -> Result<bool, Self::Error> {
        let _ = (key, ttl);
        Ok(false)
    }

    /// `get_user_by('id', $id)` (what WordPress makes of a JWT plugin's user id). The default
    /// finds nobody: a JWT request is then anonymous.
    ///
    /// # Errors
    /// The store could not answer.
    fn user_by_id(&self, id: u64) -> Result<Option<UserRow>, Self::Error> {
        let _ = id;
        Ok(None)
    }

    /// What Useful Team's JWT plugin reads of the user `id`, if it exists. The default finds
    /// nobody: the plugin's tokens then never authenticate.
    ///
    /// # Errors
    /// The store could not answer.
    fn jwt_user(&self, id: u64) -> Result<Option<JwtUserRow>, Self::Error> {
        let _ = id;
        Ok(None)
    }
}

/// [`Store`] for asynchronous I/O: the same lookups, each returning a `Send` future (as axum
/// 0.8's extractors do). Both are driven by the same sans-IO [`crate::Flow`].
pub trait AsyncStore: Sync {
    /// What a failed lookup reports.
    type Error: core::error::Error + Send + Sync + 'static;

    /// [`Store::user_by_login`].
    fn user_by_login(
        &self,
        login: &[u8],
    ) -> impl Future<Output = Result<Option<UserRow>, Self::Error>> + Send;

    /// [`Store::user_by_email`].
    fn user_by_email(
        &self,
        email: &[u8],
    ) -> impl Future<Output = Result<Option<UserRow>, Self::Error>> + Send;

    /// [`Store::session_expiration`].
    fn session_expiration(
        &self,
        user_id: u64,
        verifier: &Verifier,
    ) -> impl Future<Output = Result<Option<i64>, Self::Error>> + Send;

    /// [`Store::app_passwords`].
    fn app_passwords(
        &self,
        user_id: u64,
    ) -> impl Future<Output = Result<Vec<AppPasswordRow>, Self::Error>> + Send;

    /// [`Store::oauth1_token`] (no default: an async store states its OAuth1 support).
    fn oauth1_token(
        &self,
        key: &[u8],
    ) -> impl Future<Output = Result<Option<OAuth1Token>, Self::Error>> + Send;

    /// [`Store::oauth1_consumer`].
    fn oauth1_consumer(
        &self,
        key: &[u8],
    ) -> impl Future<Output = Result<Option<OAuth1Consumer>, Self::Error>> + Send;

    /// [`Store::remember_nonce`].
    fn remember_nonce(
        &self,
        key: &ReplayKey,
        ttl: u64,
    ) -> impl Future<Output = Result<bool, Self::Error>> + Send;

    /// [`Store::user_by_id`] (the default finds nobody).
    fn user_by_id(
        &self,
        id: u64,
    ) -> impl Future<Output = Result<Option<UserRow>, Self::Error>> + Send {
        let _ = id;
        core::future::ready(Ok(None))
    }

    /// [`Store::jwt_user`] (the default finds nobody).
    fn jwt_user(
        &self,
        id: u64,
    ) -> impl Future<Output = Result<Option<JwtUserRow>, Self::Error>> + Send {
        let _ = id;
        core::future::ready(Ok(None))
    }
}

/// Why a user meta value could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MetaError {
    /// Not valid `serialize()` output (or deeper than PHP reads).
    Unserialize,
    /// An application password record without a 36-character `uuid` and a `password` of at
    /// most [`StoredSecret::MAX_LEN`] bytes.
    Record,
}

impl fmt::Display for MetaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Unserialize => "the meta value is not valid php serialize() output",
            Self::Record => "an application password record lacks a usable uuid or password",
        })
    }
}

impl core::error::Error for MetaError {}

impl AppPasswordRow {
    /// The records of a user's `_application_passwords` meta value, as WordPress stores it
    /// (a PHP-serialised list of arrays). No value (empty) or a value that is not an array
    /// holds none, as in WordPress; bytes that are not `serialize()` output are reported
    /// (WordPress would read them as no records too).
    ///
    /// # Errors
    /// [`MetaError`] for bytes that are not `serialize()` output, or a record without its
    /// `uuid` or `password` string.
    pub fn from_meta(meta: &[u8]) -> Result<Vec<Self>, MetaError> {
        use wp_php::unserialize::{Value, unserialize};
        if meta.is_empty() {
            return Ok(Vec::new());
        }
        let Value::Array(list) = unserialize(meta).map_err(|_| MetaError::Unserialize)? else {
            return Ok(Vec::new());
        };
        let mut rows = Vec::with_capacity(list.len());
        for (_, item) in list.iter() {
            let Value::Array(item) = item else {
                return Err(MetaError::Record);
            };
            let (Some(Value::Str(uuid)), Some(Value::Str(password))) =
                (item.get(b"uuid"), item.get(b"password"))
            else {
                return Err(MetaError::Record);
            };
            let uuid: [u8; 36] = uuid.try_into().map_err(|_| MetaError::Record)?;
            let password = StoredSecret::new(password).ok_or(MetaError::Record)?;
            let last_used = match item.get(b"last_used") {
                Some(Value::Int(t)) => Some(t),
                _ => None,
            };
            rows.push(Self {
                uuid,
                password,
                last_used,
            });
        }
        Ok(rows)
    }
}
