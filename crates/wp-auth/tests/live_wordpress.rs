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
    AppPasswordRow, Config, Error, MemoryStore, MemoryUser, Outcome, RequestView, UserDetermined,
    WpVersion,
};
use wp_testkit::oracle::Rng;
use wp_testkit::site::{Response, WordPressSite, wordpress_site};

/// How many requests one run sends (half to each site kind, on average).
const REQUESTS: usize = 2_400;

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
            user_pass: s(&u["user_pass"]).into_bytes().into(),
            app_passwords_available: true,
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
    let basic_kind = rng.range(0, 12);
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
            "no-basic",
            "no-basic",
        ][basic_kind as usize],
    );
    labels.push(if r.https { "tls" } else { "plain-http" });
    labels.push(if r.early {
        "early-user-site"
    } else {
        "stock-site"
    });
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
    no_cache: bool,
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
        no_cache: resp
            .header("cache-control")
            .is_some_and(|v| v.windows(8).any(|w| w == b"no-cache")),
    }
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
    match wp_auth::authenticate(&cfg, now, &view, store) {
        Ok(outcome) => {
            let effects = *outcome.effects();
            let nonce = effects.x_wp_nonce.map(|n| n.as_bytes().to_vec());
            match (outcome, r.users_me) {
                (Outcome::Authenticated(a), true) => Answer {
                    status: 200,
                    code: String::new(),
                    user: Some(a.user_id),
                    x_wp_nonce: nonce,
                    no_cache: effects.no_cache,
                },
                (Outcome::Anonymous(_), true) => Answer {
                    status: 401,
                    code: "rest_not_logged_in".into(),
                    user: None,
                    x_wp_nonce: nonce,
                    no_cache: effects.no_cache,
                },
                (_, false) => Answer {
                    status: 200,
                    code: String::new(),
                    user: None,
                    x_wp_nonce: nonce,
                    no_cache: effects.no_cache,
                },
            }
        }
        Err(Error::Rest(e)) => Answer {
            status: e.status(),
            code: e.code().into(),
            user: None,
            x_wp_nonce: None,
            no_cache: e.no_cache(),
        },
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
                    let resp = site.request(r.method, &r.target, &headers, &r.body);
                    let after = unix_now();
                    let wp = wordpress_answer(&resp, r.users_me);
                    let ours = facade_answer(cfg, store, before, r);
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
    ] {
        assert!(mix.contains_key(code), "the run never saw {code}: {mix:?}");
    }
}
