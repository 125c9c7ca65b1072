//! How PHP reads request input into `$_GET` and `$_POST`, into the caller's buffers.

use crate::url::urldecode;
use crate::{ArrayKey, Error};

/// One leaf of a PHP array: a variable after PHP's reading (names and values decoded). Members of a PHP array parameter (`a[]=1&a[x]=2`) are consecutive entries with
/// the same top-level key and their index path (`[0]`, `[x]`).
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    /// The top-level name.
    pub key: ArrayKey<'a>,
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
    pub const EMPTY: Entry<'static> = Entry::new(ArrayKey::Int(0), b"", b"");

    /// An entry.
    #[must_use]
    pub const fn new(key: ArrayKey<'a>, path: &'a [u8], value: &'a [u8]) -> Self {
        Self {
            key,
            path,
            value,
            order: 0,
        }
    }
}

/// PHP's array keys in a total order (integers first), for sorting.
fn cmp_keys(a: ArrayKey<'_>, b: ArrayKey<'_>) -> core::cmp::Ordering {
    match (a, b) {
        (ArrayKey::Int(x), ArrayKey::Int(y)) => x.cmp(&y),
        (ArrayKey::Int(_), ArrayKey::Str(_)) => core::cmp::Ordering::Less,
        (ArrayKey::Str(_), ArrayKey::Int(_)) => core::cmp::Ordering::Greater,
        (ArrayKey::Str(x), ArrayKey::Str(y)) => x.cmp(y),
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

    fn push(&mut self, e: Entry<'a>) -> Result<(), Error> {
        self.insert(self.len, e)
    }

    fn insert(&mut self, at: usize, e: Entry<'a>) -> Result<(), Error> {
        let len = self.len;
        let tail = self.slots.get_mut(at..=len).ok_or(Error::BufferTooSmall)?;
        tail.rotate_right(1);
        *tail.first_mut().ok_or(Error::BufferTooSmall)? = e;
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
    fn group(&self, key: ArrayKey<'_>) -> Option<core::ops::Range<usize>> {
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
    fn set(&mut self, e: Entry<'a>) -> Result<(), Error> {
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
    fn merge(&mut self, parts: [&[Entry<'a>]; 2]) -> Result<(), Error> {
        let mut next = 0i64;
        let groups = parts
            .into_iter()
            .flat_map(|part| part.chunk_by(|a, b| a.key == b.key));
        for (group, members) in (0u64..).zip(groups) {
            let key = match members.first().map(|e| e.key) {
                Some(ArrayKey::Int(_)) => {
                    next += 1;
                    ArrayKey::Int(next - 1)
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
    /// `urldecode($raw)` into the arena.
    fn decode(&mut self, raw: &[u8]) -> Result<&'a mut [u8], Error> {
        let rest = core::mem::take(&mut self.rest);
        if rest.len() < raw.len() {
            self.rest = rest;
            return Err(Error::BufferTooSmall);
        }
        let (slot, rest) = rest.split_at_mut(raw.len());
        // Decoding never lengthens: the slot of `raw`'s length holds it.
        let mut n = 0;
        for (d, b) in slot.iter_mut().zip(urldecode(raw)) {
            *d = b;
            n += 1;
        }
        let (used, spare) = slot.split_at_mut(n);
        let _ = spare;
        self.rest = rest;
        Ok(used)
    }
}

impl<'a> Arena<'a> {
    fn copy(&mut self, bytes: &[u8]) -> Result<&'a [u8], Error> {
        let slot: &'a mut [u8] = self.copy_mut(bytes)?;
        Ok(slot)
    }

    fn copy_mut(&mut self, bytes: &[u8]) -> Result<&'a mut [u8], Error> {
        let rest = core::mem::take(&mut self.rest);
        if rest.len() < bytes.len() {
            self.rest = rest;
            return Err(Error::BufferTooSmall);
        }
        let (slot, rest) = rest.split_at_mut(bytes.len());
        slot.copy_from_slice(bytes);
        self.rest = rest;
        Ok(slot)
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// How many variables PHP reads from one source (`max_input_vars`).
pub const MAX_INPUT_VARS: usize = 1000;

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
) -> Result<&'a [Entry<'a>], Error> {
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
            return Err(Error::LongPartHeader);
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
) -> Result<&'a [Entry<'a>], Error> {
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
        let name = arena.decode(name)?;
        let value: &'a [u8] = arena.decode(value)?;
        register(&mut map, arena, name, value)?;
    }
    let vars: &'a [Entry<'a>] = map.finish(entries);
    Ok(vars)
}

/// `php_register_variable_ex`'s name rules on a decoded name: read up to a NUL, leading
/// spaces dropped, `.` and space become `_`; an unclosed `[` becomes `_` (the rest is kept as
/// is); an empty name is dropped. Canonical decimal integers become integer keys.
fn php_name(name: &mut [u8]) -> Result<Option<(ArrayKey<'_>, &[u8])>, Error> {
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
            return Ok(Some((
                int_key(base).map_or(ArrayKey::Str(base), ArrayKey::Int),
                rest,
            )));
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
        int_key(name).map_or(ArrayKey::Str(name), ArrayKey::Int),
        indexes,
    )))
}

/// The longest index path (`[k1][k2]…`, after `[]` became numbers) this crate builds; a longer
/// one is [`Error::LongIndexPath`] (PHP has no such limit, but 64 levels of keys this long are
/// no request a site expects).
pub const MAX_INDEX_PATH: usize = 512;

/// PHP's `max_input_nesting_level`.
const MAX_NESTING: usize = 64;

/// `$base[k1][k2]… = value` for the index part `[k1][k2]…` of a name (a `[]` appends; an
/// unclosed inner `[` or anything after a `]` other than `[` ends the path): scalars on the
/// way become arrays, an existing leaf is overwritten in place, a new leaf goes after the last
/// member of the deepest array that already exists.
fn register_array<'a>(
    map: &mut Map<'a>,
    arena: &mut Arena<'a>,
    key: ArrayKey<'a>,
    indexes: &[u8],
    value: &'a [u8],
) -> Result<(), Error> {
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
    let mut path = [0u8; MAX_INDEX_PATH];
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
        let mut digits = [0u8; 40];
        // `[]` appends; so does an index of one whitespace byte (as PHP reads it).
        let append = matches!(index, [] | [b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r']);
        let index: &[u8] = if append {
            let n = next_index(members, prefix);
            crate::number::decimal(i128::from(n), &mut digits)
        } else {
            index
        };
        let piece_len = index.len() + 2;
        let dst = path
            .get_mut(len..len + piece_len)
            .ok_or(Error::LongIndexPath)?;
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
) -> Result<(), Error> {
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

/// The media type PHP's SAPI looks up a body's reader by: the `Content-Type` value up to its
/// first `;`, `,` or space, compared without case.
fn php_media_type(content_type: &[u8]) -> &[u8] {
    let end = content_type
        .iter()
        .position(|&b| matches!(b, b';' | b',' | b' '))
        .unwrap_or(content_type.len());
    content_type.get(..end).unwrap_or_default()
}

fn post_vars_in<'a>(
    method: &[u8],
    content_type: Option<&[u8]>,
    body: &[u8],
    entries: &mut &'a mut [Entry<'a>],
    arena: &mut Arena<'a>,
) -> Result<&'a [Entry<'a>], Error> {
    let Some(ct) = content_type.filter(|_| method == b"POST") else {
        return Ok(&[]);
    };
    let media = php_media_type(ct);
    if media.eq_ignore_ascii_case(b"application/x-www-form-urlencoded") {
        php_vars(body, entries, arena)
    } else if media.eq_ignore_ascii_case(b"multipart/form-data") {
        multipart_vars(ct, body, entries, arena)
    } else {
        Ok(&[])
    }
}

