//! The strict profile beside the plugins' own reading: what each accepts, token by token.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use wp_jwt::{Config, Profile, Request, Validation};

const SECRET: &[u8] = b"pub-jwt-secret-3f9a6c1e8b2d4f70a5c9e1b3d7f2a6c8";
const HOME: &[u8] = b"https://blog.example.com";
const NOW: i64 = 1_767_225_600;

fn b64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(A[(v >> (18 - 6 * i)) as usize & 63] as char);
        }
    }
    out
}

/// A token over exactly these header and payload texts.
fn token(header: &str, payload: &str) -> String {
    let signed = format!(
        "{}.{}",
        b64url(header.as_bytes()),
        b64url(payload.as_bytes())
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET).unwrap();
    mac.update(signed.as_bytes());
    format!("{signed}.{}", b64url(&mac.finalize().into_bytes()))
}

fn decide(cfg: &Config<'_>, token: &str) -> Result<String, String> {
    let header = format!("Bearer {token}");
    let req = Request {
        authorization: Some(header.as_bytes()),
        https: true,
        ..Request::default()
    };
    let mut scratch = vec![0u8; wp_jwt::scratch_len(&req)];
    match wp_jwt::validate(cfg, &req, NOW, &(), &mut scratch) {
        Validation::Accept(id) => Ok(format!("{id:?}")),
        Validation::Reject(r) => Err(r.message.to_string()),
        Validation::Fatal(f) => Err(format!("{f:?}")),
    }
}

const HEADER: &str = r#"{"typ":"JWT","alg":"HS256"}"#;
const CLAIMS: &str = r#"{"iss":"https://blog.example.com","iat":1767222000,"nbf":1767222000,"exp":1767826800,"data":{"user":{"id":"1"}}}"#;

#[test]
fn the_plugins_tokens_pass_both() {
    let plugin = Config::new(Profile::Tmeister, Some(SECRET), b"HS256", HOME);
    let strict = plugin.clone().strict(8192);
    let t = token(HEADER, CLAIMS);
    assert!(decide(&plugin, &t).is_ok());
    assert!(decide(&strict, &t).is_ok());
}

/// Side by side: (what, token, the plugin's verdict, the strict verdict).
#[test]
fn where_strict_refuses_what_the_plugins_accept() {
    let plugin = Config::new(Profile::Tmeister, Some(SECRET), b"HS256", HOME);
    let strict = plugin.clone().strict(8192);
    let valid = token(HEADER, CLAIMS);
    let cases: Vec<(&str, String)> = vec![
        ("padded signature", format!("{valid}=")),
        ("standard-alphabet signature", {
            let mut t = valid.clone();
            let sig_at = t.rfind('.').unwrap() + 1;
            let sig: String = t[sig_at..].replace('-', "+").replace('_', "/");
            t.replace_range(sig_at.., &sig);
            t
        }),
        ("junk inside the signature", {
            let mut t = valid.clone();
            t.insert(t.len() - 3, '!');
            t
        }),
        (
            "duplicate alg (last wins)",
            token(r#"{"typ":"JWT","alg":"none","alg":"HS256"}"#, CLAIMS),
        ),
        (
            "duplicate exp (last wins)",
            token(
                HEADER,
                r#"{"iss":"https://blog.example.com","exp":1,"exp":1767826800,"data":{"user":{"id":"1"}}}"#,
            ),
        ),
        (
            "no exp (never expires)",
            token(
                HEADER,
                r#"{"iss":"https://blog.example.com","data":{"user":{"id":"1"}}}"#,
            ),
        ),
        (
            "exp as text (compared as text)",
            token(
                HEADER,
                r#"{"iss":"https://blog.example.com","exp":"never","data":{"user":{"id":"1"}}}"#,
            ),
        ),
        (
            "kid as a number",
            token(r#"{"typ":"JWT","alg":"HS256","kid":5}"#, CLAIMS),
        ),
    ];
    for (what, t) in &cases {
        assert!(decide(&plugin, t).is_ok(), "{what}: the plugin accepts it");
        let refused = decide(&strict, t).expect_err(what);
        assert!(refused.starts_with("strict:"), "{what}: {refused}");
    }
    // Beyond the size cap.
    let small = Config::new(Profile::Tmeister, Some(SECRET), b"HS256", HOME).strict(64);
    assert_eq!(
        decide(&small, &valid).unwrap_err(),
        "strict: the token is too long"
    );
}

/// What both refuse stays refused in strict mode, with the plugin's own message.
#[test]
fn strict_keeps_the_plugins_refusals() {
    let strict = Config::new(Profile::Tmeister, Some(SECRET), b"HS256", HOME).strict(8192);
    let none = token(r#"{"typ":"JWT","alg":"none"}"#, CLAIMS);
    assert_eq!(
        decide(&strict, &none).unwrap_err(),
        "Algorithm not supported"
    );
    let hs384 = token(r#"{"typ":"JWT","alg":"HS384"}"#, CLAIMS);
    assert_eq!(
        decide(&strict, &hs384).unwrap_err(),
        "Incorrect key for this algorithm"
    );
}

/// A header of nothing but `<` (each sanitised to `&lt;`) still fits the scratch: read as
/// the malformed header it is, not as a missing one.
#[test]
fn the_scratch_holds_the_worst_sanitising() {
    let cfg = Config::new(Profile::UsefulTeam, Some(SECRET), b"HS256", HOME);
    let header = [&b"Bearer x"[..], &[b'<'; 300][..]].concat();
    let req = Request {
        authorization: Some(&header),
        ..Request::default()
    };
    let mut scratch = vec![0u8; wp_jwt::scratch_len(&req)];
    match wp_jwt::validate(&cfg, &req, NOW, &(), &mut scratch) {
        Validation::Reject(r) => assert_eq!(r.code.as_str(), "jwt_auth_invalid_token"),
        other => panic!("{other:?}"),
    }
}
