//! Session tokens (`WP_Session_Tokens`): the token a cookie carries, its verifier, and the
//! `session_tokens` user meta WordPress stores them in.
//!
//! ```
//! use wp_cookie::session::{SessionMeta, Verifier};
//!
//! let token = b"hy0tkbGC0WHCm2rsEUfVhfgRsVgbAGSgGpOK9gRvjSk";
//! let v = Verifier::of(token);
//! assert_eq!(v.hex().as_str(), "d5f22bc5ff8a787eae79b0b0698a0305c408d6364f915559a1f533ea0d9a0f18");
//!
//! // The wp_usermeta row as WordPress wrote it (PHP serialize()).
//! let meta = br#"a:1:{s:64:"d5f22bc5ff8a787eae79b0b0698a0305c408d6364f915559a1f533ea0d9a0f18";a:2:{s:10:"expiration";i:1624542557;s:5:"login";i:1624510657;}}"#;
//! let sessions = SessionMeta::parse(meta).unwrap();
//! assert_eq!(sessions.expiration(&v), Some(1_624_542_557));
//! assert!(sessions.verify(1_624_542_557, token));
//! assert!(!sessions.verify(1_624_542_558, token));
//! ```

use core::fmt;

use wp_hash::HexDigest;
use wp_hash::block::{BlockHash, Sha256, Stream, pad};

use wp_php::ArrayKey;
use wp_php::unserialize::{Array, Value, unserialize};

use crate::Error;

/// The length of a WordPress session token.
pub const TOKEN_LEN: usize = 43;

/// A session token: `wp_generate_password(43, false)`, 43 characters of `[A-Za-z0-9]` from the
/// caller's random bytes ([`wp_hash::GeneratedPassword::generate`]).
pub type SessionToken = wp_hash::GeneratedPassword<TOKEN_LEN>;

/// The key a session is stored under: the SHA-256 of the token, which WordPress writes as 64
/// lowercase hex characters (`hash('sha256', $token)`).
///
/// Kept as the 32-byte digest, so a store that keys its sessions by digest compares 32 bytes
/// and validation never spends time on hex; [`Verifier::hex`] gives WordPress's form and
/// [`Verifier::from_hex`] reads it back.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Verifier([u8; 32]);

impl Verifier {
    /// The verifier of a token.
    #[must_use]
    #[inline]
    pub fn of(token: &[u8]) -> Self {
        // A token of up to 55 bytes (WordPress's are 43) is one padded block.
        let mut buf = [[0u8; 64]; 1];
        Self(match pad::<Sha256, 1>(&mut buf, 0, &[token]) {
            Some(blocks) => Sha256::hash_padded(blocks),
            None => {
                let mut s = Stream::<Sha256>::new();
                s.update(token);
                s.finish()
            }
        })
    }

    /// A verifier from its digest.
    #[must_use]
    pub const fn from_digest(digest: [u8; 32]) -> Self {
        Self(digest)
    }

    /// The verifier WordPress stored as `hex`: exactly 64 lowercase hex characters, the only
    /// form `hash('sha256', ...)` writes (`None` for anything else, as PHP's exact key lookup
    /// would find no session under it).
    #[must_use]
    pub fn from_hex(hex: &[u8]) -> Option<Self> {
        let hex: &[u8; 64] = hex.try_into().ok()?;
        let nibble = |c: u8| match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        };
        let mut digest = [0u8; 32];
        for (d, pair) in digest.iter_mut().zip(hex.as_chunks::<2>().0) {
            *d = nibble(pair[0])? << 4 | nibble(pair[1])?;
        }
        Some(Self(digest))
    }

    /// The digest.
    #[must_use]
    pub fn digest(&self) -> &[u8; 32] {
        &self.0
    }

    /// The key as WordPress writes it: 64 lowercase hex characters.
    #[must_use]
    pub fn hex(&self) -> HexDigest {
        HexDigest::of(&self.0)
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Verifier({})", self.hex().as_str())
    }
}

impl fmt::Display for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.hex().as_str())
    }
}

/// A user's `session_tokens` meta as WordPress stored it, read without allocating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionMeta<'a> {
    sessions: Option<Array<'a>>,
}

