//! The crate's error.

/// Why a password was not checked, or an input could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The stored hash asks for more work than the [`crate::Limits`] allow.
    CostLimit,
    /// The password is longer than [`crate::MAX_PASSWORD_LEN`] bytes.
    TooLong,
    /// A caller's buffer is too small for the value (its size is documented where it is
    /// taken).
    BufferTooSmall,
}

impl Error {
    /// A short code for logs and vector files.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::CostLimit => "cost_limit",
            Self::TooLong => "too_long",
            Self::BufferTooSmall => "buffer_too_small",
        }
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::CostLimit => "the stored hash asks for more work than the configured limit",
            Self::TooLong => "the password is longer than 4096 bytes",
            Self::BufferTooSmall => "the buffer is too small for the value",
        })
    }
}

impl core::error::Error for Error {}
