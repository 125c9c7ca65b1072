//! MD5 over several independent messages at once, step by step in one instruction stream.
//!
//! MD5 is latency-bound: each of its 64 steps waits for the one before, so a core runs one
//! compression at a fraction of its width. Here each 32-bit word holds one value per lane
//! (`[u32; N]`) and every operation is element-wise, which the compiler turns into vector
//! instructions (SSE2 on x86-64): measured on this repository's machine, two blocks cost about
//! 1.2x one and four about 1.7x (scalar interleaving of two lanes reached only 1.6x: the steps
//! ran out of integer units). No crate offers a multi-lane MD5; this one is plain Rust (no
//! `unsafe`, no intrinsics) and checked against `md-5` on every length from 0 to 300 bytes
//! (unit tests, a proptest and a differential fuzz target).
//!
//! [`HmacKey::mac_padded_lanes`](crate::block::HmacKey) builds HMAC-MD5 of several messages
//! under one key on it: a nonce's current and previous tick in about 1.2x the time of one, or
//! four MACs (two requests' two ticks) in about 1.7x.

/// The per-step additive constants (`floor(abs(sin(i + 1)) * 2^32)`).
const K: [u32; 64] = [
    0xd76a_a478,
    0xe8c7_b756,
    0x2420_70db,
    0xc1bd_ceee,
    0xf57c_0faf,
    0x4787_c62a,
    0xa830_4613,
    0xfd46_9501,
    0x6980_98d8,
    0x8b44_f7af,
    0xffff_5bb1,
    0x895c_d7be,
    0x6b90_1122,
    0xfd98_7193,
    0xa679_438e,
    0x49b4_0821,
    0xf61e_2562,
    0xc040_b340,
    0x265e_5a51,
    0xe9b6_c7aa,
    0xd62f_105d,
    0x0244_1453,
    0xd8a1_e681,
    0xe7d3_fbc8,
    0x21e1_cde6,
    0xc337_07d6,
    0xf4d5_0d87,
    0x455a_14ed,
    0xa9e3_e905,
    0xfcef_a3f8,
    0x676f_02d9,
    0x8d2a_4c8a,
    0xfffa_3942,
    0x8771_f681,
    0x6d9d_6122,
    0xfde5_380c,
    0xa4be_ea44,
    0x4bde_cfa9,
    0xf6bb_4b60,
    0xbebf_bc70,
    0x289b_7ec6,
    0xeaa1_27fa,
    0xd4ef_3085,
    0x0488_1d05,
    0xd9d4_d039,
    0xe6db_99e5,
    0x1fa2_7cf8,
    0xc4ac_5665,
    0xf429_2244,
    0x432a_ff97,
    0xab94_23a7,
    0xfc93_a039,
    0x655b_59c3,
    0x8f0c_cc92,
    0xffef_f47d,
    0x8584_5dd1,
    0x6fa8_7e4f,
    0xfe2c_e6e0,
    0xa301_4314,
    0x4e08_11a1,
    0xf753_7e82,
    0xbd3a_f235,
    0x2ad7_d2bb,
    0xeb86_d391,
];

/// The per-step rotation amounts.
const S: [u32; 64] = [
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9,
    14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15,
    21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
];

/// Which message word each step adds.
const W: [usize; 64] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 1, 6, 11, 0, 5, 10, 15, 4, 9, 14, 3, 8,
    13, 2, 7, 12, 5, 8, 11, 14, 1, 4, 7, 10, 13, 0, 3, 6, 9, 12, 15, 2, 0, 7, 14, 5, 12, 3, 10, 1,
    8, 15, 6, 13, 4, 11, 2, 9,
];

/// One 32-bit word of every lane: the element-wise operations below on `[u32; N]` are what
/// the compiler turns into vector instructions (SSE2 on x86-64, NEON on aarch64) with no
/// `unsafe` and no intrinsics; elsewhere they stay scalar and correct.
type Lanes<const N: usize> = [u32; N];

#[inline(always)]
fn zip<const N: usize>(a: Lanes<N>, b: Lanes<N>, f: impl Fn(u32, u32) -> u32) -> Lanes<N> {
    let mut out = a;
    for (o, y) in out.iter_mut().zip(b) {
        *o = f(*o, y);
    }
    out
}

/// One MD5 step on every lane: `b + rotl(a + fn(b, c, d) + m + k, s)`, `fn` by round.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn step<const N: usize, const ROUND: usize>(
    a: Lanes<N>,
    b: Lanes<N>,
    c: Lanes<N>,
    d: Lanes<N>,
    m: Lanes<N>,
    k: u32,
    s: u32,
) -> Lanes<N> {
    let f = match ROUND {
        0 => zip(d, zip(b, zip(c, d, |c, d| c ^ d), |b, x| b & x), |d, x| {
            d ^ x
        }),
        // `(b & d) | (c & !d)`: the masked bits never overlap, so `+` is `|`.
        1 => zip(
            zip(b, d, |b, d| b & d),
            zip(c, d, |c, d| c & !d),
            u32::wrapping_add,
        ),
        2 => zip(b, zip(c, d, |c, d| c ^ d), |b, x| b ^ x),
        _ => zip(c, zip(b, d, |b, d| b | !d), |c, x| c ^ x),
    };
    let t = zip(
        zip(a, m, |a, m| a.wrapping_add(m).wrapping_add(k)),
        f,
        u32::wrapping_add,
    );
    zip(t, b, |t, b| t.rotate_left(s).wrapping_add(b))
}

