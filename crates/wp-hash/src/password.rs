//! `wp_generate_password($length, false)`: random `[A-Za-z0-9]` strings (session tokens,
//! application passwords).

/// The alphabet of `wp_generate_password(…, false)` (no special characters).
pub const ALNUM: &[u8; 62] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// A string from `wp_generate_password(N, false)`: `N` characters of `[A-Za-z0-9]`. Session
/// tokens (43) and application passwords (24) are both this. `Debug` prints `[redacted]`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct GeneratedPassword<const N: usize>([u8; N]);

impl<const N: usize> GeneratedPassword<N> {
    /// `N` characters, each uniform over [`ALNUM`], drawn from random bytes the caller's
    /// generator writes into the buffer it is given (a CSPRNG such as `getrandom`). Bytes at or
    /// above 248 are discarded so that `% 62` stays uniform.
    ///
    /// ```
    /// use wp_hash::GeneratedPassword;
    ///
    /// let mut n = 0u8;
    /// let pw = GeneratedPassword::<24>::generate(|buf| {
    ///     for b in buf {
    ///         n = n.wrapping_add(101);
    ///         *b = n;
    ///     }
    /// });
    /// assert!(pw.as_bytes().iter().all(u8::is_ascii_alphanumeric));
    /// assert_eq!(format!("{pw:?}"), "GeneratedPassword([redacted])");
    /// ```
    #[doc(alias = "wp_generate_password")]
    pub fn generate(mut fill: impl FnMut(&mut [u8])) -> Self {
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
        Self(out)
    }

    /// The characters.
    #[must_use]
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The characters' bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8; N] {
        &self.0
    }
}

impl<const N: usize> core::fmt::Debug for GeneratedPassword<N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("GeneratedPassword([redacted])")
    }
}
