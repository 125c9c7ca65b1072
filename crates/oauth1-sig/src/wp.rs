//! The WordPress OAuth1 server plugin's behaviour (WP-API/OAuth1 0.4.4), opt-in.
//!
//! The default API of this crate follows RFC 5849. A service that must accept exactly the
//! requests a WordPress site running the plugin accepts — and compute the same base string —
//! uses this module instead. Every difference (W1–W14 in the README) is reproduced here:
//!
//! - W1–W3: [`parse_header`] recognises only `OAuth ` (exact case, one space), extracts
//!   `oauth_[a-z_-]*=` by pattern anywhere in the value, `urldecode`s values (`+` is a space),
//!   reads a quoted `"0"` as empty, and keeps the last of repeated names.
//! - W4, W5, W7, W9: query and form body are read the way PHP fills `$_GET` and `$_POST`
//!   (names `urldecode`d, leading spaces dropped, `.` and space turned into `_`, an unclosed
//!   `[` into `_`, empty names dropped, the first 1,000 variables only, repeated names: last
//!   wins; the body only on POST), merged with `array_merge` (integer names renumbered, twice).
//! - W8: every name and value is `rawurldecode`d once more before encoding.
//! - W10: the base string URI comes from the site's `home` option and `is_ssl()`.
//! - W11: the signing key is `consumer_secret&token_secret`, not percent-encoded.
//! - W12: HMAC-SHA1 and HMAC-SHA256 only; `oauth_version` is not looked at.
//! - W13: required parameters are tested with PHP's `empty()`; none at all means "not OAuth".
//! - W14: the ±900 s window with PHP's loose comparison; nonces are the caller's (see
//!   [`WpSigned::verify`]).
//!
//! - W6: PHP array parameters (`a[]=1&a[]=2`, `a[x][y]=3`) are built as PHP builds them and
//!   signed as the plugin signs them: `a[0]`, `a[1]`, `a[x][y]`, members in request order,
//!   only top-level names sorted.
//!
//! - W9 also covers multipart bodies on POST: their text fields are read as PHP's multipart
//!   handler reads them ([`parse_multipart`]) and signed; file parts are not.
//!
//! Refused with [`WpError::Unsupported`] instead of signed differently: protocol parameters
//! sent as PHP arrays (the plugin would sign the string `Array`). [`parse_str`] and
//! [`parse_multipart`] — PHP's reading of queries, form bodies and multipart bodies — are
//! checked live against PHP itself.

use hmac::{Hmac, KeyInit as _, Mac as _};
use sha1::Sha1;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::encode::{encode_to, hex_val, int_text};
use crate::signature::{Method, Request};

/// What PHP and the plugin would do, but this module does not reproduce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Unsupported {
    /// An `oauth_*` parameter sent as a PHP array (the plugin would sign the string `Array`).
    ArrayParameter,
    /// A multipart part whose `Content-Disposition` header is longer than this module reads
    /// (1,024 bytes): refused rather than read cut short.
    LongPartHeader,
}

/// The plugin's errors (its `WP_Error` codes), and what this module cannot reproduce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WpError {
    /// `json_oauth1_missing_parameter` (some but not all required parameters).
    MissingParameter,
    /// `rest_oauth1_unknown_http_method`.
    UnknownHttpMethod,
    /// `json_oauth1_invalid_signature_method`.
    InvalidSignatureMethod,
    /// `json_oauth1_signature_mismatch`.
    SignatureMismatch,
    /// `json_oauth1_invalid_timestamp`.
    InvalidTimestamp,
    /// `json_oauth1_nonce_already_used`.
    NonceAlreadyUsed,
    /// The request needs behaviour this module does not reproduce.
    Unsupported(Unsupported),
    /// The caller's parameter or byte buffer is too small for the request.
    Capacity,
}

impl WpError {
    /// The plugin's error code (`oauth1_sig_unsupported` / `oauth1_sig_capacity` for the two
    /// this module adds).
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::MissingParameter => "json_oauth1_missing_parameter",
            Self::UnknownHttpMethod => "rest_oauth1_unknown_http_method",
            Self::InvalidSignatureMethod => "json_oauth1_invalid_signature_method",
            Self::SignatureMismatch => "json_oauth1_signature_mismatch",
            Self::InvalidTimestamp => "json_oauth1_invalid_timestamp",
            Self::NonceAlreadyUsed => "json_oauth1_nonce_already_used",
            Self::Unsupported(_) => "oauth1_sig_unsupported",
            Self::Capacity => "oauth1_sig_capacity",
        }
    }

    /// The HTTP status the plugin answers with (401 for all of its own).
    #[must_use]
    pub fn status(self) -> u16 {
        match self {
            Self::Unsupported(_) | Self::Capacity => 400,
            _ => 401,
        }
    }
}

impl core::fmt::Display for WpError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.code())
    }
}

impl core::error::Error for WpError {}

/// The site settings the plugin builds the base string URI from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Site<'s> {
    /// The `home` option, e.g. `http://example.com` or `https://example.com/blog`.
    pub home: &'s [u8],
    /// `is_ssl()` for this request (what PHP saw, not what the client used).
    pub is_ssl: bool,
}

/// A PHP array key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key<'a> {
    /// An integer key (a name such as `5`).
    Int(i64),
    /// A string key.
    Str(&'a [u8]),
}

/// One leaf of a PHP array: a parameter after PHP's and the plugin's reading (values
/// decoded). Members of a PHP array parameter (`a[]=1&a[x]=2`) are consecutive entries with
/// the same top-level key and their index path (`[0]`, `[x]`).
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    /// The top-level name.
    pub key: Key<'a>,
    /// The index path below it (`[k1][k2]…`), empty for a plain parameter.
    pub path: &'a [u8],
    /// The value.
    pub value: &'a [u8],
    /// Its place in the array being built (high 32 bits: the group, low: the member), so that
    /// merges can sort by key and then restore PHP's order.
    order: u64,
}

impl PartialEq for Entry<'_> {
    fn eq(&self, other: &Self) -> bool {
        (self.key, self.path, self.value) == (other.key, other.path, other.value)
    }
}

impl Eq for Entry<'_> {}

impl<'a> Entry<'a> {
    /// A placeholder to fill the caller's buffer with.
    pub const EMPTY: Entry<'static> = Entry::new(Key::Int(0), b"", b"");

    /// An entry.
    #[must_use]
    pub const fn new(key: Key<'a>, path: &'a [u8], value: &'a [u8]) -> Self {
        Self {
            key,
            path,
            value,
            order: 0,
        }
    }
}

/// PHP's array keys in a total order (integers first), for sorting.
fn cmp_keys(a: Key<'_>, b: Key<'_>) -> core::cmp::Ordering {
    match (a, b) {
        (Key::Int(x), Key::Int(y)) => x.cmp(&y),
        (Key::Int(_), Key::Str(_)) => core::cmp::Ordering::Less,
        (Key::Str(_), Key::Int(_)) => core::cmp::Ordering::Greater,
        (Key::Str(x), Key::Str(y)) => x.cmp(y),
    }
}

/// `$a[$key] = $members` for each group of `v` in `order` (a group: the entries with one key
/// and one group number): a later group whose key is already present replaces the earlier
/// group's members at the earlier group's place. Sorts by key, keeps each key's last group
/// under its first group's number, and sorts back: O(n log n) for any number of keys, where
/// looking each key up among the earlier ones would be quadratic. Returns the new length.
fn assign_groups(v: &mut [Entry<'_>]) -> usize {
    v.sort_unstable_by(|a, b| cmp_keys(a.key, b.key).then(a.order.cmp(&b.order)));
    let mut kept = 0;
    let mut i = 0;
    while let Some(first) = v.get(i).copied() {
        let run = v
            .get(i..)
            .unwrap_or_default()
            .iter()
            .take_while(|e| e.key == first.key)
            .count();
        let last_group = v.get(i + run - 1).map_or(0, |e| e.order >> 32);
        for j in i..i + run {
            let Some(&e) = v.get(j) else { break };
            if e.order >> 32 == last_group
                && let Some(slot) = v.get_mut(kept)
            {
                // `kept <= j`: the slot was read already.
                *slot = Entry {
                    order: (first.order & !0xffff_ffff) | (e.order & 0xffff_ffff),
                    ..e
                };
                kept += 1;
            }
        }
        i += run;
    }
    let kept_entries = v.get_mut(..kept).unwrap_or_default();
    kept_entries.sort_unstable_by_key(|e| e.order);
    kept
}

/// An ordered PHP array in a slice of the caller's entry buffer.
struct Map<'a> {
    slots: &'a mut [Entry<'a>],
    len: usize,
}

