//! PHP's `json_decode()` as php-jwt calls it (objects, depth 512, `JSON_BIGINT_AS_STRING`),
//! without building anything: one pass validates the text exactly as PHP's scanner and parser
//! do (same errors, in the same order) and keeps the values found at a few key paths, the last
//! one of a duplicated key winning. No allocation, no recursion.

use core::fmt;

/// Why PHP's `json_decode()` failed, as php-jwt reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JsonError {
    /// `JSON_ERROR_DEPTH`: 512 or more nested arrays and objects.
    Depth,
    /// `JSON_ERROR_CTRL_CHAR`: a control character in a string (or an unterminated one).
    CtrlChar,
    /// `JSON_ERROR_SYNTAX`.
    Syntax,
    /// `JSON_ERROR_UTF8`.
    Utf8,
    /// `JSON_ERROR_INVALID_PROPERTY_NAME` (9): an object key starting with U+0000.
    InvalidPropertyName,
    /// `JSON_ERROR_UTF16` (10): a lone surrogate or a broken `\u` escape.
    Utf16,
}

impl JsonError {
    /// php-jwt's message.
    #[must_use]
    pub const fn message(self) -> &'static str {
        match self {
            Self::Depth => "Maximum stack depth exceeded",
            Self::CtrlChar => "Unexpected control character found",
            Self::Syntax => "Syntax error, malformed JSON",
            Self::Utf8 => "Malformed UTF-8 characters",
            Self::InvalidPropertyName => "Unknown JSON error: 9",
            Self::Utf16 => "Unknown JSON error: 10",
        }
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// A decoded JSON value, borrowed from the text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer within `i64`.
    Int(i64),
    /// A number with a fraction or an exponent (`1e400` is infinite, as in PHP).
    Float(f64),
    /// An integer beyond `i64`: PHP keeps its digits as a string (`JSON_BIGINT_AS_STRING`).
    BigInt(&'a [u8]),
    /// A string: the text between the quotes, escapes not yet decoded (see [`Unescaped`]).
    Str(&'a [u8]),
    /// An array: its whole text.
    Array(&'a [u8]),
    /// An object: its whole text.
    Object(&'a [u8]),
}

impl<'a> Value<'a> {
    /// The string's bytes as PHP holds them (a string or a big integer's digits).
    #[must_use]
    pub fn string(&self) -> Option<Unescaped<'a>> {
        match *self {
            Self::Str(raw) => Some(Unescaped::new(raw)),
            Self::BigInt(digits) => Some(Unescaped::plain(digits)),
            _ => None,
        }
    }

    /// Whether the value is a string equal to `bytes`.
    #[must_use]
    pub fn str_eq(&self, bytes: &[u8]) -> bool {
        self.string().is_some_and(|s| s.eq_bytes(bytes))
    }

    /// PHP's `empty()`: `null`, `false`, `0`, `0.0`, `""`, `"0"`, an empty array (an object is
    /// never empty).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        match *self {
            Self::Null => true,
            Self::Bool(b) => !b,
            Self::Int(i) => i == 0,
            Self::Float(f) => f == 0.0,
            Self::BigInt(_) => false,
            Self::Str(raw) => {
                let mut s = Unescaped::new(raw);
                matches!((s.next(), s.next()), (None, _) | (Some(b'0'), None))
            }
            Self::Array(text) => is_empty_container(text),
            Self::Object(_) => false,
        }
    }
}

/// `[` whitespace `]`.
fn is_empty_container(text: &[u8]) -> bool {
    text.get(1..text.len().saturating_sub(1))
        .is_some_and(|inner| inner.iter().all(|&b| is_ws(b)))
}

/// The bytes of a validated JSON string, escapes decoded (UTF-8).
#[derive(Clone, Debug)]
pub struct Unescaped<'a> {
    raw: &'a [u8],
    pending: [u8; 4],
    pending_len: u8,
    pending_at: u8,
    escapes: bool,
}

impl<'a> Unescaped<'a> {
    fn new(raw: &'a [u8]) -> Self {
        Self {
            raw,
            pending: [0; 4],
            pending_len: 0,
            pending_at: 0,
            escapes: true,
        }
    }

    fn plain(raw: &'a [u8]) -> Self {
        Self {
            escapes: false,
            ..Self::new(raw)
        }
    }

