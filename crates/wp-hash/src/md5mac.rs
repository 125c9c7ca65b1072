//! HMAC-MD5 (RFC 2104) over the MD5 compression function of the `md-5` crate, with the inner
//! and outer pad states saved at key time.
//!
//! This is the hot path of every nonce and cookie check, so it is written against the raw
//! compression function: a message costs exactly its own compressions plus one for the outer
//! hash, with no per-call generic buffering on top (measured: the generic `hmac` wrapper added
//! about a quarter to a three-compression nonce). `tests::matches_hmac_crate` checks it against
//! the `hmac` crate for every length around the block boundaries.

use md5::Digest;
use md5::block_api::compress;

const BLOCK: usize = 64;
/// Offset of the 64-bit length field in the final block.
const LEN_AT: usize = BLOCK - 8;
const IV: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];

#[inline]
fn compress1(state: &mut [u32; 4], block: &[u8; BLOCK]) {
    compress(state, core::slice::from_ref(block));
}

#[inline]
fn to_bytes(state: &[u32; 4]) -> [u8; 16] {
    let mut out = [0u8; 16];
    for (dst, w) in out.chunks_exact_mut(4).zip(state) {
        dst.copy_from_slice(&w.to_le_bytes());
    }
    out
}

/// The saved states after the `key ^ ipad` and `key ^ opad` blocks.
#[derive(Clone)]
pub(crate) struct Md5Pads {
    inner: [u32; 4],
    outer: [u32; 4],
}

impl Md5Pads {
    /// Keys with `a . b` (a key longer than a block is replaced by its MD5).
    pub(crate) fn new(a: &[u8], b: &[u8]) -> Self {
        let mut key = [0u8; BLOCK];
        if a.len().saturating_add(b.len()) <= BLOCK {
            let (head, tail) = key.split_at_mut(a.len().min(BLOCK));
            head.copy_from_slice(a.get(..head.len()).unwrap_or_default());
            if let Some(dst) = tail.get_mut(..b.len()) {
                dst.copy_from_slice(b);
            }
        } else {
            let d = md5::Md5::new().chain_update(a).chain_update(b).finalize();
            if let Some(dst) = key.get_mut(..d.len()) {
                dst.copy_from_slice(&d);
            }
        }
        let mut inner = IV;
        compress1(&mut inner, &key.map(|k| k ^ 0x36));
        let mut outer = IV;
        compress1(&mut outer, &key.map(|k| k ^ 0x5c));
        Self { inner, outer }
    }

    /// A message stream under this key.
    #[inline]
    pub(crate) fn start(&self) -> Md5Mac {
        Md5Mac {
            state: self.inner,
            outer: self.outer,
            buf: [0u8; BLOCK],
            pos: 0,
            // The ipad block is already in `state`.
            blocks: 1,
        }
    }
}

/// An HMAC-MD5 message in progress.
#[derive(Clone)]
pub(crate) struct Md5Mac {
    state: [u32; 4],
    outer: [u32; 4],
    buf: [u8; BLOCK],
    /// Bytes waiting in `buf` (always below a block).
    pos: usize,
    /// Blocks compressed into `state`.
    blocks: u64,
}

impl Md5Mac {
    #[inline]
    pub(crate) fn update(&mut self, data: &[u8]) {
        // Fast path: the piece fits in the partial block (separators, digits, short fields).
        let end = self.pos + data.len();
        if end < BLOCK {
            if let Some(dst) = self.buf.get_mut(self.pos..end) {
                dst.copy_from_slice(data);
            }
            self.pos = end;
        } else {
            self.update_blocks(data);
        }
    }

    fn update_blocks(&mut self, mut data: &[u8]) {
        if self.pos > 0 {
            let room = BLOCK - self.pos;
            let take = room.min(data.len());
            let (now, rest) = data.split_at(take);
            if let Some(dst) = self.buf.get_mut(self.pos..self.pos + take) {
                dst.copy_from_slice(now);
            }
            self.pos += take;
            data = rest;
            if self.pos < BLOCK {
                return;
            }
            compress1(&mut self.state, &self.buf);
            self.blocks += 1;
            self.pos = 0;
        }
        let mut chunks = data.chunks_exact(BLOCK);
        for chunk in &mut chunks {
            if let Ok(block) = <&[u8; BLOCK]>::try_from(chunk) {
                compress1(&mut self.state, block);
                self.blocks += 1;
            }
        }
        let rest = chunks.remainder();
        if let Some(dst) = self.buf.get_mut(..rest.len()) {
            dst.copy_from_slice(rest);
        }
        self.pos = rest.len();
    }

    #[inline]
    pub(crate) fn finalize(mut self) -> [u8; 16] {
        let bits = (self.blocks * BLOCK as u64 + self.pos as u64).wrapping_mul(8);
        if let Some(b) = self.buf.get_mut(self.pos) {
            *b = 0x80;
        }
        if let Some(rest) = self.buf.get_mut(self.pos + 1..) {
            rest.fill(0);
        }
        if self.pos >= LEN_AT {
            compress1(&mut self.state, &self.buf);
            self.buf = [0u8; BLOCK];
        }
        self.buf[LEN_AT..].copy_from_slice(&bits.to_le_bytes());
        compress1(&mut self.state, &self.buf);

        let mut block = [0u8; BLOCK];
        block[..16].copy_from_slice(&to_bytes(&self.state));
        block[16] = 0x80;
        block[LEN_AT..].copy_from_slice(&((BLOCK as u64 + 16) * 8).to_le_bytes());
        let mut outer = self.outer;
        compress1(&mut outer, &block);
        to_bytes(&outer)
    }
}

#[cfg(test)]
mod tests {
    use super::Md5Pads;
    use hmac::{Hmac, KeyInit, Mac};

    #[test]
    fn matches_hmac_crate() {
        let data: std::vec::Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for key_len in [0usize, 1, 16, 63, 64, 65, 128, 200] {
            let key = &data[..key_len];
            let pads = Md5Pads::new(&key[..key_len / 2], &key[key_len / 2..]);
            for msg_len in (0..=200).chain([255, 256, 257, 300]) {
                let msg = &data[..msg_len];
                let mut want = <Hmac<md5::Md5> as KeyInit>::new_from_slice(key).unwrap();
                want.update(msg);
                let want: [u8; 16] = want.finalize().into_bytes().into();
                let mut one = pads.start();
                one.update(msg);
                assert_eq!(one.finalize(), want, "key {key_len} msg {msg_len}");
                // Split at every kind of boundary: streaming must not matter.
                let mut parts = pads.start();
                for piece in msg.chunks(1 + msg_len % 23) {
                    parts.update(piece);
                }
                assert_eq!(parts.finalize(), want, "key {key_len} msg {msg_len} split");
            }
        }
    }
}
