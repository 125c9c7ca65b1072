#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

use core::fmt;
use core::time::Duration;

use sqlx::mysql::{MySqlConnectOptions, MySqlPool, MySqlPoolOptions};
use wp_auth::{
    AppPasswordRow, AsyncStore, JwtUserRow, OAuth1Consumer, OAuth1Token, ReplayCache, ReplayKey,
    StoredSecret, UserRow, Verifier,
};
use wp_cookie::session::SessionMeta;

/// Why the store could not answer.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The database failed (connection, query).
    Sql(sqlx::Error),
    /// A table prefix WordPress would refuse (only `A-Z a-z 0-9 _`).
    Prefix(String),
    /// A stored `user_pass` longer than WordPress's column (255 bytes).
    UserPass {
        /// The user.
        user_id: u64,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sql(e) => write!(f, "database: {e}"),
            Self::Prefix(p) => write!(f, "table prefix {p:?}: only A-Z, a-z, 0-9 and _"),
            Self::UserPass { user_id } => {
                write!(f, "user {user_id}: user_pass is longer than 255 bytes")
            }
        }
    }
}

impl core::error::Error for Error {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Sql(e) => Some(e),
            _ => None,
        }
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        Self::Sql(e)
    }
}

/// The queries, with the table prefix in place (checked once: only `A-Z a-z 0-9 _`).
#[derive(Debug)]
struct Queries {
    user_by_login: String,
    user_by_email: String,
    user_by_id: String,
    meta: String,
    meta_all: String,
}

impl Queries {
    fn new(prefix: &str) -> Result<Self, Error> {
        if prefix.is_empty()
            || !prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(Error::Prefix(prefix.to_owned()));
        }
        // Byte-exact values (no character-set conversion); the comparisons are the column's
        // own collation, as WordPress's `get_user_by()` queries compare.
        let user = |column: &str| {
            format!(
                "SELECT ID, CAST(user_pass AS BINARY) FROM {prefix}users WHERE {column} = ? LIMIT 1"
            )
        };
        Ok(Self {
            user_by_login: user("user_login"),
            user_by_email: user("user_email"),
            user_by_id: user("ID"),
            // `get_user_meta($id, $key, true)`: the first row.
            meta: format!(
                "SELECT CAST(meta_value AS BINARY) FROM {prefix}usermeta WHERE user_id = ? AND meta_key = ? ORDER BY umeta_id LIMIT 1"
            ),
            // `get_user_meta($id, $key)`: every row, in order.
            meta_all: format!(
                "SELECT CAST(meta_value AS BINARY) FROM {prefix}usermeta WHERE user_id = ? AND meta_key = ? ORDER BY umeta_id"
            ),
        })
    }
}

/// A WordPress database read as WordPress reads it, for [`wp_auth::authenticate_async`]:
/// users by login, e-mail and ID (`{prefix}users`), the `session_tokens`,
/// `_application_passwords`, `jwt_auth_pass` and `jwt_auth_device` user meta
/// (`{prefix}usermeta`, PHP-serialised, read with `wp-php`). Read-only. OAuth1 replays are kept
/// in this process ([`ReplayCache`]); the OAuth1 plugin's consumers and tokens are not read
/// (its lookups find nothing: OAuth1 requests fail closed).
pub struct MySqlStore {
    pool: MySqlPool,
    q: Queries,
    replays: ReplayCache,
    cache: Option<moka::future::Cache<CacheKey, Cached>>,
}

impl fmt::Debug for MySqlStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MySqlStore")
            .field("queries", &self.q)
            .field("cached", &self.cache.is_some())
            .finish_non_exhaustive()
    }
}

/// What a cached answer is the answer to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum CacheKey {
    User(&'static str, Vec<u8>),
    Meta(u64, &'static str),
}

/// A cached answer (found or not). A user row keeps its hash inline (as the facade's rows
/// do): the cache holds whole rows, not boxes of them.
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)]
enum Cached {
    User(Option<UserRow>),
    Meta(Option<Vec<u8>>),
}

impl MySqlStore {
    /// A store over an existing pool, for the tables named with `table_prefix` (`wp_`, or
    /// `$table_prefix` from `wp-config.php`).
    ///
    /// # Errors
    /// [`Error::Prefix`].
    pub fn with_pool(pool: MySqlPool, table_prefix: &str) -> Result<Self, Error> {
        Ok(Self {
            pool,
            q: Queries::new(table_prefix)?,
            replays: ReplayCache::default(),
            cache: None,
        })
    }

    /// Keeps answers (user rows and meta values, found or not) in this process for `ttl`, at
    /// most `max_entries` of them. A change in the database — a logged-out session, a revoked
    /// application password, a changed password, a new or deleted user — is seen within `ttl`:
    /// until then the cached answer stands. Store errors are never cached.
    #[must_use]
    pub fn with_cache(mut self, ttl: Duration, max_entries: u64) -> Self {
        self.cache = Some(
            moka::future::Cache::builder()
                .time_to_live(ttl)
                .max_capacity(max_entries)
                .build(),
        );
        self
    }