    /// Whether the decoded bytes equal `other`.
    #[must_use]
    pub fn eq_bytes(self, other: &[u8]) -> bool {
        let mut it = other.iter();
        for b in self {
            if it.next() != Some(&b) {
                return false;
            }
        }
        it.next().is_none()
    }

    fn hex4(s: &[u8]) -> u32 {
        s.iter().take(4).fold(0, |v, &b| {
            v * 16
                + match b {
                    b'0'..=b'9' => u32::from(b - b'0'),
                    b'a'..=b'f' => u32::from(b - b'a' + 10),
                    b'A'..=b'F' => u32::from(b - b'A' + 10),
                    _ => 0,
                }
        })
    }
}

impl Iterator for Unescaped<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        if self.pending_at < self.pending_len {
            let b = self.pending.get(usize::from(self.pending_at)).copied();
            self.pending_at += 1;
            return b;
        }
        let (&b, rest) = self.raw.split_first()?;
        if b != b'\\' || !self.escapes {
            self.raw = rest;
            return Some(b);
        }
        let (&e, rest) = rest.split_first()?;
        self.raw = rest;
        let simple = match e {
            b'b' => Some(0x08),
            b'f' => Some(0x0c),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'u' => None,
            other => Some(other),
        };
        if let Some(s) = simple {
            return Some(s);
        }
        let mut cp = Self::hex4(self.raw);
        self.raw = self.raw.get(4..).unwrap_or_default();
        if (0xD800..0xDC00).contains(&cp) {
            // Validated: a low surrogate escape follows.
            let low = Self::hex4(self.raw.get(2..).unwrap_or_default());
            self.raw = self.raw.get(6..).unwrap_or_default();
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF);
        }
        let c = char::from_u32(cp).unwrap_or('\u{FFFD}');
        let n = c.encode_utf8(&mut self.pending).len();
        self.pending_len = u8::try_from(n).unwrap_or(0);
        self.pending_at = 1;
        self.pending.first().copied()
    }
}

/// JSON whitespace.
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// What kind of value the whole text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Top {
    /// `null`.
    Null,
    /// An object.
    Object,
    /// An array.
    Array,
    /// Anything else (a number, a string, a boolean).
    Scalar,
}

/// The deepest nesting PHP accepts here: 511 arrays and objects.
const MAX_DEPTH: usize = 511;

/// Key paths to capture (each up to four keys deep) and, per path, the last value found there.
pub struct Captures<'p, 'a> {
    paths: &'p [&'p [&'p [u8]]],
    values: &'p mut [Option<Value<'a>>],
    /// A key on a captured path appeared twice in one object.
    duplicate: bool,
}

impl<'p, 'a> Captures<'p, 'a> {
    /// Captures the values at `paths` into `values` (one slot per path, cleared first).
    pub fn new(paths: &'p [&'p [&'p [u8]]], values: &'p mut [Option<Value<'a>>]) -> Self {
        for v in values.iter_mut() {
            *v = None;
        }
        Self {
            paths,
            values,
            duplicate: false,
        }
    }

    /// Whether a key on one of the paths appeared twice in the same object (PHP keeps the
    /// last; a strict reader refuses the text).
    #[must_use]
    pub fn duplicate(&self) -> bool {
        self.duplicate
    }
}

/// A bit per path (at most 16 paths).
type Mask = u16;

/// Per nesting level (the first four): the paths still matching inside it.
const TRACKED: usize = 5;

struct Parser<'c, 'p, 'a> {
    text: &'a [u8],
    pos: usize,
    caps: &'c mut Captures<'p, 'a>,
    /// Per path: the container depth and start of a capture still open.
    open: [Option<(usize, usize)>; 16],
    /// Per tracked level: the paths whose key the current object already had.
    seen: [Mask; TRACKED],
}

/// Validates `text` as PHP's `json_decode()` and captures the values at `caps`' paths.
///
/// # Errors
/// The first error PHP reports, as it reports it.
pub fn decode<'a>(text: &'a [u8], caps: &mut Captures<'_, 'a>) -> Result<Top, JsonError> {
    let mut parser = Parser {
        text,
        pos: 0,
        caps,
        open: [None; 16],
        seen: [0; TRACKED],
    };
    parser.run()
}