impl<'a> Map<'a> {
    fn take(entries: &mut &'a mut [Entry<'a>]) -> Self {
        Self {
            slots: core::mem::take(entries),
            len: 0,
        }
    }

    /// Gives back the unused slots.
    fn finish(self, entries: &mut &'a mut [Entry<'a>]) -> &'a mut [Entry<'a>] {
        let (used, rest) = self.slots.split_at_mut(self.len);
        *entries = rest;
        used
    }

    fn entries(&self) -> &[Entry<'a>] {
        self.slots.get(..self.len).unwrap_or_default()
    }

    fn push(&mut self, e: Entry<'a>) -> Result<(), WpError> {
        self.insert(self.len, e)
    }

    fn insert(&mut self, at: usize, e: Entry<'a>) -> Result<(), WpError> {
        let len = self.len;
        let tail = self.slots.get_mut(at..=len).ok_or(WpError::Capacity)?;
        tail.rotate_right(1);
        *tail.first_mut().ok_or(WpError::Capacity)? = e;
        self.len += 1;
        Ok(())
    }

    fn remove(&mut self, range: core::ops::Range<usize>) {
        let n = range.len();
        if let Some(tail) = self.slots.get_mut(range.start..self.len) {
            tail.rotate_left(n);
        }
        self.len -= n;
    }

    /// The entries of a top-level key (always consecutive).
    fn group(&self, key: Key<'_>) -> Option<core::ops::Range<usize>> {
        let all = self.entries();
        let start = all.iter().position(|e| e.key == key)?;
        let n = all
            .get(start..)?
            .iter()
            .take_while(|e| e.key == key)
            .count();
        Some(start..start + n)
    }

    /// `$a[$key] = $value` for a plain value: replaces the key's scalar or array in place,
    /// else appends.
    fn set(&mut self, e: Entry<'a>) -> Result<(), WpError> {
        match self.group(e.key) {
            Some(r) => {
                let start = r.start;
                self.remove(r);
                self.insert(start, e)
            }
            None => self.push(e),
        }
    }

    /// `array_merge($a, $b)` appended into this (empty) map: integer keys renumbered from 0,
    /// string keys replaced in place (a whole array at once).
    fn merge(&mut self, parts: [&[Entry<'a>]; 2]) -> Result<(), WpError> {
        let mut next = 0i64;
        let groups = parts
            .into_iter()
            .flat_map(|part| part.chunk_by(|a, b| a.key == b.key));
        for (group, members) in (0u64..).zip(groups) {
            let key = match members.first().map(|e| e.key) {
                Some(Key::Int(_)) => {
                    next += 1;
                    Key::Int(next - 1)
                }
                Some(k) => k,
                None => continue,
            };
            for (j, e) in (0u64..).zip(members) {
                self.push(Entry {
                    key,
                    order: (group << 32) | j,
                    ..*e
                })?;
            }
        }
        self.len = assign_groups(self.slots.get_mut(..self.len).unwrap_or_default());
        Ok(())
    }
}

/// The keys of an index path `[k1][k2]…` (keys cannot contain `]`).
fn segments(path: &[u8]) -> impl Iterator<Item = &[u8]> {
    path.split(|&b| b == b']')
        .filter_map(|s| s.strip_prefix(b"["))
}

/// PHP's next free integer index of the array at `prefix` (8.2: one past the largest integer
/// key, at least 0).
fn next_index(members: &[Entry<'_>], prefix: &[u8]) -> i64 {
    members
        .iter()
        .filter_map(|e| e.path.strip_prefix(prefix))
        .filter_map(|rest| segments(rest).next())
        .filter_map(int_key)
        .map(|k| k.saturating_add(1))
        .fold(0, i64::max)
}

/// The caller's byte buffer, handed out front to back.
struct Arena<'a> {
    rest: &'a mut [u8],
}

impl<'a> Arena<'a> {
    /// `urldecode($raw)` (or `rawurldecode` without `plus`) into the arena.
    fn decode(&mut self, raw: &[u8], plus: bool) -> Result<&'a mut [u8], WpError> {
        let rest = core::mem::take(&mut self.rest);
        if rest.len() < raw.len() {
            self.rest = rest;
            return Err(WpError::Capacity);
        }
        let (slot, rest) = rest.split_at_mut(raw.len());
        let n = url_decode(raw, plus, slot);
        let (used, spare) = slot.split_at_mut(n);
        let _ = spare;
        self.rest = rest;
        Ok(used)
    }
}

impl<'a> Arena<'a> {
    fn copy(&mut self, bytes: &[u8]) -> Result<&'a [u8], WpError> {
        let slot: &'a mut [u8] = self.copy_mut(bytes)?;
        Ok(slot)
    }

    fn copy_mut(&mut self, bytes: &[u8]) -> Result<&'a mut [u8], WpError> {
        let rest = core::mem::take(&mut self.rest);
        if rest.len() < bytes.len() {
            self.rest = rest;
            return Err(WpError::Capacity);
        }
        let (slot, rest) = rest.split_at_mut(bytes.len());
        slot.copy_from_slice(bytes);
        self.rest = rest;
        Ok(slot)
    }
}

/// PHP's `urldecode` (`plus`) / `rawurldecode`: `%XX` with any hex case decoded, anything else
/// (including a malformed `%`) kept. Writes into `out` (at least `raw.len()` long).
fn url_decode(raw: &[u8], plus: bool, out: &mut [u8]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        let (byte, step) = match (
            b,
            raw.get(i + 1).copied().and_then(hex_val),
            raw.get(i + 2).copied().and_then(hex_val),
        ) {
            (b'%', Some(h), Some(l)) => ((h << 4) | l, 3),
            (b'+', _, _) if plus => (b' ', 1),
            _ => (b, 1),
        };
        if let Some(slot) = out.get_mut(n) {
            *slot = byte;
        }
        n += 1;
        i += step;
    }
    n
}

/// The plugin's reading of an `Authorization` value (W1–W3): `None` unless, trimmed, it starts
/// with exactly `OAuth `; otherwise the `oauth_*` pairs found by its pattern, values `urldecode`d
/// (into `bytes`), a quoted `"0"` read as empty, repeated names replaced in place. `realm` is
/// never among them.
///
/// # Errors
/// [`WpError::Capacity`] when `entries` or `bytes` is too small.
pub fn parse_header<'a>(
    value: &'a [u8],
    entries: &'a mut [Entry<'a>],
    bytes: &'a mut [u8],
) -> Result<Option<&'a [Entry<'a>]>, WpError> {
    let mut entries = entries;
    let mut arena = Arena { rest: bytes };
    let Some(map) = header_map(value, &mut entries, &mut arena)? else {
        return Ok(None);
    };
    let found: &'a [Entry<'a>] = map.finish(&mut entries);
    Ok(Some(found))
}

fn header_map<'a>(
    value: &'a [u8],
    entries: &mut &'a mut [Entry<'a>],
    arena: &mut Arena<'a>,
) -> Result<Option<Map<'a>>, WpError> {
    let value = trim(value);
    if !value.starts_with(b"OAuth ") {
        return Ok(None);
    }
    let mut map = Map::take(entries);
    let mut i = 0;
    while let Some(at) = value
        .get(i..)
        .and_then(|r| find(r, b"oauth_"))
        .map(|p| p + i)
    {
        let name_end = value
            .get(at + 6..)
            .unwrap_or_default()
            .iter()
            .position(|&b| !(b.is_ascii_lowercase() || b == b'_' || b == b'-'))
            .map_or(value.len(), |p| at + 6 + p);
        if value.get(name_end) != Some(&b'=') {
            // The pattern `oauth_[a-z_-]*=` cannot match at any later `oauth_` inside the same
            // run of `[a-z_-]` either (it ends at the same byte): skip the run, so a header of
            // `oauth_` repeated is read in one pass.
            i = name_end.max(at + 1);
            continue;
        }
        let v = name_end + 1;
        let q = if value.get(v) == Some(&b':') && value.get(v + 1) == Some(&b'"') {
            Some(v + 1)
        } else if value.get(v) == Some(&b'"') {
            Some(v)
        } else {
            None
        };
        let quoted = q.and_then(|q| {
            let inner = q + 1;
            value
                .get(inner..)
                .and_then(|r| r.iter().position(|&b| b == b'"'))
                .map(|p| (inner, inner + p))
        });
        let (raw, end) = match quoted {
            // PHP's empty(): a quoted "" or "0" falls back to the (empty) unquoted group.
            Some((s, e)) => {
                let inner = value.get(s..e).unwrap_or_default();
                (
                    if matches!(inner, b"" | b"0") {
                        &b""[..]
                    } else {
                        inner
                    },
                    e + 1,
                )
            }
            None => {
                let e = value
                    .get(v..)
                    .unwrap_or_default()
                    .iter()
                    .position(|&b| b == b',')
                    .map_or(value.len(), |p| v + p);
                (value.get(v..e).unwrap_or_default(), e)
            }
        };
        let decoded: &'a [u8] = arena.decode(raw, true)?;
        let name: &'a [u8] = value.get(at..name_end).unwrap_or_default();
        // Each pair its own group: a repeated name replaces the earlier value in place.
        let order = (map.len as u64) << 32;
        map.push(Entry {
            order,
            ..Entry::new(Key::Str(name), b"", decoded)
        })?;
        i = end.max(at + 1);
    }
    map.len = assign_groups(map.slots.get_mut(..map.len).unwrap_or_default());
    Ok(Some(map))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// How many variables PHP reads from one source (`max_input_vars`).
