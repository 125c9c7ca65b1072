//! PHP's `unserialize()` for the data WordPress keeps in user meta: strings, integers,
//! floats (as their text), booleans, `null` and arrays, read without allocating; objects and
//! references are refused.
//!
//! ```
//! use wp_php::{ArrayKey, unserialize::{unserialize, Value}};
//!
//! let Value::Array(a) = unserialize(b"a:2:{i:0;s:1:\"x\";s:3:\"key\";b:1;}").unwrap() else { panic!() };
//! let mut it = a.iter();
//! assert_eq!(it.next(), Some((ArrayKey::Int(0), Value::Str(b"x"))));
//! assert_eq!(a.get(b"key"), Some(Value::Bool(true)));
//! ```

use crate::{ArrayKey, Error};

/// PHP's `unserialize_max_depth` (its default): a non-empty array inside this many non-empty
/// arrays is refused (empty arrays do not count).
pub const MAX_DEPTH: usize = 4096;

/// A value in PHP serialized data, borrowed from the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value<'a> {
    /// `i:<n>;`
    Int(i64),
    /// `s:<len>:"...";`
    Str(&'a [u8]),
    /// `b:0;` / `b:1;`
    Bool(bool),
    /// `N;`
    Null,
    /// `d:<text>;`, kept as its text.
    Float(&'a [u8]),
    /// `a:<n>:{...}`
    Array(Array<'a>),
}

/// A PHP array in serialized data (already checked; iterate it with [`Array::iter`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Array<'a> {
    body: &'a [u8],
    len: usize,
}

impl<'a> Array<'a> {
    /// The number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it has no entries.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The entries in stored order.
    pub fn iter(self) -> impl Iterator<Item = (ArrayKey<'a>, Value<'a>)> + 'a {
        let mut rest = self.body;
        let mut left = self.len;
        core::iter::from_fn(move || {
            if left == 0 {
                return None;
            }
            left -= 1;
            let (k, r) = parse_value(rest).ok()?;
            let (v, r) = parse_value(r).ok()?;
            rest = r;
            let key = match k {
                Value::Int(i) => ArrayKey::Int(i),
                Value::Str(s) => ArrayKey::Str(s),
                _ => return None,
            };
            Some((key, v))
        })
    }

    /// The value stored under a string key.
    #[must_use]
    pub fn get(&self, key: &[u8]) -> Option<Value<'a>> {
        self.iter()
            .find(|(k, _)| *k == ArrayKey::Str(key))
            .map(|(_, v)| v)
    }
}

fn expect<'a>(input: &'a [u8], lit: &[u8]) -> Result<&'a [u8], Error> {
    input.strip_prefix(lit).ok_or(Error::Unserialize)
}

/// A decimal integer up to `end`, PHP-serialize style (optional sign, digits).
fn int_until(input: &[u8], end: u8) -> Result<(i64, &[u8]), Error> {
    let stop = input
        .iter()
        .position(|&b| b == end)
        .ok_or(Error::Unserialize)?;
    let text = input.get(..stop).ok_or(Error::Unserialize)?;
    let digits = text
        .strip_prefix(b"-")
        .or_else(|| text.strip_prefix(b"+"))
        .unwrap_or(text);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(Error::Unserialize);
    }
    let v = core::str::from_utf8(text)
        .ok()
        .and_then(|t| t.parse::<i64>().ok())
        .ok_or(Error::Unserialize)?;
    Ok((v, input.get(stop + 1..).unwrap_or_default()))
}

/// A scalar at the start of `input` and what follows it; `None` for an array.
fn scalar(input: &[u8]) -> Result<Option<(Value<'_>, &[u8])>, Error> {
    Ok(Some(match input.get(..2) {
        Some(b"N;") => (Value::Null, input.get(2..).unwrap_or_default()),
        Some(b"i:") => {
            let (v, rest) = int_until(input.get(2..).unwrap_or_default(), b';')?;
            (Value::Int(v), rest)
        }
        Some(b"b:") => match input.get(2..4) {
            Some(b"0;") => (Value::Bool(false), input.get(4..).unwrap_or_default()),
            Some(b"1;") => (Value::Bool(true), input.get(4..).unwrap_or_default()),
            _ => return Err(Error::Unserialize),
        },
        Some(b"d:") => {
            let body = input.get(2..).unwrap_or_default();
            let stop = body
                .iter()
                .position(|&b| b == b';')
                .ok_or(Error::Unserialize)?;
            let text = body.get(..stop).unwrap_or_default();
            if text.is_empty() {
                return Err(Error::Unserialize);
            }
            (Value::Float(text), body.get(stop + 1..).unwrap_or_default())
        }
        Some(b"s:") => {
            let (len, rest) = int_until(input.get(2..).unwrap_or_default(), b':')?;
            let len = usize::try_from(len).map_err(|_| Error::Unserialize)?;
            let rest = expect(rest, b"\"")?;
            let s = rest.get(..len).ok_or(Error::Unserialize)?;
            let rest = expect(rest.get(len..).unwrap_or_default(), b"\";")?;
            (Value::Str(s), rest)
        }
        Some(b"a:") => return Ok(None),
        _ => return Err(Error::Unserialize),
    }))
}

/// `a:<n>:{` at the start of `input`: the count of values inside (two per entry) and the
/// body. A count the rest of the input cannot hold (a key and a value take at least six
/// bytes) is refused before anything is done with it.
fn array_open(input: &[u8]) -> Result<(u32, &[u8]), Error> {
    let (n, rest) = int_until(input.get(2..).unwrap_or_default(), b':')?;
    let n = usize::try_from(n).map_err(|_| Error::Unserialize)?;
    let body = expect(rest, b"{")?;
    if n > body.len() / 6 {
        return Err(Error::Unserialize);
    }
    u32::try_from(2 * n)
        .map(|v| (v, body))
        .map_err(|_| Error::Unserialize)
}

