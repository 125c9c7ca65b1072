//! The PHP and WordPress behaviour around the tokens: PHP 8's loose comparison of a claim with
//! the time, `date()` of a claim, `(int)` casts, `addslashes()`, `sanitize_text_field()`,
//! `sscanf($h, "Bearer %s")`.

use core::cmp::Ordering;

use wp_php::number::{Num, compare_read, numeric_prefix};

use crate::json::Value;

/// A JSON string's bytes, unescaped into `scratch` (`None` if it does not fit).
pub(crate) fn string_bytes<'s>(v: &Value<'_>, scratch: &'s mut [u8]) -> Option<&'s [u8]> {
    let mut n = 0;
    for b in v.string()? {
        *scratch.get_mut(n)? = b;
        n += 1;
    }
    scratch.get(..n)
}

/// PHP 8's `$v <=> $t` for a decoded claim and an integer time; `None` for a claim that is
/// `null` (its check is skipped: `isset()` is false). `Err(())` when the string does not fit the
/// scratch buffer (never, with the buffer the verifier sizes).
pub(crate) fn compare_claim(
    v: &Value<'_>,
    t: i128,
    scratch: &mut [u8],
) -> Result<Option<Ordering>, ()> {
    Ok(Some(match v {
        Value::Null => return Ok(None),
        Value::Int(i) => i128::from(*i).cmp(&t),
        #[allow(clippy::cast_precision_loss)]
        Value::Float(f) => f.partial_cmp(&(t as f64)).unwrap_or(Ordering::Less),
        Value::Str(_) | Value::BigInt(_) => {
            let s = string_bytes(v, scratch).ok_or(())?;
            compare_read(s, numeric_prefix(s), t)
        }
        // Both sides as booleans; the time is truthy unless it is 0.
        Value::Bool(b) => b.cmp(&(t != 0)),
        // An array is greater than anything that is not an array.
        Value::Array(_) => Ordering::Greater,
        // An object compared with a number counts as 1 (with a notice).
        Value::Object(_) => 1.cmp(&t),
    }))
}

/// PHP's implicit `(int)` of a claim passed to `date()`: `None` where PHP throws a TypeError
/// (a non-numeric string, an array, a number outside `int64`).
pub(crate) fn date_int(v: &Value<'_>, scratch: &mut [u8]) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        Value::Float(f) => float_in_range(*f),
        Value::Bool(true) => Some(1),
        Value::Str(_) | Value::BigInt(_) => {
            let s = string_bytes(v, scratch)?;
            match numeric_prefix(s)? {
                (Num::Int(i), true) => Some(i),
                (Num::Float(f), true) => float_in_range(f),
                (_, false) => None,
            }
        }
        _ => None,
    }
}

#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
fn float_in_range(f: f64) -> Option<i64> {
    (f.is_finite() && f >= i64::MIN as f64 && f < i64::MAX as f64).then_some(f as i64)
}

/// `date('Y-m-d\TH:i:sO', $t)` in UTC (PHP's `DATE_ISO8601`), written to `out`.
pub(crate) fn iso8601(t: i64, out: &mut [u8; 32]) -> &str {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let mut w = Writer { buf: out, n: 0 };
    if y < 0 {
        w.push(b'-');
    }
    w.num(y.unsigned_abs(), 4);
    w.push(b'-');
    w.num(u64::from(m), 2);
    w.push(b'-');
    w.num(u64::from(d), 2);
    w.push(b'T');
    w.num(secs.unsigned_abs() / 3600, 2);
    w.push(b':');
    w.num(secs.unsigned_abs() / 60 % 60, 2);
    w.push(b':');
    w.num(secs.unsigned_abs() % 60, 2);
    for &b in b"+0000" {
        w.push(b);
    }
    let n = w.n;
    core::str::from_utf8(out.get(..n).unwrap_or_default()).unwrap_or_default()
}

struct Writer<'b> {
    buf: &'b mut [u8; 32],
    n: usize,
}

impl Writer<'_> {
    fn push(&mut self, b: u8) {
        if let Some(slot) = self.buf.get_mut(self.n) {
            *slot = b;
            self.n += 1;
        }
    }

    /// `v` in decimal, at least `width` digits.
    fn num(&mut self, v: u64, width: usize) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        let mut v = v;
        loop {
            i -= 1;
            if let Some(d) = digits.get_mut(i) {
                *d = b'0' + (v % 10) as u8;
            }
            v /= 10;
            if v == 0 {
                break;
            }
        }
        for _ in (digits.len() - i)..width {
            self.push(b'0');
        }
        for &d in digits.get(i..).unwrap_or_default() {
            self.push(d);
        }
    }
}

