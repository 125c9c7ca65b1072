//! Whether a cookie's expiration field has passed, by PHP 8's number rules (`wp_php::number`).
//!
//! WordPress 6.8+ casts the field with `(int)`; 6.1 compares the raw string with `<` (PHP's
//! loose comparison) and, on POST, first adds 3600 to it. Both are reproduced here for any bytes,
//! checked against PHP itself by the oracle test.

use wp_php::number::{Num, compare_read, int_of, numeric_prefix};

use crate::{Error, GRACE_SECONDS, Options, WpVersion};

/// Whether the cookie has expired at `now` (WordPress's step 2); if not, whether
/// `$expiration < time()` holds on the raw field (WordPress's step 6, which marks an
/// acceptance only the grace period allowed), and the field's `(int)` value. The field is read
/// once for all three.
///
/// # Errors
/// [`Error::Expired`]; or, following 6.1 on a grace-period request whose expiration is not
/// numeric at all, [`Error::Malformed`] (PHP throws a `TypeError` there and the request dies).
#[inline]
pub(crate) fn check_expiry(
    now: u64,
    expiration: &[u8],
    opts: &Options,
) -> Result<(bool, i64), Error> {
    let grace = if opts.grace_period { GRACE_SECONDS } else { 0 };
    let num = numeric_prefix(expiration);
    let before_now = compare_read(expiration, num, i128::from(now)).is_lt();
    let int = int_of(num);
    let expired = match opts.version {
        WpVersion::Wp68 => i128::from(int) + i128::from(grace) < i128::from(now),
        WpVersion::Wp61 if !opts.grace_period => before_now,
        WpVersion::Wp61 => match num {
            None => return Err(Error::Malformed),
            Some((Num::Int(v), _)) => i128::from(v) + i128::from(grace) < i128::from(now),
            #[allow(clippy::cast_precision_loss)]
            Some((Num::Float(f), _)) => (f + grace as f64) < (now as f64),
        },
    };
    if expired {
        Err(Error::Expired)
    } else {
        Ok((before_now, int))
    }
}