/// One stored session, as WordPress prepares it (a legacy bare integer is its expiration).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Session<'a> {
    /// A pre-4.0 row: just the expiration.
    Legacy(i64),
    /// A session array (`expiration`, `ip`, `ua`, `login`, and whatever plugins added).
    Array(Array<'a>),
    /// Any other value (WordPress cannot use it).
    Other(Value<'a>),
}

impl<'a> Session<'a> {
    /// The expiration, when it is an integer.
    #[must_use]
    pub fn expiration(&self) -> Option<i64> {
        match self {
            Self::Legacy(e) => Some(*e),
            Self::Array(a) => match a.get(b"expiration") {
                Some(Value::Int(e)) => Some(e),
                _ => None,
            },
            Self::Other(_) => None,
        }
    }

    /// Whether WordPress still counts it (`expiration >= now`).
    #[must_use]
    pub fn is_valid_at(&self, now: u64) -> bool {
        self.expiration()
            .is_some_and(|e| i128::from(e) >= i128::from(now))
    }
}

impl<'a> SessionMeta<'a> {
    /// Reads the meta value. A value that is not an array (the empty string of a deleted row,
    /// say) holds no sessions, as in WordPress.
    ///
    /// # Errors
    /// [`Error::Serialized`] for bytes that are not valid `serialize()` output.
    pub fn parse(meta: &'a [u8]) -> Result<Self, Error> {
        let sessions = match unserialize(meta)? {
            Value::Array(a) => Some(a),
            _ => None,
        };
        Ok(Self { sessions })
    }

    /// Every stored row: (key, session), expired ones included.
    pub fn rows(&self) -> impl Iterator<Item = (ArrayKey<'a>, Session<'a>)> + 'a {
        self.sessions
            .into_iter()
            .flat_map(|a| a.iter())
            .map(|(k, v)| {
                let s = match v {
                    Value::Int(e) => Session::Legacy(e),
                    Value::Array(a) => Session::Array(a),
                    other => Session::Other(other),
                };
                (k, s)
            })
    }

    /// The session stored under `verifier`, expired or not.
    #[must_use]
    pub fn get(&self, verifier: &Verifier) -> Option<Session<'a>> {
        let hex = verifier.hex();
        self.rows()
            .find(|(k, _)| *k == ArrayKey::Str(hex.as_bytes()))
            .map(|(_, s)| s)
    }

    /// The expiration of the session under `verifier` (what [`crate::UserStore`] returns).
    #[must_use]
    pub fn expiration(&self, verifier: &Verifier) -> Option<i64> {
        self.get(verifier).and_then(|s| s.expiration())
    }

    /// `WP_Session_Tokens::verify($token)` at `now`.
    #[must_use]
    pub fn verify(&self, now: u64, token: &[u8]) -> bool {
        self.get(&Verifier::of(token))
            .is_some_and(|s| s.is_valid_at(now))
    }

    /// `get_all()`: the sessions still valid at `now`, in stored order.
    pub fn valid_at(&self, now: u64) -> impl Iterator<Item = Session<'a>> + 'a {
        self.rows()
            .map(|(_, s)| s)
            .filter(move |s| s.is_valid_at(now))
    }
}

#[cfg(feature = "alloc")]
pub use owned::{Php, SessionTokens};

#[cfg(feature = "alloc")]
mod owned {
    //! Writing `session_tokens` meta as `WP_User_Meta_Session_Tokens` does.

    use alloc::vec::Vec;

    use super::{ArrayKey, SessionMeta, Value, Verifier};
    use crate::Error;

    /// An owned PHP value, for building and serialising session rows.
    #[derive(Clone, Debug, PartialEq)]
    pub enum Php {
        /// An integer.
        Int(i64),
        /// A byte string.
        Str(Vec<u8>),
        /// A boolean.
        Bool(bool),
        /// `null`.
        Null,
        /// A float, as the text `serialize()` wrote.
        Float(Vec<u8>),
        /// An array: (key, value) in order; keys are `Int` or `Str`.
        Array(Vec<(Php, Php)>),
    }

    impl Php {
        /// A string key as PHP stores it: a canonical decimal integer string becomes an
        /// integer key (`"5"` → `5`, but not `"05"`).
        #[must_use]
        pub fn key(s: &[u8]) -> Self {
            let canonical = match s {
                [b'0'] => true,
                [b'-', b'1'..=b'9', rest @ ..] | [b'1'..=b'9', rest @ ..] => {
                    rest.iter().all(u8::is_ascii_digit)
                }
                _ => false,
            };
            core::str::from_utf8(s)
                .ok()
                .filter(|_| canonical)
                .and_then(|t| t.parse::<i64>().ok())
                .map_or_else(|| Self::Str(s.to_vec()), Self::Int)
        }

