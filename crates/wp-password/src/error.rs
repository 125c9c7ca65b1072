//! The crate's error.

/// Why a password was refused, or could not be checked or hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The password does not match the stored hash (`wp_check_password()`'s `false`); for an
    /// application password, no record matches (WordPress's `incorrect_password`).
    IncorrectPassword,
    /// Application passwords: no user with that login, and the name is not an e-mail address
    /// (`invalid_username`).
    InvalidUsername,
    /// Application passwords: the name looks like an e-mail address and no user has it
    /// (`invalid_email`).
    InvalidEmail,
    /// Application passwords: the filter disabled them for this user
    /// (`application_passwords_disabled_for_user`).
    DisabledForUser,
    /// The stored hash asks for more work than the [`crate::Limits`] allow.
    CostLimit,
    /// The password is longer than [`crate::MAX_PASSWORD_LEN`] bytes.
    TooLong,
    /// A bcrypt setting that is not one (hashing: a cost outside 04..=31).
    Bcrypt(crate::bcrypt::Error),
    /// A phpass setting that is not one.
    Phpass(crate::phpass::Error),
    /// A caller's buffer is too small for the value (its size is documented where it is
    /// taken).
    BufferTooSmall,
}

impl Error {
    /// The WordPress error code where WordPress has one, else a short code of this crate.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::IncorrectPassword => "incorrect_password",
            Self::InvalidUsername => "invalid_username",
            Self::InvalidEmail => "invalid_email",
            Self::DisabledForUser => "application_passwords_disabled_for_user",
            Self::CostLimit => "cost_limit",
            Self::TooLong => "too_long",
            Self::Bcrypt(_) => "bcrypt_setting",
            Self::Phpass(_) => "phpass_setting",
            Self::BufferTooSmall => "buffer_too_small",
        }
    }

    /// WordPress's (English) message for the application-password errors it reports; `None`
    /// for the others.
    #[must_use]
    pub const fn message(self) -> Option<&'static str> {
        Some(match self {
            Self::InvalidUsername => {
                "<strong>Error:</strong> Unknown username. Check again or try your email address."
            }
            Self::InvalidEmail => {
                "<strong>Error:</strong> Unknown email address. Check again or try your username."
            }
            Self::DisabledForUser => {
                "Application passwords are not available for your account. Please contact the site administrator for assistance."
            }
            Self::IncorrectPassword => "The provided password is an invalid application password.",
            _ => return None,
        })
    }

    /// The HTTP status of the REST response: 401 for a refused password or user (a password
    /// over the limits is refused too), 500 for the caller's faults (a setting it built,
    /// `BufferTooSmall`).
    #[must_use]
    pub const fn status(self) -> u16 {
        match self {
            Self::Bcrypt(_) | Self::Phpass(_) | Self::BufferTooSmall => 500,
            _ => 401,
        }
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::IncorrectPassword => "the password does not match",
            Self::InvalidUsername => "no user has that login",
            Self::InvalidEmail => "no user has that e-mail address",
            Self::DisabledForUser => "application passwords are disabled for this user",
            Self::CostLimit => "the stored hash asks for more work than the configured limit",
            Self::TooLong => "the password is longer than 4096 bytes",
            Self::Bcrypt(e) => return write!(f, "bad bcrypt setting: {e}"),
            Self::Phpass(e) => return write!(f, "bad phpass setting: {e}"),
            Self::BufferTooSmall => "the buffer is too small for the value",
        })
    }
}

impl core::error::Error for Error {}

impl From<crate::bcrypt::Error> for Error {
    fn from(e: crate::bcrypt::Error) -> Self {
        Self::Bcrypt(e)
    }
}

impl From<crate::phpass::Error> for Error {
    fn from(e: crate::phpass::Error) -> Self {
        Self::Phpass(e)
    }
}