pub const MAX_INPUT_VARS: usize = 1000;

/// PHP's `parse_str()` — the same reading that fills `$_GET` from a query string and `$_POST`
/// from a form body: pairs split at `&`, `urldecode`d, names mangled and PHP arrays built as
/// PHP builds them (see [`Entry`]), the first [`MAX_INPUT_VARS`] pairs only.
///
/// # Errors
/// [`WpError::Capacity`] (also for an index path over 512 bytes).
pub fn parse_str<'a>(
    raw: &[u8],
    entries: &'a mut [Entry<'a>],
    bytes: &'a mut [u8],
) -> Result<&'a [Entry<'a>], WpError> {
    let mut entries = entries;
    let mut arena = Arena { rest: bytes };
    php_vars(raw, &mut entries, &mut arena)
}

/// PHP's reading of a `multipart/form-data` body into `$_POST` (its RFC 1867 handler): the
/// boundary from the `Content-Type` value (`boundary=`, quoted or up to `;`/`,`), parts after
/// the first line that is exactly `--boundary`, headers with folding, and for every part whose
/// `Content-Disposition` has a `name` and no `filename` (files go to `$_FILES`), the value up
/// to the next `\n--boundary` (one `\r` before it dropped), registered like [`parse_str`]'s
/// pairs. No boundary, or none in the body: nothing.
///
/// # Errors
/// [`WpError::Capacity`].
pub fn parse_multipart<'a>(
    content_type: &[u8],
    body: &[u8],
    entries: &'a mut [Entry<'a>],
    bytes: &'a mut [u8],
) -> Result<&'a [Entry<'a>], WpError> {
    let mut entries = entries;
    let mut arena = Arena { rest: bytes };
    multipart_vars(content_type, body, &mut entries, &mut arena)
}

/// The boundary of a multipart `Content-Type` value, as PHP finds it.
fn boundary(content_type: &[u8]) -> Option<&[u8]> {
    let at = find(content_type, b"boundary")?;
    let rest = content_type.get(at..)?;
    let eq = rest.iter().position(|&b| b == b'=')?;
    let value = rest.get(eq + 1..)?;
    let b = match value.strip_prefix(b"\"") {
        Some(q) => q.get(..q.iter().position(|&b| b == b'"')?)?,
        None => value
            .iter()
            .position(|&b| b == b';' || b == b',')
            .map_or(value, |e| value.get(..e).unwrap_or_default()),
    };
    (!b.is_empty()).then_some(b)
}

fn multipart_vars<'a>(
    content_type: &[u8],
    body: &[u8],
    entries: &mut &'a mut [Entry<'a>],
    arena: &mut Arena<'a>,
) -> Result<&'a [Entry<'a>], WpError> {
    let mut map = Map::take(entries);
    let Some(boundary) = boundary(content_type) else {
        let none: &'a [Entry<'a>] = map.finish(entries);
        return Ok(none);
    };
    let mut lines = Lines { body, pos: 0 };
    let mut count = 0;
    // Each part starts after a line that is exactly `--boundary` (a `\r` before the `\n`
    // ignored); anything else before it is skipped. No such line: done.
    while lines.skip_to_delimiter(boundary) {
        // Headers, up to an empty line (or one starting with NUL, or the end). A line starting
        // with whitespace, or without a colon, continues the previous header's value.
        let mut disposition = DispValue::new();
        let mut current = DispValue::new();
        let mut current_is_cd = false;
        let mut have_cd = false;
        while let Some(line) = lines.next_line() {
            if matches!(line.first(), None | Some(0)) {
                break;
            }
            let colon = if line.first().is_some_and(|&b| is_space(b)) {
                None
            } else {
                line.iter().position(|&b| b == b':')
            };
            match colon {
                Some(c) => {
                    if current_is_cd && !have_cd {
                        disposition = current;
                        have_cd = true;
                    }
                    current = DispValue::new();
                    current_is_cd = line
                        .get(..c)
                        .is_some_and(|k| k.eq_ignore_ascii_case(b"content-disposition"));
                    let v = line.get(c + 1..).unwrap_or_default();
                    let lead = v.iter().position(|&b| !is_space(b)).unwrap_or(v.len());
                    current.extend(v.get(lead..).unwrap_or_default());
                }
                None => current.extend(line),
            }
        }
        if current_is_cd && !have_cd {
            disposition = current;
            have_cd = true;
        }
        if !have_cd {
            continue;
        }
        if disposition.overflow {
            return Err(WpError::Unsupported(Unsupported::LongPartHeader));
        }
        let name = disposition_param(&disposition, b"name");
        let file = disposition_param(&disposition, b"filename");
        match (name, file) {
            (Some(name), None) => {
                let value = lines.read_value(boundary);
                if count >= MAX_INPUT_VARS {
                    break;
                }
                count += 1;
                let name = arena.copy_mut(&name)?;
                let value: &'a [u8] = arena.copy(value)?;
                register(&mut map, arena, name, value)?;
            }
            // "File Upload Mime headers garbled": PHP stops reading the body.
            (None, None) => break,
            // A file: to `$_FILES`, not signed.
            (_, Some(_)) => {}
        }
    }
    let vars: &'a [Entry<'a>] = map.finish(entries);
    Ok(vars)
}

/// A multipart body read line by line the way PHP's multipart buffer reads it.
struct Lines<'b> {
    body: &'b [u8],
    pos: usize,
}

impl<'b> Lines<'b> {
    /// The next `\n`-terminated line without its `\n` and one `\r` before it; `None` at the
    /// end (a last line without `\n` is not a line).
    fn next_line(&mut self) -> Option<&'b [u8]> {
        let rest = self.body.get(self.pos..)?;
        let n = rest.iter().position(|&b| b == b'\n')?;
        self.pos += n + 1;
        let line = rest.get(..n)?;
        Some(line.strip_suffix(b"\r").unwrap_or(line))
    }

    /// Skips lines up to and including one that is exactly `--boundary`.
    fn skip_to_delimiter(&mut self, boundary: &[u8]) -> bool {
        while let Some(line) = self.next_line() {
            if line.strip_prefix(b"--") == Some(boundary) {
                return true;
            }
        }
        false
    }

    /// A field's value: everything up to the first `\n--boundary` (or, at the end of the
    /// body, up to a trailing piece of it), one `\r` before it dropped.
    fn read_value(&mut self, boundary: &[u8]) -> &'b [u8] {
        let rest = self.body.get(self.pos..).unwrap_or_default();
        let matches_at = |i: usize| {
            let tail = rest.get(i..).unwrap_or_default();
            let mut needle = b"\n--".iter().chain(boundary);
            tail.iter().zip(&mut needle).all(|(a, b)| a == b)
                && (tail.len() >= 3 + boundary.len() || needle.next().is_some())
        };
        let end = (0..rest.len())
            .find(|&i| rest.get(i) == Some(&b'\n') && matches_at(i))
            .unwrap_or(rest.len());
        self.pos += end;
        let value = rest.get(..end).unwrap_or_default();
        value.strip_suffix(b"\r").unwrap_or(value)
    }
}

/// A `Content-Disposition` parameter as PHP reads it: the value split at `;`, each pair's
/// key compared without case; the value after leading whitespace either quoted (`"` or `'`,
/// a backslash before the quote character escapes it) or up to whitespace. The last pair with
/// the key wins.
fn disposition_param(cd: &[u8], key: &[u8]) -> Option<DispValue> {
    let mut found = None;
    for pair in cd.split(|&b| b == b';') {
        let start = pair
            .iter()
            .position(|&b| !is_space(b))
            .unwrap_or(pair.len());
        let pair = pair.get(start..).unwrap_or_default();
        let Some(eq) = pair.iter().position(|&b| b == b'=') else {
            continue;
        };
        if !pair.get(..eq).unwrap_or_default().eq_ignore_ascii_case(key) {
            continue;
        }
        // PHP's getword skips every `=` after the key, not just one.
        let v = pair.get(eq..).unwrap_or_default();
        let v = v
            .get(v.iter().position(|&b| b != b'=').unwrap_or(v.len())..)
            .unwrap_or_default();
        let lead = v.iter().position(|&b| !is_space(b)).unwrap_or(v.len());
        let v = v.get(lead..).unwrap_or_default();
        let mut out = DispValue::new();
        match v.first() {
            Some(&q @ (b'"' | b'\'')) => {
                let mut i = 1;
                while let Some(&b) = v.get(i) {
                    if b == q {
                        break;
                    }
                    if b == b'\\' && v.get(i + 1) == Some(&q) {
                        out.push(q);
                        i += 2;
                        continue;
                    }
                    out.push(b);
                    i += 1;
                }
            }
            _ => {
                for &b in v.iter().take_while(|&&b| !is_space(b)) {
                    out.push(b);
                }
            }
        }
        found = Some(out);
    }
    found
}

