//! The proxy's store file: a site's users, sessions, application passwords and OAuth1 grants
//! as JSON, each meta value exactly as WordPress stores it (PHP-serialised).
//!
//! ```json
//! {
//!   "users": [{ "id": 1, "login": "admin", "email": "admin@example.com",
//!               "user_pass": "$wp$2y$10$…", "app_passwords_available": true,
//!               "session_tokens": "a:1:{…}", "application_passwords": "a:1:{…}" }],
//!   "oauth1_consumers": [{ "key": "…", "id": 10, "secret": "…" }],
//!   "oauth1_tokens": [{ "key": "…", "consumer_id": 10, "user_id": 1, "secret": "…" }]
//! }
//! ```

use std::path::Path;

use serde_json::Value;
use wp_auth::{AppPasswordRow, MemoryStore, MemoryUser, OAuth1Consumer, OAuth1Token, StoredSecret};

use crate::Failure;
use crate::input::secret;

/// A field of the file: its path in the document and its value.
struct Field<'a> {
    at: String,
    value: &'a Value,
}

impl<'a> Field<'a> {
    fn get(&self, name: &str) -> Field<'a> {
        Field {
            at: format!("{}.{name}", self.at),
            value: self.value.get(name).unwrap_or(&Value::Null),
        }
    }

    fn fail(&self, what: &str) -> Failure {
        Failure(format!("{}: {what}", self.at))
    }

    fn u64(&self) -> Result<u64, Failure> {
        self.value
            .as_u64()
            .ok_or_else(|| self.fail("expected a non-negative integer"))
    }

    fn str(&self) -> Result<&'a str, Failure> {
        self.value
            .as_str()
            .ok_or_else(|| self.fail("expected a string"))
    }

    fn str_or_empty(&self) -> Result<&'a str, Failure> {
        if self.value.is_null() {
            Ok("")
        } else {
            self.str()
        }
    }

    fn secret(&self) -> Result<StoredSecret, Failure> {
        StoredSecret::new(self.str()?.as_bytes()).ok_or_else(|| self.fail("longer than 255 bytes"))
    }

    fn list(&self) -> Result<Vec<Field<'a>>, Failure> {
        match self.value {
            Value::Null => Ok(Vec::new()),
            Value::Array(items) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, value)| Field {
                    at: format!("{}[{i}]", self.at),
                    value,
                })
                .collect()),
            _ => Err(self.fail("expected an array")),
        }
    }
}

/// Reads the store file.
pub(crate) fn load(path: &Path) -> Result<MemoryStore, Failure> {
    let bytes = secret(path)?;
    let doc: Value =
        serde_json::from_slice(&bytes).map_err(|e| Failure(format!("{}: {e}", path.display())))?;
    let root = Field {
        at: path.display().to_string(),
        value: &doc,
    };
    if !doc.is_object() {
        return Err(root.fail("expected a JSON object"));
    }
    let mut store = MemoryStore::new();
    for u in root.get("users").list()? {
        let apps = u.get("application_passwords");
        let app_passwords = AppPasswordRow::from_meta(apps.str_or_empty()?.as_bytes())
            .map_err(|e| apps.fail(&e.to_string()))?;
        let available = u.get("app_passwords_available");
        store.add_user(MemoryUser {
            id: u.get("id").u64()?,
            login: u.get("login").str()?.as_bytes().into(),
            email: u.get("email").str_or_empty()?.as_bytes().into(),
            user_pass: u.get("user_pass").secret()?,
            app_passwords_available: available.value.as_bool().unwrap_or(true),
            session_tokens: u.get("session_tokens").str_or_empty()?.as_bytes().into(),
            app_passwords,
        });
    }
    for c in root.get("oauth1_consumers").list()? {
        store.add_oauth1_consumer(
            c.get("key").str()?.as_bytes(),
            OAuth1Consumer {
                id: c.get("id").u64()?,
                secret: c.get("secret").secret()?,
            },
        );
    }
    for t in root.get("oauth1_tokens").list()? {
        store.add_oauth1_token(
            t.get("key").str()?.as_bytes(),
            OAuth1Token {
                consumer_id: t.get("consumer_id").u64()?,
                user_id: t.get("user_id").u64()?,
                secret: t.get("secret").secret()?,
            },
        );
    }
    Ok(store)
}
