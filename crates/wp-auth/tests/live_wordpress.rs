//! The facade against a real WordPress serving real HTTP (Debian's `wordpress` 6.1 in a private
//! MariaDB, PHP's built-in server): WordPress mints users, sessions, cookies, `wp_rest` nonces
//! and application passwords with its own functions (tests/live/mint.php); then random
//! requests — valid, tampered, expired, logged-out, wrong-user, lenient-Basic, case-changed,
//! with the nonce in the header, the query or the body, over "TLS" or not, GET or POST — go to
//! `GET /wp/v2/users/me` and to a public route, on a stock site and on one where a plugin
//! determines the user before the REST checks. WordPress's status, code, user, refreshed
//! `X-WP-Nonce` and no-cache headers must equal what `wp_auth::authenticate` decides from the
//! same request and the site's stored data.

#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use wp_auth::config::WpConfig;
use wp_auth::{
    AppPasswordRow, Config, Error, MemoryStore, MemoryUser, Outcome, RequestView, RestError,
    StoredSecret, UserDetermined, WpVersion,
};
use wp_testkit::oracle::Rng;
use wp_testkit::site::{Response, WordPressSite, wordpress_site};

/// How many requests one run sends (half to each site kind, on average).
const REQUESTS: usize = 2_400;

/// A stand-in for the Basic-Auth plugin (WP-API/Basic-Auth), written for these tests from its
/// documented behaviour and switched on per request: Basic credentials go through WordPress's
/// own `wp_authenticate()` on every user determination (at `determine_current_user` priority
/// 20), and the outcome is reported on `rest_authentication_errors` (priority 10, after the
/// early-user plugin, as a plugin loads after must-use plugins).
const BASIC_AUTH_PLUGIN: &str = "<?php\nif ( isset( $_SERVER['HTTP_X_TEST_BASIC_AUTH'] ) ) {\n\t$GLOBALS['wp_auth_test_basic'] = null;\n\tadd_filter( 'determine_current_user', 'wp_auth_test_basic_user', 20 );\n\tadd_filter( 'rest_authentication_errors', 'wp_auth_test_basic_errors' );\n}\nfunction wp_auth_test_basic_user( $user_id ) {\n\t$GLOBALS['wp_auth_test_basic'] = null;\n\tif ( ! empty( $user_id ) || ! isset( $_SERVER['PHP_AUTH_USER'] ) ) {\n\t\treturn $user_id;\n\t}\n\tremove_filter( 'determine_current_user', 'wp_auth_test_basic_user', 20 );\n\t$found = wp_authenticate( $_SERVER['PHP_AUTH_USER'], $_SERVER['PHP_AUTH_PW'] ?? null );\n\tadd_filter( 'determine_current_user', 'wp_auth_test_basic_user', 20 );\n\tif ( is_wp_error( $found ) ) {\n\t\t$GLOBALS['wp_auth_test_basic'] = $found;\n\t\treturn null;\n\t}\n\t$GLOBALS['wp_auth_test_basic'] = true;\n\treturn $found->ID;\n}\nfunction wp_auth_test_basic_errors( $result ) {\n\treturn empty( $result ) ? $GLOBALS['wp_auth_test_basic'] : $result;\n}\n";

/// The site turns application passwords off for users whose login starts with `noapps`
/// (`wp_is_application_passwords_available_for_user`).
const NO_APPS_PLUGIN: &str = "<?php\nadd_filter( 'wp_is_application_passwords_available_for_user', static function ( $available, $user ) {\n\treturn $available && 0 !== strpos( $user->user_login, 'noapps' );\n}, 10, 2 );\n";

const EARLY_USER_PLUGIN: &str = "<?php\n// A plugin that looks at the current user before the REST checks (as plugins restricting\n// the REST API to logged-in users do), switched on per request by the test.\nif ( isset( $_SERVER['HTTP_X_TEST_EARLY_USER'] ) ) {\n\tadd_filter( 'rest_authentication_errors', static function ( $result ) {\n\t\tis_user_logged_in();\n\t\treturn $result;\n\t}, 10 );\n}\n";