/// C's `isspace`.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// A header value or parameter read out of a multipart part: at most 1,024 bytes, and
/// whether more were offered (then it is not used).
#[derive(Clone, Copy)]
struct DispValue {
    buf: [u8; 1024],
    len: usize,
    overflow: bool,
}

impl DispValue {
    fn new() -> Self {
        Self {
            buf: [0u8; 1024],
            len: 0,
            overflow: false,
        }
    }

    fn extend(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.push(b);
        }
    }

    fn push(&mut self, b: u8) {
        match self.buf.get_mut(self.len) {
            Some(slot) => {
                *slot = b;
                self.len += 1;
            }
            None => self.overflow = true,
        }
    }
}

impl core::ops::Deref for DispValue {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }
}

/// PHP's reading of a query string or form body into `$_GET` / `$_POST`.
fn php_vars<'a>(
    raw: &[u8],
    entries: &mut &'a mut [Entry<'a>],
    arena: &mut Arena<'a>,
) -> Result<&'a [Entry<'a>], WpError> {
    let mut map = Map::take(entries);
    for (count, pair) in raw
        .split(|&b| b == b'&')
        .filter(|p| !p.is_empty())
        .enumerate()
    {
        if count >= MAX_INPUT_VARS {
            break;
        }
        let (name, value) = match pair.iter().position(|&b| b == b'=') {
            Some(i) => (
                pair.get(..i).unwrap_or_default(),
                pair.get(i + 1..).unwrap_or_default(),
            ),
            None => (pair, &b""[..]),
        };
        let name = arena.decode(name, true)?;
        let value: &'a [u8] = arena.decode(value, true)?;
        register(&mut map, arena, name, value)?;
    }
    let vars: &'a [Entry<'a>] = map.finish(entries);
    Ok(vars)
}

/// `php_register_variable_ex`'s name rules on a decoded name: read up to a NUL, leading
/// spaces dropped, `.` and space become `_`; an unclosed `[` becomes `_` (the rest is kept as
/// is); an empty name is dropped. Canonical decimal integers become integer keys.
fn php_name(name: &mut [u8]) -> Result<Option<(Key<'_>, &[u8])>, WpError> {
    let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
    let start = name
        .iter()
        .take(end)
        .position(|&b| b != b' ')
        .unwrap_or(end);
    let name = name.get_mut(start..end).unwrap_or_default();
    let mut bracket = None;
    for (i, b) in name.iter_mut().enumerate() {
        match *b {
            b' ' | b'.' => *b = b'_',
            b'[' => {
                bracket = Some(i);
                break;
            }
            _ => {}
        }
    }
    let mut indexes: &[u8] = b"";
    if let Some(i) = bracket {
        if i == 0 {
            return Ok(None);
        }
        if name.get(i + 1..).unwrap_or_default().contains(&b']') {
            let (base, rest) = name.split_at(i);
            let base: &[u8] = base;
            return Ok(Some((int_key(base).map_or(Key::Str(base), Key::Int), rest)));
        }
        // Not an index: the `[` becomes `_`, and so do ` `, `.` and `[` in the rest.
        for b in name.get_mut(i..).unwrap_or_default() {
            if matches!(*b, b' ' | b'.' | b'[') {
                *b = b'_';
            }
        }
        indexes = b"";
    }
    if name.is_empty() {
        return Ok(None);
    }
    let name: &[u8] = name;
    Ok(Some((
        int_key(name).map_or(Key::Str(name), Key::Int),
        indexes,
    )))
}

/// PHP's `max_input_nesting_level`.
const MAX_NESTING: usize = 64;

/// `$base[k1][k2]… = value` for the index part `[k1][k2]…` of a name (a `[]` appends; an
/// unclosed inner `[` or anything after a `]` other than `[` ends the path): scalars on the
/// way become arrays, an existing leaf is overwritten in place, a new leaf goes after the last
/// member of the deepest array that already exists.
fn register_array<'a>(
    map: &mut Map<'a>,
    arena: &mut Arena<'a>,
    key: Key<'a>,
    indexes: &[u8],
    value: &'a [u8],
) -> Result<(), WpError> {
    // PHP counts a level at every `[` it reaches (closed or not); past 64 the whole variable,
    // and whatever was stored under its name before, is dropped.
    let mut levels = 0;
    let mut scan = indexes;
    while let Some(after) = scan.strip_prefix(b"[") {
        levels += 1;
        match after.iter().position(|&b| b == b']') {
            Some(close) => scan = after.get(close + 1..).unwrap_or_default(),
            None => break,
        }
    }
    if levels > MAX_NESTING {
        if let Some(r) = map.group(key) {
            map.remove(r);
        }
        return Ok(());
    }
    let mut path = [0u8; 512];
    let mut len = 0;
    let mut rest = indexes;
    // The group, with a scalar at the top replaced by the array being built.
    let mut at = match map.group(key) {
        Some(r)
            if map
                .entries()
                .get(r.start)
                .is_some_and(|e| e.path.is_empty()) =>
        {
            let start = r.start;
            map.remove(r);
            Some(start)
        }
        Some(r) => Some(r.end),
        None => None,
    };
    while let Some(after) = rest.strip_prefix(b"[") {
        // An inner `[` without `]` ends the path: the value goes where it points so far.
        let Some(close) = after.iter().position(|&b| b == b']') else {
            break;
        };
        let index = after.get(..close).unwrap_or_default();
        rest = after.get(close + 1..).unwrap_or_default();
        let group = map.group(key).unwrap_or(0..0);
        let members = map.entries().get(group.clone()).unwrap_or_default();
        let prefix = path.get(..len).unwrap_or_default();
        let mut digits = [0u8; 20];
        // `[]` appends; so does an index of one whitespace byte (as PHP reads it).
        let append = matches!(index, [] | [b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r']);
        let index: &[u8] = if append {
            let n = next_index(members, prefix);
            int_text(n, &mut digits)
        } else {
            index
        };
        let piece_len = index.len() + 2;
        let dst = path
            .get_mut(len..len + piece_len)
            .ok_or(WpError::Capacity)?;
        let piece = core::iter::once(b'[')
            .chain(index.iter().copied())
            .chain(core::iter::once(b']'));
        for (d, b) in dst.iter_mut().zip(piece) {
            *d = b;
        }
        len += piece_len;
        let prefix = path.get(..len).unwrap_or_default();
        // Where a new member of this array goes: after its last existing member.
        if let Some(last) = members.iter().rposition(|e| e.path.starts_with(prefix)) {
            at = Some(group.start + last + 1);
        }
        if !rest.starts_with(b"[") {
            break;
        }
        // A scalar at an inner level becomes an array.
        if let Some(i) = members.iter().position(|e| e.path == prefix) {
            map.remove(group.start + i..group.start + i + 1);
            at = Some(group.start + i);
        }
    }
    let full = path.get(..len).unwrap_or_default();
    let group = map.group(key).unwrap_or(0..0);
    let members = map.entries().get(group.clone()).unwrap_or_default();
    if let Some(i) = members.iter().position(|e| e.path == full) {
        if let Some(e) = map.slots.get_mut(group.start + i) {
            e.value = value;
        }
        return Ok(());
    }
    // An array at the leaf's place (its members are consecutive) is replaced by the value.
    let below = |e: &Entry<'_>| e.path.starts_with(full) && e.path.get(len) == Some(&b'[');
    if let Some(first) = members.iter().position(below) {
        let sub = members.iter().skip(first).take_while(|e| below(e)).count();
        map.remove(group.start + first..group.start + first + sub);
        at = Some(group.start + first);
    }
    let stored = arena.copy(full)?;
    let at = at.unwrap_or(map.len);
    map.insert(at, Entry::new(key, stored, value))
}

/// `php_register_variable_ex`: `$_POST[name] = value` with PHP's name rules and arrays.
fn register<'a>(
    map: &mut Map<'a>,
    arena: &mut Arena<'a>,
    name: &'a mut [u8],
    value: &'a [u8],
) -> Result<(), WpError> {
    match php_name(name)? {
        Some((key, b"")) => map.set(Entry::new(key, b"", value)),
        Some((key, indexes)) => register_array(map, arena, key, indexes, value),
        None => Ok(()),
    }
}

/// PHP's numeric-string array keys: `0`, or an optional `-` and digits without a leading
/// zero, within `i64` (`-0` stays a string).
fn int_key(s: &[u8]) -> Option<i64> {
    let digits = s.strip_prefix(b"-").unwrap_or(s);
    let canonical = match digits {
        [b'0'] => s.len() == 1,
        [b'1'..=b'9', rest @ ..] => rest.iter().all(u8::is_ascii_digit),
        _ => false,
    };
    if !canonical {
        return None;
    }
    core::str::from_utf8(s).ok()?.parse().ok()
}

/// A request as the plugin reads it: the parameters it signs, and the signature it was sent.
#[derive(Debug)]
pub struct WpSigned<'a> {
    method: &'a [u8],
    params: &'a [Entry<'a>],
    signature: &'a [u8],
    signature_method: Option<Method>,
    base: BaseUri<'a>,
    timestamp: &'a [u8],
    nonce: &'a [u8],
    consumer_key: &'a [u8],
    token: Option<&'a [u8]>,
}

