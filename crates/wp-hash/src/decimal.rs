//! PHP's integer-to-string, on the stack.

use core::fmt;

/// The two ASCII digits of `n` (below 100).
#[inline]
fn pair(n: u8) -> [u8; 2] {
    [b'0' + n / 10, b'0' + n % 10]
}

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
    #[inline]
    #[must_use]
    pub fn new(value: u64) -> Self {
        let mut d = Self {
            buf: [0u8; 20],
            start: 20,
        };
        d.push_digits(value);
        d
    }

    /// Formats a signed integer.
    #[inline]
    #[must_use]
    pub fn signed(value: i64) -> Self {
        let mut d = Self::new(value.unsigned_abs());
        if value < 0 {
            d.push(b'-');
        }
        d
    }

    /// Writes `v` right-aligned, two digits per division (this sits on the nonce hot path).
    #[inline]
    fn push_digits(&mut self, mut v: u64) {
        while v >= 100 {
            // Below 100, so the cast is exact.
            let [hi, lo] = pair((v % 100) as u8);
            v /= 100;
            self.push(lo);
            self.push(hi);
        }
        if v >= 10 {
            let [hi, lo] = pair(v as u8);
            self.push(lo);
            self.push(hi);
        } else {
            self.push(b'0' + v as u8);
        }
    }

    /// Prepends one byte (20 bytes hold any u64 and a sign: |i64::MIN| has 19 digits).
    #[inline]
    fn push(&mut self, b: u8) {
        self.start = self.start.saturating_sub(1);
        if let Some(slot) = self.buf.get_mut(self.start) {
            *slot = b;
        }
    }

    /// The ASCII digits.
    #[inline]
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

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Decimal {}

impl core::hash::Hash for Decimal {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
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
