#![no_std]
#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(test)]
extern crate std;

#[doc(hidden)]
pub mod block;
mod decimal;
mod hex;
#[doc(hidden)]
pub mod lanes;
mod password;
mod salt;

use core::fmt;

use hmac::{Hmac, KeyInit, Mac};

use block::{HmacKey, HmacStream};

pub use decimal::Decimal;
pub use hex::{HexDigest, hex_into};
pub use password::{ALNUM, GeneratedPassword};
pub use salt::{Salt, SaltSource, Scheme, wp_salt};

/// WordPress's `DAY_IN_SECONDS`.
pub const DAY_IN_SECONDS: u64 = 86_400;

/// Which WordPress behaviour to reproduce where releases differ; one choice for every crate of
/// the workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum WpVersion {
    /// WordPress 6.1 up to 6.7. Cookies: the password fragment is always
    /// `substr(user_pass, 8, 4)` and the expiration string is compared with PHP's loose
    /// comparison. Passwords: MD5 digests, then phpass with PHP's `crypt()` as fallback (so
    /// `$P$`, `$H$`, bcrypt and the crypt(3) formats; not `$wp$`, Argon2 or `$generic$`).
    Wp61,
    /// WordPress 6.8 and later (the default). Cookies: the fragment is taken at offset 8 only
    /// for `$P$` and `$2y$` hashes, else it is the last four bytes; the expiration is cast with
    /// `(int)`. Passwords: `wp_check_password()`'s 6.8 decision list (bcrypt pre-hashed as
    /// `$wp$`, BLAKE2b `$generic$` for application passwords, then the older formats).
    #[default]
    Wp68,
}

/// What went wrong in this crate.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Error {
    /// The `$algo` name is not one of PHP's `hash_hmac_algos()`; WordPress 6.8 throws
    /// `InvalidArgumentException` and produces no hash.
    UnknownAlgo,
    /// PHP would accept this `$algo`, but this build does not implement it (the `php-algos`
    /// feature adds most; Snefru, HAVAL and some Tiger variants have no implementation).
    UnsupportedAlgo,
    /// A salt half WordPress would have generated at random and stored as a site option: no
    /// constant and no site option holds a usable value, so the caller must supply it.
    MissingSalt,
}

impl Error {
    /// A short stable code for logs and vector files.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::UnknownAlgo => "unknown_algo",
            Self::UnsupportedAlgo => "unsupported_algo",
            Self::MissingSalt => "missing_salt",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::UnknownAlgo => "hash algorithm is not known to php's hash_hmac",
            Self::UnsupportedAlgo => {
                "hash algorithm is accepted by php but not implemented in this build"
            }
            Self::MissingSalt => "no usable salt constant or site option",
        })
    }
}

impl core::error::Error for Error {}

/// `wp_hash()` keyed once: HMAC-MD5 whose key is a [`Salt`] (`KEY . SALT`).
///
/// Building the key runs the HMAC key schedule (including the MD5 of a salt longer than one
/// block); every hash after that starts from the saved inner and outer pad states, so a short
/// message costs two or three MD5 compressions.
#[derive(Clone)]
pub struct WpHashKey {
    mac: HmacKey<block::Md5>,
}

impl WpHashKey {
    /// Keys `wp_hash()` with the salt string `key . salt` (the two halves are hashed as one
    /// string; nothing is allocated to join them).
    #[must_use]
    pub fn new(key: &[u8], salt: &[u8]) -> Self {
        Self {
            mac: HmacKey::new(key, salt),
        }
    }

    /// Keys `wp_hash()` with a resolved [`Salt`].
    #[must_use]
    pub fn from_salt(salt: &Salt<'_>) -> Self {
        let (key, salt) = salt.halves();
        Self::new(key, salt)
    }

    /// The HMAC-MD5 key itself, for messages laid out ahead with `block::pad` (between the
    /// workspace's crates; not a stable API).
    #[doc(hidden)]
    #[must_use]
    pub fn hmac(&self) -> &HmacKey<block::Md5> {
        &self.mac
    }