#[derive(Debug, Clone, Copy)]
struct BaseUri<'a> {
    scheme: &'a [u8],
    /// The home URL after its scheme (`//host[:port][/path]`).
    rest: &'a [u8],
    /// Appended after a `/` when not PHP-empty.
    path: &'a [u8],
}

impl<'a> BaseUri<'a> {
    fn new(site: &Site<'a>, url: &'a [u8]) -> Self {
        let home = trim(site.home);
        let (home_scheme, after) = match find(home, b"://") {
            Some(i) => (
                home.get(..i).unwrap_or_default(),
                home.get(i..).unwrap_or_default(),
            ),
            None => (&b"http"[..], home),
        };
        let scheme = if site.is_ssl {
            &b"https"[..]
        } else {
            home_scheme
        };
        // get_home_url(null, '/', 'relative'): the home path plus '/'.
        let home_path = after
            .get(3..)
            .and_then(|h| {
                h.iter()
                    .position(|&b| b == b'/')
                    .map(|p| h.get(p..).unwrap_or_default())
            })
            .unwrap_or_default();
        let home_path = {
            let t = home_path
                .iter()
                .position(|&b| b != b'/')
                .unwrap_or(home_path.len());
            home_path.get(t..).unwrap_or_default()
        };
        let request_path = php_url_path(request_uri(url));
        // Strip "/<home path>/" when the request path starts with it.
        let stripped = request_path
            .strip_prefix(b"/")
            .and_then(|p| {
                if home_path.is_empty() {
                    Some(p)
                } else {
                    p.strip_prefix(home_path).and_then(|p| p.strip_prefix(b"/"))
                }
            })
            .unwrap_or(request_path);
        let path = {
            let t = stripped
                .iter()
                .position(|&b| b != b'/')
                .unwrap_or(stripped.len());
            stripped.get(t..).unwrap_or_default()
        };
        Self {
            scheme,
            rest: after,
            path,
        }
    }

    fn write(&self, out: &mut impl FnMut(&[u8])) {
        encode_to(self.scheme, &mut *out);
        encode_to(self.rest, &mut *out);
        // PHP `if ($path)`: "" and "0" append nothing.
        if !matches!(self.path, b"" | b"0") {
            encode_to(b"/", &mut *out);
            encode_to(self.path, &mut *out);
        }
    }
}

fn trim(s: &[u8]) -> &[u8] {
    let ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0 | 0x0b);
    let start = s.iter().position(|b| !ws(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|b| !ws(b)).map_or(start, |i| i + 1);
    s.get(start..end).unwrap_or_default()
}

/// `$_SERVER['REQUEST_URI']` from an absolute URL: from the path on.
fn request_uri(url: &[u8]) -> &[u8] {
    let after = find(url, b"://").map_or(url, |i| url.get(i + 3..).unwrap_or_default());
    after
        .iter()
        .position(|&b| b == b'/' || b == b'?')
        .map_or(&b""[..], |p| after.get(p..).unwrap_or_default())
}

/// `parse_url($uri, PHP_URL_PATH)` for a request URI: the part before `?`/`#`; a URI
/// starting with `//` is read as `//authority/path`.
fn php_url_path(uri: &[u8]) -> &[u8] {
    let uri = uri
        .iter()
        .position(|&b| b == b'?' || b == b'#')
        .map_or(uri, |p| uri.get(..p).unwrap_or_default());
    match uri.strip_prefix(b"//") {
        Some(rest) => rest
            .iter()
            .position(|&b| b == b'/')
            .map_or(&b""[..], |p| rest.get(p..).unwrap_or_default()),
        None => uri,
    }
}

/// `empty($params[$name])`.
fn get<'a>(params: &[Entry<'a>], name: &[u8]) -> Option<&'a [u8]> {
    params
        .iter()
        .find(|e| e.key == Key::Str(name))
        .map(|e| e.value)
        .filter(|v| !matches!(*v, b"" | b"0"))
}

/// The plugin's checks before the signature: which request is OAuth at all, and what it signs.
///
/// `entries` and `bytes` are the caller's working memory: eight entries per parameter, and
/// four times the length of the query, body and header in bytes, are always enough
/// ([`WpError::Capacity`] otherwise).
///
/// Returns `Ok(None)` when the request carries none of the required parameters (the plugin
/// then lets other authentication run).
///
/// # Errors
/// [`WpError::MissingParameter`], [`WpError::UnknownHttpMethod`], [`WpError::Unsupported`],
/// [`WpError::Capacity`].
pub fn parse<'a>(
    req: &Request<'a>,
    site: &Site<'a>,
    require_token: bool,
    entries: &'a mut [Entry<'a>],
    bytes: &'a mut [u8],
) -> Result<Option<WpSigned<'a>>, WpError> {
    let (signed, oauth) = read(req, site, entries, bytes)?;
    let required: &[&[u8]] = &[
        b"oauth_consumer_key",
        b"oauth_timestamp",
        b"oauth_nonce",
        b"oauth_signature",
        b"oauth_signature_method",
        b"oauth_token",
    ];
    let required = required
        .get(..if require_token { 6 } else { 5 })
        .unwrap_or_default();
    let present = required.iter().filter(|n| get(oauth, n).is_some()).count();
    if present == 0 {
        return Ok(None);
    }
    if present < required.len() {
        return Err(WpError::MissingParameter);
    }
    signed.map(Some)
}

/// What the plugin signs for a request, without its required-parameter check (for base
/// strings and client-side signing).
///
/// # Errors
/// [`WpError::UnknownHttpMethod`], [`WpError::Unsupported`], [`WpError::Capacity`].
pub fn collect<'a>(
    req: &Request<'a>,
    site: &Site<'a>,
    entries: &'a mut [Entry<'a>],
    bytes: &'a mut [u8],
) -> Result<WpSigned<'a>, WpError> {
    read(req, site, entries, bytes)?.0
}

/// The merged parameters (`get_parameters()`), and what `check_oauth_signature()` signs (or
/// its method error).
#[allow(clippy::type_complexity)]
fn read<'a>(
    req: &Request<'a>,
    site: &Site<'a>,
    entries: &'a mut [Entry<'a>],
    bytes: &'a mut [u8],
) -> Result<(Result<WpSigned<'a>, WpError>, &'a [Entry<'a>]), WpError> {
    let mut entries = entries;
    let mut arena = Arena { rest: bytes };
    let query = {
        let uri = request_uri(req.url);
        let q = uri.iter().position(|&b| b == b'?');
        let q = q.map_or(&b""[..], |p| uri.get(p + 1..).unwrap_or_default());
        q.iter()
            .position(|&b| b == b'#')
            .map_or(q, |p| q.get(..p).unwrap_or_default())
    };
    let get_vars = php_vars(query, &mut entries, &mut arena)?;
    let post_vars: &'a [Entry<'a>] = post_vars_in(req, &mut entries, &mut arena)?;
    // get_parameters(): array_merge($_GET, $_POST), then the header's pairs on top.
    let mut first = Map::take(&mut entries);
    first.merge([get_vars, post_vars])?;
    let first: &'a [Entry<'a>] = first.finish(&mut entries);
    let header: &'a [Entry<'a>] = match req.authorization {
        Some(h) => match header_map(h, &mut entries, &mut arena)? {
            Some(m) => m.finish(&mut entries),
            None => &[],
        },
        None => &[],
    };
    let mut oauth = Map::take(&mut entries);
    oauth.merge([first, header])?;
    let oauth: &'a [Entry<'a>] = oauth.finish(&mut entries);
    // A protocol parameter sent as a PHP array would be signed as the string "Array".
    if oauth
        .iter()
        .any(|e| !e.path.is_empty() && matches!(e.key, Key::Str(k) if k.starts_with(b"oauth_")))
    {
        return Err(WpError::Unsupported(Unsupported::ArrayParameter));
    }

    // check_oauth_signature(): the method's own superglobal merged with everything.
    // strtoupper($_SERVER['REQUEST_METHOD']) (while PHP fills $_POST for exactly "POST").
    let mut upper = [0u8; 8];
    let method: &'static [u8] = match req.method.len() {
        n @ 1..=7 => {
            for (d, s) in upper.iter_mut().zip(req.method) {
                *d = s.to_ascii_uppercase();
            }
            match upper.get(..n).unwrap_or_default() {
                b"GET" => b"GET",
                b"HEAD" => b"HEAD",
                b"DELETE" => b"DELETE",
                b"POST" => b"POST",
                b"PUT" => b"PUT",
                b"PATCH" => b"PATCH",
                _ => b"",
            }
        }
        _ => b"",
    };
    let own = match method {
        b"GET" | b"HEAD" | b"DELETE" => get_vars,
        b"POST" | b"PUT" | b"PATCH" => post_vars,
        _ => return Ok((Err(WpError::UnknownHttpMethod), oauth)),
    };
    let mut params = Map::take(&mut entries);
    params.merge([own, oauth])?;
    let signature = get(params.entries(), b"oauth_signature").unwrap_or_default();
    let method_name = get(params.entries(), b"oauth_signature_method").unwrap_or_default();
    let timestamp = get(params.entries(), b"oauth_timestamp").unwrap_or_default();
    let nonce = get(params.entries(), b"oauth_nonce").unwrap_or_default();
    let consumer_key = get(params.entries(), b"oauth_consumer_key").unwrap_or_default();
    let token = get(params.entries(), b"oauth_token");
    // The signature itself is not signed: set it aside, then sort by the normalised name.
    let all = params.finish(&mut entries);
    let mut n = all.len();
    if let Some(i) = all
        .iter()
        .position(|e| e.key == Key::Str(b"oauth_signature"))
    {
        all.swap(i, n - 1);
        n -= 1;
    }
    let signed = all.get_mut(..n).unwrap_or_default();
    // PHP 8's sort is stable (equal normalised names keep their order): sorted by the
    // normalised name, then by the place in the array.
    for (i, e) in signed.iter_mut().enumerate() {
        e.order = i as u64;
    }
    signed.sort_unstable_by(|a, b| {
        normalized(a.key)
            .cmp(normalized(b.key))
            .then(a.order.cmp(&b.order))
    });
    let params: &'a [Entry<'a>] = signed;
    let signed = WpSigned {
        method,
        params,
        signature,
        signature_method: match method_name {
            b"HMAC-SHA1" => Some(Method::HmacSha1),
            b"HMAC-SHA256" => Some(Method::HmacSha256),
            _ => None,
        },
        base: BaseUri::new(site, req.url),
        timestamp,
        nonce,
        consumer_key,
        token,
    };
    Ok((Ok(signed), oauth))
}

