//! The tower layer inside an axum app, over real HTTP on loopback: each method (cookie +
//! nonce, application password, OAuth1, anonymous), valid and failing, with WordPress's
//! status, JSON body and headers; the form-body limit and pass-through; the extractor
//! without the layer; a store failure; logs without credentials.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use core::net::SocketAddr;
use std::io::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

use axum::Router;
use axum::routing::{get, post};
use wp_auth::axum::WpUser;
use wp_auth::tower::WpAuthLayer;
use wp_auth::{
    AppPasswordRow, AsyncStore, MemoryStore, MemoryUser, OAuth1Consumer, OAuth1Token, StoredSecret,
    UserDetermined, UserRow, Verifier,
};
use wp_testkit::http::{Response, exchange, request};

use common::{NOW, basic, fixture, oauth1_request};

const ME: &[u8] = b"/wp-json/wp/v2/users/me?context=edit";
const JSON: &[u8] = b"application/json; charset=UTF-8";
const NOCACHE_68: &[u8] = b"no-cache, must-revalidate, max-age=0, no-store, private";

/// Every log line the layer writes, from every test in this binary.
fn logs() -> &'static Mutex<Vec<u8>> {
    static LOGS: OnceLock<Mutex<Vec<u8>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        struct Sink;
        impl std::io::Write for Sink {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                logs().lock().unwrap().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(|| Sink)
            .init();
        Mutex::new(Vec::new())
    })
}

struct Server {
    addr: SocketAddr,
    _rt: tokio::runtime::Runtime,
}

fn serve(app: Router) -> Server {
    let _ = logs();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    rt.spawn(async move { axum::serve(listener, app).await });
    Server { addr, _rt: rt }
}

async fn me(WpUser(a): WpUser) -> String {
    format!("{} {}", a.user_id, a.method.as_str())
}

async fn public(user: Option<WpUser>) -> String {
    user.map_or_else(
        || "anonymous".to_owned(),
        |WpUser(a)| format!("{} {}", a.user_id, a.method.as_str()),
    )
}

