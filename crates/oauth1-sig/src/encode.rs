//! RFC 5849 §3.6 percent-encoding, and the two decodings parameters arrive in.

use core::fmt;

use crate::Error;

/// Byte classes: bit 0 unreserved, bit 1 allowed raw in a URL path, bit 2 allowed in a host.
// Evaluated at compile time: an index out of range would fail the build, not panic.
#[allow(clippy::indexing_slicing)]
pub(crate) const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let unreserved = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~');
        let path = unreserved
            || matches!(
                c,
                b'!' | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
                    | b'/'
                    | b'%'
            );
        let host = c > 0x20
            && c < 0x7f
            && !matches!(
                c,
                b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}'
            );
        t[b] = (unreserved as u8) | ((path as u8) << 1) | ((host as u8) << 2);
        b += 1;
    }
    t
};

/// The first `needle` in `haystack`, eight bytes at a time.
pub(crate) fn find_byte(haystack: &[u8], needle: u8) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let pattern = LO * u64::from(needle);
    let mut chunks = haystack.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])) ^ pattern;
        if (w.wrapping_sub(LO) & !w & HI) != 0 {
            return chunk.iter().position(|&b| b == needle).map(|i| base + i);
        }
        base += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == needle)
        .map(|i| base + i)
}

/// The decimal text of `n` in `buf`.
pub(crate) fn int_text(n: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    let mut v = n.unsigned_abs();
    loop {
        i -= 1;
        if let Some(b) = buf.get_mut(i) {
            *b = b'0' + (v % 10) as u8;
        }
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if n < 0 {
        i -= 1;
        if let Some(b) = buf.get_mut(i) {
            *b = b'-';
        }
    }
    buf.get(i..).unwrap_or_default()
}

/// RFC 3986 unreserved: `A-Z a-z 0-9 - . _ ~`.
#[inline]
#[must_use]
pub fn is_unreserved(b: u8) -> bool {
    CLASS.get(usize::from(b)).is_some_and(|c| c & 1 != 0)
}

const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Gathers the small pieces a writer produces (a name, `%3D`, a value…) into runs of up to
/// `N` bytes before handing them to `sink`: a hash update or a `Vec` append costs the same
/// for a 3-byte piece as for a 100-byte one.
pub(crate) struct Staged<F: FnMut(&[u8]), const N: usize> {
    sink: F,
    buf: [u8; N],
    len: usize,
}

impl<F: FnMut(&[u8]), const N: usize> Staged<F, N> {
    pub(crate) fn new(sink: F) -> Self {
        Self {
            sink,
            buf: [0u8; N],
            len: 0,
        }
    }

    #[inline(always)]
    pub(crate) fn push(&mut self, bytes: &[u8]) {
        if let Some(dst) = self.buf.get_mut(self.len..self.len + bytes.len()) {
            // Word by word: the pieces are short, where a `memcpy` call costs more than
            // the copy.
            let (words, tail) = bytes.as_chunks::<8>();
            let (dst_words, dst_tail) = dst.as_chunks_mut::<8>();
            for (d, w) in dst_words.iter_mut().zip(words) {
                *d = *w;
            }
            for (d, b) in dst_tail.iter_mut().zip(tail) {
                *d = *b;
            }
            self.len += bytes.len();
            return;
        }
        self.flush();
        if bytes.len() >= N {
            (self.sink)(bytes);
        } else if let Some(dst) = self.buf.get_mut(..bytes.len()) {
            dst.copy_from_slice(bytes);
            self.len = bytes.len();
        }
    }

    /// Hands over what is gathered; call it once at the end.
    pub(crate) fn flush(&mut self) {
        if self.len > 0 {
            (self.sink)(self.buf.get(..self.len).unwrap_or_default());
            self.len = 0;
        }
    }
}

/// Where the writers stream bytes. Closures are sinks; [`Staged`] is one whose `put` inlines
/// into the writer, so a fixed piece such as `%3D` is a few stores, not a call.
pub(crate) trait Out {
    fn put(&mut self, bytes: &[u8]);
}

impl<F: FnMut(&[u8])> Out for F {
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        self(bytes);
    }
}

