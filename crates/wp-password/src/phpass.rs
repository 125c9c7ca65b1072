//! phpass portable hashes, `$P$` (WordPress ≤ 6.7) and `$H$` (phpBB): iterated salted MD5.
//!
//! `x = MD5(salt ‖ password)`, then `2^count_log2` times `x = MD5(x ‖ password)`; the stored
//! string is `id ‖ count char ‖ 8 salt bytes ‖ encode64(x)` (34 bytes).

use md5::{Digest, Md5};
use subtle::ConstantTimeEq;

use crate::MAX_PASSWORD_LEN;
pub use crate::encoding::{ITOA64, encode64};

/// Length of a phpass hash string.
pub const HASH_LEN: usize = 34;

/// The iteration exponent WordPress hashes with (`B`: 2^13 = 8192 rounds).
pub const WORDPRESS_COUNT_LOG2: u8 = 13;

/// Why a string is not a phpass setting (`crypt_private` answers `*0` for all of these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// Does not start with `$P$` or `$H$`.
    Id,
    /// The count character is missing, not in the alphabet, or outside `7..=30`.
    Count,
    /// Fewer than 8 salt bytes follow the count character.
    Salt,
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Id => "not a phpass hash: the id is not $P$ or $H$",
            Self::Count => "phpass iteration count character missing or out of range",
            Self::Salt => "phpass salt shorter than 8 bytes",
        })
    }
}

impl core::error::Error for Error {}

/// The parsed first 12 bytes of a phpass hash: id, iteration exponent and salt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    /// `b'P'` or `b'H'`.
    pub id: u8,
    /// log2 of the iteration count, 7..=30.
    pub count_log2: u8,
    /// The 8 salt bytes, verbatim (any bytes).
    pub salt: [u8; 8],
}

impl Setting {
    /// Parses the setting at the start of `s` (a full hash or just its first 12 bytes; the rest
    /// is ignored, as phpass does).
    ///
    /// # Errors
    /// [`Error`] for each way `crypt_private` rejects a setting.
    pub fn parse(s: &[u8]) -> Result<Self, Error> {
        let id = match s {
            [b'$', id @ (b'P' | b'H'), b'$', ..] => *id,
            _ => return Err(Error::Id),
        };
        let count_log2 = s
            .get(3)
            .and_then(|c| ITOA64.iter().position(|a| a == c))
            .and_then(|p| u8::try_from(p).ok())
            .filter(|p| (7..=30).contains(p))
            .ok_or(Error::Count)?;
        let salt = s
            .get(4..12)
            .and_then(|s| <[u8; 8]>::try_from(s).ok())
            .ok_or(Error::Salt)?;
        Ok(Self {
            id,
            count_log2,
            salt,
        })
    }

    /// The setting WordPress's `wp_hash_password()` (≤ 6.7) makes: `$P$B` and `encode64` of
    /// 6 random bytes.
    #[must_use]
    pub fn wordpress(random: [u8; 6]) -> Self {
        let mut salt = [0u8; 8];
        encode64(&random, &mut salt);
        Self {
            id: b'P',
            count_log2: WORDPRESS_COUNT_LOG2,
            salt,
        }
    }

    /// Hashes `password` with this setting: the 34-byte phpass string.
    ///
    /// Up to 4096 bytes of password, each round is the MD5 compressions of one padded
    /// message built once, of which only the first 16 bytes change (on the stack, 4 KiB);
    /// longer passwords (which WordPress never hashes or checks) take the general path.
    #[must_use]
    pub fn hash(&self, password: &[u8]) -> [u8; HASH_LEN] {
        let mut x: [u8; 16] = Md5::new()
            .chain_update(self.salt)
            .chain_update(password)
            .finalize()
            .into();
        let rounds = 1u64 << self.count_log2;
        match Rounds::new(password) {
            Some(mut r) => {
                for _ in 0..rounds {
                    x = r.next(&x);
                }
            }
            None => {
                for _ in 0..rounds {
                    x = Md5::new()
                        .chain_update(x)
                        .chain_update(password)
                        .finalize()
                        .into();
                }
            }
        }
        let mut out = [0u8; HASH_LEN];
        let (head, checksum) = out.split_at_mut(12);
        head.copy_from_slice(b"$P$B........");
        if let [_, id, _, count, salt @ ..] = head {
            *id = self.id;
            *count = ITOA64
                .get(usize::from(self.count_log2))
                .copied()
                .unwrap_or(b'.');
            salt.copy_from_slice(&self.salt);
        }
        encode64(&x, checksum);
        out
    }
}