async fn echo(
    user: Option<WpUser>,
    body: axum::body::Bytes,
) -> ([(&'static str, String); 1], Vec<u8>) {
    let who = user.map_or_else(|| "anonymous".to_owned(), |WpUser(a)| a.user_id.to_string());
    ([("x-user", who)], body.to_vec())
}

fn routes() -> Router {
    Router::new()
        .route("/wp-json/wp/v2/users/me", get(me))
        .route("/wp-json/public", get(public))
        .route("/echo", post(echo))
}

/// The fixture's site behind the layer (TLS assumed, a 1 KiB form limit), plus a second user
/// for whom a site filter turned application passwords off.
fn site(user_determined: UserDetermined) -> (Server, common::Fixture) {
    let mut f = fixture();
    f.cfg.user_determined = user_determined;
    let mut store = core::mem::take(&mut f.store);
    store.add_user(MemoryUser {
        id: 2,
        login: b"editor".as_slice().into(),
        email: b"editor@example.com".as_slice().into(),
        user_pass: StoredSecret::new(b"$P$Beditoreditoreditoreditoredit").unwrap(),
        app_passwords_available: false,
        session_tokens: b"".as_slice().into(),
        app_passwords: Vec::new(),
    });
    // A second grant, for another consumer.
    store.add_oauth1_consumer(
        b"ck2",
        OAuth1Consumer {
            id: 11,
            secret: StoredSecret::new(b"other-secret").unwrap(),
        },
    );
    store.add_oauth1_token(
        b"tk2",
        OAuth1Token {
            consumer_id: 11,
            user_id: 1,
            secret: StoredSecret::new(b"token-secret").unwrap(),
        },
    );
    let layer = WpAuthLayer::new(Arc::new(f.cfg.clone()), Arc::new(store))
        .clock(|| NOW)
        .https(true)
        .body_limit(1024);
    (serve(routes().layer(layer)), f)
}

fn get_with(s: &Server, target: &[u8], headers: &[(&str, &[u8])]) -> Response {
    request(s.addr, "GET", target, headers, b"")
}

#[track_caller]
fn assert_json_error(r: &Response, status: u16, body: &str) {
    assert_eq!(r.status, status, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.header("content-type"), Some(JSON));
    assert_eq!(String::from_utf8_lossy(&r.body), body);
}

#[track_caller]
fn assert_ok(r: &Response, body: &str) {
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(String::from_utf8_lossy(&r.body), body);
}

#[test]
fn cookie_and_nonce() {
    let (s, f) = site(UserDetermined::Late);
    let cookie: &[u8] = &f.cookie;
    let ok = get_with(&s, ME, &[("Cookie", cookie), ("X-WP-Nonce", &f.nonce)]);
    assert_ok(&ok, "1 cookie");
    // The same tick: the refreshed nonce is the one sent.
    assert_eq!(ok.header("x-wp-nonce"), Some(&f.nonce[..]));
    assert_eq!(ok.header("cache-control"), Some(NOCACHE_68));
    assert_eq!(
        ok.header("expires"),
        Some(&b"Wed, 11 Jan 1984 05:00:00 GMT"[..])
    );

    // `_wpnonce` in the query counts as well.
    let q = [ME, b"&_wpnonce=", &f.nonce].concat();
    assert_ok(&get_with(&s, &q, &[("Cookie", cookie)]), "1 cookie");

    let forged = get_with(&s, ME, &[("Cookie", cookie), ("X-WP-Nonce", b"0123456789")]);
    assert_json_error(
        &forged,
        403,
        r#"{"code":"rest_cookie_invalid_nonce","message":"Cookie check failed","data":{"status":403}}"#,
    );
    assert_eq!(forged.header("cache-control"), Some(NOCACHE_68));
    assert_eq!(forged.header("x-wp-nonce"), None);

    // Without a nonce the cookie is ignored: anonymous, and a route needing a user says so.
    assert_json_error(
        &get_with(&s, ME, &[("Cookie", cookie)]),
        401,
        r#"{"code":"rest_not_logged_in","message":"You are not currently logged in.","data":{"status":401}}"#,
    );
    let anon = get_with(&s, b"/wp-json/public", &[("Cookie", cookie)]);
    assert_ok(&anon, "anonymous");
    assert_eq!(anon.header("cache-control"), None);
    assert_eq!(anon.header("x-wp-nonce"), None);

    // HTTP/2 clients send one Cookie field per cookie: the fields are joined as a web server
    // joins them for PHP.
    let split = get_with(
        &s,
        ME,
        &[
            ("Cookie", b"a=b"),
            ("Cookie", cookie),
            ("X-WP-Nonce", &f.nonce),
        ],
    );
    assert_ok(&split, "1 cookie");
}

#[test]
fn application_passwords() {
    let (stock, f) = site(UserDetermined::Late);
    let ok = get_with(&stock, ME, &[("Authorization", &basic(b"admin", &f.app))]);
    assert_ok(&ok, "1 app_password");
    assert_eq!(ok.header("cache-control"), Some(NOCACHE_68));
    // By e-mail too.
    let by_email = basic(b"admin@example.com", &f.app);
    assert_ok(
        &get_with(&stock, ME, &[("Authorization", &by_email)]),
        "1 app_password",
    );
    // A stock site forgets a failed application password: the request is anonymous.
    let wrong = basic(b"admin", b"abcd abcd abcd abcd abcd abcd");
    assert_ok(
        &get_with(&stock, b"/wp-json/public", &[("Authorization", &wrong)]),
        "anonymous",
    );

    // A site that determines the user early answers each failure with its error.
    let (early, f) = site(UserDetermined::Early);
    assert_ok(
        &get_with(&early, ME, &[("Authorization", &basic(b"admin", &f.app))]),
        "1 app_password",
    );
    for (creds, body) in [
        (
            basic(b"admin", b"abcd abcd abcd abcd abcd abcd"),
            r#"{"code":"incorrect_password","message":"The provided password is an invalid application password.","data":{"status":401}}"#,
        ),
        (
            basic(b"nobody", &f.app),
            r#"{"code":"invalid_username","message":"<strong>Error:<\/strong> Unknown username. Check again or try your email address.","data":{"status":401}}"#,
        ),
        (
            basic(b"nobody@example.com", &f.app),
            r#"{"code":"invalid_email","message":"<strong>Error:<\/strong> Unknown email address. Check again or try your username.","data":{"status":401}}"#,
        ),
        (
            basic(b"editor", &f.app),
            r#"{"code":"application_passwords_disabled_for_user","message":"Application passwords are not available for your account. Please contact the site administrator for assistance.","data":{"status":401}}"#,
        ),
    ] {
        assert_json_error(
            &get_with(&early, b"/wp-json/public", &[("Authorization", &creds)]),
            401,
            body,
        );
    }
}

#[test]
fn oauth1() {
    let (s, f) = site(UserDetermined::Late);
    let signed = oauth1_request(&f.cfg, "n-server-1", b"ck", b"consumer-secret");
    assert_ok(&get_with(&s, ME, &[("Authorization", &signed)]), "1 oauth1");
    assert_json_error(
        &get_with(&s, ME, &[("Authorization", &signed)]),
        401,
        r#"{"code":"json_oauth1_nonce_already_used","message":"Invalid nonce - nonce has already been used","data":{"status":401}}"#,
    );
    let forged = oauth1_request(&f.cfg, "n-server-2", b"ck", b"not-the-secret");
    let r = get_with(&s, ME, &[("Authorization", &forged)]);
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["code"], "json_oauth1_signature_mismatch");
    let unknown = oauth1_request(&f.cfg, "n-server-3", b"other", b"consumer-secret");
    let r = get_with(&s, ME, &[("Authorization", &unknown)]);
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["code"], "json_consumer_notfound");
}

