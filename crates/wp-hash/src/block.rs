//! HMAC over RustCrypto's raw block functions, for the short messages of the hot paths.
//!
//! WordPress MACs are short (a nonce, a cookie key: one or two blocks) and the cookie HMAC
//! is keyed afresh for every cookie. At that size the general `hmac`/`digest` machinery
//! (cloned cores, a generic block buffer, a second hasher for the outer pass) costs as much
//! as a compression: measured here, `wp_hash()` of a 65-byte cookie message took 466 ns
//! against 346 ns for its three MD5 compressions. These types keep only the chaining state,
//! one 64-byte block and a counter, and hand whole blocks to `md5::block_api::compress` and
//! `sha2::block_api::compress256` — the same code `md-5` and `sha2` run.
//!
//! Checked against `md-5` / `sha2` for every message length from 0 to 199 bytes fed in pieces,
//! against `hmac` for keys of 0 to 200 bytes and messages of 0 to 149 (unit tests), and by
//! every vector and oracle test that uses `wp_hash()`, nonces or cookies.

/// A 64-byte-block Merkle–Damgård hash: MD5 or SHA-256.
pub trait BlockHash {
    /// The chaining state.
    type State: Copy;
    /// The digest bytes.
    type Digest: AsRef<[u8]> + Copy;
    /// The initial state.
    const IV: Self::State;
    /// Compresses whole blocks into the state.
    fn compress(state: &mut Self::State, blocks: &[[u8; 64]]);
    /// The length field of the final block (message length in bits).
    fn length_field(bits: u64) -> [u8; 8];
    /// The digest of a final state.
    fn digest(state: &Self::State) -> Self::Digest;

    /// The hash of a message laid out by [`pad`] with no prefix.
    #[inline]
    fn hash_padded(blocks: &[[u8; 64]]) -> Self::Digest {
        let mut state = Self::IV;
        Self::compress(&mut state, blocks);
        Self::digest(&state)
    }
}

/// MD5 (RFC 1321): little-endian length and output words.
#[derive(Clone, Copy, Debug)]
pub struct Md5;

impl BlockHash for Md5 {
    type State = [u32; 4];
    type Digest = [u8; 16];
    const IV: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];

    #[inline]
    fn compress(state: &mut [u32; 4], blocks: &[[u8; 64]]) {
        md5::block_api::compress(state, blocks);
    }

    #[inline]
    fn length_field(bits: u64) -> [u8; 8] {
        bits.to_le_bytes()
    }

    #[inline]
    fn digest(state: &[u32; 4]) -> [u8; 16] {
        let mut out = [0u8; 16];
        for (o, w) in out.chunks_exact_mut(4).zip(state) {
            o.copy_from_slice(&w.to_le_bytes());
        }
        out
    }
}

/// SHA-256 (FIPS 180-4): big-endian length and output words.
#[derive(Clone, Copy, Debug)]
pub struct Sha256;

impl BlockHash for Sha256 {
    type State = [u32; 8];
    type Digest = [u8; 32];
    const IV: [u32; 8] = [
        0x6a09_e667,
        0xbb67_ae85,
        0x3c6e_f372,
        0xa54f_f53a,
        0x510e_527f,
        0x9b05_688c,
        0x1f83_d9ab,
        0x5be0_cd19,
    ];

    #[inline]
    fn compress(state: &mut [u32; 8], blocks: &[[u8; 64]]) {
        sha2::block_api::compress256(state, blocks);
    }

    #[inline]
    fn length_field(bits: u64) -> [u8; 8] {
        bits.to_be_bytes()
    }

    #[inline]
    fn digest(state: &[u32; 8]) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (o, w) in out.chunks_exact_mut(4).zip(state) {
            o.copy_from_slice(&w.to_be_bytes());
        }
        out
    }
}

/// A message being hashed: the chaining state, the partial block and how many whole blocks
/// went before it.
#[derive(Clone)]
pub struct Stream<H: BlockHash> {
    state: H::State,
    block: [u8; 64],
    pos: usize,
    blocks: u64,
}

impl<H: BlockHash> Stream<H> {
    /// A plain hash from the initial state.
    #[must_use]
    pub fn new() -> Self {
        Self::resume(H::IV, 0)
    }

    /// Continues from `state`, reached after `blocks` whole blocks (an HMAC pad block is one).
    #[inline]
    #[must_use]
    pub fn resume(state: H::State, blocks: u64) -> Self {
        Self {
            state,
            block: [0u8; 64],
            pos: 0,
            blocks,
        }
    }