impl<F: FnMut(&[u8]), const N: usize> Out for Staged<F, N> {
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        self.push(bytes);
    }
}

/// A sink that percent-encodes what it is given into another.
pub(crate) struct Encoding<'o, O: Out>(pub(crate) &'o mut O);

impl<O: Out> Out for Encoding<'_, O> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        encode_into(bytes, self.0);
    }
}

/// Streams the percent-encoding of `raw` to `out` in pieces (runs of unreserved bytes are
/// passed through whole).
pub fn encode_to(raw: &[u8], mut out: impl FnMut(&[u8])) {
    encode_into(raw, &mut out);
}

/// [`encode_to`] into any sink.
#[inline]
pub(crate) fn encode_into(raw: &[u8], out: &mut impl Out) {
    let mut run = 0;
    for (i, &b) in raw.iter().enumerate() {
        if !is_unreserved(b) {
            if let Some(r) = raw.get(run..i)
                && !r.is_empty()
            {
                out.put(r);
            }
            let hi = UPPER_HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0');
            let lo = UPPER_HEX.get(usize::from(b & 15)).copied().unwrap_or(b'0');
            out.put(&[b'%', hi, lo]);
            run = i + 1;
        }
    }
    if let Some(r) = raw.get(run..)
        && !r.is_empty()
    {
        out.put(r);
    }
}

/// Displays bytes percent-encoded (RFC 5849 §3.6).
#[derive(Clone, Copy, Debug)]
pub struct Encoded<'a>(pub &'a [u8]);

impl fmt::Display for Encoded<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut r = Ok(());
        encode_to(self.0, |piece| {
            // Every piece is ASCII.
            r = r.and_then(|()| f.write_str(core::str::from_utf8(piece).unwrap_or("")));
        });
        r
    }
}

/// How a parameter's bytes were encoded where they were found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Coding {
    /// URL query or form body: `+` is a space, `%XX` an octet, anything else itself.
    Form,
    /// Authorization header: only unreserved characters and `%XX` (already checked).
    Header,
    /// Already decoded (parameters the caller supplies).
    Plain,
}

/// The value of a hex digit (either case).
pub(crate) fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The decoded bytes of a raw, already validated parameter part.
#[derive(Clone, Debug)]
pub struct Decoded<'a> {
    raw: &'a [u8],
    coding: Coding,
}

impl<'a> Decoded<'a> {
    pub(crate) fn new(raw: &'a [u8], coding: Coding) -> Self {
        Self { raw, coding }
    }

    /// The decoding of raw bytes under `coding` (check them first with [`check`]: unchecked
    /// malformed escapes pass through as they are).
    #[must_use]
    pub fn from_raw(raw: &'a [u8], coding: Coding) -> Self {
        Self::new(raw, coding)
    }

    /// The raw bytes as they were on the wire.
    #[must_use]
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// Whether the decoded bytes equal `other`.
    #[must_use]
    pub fn eq_bytes(&self, other: &[u8]) -> bool {
        match self.coding {
            Coding::Plain => self.raw == other,
            _ if !self.raw.iter().any(|&b| b == b'%' || b == b'+') => self.raw == other,
            _ => self.clone().eq(other.iter().copied()),
        }
    }

    /// Writes the decoded bytes into `out`, returning how many.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`].
    pub fn write_to(&self, out: &mut [u8]) -> Result<usize, Error> {
        let mut n = 0;
        for b in self.clone() {
            *out.get_mut(n).ok_or(Error::BufferTooSmall)? = b;
            n += 1;
        }
        Ok(n)
    }
}