/// Four steps from step `$i` of round `$r`, every index a constant (the whole compression is
/// unrolled, as the single-lane implementations are).
macro_rules! four {
    ($r:literal, $i:literal, $w:ident, $a:ident, $b:ident, $c:ident, $d:ident) => {
        $a = step::<N, $r>($a, $b, $c, $d, $w[W[$i]], K[$i], S[$i]);
        $d = step::<N, $r>($d, $a, $b, $c, $w[W[$i + 1]], K[$i + 1], S[$i + 1]);
        $c = step::<N, $r>($c, $d, $a, $b, $w[W[$i + 2]], K[$i + 2], S[$i + 2]);
        $b = step::<N, $r>($b, $c, $d, $a, $w[W[$i + 3]], K[$i + 3], S[$i + 3]);
    };
}

/// The body of [`compress`].
// The indexes below are constants into fixed-size arrays (`W` holds values below 16): checked
// at compile time.
#[allow(clippy::indexing_slicing)]
#[inline]
fn compress_lanes<const N: usize>(states: &mut [[u32; 4]; N], blocks: [&[u8; 64]; N]) {
    // The message words, word-major: `words[j]` holds word j of every lane.
    let mut words = [[0u32; N]; 16];
    for (lane, block) in blocks.iter().enumerate() {
        for (word, bytes) in words.iter_mut().zip(block.as_chunks::<4>().0) {
            if let Some(w) = word.get_mut(lane) {
                *w = u32::from_le_bytes(*bytes);
            }
        }
    }
    let column = |i: usize| states.map(|s| s.get(i).copied().unwrap_or(0));
    let (mut a, mut b, mut c, mut d) = (column(0), column(1), column(2), column(3));
    let x = &words;
    four!(0, 0, x, a, b, c, d);
    four!(0, 4, x, a, b, c, d);
    four!(0, 8, x, a, b, c, d);
    four!(0, 12, x, a, b, c, d);
    four!(1, 16, x, a, b, c, d);
    four!(1, 20, x, a, b, c, d);
    four!(1, 24, x, a, b, c, d);
    four!(1, 28, x, a, b, c, d);
    four!(2, 32, x, a, b, c, d);
    four!(2, 36, x, a, b, c, d);
    four!(2, 40, x, a, b, c, d);
    four!(2, 44, x, a, b, c, d);
    four!(3, 48, x, a, b, c, d);
    four!(3, 52, x, a, b, c, d);
    four!(3, 56, x, a, b, c, d);
    four!(3, 60, x, a, b, c, d);
    for (lane, state) in states.iter_mut().enumerate() {
        let at = |v: Lanes<N>| v.get(lane).copied().unwrap_or(0);
        let [sa, sb, sc, sd] = state;
        *sa = sa.wrapping_add(at(a));
        *sb = sb.wrapping_add(at(b));
        *sc = sc.wrapping_add(at(c));
        *sd = sd.wrapping_add(at(d));
    }
}

/// Compresses one block into each of `N` MD5 states (RFC 1321's compression function on every
/// lane at once). `states[n]` takes `blocks[n]`.
///
/// A thin wrapper over the body on purpose: with the body inlined straight into its callers'
/// loops (or forced out of line) the two-lane HMAC measured 10-15% slower here.
#[inline]
pub fn compress<const N: usize>(states: &mut [[u32; 4]; N], blocks: [&[u8; 64]; N]) {
    compress_lanes(states, blocks);
}

/// The MD5 digests of two messages of any lengths, computed together: block pairs go through
/// [`compress`], and the longer message's remaining blocks one lane at a time.
#[must_use]
pub fn md5_pair(a: &[u8], b: &[u8]) -> [[u8; 16]; 2] {
    use crate::block::{BlockHash, Md5, pad};
    let (whole_a, rest_a) = a.as_chunks::<64>();
    let (whole_b, rest_b) = b.as_chunks::<64>();
    // A tail under 64 bytes pads into at most two blocks.
    let (mut tail_a, mut tail_b) = ([[0u8; 64]; 2], [[0u8; 64]; 2]);
    let tail_a = pad::<Md5, 2>(&mut tail_a, whole_a.len() as u64, &[rest_a]).unwrap_or_default();
    let tail_b = pad::<Md5, 2>(&mut tail_b, whole_b.len() as u64, &[rest_b]).unwrap_or_default();
    let mut blocks_a = whole_a.iter().chain(tail_a);
    let mut blocks_b = whole_b.iter().chain(tail_b);
    let mut states = [Md5::IV; 2];
    loop {
        match (blocks_a.next(), blocks_b.next()) {
            (Some(x), Some(y)) => compress(&mut states, [x, y]),
            (Some(x), None) => Md5::compress(&mut states[0], core::slice::from_ref(x)),
            (None, Some(y)) => Md5::compress(&mut states[1], core::slice::from_ref(y)),
            (None, None) => break,
        }
    }
    states.map(|s| Md5::digest(&s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use md5::Digest as _;

    #[test]
    fn md5_pair_equals_md5_for_every_pair_of_lengths_to_300() {
        let data: std::vec::Vec<u8> = (0..301u32).map(|i| (i * 13 + 1) as u8).collect();
        for n in 0..=300 {
            for m in [0, 1, 55, 56, 63, 64, 65, 119, 128, 200, 300, n, 300 - n] {
                let (a, b) = (&data[..n], &data[300 - m..]);
                let [x, y] = md5_pair(a, b);
                assert_eq!(x[..], md5::Md5::digest(a)[..], "{n} and {m}");
                assert_eq!(y[..], md5::Md5::digest(b)[..], "{n} and {m}");
            }
        }
    }
}