/// Blocks for `MD5(x ‖ password)` with passwords up to [`MAX_PASSWORD_LEN`] bytes.
const MAX_BLOCKS: usize = (16 + MAX_PASSWORD_LEN + 9).div_ceil(64);

/// The padded message `x ‖ password` of one phpass round, built once.
struct Rounds {
    blocks: [[u8; 64]; MAX_BLOCKS],
    used: usize,
}

impl Rounds {
    fn new(password: &[u8]) -> Option<Self> {
        let len = 16 + password.len();
        let used = (len + 9).div_ceil(64);
        if used > MAX_BLOCKS {
            return None;
        }
        let mut blocks = [[0u8; 64]; MAX_BLOCKS];
        let bits = (len as u64).wrapping_mul(8).to_le_bytes();
        let tail = core::iter::once(0x80u8)
            .chain(core::iter::repeat_n(0, used * 64 - len - 9))
            .chain(bits);
        let bytes = [0u8; 16]
            .into_iter()
            .chain(password.iter().copied())
            .chain(tail);
        for (slot, b) in blocks.iter_mut().flatten().zip(bytes) {
            *slot = b;
        }
        Some(Self { blocks, used })
    }

    fn next(&mut self, x: &[u8; 16]) -> [u8; 16] {
        if let Some(first) = self.blocks.first_mut() {
            first.split_at_mut(16).0.copy_from_slice(x);
        }
        let mut state = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
        md5::block_api::compress(&mut state, self.blocks.get(..self.used).unwrap_or_default());
        let mut out = [0u8; 16];
        for (o, w) in out.chunks_exact_mut(4).zip(state) {
            o.copy_from_slice(&w.to_le_bytes());
        }
        out
    }
}

/// The result of phpass's `crypt_private(password, setting)`: a 34-byte hash, or the failure
/// marker `*0` (`*1` when the setting itself starts with `*0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crypt {
    /// The hash string.
    Hash([u8; HASH_LEN]),
    /// The setting was invalid; this is the marker phpass returns.
    Failed(&'static str),
}

impl Crypt {
    /// The output as PHP would return it.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Hash(h) => h,
            Self::Failed(m) => m.as_bytes(),
        }
    }
}

/// phpass's `crypt_private`: hashes `password` with the setting at the start of `setting`.
/// Its work is `2^count` MD5 runs over the password, so both are bounded first: passwords of
/// at most [`MAX_PASSWORD_LEN`] bytes (as every phpass caller in WordPress checks) and a count
/// within `limits`.
///
/// # Errors
/// [`crate::Error::TooLong`], [`crate::Error::CostLimit`].
pub fn crypt_private(
    password: &[u8],
    setting: &[u8],
    limits: &crate::Limits,
) -> Result<Crypt, crate::Error> {
    if password.len() > MAX_PASSWORD_LEN {
        return Err(crate::Error::TooLong);
    }
    Ok(match Setting::parse(setting) {
        Ok(s) if s.count_log2 > limits.phpass_count_log2 => {
            return Err(crate::Error::CostLimit);
        }
        Ok(s) => Crypt::Hash(s.hash(password)),
        Err(_) if setting.starts_with(b"*0") => Crypt::Failed("*1"),
        Err(_) => Crypt::Failed("*0"),
    })
}

/// phpass `CheckPassword`: passwords over 4096 bytes fail; otherwise the hash is recomputed
/// with `stored` as setting and the full strings compared in constant time. When the setting
/// is invalid phpass falls back to PHP's `crypt()`, which [`crate::crypt::verify`] reproduces
/// (bcrypt always; MD5-crypt and SHA-crypt with their features). A `stored` hash asking for
/// more work than `limits` allow is not run: `false`.
#[must_use]
pub fn check(password: &[u8], stored: &[u8], limits: &crate::Limits) -> bool {
    if password.len() > MAX_PASSWORD_LEN {
        return false;
    }
    match crypt_private(password, stored, limits) {
        Ok(Crypt::Hash(h)) => bool::from(h.as_slice().ct_eq(stored)),
        Ok(Crypt::Failed(_)) => {
            crate::crypt::within(stored, limits) && crate::crypt::verify(password, stored)
        }
        Err(_) => false,
    }
}