/// The caller's working memory for reading request input the way PHP does: entries for the
/// arrays built, bytes for decoded names, values and index paths. Each reading takes what it
/// needs from the front and returns a slice that lives as long as the memory; eight entries per
/// variable and four times the input's length in bytes are always enough.
///
/// ```
/// use wp_php::{ArrayKey, Entry, Input};
///
/// let mut entries = [Entry::EMPTY; 16];
/// let mut bytes = [0u8; 256];
/// let mut input = Input::new(&mut entries, &mut bytes);
/// let get = input.parse_str(b"a.b=1&c[]=x&c[]=y&5=five").unwrap();
/// assert_eq!(get[0], Entry::new(ArrayKey::Str(b"a_b"), b"", b"1"));
/// assert_eq!(get[2], Entry::new(ArrayKey::Str(b"c"), b"[1]", b"y"));
/// assert_eq!(get[3], Entry::new(ArrayKey::Int(5), b"", b"five"));
/// ```
pub struct Input<'a> {
    entries: &'a mut [Entry<'a>],
    arena: Arena<'a>,
}

impl<'a> Input<'a> {
    /// Working memory from the caller's buffers.
    #[must_use]
    pub fn new(entries: &'a mut [Entry<'a>], bytes: &'a mut [u8]) -> Self {
        Self {
            entries,
            arena: Arena { rest: bytes },
        }
    }

    /// PHP's `parse_str()` — the same reading that fills `$_GET` from a query string and
    /// `$_POST` from a form body: pairs split at `&`, `urldecode`d, names mangled and PHP
    /// arrays built as PHP builds them (see [`Entry`]), the first [`MAX_INPUT_VARS`] pairs only.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`]; [`Error::LongIndexPath`] for an index path over
    /// [`MAX_INDEX_PATH`] bytes.
    pub fn parse_str(&mut self, raw: &[u8]) -> Result<&'a [Entry<'a>], Error> {
        php_vars(raw, &mut self.entries, &mut self.arena)
    }

    /// PHP's reading of a `multipart/form-data` body into `$_POST` (its RFC 1867 handler):
    /// the boundary from the `Content-Type` value (`boundary=`, quoted or up to `;`/`,`), parts
    /// after the first line that is exactly `--boundary`, headers with folding, and for every
    /// part whose `Content-Disposition` has a `name` and no `filename` (files go to
    /// `$_FILES`), the value up to the next `\n--boundary` (one `\r` before it dropped),
    /// registered like [`Input::parse_str`]'s pairs. No boundary, or none in the body: nothing.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`]; [`Error::LongPartHeader`] for a part whose
    /// `Content-Disposition` is longer than 1,024 bytes (refused rather than read cut short).
    pub fn parse_multipart(
        &mut self,
        content_type: &[u8],
        body: &[u8],
    ) -> Result<&'a [Entry<'a>], Error> {
        multipart_vars(content_type, body, &mut self.entries, &mut self.arena)
    }

    /// PHP's `$_POST` for a request: filled only when the method is exactly `POST` (PHP
    /// compares it case-sensitively) and the body is a form
    /// (`application/x-www-form-urlencoded`, read as [`Input::parse_str`]) or
    /// `multipart/form-data` (read as [`Input::parse_multipart`]); empty for any other method
    /// or content type, or without one. The media type is the `Content-Type` value up to its
    /// first `;`, `,` or space, compared without case.
    ///
    /// # Errors
    /// As [`Input::parse_str`] and [`Input::parse_multipart`].
    pub fn post(
        &mut self,
        method: &[u8],
        content_type: Option<&[u8]>,
        body: &[u8],
    ) -> Result<&'a [Entry<'a>], Error> {
        post_vars_in(
            method,
            content_type,
            body,
            &mut self.entries,
            &mut self.arena,
        )
    }

    /// `$a[$name] = urldecode($raw)` for each pair in order, into a new array: a repeated
    /// name replaces the earlier value in place (O(n log n) for any number of names).
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`].
    pub fn assign_urldecoded<'n>(
        &mut self,
        pairs: impl IntoIterator<Item = (&'a [u8], &'n [u8])>,
    ) -> Result<&'a [Entry<'a>], Error> {
        let mut map = Map::take(&mut self.entries);
        for (name, raw) in pairs {
            let decoded: &'a [u8] = self.arena.decode(raw)?;
            // Each pair its own group: a repeated name replaces the earlier value in place.
            let order = (map.len as u64) << 32;
            map.push(Entry {
                order,
                ..Entry::new(ArrayKey::Str(name), b"", decoded)
            })?;
        }
        map.len = assign_groups(map.slots.get_mut(..map.len).unwrap_or_default());
        let out: &'a [Entry<'a>] = map.finish(&mut self.entries);
        Ok(out)
    }

    /// `array_merge($a, $b)` into a new array: integer keys renumbered from 0, a string key
    /// already present replaced in place (a whole PHP array at once).
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`].
    pub fn array_merge(
        &mut self,
        a: &[Entry<'a>],
        b: &[Entry<'a>],
    ) -> Result<&'a mut [Entry<'a>], Error> {
        let mut map = Map::take(&mut self.entries);
        map.merge([a, b])?;
        Ok(map.finish(&mut self.entries))
    }
}