    /// A fresh message stream under this key. Feed it with [`WpHasher::update`].
    #[inline]
    #[must_use]
    pub fn hasher(&self) -> WpHasher {
        WpHasher {
            mac: self.mac.stream(),
        }
    }

    /// `wp_hash(data)`: 32 lowercase hex characters.
    #[must_use]
    pub fn hash(&self, data: &[u8]) -> HexDigest {
        let mut h = self.hasher();
        h.update(data);
        h.finalize_hex()
    }
}

impl fmt::Debug for WpHashKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WpHashKey([redacted])")
    }
}

/// A `wp_hash()` message being streamed into its MAC.
#[derive(Clone)]
pub struct WpHasher {
    mac: HmacStream<block::Md5>,
}

impl WpHasher {
    /// Appends bytes to the message.
    #[inline]
    pub fn update(&mut self, data: &[u8]) -> &mut Self {
        self.mac.update(data);
        self
    }

    /// Appends one byte (a separator).
    #[inline]
    pub fn push(&mut self, b: u8) -> &mut Self {
        self.mac.push(b);
        self
    }

    /// The raw 16-byte HMAC-MD5.
    #[inline]
    #[must_use]
    pub fn finalize(self) -> [u8; 16] {
        self.mac.finalize()
    }

    /// The HMAC as 32 lowercase hex characters, as `wp_hash()` returns it.
    #[inline]
    #[must_use]
    pub fn finalize_hex(self) -> HexDigest {
        HexDigest::of(&self.finalize())
    }
}

impl fmt::Debug for WpHasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WpHasher([redacted])")
    }
}

/// The `$algo` argument WordPress 6.8 added to `wp_hash()`. All core callers use MD5.
///
/// MD5, SHA-1 and the SHA-2 family are always available; the rest of PHP's
/// `hash_hmac_algos()` that RustCrypto implements comes with the `php-algos` feature.
/// Snefru, HAVAL, the 4-pass Tiger and Tiger truncated to 128/160 bits have no maintained
/// implementation: [`Error::UnsupportedAlgo`].
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Algo {
    /// `md5`, the default and the only one WordPress core uses.
    #[default]
    Md5,
    /// `sha1`
    Sha1,
    /// `sha224`
    Sha224,
    /// `sha256`
    Sha256,
    /// `sha384`
    Sha384,
    /// `sha512/224`
    Sha512_224,
    /// `sha512/256`
    Sha512_256,
    /// `sha512`
    Sha512,
    /// `md2`
    #[cfg(feature = "php-algos")]
    Md2,
    /// `md4`
    #[cfg(feature = "php-algos")]
    Md4,
    /// `sha3-224`
    #[cfg(feature = "php-algos")]
    Sha3_224,
    /// `sha3-256`
    #[cfg(feature = "php-algos")]
    Sha3_256,
    /// `sha3-384`
    #[cfg(feature = "php-algos")]
    Sha3_384,
    /// `sha3-512`
    #[cfg(feature = "php-algos")]
    Sha3_512,
    /// `ripemd128`
    #[cfg(feature = "php-algos")]
    Ripemd128,
    /// `ripemd160`
    #[cfg(feature = "php-algos")]
    Ripemd160,
    /// `ripemd256`
    #[cfg(feature = "php-algos")]
    Ripemd256,
    /// `ripemd320`
    #[cfg(feature = "php-algos")]
    Ripemd320,
    /// `whirlpool`
    #[cfg(feature = "php-algos")]
    Whirlpool,
    /// `tiger192,3`
    #[cfg(feature = "php-algos")]
    Tiger192_3,
    /// `gost` (GOST R 34.11-94, test parameters)
    #[cfg(feature = "php-algos")]
    Gost,
    /// `gost-crypto` (GOST R 34.11-94, CryptoPro parameters)
    #[cfg(feature = "php-algos")]
    GostCrypto,
}

