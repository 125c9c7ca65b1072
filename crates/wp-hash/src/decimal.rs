//! PHP's integer-to-string, on the stack.

use core::fmt;

/// An integer written the way PHP prints it: plain decimal, a leading `-` when negative.
///
/// Used to stream ticks, user ids and expirations into a MAC without allocating.
#[derive(Clone, Copy)]
pub struct Decimal {
    buf: [u8; 20],
    start: usize,
}

impl Decimal {
    /// Formats an unsigned integer.
    #[must_use]
    pub fn new(value: u64) -> Self {
        let mut buf = [0u8; 20];
        let mut start = buf.len();
        let mut v = value;
        for slot in buf.iter_mut().rev() {
            // `v % 10` is below 10, so the cast cannot truncate.
            *slot = b'0' + (v % 10) as u8;
            start -= 1;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        Self { buf, start }
    }

    /// Formats a signed integer.
    #[must_use]
    pub fn signed(value: i64) -> Self {
        let mut d = Self::new(value.unsigned_abs());
        // |i64::MIN| has 19 digits, so there is always room for the sign.
        if value < 0 && d.start > 0 {
            d.start -= 1;
            if let Some(slot) = d.buf.get_mut(d.start) {
                *slot = b'-';
            }
        }
        d
    }

    /// The ASCII digits.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(self.start..).unwrap_or_default()
    }

    /// The digits as a string.
    #[must_use]
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Decimal;
    use std::string::ToString;

    #[test]
    fn matches_core_formatting() {
        for v in [0u64, 1, 9, 10, 99, 100, 43177, u64::MAX] {
            assert_eq!(Decimal::new(v).as_str(), v.to_string());
        }
        for v in [0i64, -1, 1, -10, i64::MIN, i64::MAX] {
            assert_eq!(Decimal::signed(v).as_str(), v.to_string());
        }
    }
}
