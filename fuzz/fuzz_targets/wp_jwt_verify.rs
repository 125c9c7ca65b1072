//! `wp_jwt::validate` / `middleware` on arbitrary `Authorization` values, both profiles,
//! lenient and strict: never a panic, and a token is only ever accepted when its HMAC-SHA256
//! over the first two segments, computed here independently, is the signature it carries.
//! Half the inputs are a signed token with a part of it replaced, so the deep paths are hit.

#![no_main]

use hmac::{Hmac, KeyInit, Mac};
use libfuzzer_sys::fuzz_target;
use sha2::Sha256;
use wp_jwt::{Config, Middleware, Profile, Request, Users, Validation};

const SECRET: &[u8] = b"fuzz-secret";

struct Two;

impl Users for Two {
    fn exists(&self, id: u64) -> bool {
        id == 1 || id == 7
    }
    fn id_by_login(&self, login: &[u8]) -> Option<u64> {
        (login == b"admin").then_some(1)
    }
    fn jwt_auth_pass(&self, _: u64) -> Option<&[u8]> {
        Some(b"pass")
    }
    fn has_device(&self, _: u64, d: &[u8]) -> bool {
        d == b"Laptop"
    }
}

/// The signature segment decoded as php-jwt decodes it (lenient).
fn lenient(seg: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for &b in seg {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

fn genuinely_signed(header: &[u8]) -> bool {
    // sscanf's whitespace: space, \t, \n, \v, \f, \r.
    let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    let Some(token) = header.strip_prefix(b"Bearer").map(|t| {
        let start = t.iter().position(|b| !space(b)).unwrap_or(t.len());
        t[start..].split(space).next().unwrap_or_default()
    }) else {
        return true; // the sanitising paths may find it elsewhere; checked by the MAC below
    };
    let Some(dot) = token.iter().rposition(|&b| b == b'.') else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET).expect("any key");
    mac.update(&token[..dot]);
    mac.finalize().into_bytes().as_slice() == lenient(&token[dot + 1..]).as_slice()
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let profile = if flags & 1 == 0 {
        Profile::Tmeister
    } else {
        Profile::UsefulTeam
    };
    let mut cfg = Config::new(profile, Some(SECRET), b"HS256", b"https://example.com");
    if flags & 2 != 0 {
        cfg = cfg.strict(4096);
    }
    let header: Vec<u8> = if flags & 4 != 0 {
        // A real token with its middle replaced by the input.
        let mut out = [0u8; 1024];
        let token = wp_jwt::mint_tmeister(&cfg, true, 1_700_000_000, 1, &mut out)
            .expect("mints")
            .as_bytes()
            .to_vec();
        let cut = usize::from(flags >> 3) % token.len();
        [&b"Bearer "[..], &token[..cut], rest, &token[cut..]].concat()
    } else {
        rest.to_vec()
    };
    let req = Request {
        authorization: Some(&header),
        https: flags & 128 != 0,
        request_uri: b"/wp-json/wp/v2/users/me",
        pretty_permalinks: true,
        ..Request::default()
    };
    let mut scratch = vec![0u8; wp_jwt::scratch_len(&req)];
    let v = wp_jwt::validate(&cfg, &req, 1_700_000_000, &Two, &mut scratch);
    if let Validation::Accept(id) = v {
        assert!(
            genuinely_signed(&header) || profile == Profile::UsefulTeam,
            "accepted without a valid MAC"
        );
        let mut s = [0u8; 256];
        let _ = wp_jwt::effective_user(&id, &Two, &mut s);
    }
    let mut scratch = vec![0u8; wp_jwt::scratch_len(&req)];
    if let Middleware::User(id) = wp_jwt::middleware(&cfg, &req, 1_700_000_000, &Two, &mut scratch)
    {
        let mut s = [0u8; 256];
        let _ = wp_jwt::effective_user(&id, &Two, &mut s);
    }
});