impl Iterator for Decoded<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        let (&b, rest) = self.raw.split_first()?;
        if self.coding != Coding::Plain {
            if b == b'%' {
                if let [h, l, tail @ ..] = rest
                    && let (Some(h), Some(l)) = (hex_val(*h), hex_val(*l))
                {
                    self.raw = tail;
                    return Some((h << 4) | l);
                }
            } else if b == b'+' && self.coding == Coding::Form {
                self.raw = rest;
                return Some(b' ');
            }
        }
        self.raw = rest;
        Some(b)
    }
}

/// Checks that `raw` decodes under `coding` (well-formed escapes, allowed characters) to valid
/// UTF-8.
///
/// # Errors
/// [`Error::BadPercentEncoding`], [`Error::InvalidCharacter`] (header coding only),
/// [`Error::InvalidUtf8`].
pub fn check(raw: &[u8], coding: Coding) -> Result<(), Error> {
    let mut i = 0;
    let mut plain = true;
    while let Some(&b) = raw.get(i) {
        match b {
            b'%' => {
                match (
                    raw.get(i + 1).copied().and_then(hex_val),
                    raw.get(i + 2).copied().and_then(hex_val),
                ) {
                    (Some(_), Some(_)) => {}
                    _ => return Err(Error::BadPercentEncoding),
                }
                plain = false;
                i += 3;
                continue;
            }
            _ if coding == Coding::Header && !is_unreserved(b) => {
                return Err(Error::InvalidCharacter);
            }
            _ => {}
        }
        i += 1;
    }
    let valid = if plain {
        raw.is_ascii() || core::str::from_utf8(raw).is_ok()
    } else {
        utf8_valid(Decoded::new(raw, coding))
    };
    if valid {
        Ok(())
    } else {
        Err(Error::InvalidUtf8)
    }
}

/// Streaming UTF-8 validation (rejects overlongs, surrogates and values above U+10FFFF).
pub(crate) fn utf8_valid(mut bytes: impl Iterator<Item = u8>) -> bool {
    while let Some(b) = bytes.next() {
        let (need, min_second, max_second) = match b {
            0x00..=0x7f => continue,
            0xc2..=0xdf => (1, 0x80, 0xbf),
            0xe0 => (2, 0xa0, 0xbf),
            0xed => (2, 0x80, 0x9f),
            0xe1..=0xec | 0xee..=0xef => (2, 0x80, 0xbf),
            0xf0 => (3, 0x90, 0xbf),
            0xf1..=0xf3 => (3, 0x80, 0xbf),
            0xf4 => (3, 0x80, 0x8f),
            _ => return false,
        };
        for k in 0..need {
            let (lo, hi) = if k == 0 {
                (min_second, max_second)
            } else {
                (0x80, 0xbf)
            };
            match bytes.next() {
                Some(c) if (lo..=hi).contains(&c) => {}
                _ => return false,
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;
    use std::vec::Vec;

    #[test]
    fn encoding_set() {
        assert_eq!(
            Encoded(b"a b+~*!'()%").to_string(),
            "a%20b%2B~%2A%21%27%28%29%25"
        );
        assert_eq!(Encoded("é".as_bytes()).to_string(), "%C3%A9");
    }

    #[test]
    fn decodings() {
        let d: Vec<u8> = Decoded::new(b"a+b%41%zz", Coding::Form).collect();
        assert_eq!(d, b"a bA%zz");
        let d: Vec<u8> = Decoded::new(b"a+b%41", Coding::Header).collect();
        assert_eq!(d, b"a+bA");
        assert_eq!(check(b"%zz", Coding::Form), Err(Error::BadPercentEncoding));
        assert_eq!(check(b"%4", Coding::Form), Err(Error::BadPercentEncoding));
        assert_eq!(check(b"%FF", Coding::Form), Err(Error::InvalidUtf8));
        assert_eq!(check(b"a b", Coding::Header), Err(Error::InvalidCharacter));
        assert_eq!(check(b"%C0%AF", Coding::Header), Err(Error::InvalidUtf8));
        assert_eq!(check(b"%ED%A0%80", Coding::Header), Err(Error::InvalidUtf8));
        assert_eq!(check("é[|".as_bytes(), Coding::Form), Ok(()));
    }
}
