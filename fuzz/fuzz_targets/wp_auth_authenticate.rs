//! The facade on arbitrary requests against a store with one real user (a live session, an
//! application password, an OAuth1 grant): no panic, the synchronous and asynchronous drivers
//! decide the same, and only that user can ever be authenticated.
//!
//! Input: a flags byte (TLS, early-user site, WordPress 6.1, the Basic-Auth plugin, and in bits
//! 4–5 a JWT plugin: Tmeister or Useful Team), then the method, URL, `Cookie`,
//! `Authorization`, `X-WP-Nonce`, `Content-Type` and body separated by NUL bytes (an empty
//! field is an absent header).
#![no_main]

use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

use libfuzzer_sys::fuzz_target;
use wp_auth::{
    AppPasswordRow, Config, Keys, MemoryStore, MemoryUser, OAuth1, OAuth1Consumer, OAuth1Token,
    Outcome, RequestView, StoredSecret, UserDetermined, WpVersion,
};

const NOW: u64 = 1_700_000_000;

struct Salts;

impl wp_hash::SaltSource for Salts {
    fn constant(&self, name: &str) -> Option<&[u8]> {
        // Distinct values: WordPress ignores a salt that duplicates another.
        Some(match name {
            "AUTH_KEY" => b"fuzz AUTH_KEY",
            "AUTH_SALT" => b"fuzz AUTH_SALT",
            "SECURE_AUTH_KEY" => b"fuzz SECURE_AUTH_KEY",
            "SECURE_AUTH_SALT" => b"fuzz SECURE_AUTH_SALT",
            "LOGGED_IN_KEY" => b"fuzz LOGGED_IN_KEY",
            "LOGGED_IN_SALT" => b"fuzz LOGGED_IN_SALT",
            "NONCE_KEY" => b"fuzz NONCE_KEY",
            "NONCE_SALT" => b"fuzz NONCE_SALT",
            _ => return None,
        })
    }
    fn site_option(&self, _: &str) -> Option<&[u8]> {
        None
    }
}

fn store() -> MemoryStore {
    let mut s = MemoryStore::new();
    // session_tokens with the session of token "TOKEN" (verifier = sha256("TOKEN")).
    let verifier = wp_cookie::Verifier::of(b"TOKEN").hex();
    let meta = format!(
        "a:1:{{s:64:\"{}\";a:1:{{s:10:\"expiration\";i:1900000000;}}}}",
        verifier.as_str()
    );
    s.add_user(MemoryUser {
        id: 1,
        login: b"admin".as_slice().into(),
        email: b"admin@example.com".as_slice().into(),
        user_pass: StoredSecret::new(b"$P$BabcdefghIJKLMNOPQRSTUVWXYZ01234").expect("short"),
        app_passwords_available: true,
        session_tokens: meta.into_bytes().into(),
        app_passwords: vec![AppPasswordRow {
            uuid: *b"0eb868ca-56c0-43c0-98e9-8a86af985fb2",
            password: StoredSecret::new(&wp_password::fast_hash(b"abcdEFGHijklMNOPqrstUVWX"))
                .expect("short"),
            last_used: None,
        }],
    });
    s.add_oauth1_consumer(
        b"ck",
        OAuth1Consumer {
            id: 10,
            secret: StoredSecret::new(b"cs").expect("short"),
        },
    );
    s.add_oauth1_token(
        b"tk",
        OAuth1Token {
            consumer_id: 10,
            user_id: 1,
            secret: StoredSecret::new(b"ts").expect("short"),
        },
    );
    s
}

fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let mut fields = rest.split(|&b| b == 0);
    let mut next = || fields.next().unwrap_or_default();
    let (method, url, cookie, authorization, nonce, ct, body) =
        (next(), next(), next(), next(), next(), next(), next());
    let req = RequestView {
        method,
        url,
        cookie: (!cookie.is_empty()).then_some(cookie),
        authorization: (!authorization.is_empty()).then_some(authorization),
        x_wp_nonce: (!nonce.is_empty()).then_some(nonce),
        content_type: (!ct.is_empty()).then_some(ct),
        body,
        is_ssl: flags & 1 != 0,
    };
    let mut cfg = Config::new(
        Keys::from_source(&Salts).expect("constants"),
        b"https://example.com",
        b"https://example.com",
    );
    cfg.oauth1 = Some(OAuth1::default());
    if flags & 2 != 0 {
        cfg.user_determined = UserDetermined::Early;
    }
    if flags & 4 != 0 {
        cfg.version = WpVersion::Wp61;
    }
    cfg.basic_account_passwords = flags & 8 != 0;
    // A JWT plugin on a quarter of the runs each (secret "jwt-secret").
    cfg.jwt = match flags >> 4 & 3 {
        1 => Some(wp_auth::Jwt::new(
            wp_jwt::Profile::Tmeister,
            Some(b"jwt-secret"),
        )),
        2 => Some(wp_auth::Jwt::new(
            wp_jwt::Profile::UsefulTeam,
            Some(b"jwt-secret"),
        )),
        _ => None,
    };
    let store = store();
    let sync = wp_auth::authenticate(&cfg, NOW, &req, &store);
    let asynchronous = block_on(wp_auth::authenticate_async(&cfg, NOW, &req, &store));
    assert_eq!(format!("{sync:?}"), format!("{asynchronous:?}"));
    if let Ok(Outcome::Authenticated(a)) = sync {
        assert_eq!(a.user_id, 1);
    }
});
