//! Lowercase hex, the only case WordPress writes.

use core::fmt;

/// The two lowercase hex digits of every byte.
// Evaluated at compile time: an index out of range would fail the build, not panic.
#[allow(clippy::indexing_slicing)]
const PAIRS: [[u8; 2]; 256] = {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [HEX[i >> 4], HEX[i & 15]];
        i += 1;
    }
    t
};

/// Writes the lowercase hex of `bytes` into `out`, two characters per byte, as far as `out`
/// reaches (the shorter of the two decides).
#[inline]
pub fn hex_into(bytes: &[u8], out: &mut [u8]) {
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        if let Some(p) = PAIRS.get(usize::from(b)) {
            pair.copy_from_slice(p);
        }
    }
}

/// The largest digest this crate produces (SHA-512), in hex.
const MAX: usize = 128;

/// A digest as lowercase hex, as PHP's `hash_hmac()` returns it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct HexDigest {
    buf: [u8; MAX],
    len: usize,
}

impl HexDigest {
    /// The hex of a digest of up to 64 bytes (a longer array does not compile).
    #[must_use]
    pub fn of<const N: usize>(digest: &[u8; N]) -> Self {
        const { assert!(N <= MAX / 2, "a HexDigest holds at most 64 bytes") };
        Self::encode(digest)
    }

    /// The hex of `bytes`, which the caller knows to be at most 64 bytes long (every digest
    /// `hash_hmac()` can produce is): used where the length is a type parameter.
    #[must_use]
    pub(crate) fn encode(bytes: &[u8]) -> Self {
        debug_assert!(bytes.len() <= MAX / 2);
        let mut buf = [0u8; MAX];
        hex_into(bytes, &mut buf);
        Self {
            buf,
            len: bytes.len().min(MAX / 2) * 2,
        }
    }

    /// The hex characters as bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }

    /// The hex characters.
    #[must_use]
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }
}

impl fmt::Debug for HexDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for HexDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AsRef<[u8]> for HexDigest {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}
