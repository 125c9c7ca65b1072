//! bcrypt as PHP's `crypt()` computes it (`$2a$`, `$2b$`, `$2x$`, `$2y$`; cost 04–31).
//!
//! The password is read as a C string (PHP passes it that way: bytes after a NUL are
//! ignored), followed by its NUL and cycled to the 72 key bytes Blowfish takes. `$2x$`
//! reproduces the historic sign-extension bug for bytes ≥ 0x80 and `$2a$` the countermeasure
//! PHP applies to such passwords; `$2b$` and `$2y$` are the correct algorithm. Blowfish itself
//! comes from the RustCrypto `blowfish` crate.

use base64::Engine as _;
use base64::alphabet::BCRYPT;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use blowfish::Blowfish;
use subtle::ConstantTimeEq;

/// Length of a bcrypt hash string: 29-byte setting and 31 characters of hash.
pub const HASH_LEN: usize = 60;

/// The lowest and highest cost (log2 of the iteration count) `crypt()` accepts.
pub const COSTS: core::ops::RangeInclusive<u8> = 4..=31;

const B64: GeneralPurpose = GeneralPurpose::new(
    &BCRYPT,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);

/// The four bcrypt prefixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Variant {
    /// `$2a$`: correct, plus PHP's countermeasure for passwords the old bug would have changed.
    A,
    /// `$2b$`: correct (OpenBSD's name).
    B,
    /// `$2x$`: the historic sign-extension bug, kept for old hashes.
    X,
    /// `$2y$`: correct (PHP's name; what `password_hash()` writes).
    Y,
}

impl Variant {
    fn letter(self) -> u8 {
        match self {
            Self::A => b'a',
            Self::B => b'b',
            Self::X => b'x',
            Self::Y => b'y',
        }
    }
}

/// Why a string is not a bcrypt setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// Not `$2a$`, `$2b$`, `$2x$` or `$2y$`.
    Prefix,
    /// The cost is not two digits in 04..=31 followed by `$`.
    Cost,
    /// Fewer than 22 salt characters, or one outside bcrypt's alphabet.
    Salt,
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Prefix => "not a bcrypt hash: prefix is not $2a$, $2b$, $2x$ or $2y$",
            Self::Cost => "bcrypt cost is not two digits in 04..=31 followed by $",
            Self::Salt => "bcrypt salt is not 22 characters of ./A-Za-z0-9",
        })
    }
}

impl core::error::Error for Error {}

/// The first 29 bytes of a bcrypt hash: variant, cost and salt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    /// The prefix.
    pub variant: Variant,
    /// log2 of the iteration count.
    pub cost: u8,
    /// The 16 salt bytes (the 22nd salt character carries 4 unused bits, which are dropped).
    pub salt: [u8; 16],
}

impl Setting {
    /// Parses the setting at the start of `s` (anything after the 29th byte is ignored).
    ///
    /// # Errors
    /// [`Error`] for each way `crypt()` rejects a bcrypt setting.
    pub fn parse(s: &[u8]) -> Result<Self, Error> {
        let variant = match s {
            [b'$', b'2', b'a', b'$', ..] => Variant::A,
            [b'$', b'2', b'b', b'$', ..] => Variant::B,
            [b'$', b'2', b'x', b'$', ..] => Variant::X,
            [b'$', b'2', b'y', b'$', ..] => Variant::Y,
            _ => return Err(Error::Prefix),
        };
        let cost = match s.get(4..7) {
            Some(&[t @ b'0'..=b'3', u @ b'0'..=b'9', b'$']) => (t - b'0') * 10 + (u - b'0'),
            _ => return Err(Error::Cost),
        };
        if !COSTS.contains(&cost) {
            return Err(Error::Cost);
        }
        let chars = s.get(7..29).ok_or(Error::Salt)?;
        let mut buf = [0u8; 18];
        match B64.decode_slice(chars, &mut buf) {
            Ok(16) => {}
            _ => return Err(Error::Salt),
        }
        let mut salt = [0u8; 16];
        salt.copy_from_slice(buf.get(..16).ok_or(Error::Salt)?);
        Ok(Self {
            variant,
            cost,
            salt,
        })
    }

    /// A `$2y$` setting with the given cost and salt.
    ///
    /// # Errors
    /// [`Error::Cost`] outside 04..=31.
    pub fn new(cost: u8, salt: [u8; 16]) -> Result<Self, Error> {
        if COSTS.contains(&cost) {
            Ok(Self {
                variant: Variant::Y,
                cost,
                salt,
            })
        } else {
            Err(Error::Cost)
        }
    }