/// Every error the layer answers, through real HTTP: WordPress's code, status and body shape.
#[test]
fn every_failure_code() {
    let (stock, f) = site(UserDetermined::Late);
    let (early, _) = site(UserDetermined::Early);
    // A site with the Basic-Auth plugin.
    let mut f2 = fixture();
    f2.cfg.basic_account_passwords = true;
    let store = core::mem::take(&mut f2.store);
    let basic_site = serve(
        routes().layer(
            WpAuthLayer::new(Arc::new(f2.cfg), Arc::new(store))
                .clock(|| NOW)
                .https(true),
        ),
    );
    let signed = |params: &str, consumer_secret: &[u8]| {
        wp_testkit::fixtures::oauth1_plugin_header(
            &f.cfg.home,
            ME,
            params,
            consumer_secret,
            b"token-secret",
        )
    };
    let oauth = |token: &str, method: &str, timestamp: u64, nonce: &str| {
        signed(
            &format!(
                "oauth_consumer_key=\"ck\", oauth_token=\"{token}\", oauth_signature_method=\"{method}\", oauth_timestamp=\"{timestamp}\", oauth_nonce=\"{nonce}\", oauth_version=\"1.0\""
            ),
            b"consumer-secret",
        )
    };
    let cookie: &[u8] = &f.cookie;
    let deep_query = [ME, b"&_wpnonce[", &[b'a'; 600][..], b"]=1"].concat();
    // (server, target, headers, status, code)
    type Case<'a> = (&'a Server, Vec<u8>, Vec<(&'a str, Vec<u8>)>, u16, &'a str);
    let cases: Vec<Case<'_>> = vec![
        (
            &stock,
            ME.to_vec(),
            vec![("Cookie", cookie.to_vec()), ("X-WP-Nonce", b"bad".to_vec())],
            403,
            "rest_cookie_invalid_nonce",
        ),
        (&stock, ME.to_vec(), vec![], 401, "rest_not_logged_in"),
        (
            &stock,
            deep_query,
            vec![("Cookie", cookie.to_vec())],
            400,
            "wp_auth_unreadable_input",
        ),
        (
            &early,
            ME.to_vec(),
            vec![("Authorization", basic(b"admin", b"nope"))],
            401,
            "incorrect_password",
        ),
        (
            &early,
            ME.to_vec(),
            vec![("Authorization", basic(b"nobody", b"nope"))],
            401,
            "invalid_username",
        ),
        (
            &early,
            ME.to_vec(),
            vec![("Authorization", basic(b"no@body.example", b"nope"))],
            401,
            "invalid_email",
        ),
        (
            &early,
            ME.to_vec(),
            vec![("Authorization", basic(b"editor", &f.app))],
            401,
            "application_passwords_disabled_for_user",
        ),
        (
            &stock,
            ME.to_vec(),
            vec![("Authorization", b"OAuth oauth_consumer_key=\"ck\"".to_vec())],
            401,
            "json_oauth1_missing_parameter",
        ),
        (
            &stock,
            ME.to_vec(),
            vec![("Authorization", oauth("nope", "HMAC-SHA1", NOW, "c1"))],
            401,
            "json_oauth1_invalid_token",
        ),
        (
            &stock,
            ME.to_vec(),
            vec![("Authorization", oauth("tk2", "HMAC-SHA1", NOW, "c2"))],
            401,
            "json_oauth1_consumer_mismatch",
        ),
        (
            &stock,
            ME.to_vec(),
            vec![("Authorization", oauth("tk", "RSA-SHA1", NOW, "c3"))],
            401,
            "json_oauth1_invalid_signature_method",
        ),
        (
            &stock,
            ME.to_vec(),
            vec![("Authorization", oauth("tk", "HMAC-SHA1", NOW - 2000, "c4"))],
            401,
            "json_oauth1_invalid_timestamp",
        ),
        (
            &basic_site,
            ME.to_vec(),
            vec![("Authorization", basic(b"", b""))],
            500,
            "empty_username",
        ),
        (
            &basic_site,
            ME.to_vec(),
            vec![("Authorization", basic(b"admin", b""))],
            500,
            "empty_password",
        ),
        (
            &basic_site,
            ME.to_vec(),
            vec![("Authorization", basic(b"admin", b"wrong"))],
            500,
            "incorrect_password",
        ),
        (
            &basic_site,
            ME.to_vec(),
            vec![("Authorization", basic(b"nobody", b"wrong"))],
            500,
            "invalid_username",
        ),
    ];
    for (server, target, headers, status, code) in cases {
        let headers: Vec<(&str, &[u8])> = headers.iter().map(|(n, v)| (*n, v.as_slice())).collect();
        let r = get_with(server, &target, &headers);
        assert_eq!(
            (r.status, r.header("content-type")),
            (status, Some(JSON)),
            "{code}: {}",
            String::from_utf8_lossy(&r.body)
        );
        let j = r.json();
        assert_eq!(j["code"], code, "{}", String::from_utf8_lossy(&r.body));
        assert!(
            j["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{code}"
        );
        if status == 500 {
            assert!(
                j["data"].is_null(),
                "{code}: wp_authenticate()'s errors carry no data"
            );
        } else {
            assert_eq!(j["data"]["status"], status, "{code}");
        }
    }
}

