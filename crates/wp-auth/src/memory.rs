//! An in-memory [`Store`] for tests and small deployments.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::convert::Infallible;
use core::time::Duration;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use wp_cookie::Verifier;
use wp_cookie::session::SessionMeta;

use crate::store::{
    AppPasswordRow, AsyncStore, JwtUserRow, OAuth1Consumer, OAuth1Token, ReplayKey, Store,
    StoredSecret, UserRow,
};

/// A user of a [`MemoryStore`]. `Debug` prints no hash or session.
#[derive(Clone, PartialEq, Eq)]
pub struct MemoryUser {
    /// `ID`.
    pub id: u64,
    /// `user_login`.
    pub login: Box<[u8]>,
    /// `user_email`.
    pub email: Box<[u8]>,
    /// `user_pass`.
    pub user_pass: StoredSecret,
    /// Application passwords are available for this user.
    pub app_passwords_available: bool,
    /// The `session_tokens` meta value as WordPress stores it (PHP-serialised).
    pub session_tokens: Box<[u8]>,
    /// The application passwords, in stored order.
    pub app_passwords: Vec<AppPasswordRow>,
}

impl core::fmt::Debug for MemoryUser {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MemoryUser")
            .field("id", &self.id)
            .field("login", &self.login.escape_ascii())
            .field("app_passwords", &self.app_passwords.len())
            .finish_non_exhaustive()
    }
}

impl MemoryUser {
    fn row(&self) -> UserRow {
        UserRow {
            id: self.id,
            user_pass: self.user_pass,
            app_passwords_available: self.app_passwords_available,
        }
    }
}

/// Users, sessions, application passwords, OAuth1 grants and a replay cache in memory.
/// Logins and e-mail addresses match without ASCII case, as MySQL's default collation
/// matches them (accents are not folded).
#[derive(Default)]
pub struct MemoryStore {
    users: Vec<MemoryUser>,
    tokens: Vec<(Box<[u8]>, OAuth1Token)>,
    consumers: Vec<(Box<[u8]>, OAuth1Consumer)>,
    jwt_users: Vec<(u64, JwtUserRow)>,
    seen: ReplayCache,
}

/// An in-process OAuth1 replay cache: each key remembered for its TTL (one process; a fleet
/// shares one in Redis instead).
#[derive(Debug, Default)]
pub struct ReplayCache {
    seen: Mutex<HashMap<ReplayKey, Instant>>,
}

impl ReplayCache {
    /// Records `key` for `ttl` seconds if it is new: `true` when it was (the store contract of
    /// [`Store::remember_nonce`]). Expired keys are dropped as it goes.
    pub fn remember(&self, key: &ReplayKey, ttl: u64) -> bool {
        let now = Instant::now();
        // A poisoned lock still holds a consistent map (every update is one insert).
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        seen.retain(|_, until| *until > now);
        if seen.contains_key(key) {
            return false;
        }
        seen.insert(*key, now + Duration::from_secs(ttl));
        true
    }
}

impl core::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("users", &self.users.len())
            .field("tokens", &self.tokens.len())
            .field("consumers", &self.consumers.len())
            .finish_non_exhaustive()
    }
}

impl MemoryStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a user.
    pub fn add_user(&mut self, user: MemoryUser) {
        self.users.push(user);
    }

    /// Adds an OAuth1 access token under its key.
    pub fn add_oauth1_token(&mut self, key: &[u8], token: OAuth1Token) {
        self.tokens.push((key.into(), token));
    }

    /// Sets a user's Useful Team JWT meta (`jwt_auth_pass`, `jwt_auth_device`).
    pub fn set_jwt_user(&mut self, id: u64, row: JwtUserRow) {
        self.jwt_users.retain(|(i, _)| *i != id);
        self.jwt_users.push((id, row));
    }

    /// Adds an OAuth1 consumer under its key.
    pub fn add_oauth1_consumer(&mut self, key: &[u8], consumer: OAuth1Consumer) {
        self.consumers.push((key.into(), consumer));
    }

    fn user(&self, id: u64) -> Option<&MemoryUser> {
        self.users.iter().find(|u| u.id == id)
    }
}

