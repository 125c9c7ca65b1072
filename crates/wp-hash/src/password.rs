//! `wp_generate_password($length, false)`: random `[A-Za-z0-9]` strings (session tokens,
//! application passwords).

/// The alphabet of `wp_generate_password(…, false)` (no special characters).
pub const ALNUM: &[u8; 62] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// `N` characters, each uniform over [`ALNUM`], drawn from random bytes the caller's generator
/// writes into the buffer it is given (a CSPRNG such as `getrandom`). Bytes at or above 248
/// are discarded so that `% 62` stays uniform.
///
/// ```
/// let mut n = 0u8;
/// let pw: [u8; 24] = wp_hash::generate_password(|buf| {
///     for b in buf {
///         n = n.wrapping_add(101);
///         *b = n;
///     }
/// });
/// assert!(pw.iter().all(u8::is_ascii_alphanumeric));
/// ```
pub fn generate_password<const N: usize>(mut fill: impl FnMut(&mut [u8])) -> [u8; N] {
    let mut out = [0u8; N];
    let mut filled = 0;
    let mut pool = [0u8; 64];
    while filled < N {
        fill(&mut pool);
        for &b in &pool {
            if let (true, Some(slot), Some(&c)) =
                (b < 248, out.get_mut(filled), ALNUM.get(usize::from(b % 62)))
            {
                *slot = c;
                filled += 1;
            }
        }
    }
    out
}