#[test]
fn form_bodies_are_read_within_the_limit_and_passed_on() {
    let (s, f) = site(UserDetermined::Late);
    let cookie: &[u8] = &f.cookie;
    let form = [b"x=1&_wpnonce=".as_slice(), &f.nonce, b"&y=%20z"].concat();
    let r = request(
        s.addr,
        "POST",
        b"/echo",
        &[
            ("Cookie", cookie),
            ("Content-Type", b"application/x-www-form-urlencoded"),
        ],
        &form,
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("x-user"),
        Some(&b"1"[..]),
        "the body's _wpnonce counted"
    );
    assert_eq!(r.body, form, "the body is passed on as it came");

    // Over the limit: 413, by Content-Length and (chunked) by counting.
    let big = vec![b'a'; 2000];
    let form_type: (&str, &[u8]) = ("Content-Type", b"application/x-www-form-urlencoded");
    let too_large = r#"{"code":"wp_auth_body_too_large","message":"The request body is larger than this server accepts.","data":{"status":413}}"#;
    assert_json_error(
        &request(s.addr, "POST", b"/echo", &[form_type], &big),
        413,
        too_large,
    );
    let mut chunked = b"POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..4 {
        write!(chunked, "200\r\n{}\r\n", "b".repeat(0x200)).unwrap();
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    assert_json_error(&exchange(s.addr, &chunked), 413, too_large);

    // Not a form: never read, passed on whole whatever its size.
    let json_body = vec![b'{'; 5000];
    let r = request(
        s.addr,
        "POST",
        b"/echo",
        &[("Content-Type", b"application/json")],
        &json_body,
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-user"), Some(&b"anonymous"[..]));
    assert_eq!(r.body, json_body);
}

#[test]
fn the_extractor_without_the_layer_fails_loudly() {
    let s = serve(routes());
    let missing = r#"{"code":"wp_auth_layer_missing","message":"The authentication layer is not installed.","data":{"status":500}}"#;
    assert_json_error(&get_with(&s, ME, &[]), 500, missing);
    assert_json_error(&get_with(&s, b"/wp-json/public", &[]), 500, missing);
}

#[derive(Debug)]
struct Down;

impl core::fmt::Display for Down {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("database down")
    }
}