/// Why a scan with a small stack gave up: the nesting went deeper than it holds.
enum Scan<'a> {
    Done(Value<'a>, &'a [u8]),
    Deeper,
}

/// One serialized value at the start of `input`, and what follows it: without recursion,
/// with a stack of `N` levels of still-expected values (an array's `a:n:{` says how many).
fn scan<const N: usize>(input: &[u8]) -> Result<Scan<'_>, Error> {
    if let Some((v, rest)) = scalar(input)? {
        return Ok(Scan::Done(v, rest));
    }
    let (values, body) = array_open(input)?;
    let mut left = [0u32; N];
    let mut depth = 0;
    let mut pos = body;
    if values > 0 {
        *left.get_mut(0).ok_or(Error::Unserialize)? = values;
        depth = 1;
    }
    while depth > 0 {
        let Some(level) = left.get_mut(depth - 1) else {
            return Err(Error::Unserialize);
        };
        if *level == 0 {
            pos = expect(pos, b"}")?;
            depth -= 1;
            continue;
        }
        // An even count left at this level: a key comes next.
        let key = *level % 2 == 0;
        *level -= 1;
        match scalar(pos)? {
            Some((Value::Int(_) | Value::Str(_), rest)) => pos = rest,
            Some((_, rest)) if !key => pos = rest,
            _ if key => return Err(Error::Unserialize),
            _ => {
                let (inner, rest) = array_open(pos)?;
                pos = rest;
                if inner == 0 {
                    pos = expect(pos, b"}")?;
                } else if depth >= MAX_DEPTH {
                    return Err(Error::Unserialize);
                } else {
                    match left.get_mut(depth) {
                        Some(next) => *next = inner,
                        None => return Ok(Scan::Deeper),
                    }
                    depth += 1;
                }
            }
        }
    }
    // Every level's `}` was read, the outermost one's too (at once for an empty array).
    if values == 0 {
        pos = expect(pos, b"}")?;
    }
    let used = body.len() - pos.len() - 1;
    let rest = pos;
    Ok(Scan::Done(
        Value::Array(Array {
            body: body.get(..used).unwrap_or_default(),
            len: (values / 2) as usize,
        }),
        rest,
    ))
}

/// One serialized value at the start of `input`, and what follows it. Nesting is read with
/// a 32-level stack first (what real meta needs), and only input nested deeper is read again
/// with a stack of [`MAX_DEPTH`] levels (16 KiB).
fn parse_value(input: &[u8]) -> Result<(Value<'_>, &[u8]), Error> {
    match scan::<32>(input)? {
        Scan::Done(v, rest) => Ok((v, rest)),
        Scan::Deeper => match scan::<MAX_DEPTH>(input)? {
            Scan::Done(v, rest) => Ok((v, rest)),
            Scan::Deeper => Err(Error::Unserialize),
        },
    }
}

/// Parses one complete PHP `serialize()` value (nothing may follow it).
///
/// # Errors
/// [`Error::Unserialize`] for anything else, objects and references included.
pub fn unserialize(input: &[u8]) -> Result<Value<'_>, Error> {
    match parse_value(input)? {
        (v, b"") => Ok(v),
        _ => Err(Error::Unserialize),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialized_reader_rejects_garbage() {
        for bad in [
            &b""[..],
            b"a:1:{",
            b"s:5:\"abc\";",
            b"i:;",
            b"a:1:{i:0;i:1;}x",
            b"O:8:\"stdClass\":0:{}",
            b"a:-1:{}",
            b"a:1:{a:0:{}i:1;}",
        ] {
            assert_eq!(unserialize(bad), Err(Error::Unserialize), "{bad:?}");
        }
        assert_eq!(unserialize(b"s:0:\"\";"), Ok(Value::Str(b"")));
    }

    /// `a:1:{i:0;…}` around `inner`, `levels` times.
    fn nested(levels: usize, inner: &str) -> std::string::String {
        let mut s = std::string::String::from(inner);
        for _ in 0..levels {
            s = std::format!("a:1:{{i:0;{s}}}");
        }
        s
    }

    #[test]
    fn nesting_is_read_to_php_s_depth_limit_without_recursion() {
        // PHP 8 (unserialize_max_depth 4096): 4096 non-empty levels are read, 4097 are not;
        // empty arrays do not count.
        for (levels, inner, ok) in [
            (33, "i:1;", true),
            (4095, "i:1;", true),
            (4096, "i:1;", true),
            (4096, "a:0:{}", true),
            (4097, "i:1;", false),
            (4097, "a:0:{}", false),
            (100_000, "i:1;", false),
        ] {
            let s = nested(levels, inner);
            assert_eq!(
                unserialize(s.as_bytes()).is_ok(),
                ok,
                "{levels} levels of {inner}"
            );
        }
        // Reading a deep value's entries walks each level once.
        let s = nested(4000, "s:1:\"x\";");
        let mut v = unserialize(s.as_bytes()).unwrap();
        let mut levels = 0;
        while let Value::Array(a) = v {
            v = a.iter().next().unwrap().1;
            levels += 1;
        }
        assert_eq!((levels, v), (4000, Value::Str(b"x")));
        // Counts the input cannot hold are refused before they are used.
        assert_eq!(unserialize(b"a:99999999999:{}"), Err(Error::Unserialize));
        assert_eq!(unserialize(b"a:2:{i:0;i:1;}"), Err(Error::Unserialize));
    }
}