impl<'a> Parser<'_, '_, 'a> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(is_ws) {
            self.pos += 1;
        }
    }

    /// The scanner's verdict on a byte that starts no token: a NUL is a control character, a
    /// valid UTF-8 character a syntax error, anything else malformed UTF-8.
    fn stray(&self) -> JsonError {
        let rest = self.text.get(self.pos..).unwrap_or_default();
        match rest.first() {
            None => JsonError::Syntax,
            Some(0) => JsonError::CtrlChar,
            Some(_) => {
                if utf8_char_len(rest).is_some() {
                    JsonError::Syntax
                } else {
                    JsonError::Utf8
                }
            }
        }
    }

    fn run(&mut self) -> Result<Top, JsonError> {
        // Per depth: the frame kind (bit set = object), up to MAX_DEPTH.
        let mut frames = [0u64; MAX_DEPTH.div_ceil(64)];
        let mut depth = 0usize;
        // Paths still matching at each of the first levels; level 0 is the top value.
        let mut masks: [Mask; TRACKED] = [0; TRACKED];
        masks[0] = if self.caps.paths.is_empty() {
            0
        } else {
            Mask::MAX >> (16 - self.caps.paths.len().min(16))
        };
        // The mask for the value about to be parsed, and where its capture goes.
        let mut value_mask: Mask = masks[0];
        let mut value_level = 0usize;
        let mut pending_key_error = false;
        let mut top = Top::Scalar;
        self.skip_ws();
        loop {
            // A value.
            let start = self.pos;
            let b = self.peek();
            let opened = match b {
                Some(b'{') | Some(b'[') => {
                    if depth >= MAX_DEPTH {
                        return Err(JsonError::Depth);
                    }
                    let object = b == Some(b'{');
                    if let Some(w) = frames.get_mut(depth / 64) {
                        let bit = 1u64 << (depth % 64);
                        *w = if object { *w | bit } else { *w & !bit };
                    }
                    depth += 1;
                    if depth == 1 {
                        top = if object { Top::Object } else { Top::Array };
                    }
                    self.pos += 1;
                    // Children of an array match no key path; of an object, those still
                    // matching here.
                    if let Some(m) = masks.get_mut(depth) {
                        *m = if object { value_mask } else { 0 };
                    }
                    if let Some(seen) = self.seen.get_mut(depth) {
                        *seen = 0;
                    }
                    self.begin_container(value_mask, value_level, depth, start);
                    true
                }
                _ => {
                    let v = self.scalar()?;
                    if depth == 0 && matches!(v, Value::Null) {
                        top = Top::Null;
                    }
                    self.capture(value_mask, value_level, v);
                    false
                }
            };
            if pending_key_error && !opened {
                return Err(JsonError::InvalidPropertyName);
            }
            // After a value (or an opening bracket): what comes next.
            let mut just_opened = opened;
            loop {
                self.skip_ws();
                if depth == 0 {
                    return if self.pos == self.text.len() {
                        Ok(top)
                    } else {
                        Err(self.stray())
                    };
                }
                let in_object = frames
                    .get((depth - 1) / 64)
                    .is_some_and(|w| w & (1 << ((depth - 1) % 64)) != 0);
                let close = if in_object { b'}' } else { b']' };
                match self.peek() {
                    Some(c) if c == close => {
                        self.pos += 1;
                        self.end_container(depth);
                        depth -= 1;
                        if pending_key_error {
                            return Err(JsonError::InvalidPropertyName);
                        }
                        just_opened = false;
                        continue;
                    }
                    Some(b',') if !just_opened => {
                        self.pos += 1;
                        self.skip_ws();
                    }
                    _ if just_opened => {}
                    Some(b'"') | None | Some(_) => {
                        // Something other than `,` or the closing bracket after a value.
                        return Err(self.token_error());
                    }
                }
                // The next element: in an object a key and a colon first.
                let parent_mask = masks.get(depth).copied().unwrap_or(0);
                if in_object {
                    if self.peek() != Some(b'"') {
                        return Err(self.token_error());
                    }
                    let key = self.string()?;
                    self.skip_ws();
                    if self.peek() != Some(b':') {
                        return Err(self.token_error());
                    }
                    self.pos += 1;
                    self.skip_ws();
                    pending_key_error = Unescaped::new(key).next() == Some(0);
                    let (mask, level) = self.key_mask(parent_mask, depth, key);
                    value_mask = mask;
                    value_level = level;
                } else {
                    value_mask = 0;
                    value_level = depth;
                }
                break;
            }
        }
    }

    /// The error for an unexpected token at the current position: the scanner's, if the token
    /// itself is malformed, else a syntax error.
    fn token_error(&mut self) -> JsonError {
        match self.peek() {
            None => JsonError::Syntax,
            Some(b'"') => match self.string() {
                Err(e) => e,
                Ok(_) => JsonError::Syntax,
            },
            Some(b'{' | b'}' | b'[' | b']' | b',' | b':') => JsonError::Syntax,
            Some(b't' | b'f' | b'n' | b'-' | b'0'..=b'9') => match self.scalar() {
                Err(e) => e,
                Ok(_) => JsonError::Syntax,
            },
            Some(_) => self.stray(),
        }
    }

    /// The paths continuing through `key` at `depth`, and resets of what they captured before
    /// (a repeated key replaces its earlier value).
    fn key_mask(&mut self, parent: Mask, depth: usize, key: &[u8]) -> (Mask, usize) {
        let mut mask: Mask = 0;
        if parent == 0 {
            return (0, depth);
        }
        let escaped = key.contains(&b'\\');
        for (i, path) in self.caps.paths.iter().enumerate().take(16) {
            let bit = 1 << i;
            if parent & bit == 0 {
                continue;
            }
            if path.get(depth - 1).is_some_and(|k| {
                if escaped {
                    Unescaped::new(key).eq_bytes(k)
                } else {
                    *k == key
                }
            }) {
                mask |= bit;
                if let Some(slot) = self.caps.values.get_mut(i) {
                    *slot = None;
                }
            }
        }
        if let Some(seen) = self.seen.get_mut(depth) {
            // Two keys of one object on the same path: a repeated key.
            if *seen & mask != 0 {
                self.caps.duplicate = true;
            }
            *seen |= mask;
        }
        (mask, depth)
    }

    fn capture(&mut self, mask: Mask, level: usize, v: Value<'a>) {
        if mask == 0 {
            return;
        }
        for (i, path) in self.caps.paths.iter().enumerate().take(16) {
            if mask & (1 << i) != 0
                && path.len() == level
                && let Some(slot) = self.caps.values.get_mut(i)
            {
                *slot = Some(v);
            }
        }
    }

    /// Containers captured whole are recorded when they close; remember where they start.
    fn begin_container(&mut self, mask: Mask, level: usize, depth: usize, start: usize) {
        if mask == 0 {
            return;
        }
        for (i, path) in self.caps.paths.iter().enumerate().take(16) {
            if mask & (1 << i) != 0
                && path.len() == level
                && let Some(o) = self.open.get_mut(i)
            {
                *o = Some((depth, start));
            }
        }
    }

    /// The container at `depth` closed: complete the captures that opened with it.
    fn end_container(&mut self, depth: usize) {
        let end = self.pos;
        for (i, o) in self.open.iter_mut().enumerate() {
            if let Some((d, start)) = *o
                && d == depth
            {
                *o = None;
                let whole = self.text.get(start..end).unwrap_or_default();
                if let Some(slot) = self.caps.values.get_mut(i) {
                    *slot = Some(if whole.first() == Some(&b'{') {
                        Value::Object(whole)
                    } else {
                        Value::Array(whole)
                    });
                }
            }
        }
    }

    /// A string token: the bytes between the quotes (validated).
    fn string(&mut self) -> Result<&'a [u8], JsonError> {
        let text = self.text;
        let start = self.pos + 1;
        let mut i = start;
        loop {
            // Plain ASCII runs (no quote, backslash, control character or non-ASCII byte)
            // are skipped a word at a time.
            use crate::b64::swar::{find, has_byte, has_high, has_less};
            i = find(
                text,
                i,
                |w| has_less(w, 0x20) || has_byte(w, b'"') || has_byte(w, b'\\') || has_high(w),
                |b| b < 0x20 || b == b'"' || b == b'\\' || b >= 0x80,
            )
            .unwrap_or(text.len());
            let Some(&b) = text.get(i) else {
                // PHP's scanner meets the terminating NUL: a control character.
                return Err(JsonError::CtrlChar);
            };
            match b {
                b'"' => {
                    self.pos = i + 1;
                    return Ok(text.get(start..i).unwrap_or_default());
                }
                0..=0x1f => return Err(JsonError::CtrlChar),
                b'\\' => {
                    let e = text.get(i + 1).copied();
                    match e {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                        Some(b'u') => {
                            let cp = hex4(text.get(i + 2..i + 6)).ok_or(JsonError::Utf16)?;
                            if (0xD800..0xDC00).contains(&cp) {
                                let low = if text.get(i + 6..i + 8) == Some(b"\\u") {
                                    hex4(text.get(i + 8..i + 12))
                                } else {
                                    None
                                };
                                match low {
                                    Some(l) if (0xDC00..0xE000).contains(&l) => i += 12,
                                    _ => return Err(JsonError::Utf16),
                                }
                            } else if (0xDC00..0xE000).contains(&cp) {
                                return Err(JsonError::Utf16);
                            } else {
                                i += 6;
                            }
                        }
                        None => return Err(JsonError::CtrlChar),
                        Some(_) => return Err(JsonError::Syntax),
                    }
                }
                0x20..=0x7f => i += 1,
                _ => match utf8_char_len(text.get(i..).unwrap_or_default()) {
                    Some(n) => i += n,
                    None => return Err(JsonError::Utf8),
                },
            }
        }
    }

    /// A scalar token: a literal, a number or a string.
    fn scalar(&mut self) -> Result<Value<'a>, JsonError> {
        let text = self.text;
        let rest = text.get(self.pos..).unwrap_or_default();
        for (lit, v) in [
            (&b"true"[..], Value::Bool(true)),
            (b"false", Value::Bool(false)),
            (b"null", Value::Null),
        ] {
            if rest.starts_with(lit) {
                self.pos += lit.len();
                return Ok(v);
            }
        }
        match rest.first() {
            Some(b'"') => self.string().map(Value::Str),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.stray()),
        }
    }

    fn number(&mut self) -> Result<Value<'a>, JsonError> {
        let text = self.text;
        let start = self.pos;
        let at = |i: usize| text.get(i).copied().unwrap_or(0);
        let mut i = start + usize::from(at(start) == b'-');
        match at(i) {
            b'0' => i += 1,
            b'1'..=b'9' => {
                while at(i).is_ascii_digit() {
                    i += 1;
                }
            }
            // `-` alone: the scanner's syntax error.
            _ => return Err(JsonError::Syntax),
        }
        let mut float = false;
        if at(i) == b'.' && at(i + 1).is_ascii_digit() {
            float = true;
            i += 1;
            while at(i).is_ascii_digit() {
                i += 1;
            }
        }
        if matches!(at(i), b'e' | b'E') {
            let sign = usize::from(matches!(at(i + 1), b'+' | b'-'));
            if at(i + 1 + sign).is_ascii_digit() {
                float = true;
                i += 1 + sign;
                while at(i).is_ascii_digit() {
                    i += 1;
                }
            }
        }
        self.pos = i;
        let s = text.get(start..i).unwrap_or_default();
        let as_str = core::str::from_utf8(s).unwrap_or("0");
        if float {
            return Ok(Value::Float(as_str.parse().unwrap_or(0.0)));
        }
        Ok(match as_str.parse::<i64>() {
            Ok(v) => Value::Int(v),
            Err(_) => Value::BigInt(s),
        })
    }
}

fn hex4(s: Option<&[u8]>) -> Option<u32> {
    let s = s?;
    if s.len() != 4 || !s.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    Some(Unescaped::hex4(s))
}

/// The length of the valid UTF-8 character at the start of `s` (PHP's scanner rules: no
/// overlongs, no surrogates, up to U+10FFFF).
fn utf8_char_len(s: &[u8]) -> Option<usize> {
    let b0 = *s.first()?;
    let n = match b0 {
        0x00..=0x7f => return Some(1),
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return None,
    };
    let c = core::str::from_utf8(s.get(..n)?).ok()?;
    c.chars().next().map(char::len_utf8)
}