fn hex_decode(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

fn s(v: &Value) -> String {
    v.as_str().expect("a JSON string").to_owned()
}

/// What WordPress minted for the test.
struct Minted {
    logged_in: String,
    auth: String,
    secure_auth: String,
    users: Vec<Value>,
}

fn mint(site: &WordPressSite, rng: &mut Rng) -> (Minted, Value) {
    let mut plan = String::new();
    for i in 0..10 {
        let base = rng.string_from(b"abcdefghijklmnopqrstuvwxyz0123456789", 6);
        let mut login = format!("u{i}{}", String::from_utf8_lossy(&base));
        if rng.one_in(3) {
            login = login.to_uppercase();
        }
        if i == 3 {
            login = format!("mail{i}@example.com");
        }
        if i == 5 {
            // The site's filter turns application passwords off for this user.
            login = format!("noapps{i}");
        }
        let email = format!("user{i}.{}@example.org", String::from_utf8_lossy(&base));
        // One live session, one logged out; two application passwords, the second revoked.
        plan += &format!(
            "{login}\t{email}\taccount-pw-{i}\t{}:0,{}:1\t0,1\n",
            86_400 * 2,
            86_400 * 2
        );
    }
    let out = site.php(Path::new("tests/live/mint.php"), plan.as_bytes());
    let v: Value = serde_json::from_str(out.trim()).expect("mint.php prints JSON");
    let minted = Minted {
        logged_in: s(&v["logged_in_cookie"]),
        auth: s(&v["auth_cookie"]),
        secure_auth: s(&v["secure_auth_cookie"]),
        users: v["users"].as_array().expect("users").clone(),
    };
    (minted, v)
}

fn store_of(minted: &Minted) -> MemoryStore {
    let mut store = MemoryStore::new();
    for u in &minted.users {
        store.add_user(MemoryUser {
            id: u["id"].as_u64().expect("id"),
            login: s(&u["login"]).into_bytes().into(),
            email: s(&u["email"]).into_bytes().into(),
            user_pass: StoredSecret::new(s(&u["user_pass"]).as_bytes()).expect("a hash"),
            app_passwords_available: !s(&u["login"]).starts_with("noapps"),
            session_tokens: hex_decode(&s(&u["session_tokens"])).into(),
            app_passwords: AppPasswordRow::from_meta(&hex_decode(&s(&u["application_passwords"])))
                .expect("WordPress's _application_passwords meta reads"),
        });
    }
    store
}

/// One generated request.
#[derive(Debug, Clone, Default)]
struct Req {
    method: &'static str,
    target: Vec<u8>,
    cookie: Option<Vec<u8>>,
    authorization: Option<Vec<u8>>,
    x_wp_nonce: Option<Vec<u8>>,
    content_type: Option<&'static [u8]>,
    body: Vec<u8>,
    https: bool,
    early: bool,
    basic_auth_plugin: bool,
    users_me: bool,
    label: String,
}

fn tamper(v: &str) -> String {
    let mut b = v.as_bytes().to_vec();
    if let Some(last) = b.last_mut() {
        *last = if *last == b'0' { b'1' } else { b'0' };
    }
    String::from_utf8(b).expect("ascii")
}

fn basic(login: &str, password: &str) -> Vec<u8> {
    format!("Basic {}", STANDARD.encode(format!("{login}:{password}"))).into_bytes()
}

fn generate(rng: &mut Rng, m: &Minted) -> Req {
    let mut r = Req {
        method: if rng.one_in(3) { "POST" } else { "GET" },
        https: rng.one_in(2),
        early: rng.one_in(2),
        basic_auth_plugin: rng.one_in(3),
        users_me: !rng.one_in(4),
        ..Req::default()
    };
    let u = rng.pick(&m.users).clone();
    let session = &u["sessions"][if rng.one_in(4) { 1 } else { 0 }];
    let other = rng.pick(&m.users).clone();
    let mut labels = Vec::new();
    labels.push(if session["destroyed"].as_bool() == Some(true) {
        "logged-out-session"
    } else {
        "session"
    });
    // The cookie.
    let cookie_kind = rng.range(0, 9);
    let (name, value) = match cookie_kind {
        0..=2 => (m.logged_in.clone(), s(&session["cookies"]["logged_in"])),
        3 => (
            m.logged_in.clone(),
            tamper(&s(&session["cookies"]["logged_in"])),
        ),
        4 => (m.logged_in.clone(), s(&session["expired_logged_in"])),
        5 => (m.logged_in.clone(), s(&session["grace_logged_in"])),
        6 => {
            let c = s(&session["cookies"]["logged_in"]);
            let (login, rest) = c.split_once('|').expect("four fields");
            (
                m.logged_in.clone(),
                format!("{}|{rest}", login.to_uppercase()),
            )
        }
        7 if r.https => (m.secure_auth.clone(), s(&session["cookies"]["secure_auth"])),
        7 => (m.auth.clone(), s(&session["cookies"]["auth"])),
        _ => (String::new(), String::new()),
    };
    labels.push(
        [
            "cookie",
            "cookie",
            "cookie",
            "tampered-cookie",
            "expired-cookie",
            "grace-cookie",
            "case-changed-cookie",
            "admin-cookie",
            "no-cookie",
            "no-cookie",
        ][cookie_kind as usize],
    );
    if !name.is_empty() {
        // Cookies travel URL-encoded (`|` as `%7C`), as WordPress's setcookie() sends them.
        r.cookie = Some(format!("{name}={}", value.replace('|', "%7C")).into_bytes());
    }
    // The nonce.
    let nonce_kind = rng.range(0, 9);
    let nonce = match nonce_kind {
        0..=2 => Some(s(&session["nonce"])),
        3 => Some(s(&session["anon_nonce"])),
        4 => Some(s(&other["sessions"][0]["nonce"])),
        5 => Some("0123456789".to_owned()),
        6 => Some(String::new()),
        _ => None,
    };
    labels.push(
        [
            "nonce",
            "nonce",
            "nonce",
            "anon-nonce",
            "other-user-nonce",
            "bad-nonce",
            "empty-nonce",
            "no-nonce",
            "no-nonce",
            "no-nonce",
        ][nonce_kind as usize],
    );
    let mut query = String::from("rest_route=");
    query += if r.users_me {
        "/wp/v2/users/me"
    } else {
        "/wp/v2/types/post"
    };
    if r.method == "POST" {
        // PHP sees a POST (grace period, $_POST); the REST server dispatches a GET.
        query += "&_method=GET";
    }
    if let Some(n) = &nonce {
        match rng.range(0, 4) {
            0 | 1 => r.x_wp_nonce = Some(n.clone().into_bytes()),
            2 => {
                query += "&_wpnonce=";
                query += n;
                labels.push("in-query");
            }
            _ if r.method == "POST" => {
                r.content_type = Some(b"application/x-www-form-urlencoded");
                r.body = format!("_wpnonce={n}").into_bytes();
                r.x_wp_nonce = Some(b"0000000000".to_vec());
                labels.push("in-body-over-header");
            }
            _ => {
                query += "&_wpnonce=";
                query += n;
                r.x_wp_nonce = Some(b"0000000000".to_vec());
                labels.push("in-query-over-header");
            }
        }
    }
    r.target = format!("/index.php?{query}").into_bytes();
    // Basic credentials.
    let app = &u["apps"][0]["password"];
    let app = s(app);
    let chunked: String = app
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    let login = s(&u["login"]);
    let basic_kind = rng.range(0, 19);
    r.authorization = match basic_kind {
        0 | 1 => Some(basic(&login, &app)),
        2 => Some(basic(&login, &chunked)),
        3 => Some(basic(&login, &s(&u["apps"][1]["password"]))),
        4 => Some(basic(&login, "wrongwrongwrongwrongwron")),
        5 => Some(basic("nobody-here", &app)),
        6 => Some(basic(&s(&u["email"]), &app)),
        7 => Some(basic("nobody@example.net", &app)),
        8 => Some(basic(&login.to_uppercase(), &app)),
        9 => {
            // PHP's lenient SAPI reading: two spaces after the scheme, a space in the token.
            let b = basic(&login, &app);
            let mut v = b"Basic  ".to_vec();
            let token = &b[6..];
            v.extend_from_slice(&token[..4]);
            v.push(b' ');
            v.extend_from_slice(&token[4..]);
            Some(v)
        }
        10 => Some(format!("Basic {}", STANDARD.encode(login.as_bytes())).into_bytes()),
        // Account passwords (for the Basic-Auth plugin): right, padded with spaces (trimmed),
        // wrong, by e-mail, empty, "0", no login, nothing at all.
        11 => Some(basic(&login, &s(&u["account_password"]))),
        12 => Some(basic(&login, &format!("  {} ", s(&u["account_password"])))),
        13 => Some(basic(&login, "not-the-account-password")),
        14 => Some(basic(&s(&u["email"]), &s(&u["account_password"]))),
        15 => Some(basic(&login, "")),
        16 => Some(basic(&login, "0")),
        17 => Some(basic("", &app)),
        18 => Some(basic("", "")),
        _ => None,
    };
    labels.push(
        [
            "app-password",
            "app-password",
            "app-password-chunked",
            "revoked-app-password",
            "wrong-app-password",
            "unknown-user",
            "email-login",
            "unknown-email",
            "case-changed-login",
            "lenient-basic",
            "basic-no-colon",
            "account-password",
            "account-password-padded",
            "wrong-account-password",
            "account-password-by-email",
            "empty-password",
            "zero-password",
            "empty-login",
            "empty-both",
            "no-basic",
        ][basic_kind as usize],
    );
    labels.push(if r.https { "tls" } else { "plain-http" });
    labels.push(if r.early {
        "early-user-site"
    } else {
        "stock-site"
    });
    if r.basic_auth_plugin {
        labels.push("basic-auth-plugin");
    }
    labels.push(r.method);
    r.label = labels.join(" ");
    r
}

/// WordPress's answer, reduced to what the comparison needs.
#[derive(Debug, PartialEq, Eq, Clone)]
struct Answer {
    status: u16,
    code: String,
    user: Option<u64>,
    x_wp_nonce: Option<Vec<u8>>,
    /// `Cache-Control` and `Expires`, where the no-cache headers were sent.
    no_cache: Option<(Vec<u8>, Vec<u8>)>,
    /// An error's JSON body, byte for byte.
    error_body: Option<String>,
}

fn wordpress_answer(resp: &Response, users_me: bool) -> Answer {
    let json = resp.json();
    let code = json["code"].as_str().unwrap_or("").to_owned();
    let user = (users_me && resp.status == 200).then(|| json["id"].as_u64().expect("users/me id"));
    Answer {
        status: resp.status,
        code,
        user,
        x_wp_nonce: resp.header("x-wp-nonce").map(<[u8]>::to_vec),
        no_cache: no_cache_headers(|name| resp.header(name)),
        error_body: (resp.status != 200).then(|| String::from_utf8_lossy(&resp.body).into_owned()),
    }
}

fn no_cache_headers<'a>(header: impl Fn(&str) -> Option<&'a [u8]>) -> Option<(Vec<u8>, Vec<u8>)> {
    let cache_control = header("cache-control")?;
    let expires = header("expires").unwrap_or_default();
    cache_control
        .windows(8)
        .any(|w| w == b"no-cache")
        .then(|| (cache_control.to_vec(), expires.to_vec()))
}