    /// Appends bytes.
    #[inline]
    pub fn update(&mut self, mut data: &[u8]) -> &mut Self {
        if self.pos > 0 || data.len() < 64 {
            let take = data.len().min(64 - self.pos);
            let (head, rest) = data.split_at(take);
            if let Some(dst) = self.block.get_mut(self.pos..self.pos + take) {
                dst.copy_from_slice(head);
            }
            self.pos += take;
            if self.pos < 64 {
                return self;
            }
            self.flush();
            data = rest;
        }
        let (whole, rest) = data.as_chunks::<64>();
        if !whole.is_empty() {
            H::compress(&mut self.state, whole);
            self.blocks += whole.len() as u64;
        }
        if let Some(dst) = self.block.get_mut(..rest.len()) {
            dst.copy_from_slice(rest);
        }
        self.pos = rest.len();
        self
    }

    /// Appends one byte.
    #[inline]
    pub fn push(&mut self, b: u8) -> &mut Self {
        if let Some(slot) = self.block.get_mut(self.pos) {
            *slot = b;
        }
        self.pos += 1;
        if self.pos == 64 {
            self.flush();
        }
        self
    }

    /// Compresses the full block.
    #[inline]
    fn flush(&mut self) {
        H::compress(&mut self.state, core::slice::from_ref(&self.block));
        self.blocks += 1;
        self.pos = 0;
    }

    /// Pads, compresses the last block(s) and returns the digest.
    #[inline]
    #[must_use]
    pub fn finish(mut self) -> H::Digest {
        let bits = (self.blocks * 64 + self.pos as u64).wrapping_mul(8);
        if let Some(rest) = self.block.get_mut(self.pos..) {
            rest.fill(0);
            if let Some(first) = rest.first_mut() {
                *first = 0x80;
            }
        }
        if self.pos >= 56 {
            H::compress(&mut self.state, core::slice::from_ref(&self.block));
            self.block = [0u8; 64];
        }
        if let Some(len) = self.block.last_chunk_mut::<8>() {
            *len = H::length_field(bits);
        }
        H::compress(&mut self.state, core::slice::from_ref(&self.block));
        H::digest(&self.state)
    }
}

impl<H: BlockHash> Default for Stream<H> {
    fn default() -> Self {
        Self::new()
    }
}

/// An HMAC key (RFC 2104) as the states after its inner and outer pad blocks.
#[derive(Clone, Copy)]
pub struct HmacKey<H: BlockHash> {
    inner: H::State,
    outer: H::State,
}

impl<H: BlockHash> HmacKey<H> {
    /// Keys with `a . b` (joined without a copy): a key longer than a block is replaced by
    /// its digest first.
    #[must_use]
    pub fn new(a: &[u8], b: &[u8]) -> Self {
        let mut key = [0u8; 64];
        let len = a.len().saturating_add(b.len());
        if len <= 64 {
            let (head, tail) = key.split_at_mut(a.len().min(64));
            head.copy_from_slice(a.get(..head.len()).unwrap_or_default());
            if let Some(dst) = tail.get_mut(..b.len()) {
                dst.copy_from_slice(b);
            }
        } else {
            let mut s = Stream::<H>::new();
            s.update(a).update(b);
            let digest = s.finish();
            let d = digest.as_ref();
            if let Some(dst) = key.get_mut(..d.len()) {
                dst.copy_from_slice(d);
            }
        }
        Self::from_block(&key)
    }

    /// Keys with a key already zero-padded to one block.
    #[inline]
    #[must_use]
    pub fn from_block(key: &[u8; 64]) -> Self {
        let pad = |with: u8| {
            let mut state = H::IV;
            H::compress(&mut state, &[key.map(|k| k ^ with)]);
            state
        };
        Self {
            inner: pad(0x36),
            outer: pad(0x5c),
        }
    }

    /// The MAC of a message already laid out by [`pad`] with a prefix of 1.
    #[inline]
    #[must_use]
    pub fn mac_padded(&self, blocks: &[[u8; 64]]) -> H::Digest {
        let mut inner = self.inner;
        H::compress(&mut inner, blocks);
        outer::<H>(self.outer, &H::digest(&inner))
    }

    /// A message stream under this key.
    #[inline]
    #[must_use]
    pub fn stream(&self) -> HmacStream<H> {
        HmacStream {
            msg: Stream::resume(self.inner, 1),
            outer: self.outer,
        }
    }
}