/// (year, month, day) of a day count since 1970-01-01 (proleptic Gregorian).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// PHP's `sscanf($header, "Bearer %s")`: the token after `Bearer` and any whitespace, up to the
/// next whitespace; `None` when there is none.
pub(crate) fn bearer_token(header: &[u8]) -> Option<&[u8]> {
    let rest = header.strip_prefix(b"Bearer")?;
    let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    let start = rest.iter().position(|b| !is_space(b))?;
    let rest = rest.get(start..)?;
    // Whitespace is below 0x21: whole words without such a byte are skipped.
    let end = crate::b64::swar::find(
        rest,
        0,
        |w| crate::b64::swar::has_less(w, 0x21),
        |b| is_space(&b),
    )
    .unwrap_or(rest.len());
    rest.get(..end).filter(|t| !t.is_empty())
}

/// PHP-falsy for a string: `""` or `"0"`.
pub(crate) fn falsy(s: &[u8]) -> bool {
    s.is_empty() || s == b"0"
}

/// `addslashes()` (what `wp_magic_quotes()` does to `$_SERVER`), into `out`.
pub(crate) fn addslashes<'o>(s: &[u8], out: &'o mut [u8]) -> Option<&'o [u8]> {
    let mut n = 0;
    let mut put = |b: u8| -> Option<()> {
        *out.get_mut(n)? = b;
        n += 1;
        Some(())
    };
    for &b in s {
        match b {
            b'\'' | b'"' | b'\\' => {
                put(b'\\')?;
                put(b)?;
            }
            0 => {
                put(b'\\')?;
                put(b'0')?;
            }
            _ => put(b)?,
        }
    }
    out.get(..n)
}

/// WordPress's `sanitize_text_field()` on a header value, into `out` (at least as long as
/// `s`, plus three bytes per `<` for `&lt;`): invalid UTF-8 gives `""`; an unclosed `<` becomes
/// `&lt;`, `<script>`/`<style>` blocks and other tags are removed; runs of whitespace become
/// one space and the ends are trimmed; `%XX` octets are removed until none is left.
pub(crate) fn sanitize_text_field<'o>(s: &[u8], out: &'o mut [u8]) -> Option<&'o [u8]> {
    if core::str::from_utf8(s).is_err() {
        return out.get(..0);
    }
    let mut n = 0;
    if s.contains(&b'<') {
        n = strip_tags(s, out)?;
    } else {
        out.get_mut(..s.len())?.copy_from_slice(s);
        n = n.max(s.len());
    }
    // Whitespace runs to one space, trimmed.
    n = collapse(out, n, |b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))?;
    // %XX removal, repeated (str_replace of each found octet, case-sensitive).
    let mut found = false;
    while let Some(pat) = find_octet(out.get(..n)?) {
        found = true;
        // Remove every occurrence of this exact octet, left to right.
        let (mut r, mut w) = (0, 0);
        while r < n {
            if out.get(r..r + 3) == Some(&pat[..]) {
                r += 3;
            } else {
                let b = *out.get(r)?;
                *out.get_mut(w)? = b;
                w += 1;
                r += 1;
            }
        }
        n = w;
    }
    if found {
        n = collapse(out, n, |b| b == b' ')?;
    }
    out.get(..n)
}

/// The first `%XX` octet (hex digits in any case).
fn find_octet(text: &[u8]) -> Option<[u8; 3]> {
    text.windows(3).find_map(|w| match *w {
        [b'%', h, l] if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => Some([b'%', h, l]),
        _ => None,
    })
}

/// Runs of `ws` bytes to one space, then trims PHP's `trim()` set at both ends.
fn collapse(buf: &mut [u8], n: usize, ws: impl Fn(u8) -> bool) -> Option<usize> {
    let mut w = 0;
    let mut in_run = false;
    for r in 0..n {
        let b = *buf.get(r)?;
        if ws(b) {
            if !in_run {
                *buf.get_mut(w)? = b' ';
                w += 1;
            }
            in_run = true;
        } else {
            *buf.get_mut(w)? = b;
            w += 1;
            in_run = false;
        }
    }
    let r = wp_php::trim_range(buf.get(..w)?);
    let len = r.len();
    buf.copy_within(r, 0);
    Some(len)
}