impl core::error::Error for Down {}

struct Failing;

impl AsyncStore for Failing {
    type Error = Down;

    async fn user_by_login(&self, _: &[u8]) -> Result<Option<UserRow>, Down> {
        Err(Down)
    }

    async fn user_by_email(&self, _: &[u8]) -> Result<Option<UserRow>, Down> {
        Err(Down)
    }

    async fn session_expiration(&self, _: u64, _: &Verifier) -> Result<Option<i64>, Down> {
        Err(Down)
    }

    async fn app_passwords(&self, _: u64) -> Result<Vec<AppPasswordRow>, Down> {
        Err(Down)
    }

    async fn oauth1_token(&self, _: &[u8]) -> Result<Option<OAuth1Token>, Down> {
        Err(Down)
    }

    async fn oauth1_consumer(&self, _: &[u8]) -> Result<Option<OAuth1Consumer>, Down> {
        Err(Down)
    }

    async fn remember_nonce(&self, _: &wp_auth::ReplayKey, _: u64) -> Result<bool, Down> {
        Err(Down)
    }
}

#[test]
fn a_store_failure_is_a_500_not_a_rejection() {
    let f = fixture();
    let layer = WpAuthLayer::new(Arc::new(f.cfg.clone()), Arc::new(Failing))
        .clock(|| NOW)
        .https(true);
    let s = serve(routes().layer(layer));
    assert_json_error(
        &get_with(&s, ME, &[("Authorization", &basic(b"admin", &f.app))]),
        500,
        r#"{"code":"wp_auth_store_unavailable","message":"The site's user data could not be read.","data":{"status":500}}"#,
    );
    // A request that needs no lookup is still decided.
    assert_ok(&get_with(&s, b"/wp-json/public", &[]), "anonymous");
}

/// The logs name the method, the outcome and the user, never a credential (this runs the
/// other cases' requests again so it sees them whatever the test order).
#[test]
fn logs_carry_no_credentials() {
    cookie_and_nonce();
    application_passwords();
    oauth1();
    a_store_failure_is_a_500_not_a_rejection();
    let f = fixture();
    let text = String::from_utf8(logs().lock().unwrap().clone()).unwrap();
    for needle in [
        "request authenticated",
        "outcome=\"cookie\"",
        "outcome=\"app_password\"",
        "outcome=\"oauth1\"",
        "user_id=1",
        "code=\"rest_cookie_invalid_nonce\"",
        "code=\"incorrect_password\"",
        "error=database down",
    ] {
        assert!(text.contains(needle), "no {needle:?} in the logs:\n{text}");
    }
    let cookie_value = String::from_utf8_lossy(&f.cookie);
    let cookie_value = cookie_value.split_once('=').unwrap().1;
    for secret in [
        cookie_value,
        &String::from_utf8_lossy(&f.nonce),
        &String::from_utf8_lossy(&f.app),
        "oauth_signature",
        "Basic ",
        "0123456789",
    ] {
        assert!(!text.contains(secret), "{secret:?} in the logs");
    }
}

/// A memory store works behind the layer unchanged (it is `Send + Sync`).
const _: fn() = || {
    fn store<S: AsyncStore + Send + Sync + 'static>() {}
    store::<MemoryStore>();
};