/// The outer hash of an HMAC: the pad block's state and the inner digest, one block built
/// whole.
#[inline]
fn outer<H: BlockHash>(mut state: H::State, inner: &H::Digest) -> H::Digest {
    H::compress(&mut state, &[outer_block::<H>(inner)]);
    H::digest(&state)
}

/// The one block of an HMAC's outer message: the inner digest, padded.
#[inline]
fn outer_block<H: BlockHash>(inner: &H::Digest) -> [u8; 64] {
    let d = inner.as_ref();
    let mut block = [0u8; 64];
    if let Some(dst) = block.get_mut(..d.len()) {
        dst.copy_from_slice(d);
    }
    if let Some(marker) = block.get_mut(d.len()) {
        *marker = 0x80;
    }
    if let Some(len) = block.last_chunk_mut::<8>() {
        *len = H::length_field((64 + d.len() as u64) * 8);
    }
    block
}

impl HmacKey<Md5> {
    /// The MACs of `N` messages laid out by [`pad`] (prefix 1) under this key, computed
    /// together on [`crate::lanes::compress`]: the blocks all messages have, then each one's
    /// rest alone, then all outer blocks in one step. Two lanes cost about 1.2x one, four
    /// about 1.7x.
    #[inline]
    #[must_use]
    pub fn mac_padded_lanes<const N: usize>(&self, msgs: [&[[u8; 64]]; N]) -> [[u8; 16]; N] {
        const NONE: [u8; 64] = [0; 64];
        let mut inner = [self.inner; N];
        let common = msgs.iter().map(|m| m.len()).min().unwrap_or(0);
        for j in 0..common {
            crate::lanes::compress(&mut inner, msgs.map(|m| m.get(j).unwrap_or(&NONE)));
        }
        for (state, m) in inner.iter_mut().zip(msgs) {
            Md5::compress(state, m.get(common..).unwrap_or_default());
        }
        let blocks = inner.map(|s| outer_block::<Md5>(&Md5::digest(&s)));
        let mut outer = [self.outer; N];
        crate::lanes::compress(&mut outer, blocks.each_ref());
        outer.map(|s| Md5::digest(&s))
    }
}

/// Lays out a short message with its padding in whole blocks of `buf` before any hashing
/// starts, so that building it can overlap other work and the hash is one `compress` call:
/// the concatenated `pieces` as the message that follows `prefix` whole blocks (1 for an
/// HMAC's inner message), padded for `H`. Returns the blocks used, or `None` when the message
/// needs more than `B`. Written in place: the caller's buffer is never moved or copied.
#[inline]
pub fn pad<'b, H: BlockHash, const B: usize>(
    buf: &'b mut [[u8; 64]; B],
    prefix: u64,
    pieces: &[&[u8]],
) -> Option<&'b [[u8; 64]]> {
    let len: usize = pieces.iter().map(|p| p.len()).sum();
    let used = (len + 9).div_ceil(64);
    if used > B {
        return None;
    }
    *buf = [[0u8; 64]; B];
    let flat = buf.as_flattened_mut();
    let mut at = 0;
    for piece in pieces {
        match piece {
            [b] => {
                if let Some(slot) = flat.get_mut(at) {
                    *slot = *b;
                }
            }
            _ => {
                if let Some(dst) = flat.get_mut(at..at + piece.len()) {
                    dst.copy_from_slice(piece);
                }
            }
        }
        at += piece.len();
    }
    if let Some(marker) = flat.get_mut(at) {
        *marker = 0x80;
    }
    let bits = (prefix * 64 + len as u64).wrapping_mul(8);
    if let Some(field) = flat
        .get_mut(used * 64 - 8..used * 64)
        .and_then(|f| f.first_chunk_mut::<8>())
    {
        *field = H::length_field(bits);
    }
    buf.get(..used)
}

/// A message being MACed.
#[derive(Clone)]
pub struct HmacStream<H: BlockHash> {
    msg: Stream<H>,
    outer: H::State,
}

impl<H: BlockHash> HmacStream<H> {
    /// Appends bytes.
    #[inline]
    pub fn update(&mut self, data: &[u8]) -> &mut Self {
        self.msg.update(data);
        self
    }

    /// Appends one byte.
    #[inline]
    pub fn push(&mut self, b: u8) -> &mut Self {
        self.msg.push(b);
        self
    }