        /// Copies a borrowed value.
        #[must_use]
        pub fn from_value(v: Value<'_>) -> Self {
            match v {
                Value::Int(i) => Self::Int(i),
                Value::Str(s) => Self::Str(s.to_vec()),
                Value::Bool(b) => Self::Bool(b),
                Value::Null => Self::Null,
                Value::Float(t) => Self::Float(t.to_vec()),
                Value::Array(a) => Self::Array(
                    a.iter()
                        .map(|(k, v)| {
                            let k = match k {
                                ArrayKey::Int(i) => Self::Int(i),
                                ArrayKey::Str(s) => Self::Str(s.to_vec()),
                            };
                            (k, Self::from_value(v))
                        })
                        .collect(),
                ),
            }
        }

        /// The value under a string key of an array.
        #[must_use]
        pub fn get(&self, key: &[u8]) -> Option<&Php> {
            match self {
                Self::Array(entries) => entries
                    .iter()
                    .find(|(k, _)| matches!(k, Self::Str(s) if s == key))
                    .map(|(_, v)| v),
                _ => None,
            }
        }

        /// PHP `serialize()`.
        pub fn serialize_into(&self, out: &mut Vec<u8>) {
            let num = |out: &mut Vec<u8>, tag: &[u8], n: i64, end: u8| {
                out.extend_from_slice(tag);
                out.extend_from_slice(wp_hash::Decimal::signed(n).as_bytes());
                out.push(end);
            };
            match self {
                Self::Int(i) => num(out, b"i:", *i, b';'),
                Self::Str(s) => {
                    num(out, b"s:", i64::try_from(s.len()).unwrap_or(i64::MAX), b':');
                    out.push(b'"');
                    out.extend_from_slice(s);
                    out.extend_from_slice(b"\";");
                }
                Self::Bool(b) => out.extend_from_slice(if *b { b"b:1;" } else { b"b:0;" }),
                Self::Null => out.extend_from_slice(b"N;"),
                Self::Float(t) => {
                    out.extend_from_slice(b"d:");
                    out.extend_from_slice(t);
                    out.push(b';');
                }
                Self::Array(entries) => {
                    num(
                        out,
                        b"a:",
                        i64::try_from(entries.len()).unwrap_or(i64::MAX),
                        b':',
                    );
                    out.push(b'{');
                    for (k, v) in entries {
                        k.serialize_into(out);
                        v.serialize_into(out);
                    }
                    out.push(b'}');
                }
            }
        }

        /// PHP `serialize()` as a new vector.
        #[must_use]
        pub fn serialize(&self) -> Vec<u8> {
            let mut out = Vec::new();
            self.serialize_into(&mut out);
            out
        }

        fn expiration(&self) -> Option<i64> {
            match self.get(b"expiration") {
                Some(Self::Int(e)) => Some(*e),
                _ => None,
            }
        }
    }

