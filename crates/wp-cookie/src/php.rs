//! The PHP 8 number rules that decide whether a cookie's expiration field has passed.
//!
//! WordPress 6.8+ casts the field with `(int)`; 6.1 compares the raw string with `<` (PHP's
//! loose comparison) and, on POST, first adds 3600 to it. Both are reproduced here for any bytes,
//! checked against PHP itself by the oracle test.

use crate::{Compat, Error, GRACE_SECONDS, Options};

/// A number PHP read from a string.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Num {
    Int(i64),
    Float(f64),
}

/// PHP's whitespace around numeric strings.
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// PHP 8's `is_numeric_string_ex`: the number at the start of `s` (after whitespace), and
/// whether the whole string is numeric (only whitespace may follow). `None`: no number at all.
pub(crate) fn numeric_prefix(s: &[u8]) -> Option<(Num, bool)> {
    // Fast path: a plain decimal of up to 18 digits, as every genuine cookie carries.
    if (1..=18).contains(&s.len()) {
        // One pass: the value (wrapping, meaningless unless every byte is a digit) and the
        // check together.
        let (v, digits) = s.iter().fold((0i64, true), |(v, ok), &d| {
            (
                v.wrapping_mul(10)
                    .wrapping_add(i64::from(d.wrapping_sub(b'0'))),
                ok & d.is_ascii_digit(),
            )
        });
        if digits {
            return Some((Num::Int(v), true));
        }
    }
    let start = s.iter().position(|&b| !is_ws(b)).unwrap_or(s.len());
    let body = s.get(start..).unwrap_or_default();
    let at = |i: usize| body.get(i).copied().unwrap_or(0);
    let mut i = usize::from(matches!(at(0), b'+' | b'-'));
    let int_start = i;
    while at(i).is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut float = false;
    if at(i) == b'.' && (int_digits > 0 || at(i + 1).is_ascii_digit()) {
        float = true;
        i += 1;
        while at(i).is_ascii_digit() {
            i += 1;
        }
    } else if int_digits == 0 {
        return None;
    }
    if matches!(at(i), b'e' | b'E') {
        let sign = usize::from(matches!(at(i + 1), b'+' | b'-'));
        if at(i + 1 + sign).is_ascii_digit() {
            float = true;
            i += 1 + sign;
            while at(i).is_ascii_digit() {
                i += 1;
            }
        }
    }
    let text = body.get(..i).unwrap_or_default();
    let whole = body.get(i..).unwrap_or_default().iter().all(|&b| is_ws(b));
    let as_float = || {
        core::str::from_utf8(text)
            .ok()
            .and_then(|t| t.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    if !float {
        // Up to 19 significant digits may still fit an i64; PHP falls back to a double
        // beyond that, exactly where the i64 parse overflows.
        if let Some(v) = core::str::from_utf8(text)
            .ok()
            .and_then(|t| t.parse::<i64>().ok())
        {
            return Some((Num::Int(v), whole));
        }
    }
    Some((Num::Float(as_float()), whole))
}

/// PHP's `(int)` of a string: the leading number, truncated toward zero; 0 when there is none
/// or it is infinite; saturated beyond the `i64` range.
#[cfg(test)]
fn int_cast(s: &[u8]) -> i64 {
    int_of(numeric_prefix(s))
}

/// [`int_cast`] of a string already read by [`numeric_prefix`].
fn int_of(num: Option<(Num, bool)>) -> i64 {
    match num {
        None => 0,
        Some((Num::Int(v), _)) => v,
        Some((Num::Float(f), _)) => float_to_int(f),
    }
}

/// `zend_dval_to_lval_cap`.
#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
fn float_to_int(f: f64) -> i64 {
    if !f.is_finite() {
        0
    } else if f >= i64::MAX as f64 {
        i64::MAX
    } else if f < i64::MIN as f64 {
        i64::MIN
    } else {
        f as i64
    }
}

/// PHP 8's `$string < $int` (`zend_compare`): numerically if the whole string is numeric,
/// else the decimal form of the integer is compared with the string byte by byte.
#[cfg(test)]
fn string_lt_int(s: &[u8], n: u64) -> bool {
    lt_int(s, numeric_prefix(s), n)
}

/// [`string_lt_int`] of a string `s` already read by [`numeric_prefix`] as `num`.
fn lt_int(s: &[u8], num: Option<(Num, bool)>, n: u64) -> bool {
    match num {
        Some((Num::Int(v), true)) => i128::from(v) < i128::from(n),
        #[allow(clippy::cast_precision_loss)]
        Some((Num::Float(f), true)) => f < n as f64,
        _ => {
            let digits = wp_hash::Decimal::new(n);
            // `$s < $n` holds when strcmp((string) $n, $s) > 0.
            digits.as_bytes() > s
        }
    }
}

/// Whether the cookie has expired at `opts.now` (WordPress's step 2); if not, whether
/// `$expiration < time()` holds on the raw field (WordPress's step 6, which marks an
/// acceptance only the grace period allowed). The field is read once for both.
///
/// # Errors
/// [`Error::Expired`]; or, following 6.1 on a grace-period request whose expiration is not
/// numeric at all, [`Error::Malformed`] (PHP throws a `TypeError` there and the request dies).
#[inline]
pub(crate) fn check_expiry(expiration: &[u8], opts: &Options) -> Result<bool, Error> {
    let grace = if opts.grace_period { GRACE_SECONDS } else { 0 };
    let num = numeric_prefix(expiration);
    let before_now = lt_int(expiration, num, opts.now);
    let expired = match opts.compat {
        Compat::Wp68 => i128::from(int_of(num)) + i128::from(grace) < i128::from(opts.now),
        Compat::Wp61 if !opts.grace_period => before_now,
        Compat::Wp61 => match num {
            None => return Err(Error::Malformed),
            Some((Num::Int(v), _)) => i128::from(v) + i128::from(grace) < i128::from(opts.now),
            #[allow(clippy::cast_precision_loss)]
            Some((Num::Float(f), _)) => (f + grace as f64) < (opts.now as f64),
        },
    };
    if expired {
        Err(Error::Expired)
    } else {
        Ok(before_now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_cast_matches_php() {
        // Values observed from PHP 8.2's (int) cast.
        for (s, want) in [
            (&b"99999999999999999999"[..], i64::MAX),
            (b"1e1000", 0),
            (b" 12abc", 12),
            (b"-5", -5),
            (b"0x1A", 0),
            (b"1e3", 1000),
            (b" \n 7", 7),
            (b"7 ", 7),
            (b"1.9", 1),
            (b"-1e1000", 0),
            (b"  ", 0),
            (b"+3", 3),
            (b"1e", 1),
            (b".5e1", 5),
            (b"", 0),
            (b"-9223372036854775808", i64::MIN),
        ] {
            assert_eq!(int_cast(s), want, "{:?}", core::str::from_utf8(s));
        }
    }

    #[test]
    fn loose_comparison() {
        assert!(string_lt_int(b"1699999999", 1_700_000_000));
        assert!(!string_lt_int(b"1700000000", 1_700_000_000));
        assert!(!string_lt_int(b" 1800000000 ", 1_700_000_000));
        // Not numeric: "1700000000" vs "abc" as strings; digits sort before letters.
        assert!(!string_lt_int(b"abc", 1_700_000_000));
        assert!(string_lt_int(b"1", 1_700_000_000));
        assert!(string_lt_int(b"12abc", 1_700_000_000));
    }
}
