//! How much work a stored hash may ask for. The cost of a check is written in the stored
//! hash itself — bcrypt's cost, phpass's count character, SHA-crypt's `rounds=`, Argon2's
//! `m=` and `t=` — so whoever can write a `user_pass` (or an application password's hash) can
//! make one check run for hours (bcrypt cost 31, phpass count `S`) or allocate gigabytes
//! (Argon2 `m=`). PHP runs whatever is stored; a service checks the stored hash against
//! [`Limits`] first and refuses with [`crate::Error::CostLimit`] above them.

/// Work limits for a stored hash. [`Limits::default`] admits every hash WordPress and PHP
/// produce with their default settings and a wide margin above them; [`Limits::PHP`] admits
/// everything PHP would run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    /// The highest bcrypt cost (`$2y$NN$`, also inside `$wp$`). Default 14 (16x PHP's 10).
    pub bcrypt_cost: u8,
    /// The highest phpass iteration exponent (`$P$` count character). Default 18 (`G`; 32x
    /// WordPress's 13, `B`).
    pub phpass_count_log2: u8,
    /// The most SHA-crypt rounds (`$5$rounds=N$`, `$6$…`). Default 200,000 (40x the 5,000
    /// that applies without `rounds=`).
    pub sha_crypt_rounds: u32,
    /// The most Argon2 memory in KiB (`m=`). Default 262,144 (256 MiB; PHP's default is 65,536).
    pub argon2_memory_kib: u32,
    /// The most Argon2 passes (`t=`). Default 16 (PHP's default is 4).
    pub argon2_time: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl Limits {
    /// The documented defaults (see each field).
    pub const DEFAULT: Self = Self {
        bcrypt_cost: 14,
        phpass_count_log2: 18,
        sha_crypt_rounds: 200_000,
        argon2_memory_kib: 262_144,
        argon2_time: 16,
    };

    /// No limit beyond PHP's own: bcrypt 31, phpass 30, SHA-crypt 999,999,999 rounds, Argon2
    /// any value.
    pub const PHP: Self = Self {
        bcrypt_cost: 31,
        phpass_count_log2: 30,
        sha_crypt_rounds: 999_999_999,
        argon2_memory_kib: u32::MAX,
        argon2_time: u32::MAX,
    };
}

/// Whether `digits` is a decimal number not above `max` (anything else — empty, other bytes,
/// too long — counts as above, so it is refused rather than guessed).
pub(crate) fn decimal_at_most(digits: &[u8], max: u32) -> bool {
    !digits.is_empty()
        && digits.len() <= 10
        && digits.iter().all(u8::is_ascii_digit)
        && digits
            .iter()
            .fold(0u64, |v, &d| v * 10 + u64::from(d - b'0'))
            <= u64::from(max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    #[test]
    fn work_written_in_the_hash_is_held_to_the_limits() {
        let l = Limits::DEFAULT;
        let ok: &[&[u8]] = &[
            b"$P$BCegwF4iNP5ap4082TPTXFIQ22GmwS1",
            b"$P$GCegwF4iNP5ap4082TPTXFIQ22GmwS1",
            b"$2y$10$abcdefghijklmnopqrstuuVJp3Nw6dFRjyF1c5Myl6p7xqHrXBHAW",
            b"$wp$2y$14$abcdefghijklmnopqrstuuVJp3Nw6dFRjyF1c5Myl6p7xqHrXBHAW",
            b"$6$salt$abc",
            b"$5$rounds=200000$salt$abc",
            b"$argon2id$v=19$m=65536,t=4,p=1$c2FsdA$aGFzaA",
            b"5f4dcc3b5aa765d61d8327deb882cf99",
            b"",
        ];
        for h in ok {
            assert_eq!(l.admit(h), Ok(()), "{:?}", core::str::from_utf8(h));
        }
        let refused: &[&[u8]] = &[
            b"$P$HCegwF4iNP5ap4082TPTXFIQ22GmwS1",
            b"$P$SCegwF4iNP5ap4082TPTXFIQ22GmwS1",
            b"$2y$15$abcdefghijklmnopqrstuuVJp3Nw6dFRjyF1c5Myl6p7xqHrXBHAW",
            b"$wp$2y$31$abcdefghijklmnopqrstuuVJp3Nw6dFRjyF1c5Myl6p7xqHrXBHAW",
            b"$5$rounds=200001$salt$abc",
            b"$6$rounds=99999999999$salt$abc",
            b"$6$rounds=$salt$abc",
            b"$argon2id$v=19$m=4194304,t=4,p=1$c2FsdA$aGFzaA",
            b"$argon2i$v=19$m=65536,t=100,p=1$c2FsdA$aGFzaA",
        ];
        for h in refused {
            assert_eq!(
                l.admit(h),
                Err(Error::CostLimit),
                "{:?}",
                core::str::from_utf8(h)
            );
            if h.starts_with(b"$P$") || h.starts_with(b"$2y$") || h.starts_with(b"$wp$") {
                assert_eq!(Limits::PHP.admit(h), Ok(()));
            }
        }
    }
}