    /// A user's sessions, as `WP_User_Meta_Session_Tokens` keeps them in user meta.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct SessionTokens {
        /// The meta value: `None` when it is not an array (no row: WordPress reads `""`).
        rows: Option<Vec<(Php, Php)>>,
    }

    impl SessionTokens {
        /// No sessions (no meta row).
        #[must_use]
        pub fn new() -> Self {
            Self::default()
        }

        /// Reads a stored meta value.
        ///
        /// # Errors
        /// [`Error::Serialized`].
        pub fn from_meta(meta: &[u8]) -> Result<Self, Error> {
            let rows = SessionMeta::parse(meta)?.sessions.map(|a| {
                match Php::from_value(Value::Array(a)) {
                    Php::Array(rows) => rows,
                    _ => Vec::new(),
                }
            });
            Ok(Self { rows })
        }

        /// `get_sessions()`: rows prepared (a legacy integer becomes `{expiration}`) and
        /// filtered to those still valid at `now`.
        fn sessions(&self, now: u64) -> Vec<(Php, Php)> {
            self.rows
                .iter()
                .flatten()
                .map(|(k, v)| {
                    let v = match v {
                        Php::Int(e) => Php::Array(alloc::vec![(
                            Php::Str(b"expiration".to_vec()),
                            Php::Int(*e)
                        )]),
                        other => other.clone(),
                    };
                    (k.clone(), v)
                })
                .filter(|(_, v)| {
                    v.expiration()
                        .is_some_and(|e| i128::from(e) >= i128::from(now))
                })
                .collect()
        }

        /// `update($token, $session)` (or `destroy($token)` with `None`) at `now`: every
        /// expired row is dropped and legacy rows are rewritten, as WordPress does on any write.
        pub fn update(&mut self, now: u64, token: &[u8], session: Option<Php>) {
            let key = Php::Str(Verifier::of(token).hex().as_bytes().to_vec());
            let mut rows = self.sessions(now);
            match (rows.iter().position(|(k, _)| *k == key), session) {
                (Some(i), Some(s)) => {
                    if let Some(row) = rows.get_mut(i) {
                        row.1 = s;
                    }
                }
                (None, Some(s)) => rows.push((key, s)),
                (Some(i), None) => {
                    rows.remove(i);
                }
                (None, None) => {}
            }
            self.rows = (!rows.is_empty()).then_some(rows);
        }

        /// `create($expiration)` with the session WordPress builds: `expiration`, `ip` and `ua`
        /// when non-empty, `login`. The token comes from the caller
        /// ([`wp_hash::GeneratedPassword::generate`]).
        pub fn create(&mut self, now: u64, token: &[u8], expiration: i64, ip: &[u8], ua: &[u8]) {
            let s = |t: &[u8]| Php::Str(t.to_vec());
            let mut session = alloc::vec![(s(b"expiration"), Php::Int(expiration))];
            if !ip.is_empty() {
                session.push((s(b"ip"), s(ip)));
            }
            if !ua.is_empty() {
                session.push((s(b"ua"), s(ua)));
            }
            session.push((
                s(b"login"),
                Php::Int(i64::try_from(now).unwrap_or(i64::MAX)),
            ));
            self.update(now, token, Some(Php::Array(session)));
        }

        /// `get($token)`: the session, if valid at `now`.
        #[must_use]
        pub fn get(&self, now: u64, token: &[u8]) -> Option<Php> {
            let key = Php::Str(Verifier::of(token).hex().as_bytes().to_vec());
            self.sessions(now)
                .into_iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v)
        }

        /// `verify($token)`.
        #[must_use]
        pub fn verify(&self, now: u64, token: &[u8]) -> bool {
            self.get(now, token).is_some()
        }

        /// `get_all()`.
        #[must_use]
        pub fn get_all(&self, now: u64) -> Vec<Php> {
            self.sessions(now).into_iter().map(|(_, v)| v).collect()
        }

        /// The meta value: the array of rows, or `""` when there is none.
        #[must_use]
        pub fn to_php(&self) -> Php {
            match &self.rows {
                Some(rows) => Php::Array(rows.clone()),
                None => Php::Str(Vec::new()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifier_hex_round_trips_and_takes_only_lowercase() {
        for token in [&b""[..], b"TOKEN", &[0xffu8; 43], &[7u8; 200]] {
            let v = Verifier::of(token);
            let hex = v.hex();
            assert_eq!(hex.as_bytes().len(), 64);
            assert_eq!(Verifier::from_hex(hex.as_bytes()), Some(v));
            assert_eq!(std::format!("{v}"), hex.as_str());
            let upper = hex.as_str().to_ascii_uppercase();
            let has_letter = upper.bytes().any(|b| b.is_ascii_uppercase());
            assert_eq!(Verifier::from_hex(upper.as_bytes()).is_none(), has_letter);
            assert_eq!(Verifier::from_hex(&hex.as_bytes()[1..]), None);
            let mut bad = *v.hex().as_bytes().first_chunk::<64>().unwrap();
            bad[63] = b'g';
            assert_eq!(Verifier::from_hex(&bad), None);
        }
        // The digest itself, against the `sha2` crate.
        use sha2::Digest as _;
        let want: [u8; 32] = sha2::Sha256::digest(b"TOKEN").into();
        assert_eq!(Verifier::of(b"TOKEN").digest(), &want);
        assert_eq!(Verifier::from_digest(want), Verifier::of(b"TOKEN"));
    }

    #[test]
    fn token_generation_is_alphanumeric_and_uses_the_generator() {
        let mut state = 7u8;
        let t = SessionToken::generate(|buf| {
            for b in buf {
                state = state.wrapping_mul(31).wrapping_add(11);
                *b = state;
            }
        });
        assert!(t.as_bytes().iter().all(u8::is_ascii_alphanumeric));
        // All-255 bytes are rejected, then zeros give 'a'.
        let mut calls = 0;
        let t = SessionToken::generate(|buf| {
            calls += 1;
            buf.fill(if calls == 1 { 255 } else { 0 });
        });
        assert_eq!(t.as_str(), "a".repeat(43));
        assert_eq!(calls, 2);
    }
}