    /// The MAC.
    #[inline]
    #[must_use]
    pub fn finalize(self) -> H::Digest {
        outer::<H>(self.outer, &self.msg.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, KeyInit, Mac};
    use sha2::Digest as _;

    fn bytes(n: usize, seed: u8) -> std::vec::Vec<u8> {
        (0..n)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
            .collect()
    }

    #[test]
    fn plain_hashes_match_the_crates() {
        for n in 0..200 {
            let m = bytes(n, 7);
            for split in [0, n / 3, n / 2, n] {
                let (a, b) = m.split_at(split);
                let mut s = Stream::<Md5>::new();
                s.update(a).update(b);
                assert_eq!(s.finish()[..], md5::Md5::digest(&m)[..], "md5 {n}");
                let mut s = Stream::<Sha256>::new();
                s.update(a);
                for &c in b {
                    s.push(c);
                }
                assert_eq!(s.finish()[..], sha2::Sha256::digest(&m)[..], "sha256 {n}");
            }
        }
    }

    #[test]
    fn padded_messages_match_streams() {
        for klen in [0usize, 20, 64, 90] {
            let k = bytes(klen, 5);
            let key = HmacKey::<Sha256>::new(&k, b"");
            let md5_key = HmacKey::<Md5>::new(&k, b"");
            for n in 0..260 {
                let m = bytes(n, 9);
                let (a, rest) = m.split_at(n / 3);
                let (b, c) = rest.split_at(rest.len().min(1));
                let pieces: &[&[u8]] = &[a, b, c];
                let mut stream = key.stream();
                stream.update(&m);
                let mut md5_stream = md5_key.stream();
                md5_stream.update(&m);
                let mut buf = [[0xa5u8; 64]; 4];
                match pad::<Sha256, 4>(&mut buf, 1, pieces) {
                    Some(blocks) => {
                        assert!(n + 9 <= 256, "{n}");
                        assert_eq!(key.mac_padded(blocks), stream.finalize(), "{n}");
                    }
                    None => assert!(n + 9 > 256, "{n}"),
                }
                if let Some(blocks) = pad::<Md5, 4>(&mut buf, 1, pieces) {
                    assert_eq!(md5_key.mac_padded(blocks), md5_stream.finalize(), "{n}");
                }
            }
        }
    }

    #[test]
    fn macs_in_lanes_equal_one_at_a_time() {
        for klen in [0usize, 20, 64, 90] {
            let key = HmacKey::<Md5>::new(&bytes(klen, 5), b"");
            for n in 0..=120 {
                // Lengths that share their block count and lengths that do not.
                for other in [n, n + 1, (n + 60) % 150, 120 - n] {
                    let (ma, mb) = (bytes(n, 9), bytes(other, 13));
                    let (mut ba, mut bb) = ([[0u8; 64]; 4], [[0u8; 64]; 4]);
                    let a = pad::<Md5, 4>(&mut ba, 1, &[&ma]).unwrap();
                    let b = pad::<Md5, 4>(&mut bb, 1, &[&mb]).unwrap();
                    assert_eq!(
                        key.mac_padded_lanes([a, b]),
                        [key.mac_padded(a), key.mac_padded(b)],
                        "{n} and {other} bytes"
                    );
                    assert_eq!(
                        key.mac_padded_lanes([b, a, a, b]),
                        [
                            key.mac_padded(b),
                            key.mac_padded(a),
                            key.mac_padded(a),
                            key.mac_padded(b)
                        ],
                        "{n} and {other} bytes, four lanes"
                    );
                }
            }
        }
    }

    #[test]
    fn hmacs_match_the_hmac_crate() {
        for klen in [0usize, 1, 32, 63, 64, 65, 100, 200] {
            let k = bytes(klen, 3);
            let (ka, kb) = k.split_at(klen / 2);
            for n in 0..150 {
                let m = bytes(n, 11);
                let (a, b) = m.split_at(n / 2);
                let mut ours = HmacKey::<Md5>::new(ka, kb).stream();
                ours.update(a).update(b);
                let mut theirs = <Hmac<md5::Md5> as KeyInit>::new_from_slice(&k).unwrap();
                theirs.update(&m);
                assert_eq!(ours.finalize()[..], theirs.finalize().into_bytes()[..]);
                let mut ours = HmacKey::<Sha256>::new(ka, kb).stream();
                ours.update(a).update(b);
                let mut theirs = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&k).unwrap();
                theirs.update(&m);
                assert_eq!(ours.finalize()[..], theirs.finalize().into_bytes()[..]);
            }
        }
    }
}
