//! base64url as php-jwt reads it (leniently) and writes it (canonical, unpadded).

/// The 6-bit value of a base64 character after php-jwt's `-`→`+`, `_`→`/` mapping; `None`
/// for every byte PHP's `base64_decode()` (non-strict) skips.
const fn sextet(b: u8) -> Option<u8> {
    match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// The most bytes [`decode_lenient`] writes for `segment`.
#[must_use]
pub(crate) const fn decoded_len_max(segment_len: usize) -> usize {
    segment_len / 4 * 3 + 3
}

/// [`sextet`] as a table: 0xff for a skipped byte (indices stay below 256 at compile time).
#[allow(clippy::indexing_slicing)]
const TABLE: [u8; 256] = {
    let mut t = [0xffu8; 256];
    let mut i = 0;
    while i < 256 {
        if let Some(v) = sextet(i as u8) {
            t[i] = v;
        }
        i += 1;
    }
    t
};

/// The lenient decoding, each byte handed to `emit` (which says whether to go on): four
/// alphabet characters at a time while they come in fours, one at a time around others.
fn decode_with(segment: &[u8], mut emit: impl FnMut(&[u8]) -> bool) -> bool {
    let value = |b: u8| TABLE.get(usize::from(b)).copied().unwrap_or(0xff);
    let mut acc = 0u32;
    let mut bits = 0u32;
    let mut rest = segment;
    loop {
        if bits == 0
            && let Some((&[a, b, c, d], tail)) = rest.split_first_chunk::<4>()
        {
            let (a, b, c, d) = (value(a), value(b), value(c), value(d));
            if (a | b | c | d) != 0xff && (a | b | c | d) < 64 {
                let v = (u32::from(a) << 18)
                    | (u32::from(b) << 12)
                    | (u32::from(c) << 6)
                    | u32::from(d);
                if !emit(&[(v >> 16) as u8, (v >> 8) as u8, v as u8]) {
                    return false;
                }
                rest = tail;
                continue;
            }
        }
        let Some((&ch, tail)) = rest.split_first() else {
            return true;
        };
        rest = tail;
        let v = value(ch);
        if v == 0xff {
            continue;
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            if !emit(&[(acc >> bits) as u8]) {
                return false;
            }
            acc &= (1 << bits) - 1;
        }
    }
}

/// php-jwt's `urlsafeB64Decode()`: every byte outside the alphabet (padding, spaces, junk)
/// skipped, complete bytes kept, leftover bits dropped. Writes into `out`; `None` when it is
/// too small.
pub(crate) fn decode_lenient<'o>(segment: &[u8], out: &'o mut [u8]) -> Option<&'o [u8]> {
    let mut n = 0;
    let fits = decode_with(segment, |bytes| match out.get_mut(n..n + bytes.len()) {
        Some(dst) => {
            dst.copy_from_slice(bytes);
            n += bytes.len();
            true
        }
        None => false,
    });
    if fits { out.get(..n) } else { None }
}

/// Decodes into a fixed array (signatures); `None` when the decoded length is not `N`.
pub(crate) fn decode_exact<const N: usize>(segment: &[u8]) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    // Longer than N does not fit (None); shorter is the wrong length.
    let n = decode_lenient(segment, &mut out)?.len();
    (n == N).then_some(out)
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding, each chunk handed to `out`.
pub(crate) fn encode(bytes: &[u8], mut out: impl FnMut(&[u8])) {
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let c = |shift: u32| {
            ALPHABET
                .get((v >> shift) as usize & 63)
                .copied()
                .unwrap_or(b'A')
        };
        let chars = [c(18), c(12), c(6), c(0)];
        out(chars.get(..chunk.len() + 1).unwrap_or_default());
    }
}

/// Whether `segment` is canonical unpadded base64url: only `A–Z a–z 0–9 - _`, no impossible
/// length, the unused low bits of the last character zero.
pub(crate) fn is_canonical(segment: &[u8]) -> bool {
    let alphabet = |b: &u8| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_';
    if !segment.iter().all(alphabet) || segment.len() % 4 == 1 {
        return false;
    }
    let last = segment.last().and_then(|&b| sextet(b)).unwrap_or(0);
    match segment.len() % 4 {
        2 => last & 0x0f == 0,
        3 => last & 0x03 == 0,
        _ => true,
    }
}

/// Eight bytes at a time: whether any byte of the word is below `n` (n ≤ 128), or equals `b`.
pub(crate) mod swar {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;

    /// Some byte of `x` is below `n` (exact as a test of the whole word; n ≤ 128).
    #[inline]
    pub(crate) const fn has_less(x: u64, n: u8) -> bool {
        x.wrapping_sub(ONES * n as u64) & !x & HIGHS != 0
    }

    /// Some byte of `x` is `b`.
    #[inline]
    pub(crate) const fn has_byte(x: u64, b: u8) -> bool {
        has_less(x ^ (ONES * b as u64), 1)
    }

    /// Some byte of `x` is 0x80 or above.
    #[inline]
    pub(crate) const fn has_high(x: u64) -> bool {
        x & HIGHS != 0
    }

    /// The first index at or after `from` whose byte may satisfy `hit`, skipping whole words
    /// that `word_may_hit` clears; then byte by byte with `hit`.
    #[inline]
    pub(crate) fn find(
        s: &[u8],
        from: usize,
        word_may_hit: impl Fn(u64) -> bool,
        hit: impl Fn(u8) -> bool,
    ) -> Option<usize> {
        let mut i = from;
        while let Some(chunk) = s.get(i..i + 8) {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            if word_may_hit(u64::from_le_bytes(w)) {
                break;
            }
            i += 8;
        }
        s.get(i..)?.iter().position(|&b| hit(b)).map(|p| p + i)
    }
}
