//! The encodings the hash formats share: phpass's base-64 alphabet (also MD5-crypt's) and
//! PHP's C-string view of a password.

/// phpass's own base-64 alphabet (not RFC 4648's, and used in little-endian bit order).
pub const ITOA64: &[u8; 64] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The alphabet character for the low 6 bits of `v`.
pub(crate) fn itoa64(v: u32) -> u8 {
    ITOA64.get((v & 63) as usize).copied().unwrap_or(b'.')
}

/// phpass's `encode64`: 3 bytes at a time as a little-endian 24-bit number, 6 bits per
/// character, low bits first; a final group of 1 or 2 bytes gives 2 or 3 characters. Writes
/// `ceil(4 * input.len() / 3)` characters into `out` (more are left untouched, fewer are cut).
pub fn encode64(input: &[u8], out: &mut [u8]) {
    let mut o = out.iter_mut();
    for group in input.chunks(3) {
        let v = group
            .iter()
            .rev()
            .fold(0u32, |v, &b| (v << 8) | u32::from(b));
        for i in 0..=group.len() {
            if let Some(slot) = o.next() {
                *slot = itoa64(v >> (6 * i));
            }
        }
    }
}

/// PHP passes passwords to `crypt()` as C strings: everything from the first NUL is ignored.
pub(crate) fn c_string(password: &[u8]) -> &[u8] {
    password
        .iter()
        .position(|&b| b == 0)
        .and_then(|n| password.get(..n))
        .unwrap_or(password)
}
