//! Minting: the plugins' own tokens byte for byte (php-jwt's `JWT::encode` of their claims,
//! `json_encode($claims, JSON_UNESCAPED_SLASHES)`), and — with `alloc` — any claims.

use crate::{Config, Keyed, b64, php};

/// A cursor over the caller's output buffer.
struct Out<'o> {
    buf: &'o mut [u8],
    n: usize,
    ok: bool,
}

impl Out<'_> {
    fn put(&mut self, bytes: &[u8]) {
        match self.buf.get_mut(self.n..self.n + bytes.len()) {
            Some(dst) => {
                dst.copy_from_slice(bytes);
                self.n += bytes.len();
            }
            None => self.ok = false,
        }
    }
}

/// A string as `json_encode(…, JSON_UNESCAPED_SLASHES)` writes it; `false` for invalid UTF-8
/// (PHP's `json_encode()` fails there).
fn php_json_str(s: &[u8], mut put: impl FnMut(&[u8])) -> bool {
    let Ok(s) = core::str::from_utf8(s) else {
        return false;
    };
    put(b"\"");
    for c in s.chars() {
        match c {
            '"' => put(b"\\\""),
            '\\' => put(b"\\\\"),
            '\u{8}' => put(b"\\b"),
            '\u{c}' => put(b"\\f"),
            '\n' => put(b"\\n"),
            '\r' => put(b"\\r"),
            '\t' => put(b"\\t"),
            '\u{0}'..='\u{1f}' | '\u{80}'.. => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let hex = b"0123456789abcdef";
                    let d = |shift: u16| {
                        hex.get(usize::from((*u >> shift) & 0xf))
                            .copied()
                            .unwrap_or(b'0')
                    };
                    put(&[b'\\', b'u', d(12), d(8), d(4), d(0)]);
                }
            }
            _ => {
                let mut b = [0u8; 4];
                put(c.encode_utf8(&mut b).as_bytes());
            }
        }
    }
    put(b"\"");
    true
}

fn decimal(v: i64, buf: &mut [u8; 40]) -> &[u8] {
    wp_php::number::decimal(i128::from(v), buf)
}

/// Signs `payload` (JSON text) under `key` as php-jwt does and writes the token to `out`.
fn sign_into<'o>(key: &Keyed, alg: &str, payload: &[u8], out: &'o mut [u8]) -> Option<&'o str> {
    let mut o = Out {
        buf: out,
        n: 0,
        ok: true,
    };
    let mut header = [0u8; 64];
    let mut h = Out {
        buf: &mut header,
        n: 0,
        ok: true,
    };
    h.put(b"{\"typ\":\"JWT\",\"alg\":\"");
    h.put(alg.as_bytes());
    h.put(b"\"}");
    if !h.ok {
        return None;
    }
    let hn = h.n;
    b64::encode(header.get(..hn)?, |c| o.put(c));
    o.put(b".");
    b64::encode(payload, |c| o.put(c));
    if !o.ok {
        return None;
    }
    let signed_len = o.n;
    let mut mac_out = [0u8; 64];
    let mac = mac_of(key, o.buf.get(..signed_len)?, &mut mac_out)?;
    o.put(b".");
    b64::encode(mac, |c| o.put(c));
    if !o.ok {
        return None;
    }
    let n = o.n;
    core::str::from_utf8(o.buf.get(..n)?).ok()
}

fn mac_of<'m>(key: &Keyed, message: &[u8], out: &'m mut [u8; 64]) -> Option<&'m [u8]> {
    fn run<M: hmac::Mac + Clone>(m: &M, message: &[u8], out: &mut [u8; 64]) -> usize {
        let mut m = m.clone();
        m.update(message);
        let mac = m.finalize().into_bytes();
        let n = mac.len().min(64);
        if let (Some(dst), Some(src)) = (out.get_mut(..n), mac.get(..n)) {
            dst.copy_from_slice(src);
        }
        n
    }
    let n = match key {
        Keyed::Hs256(m) => run(m, message, out),
        Keyed::Hs384(m) => run(m, message, out),
        Keyed::Hs512(m) => run(m, message, out),
        Keyed::None => return None,
    };
    out.get(..n)
}