impl Store for MemoryStore {
    type Error = Infallible;

    fn user_by_login(&self, login: &[u8]) -> Result<Option<UserRow>, Infallible> {
        Ok(self
            .users
            .iter()
            .find(|u| u.login.eq_ignore_ascii_case(login))
            .map(MemoryUser::row))
    }

    fn user_by_email(&self, email: &[u8]) -> Result<Option<UserRow>, Infallible> {
        Ok(self
            .users
            .iter()
            .find(|u| u.email.eq_ignore_ascii_case(email))
            .map(MemoryUser::row))
    }

    fn session_expiration(
        &self,
        user_id: u64,
        verifier: &Verifier,
    ) -> Result<Option<i64>, Infallible> {
        Ok(self.user(user_id).and_then(|u| {
            SessionMeta::parse(&u.session_tokens)
                .ok()?
                .expiration(verifier)
        }))
    }

    fn app_passwords(&self, user_id: u64) -> Result<Vec<AppPasswordRow>, Infallible> {
        Ok(self
            .user(user_id)
            .map(|u| u.app_passwords.clone())
            .unwrap_or_default())
    }

    fn oauth1_token(&self, key: &[u8]) -> Result<Option<OAuth1Token>, Infallible> {
        Ok(self
            .tokens
            .iter()
            .find(|(k, _)| **k == *key)
            .map(|(_, t)| t.clone()))
    }

    fn oauth1_consumer(&self, key: &[u8]) -> Result<Option<OAuth1Consumer>, Infallible> {
        Ok(self
            .consumers
            .iter()
            .find(|(k, _)| **k == *key)
            .map(|(_, c)| c.clone()))
    }

    fn remember_nonce(&self, key: &ReplayKey, ttl: u64) -> Result<bool, Infallible> {
        Ok(self.seen.remember(key, ttl))
    }

    fn user_by_id(&self, id: u64) -> Result<Option<UserRow>, Infallible> {
        Ok(self.user(id).map(MemoryUser::row))
    }

    fn jwt_user(&self, id: u64) -> Result<Option<JwtUserRow>, Infallible> {
        Ok(self.user(id).map(|_| {
            self.jwt_users
                .iter()
                .find(|(i, _)| *i == id)
                .map(|(_, r)| r.clone())
                .unwrap_or_default()
        }))
    }
}

impl AsyncStore for MemoryStore {
    type Error = Infallible;

    async fn user_by_login(&self, login: &[u8]) -> Result<Option<UserRow>, Infallible> {
        Store::user_by_login(self, login)
    }

    async fn user_by_email(&self, email: &[u8]) -> Result<Option<UserRow>, Infallible> {
        Store::user_by_email(self, email)
    }

    async fn session_expiration(
        &self,
        user_id: u64,
        verifier: &Verifier,
    ) -> Result<Option<i64>, Infallible> {
        Store::session_expiration(self, user_id, verifier)
    }

    async fn app_passwords(&self, user_id: u64) -> Result<Vec<AppPasswordRow>, Infallible> {
        Store::app_passwords(self, user_id)
    }

    async fn oauth1_token(&self, key: &[u8]) -> Result<Option<OAuth1Token>, Infallible> {
        Store::oauth1_token(self, key)
    }

    async fn oauth1_consumer(&self, key: &[u8]) -> Result<Option<OAuth1Consumer>, Infallible> {
        Store::oauth1_consumer(self, key)
    }

    async fn remember_nonce(&self, key: &ReplayKey, ttl: u64) -> Result<bool, Infallible> {
        Store::remember_nonce(self, key, ttl)
    }

    async fn user_by_id(&self, id: u64) -> Result<Option<UserRow>, Infallible> {
        Store::user_by_id(self, id)
    }

    async fn jwt_user(&self, id: u64) -> Result<Option<JwtUserRow>, Infallible> {
        Store::jwt_user(self, id)
    }
}