/// The media type PHP's SAPI looks up a body's reader by: the `Content-Type` value up to its
/// first `;`, `,` or space, compared without case.
fn php_media_type(content_type: &[u8]) -> &[u8] {
    let end = content_type
        .iter()
        .position(|&b| matches!(b, b';' | b',' | b' '))
        .unwrap_or(content_type.len());
    content_type.get(..end).unwrap_or_default()
}

/// PHP's `$_POST` for a request: filled only when the method is exactly `POST` (PHP compares
/// it case-sensitively) and the body is a form (`application/x-www-form-urlencoded`, read as
/// [`parse_str`]) or `multipart/form-data` (read as [`parse_multipart`]); empty for any other
/// method or content type, or without one. What `wp::parse` reads as the body's parameters.
///
/// # Errors
/// [`WpError::Capacity`], [`WpError::Unsupported`].
pub fn post_vars<'a>(
    req: &Request<'_>,
    entries: &'a mut [Entry<'a>],
    bytes: &'a mut [u8],
) -> Result<&'a [Entry<'a>], WpError> {
    let mut entries = entries;
    post_vars_in(req, &mut entries, &mut Arena { rest: bytes })
}

fn post_vars_in<'a>(
    req: &Request<'_>,
    entries: &mut &'a mut [Entry<'a>],
    arena: &mut Arena<'a>,
) -> Result<&'a [Entry<'a>], WpError> {
    let Some(ct) = req.content_type.filter(|_| req.method == b"POST") else {
        return Ok(&[]);
    };
    let media = php_media_type(ct);
    if media.eq_ignore_ascii_case(b"application/x-www-form-urlencoded") {
        php_vars(req.body, entries, arena)
    } else if media.eq_ignore_ascii_case(b"multipart/form-data") {
        multipart_vars(ct, req.body, entries, arena)
    } else {
        Ok(&[])
    }
}

/// `rawurldecode` as an iterator.
#[derive(Clone)]
struct RawDecode<'a> {
    s: &'a [u8],
    i: usize,
}

impl Iterator for RawDecode<'_> {
    type Item = u8;
    fn next(&mut self) -> Option<u8> {
        let b = *self.s.get(self.i)?;
        let hex = |k| self.s.get(self.i + k).copied().and_then(hex_val);
        match (b, hex(1), hex(2)) {
            (b'%', Some(h), Some(l)) => {
                self.i += 3;
                Some((h << 4) | l)
            }
            _ => {
                self.i += 1;
                Some(b)
            }
        }
    }
}

/// RFC 3986 encoding (PHP's `rawurlencode`) as an iterator adapter.
#[derive(Clone)]
struct Encode<I> {
    inner: I,
    pending: [u8; 2],
    left: usize,
}

fn encode<I: Iterator<Item = u8>>(inner: I) -> Encode<I> {
    Encode {
        inner,
        pending: [0; 2],
        left: 0,
    }
}

impl<I: Iterator<Item = u8>> Iterator for Encode<I> {
    type Item = u8;
    fn next(&mut self) -> Option<u8> {
        if self.left > 0 {
            let b = self.pending.get(2 - self.left).copied();
            self.left -= 1;
            return b;
        }
        let b = self.inner.next()?;
        if crate::encode::is_unreserved(b) {
            Some(b)
        } else {
            let digit = |n: u8| {
                b"0123456789ABCDEF"
                    .get(usize::from(n))
                    .copied()
                    .unwrap_or(b'0')
            };
            self.pending = [digit(b >> 4), digit(b & 15)];
            self.left = 2;
            Some(b'%')
        }
    }
}

/// The bytes of a key or value as the plugin normalises it: `rawurlencode(rawurldecode(x))`
/// (an integer key in decimal).
#[derive(Clone)]
enum Normalized<'a> {
    Digits(core::iter::Skip<core::array::IntoIter<u8, 20>>),
    Text(Encode<RawDecode<'a>>),
}

impl Iterator for Normalized<'_> {
    type Item = u8;
    fn next(&mut self) -> Option<u8> {
        match self {
            Self::Digits(d) => d.next(),
            Self::Text(t) => t.next(),
        }
    }
}

fn normalized(key: Key<'_>) -> Normalized<'_> {
    match key {
        Key::Int(n) => {
            let mut buf = [0u8; 20];
            let skip = 20 - int_text(n, &mut buf).len();
            Normalized::Digits(buf.into_iter().skip(skip))
        }
        Key::Str(s) => Normalized::Text(encode(RawDecode { s, i: 0 })),
    }
}

/// Feeds an iterator's bytes to `out` in chunks.
fn emit(bytes: impl Iterator<Item = u8>, out: &mut impl FnMut(&[u8])) {
    let mut chunk = [0u8; 64];
    let mut n = 0;
    for b in bytes {
        if let Some(slot) = chunk.get_mut(n) {
            *slot = b;
            n += 1;
        }
        if n == chunk.len() {
            out(&chunk);
            n = 0;
        }
    }
    if n > 0 {
        out(chunk.get(..n).unwrap_or_default());
    }
}

impl<'a> WpSigned<'a> {
    /// `oauth_consumer_key`, to look the consumer up by.
    #[must_use]
    pub fn consumer_key(&self) -> &'a [u8] {
        self.consumer_key
    }

    /// `oauth_token`, if sent.
    #[must_use]
    pub fn token(&self) -> Option<&'a [u8]> {
        self.token
    }

    /// `oauth_nonce` and `oauth_timestamp` as sent, for the caller's nonce store (the plugin
    /// keeps one nonce per user and timestamp; W14).
    #[must_use]
    pub fn nonce(&self) -> (&'a [u8], &'a [u8]) {
        (self.nonce, self.timestamp)
    }

    /// The parameters the plugin signs, sorted as it sorts them.
    #[must_use]
    pub fn params(&self) -> &'a [Entry<'a>] {
        self.params
    }

    /// Streams the base string the plugin computes.
    pub fn write_base_string(&self, mut out: impl FnMut(&[u8])) {
        out(self.method);
        out(b"&");
        self.base.write(&mut out);
        out(b"&");
        for (i, e) in self.params.iter().enumerate() {
            if i > 0 {
                out(b"%26");
            }
            emit(encode(normalized(e.key)), &mut out);
            emit(encode(normalized(Key::Str(e.path))), &mut out);
            out(b"%3D");
            emit(encode(normalized(Key::Str(e.value))), &mut out);
        }
    }

    /// `check_oauth_signature()` then `check_oauth_timestamp_and_nonce()`'s timestamp part:
    /// the method (W12), the signature under the unencoded key (W11), compared in constant
    /// time with the `rawurldecode`d value sent, then (with a clock) the ±`window` s window
    /// with PHP's loose comparison (W14; the plugin's window is 900). Nonce bookkeeping stays with the caller: call it after this succeeds
    /// and map a reuse to [`WpError::NonceAlreadyUsed`].
    ///
    /// # Errors
    /// [`WpError::InvalidSignatureMethod`], [`WpError::SignatureMismatch`],
    /// [`WpError::InvalidTimestamp`].
    pub fn verify(
        &self,
        consumer_secret: &[u8],
        token_secret: &[u8],
        now: Option<u64>,
        window: u64,
    ) -> Result<(), WpError> {
        let method = self
            .signature_method
            .ok_or(WpError::InvalidSignatureMethod)?;
        let computed = self.sign(method, consumer_secret, token_secret);
        // `rawurldecode` turns at most three bytes into one, so a value longer than three
        // times the longest signature cannot decode to a match.
        let mut sent = [0u8; 3 * SIGNATURE_MAX];
        let sent = match sent.get_mut(..self.signature.len()) {
            Some(buf) => {
                let n = url_decode(self.signature, false, buf);
                buf.get(..n).unwrap_or_default()
            }
            None => &[][..],
        };
        if !bool::from(computed.as_bytes().ct_eq(sent)) {
            return Err(WpError::SignatureMismatch);
        }
        let Some(now) = now else {
            return Ok(());
        };
        let ts = php_number(self.timestamp).ok_or(WpError::InvalidTimestamp)?;
        #[allow(clippy::cast_precision_loss)]
        let (now, window) = (now as f64, window as f64);
        if ts < now - window || ts > now + window {
            return Err(WpError::InvalidTimestamp);
        }
        Ok(())
    }

    /// The plugin's signature of this request: base64 of the HMAC under
    /// `consumer_secret&token_secret` (unencoded, W11).
    #[must_use]
    pub fn sign(&self, method: Method, consumer_secret: &[u8], token_secret: &[u8]) -> WpSignature {
        signature(method, consumer_secret, token_secret, |out| {
            self.write_base_string(out);
        })
    }
}