/// Writes `{"iss":…,"iat":…,"nbf":…,"exp":…,"data":{"user":{"id":……}}}` and signs it: the id
/// as a string or a number, then what `more` writes.
fn mint_layout<'o>(
    cfg: &Config<'_>,
    https: bool,
    times: [i64; 3],
    user: (u64, bool),
    more: impl FnOnce(&mut dyn FnMut(&[u8])) -> bool,
    out: &'o mut [u8],
) -> Option<&'o str> {
    let alg = crate::Alg::from_name(cfg.alg)?.name();
    if !cfg.secret_usable {
        return None;
    }
    let mut payload = [0u8; 1024];
    let mut p = Out {
        buf: &mut payload,
        n: 0,
        ok: true,
    };
    let mut iss = [0u8; 512];
    let iss = cfg.issuer(https, &mut iss)?;
    p.put(b"{\"iss\":");
    if !php_json_str(iss, |b| p.put(b)) {
        return None;
    }
    let mut d = [0u8; 40];
    for (name, t) in [&b",\"iat\":"[..], b",\"nbf\":", b",\"exp\":"]
        .into_iter()
        .zip(times)
    {
        p.put(name);
        p.put(decimal(t, &mut d));
    }
    let (id, quoted) = user;
    let quote: &[u8] = if quoted { b"\"" } else { b"" };
    p.put(b",\"data\":{\"user\":{\"id\":");
    p.put(quote);
    p.put(wp_php::number::decimal(i128::from(id), &mut d));
    p.put(quote);
    if !more(&mut |b| p.put(b)) {
        return None;
    }
    p.put(b"}}}");
    if !p.ok {
        return None;
    }
    let n = p.n;
    sign_into(&cfg.key, alg, payload.get(..n)?, out)
}

/// The token Tmeister's `/token` endpoint issues for `user_id` at `now` (`iat` = `nbf` = now,
/// `exp` = now + 7 days, `data.user.id` a string), on a request over TLS or not (the issuer
/// follows it). `None` when the site is not configured for an HMAC algorithm or `out` is too
/// small (`iss` up to 500 bytes; 1 KiB of output is plenty).
pub fn mint_tmeister<'o>(
    cfg: &Config<'_>,
    https: bool,
    now: i64,
    user_id: u64,
    out: &'o mut [u8],
) -> Option<&'o str> {
    let times = [now, now, now.saturating_add(604_800)];
    mint_layout(cfg, https, times, (user_id, true), |_| true, out)
}

/// The token Useful Team's `/token` endpoint issues (`exp` = now + 10 minutes; `data.user` =
/// `{"id": <number>, "device": …, "pass": …}`), `device` as [`usefulteam_device`] leaves it and
/// `pass` the user's `jwt_auth_pass`.
pub fn mint_usefulteam<'o>(
    cfg: &Config<'_>,
    https: bool,
    now: i64,
    user_id: u64,
    device: &[u8],
    pass: &[u8],
    out: &'o mut [u8],
) -> Option<&'o str> {
    let times = [now, now, now.saturating_add(600)];
    let more = |put: &mut dyn FnMut(&[u8])| {
        put(b",\"device\":");
        let ok = php_json_str(device, &mut *put);
        put(b",\"pass\":");
        ok && php_json_str(pass, &mut *put)
    };
    mint_layout(cfg, https, times, (user_id, false), more, out)
}

/// Useful Team's reading of the `device` field: `sanitize_text_field()`, some accented
/// letters transliterated, then only `[A-Za-z0-9 ]` kept. Writes into `out` (as long as `raw`
/// times four).
pub fn usefulteam_device<'o>(raw: &[u8], out: &'o mut [u8]) -> Option<&'o [u8]> {
    let mut tmp = [0u8; 1024];
    let sanitized = php::sanitize_text_field(raw, &mut tmp)?;
    let text = core::str::from_utf8(sanitized).ok()?;
    let mut n = 0;
    for c in text.chars() {
        let mapped = match c {
            'À'..='Å' => 'A',
            'à'..='å' => 'a',
            'È'..='Ë' => 'E',
            'è'..='ë' => 'e',
            'Ì'..='Ï' => 'I',
            'ì'..='ï' => 'i',
            'Ò'..='Ö' | 'Ø' => 'O',
            'ò'..='ö' | 'ø' => 'o',
            'Ù'..='Ü' => 'U',
            'ù'..='ü' => 'u',
            'Ç' | 'Č' | 'Ć' => 'C',
            'ç' | 'č' | 'ć' => 'c',
            'Š' => 'S',
            'š' => 's',
            'Ž' => 'Z',
            'ž' => 'z',
            'Ñ' => 'N',
            'ñ' => 'n',
            'Ý' => 'Y',
            'ý' | 'ÿ' => 'y',
            'Đ' => 'D',
            'đ' => 'd',
            other => other,
        };
        if mapped.is_ascii_alphanumeric() || mapped == ' ' {
            *out.get_mut(n)? = mapped as u8;
            n += 1;
        }
    }
    out.get(..n)
}

#[cfg(feature = "alloc")]
pub use claims::{MintError, mint_claims};

#[cfg(feature = "alloc")]
mod claims {
    use alloc::string::String;
    use alloc::vec::Vec;
    use core::fmt;

    use super::{php_json_str, sign_into};
    use crate::{Alg, Keyed};