/// Each [`Algo`] with its PHP name.
const ALGOS: &[(Algo, &str)] = &[
    (Algo::Md5, "md5"),
    (Algo::Sha1, "sha1"),
    (Algo::Sha224, "sha224"),
    (Algo::Sha256, "sha256"),
    (Algo::Sha384, "sha384"),
    (Algo::Sha512_224, "sha512/224"),
    (Algo::Sha512_256, "sha512/256"),
    (Algo::Sha512, "sha512"),
    #[cfg(feature = "php-algos")]
    (Algo::Md2, "md2"),
    #[cfg(feature = "php-algos")]
    (Algo::Md4, "md4"),
    #[cfg(feature = "php-algos")]
    (Algo::Sha3_224, "sha3-224"),
    #[cfg(feature = "php-algos")]
    (Algo::Sha3_256, "sha3-256"),
    #[cfg(feature = "php-algos")]
    (Algo::Sha3_384, "sha3-384"),
    #[cfg(feature = "php-algos")]
    (Algo::Sha3_512, "sha3-512"),
    #[cfg(feature = "php-algos")]
    (Algo::Ripemd128, "ripemd128"),
    #[cfg(feature = "php-algos")]
    (Algo::Ripemd160, "ripemd160"),
    #[cfg(feature = "php-algos")]
    (Algo::Ripemd256, "ripemd256"),
    #[cfg(feature = "php-algos")]
    (Algo::Ripemd320, "ripemd320"),
    #[cfg(feature = "php-algos")]
    (Algo::Whirlpool, "whirlpool"),
    #[cfg(feature = "php-algos")]
    (Algo::Tiger192_3, "tiger192,3"),
    #[cfg(feature = "php-algos")]
    (Algo::Gost, "gost"),
    #[cfg(feature = "php-algos")]
    (Algo::GostCrypto, "gost-crypto"),
];

/// PHP 8.2's `hash_hmac_algos()`: names PHP accepts, so a name outside this list is
/// [`Error::UnknownAlgo`] and a name inside it that [`Algo`] lacks is [`Error::UnsupportedAlgo`].
const PHP_HMAC_ALGOS: &[&str] = &[
    "md2",
    "md4",
    "md5",
    "sha1",
    "sha224",
    "sha256",
    "sha384",
    "sha512/224",
    "sha512/256",
    "sha512",
    "sha3-224",
    "sha3-256",
    "sha3-384",
    "sha3-512",
    "ripemd128",
    "ripemd160",
    "ripemd256",
    "ripemd320",
    "whirlpool",
    "tiger128,3",
    "tiger160,3",
    "tiger192,3",
    "tiger128,4",
    "tiger160,4",
    "tiger192,4",
    "snefru",
    "snefru256",
    "gost",
    "gost-crypto",
    "haval128,3",
    "haval160,3",
    "haval192,3",
    "haval224,3",
    "haval256,3",
    "haval128,4",
    "haval160,4",
    "haval192,4",
    "haval224,4",
    "haval256,4",
    "haval128,5",
    "haval160,5",
    "haval192,5",
    "haval224,5",
    "haval256,5",
];

impl Algo {
    /// Looks up `$algo` exactly as WordPress 6.8's `wp_hash()` does: it must be a member of
    /// `hash_hmac_algos()` under PHP's strict `in_array()`, so the name is case-sensitive.
    ///
    /// # Errors
    /// [`Error::UnknownAlgo`] for a name WordPress rejects (`SHA256`, `crc32b`, ...);
    /// [`Error::UnsupportedAlgo`] for one PHP accepts but this build does not implement (the
    /// `php-algos` feature adds most).
    pub fn from_php_name(name: &[u8]) -> Result<Self, Error> {
        if let Some(&(algo, _)) = ALGOS.iter().find(|(_, n)| n.as_bytes() == name) {
            return Ok(algo);
        }
        Err(if PHP_HMAC_ALGOS.iter().any(|a| a.as_bytes() == name) {
            Error::UnsupportedAlgo
        } else {
            Error::UnknownAlgo
        })
    }

