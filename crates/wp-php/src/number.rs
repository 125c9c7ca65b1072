//! PHP 8's numeric strings: which strings are numbers, `(int)` casts, and the loose comparison
//! of a string with an integer (`$string < $int`, `$string == $int`).
//!
//! ```
//! use core::cmp::Ordering;
//! use wp_php::number::{compare_with_int, int_cast};
//!
//! assert_eq!(int_cast(b" 12abc"), 12);
//! assert_eq!(int_cast(b"1e3"), 1000);
//! // Numeric strings compare as numbers, leading and trailing whitespace allowed...
//! assert_eq!(compare_with_int(b" 17e8 ", 1_700_000_000), Ordering::Equal);
//! // ...anything else compares with the integer's decimal form, byte by byte.
//! assert_eq!(compare_with_int(b"1700000000abc", 1_700_000_900), Ordering::Less);
//! ```

use core::cmp::Ordering;

/// A number PHP read from a string.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Num {
    /// An integer within `i64`.
    Int(i64),
    /// A float (a fraction, an exponent, or an integer beyond `i64`).
    Float(f64),
}

/// PHP's whitespace around numeric strings.
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// PHP 8's `is_numeric_string_ex`: the number at the start of `s` (after whitespace), and
/// whether the whole string is numeric (only whitespace may follow). `None`: no number at all.
pub fn numeric_prefix(s: &[u8]) -> Option<(Num, bool)> {
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
#[must_use]
pub fn int_cast(s: &[u8]) -> i64 {
    int_of(numeric_prefix(s))
}

/// [`int_cast`] of a string already read by [`numeric_prefix`].
#[must_use]
pub fn int_of(num: Option<(Num, bool)>) -> i64 {
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

/// PHP 8's `$s <=> $n` (`zend_compare`) for a string and an integer: numerically if the whole
/// string is numeric, else the string against the integer's decimal form, byte by byte. `n` is
/// wider than PHP's integers so that callers can add to a time without overflow.
#[must_use]
pub fn compare_with_int(s: &[u8], n: i128) -> Ordering {
    compare_read(s, numeric_prefix(s), n)
}

/// [`compare_with_int`] of a string `s` already read by [`numeric_prefix`] as `num`.
#[must_use]
pub fn compare_read(s: &[u8], num: Option<(Num, bool)>, n: i128) -> Ordering {
    match num {
        Some((Num::Int(v), true)) => i128::from(v).cmp(&n),
        #[allow(clippy::cast_precision_loss)]
        Some((Num::Float(f), true)) => f.partial_cmp(&(n as f64)).unwrap_or(Ordering::Equal),
        _ => {
            let mut buf = [0u8; 40];
            s.cmp(decimal(n, &mut buf))
        }
    }
}

/// The decimal form of `n`, written at the end of `buf`.
pub fn decimal(n: i128, buf: &mut [u8; 40]) -> &[u8] {
    let mut i = buf.len();
    let mut m = n.unsigned_abs();
    loop {
        i -= 1;
        if let Some(slot) = buf.get_mut(i) {
            // `m % 10` is a digit.
            #[allow(clippy::cast_possible_truncation)]
            let d = (m % 10) as u8;
            *slot = b'0' + d;
        }
        m /= 10;
        if m == 0 {
            break;
        }
    }
    if n < 0 {
        i -= 1;
        if let Some(slot) = buf.get_mut(i) {
            *slot = b'-';
        }
    }
    buf.get(i..).unwrap_or_default()
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
        let lt = |s: &[u8], n: i128| compare_with_int(s, n) == Ordering::Less;
        assert!(lt(b"1699999999", 1_700_000_000));
        assert!(!lt(b"1700000000", 1_700_000_000));
        assert!(!lt(b" 1800000000 ", 1_700_000_000));
        // Not numeric: "1700000000" vs "abc" as strings; digits sort before letters.
        assert!(!lt(b"abc", 1_700_000_000));
        assert!(lt(b"1", 1_700_000_000));
        assert!(lt(b"12abc", 1_700_000_000));
        assert_eq!(compare_with_int(b"-5x", -5), Ordering::Greater);
        assert_eq!(
            compare_with_int(b"1e1000", i128::from(i64::MAX)),
            Ordering::Greater
        );
        assert_eq!(compare_with_int(b" 1", 1), Ordering::Equal);
        assert_eq!(compare_with_int(b"1.0", 1), Ordering::Equal);
        let mut buf = [0u8; 40];
        assert_eq!(
            decimal(i128::MIN, &mut buf),
            b"-170141183460469231731687303715884105728"
        );
        assert_eq!(decimal(0, &mut buf), b"0");
    }
}