    /// Why [`mint_claims`] could not mint.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    #[non_exhaustive]
    pub enum MintError {
        /// The claims are not JSON PHP decodes (or nest 512 deep).
        Claims,
        /// A number PHP cannot encode (infinite).
        Infinite,
    }

    impl fmt::Display for MintError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(match self {
                Self::Claims => "the claims are not JSON PHP decodes",
                Self::Infinite => "an infinite number cannot be JSON encoded",
            })
        }
    }

    impl core::error::Error for MintError {}

    /// A PHP value from `json_decode(…, true)`.
    enum Php {
        Null,
        Bool(bool),
        Int(i64),
        Float(f64),
        Str(Vec<u8>),
        /// An array: keys (int or string) in insertion order.
        Array(Vec<(Key, Php)>),
    }

    #[derive(PartialEq)]
    enum Key {
        Int(i64),
        Str(Vec<u8>),
    }

    /// PHP's array key for a string: a canonical decimal integer becomes an int key.
    fn key_of(s: Vec<u8>) -> Key {
        let canonical = !s.is_empty()
            && (s == b"0"
                || (s.first() != Some(&b'0')
                    && s.first() != Some(&b'-')
                    && s.iter().all(u8::is_ascii_digit))
                || (s.first() == Some(&b'-')
                    && s.get(1).is_some_and(|&d| (b'1'..=b'9').contains(&d))
                    && s.iter().skip(1).all(u8::is_ascii_digit)));
        if canonical
            && let Some(i) = core::str::from_utf8(&s)
                .ok()
                .and_then(|t| t.parse::<i64>().ok())
        {
            return Key::Int(i);
        }
        Key::Str(s)
    }

    struct P<'t> {
        t: &'t [u8],
        i: usize,
    }

    impl P<'_> {
        fn ws(&mut self) {
            while matches!(self.t.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                self.i += 1;
            }
        }

        fn value(&mut self, depth: usize) -> Result<Php, MintError> {
            if depth > 511 {
                return Err(MintError::Claims);
            }
            self.ws();
            let rest = self.t.get(self.i..).unwrap_or_default();
            match rest.first() {
                Some(b'{') | Some(b'[') => {
                    let object = rest.first() == Some(&b'{');
                    let close = if object { b'}' } else { b']' };
                    self.i += 1;
                    let mut items: Vec<(Key, Php)> = Vec::new();
                    let mut next_index = 0i64;
                    self.ws();
                    if self.t.get(self.i) == Some(&close) {
                        self.i += 1;
                        return Ok(Php::Array(items));
                    }
                    loop {
                        let key = if object {
                            self.ws();
                            let Php::Str(k) = self.string()? else {
                                return Err(MintError::Claims);
                            };
                            self.ws();
                            if self.t.get(self.i) != Some(&b':') {
                                return Err(MintError::Claims);
                            }
                            self.i += 1;
                            key_of(k)
                        } else {
                            Key::Int(next_index)
                        };
                        let v = self.value(depth + 1)?;
                        if let Key::Int(k) = key {
                            next_index = next_index.max(k.saturating_add(1));
                        }
                        match items.iter_mut().find(|(k, _)| *k == key) {
                            Some(slot) => slot.1 = v,
                            None => items.push((key, v)),
                        }
                        self.ws();
                        match self.t.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(c) if *c == close => {
                                self.i += 1;
                                return Ok(Php::Array(items));
                            }
                            _ => return Err(MintError::Claims),
                        }
                    }
                }
                Some(b'"') => self.string(),
                _ => {
                    for (lit, v) in [
                        (&b"true"[..], Php::Bool(true)),
                        (b"false", Php::Bool(false)),
                        (b"null", Php::Null),
                    ] {
                        if rest.starts_with(lit) {
                            self.i += lit.len();
                            return Ok(v);
                        }
                    }
                    let end = rest
                        .iter()
                        .position(|b| !matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                        .unwrap_or(rest.len());
                    let text = core::str::from_utf8(rest.get(..end).unwrap_or_default())
                        .map_err(|_| MintError::Claims)?;
                    self.i += end;
                    if text.is_empty() {
                        return Err(MintError::Claims);
                    }
                    if text.bytes().all(|b| b.is_ascii_digit() || b == b'-')
                        && let Ok(i) = text.parse::<i64>()
                    {
                        return Ok(Php::Int(i));
                    }
                    text.parse::<f64>()
                        .map(Php::Float)
                        .map_err(|_| MintError::Claims)
                }
            }
        }

        fn string(&mut self) -> Result<Php, MintError> {
            let start = self.i;
            let mut j = start + 1;
            loop {
                match self.t.get(j) {
                    None => return Err(MintError::Claims),
                    Some(b'"') => break,
                    Some(b'\\') => j += 2,
                    Some(_) => j += 1,
                }
            }
            let raw = self.t.get(start + 1..j).ok_or(MintError::Claims)?;
            self.i = j + 1;
            let mut caps = [None];
            let quoted = self.t.get(start..=j).ok_or(MintError::Claims)?;
            let paths: &[&[&[u8]]] = &[];
            crate::json::decode(quoted, &mut crate::json::Captures::new(paths, &mut caps))
                .map_err(|_| MintError::Claims)?;
            Ok(Php::Str(
                crate::json::Value::Str(raw)
                    .string()
                    .map(Iterator::collect)
                    .unwrap_or_default(),
            ))
        }
    }

    fn is_list(items: &[(Key, Php)]) -> bool {
        items
            .iter()
            .enumerate()
            .all(|(i, (k, _))| *k == Key::Int(i64::try_from(i).unwrap_or(-1)))
    }

    /// PHP's `json_encode()` of a double (`serialize_precision` -1).
    fn float(f: f64, out: &mut Vec<u8>) -> Result<(), MintError> {
        if !f.is_finite() {
            return Err(MintError::Infinite);
        }
        if f == 0.0 {
            out.extend_from_slice(if f.is_sign_negative() { b"-0" } else { b"0" });
            return Ok(());
        }
        // Shortest round-trip digits and the decimal exponent.
        let sci = alloc::format!("{:e}", f.abs());
        let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        let decpt = exp + 1;
        if f.is_sign_negative() {
            out.push(b'-');
        }
        if !(-3..=17).contains(&decpt) {
            let (first, rest) = digits.split_at(1);
            out.extend_from_slice(first.as_bytes());
            out.push(b'.');
            out.extend_from_slice(if rest.is_empty() { "0" } else { rest }.as_bytes());
            out.extend_from_slice(
                alloc::format!("e{}{}", if exp < 0 { '-' } else { '+' }, exp.unsigned_abs())
                    .as_bytes(),
            );
        } else if decpt <= 0 {
            out.extend_from_slice(b"0.");
            out.extend(core::iter::repeat_n(b'0', decpt.unsigned_abs() as usize));
            out.extend_from_slice(digits.as_bytes());
        } else {
            let d = decpt as usize;
            if digits.len() <= d {
                out.extend_from_slice(digits.as_bytes());
                out.extend(core::iter::repeat_n(b'0', d - digits.len()));
            } else {
                out.extend_from_slice(digits.get(..d).unwrap_or_default().as_bytes());
                out.push(b'.');
                out.extend_from_slice(digits.get(d..).unwrap_or_default().as_bytes());
            }
        }
        Ok(())
    }

    fn encode(v: &Php, out: &mut Vec<u8>) -> Result<(), MintError> {
        match v {
            Php::Null => out.extend_from_slice(b"null"),
            Php::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Php::Int(i) => out.extend_from_slice(alloc::format!("{i}").as_bytes()),
            Php::Float(f) => float(*f, out)?,
            Php::Str(s) => {
                if !php_json_str(s, |b| out.extend_from_slice(b)) {
                    return Err(MintError::Claims);
                }
            }
            Php::Array(items) => {
                let list = is_list(items);
                out.push(if list { b'[' } else { b'{' });
                for (i, (k, v)) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    if !list {
                        let key = match k {
                            Key::Int(n) => alloc::format!("{n}").into_bytes(),
                            Key::Str(s) => s.clone(),
                        };
                        if !php_json_str(&key, |b| out.extend_from_slice(b)) {
                            return Err(MintError::Claims);
                        }
                        out.push(b':');
                    }
                    encode(v, out)?;
                }
                out.push(if list { b']' } else { b'}' });
            }
        }
        Ok(())
    }

    /// php-jwt's `JWT::encode(json_decode($claims_json, true), $secret, $alg)`: the claims
    /// re-encoded as PHP writes them (key order kept, a repeated key's last value in its first
    /// place, `{"0":…,"1":…}` written as a list, `1.0` as `1`, `/` unescaped, non-ASCII as
    /// `\uXXXX`), the header `{"typ":"JWT","alg":…}`.
    ///
    /// # Errors
    /// [`MintError`].
    pub fn mint_claims(alg: Alg, secret: &[u8], claims_json: &[u8]) -> Result<String, MintError> {
        let mut p = P {
            t: claims_json,
            i: 0,
        };
        let v = p.value(0)?;
        p.ws();
        if p.i != claims_json.len() {
            return Err(MintError::Claims);
        }
        let mut payload = Vec::new();
        encode(&v, &mut payload)?;
        let key = Keyed::new(Some(alg), secret);
        let mut out = alloc::vec![0u8; payload.len() * 2 + 256];
        let token = sign_into(&key, alg.name(), &payload, &mut out).ok_or(MintError::Claims)?;
        Ok(String::from(token))
    }
}