    /// Looks up a name as PHP's own `hash_hmac()` does (case-insensitively: `SHA256` is
    /// `sha256`), for callers that reproduce `hash_hmac()` rather than `wp_hash()`.
    ///
    /// # Errors
    /// As [`Algo::from_php_name`].
    pub fn from_hash_hmac_name(name: &[u8]) -> Result<Self, Error> {
        if let Some(&(algo, _)) = ALGOS
            .iter()
            .find(|(_, n)| n.as_bytes().eq_ignore_ascii_case(name))
        {
            return Ok(algo);
        }
        Err(
            if PHP_HMAC_ALGOS
                .iter()
                .any(|a| a.as_bytes().eq_ignore_ascii_case(name))
            {
                Error::UnsupportedAlgo
            } else {
                Error::UnknownAlgo
            },
        )
    }

    /// The PHP name.
    #[must_use]
    pub fn php_name(self) -> &'static str {
        ALGOS
            .iter()
            .find(|(a, _)| *a == self)
            .map_or("md5", |&(_, n)| n)
    }

    /// Every algorithm this build implements.
    pub fn all() -> impl Iterator<Item = Self> {
        ALGOS.iter().map(|&(a, _)| a)
    }
}

/// `wp_hash($data, $scheme, $algo)` (WordPress 6.8+) for any [`Algo`], keyed per call.
///
/// For the MD5 default on a hot path, build a [`WpHashKey`] once instead.
#[must_use]
pub fn wp_hash_with(algo: Algo, salt: &Salt<'_>, data: &[u8]) -> HexDigest {
    fn run<D: hmac::EagerHash>(salt: &Salt<'_>, data: &[u8]) -> HexDigest
    where
        Hmac<D>: KeyInit + Mac,
    {
        let (key, salt) = salt.halves();
        let mut mac = keyed::<D>(key, salt);
        mac.update(data);
        HexDigest::encode(&mac.finalize().into_bytes())
    }
    match algo {
        Algo::Md5 => run::<md5::Md5>(salt, data),
        Algo::Sha1 => run::<sha1::Sha1>(salt, data),
        Algo::Sha224 => run::<sha2::Sha224>(salt, data),
        Algo::Sha256 => run::<sha2::Sha256>(salt, data),
        Algo::Sha384 => run::<sha2::Sha384>(salt, data),
        Algo::Sha512_224 => run::<sha2::Sha512_224>(salt, data),
        Algo::Sha512_256 => run::<sha2::Sha512_256>(salt, data),
        Algo::Sha512 => run::<sha2::Sha512>(salt, data),
        #[cfg(feature = "php-algos")]
        Algo::Md2 => run::<md2::Md2>(salt, data),
        #[cfg(feature = "php-algos")]
        Algo::Md4 => run::<md4::Md4>(salt, data),
        #[cfg(feature = "php-algos")]
        Algo::Sha3_224 => run::<sha3::Sha3_224>(salt, data),
        #[cfg(feature = "php-algos")]
        Algo::Sha3_256 => run::<sha3::Sha3_256>(salt, data),
        #[cfg(feature = "php-algos")]
        Algo::Sha3_384 => run::<sha3::Sha3_384>(salt, data),
        #[cfg(feature = "php-algos")]
        Algo::Sha3_512 => run::<sha3::Sha3_512>(salt, data),
        #[cfg(feature = "php-algos")]
        Algo::Ripemd128 => run::<ripemd::Ripemd128>(salt, data),
        #[cfg(feature = "php-algos")]
        Algo::Ripemd160 => run::<ripemd::Ripemd160>(salt, data),
        #[cfg(feature = "php-algos")]
        Algo::Ripemd256 => run::<ripemd::Ripemd256>(salt, data),
        #[cfg(feature = "php-algos")]
        Algo::Ripemd320 => run::<ripemd::Ripemd320>(salt, data),
        #[cfg(feature = "php-algos")]
        Algo::Whirlpool => run::<whirlpool::Whirlpool>(salt, data),
        #[cfg(feature = "php-algos")]
        Algo::Tiger192_3 => run::<tiger::Tiger>(salt, data),
        #[cfg(feature = "php-algos")]
        Algo::Gost => run::<gost94::Gost94Test>(salt, data),
        #[cfg(feature = "php-algos")]
        Algo::GostCrypto => run::<gost94::Gost94CryptoPro>(salt, data),
    }
}

/// The largest block size among the supported hashes (SHA3-224's rate).
const MAX_BLOCK: usize = 144;

/// HMAC keyed with `a . b` without joining them in memory: a key no longer than the block is
/// copied into a stack buffer; a longer one is replaced by its digest, exactly as RFC 2104
/// (and PHP's `hash_hmac`) does.
fn keyed<D: hmac::EagerHash>(a: &[u8], b: &[u8]) -> Hmac<D>
where
    Hmac<D>: KeyInit,
{
    use hmac::digest::{block_api::BlockSizeUser, typenum::Unsigned};
    let block = <D::Core as BlockSizeUser>::BlockSize::USIZE;
    let len = a.len().saturating_add(b.len());
    let mut buf = [0u8; MAX_BLOCK];
    let key: &[u8] = if len <= block && len <= MAX_BLOCK {
        let (head, tail) = buf.split_at_mut(a.len());
        head.copy_from_slice(a);
        if let Some(dst) = tail.get_mut(..b.len()) {
            dst.copy_from_slice(b);
        }
        buf.get(..len).unwrap_or_default()
    } else {
        let digest = D::new().chain_update(a).chain_update(b).finalize();
        let n = digest.len().min(MAX_BLOCK);
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), digest.get(..n)) {
            dst.copy_from_slice(src);
        }
        buf.get(..n).unwrap_or_default()
    };
    // HMAC accepts keys of any length, so this cannot fail; the fallback keeps it panic-free.
    <Hmac<D> as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| <Hmac<D> as KeyInit>::new(&Default::default()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use md5::Md5;

    #[test]
    fn long_and_short_keys_match_one_shot_hmac() {
        for total in [0usize, 1, 63, 64, 65, 127, 128, 129, 300] {
            let key: std::vec::Vec<u8> = (0..total).map(|i| i as u8).collect();
            for split in [0, total / 3, total] {
                let (a, b) = key.split_at(split);
                let mut ours = keyed::<Md5>(a, b);
                ours.update(b"msg");
                let mut theirs = <Hmac<Md5> as KeyInit>::new_from_slice(&key).unwrap();
                theirs.update(b"msg");
                assert_eq!(ours.finalize().into_bytes(), theirs.finalize().into_bytes());
                let mut ours = keyed::<sha2::Sha512>(a, b);
                ours.update(b"msg");
                let mut theirs = <Hmac<sha2::Sha512> as KeyInit>::new_from_slice(&key).unwrap();
                theirs.update(b"msg");
                assert_eq!(ours.finalize().into_bytes(), theirs.finalize().into_bytes());
            }
        }
    }

    #[test]
    fn algo_names_are_case_sensitive_for_wp_hash_and_not_for_hash_hmac() {
        assert_eq!(Algo::from_php_name(b"sha256"), Ok(Algo::Sha256));
        assert_eq!(Algo::from_php_name(b"SHA256"), Err(Error::UnknownAlgo));
        assert_eq!(Algo::from_hash_hmac_name(b"SHA256"), Ok(Algo::Sha256));
        assert_eq!(Algo::from_php_name(b"crc32b"), Err(Error::UnknownAlgo));
        assert_eq!(
            Algo::from_hash_hmac_name(b"crc32b"),
            Err(Error::UnknownAlgo)
        );
        assert_eq!(Algo::from_php_name(b"fnv1a64"), Err(Error::UnknownAlgo));
        assert_eq!(Algo::from_php_name(b"snefru"), Err(Error::UnsupportedAlgo));
        assert_eq!(
            Algo::from_hash_hmac_name(b"HAVAL128,3"),
            Err(Error::UnsupportedAlgo)
        );
        assert_eq!(
            Algo::from_php_name(b"whirlpool").is_ok(),
            cfg!(feature = "php-algos")
        );
        for a in Algo::all() {
            assert_eq!(Algo::from_php_name(a.php_name().as_bytes()), Ok(a));
        }
    }
}
