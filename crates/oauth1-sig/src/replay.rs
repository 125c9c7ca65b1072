//! Nonce replay protection: a store with an atomic insert-if-absent and a time to live.
//!
//! ```
//! use core::cell::RefCell;
//! use oauth1_sig::replay::{MemoryReplayCache, ReplayKey, ReplayCache};
//! use oauth1_sig::{Coding, Error};
//!
//! let cache = RefCell::new(MemoryReplayCache::<64>::new());
//! let key = ReplayKey::from_bytes(b"consumer", b"token", 1_700_000_000, b"nonce-1");
//! assert_eq!(cache.insert_if_absent(&key, 1_700_000_000, 900), Ok(()));
//! assert_eq!(cache.insert_if_absent(&key, 1_700_000_001, 900), Err(Error::NonceReused));
//! ```

use sha2::{Digest, Sha256};

use crate::Error;
use crate::encode::{Coding, Decoded};

/// The tuple a nonce is unique within: (consumer key, token, timestamp, nonce), stored as a
/// 128-bit digest of its length-prefixed parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ReplayKey {
    digest: [u8; 16],
    timestamp: u64,
}

impl ReplayKey {
    /// The key of decoded parts.
    #[must_use]
    pub fn new(
        consumer: Decoded<'_>,
        token: Decoded<'_>,
        timestamp: u64,
        nonce: Decoded<'_>,
    ) -> Self {
        let mut h = Sha256::new();
        for part in [consumer, token, nonce] {
            let len = part.clone().count() as u64;
            h.update(len.to_le_bytes());
            let mut buf = [0u8; 64];
            let mut n = 0;
            for b in part {
                if let Some(slot) = buf.get_mut(n) {
                    *slot = b;
                    n += 1;
                }
                if n == buf.len() {
                    h.update(buf);
                    n = 0;
                }
            }
            h.update(buf.get(..n).unwrap_or_default());
        }
        h.update(timestamp.to_le_bytes());
        let full = h.finalize();
        let mut digest = [0u8; 16];
        if let Some(src) = full.get(..16) {
            digest.copy_from_slice(src);
        }
        Self { digest, timestamp }
    }

    /// The key of plain (decoded) byte strings.
    #[must_use]
    pub fn from_bytes(consumer: &[u8], token: &[u8], timestamp: u64, nonce: &[u8]) -> Self {
        let d = |b| Decoded::new(b, Coding::Plain);
        Self::new(d(consumer), d(token), timestamp, d(nonce))
    }
}

/// Where used nonces are recorded.
///
/// Contract: `insert_if_absent` is atomic — of any number of concurrent calls with the same
/// key, exactly one returns `Ok`; the entry is kept at least `ttl` seconds past the request
/// time; a store that cannot record the key must refuse (`Err`), never accept.
pub trait ReplayCache {
    /// Records `key` unless present.
    ///
    /// # Errors
    /// [`Error::NonceReused`] when present; [`Error::ReplayCacheFull`] when it cannot be
    /// recorded.
    fn insert_if_absent(&self, key: &ReplayKey, now: u64, ttl: u64) -> Result<(), Error>;
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    digest: [u8; 16],
    expires: u64,
}

/// A bounded in-memory replay cache for `N` unexpired nonces: expired entries are evicted to
/// make room (oldest first); when all `N` are unexpired it refuses the request (fails closed).
#[derive(Clone, Debug)]
pub struct MemoryReplayCache<const N: usize> {
    entries: heapless::Vec<Entry, N>,
}

impl<const N: usize> Default for MemoryReplayCache<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> MemoryReplayCache<N> {
    /// An empty cache.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            entries: heapless::Vec::new(),
        }
    }

    /// The number of entries held (expired ones included until evicted).
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds nothing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// [`ReplayCache::insert_if_absent`] with exclusive access.
    ///
    /// # Errors
    /// As the trait.
    pub fn insert(&mut self, key: &ReplayKey, now: u64, ttl: u64) -> Result<(), Error> {
        let expires = key.timestamp.max(now).saturating_add(ttl);
        if self
            .entries
            .iter()
            .any(|e| e.digest == key.digest && e.expires >= now)
        {
            return Err(Error::NonceReused);
        }
        self.entries.retain(|e| e.expires >= now);
        self.entries
            .push(Entry {
                digest: key.digest,
                expires,
            })
            .map_err(|_| Error::ReplayCacheFull)
    }
}

impl<const N: usize> ReplayCache for core::cell::RefCell<MemoryReplayCache<N>> {
    fn insert_if_absent(&self, key: &ReplayKey, now: u64, ttl: u64) -> Result<(), Error> {
        self.try_borrow_mut()
            .map_err(|_| Error::ReplayCacheFull)?
            .insert(key, now, ttl)
    }
}