/// Sorts entries stably (PHP 8's sorts are stable: equal elements keep their order) without
/// allocating.
pub fn sort_stable_by(
    entries: &mut [Entry<'_>],
    mut cmp: impl FnMut(&Entry<'_>, &Entry<'_>) -> core::cmp::Ordering,
) {
    for (i, e) in (0u64..).zip(entries.iter_mut()) {
        e.order = i;
    }
    entries.sort_unstable_by(|a, b| cmp(a, b).then(a.order.cmp(&b.order)));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The merge as PHP does it, one group at a time: a key already present is replaced in
    /// place (its whole group), a new key is appended; integer keys are renumbered.
    fn reference_merge<'a>(parts: [&[Entry<'a>]; 2]) -> std::vec::Vec<Entry<'a>> {
        let mut out: std::vec::Vec<Entry<'a>> = std::vec::Vec::new();
        let mut next = 0;
        for part in parts {
            for group in part.chunk_by(|a, b| a.key == b.key) {
                let key = match group[0].key {
                    ArrayKey::Int(_) => {
                        next += 1;
                        ArrayKey::Int(next - 1)
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
            ArrayKey::Str(b"a"),
            ArrayKey::Str(b"b"),
            ArrayKey::Str(b"oauth_x"),
            ArrayKey::Int(3),
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

    #[test]
    fn post_vars_only_for_post_exactly_with_a_form_or_multipart_type() {
        let vars = |method: &[u8], ct: Option<&[u8]>| {
            let (mut e, mut b) = ([Entry::EMPTY; 4], [0u8; 64]);
            Input::new(&mut e, &mut b)
                .post(method, ct, b"a=%FF")
                .map(|v| {
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
        let vars = Input::new(&mut e, &mut b)
            .parse_multipart(b"multipart/form-data; boundary=b", short.as_bytes());
        assert_eq!(vars.map(|v| v.len()), Ok(1));
        let (mut e, mut b) = ([Entry::EMPTY; 8], [0u8; 4096]);
        let long = body(1100);
        assert_eq!(
            Input::new(&mut e, &mut b)
                .parse_multipart(b"multipart/form-data; boundary=b", long.as_bytes()),
            Err(Error::LongPartHeader)
        );
    }

    #[test]
    fn an_index_path_too_long_to_build_is_refused_not_cut() {
        let (mut e, mut b) = ([Entry::EMPTY; 8], [0u8; 4096]);
        let fits = std::format!("a[{}]=1", "x".repeat(MAX_INDEX_PATH - 2));
        let vars = Input::new(&mut e, &mut b).parse_str(fits.as_bytes());
        assert_eq!(vars.map(|v| v[0].path.len()), Ok(MAX_INDEX_PATH));
        let (mut e, mut b) = ([Entry::EMPTY; 8], [0u8; 4096]);
        let long = std::format!("a[{}]=1", "x".repeat(MAX_INDEX_PATH - 1));
        assert_eq!(
            Input::new(&mut e, &mut b).parse_str(long.as_bytes()),
            Err(Error::LongIndexPath)
        );
    }

    #[test]
    fn php_names() {
        let mut n = *b" a.b c";
        assert_eq!(
            php_name(&mut n),
            Ok(Some((ArrayKey::Str(b"a_b_c"), &b""[..])))
        );
        let mut n = *b"a[b.c";
        assert_eq!(
            php_name(&mut n),
            Ok(Some((ArrayKey::Str(b"a_b_c"), &b""[..])))
        );
        let mut n = *b"[x";
        assert_eq!(php_name(&mut n), Ok(None));
        let mut n = *b"a.b[x.y]";
        assert_eq!(
            php_name(&mut n),
            Ok(Some((ArrayKey::Str(b"a_b"), &b"[x.y]"[..])))
        );
        let mut n = *b"5";
        assert_eq!(php_name(&mut n), Ok(Some((ArrayKey::Int(5), &b""[..]))));
        let mut n = *b"05";
        assert_eq!(php_name(&mut n), Ok(Some((ArrayKey::Str(b"05"), &b""[..]))));
        let mut n = *b"-0";
        assert_eq!(php_name(&mut n), Ok(Some((ArrayKey::Str(b"-0"), &b""[..]))));
    }

    fn vars(query: &[u8]) -> std::vec::Vec<(std::string::String, std::string::String)> {
        let mut entries = [Entry::EMPTY; 32];
        let mut bytes = [0u8; 512];
        let got = Input::new(&mut entries, &mut bytes)
            .parse_str(query)
            .unwrap();
        got.iter()
            .map(|x| {
                let k = match x.key {
                    ArrayKey::Int(n) => std::format!("{n}"),
                    ArrayKey::Str(s) => std::string::String::from_utf8_lossy(s).into_owned(),
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
}
