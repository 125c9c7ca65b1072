//! Lowercase hex, the only case WordPress writes.

use core::fmt;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The lowercase hex digit for the low four bits of `n`.
#[inline]
#[must_use]
pub fn nibble(n: u8) -> u8 {
    HEX.get(usize::from(n & 0x0f)).copied().unwrap_or(b'0')
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
    /// Encodes up to 64 bytes (longer input is cut at 64).
    #[must_use]
    pub fn encode(bytes: &[u8]) -> Self {
        let mut buf = [0u8; MAX];
        let mut len = 0;
        for (pair, b) in buf.chunks_exact_mut(2).zip(bytes) {
            if let [hi, lo] = pair {
                *hi = nibble(b >> 4);
                *lo = nibble(b & 0x0f);
            }
            len += 2;
        }
        Self { buf, len }
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