/// The plugin's signature of a base string the caller already has (W11: the key is not
/// percent-encoded; PLAINTEXT does not exist there and is signed as HMAC-SHA1).
#[must_use]
pub fn sign_base_string(
    method: Method,
    consumer_secret: &[u8],
    token_secret: &[u8],
    base_string: &[u8],
) -> WpSignature {
    signature(method, consumer_secret, token_secret, |out| {
        out(base_string)
    })
}

fn signature(
    method: Method,
    cs: &[u8],
    ts: &[u8],
    feed: impl FnOnce(&mut dyn FnMut(&[u8])),
) -> WpSignature {
    use base64::Engine as _;
    let mut out = WpSignature {
        buf: [0u8; SIGNATURE_MAX],
        len: 0,
    };
    let mut b64 = |raw: &[u8]| {
        out.len = base64::engine::general_purpose::STANDARD
            .encode_slice(raw, &mut out.buf)
            .unwrap_or(0);
    };
    match method {
        Method::HmacSha256 => {
            let key = raw_key::<Sha256>(cs, ts);
            if let Ok(mut m) = Hmac::<Sha256>::new_from_slice(key.as_slice()) {
                feed(&mut |p| m.update(p));
                b64(&m.finalize().into_bytes());
            }
        }
        Method::HmacSha1 | Method::Plaintext => {
            let key = raw_key::<Sha1>(cs, ts);
            if let Ok(mut m) = Hmac::<Sha1>::new_from_slice(key.as_slice()) {
                feed(&mut |p| m.update(p));
                b64(&m.finalize().into_bytes());
            }
        }
    }
    out
}

/// An HMAC key of any length as HMAC uses it: up to the block size as is, longer hashed
/// first (so `consumer_secret&token_secret` never has to be assembled in memory).
struct RawKey {
    buf: [u8; 64],
    len: usize,
}

impl RawKey {
    fn as_slice(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }
}

fn raw_key<D: sha2::Digest>(cs: &[u8], ts: &[u8]) -> RawKey {
    let mut k = RawKey {
        buf: [0u8; 64],
        len: 0,
    };
    if cs.len() + 1 + ts.len() <= 64 {
        for p in [cs, b"&", ts] {
            if let Some(dst) = k.buf.get_mut(k.len..k.len + p.len()) {
                dst.copy_from_slice(p);
            }
            k.len += p.len();
        }
    } else {
        let d = D::new()
            .chain_update(cs)
            .chain_update(b"&")
            .chain_update(ts)
            .finalize();
        k.len = d.len().min(64);
        if let Some(dst) = k.buf.get_mut(..k.len) {
            dst.copy_from_slice(d.get(..k.len).unwrap_or_default());
        }
    }
    k
}

/// The longest plugin signature: base64 of HMAC-SHA256.
const SIGNATURE_MAX: usize = 44;

/// A plugin signature (base64, 28 or 44 characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WpSignature {
    buf: [u8; SIGNATURE_MAX],
    len: usize,
}

impl WpSignature {
    /// The base64 text.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }
}

