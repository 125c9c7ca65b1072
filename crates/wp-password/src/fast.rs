//! WordPress 6.8's fast hash for high-entropy secrets (application passwords, reset keys):
//! `$generic$` + unpadded URL-safe base64 of keyed BLAKE2b with a 30-byte output length.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use blake2::Blake2bMac;
use blake2::digest::consts::U30;
use blake2::digest::{KeyInit as _, Mac as _};
use subtle::ConstantTimeEq;

/// The BLAKE2b key WordPress uses (17 ASCII bytes).
pub const KEY: &[u8] = b"wp_fast_hash_6.8+";

/// The prefix of a fast hash.
pub const PREFIX: &[u8] = b"$generic$";

/// Length of a fast hash string: 9-byte prefix and 40 characters.
pub const HASH_LEN: usize = 49;

/// `wp_fast_hash(message)`.
///
/// ```
/// assert_eq!(
///     &wp_password::fast_hash(b"abcdEFGHijklMNOPqrstUVWX"),
///     b"$generic$VbqhfQOT_VfaFmt_p27nedVhgUdnEi-dOUZamH4W",
/// );
/// ```
#[must_use]
pub fn fast_hash(message: &[u8]) -> [u8; HASH_LEN] {
    let mut out = [0u8; HASH_LEN];
    let (prefix, body) = out.split_at_mut(PREFIX.len());
    prefix.copy_from_slice(PREFIX);
    // The key is 17 bytes (BLAKE2b takes up to 64), so keying cannot fail.
    if let Ok(mut mac) = Blake2bMac::<U30>::new_from_slice(KEY) {
        mac.update(message);
        let digest = mac.finalize().into_bytes();
        // 30 bytes → exactly 40 characters.
        let _ = URL_SAFE_NO_PAD.encode_slice(digest, body);
    }
    out
}

/// `wp_verify_fast_hash(message, stored)`: a `$generic$` hash is compared in constant time
/// with [`fast_hash`]; anything else is checked by phpass `CheckPassword`, as WordPress does.
///
/// # Errors
/// [`crate::Error::IncorrectPassword`].
#[doc(alias = "wp_verify_fast_hash")]
pub fn verify_fast_hash(message: &[u8], stored: &[u8]) -> Result<(), crate::Error> {
    let ok = if stored.starts_with(PREFIX) {
        bool::from(fast_hash(message).as_slice().ct_eq(stored))
    } else {
        crate::phpass::check(message, stored, &crate::Limits::DEFAULT)
    };
    if ok {
        Ok(())
    } else {
        Err(crate::Error::IncorrectPassword)
    }
}
