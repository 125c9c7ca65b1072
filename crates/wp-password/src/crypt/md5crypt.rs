//! MD5-crypt (`$1$`), the FreeBSD scheme PHP's `crypt()` implements: verification only.

use md5::{Digest, Md5};
use subtle::ConstantTimeEq;

use crate::encoding::itoa64;

/// The longest MD5-crypt string: `$1$`, 8 salt bytes, `$`, 22 hash characters.
const MAX_LEN: usize = 34;

/// `crypt(password, stored) === stored` for a `$1$` hash (`password` already cut at its
/// first NUL, as PHP passes it).
pub(crate) fn verify(password: &[u8], stored: &[u8]) -> bool {
    let Some(rest) = stored.strip_prefix(b"$1$") else {
        return false;
    };
    let salt_len = rest
        .iter()
        .take(8)
        .position(|&b| b == b'$')
        .unwrap_or(rest.len().min(8));
    let salt = rest.get(..salt_len).unwrap_or_default();
    let mut out = [0u8; MAX_LEN];
    let n = crypt(password, salt, &mut out);
    bool::from(out.get(..n).unwrap_or_default().ct_eq(stored))
}

/// Writes `$1$salt$hash` into `out`; returns its length.
fn crypt(pw: &[u8], salt: &[u8], out: &mut [u8; MAX_LEN]) -> usize {
    let alt: [u8; 16] = Md5::new()
        .chain_update(pw)
        .chain_update(salt)
        .chain_update(pw)
        .finalize()
        .into();
    let mut ctx = Md5::new()
        .chain_update(pw)
        .chain_update(b"$1$")
        .chain_update(salt);
    let mut left = pw.len();
    while left > 0 {
        let n = left.min(16);
        ctx.update(alt.get(..n).unwrap_or_default());
        left -= n;
    }
    let mut i = pw.len();
    while i > 0 {
        if i & 1 == 1 {
            ctx.update([0u8]);
        } else {
            ctx.update(pw.get(..1).unwrap_or_default());
        }
        i >>= 1;
    }
    let mut x: [u8; 16] = ctx.finalize().into();
    for round in 0..1000u32 {
        let mut c = Md5::new();
        if round & 1 == 1 {
            c.update(pw);
        } else {
            c.update(x);
        }
        if round % 3 != 0 {
            c.update(salt);
        }
        if round % 7 != 0 {
            c.update(pw);
        }
        if round & 1 == 1 {
            c.update(x);
        } else {
            c.update(pw);
        }
        x = c.finalize().into();
    }

    let mut w = 0usize;
    let mut put = |b: u8| {
        if let Some(slot) = out.get_mut(w) {
            *slot = b;
            w += 1;
        }
    };
    for &b in b"$1$".iter().chain(salt).chain(b"$") {
        put(b);
    }
    let [
        a0,
        a1,
        a2,
        a3,
        a4,
        a5,
        a6,
        a7,
        a8,
        a9,
        a10,
        a11,
        a12,
        a13,
        a14,
        a15,
    ] = x;
    let groups = [
        (a0, a6, a12),
        (a1, a7, a13),
        (a2, a8, a14),
        (a3, a9, a15),
        (a4, a10, a5),
    ];
    for (hi, mid, lo) in groups {
        let mut v = (u32::from(hi) << 16) | (u32::from(mid) << 8) | u32::from(lo);
        for _ in 0..4 {
            put(itoa64(v));
            v >>= 6;
        }
    }
    let mut v = u32::from(a11);
    for _ in 0..2 {
        put(itoa64(v));
        v >>= 6;
    }
    w
}
