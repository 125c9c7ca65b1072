//! The JWT plugins inside the facade: a `Bearer` token decided at the plugin's place in
//! `determine_current_user` (after the admin cookie, before the logged_in cookie and
//! application passwords), Tmeister's error answered for every route once authentication has
//! passed, Useful Team's failures anonymous, PHP's fatals a 500.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use wp_auth::{Error, Jwt, JwtUserRow, Method, Outcome, RequestView, RestError};
use wp_jwt::Profile;

use common::{NOW, basic, fixture};

const SECRET: &[u8] = b"a-jwt-secret-for-the-tests";
const ME: &[u8] = b"/wp-json/wp/v2/users/me";

fn bearer(token: &str) -> Vec<u8> {
    format!("Bearer {token}").into_bytes()
}

fn decide(
    f: &common::Fixture,
    authorization: Option<&[u8]>,
    cookie: Option<&[u8]>,
    nonce: Option<&[u8]>,
) -> Result<Outcome, RestError> {
    let req = RequestView {
        method: b"GET",
        url: ME,
        authorization,
        cookie,
        x_wp_nonce: nonce,
        is_ssl: true,
        ..RequestView::default()
    };
    let sync = wp_auth::authenticate(&f.cfg, NOW, &req, &f.store);
    let asynchronous =
        futures_lite_block_on(wp_auth::authenticate_async(&f.cfg, NOW, &req, &f.store));
    let strip = |r: Result<Outcome, Error<core::convert::Infallible>>| match r {
        Ok(o) => Ok(o),
        Err(Error::Rest(e)) => Err(e),
        Err(_) => unreachable!("an infallible store"),
    };
    let (a, b) = (strip(sync), strip(asynchronous));
    assert_eq!(a, b, "the two drivers disagree");
    a
}

fn futures_lite_block_on<F: core::future::Future>(f: F) -> F::Output {
    let mut f = core::pin::pin!(f);
    let mut cx = core::task::Context::from_waker(core::task::Waker::noop());
    loop {
        if let core::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

fn tmeister_site() -> common::Fixture {
    let mut f = fixture();
    f.cfg.jwt = Some(Jwt::new(Profile::Tmeister, Some(SECRET)));
    f
}

fn token(f: &common::Fixture, profile: Profile, issued: u64, user: u64, pass: &[u8]) -> String {
    let cfg = wp_jwt::Config::new(profile, Some(SECRET), b"HS256", &f.cfg.home);
    let mut out = [0u8; 1024];
    let t = match profile {
        Profile::Tmeister => wp_jwt::mint_tmeister(&cfg, true, issued as i64, user, &mut out),
        _ => wp_jwt::mint_usefulteam(&cfg, true, issued as i64, user, b"", pass, &mut out),
    };
    t.unwrap().to_owned()
}

#[test]
fn tmeister_tokens_authenticate_and_fail_every_route() {
    let f = tmeister_site();
    let valid = bearer(&token(&f, Profile::Tmeister, NOW - 60, 1, b""));
    let Ok(Outcome::Authenticated(a)) = decide(&f, Some(&valid), None, None) else {
        panic!("a valid token authenticates")
    };
    assert_eq!((a.user_id, a.method), (1, Method::Jwt));
    assert_eq!(
        a.effects.x_wp_nonce, None,
        "no nonce check for a token user"
    );
    assert!(a.effects.no_cache);

    // Expired: the plugin's 403 for the request, whatever else authenticated it…
    let expired = bearer(&token(&f, Profile::Tmeister, NOW - 700_000, 1, b""));
    let e = decide(&f, Some(&expired), None, None).unwrap_err();
    assert_eq!((e.code(), e.status()), ("jwt_auth_invalid_token", 403));
    assert_eq!(
        e.json().to_string(),
        r#"{"code":"jwt_auth_invalid_token","message":"Expired token","data":{"status":403}}"#
    );
    assert!(!e.no_cache());
    let e = decide(&f, Some(&expired), Some(&f.cookie), Some(&f.nonce)).unwrap_err();
    assert_eq!(
        e.code(),
        "jwt_auth_invalid_token",
        "rest_pre_dispatch runs after a cookie user"
    );
    assert!(
        e.no_cache(),
        "the cookie user was logged in when the headers went out"
    );
    // …unless authentication itself fails first.
    let e = decide(&f, Some(&expired), Some(&f.cookie), Some(b"0123456789")).unwrap_err();
    assert_eq!(e, RestError::CookieInvalidNonce);

    // A token for nobody: the value stands (the logged_in cookie is not tried), so the request
    // has no user — and the user 1 nonce sent with user 1's cookie no longer matches.
    let nobody = bearer(&token(&f, Profile::Tmeister, NOW - 60, 999, b""));
    assert!(matches!(
        decide(&f, Some(&nobody), Some(&f.cookie), None),
        Ok(Outcome::Anonymous(_))
    ));
    assert_eq!(
        decide(&f, Some(&nobody), Some(&f.cookie), Some(&f.nonce)),
        Err(RestError::CookieInvalidNonce)
    );

    // Not a Bearer header: the plugin passes, application passwords decide.
    let app = basic(b"admin", &f.app);
    let Ok(Outcome::Authenticated(a)) = decide(&f, Some(&app), None, None) else {
        panic!("an application password still works")
    };
    assert!(matches!(a.method, Method::AppPassword { .. }));

    // `kid` as an array: PHP dies before the signature is looked at.
    let fatal = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiIsImtpZCI6WyJhIl19.e30.x";
    let e = decide(&f, Some(&bearer(fatal)), None, None).unwrap_err();
    assert_eq!((e.code(), e.status()), ("internal_server_error", 500));
}

#[test]
fn usefulteam_checks_the_user_and_ignores_failures() {
    let mut f = fixture();
    f.cfg.jwt = Some(Jwt::new(Profile::UsefulTeam, Some(SECRET)));
    f.store.set_jwt_user(
        1,
        JwtUserRow {
            pass: Some(Box::from(&b"7d647765cf7031eb2b31eee405b1cd14"[..])),
            devices: Vec::new(),
        },
    );
    let valid = bearer(&token(
        &f,
        Profile::UsefulTeam,
        NOW - 60,
        1,
        b"7d647765cf7031eb2b31eee405b1cd14",
    ));
    let Ok(Outcome::Authenticated(a)) = decide(&f, Some(&valid), None, None) else {
        panic!("a valid token authenticates")
    };
    assert_eq!((a.user_id, a.method), (1, Method::Jwt));
    // The password changed since (another pass): anonymous, not an error.
    let stale = bearer(&token(&f, Profile::UsefulTeam, NOW - 60, 1, b"old-pass"));
    assert!(matches!(
        decide(&f, Some(&stale), None, None),
        Ok(Outcome::Anonymous(_))
    ));
    // Expired, with a valid cookie and nonce: the cookie decides.
    let expired = bearer(&token(
        &f,
        Profile::UsefulTeam,
        NOW - 700,
        1,
        b"7d647765cf7031eb2b31eee405b1cd14",
    ));
    let Ok(Outcome::Authenticated(a)) = decide(&f, Some(&expired), Some(&f.cookie), Some(&f.nonce))
    else {
        panic!("the cookie authenticates")
    };
    assert_eq!(a.method, Method::Cookie);
    // A user the store does not know.
    let unknown = bearer(&token(&f, Profile::UsefulTeam, NOW - 60, 42, b""));
    assert!(matches!(
        decide(&f, Some(&unknown), None, None),
        Ok(Outcome::Anonymous(_))
    ));
}