    /// Connects a pool of up to `max_connections` (`mysql://user:password@host:port/database`
    /// URLs and unix sockets alike, through `options`).
    ///
    /// # Errors
    /// [`Error::Prefix`], or [`Error::Sql`] when the database cannot be reached.
    pub async fn connect(
        options: MySqlConnectOptions,
        max_connections: u32,
        table_prefix: &str,
    ) -> Result<Self, Error> {
        let q = Queries::new(table_prefix)?;
        let pool = MySqlPoolOptions::new()
            .max_connections(max_connections)
            .connect_with(options)
            .await?;
        Ok(Self {
            pool,
            q,
            replays: ReplayCache::default(),
            cache: None,
        })
    }

    async fn user(&self, which: &'static str, key: &[u8]) -> Result<Option<UserRow>, Error> {
        let Some(cache) = &self.cache else {
            return self.user_query(which, key).await;
        };
        let k = CacheKey::User(which, key.to_vec());
        if let Some(Cached::User(row)) = cache.get(&k).await {
            return Ok(row);
        }
        let row = self.user_query(which, key).await?;
        cache.insert(k, Cached::User(row.clone())).await;
        Ok(row)
    }

    async fn user_query(&self, which: &'static str, key: &[u8]) -> Result<Option<UserRow>, Error> {
        let query = match which {
            "email" => &self.q.user_by_email,
            "id" => &self.q.user_by_id,
            _ => &self.q.user_by_login,
        };
        let row: Option<(u64, Vec<u8>)> = sqlx::query_as(query)
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|(id, user_pass)| {
            Ok(UserRow {
                id,
                user_pass: StoredSecret::new(&user_pass).ok_or(Error::UserPass { user_id: id })?,
                // WordPress's `wp_is_application_passwords_available_for_user` filter is
                // true unless a plugin says otherwise.
                app_passwords_available: true,
            })
        })
        .transpose()
    }

    /// `get_user_meta($id, $key, true)`: `None` when the user has none.
    async fn meta(&self, user_id: u64, key: &'static str) -> Result<Option<Vec<u8>>, Error> {
        let Some(cache) = &self.cache else {
            return self.meta_query(user_id, key).await;
        };
        let k = CacheKey::Meta(user_id, key);
        if let Some(Cached::Meta(v)) = cache.get(&k).await {
            return Ok(v);
        }
        let v = self.meta_query(user_id, key).await?;
        cache.insert(k, Cached::Meta(v.clone())).await;
        Ok(v)
    }

    async fn meta_query(&self, user_id: u64, key: &str) -> Result<Option<Vec<u8>>, Error> {
        let row: Option<(Vec<u8>,)> = sqlx::query_as(&self.q.meta)
            .bind(user_id)
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|(v,)| v))
    }
}

impl AsyncStore for MySqlStore {
    type Error = Error;

    async fn user_by_login(&self, login: &[u8]) -> Result<Option<UserRow>, Error> {
        self.user("login", login).await
    }

    async fn user_by_email(&self, email: &[u8]) -> Result<Option<UserRow>, Error> {
        self.user("email", email).await
    }

    async fn session_expiration(
        &self,
        user_id: u64,
        verifier: &Verifier,
    ) -> Result<Option<i64>, Error> {
        let Some(meta) = self.meta(user_id, "session_tokens").await? else {
            return Ok(None);
        };
        // WordPress reads a meta value that does not unserialise to an array as no sessions.
        Ok(match SessionMeta::parse(&meta) {
            Ok(sessions) => sessions.expiration(verifier),
            Err(e) => {
                tracing::warn!(target: "wp_auth_mysql", user_id, error = %e, "unreadable session_tokens meta");
                None
            }
        })
    }

    async fn app_passwords(&self, user_id: u64) -> Result<Vec<AppPasswordRow>, Error> {
        let Some(meta) = self.meta(user_id, "_application_passwords").await? else {
            return Ok(Vec::new());
        };
        // As WordPress: a value that is not a list of records is no passwords.
        Ok(AppPasswordRow::from_meta(&meta).unwrap_or_else(|e| {
            tracing::warn!(target: "wp_auth_mysql", user_id, error = %e, "unreadable _application_passwords meta");
            Vec::new()
        }))
    }

    async fn oauth1_token(&self, _key: &[u8]) -> Result<Option<OAuth1Token>, Error> {
        Ok(None)
    }

    async fn oauth1_consumer(&self, _key: &[u8]) -> Result<Option<OAuth1Consumer>, Error> {
        Ok(None)
    }

    async fn remember_nonce(&self, key: &ReplayKey, ttl: u64) -> Result<bool, Error> {
        Ok(self.replays.remember(key, ttl))
    }

    async fn user_by_id(&self, id: u64) -> Result<Option<UserRow>, Error> {
        self.user("id", id.to_string().as_bytes()).await
    }

    async fn jwt_user(&self, id: u64) -> Result<Option<JwtUserRow>, Error> {
        if self.user_by_id(id).await?.is_none() {
            return Ok(None);
        }
        let pass = self
            .meta(id, "jwt_auth_pass")
            .await?
            .map(Vec::into_boxed_slice);
        let devices: Vec<(Vec<u8>,)> = sqlx::query_as(&self.q.meta_all)
            .bind(id)
            .bind("jwt_auth_device")
            .fetch_all(&self.pool)
            .await?;
        Ok(Some(JwtUserRow {
            pass,
            devices: devices
                .into_iter()
                .map(|(d,)| d.into_boxed_slice())
                .collect(),
        }))
    }
}