/// The headers the tower layer would add for these effects.
fn layer_headers(effects: &wp_auth::Effects, version: WpVersion) -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    wp_auth::http::apply_effects(&mut headers, effects, version);
    headers
}

fn facade_answer(cfg: &Config, store: &MemoryStore, now: u64, r: &Req) -> Answer {
    let view = RequestView {
        method: r.method.as_bytes(),
        url: &r.target,
        cookie: r.cookie.as_deref(),
        authorization: r.authorization.as_deref(),
        x_wp_nonce: r.x_wp_nonce.as_deref(),
        content_type: r.content_type,
        body: &r.body,
        is_ssl: r.https,
    };
    let mut cfg = cfg.clone();
    cfg.user_determined = if r.early {
        UserDetermined::Early
    } else {
        UserDetermined::Late
    };
    cfg.basic_account_passwords = r.basic_auth_plugin;
    match wp_auth::authenticate(&cfg, now, &view, store) {
        Ok(outcome) => {
            // What the layer puts on the response: the route's, plus the effects' headers.
            let headers = layer_headers(outcome.effects(), cfg.version);
            let header = |name: &str| headers.get(name).map(http::HeaderValue::as_bytes);
            let (status, code, user, error_body) = match (outcome, r.users_me) {
                (Outcome::Authenticated(a), true) => (200, String::new(), Some(a.user_id), None),
                (Outcome::Anonymous(_), true) => {
                    let e = RestError::NotLoggedIn;
                    (401, e.code().into(), None, Some(e.json().to_string()))
                }
                (_, false) => (200, String::new(), None, None),
            };
            Answer {
                status,
                code,
                user,
                x_wp_nonce: header("x-wp-nonce").map(<[u8]>::to_vec),
                no_cache: no_cache_headers(header),
                error_body,
            }
        }
        Err(Error::Rest(e)) => {
            // The layer's whole answer.
            let resp = wp_auth::http::ErrorResponse::rest(e, cfg.version).response();
            let header = |name: &str| resp.headers().get(name).map(http::HeaderValue::as_bytes);
            assert_eq!(
                header("content-type"),
                Some(&b"application/json; charset=UTF-8"[..])
            );
            Answer {
                status: resp.status().as_u16(),
                code: e.code().into(),
                user: None,
                x_wp_nonce: header("x-wp-nonce").map(<[u8]>::to_vec),
                no_cache: no_cache_headers(header),
                error_body: Some(e.json().to_string()),
            }
        }
        Err(Error::Store(e)) => match e {},
        Err(_) => unreachable!("no other error"),
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

#[test]
fn the_facade_answers_as_wordpress_over_http() {
    let Some(site) = wordpress_site("the_facade_answers_as_wordpress_over_http") else {
        return;
    };
    site.add_mu_plugin("early-user.php", EARLY_USER_PLUGIN);
    site.add_mu_plugin("zz-basic-auth.php", BASIC_AUTH_PLUGIN);
    site.add_mu_plugin("no-apps.php", NO_APPS_PLUGIN);
    let mut rng = Rng::from_env();
    let (minted, raw) = mint(&site, &mut rng);
    // The integration a user writes: the site's wp-config.php, its two URL options, a store.
    let php = std::fs::read(site.root().join("wp-config.php")).expect("read wp-config.php");
    let wp_config = WpConfig::parse(&php).expect("the site's wp-config.php reads");
    let mut cfg = Config::from_wp_config(
        &wp_config,
        s(&raw["siteurl"]).as_bytes(),
        s(&raw["home"]).as_bytes(),
    )
    .expect("keys from the salts");
    cfg.version = WpVersion::Wp61; // Debian 12's WordPress is 6.1.
    let store = store_of(&minted);

    let requests: Vec<Req> = (0..REQUESTS).map(|_| generate(&mut rng, &minted)).collect();
    let failures = Mutex::new(Vec::new());
    let mix = Mutex::new(BTreeMap::<String, usize>::new());
    let skipped = Mutex::new(0usize);
    std::thread::scope(|scope| {
        for part in requests.chunks(REQUESTS / 2 + 1) {
            let (site, cfg, store, failures, mix, skipped) =
                (&site, &cfg, &store, &failures, &mix, &skipped);
            scope.spawn(move || {
                for r in part {
                    let before = unix_now();
                    let mut headers: Vec<(&str, &[u8])> = Vec::new();
                    if let Some(c) = &r.cookie {
                        headers.push(("Cookie", c));
                    }
                    if let Some(a) = &r.authorization {
                        headers.push(("Authorization", a));
                    }
                    if let Some(n) = &r.x_wp_nonce {
                        headers.push(("X-WP-Nonce", n));
                    }
                    if let Some(ct) = r.content_type {
                        headers.push(("Content-Type", ct));
                    }
                    if r.https {
                        headers.push(("X-Test-Https", b"1"));
                    }
                    if r.early {
                        headers.push(("X-Test-Early-User", b"1"));
                    }
                    if r.basic_auth_plugin {
                        headers.push(("X-Test-Basic-Auth", b"1"));
                    }
                    let resp = site.request(r.method, &r.target, &headers, &r.body);
                    let after = unix_now();
                    let mut wp = wordpress_answer(&resp, r.users_me);
                    let mut ours = facade_answer(cfg, store, before, r);
                    if r.basic_auth_plugin && wp.status == 500 {
                        // wp_authenticate()'s messages name the user and link to the
                        // lost-password page; the facade sends its code's plain message
                        // (documented): compare the rest of the body.
                        for a in [&mut wp, &mut ours] {
                            a.error_body = a.error_body.take().map(|b| {
                                let mut v: Value = serde_json::from_str(&b).expect("JSON");
                                v.as_object_mut().expect("object").shift_remove("message");
                                v.to_string()
                            });
                        }
                    }
                    if before != after && facade_answer(cfg, store, after, r) != ours {
                        // A decision that changed while the request was in flight.
                        *skipped.lock().expect("lock") += 1;
                        continue;
                    }
                    let key = format!(
                        "{} {}",
                        wp.status,
                        if wp.code.is_empty() { "ok" } else { &wp.code }
                    );
                    *mix.lock().expect("lock").entry(key).or_default() += 1;
                    if wp != ours {
                        failures.lock().expect("lock").push(format!(
                            "{}\n  wordpress {wp:?}\n  wp-auth   {ours:?}",
                            r.label
                        ));
                    }
                }
            });
        }
    });
    let mix = mix.into_inner().expect("lock");
    println!("outcome mix over {REQUESTS} requests (status code: count):");
    for (k, n) in &mix {
        println!("  {k}: {n}");
    }
    let skipped = skipped.into_inner().expect("lock");
    println!("skipped (decision changed mid-flight): {skipped}");
    assert!(skipped < 20, "too many requests straddled a time boundary");
    let failures = failures.into_inner().expect("lock");
    wp_testkit::oracle::assert_agreement(
        "requests disagreed with WordPress",
        &failures,
        REQUESTS,
        rng.seed(),
    );
    for code in [
        "200 ok",
        "401 rest_not_logged_in",
        "403 rest_cookie_invalid_nonce",
        "401 incorrect_password",
        "401 invalid_username",
        "401 invalid_email",
        "500 incorrect_password",
        "500 invalid_username",
        "500 empty_password",
        "500 application_passwords_disabled",
        "401 application_passwords_disabled_for_user",
    ] {
        assert!(mix.contains_key(code), "the run never saw {code}: {mix:?}");
    }
}

/// The site's data now, as the store sees it.
fn dump(site: &WordPressSite) -> Minted {
    let out = site.php(Path::new("tests/live/dump.php"), b"");
    let v: Value = serde_json::from_str(out.trim()).expect("dump.php prints JSON");
    Minted {
        logged_in: s(&v["logged_in_cookie"]),
        auth: s(&v["auth_cookie"]),
        secure_auth: s(&v["secure_auth_cookie"]),
        users: v["users"].as_array().expect("users").clone(),
    }
}

/// `name=value` of every `Set-Cookie` that sets a value and that a browser sends to `path`
/// (its `path` attribute a prefix of it), joined as a `Cookie` header.
fn cookies_of(resp: &Response, path: &str) -> Vec<u8> {
    let pairs: Vec<String> = resp
        .header_values("set-cookie")
        .filter_map(|v| {
            let v = String::from_utf8_lossy(v);
            let mut attrs = v.split(';');
            let pair = attrs.next()?.trim().to_owned();
            let (_, value) = pair.split_once('=')?;
            let cookie_path = attrs
                .filter_map(|a| a.trim().strip_prefix("path="))
                .next()
                .unwrap_or("/");
            (!value.is_empty() && value != "deleted" && path.starts_with(cookie_path))
                .then_some(pair)
        })
        .collect();
    pairs.join("; ").into_bytes()
}

/// WordPress's flows over HTTP, as a browser and a client drive them: log in at
/// `wp-login.php`, fetch a nonce from `admin-ajax.php?action=rest-nonce`, create an application
/// password through the REST API, revoke one, log out. After each, named requests go to
/// `users/me` on both site kinds; the facade, reading the site's `wp-config.php` and its
/// database rows, must answer every one as WordPress does.
#[test]
fn wordpress_flows_over_http_agree() {
    let Some(site) = wordpress_site("wordpress_flows_over_http_agree") else {
        return;
    };
    site.add_mu_plugin("early-user.php", EARLY_USER_PLUGIN);
    let plan =
        "Bob.Smith\tbob@example.org\t secret pass \t\t\nalice\talice@example.org\talice-pw\t\t\n";
    let _ = site.php(Path::new("tests/live/mint.php"), plan.as_bytes());
    let php = std::fs::read(site.root().join("wp-config.php")).expect("read wp-config.php");
    let wp_config = WpConfig::parse(&php).expect("the site's wp-config.php reads");
    let mut cfg = Config::from_wp_config(&wp_config, site.url().as_bytes(), site.url().as_bytes())
        .expect("keys from the salts");
    cfg.version = WpVersion::Wp61;

    // Log in as a browser does (WordPress trims the password: the stored one has spaces
    // around it, the login form sends it without).
    let login = |user: &str, pw: &str| {
        let body = format!("log={user}&pwd={pw}&wp-submit=Log+In&testcookie=1");
        let resp = site.request(
            "POST",
            b"/wp-login.php",
            &[
                ("Content-Type", b"application/x-www-form-urlencoded"),
                ("Cookie", b"wordpress_test_cookie=WP%20Cookie%20check"),
            ],
            body.as_bytes(),
        );
        assert_eq!(
            resp.status,
            302,
            "wp-login.php did not log {user} in: {}",
            String::from_utf8_lossy(&resp.body)
        );
        // What a browser sends to wp-admin, and to the REST API (only the logged_in cookie).
        (
            cookies_of(&resp, "/wp-admin/"),
            cookies_of(&resp, "/index.php"),
        )
    };
    let rest_nonce = |cookies: &[u8]| {
        let resp = site.request(
            "GET",
            b"/wp-admin/admin-ajax.php?action=rest-nonce",
            &[("Cookie", cookies)],
            b"",
        );
        assert_eq!(resp.status, 200);
        resp.body
    };
    let (bob_admin, bob_cookies) = login("Bob.Smith", "secret+pass");
    let bob_nonce = rest_nonce(&bob_admin);
    assert_eq!(
        bob_nonce.len(),
        10,
        "rest-nonce answered {:?}",
        String::from_utf8_lossy(&bob_nonce)
    );

    // Application passwords created through the REST API (cookie + nonce, over "TLS"):
    // (password, uuid).
    let create = |name: &str| {
        let resp = site.request(
            "POST",
            b"/index.php?rest_route=/wp/v2/users/me/application-passwords",
            &[
                ("Cookie", &bob_cookies),
                ("X-WP-Nonce", &bob_nonce),
                ("X-Test-Https", b"1"),
                ("Content-Type", b"application/x-www-form-urlencoded"),
            ],
            format!("name={name}").as_bytes(),
        );
        assert_eq!(resp.status, 201, "{}", String::from_utf8_lossy(&resp.body));
        let json = resp.json();
        (s(&json["password"]), s(&json["uuid"]))
    };
    let (app, _) = create("client");
    let (revoked, revoked_uuid) = create("revoked");
    let gone = site.request(
        "DELETE",
        format!("/index.php?rest_route=/wp/v2/users/me/application-passwords/{revoked_uuid}")
            .as_bytes(),
        &[
            ("Cookie", &bob_cookies),
            ("X-WP-Nonce", &bob_nonce),
            ("X-Test-Https", b"1"),
        ],
        b"",
    );
    assert_eq!(gone.status, 200, "{}", String::from_utf8_lossy(&gone.body));

    // A second session for Bob, then logged out through wp-login.php's link.
    let (old_admin, old_cookies) = login("Bob.Smith", "secret+pass");
    let old_nonce = rest_nonce(&old_admin);
    let profile = site.request(
        "GET",
        b"/wp-admin/profile.php",
        &[("Cookie", &old_admin)],
        b"",
    );
    let html = String::from_utf8_lossy(&profile.body);
    // The admin bar's link: `wp-login.php?action=logout&amp;_wpnonce=…` (`&#038;` in some
    // places).
    let logout_nonce = html
        .split("action=logout&")
        .nth(1)
        .and_then(|rest| rest.split("_wpnonce=").nth(1))
        .map(|rest| rest[..10].to_owned())
        .unwrap_or_else(|| panic!("the profile page links to log out ({})", profile.status));
    let out = site.request(
        "GET",
        format!("/wp-login.php?action=logout&_wpnonce={logout_nonce}").as_bytes(),
        &[("Cookie", &old_admin)],
        b"",
    );
    assert_eq!(
        out.status,
        302,
        "logout: {}",
        String::from_utf8_lossy(&out.body)
    );
    let (alice_admin, alice_cookies) = login("alice", "alice-pw");
    let alice_nonce = rest_nonce(&alice_admin);

    let store = store_of(&dump(&site));
    let tampered = {
        let mut c = bob_cookies.clone();
        let last = c
            .iter()
            .rposition(|b| b.is_ascii_hexdigit())
            .expect("a MAC");
        c[last] = if c[last] == b'0' { b'1' } else { b'0' };
        c
    };
    let lenient = {
        let b = basic("Bob.Smith", &app);
        let mut v = b"Basic  ".to_vec();
        v.extend_from_slice(&b[6..10]);
        v.push(b' ');
        v.extend_from_slice(&b[10..]);
        v
    };
    type Case = (&'static str, Vec<(&'static str, Vec<u8>)>);
    let cases: Vec<Case> = vec![
        (
            "cookie + nonce",
            vec![
                ("Cookie", bob_cookies.clone()),
                ("X-WP-Nonce", bob_nonce.clone()),
            ],
        ),
        ("cookie, no nonce", vec![("Cookie", bob_cookies.clone())]),
        (
            "cookie + another user's nonce",
            vec![
                ("Cookie", bob_cookies.clone()),
                ("X-WP-Nonce", alice_nonce.clone()),
            ],
        ),
        (
            "tampered cookie + nonce",
            vec![("Cookie", tampered), ("X-WP-Nonce", bob_nonce.clone())],
        ),
        (
            "logged-out cookie + its nonce",
            vec![
                ("Cookie", old_cookies.clone()),
                ("X-WP-Nonce", old_nonce.clone()),
            ],
        ),
        (
            "wrong user: Alice's cookie + Bob's nonce",
            vec![
                ("Cookie", alice_cookies.clone()),
                ("X-WP-Nonce", bob_nonce.clone()),
            ],
        ),
        (
            "app password (TLS)",
            vec![
                ("Authorization", basic("Bob.Smith", &app)),
                ("X-Test-Https", b"1".to_vec()),
            ],
        ),
        (
            "app password over plain HTTP",
            vec![("Authorization", basic("Bob.Smith", &app))],
        ),
        (
            "app password, login case changed",
            vec![
                ("Authorization", basic("BOB.SMITH", &app)),
                ("X-Test-Https", b"1".to_vec()),
            ],
        ),
        (
            "app password by e-mail",
            vec![
                ("Authorization", basic("bob@example.org", &app)),
                ("X-Test-Https", b"1".to_vec()),
            ],
        ),
        (
            "app password, lenient Basic",
            vec![("Authorization", lenient), ("X-Test-Https", b"1".to_vec())],
        ),
        (
            "revoked app password",
            vec![
                ("Authorization", basic("Bob.Smith", &revoked)),
                ("X-Test-Https", b"1".to_vec()),
            ],
        ),
        (
            "Bob's app password as Alice",
            vec![
                ("Authorization", basic("alice", &app)),
                ("X-Test-Https", b"1".to_vec()),
            ],
        ),
        (
            "unknown user",
            vec![
                ("Authorization", basic("nobody", &app)),
                ("X-Test-Https", b"1".to_vec()),
            ],
        ),
        (
            "account password over Basic",
            vec![
                ("Authorization", basic("Bob.Smith", " secret pass ")),
                ("X-Test-Https", b"1".to_vec()),
            ],
        ),
        ("anonymous", vec![]),
    ];
    let mut table = Vec::new();
    let mut failures = Vec::new();
    for (label, headers) in &cases {
        for early in [false, true] {
            let mut h: Vec<(&str, &[u8])> =
                headers.iter().map(|(n, v)| (*n, v.as_slice())).collect();
            if early {
                h.push(("X-Test-Early-User", b"1"));
            }
            let before = unix_now();
            let resp = site.request("GET", b"/index.php?rest_route=/wp/v2/users/me", &h, b"");
            let wp = wordpress_answer(&resp, true);
            let find = |n: &str| {
                headers
                    .iter()
                    .find(|(k, _)| *k == n)
                    .map(|(_, v)| v.clone())
            };
            let r = Req {
                method: "GET",
                target: b"/index.php?rest_route=/wp/v2/users/me".to_vec(),
                cookie: find("Cookie"),
                authorization: find("Authorization"),
                x_wp_nonce: find("X-WP-Nonce"),
                https: find("X-Test-Https").is_some(),
                early,
                users_me: true,
                ..Req::default()
            };
            let ours = facade_answer(&cfg, &store, before, &r);
            let site_kind = if early { "early-user" } else { "stock" };
            table.push(format!(
                "{label:<48} {site_kind:<10} {} {:<28} user {:?}",
                wp.status,
                if wp.code.is_empty() { "-" } else { &wp.code },
                wp.user
            ));
            if wp != ours {
                failures.push(format!(
                    "{label} ({site_kind})\n  wordpress {wp:?}\n  wp-auth   {ours:?}"
                ));
            }
        }
    }
    println!(
        "WordPress over HTTP (status, code, user) — the facade agreed on each unless listed below:"
    );
    for line in &table {
        println!("  {line}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A `wp-config.php` written by WordPress's own installer (`setup-config.php` over HTTP, with
/// the salts it generated): every salt and the table prefix read as PHP loaded them, and the
/// facade built from the file accepts the cookie and nonce that site minted, as the site does.
#[test]
fn the_installers_wp_config_reads_as_wordpress_loads_it() {
    let Some(site) = wp_testkit::site::wordpress_site_from_installer(
        "the_installers_wp_config_reads_as_wordpress_loads_it",
    ) else {
        return;
    };
    let php = std::fs::read(site.root().join("wp-config.php")).expect("read wp-config.php");
    let wp_config = WpConfig::parse(&php).expect("the installer's wp-config.php reads");
    wp_config
        .check_salts()
        .expect("the installer's salts are usable");
    let loaded: Value =
        serde_json::from_str(site.php(Path::new("tests/live/constants.php"), b"").trim())
            .expect("constants.php prints JSON");
    for name in wp_auth::config::SALT_CONSTANTS {
        assert_eq!(
            wp_config.get(name).map(<[u8]>::to_vec),
            Some(hex_decode(&s(&loaded[name]))),
            "{name}"
        );
    }
    assert_eq!(
        wp_config.table_prefix(),
        hex_decode(&s(&loaded["table_prefix"]))
    );

    let out = site.php(
        Path::new("tests/live/mint.php"),
        b"carol\tcarol@example.org\tcarol-pw\t86400:0\t\n",
    );
    let minted: Value = serde_json::from_str(out.trim()).expect("mint.php prints JSON");
    let user = &minted["users"][0];
    let session = &user["sessions"][0];
    let cookie = format!(
        "{}={}",
        s(&minted["logged_in_cookie"]),
        s(&session["cookies"]["logged_in"]).replace('|', "%7C")
    );
    let nonce = s(&session["nonce"]);
    let before = unix_now();
    let resp = site.request(
        "GET",
        b"/index.php?rest_route=/wp/v2/users/me",
        &[
            ("Cookie", cookie.as_bytes()),
            ("X-WP-Nonce", nonce.as_bytes()),
        ],
        b"",
    );
    let wp = wordpress_answer(&resp, true);
    let mut cfg = Config::from_wp_config(
        &wp_config,
        s(&minted["siteurl"]).as_bytes(),
        s(&minted["home"]).as_bytes(),
    )
    .expect("keys from the installer's salts");
    cfg.version = WpVersion::Wp61;
    let store = store_of(&dump(&site));
    let r = Req {
        method: "GET",
        target: b"/index.php?rest_route=/wp/v2/users/me".to_vec(),
        cookie: Some(cookie.into_bytes()),
        x_wp_nonce: Some(nonce.into_bytes()),
        users_me: true,
        ..Req::default()
    };
    let ours = facade_answer(&cfg, &store, before, &r);
    assert_eq!(wp.status, 200, "{wp:?}");
    assert_eq!(wp, ours);
}