/// PHP 8 loose comparison of a string with an integer: a numeric string (leading and trailing
/// whitespace allowed) compares as a number; anything else fails the window.
fn php_number(s: &[u8]) -> Option<f64> {
    let t = {
        let ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c);
        let start = s.iter().position(|b| !ws(b)).unwrap_or(s.len());
        let end = s.iter().rposition(|b| !ws(b)).map_or(start, |i| i + 1);
        s.get(start..end).unwrap_or_default()
    };
    let ok = t.iter().any(u8::is_ascii_digit)
        && t.iter()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'));
    if !ok {
        return None;
    }
    core::str::from_utf8(t).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;

    /// The merge as PHP does it, one group at a time: a key already present is replaced in
    /// place (its whole group), a new key is appended; integer keys are renumbered.
    fn reference_merge<'a>(parts: [&[Entry<'a>]; 2]) -> std::vec::Vec<Entry<'a>> {
        let mut out: std::vec::Vec<Entry<'a>> = std::vec::Vec::new();
        let mut next = 0;
        for part in parts {
            for group in part.chunk_by(|a, b| a.key == b.key) {
                let key = match group[0].key {
                    Key::Int(_) => {
                        next += 1;
                        Key::Int(next - 1)
                    }
                    k => k,
                };
                let members = group.iter().map(|e| Entry { key, ..*e });
                match out.iter().position(|e| e.key == key) {
                    Some(at) => {
                        let n = out[at..].iter().take_while(|e| e.key == key).count();
                        out.splice(at..at + n, members);
                    }
                    None => out.extend(members),
                }
            }
        }
        out
    }

    #[test]
    fn merging_by_sorting_agrees_with_one_group_at_a_time() {
        let mut rng = wp_testkit::oracle::Rng::new(0x2545_f491_4f6c_dd1d);
        let mut rnd = move |n: u64| rng.range(0, n - 1);
        let keys = [
            Key::Str(b"a"),
            Key::Str(b"b"),
            Key::Str(b"oauth_x"),
            Key::Int(3),
        ];
        let paths: [&[u8]; 3] = [b"", b"[0]", b"[1]"];
        let values: [&[u8]; 4] = [b"1", b"2", b"3", b"4"];
        for _ in 0..5_000 {
            let mut make = || {
                let mut part = std::vec::Vec::new();
                for _ in 0..rnd(8) {
                    let key = keys[rnd(4) as usize];
                    // A group: one scalar, or up to three array members.
                    let n = 1 + rnd(3) as usize;
                    for m in 0..n {
                        let path = if n == 1 { paths[0] } else { paths[1 + m % 2] };
                        part.push(Entry::new(key, path, values[rnd(4) as usize]));
                    }
                }
                part
            };
            let (a, b) = (make(), make());
            let mut slots = std::vec![Entry::EMPTY; a.len() + b.len()];
            let mut map = Map {
                slots: &mut slots,
                len: 0,
            };
            map.merge([&a, &b]).unwrap();
            let ours: std::vec::Vec<_> = map
                .entries()
                .iter()
                .map(|e| (e.key, e.path, e.value))
                .collect();
            let want: std::vec::Vec<_> = reference_merge([&a, &b])
                .iter()
                .map(|e| (e.key, e.path, e.value))
                .collect();
            assert_eq!(ours, want, "{a:?} + {b:?}");
        }
    }

    /// What the plugin signs for a request, or `None` when it is not OAuth to it.
    fn signed_by_plugin(method: &[u8], url: &[u8], auth: &[u8]) -> Option<std::string::String> {
        let site = Site {
            home: b"http://example.com",
            is_ssl: false,
        };
        let req = Request {
            method,
            url,
            authorization: Some(auth),
            content_type: None,
            body: b"",
        };
        let (mut e, mut b) = ([Entry::EMPTY; 32], [0u8; 1024]);
        let signed = parse(&req, &site, false, &mut e, &mut b).ok()??;
        let mut out = std::vec::Vec::new();
        signed.write_base_string(|p| out.extend_from_slice(p));
        Some(std::string::String::from_utf8(out).unwrap())
    }

    #[test]
    fn the_plugin_s_reading_of_the_header_method_and_bytes() {
        const PARAMS: &str = r#"oauth_consumer_key="ck", oauth_nonce="%ED%A0%80", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1", oauth_signature="s""#;
        let header = |scheme: &str| std::format!("{scheme}{PARAMS}");
        // Only `OAuth ` exactly: any other spelling is no OAuth at all (anonymous), not an error.
        for other in ["oauth ", "OAUTH ", "OAuth\t", "\u{feff}OAuth "] {
            assert_eq!(
                signed_by_plugin(b"GET", b"http://example.com/x", header(other).as_bytes()),
                None,
                "{other:?}"
            );
        }
        let base = signed_by_plugin(
            b"get",
            b"http://example.com/x?q=%FF",
            header("OAuth ").as_bytes(),
        )
        .unwrap();
        // The method upper-cased; an encoded unpaired surrogate and a lone 0xFF signed byte for
        // byte (each encoded twice in the base string).
        assert!(
            base.starts_with("GET&http%3A%2F%2Fexample.com%2Fx&"),
            "{base}"
        );
        assert!(base.contains("oauth_nonce%3D%25ED%25A0%2580"), "{base}");
        assert!(base.contains("q%3D%25FF"), "{base}");
    }

    #[test]
    fn post_vars_only_for_post_exactly_with_a_form_or_multipart_type() {
        let vars = |method: &[u8], ct: Option<&[u8]>| {
            let req = Request {
                method,
                url: b"http://example.com/",
                authorization: None,
                content_type: ct,
                body: b"a=%FF",
            };
            let (mut e, mut b) = ([Entry::EMPTY; 4], [0u8; 64]);
            post_vars(&req, &mut e, &mut b).map(|v| {
                v.iter()
                    .map(|e| e.value.to_vec())
                    .collect::<std::vec::Vec<_>>()
            })
        };
        let form: &[u8] = b"application/x-www-form-urlencoded";
        assert_eq!(vars(b"POST", Some(form)), Ok(std::vec![std::vec![0xff]]));
        assert_eq!(
            vars(b"POST", Some(b"APPLICATION/x-www-form-urlencoded,x")).map(|v| v.len()),
            Ok(1)
        );
        for (method, ct) in [
            (&b"post"[..], Some(form)),
            (b"PUT", Some(form)),
            (b"POST", None),
            (b"POST", Some(b"application/x-www-form-urlencodedx")),
            (b"POST", Some(b" application/x-www-form-urlencoded")),
        ] {
            assert_eq!(
                vars(method, ct).map(|v| v.len()),
                Ok(0),
                "{method:?} {ct:?}"
            );
        }
    }

    #[test]
    fn a_part_header_too_long_to_read_is_refused_not_cut() {
        let body = |name_len: usize| {
            std::format!(
                "--b\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\nv\r\n--b--\r\n",
                "n".repeat(name_len)
            )
        };
        let (mut e, mut b) = ([Entry::EMPTY; 8], [0u8; 4096]);
        let short = body(900);
        let vars = parse_multipart(
            b"multipart/form-data; boundary=b",
            short.as_bytes(),
            &mut e,
            &mut b,
        );
        assert_eq!(vars.map(|v| v.len()), Ok(1));
        let (mut e, mut b) = ([Entry::EMPTY; 8], [0u8; 4096]);
        let long = body(1100);
        assert_eq!(
            parse_multipart(
                b"multipart/form-data; boundary=b",
                long.as_bytes(),
                &mut e,
                &mut b
            ),
            Err(WpError::Unsupported(Unsupported::LongPartHeader))
        );
    }

    #[test]
    fn php_names() {
        let mut n = *b" a.b c";
        assert_eq!(php_name(&mut n), Ok(Some((Key::Str(b"a_b_c"), &b""[..]))));
        let mut n = *b"a[b.c";
        assert_eq!(php_name(&mut n), Ok(Some((Key::Str(b"a_b_c"), &b""[..]))));
        let mut n = *b"[x";
        assert_eq!(php_name(&mut n), Ok(None));
        let mut n = *b"a.b[x.y]";
        assert_eq!(
            php_name(&mut n),
            Ok(Some((Key::Str(b"a_b"), &b"[x.y]"[..])))
        );
        let mut n = *b"5";
        assert_eq!(php_name(&mut n), Ok(Some((Key::Int(5), &b""[..]))));
        let mut n = *b"05";
        assert_eq!(php_name(&mut n), Ok(Some((Key::Str(b"05"), &b""[..]))));
        let mut n = *b"-0";
        assert_eq!(php_name(&mut n), Ok(Some((Key::Str(b"-0"), &b""[..]))));
    }

    fn vars(query: &[u8]) -> std::vec::Vec<(std::string::String, std::string::String)> {
        let mut entries = [Entry::EMPTY; 32];
        let mut bytes = [0u8; 512];
        let mut e: &mut [Entry<'_>] = &mut entries;
        let mut arena = Arena { rest: &mut bytes };
        let got = php_vars(query, &mut e, &mut arena).unwrap();
        got.iter()
            .map(|x| {
                let k = match x.key {
                    Key::Int(n) => std::format!("{n}"),
                    Key::Str(s) => std::string::String::from_utf8_lossy(s).into_owned(),
                };
                (
                    std::format!("{k}{}", std::string::String::from_utf8_lossy(x.path)),
                    std::string::String::from_utf8_lossy(x.value).into_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn php_arrays() {
        let v = |q: &[u8]| vars(q);
        let pairs = |l: &[(&str, &str)]| {
            l.iter()
                .map(|(a, b)| ((*a).into(), (*b).into()))
                .collect::<std::vec::Vec<(std::string::String, std::string::String)>>()
        };
        assert_eq!(v(b"a[]=1&a[]=2"), pairs(&[("a[0]", "1"), ("a[1]", "2")]));
        assert_eq!(v(b"a[5]=x&a[]=y"), pairs(&[("a[5]", "x"), ("a[6]", "y")]));
        assert_eq!(v(b"a=1&a[]=2&b=3"), pairs(&[("a[0]", "2"), ("b", "3")]));
        assert_eq!(v(b"a[]=1&a=2"), pairs(&[("a", "2")]));
        assert_eq!(
            v(b"a[x][1]=p&a[y]=q&a[x][2]=r"),
            pairs(&[("a[x][1]", "p"), ("a[x][2]", "r"), ("a[y]", "q")])
        );
        assert_eq!(v(b"a[x]=1&a[x]=2"), pairs(&[("a[x]", "2")]));
        assert_eq!(v(b"a[x]y=1"), pairs(&[("a[x]", "1")]));
        assert_eq!(v(b"a[x]=1&a[x][]=2"), pairs(&[("a[x][0]", "2")]));
    }

    /// A signature sent percent-encoded twice (W8: decoded by the header reading, then again)
    /// verifies; fully escaped, an HMAC-SHA256 signature is 132 bytes after the first decoding.
    #[test]
    fn doubly_encoded_sha256_signature_verifies() {
        let site = Site {
            home: b"http://example.com",
            is_ssl: false,
        };
        let auth = |sig: &str| {
            std::format!(
                "OAuth oauth_consumer_key=\"k\", oauth_token=\"t\", oauth_signature_method=\"HMAC-SHA256\", oauth_timestamp=\"1700000000\", oauth_nonce=\"n\", oauth_signature=\"{sig}\""
            )
        };
        let req = |a: &str| {
            let (mut e, mut b) = ([Entry::EMPTY; 64], [0u8; 1024]);
            let r = Request {
                method: b"GET",
                url: b"http://example.com/a?b=1",
                authorization: Some(a.as_bytes()),
                ..Request::default()
            };
            let s = parse(&r, &site, true, &mut e, &mut b).unwrap().unwrap();
            (
                s.signature.len(),
                s.sign(Method::HmacSha256, b"cs", b"ts"),
                s.verify(b"cs", b"ts", None, 900),
                s.verify(b"cs", b"other", None, 900),
            )
        };
        let (_, sig, _, _) = req(&auth("x"));
        let escaped: std::string::String = sig
            .as_bytes()
            .iter()
            .map(|c| std::format!("%25{c:02X}"))
            .collect();
        let (len, _, good, bad) = req(&auth(&escaped));
        assert_eq!(len, 3 * SIGNATURE_MAX);
        assert_eq!(good, Ok(()));
        assert_eq!(bad, Err(WpError::SignatureMismatch));
    }

    #[test]
    fn loose_numbers() {
        assert_eq!(php_number(b" 1700000000"), Some(1.7e9));
        assert_eq!(php_number(b"17e8"), Some(1.7e9));
        assert_eq!(php_number(b"abc"), None);
    }
}