/// `wp_strip_all_tags()` after `wp_pre_kses_less_than()`: returns the length written.
fn strip_tags(s: &[u8], out: &mut [u8]) -> Option<usize> {
    let mut n = 0;
    let mut put = |bytes: &[u8]| -> Option<()> {
        out.get_mut(n..n + bytes.len())?.copy_from_slice(bytes);
        n += bytes.len();
        Some(())
    };
    let mut i = 0;
    while let Some(&b) = s.get(i) {
        if b != b'<' {
            put(&[b])?;
            i += 1;
            continue;
        }
        // The tag runs to the next `>`, unless another `<` or the end comes first.
        let rest = s.get(i + 1..)?;
        let gt = rest.iter().position(|&c| c == b'>');
        let lt = rest.iter().position(|&c| c == b'<');
        match gt {
            Some(g) if lt.is_none_or(|l| g < l) => {
                let tag = rest.get(..g)?;
                let name_end = tag
                    .iter()
                    .position(|c| !c.is_ascii_alphabetic())
                    .unwrap_or(tag.len());
                let name = tag.get(..name_end)?;
                let block = [&b"script"[..], b"style"]
                    .into_iter()
                    .find(|t| name.eq_ignore_ascii_case(t));
                let after = i + 1 + g + 1;
                // A script or style block goes with its content, when it is closed.
                i = match block.and_then(|t| find_close(s.get(after..)?, t)) {
                    Some(end) => after + end,
                    None => after,
                };
            }
            _ => {
                // An unclosed `<`: escaped, with what follows up to the next `<`.
                let end = lt.map_or(s.len(), |l| i + 1 + l);
                put(b"&lt;")?;
                put(s.get(i + 1..end)?)?;
                i = end;
            }
        }
    }
    Some(n)
}

/// The end of `</name ...>` in `s` (case-insensitive), if any.
fn find_close(s: &[u8], name: &[u8]) -> Option<usize> {
    (0..s.len()).find_map(|i| {
        let at = s.get(i..)?;
        let named = at.get(2..2 + name.len())?;
        if at.starts_with(b"</") && named.eq_ignore_ascii_case(name) {
            at.iter().position(|&b| b == b'>').map(|gt| i + gt + 1)
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_php_prints_them() {
        let mut b = [0u8; 32];
        assert_eq!(iso8601(1_767_222_000, &mut b), "2025-12-31T23:00:00+0000");
        assert_eq!(iso8601(0, &mut b), "1970-01-01T00:00:00+0000");
        assert_eq!(iso8601(-1, &mut b), "1969-12-31T23:59:59+0000");
        assert_eq!(iso8601(951_782_400, &mut b), "2000-02-29T00:00:00+0000");
    }

    #[test]
    fn bearer_as_sscanf_reads_it() {
        assert_eq!(bearer_token(b"Bearer abc"), Some(&b"abc"[..]));
        assert_eq!(bearer_token(b"Bearerabc"), Some(&b"abc"[..]));
        assert_eq!(bearer_token(b"Bearer \t abc def"), Some(&b"abc"[..]));
        assert_eq!(bearer_token(b"Bearerish x"), Some(&b"ish"[..]));
        assert_eq!(bearer_token(b"Bearer "), None);
        assert_eq!(bearer_token(b"bearer abc"), None);
    }

    #[test]
    fn sanitize_as_wordpress() {
        let mut out = [0u8; 128];
        let s = |x: &[u8], out: &mut [u8; 128]| sanitize_text_field(x, out).map(<[u8]>::to_vec);
        assert_eq!(s(b"  Bearer   a\tb  ", &mut out).unwrap(), b"Bearer a b");
        assert_eq!(s(b"Bearer a%41b", &mut out).unwrap(), b"Bearer ab");
        assert_eq!(s(b"Bearer a<b>c", &mut out).unwrap(), b"Bearer ac");
        assert_eq!(s(b"Bearer a<bc", &mut out).unwrap(), b"Bearer a&lt;bc");
        assert_eq!(s(b"Bearer \xff", &mut out).unwrap(), b"");
        assert_eq!(s(b"x<script>y</script>z", &mut out).unwrap(), b"xz");
    }
}