    /// `crypt(password, setting)`: the 60-byte hash string. Takes `2^cost` Blowfish key
    /// schedules: slow by design.
    #[must_use]
    pub fn hash(&self, password: &[u8]) -> [u8; HASH_LEN] {
        let (initial, expanded) = key_words(password, self.variant);
        let mut state = Blowfish::bc_init_state();
        state.salted_expand_key(&self.salt, &initial);
        for _ in 0..(1u64 << self.cost) {
            state.bc_expand_key(&expanded);
            state.bc_expand_key(&self.salt);
        }
        let mut ctext = [0u32; 6];
        for (pair, chunk) in ctext.chunks_exact_mut(2).zip(MAGIC.chunks_exact(8)) {
            let mut lr = [word(chunk, 0), word(chunk, 4)];
            for _ in 0..64 {
                lr = state.bc_encrypt(lr);
            }
            pair.copy_from_slice(&lr);
        }
        let mut raw = [0u8; 24];
        for (dst, w) in raw.chunks_exact_mut(4).zip(ctext) {
            dst.copy_from_slice(&w.to_be_bytes());
        }

        let mut out = [0u8; HASH_LEN];
        let (head, rest) = out.split_at_mut(7);
        head.copy_from_slice(&[
            b'$',
            b'2',
            self.variant.letter(),
            b'$',
            b'0' + self.cost / 10,
            b'0' + self.cost % 10,
            b'$',
        ]);
        let (salt, hash) = rest.split_at_mut(22);
        // 16 bytes → 22 chars and 23 bytes → 31 chars: both fit exactly.
        let _ = B64.encode_slice(self.salt, salt);
        let _ = B64.encode_slice(raw.split_at(23).0, hash);
        out
    }
}

/// "OrpheanBeholderScryDoubt", the block bcrypt encrypts.
const MAGIC: &[u8; 24] = b"OrpheanBeholderScryDoubt";

fn word(b: &[u8], at: usize) -> u32 {
    let mut w = [0u8; 4];
    if let Some(s) = b.get(at..at + 4) {
        w.copy_from_slice(s);
    }
    u32::from_be_bytes(w)
}

/// The 18 key words as crypt_blowfish forms them, serialised big-endian so that Blowfish's
/// own key cycling over 72 bytes reads exactly these words: (words for the first, salted
/// expansion, words for the loop). They differ only for `$2a$` with the countermeasure.
fn key_words(password: &[u8], variant: Variant) -> ([u8; 72], [u8; 72]) {
    let key = crate::encoding::c_string(password);
    let bug = variant == Variant::X;
    let safety = variant == Variant::A;
    let mut expanded = [0u8; 72];
    let (mut sign, mut diff) = (0u32, 0u32);
    // The key as a C string read in a loop: its bytes, its NUL, again from the start.
    let mut pos = 0usize;
    for w in expanded.chunks_exact_mut(4) {
        let (mut correct, mut buggy) = (0u32, 0u32);
        for j in 0..4 {
            let b = key.get(pos).copied().unwrap_or(0);
            correct = (correct << 8) | u32::from(b);
            // A signed char widened to 32 bits: bytes ≥ 0x80 set all the high bits.
            buggy = (buggy << 8) | i32::from(b as i8).cast_unsigned();
            if j != 0 {
                sign |= buggy & 0x80;
            }
            pos = if pos >= key.len() { 0 } else { pos + 1 };
        }
        diff |= correct ^ buggy;
        w.copy_from_slice(&if bug { buggy } else { correct }.to_be_bytes());
    }
    let mut initial = expanded;
    if safety {
        // Bit 16 set iff the buggy and correct words differ anywhere.
        let mut d = diff | (diff >> 16);
        d &= 0xffff;
        d = d.wrapping_add(0xffff);
        let flip = (sign << 9) & !d & 0x1_0000;
        let w0 = word(&initial, 0) ^ flip;
        initial.split_at_mut(4).0.copy_from_slice(&w0.to_be_bytes());
    }
    (initial, expanded)
}

/// Recomputes `stored` for `password` and compares the whole string in constant time, as
/// PHP's `password_verify()` and phpass's `crypt()` fallback do. `false` for anything that is
/// not a 60-byte bcrypt hash.
#[must_use]
pub fn verify(password: &[u8], stored: &[u8]) -> bool {
    if stored.len() != HASH_LEN {
        return false;
    }
    match Setting::parse(stored) {
        Ok(s) => bool::from(s.hash(password).ct_eq(stored)),
        Err(_) => false,
    }
}
