//! The store against a real WordPress database: Debian's WordPress 6.1 installed into a
//! private MariaDB (testkit's site), users, sessions and application passwords made by
//! WordPress's own functions (wp-auth's `tests/live/mint.php`), then every lookup compared with
//! what WordPress stored, and the facade's decisions through this store checked.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::Path;

use serde_json::Value;
use sqlx::mysql::MySqlConnectOptions;
use wp_auth::config::WpConfig;
use wp_auth::{
    AppPasswordRow, AsyncStore, Config, Method, Outcome, RequestView, Verifier, WpVersion,
};
use wp_auth_mysql::MySqlStore;
use wp_testkit::site::wordpress_site;

fn hex_decode(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

fn s(v: &Value) -> &str {
    v.as_str().expect("a JSON string")
}

/// The site as the facade sees it: its own wp-config.php, the URL options WordPress reported.
fn site_config(site: &wp_testkit::site::WordPressSite, minted: &Value) -> (WpConfig, Config) {
    let php = std::fs::read(site.root().join("wp-config.php")).unwrap();
    let wp_config = WpConfig::parse(&php).unwrap();
    let mut cfg = Config::from_wp_config(
        &wp_config,
        s(&minted["siteurl"]).as_bytes(),
        s(&minted["home"]).as_bytes(),
    )
    .unwrap();
    cfg.version = WpVersion::Wp61; // Debian 12's WordPress is 6.1.
    (wp_config, cfg)
}

/// The `Cookie` header of a session's logged_in cookie, as a browser sends it (`|` as `%7C`).
fn logged_in_cookie(minted: &Value, session: &Value) -> String {
    format!(
        "{}={}",
        s(&minted["logged_in_cookie"]),
        s(&session["cookies"]["logged_in"]).replace('|', "%7C")
    )
}

fn basic(login: &str, pw: &str) -> Vec<u8> {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let raw = format!("{login}:{pw}").into_bytes();
    let mut out = String::from("Basic ");
    for c in raw.chunks(3) {
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            out.push(if i <= c.len() {
                A[(v >> (18 - 6 * i)) as usize & 63] as char
            } else {
                '='
            });
        }
    }
    out.into_bytes()
}

#[test]
fn the_store_reads_what_wordpress_stored() {
    let Some(site) = wordpress_site("the_store_reads_what_wordpress_stored") else {
        return;
    };
    // Four users: each with a live and a destroyed session, an active and a revoked
    // application password; one with an e-mail-like login.
    let plan = [
        "alice\talice@example.com\tpw-alice\t86400:0,86400:1\t0,1",
        "Bob.Smith\tbob@example.com\tpw-bob\t86400:0,86400:1\t0,1",
        "carol@example.org\tcarol@example.com\tpw-carol\t86400:0,86400:1\t0,1",
        "dave\tdave@example.com\tpw-dave\t86400:0\t0",
    ]
    .join("\n")
        + "\n";
    let out = site.php(Path::new("../wp-auth/tests/live/mint.php"), plan.as_bytes());
    let minted: Value = serde_json::from_str(out.trim()).expect("mint.php prints JSON");
    let users = minted["users"].as_array().expect("users");
    let dave = users[3]["id"].as_u64().unwrap();
    let jwt = site.php(
        Path::new("tests/live/jwt_meta.php"),
        format!("{dave}\tpass-of-dave\tLaptop,Phone\n").as_bytes(),
    );
    assert_eq!(jwt.trim(), "ok");

    let (wp_config, cfg) = site_config(&site, &minted);

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let options = MySqlConnectOptions::new()
            .socket(site.mysql_socket())
            .username("root")
            .database("wp");
        let store = MySqlStore::connect(
            options,
            4,
            core::str::from_utf8(wp_config.table_prefix()).unwrap(),
        )
        .await
        .expect("connect to the site's database");
        for u in users {
            let id = u["id"].as_u64().unwrap();
            let login = s(&u["login"]);
            let row = store
                .user_by_login(login.as_bytes())
                .await
                .unwrap()
                .expect("by login");
            assert_eq!(row.id, id);
            assert_eq!(row.user_pass.as_bytes(), s(&u["user_pass"]).as_bytes());
            // The column's collation, as WordPress's query sees it.
            let upper = store
                .user_by_login(login.to_uppercase().as_bytes())
                .await
                .unwrap();
            assert_eq!(upper.map(|r| r.id), Some(id), "{login}: case-insensitive");
            let by_mail = store
                .user_by_email(s(&u["email"]).as_bytes())
                .await
                .unwrap();
            assert_eq!(by_mail.map(|r| r.id), Some(id));
            assert_eq!(store.user_by_id(id).await.unwrap().map(|r| r.id), Some(id));

            for session in u["sessions"].as_array().unwrap() {
                let verifier = Verifier::of(s(&session["token"]).as_bytes());
                let got = store.session_expiration(id, &verifier).await.unwrap();
                let want = (!session["destroyed"].as_bool().unwrap())
                    .then(|| session["expiration"].as_i64().unwrap());
                assert_eq!(got, want, "{login}: session");
            }
            let rows = store.app_passwords(id).await.unwrap();
            let stored =
                AppPasswordRow::from_meta(&hex_decode(s(&u["application_passwords"]))).unwrap();
            assert_eq!(rows, stored);
            for app in u["apps"].as_array().unwrap() {
                let present = rows
                    .iter()
                    .any(|r| r.uuid.as_slice() == s(&app["uuid"]).as_bytes());
                assert_eq!(present, !app["revoked"].as_bool().unwrap());
            }

            // The facade through this store: cookies with their nonces, application passwords.
            for session in u["sessions"].as_array().unwrap() {
                let cookie = logged_in_cookie(&minted, session);
                let req = RequestView {
                    method: b"GET",
                    url: b"/wp-json/wp/v2/users/me",
                    cookie: Some(cookie.as_bytes()),
                    x_wp_nonce: Some(s(&session["nonce"]).as_bytes()),
                    is_ssl: true,
                    ..RequestView::default()
                };
                let now = minted["now"].as_u64().unwrap();
                let r = wp_auth::authenticate_async(&cfg, now, &req, &store).await;
                if session["destroyed"].as_bool().unwrap() {
                    // A logged-out session: the cookie fails, the nonce is checked as a
                    // visitor's (made for the user, so it does not match).
                    assert!(
                        !matches!(r, Ok(Outcome::Authenticated(_))),
                        "{login}: {r:?}"
                    );
                } else {
                    let Ok(Outcome::Authenticated(a)) = r else {
                        panic!("{login}: {r:?}")
                    };
                    assert_eq!((a.user_id, a.method), (id, Method::Cookie));
                }
            }
            for app in u["apps"].as_array().unwrap() {
                let header = basic(login, s(&app["password"]));
                let req = RequestView {
                    method: b"GET",
                    url: b"/wp-json/wp/v2/users/me",
                    authorization: Some(&header),
                    is_ssl: true,
                    ..RequestView::default()
                };
                let now = minted["now"].as_u64().unwrap();
                let r = wp_auth::authenticate_async(&cfg, now, &req, &store).await;
                match (app["revoked"].as_bool().unwrap(), r) {
                    (true, Ok(Outcome::Anonymous(_))) => {}
                    (false, Ok(Outcome::Authenticated(a))) => {
                        assert_eq!(a.user_id, id);
                        assert!(matches!(a.method, Method::AppPassword { .. }));
                    }
                    (revoked, r) => panic!("{login}: revoked {revoked}: {r:?}"),
                }
            }
        }

        // Useful Team's JWT meta, as WordPress stored it.
        let row = store.jwt_user(dave).await.unwrap().expect("dave");
        assert_eq!(row.pass.as_deref(), Some(&b"pass-of-dave"[..]));
        let devices: Vec<&[u8]> = row.devices.iter().map(|d| &**d).collect();
        assert_eq!(devices, [&b"Laptop"[..], b"Phone"]);

        // Nobody.
        assert!(store.user_by_login(b"nobody").await.unwrap().is_none());
        assert!(store.user_by_id(999_999).await.unwrap().is_none());
        assert!(store.jwt_user(999_999).await.unwrap().is_none());
        assert!(
            store
                .session_expiration(999_999, &Verifier::of(b"x"))
                .await
                .unwrap()
                .is_none()
        );
        assert!(store.app_passwords(999_999).await.unwrap().is_empty());

        // A prefix WordPress would refuse.
        let options = MySqlConnectOptions::new()
            .socket(site.mysql_socket())
            .username("root")
            .database("wp");
        let err = MySqlStore::connect(options, 1, "wp_; DROP TABLE")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("table prefix"), "{err}");
    });
}

/// The cache's promise: a logged-out session is seen within the TTL — still accepted by the
/// cached store until then (while an uncached store already refuses it), refused after.
#[test]
fn a_cached_store_sees_a_logout_within_its_ttl() {
    let Some(site) = wordpress_site("a_cached_store_sees_a_logout_within_its_ttl") else {
        return;
    };
    let out = site.php(
        Path::new("../wp-auth/tests/live/mint.php"),
        b"frank\tfrank@example.com\tpw-frank\t86400:0\t\n",
    );
    let minted: Value = serde_json::from_str(out.trim()).unwrap();
    let u = &minted["users"][0];
    let session = &u["sessions"][0];
    let (_, cfg) = site_config(&site, &minted);
    let cookie = logged_in_cookie(&minted, session);
    let req = RequestView {
        method: b"GET",
        url: b"/wp-json/wp/v2/users/me",
        cookie: Some(cookie.as_bytes()),
        x_wp_nonce: Some(s(&session["nonce"]).as_bytes()),
        is_ssl: true,
        ..RequestView::default()
    };
    let now = minted["now"].as_u64().unwrap();
    let ttl = core::time::Duration::from_secs(2);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let options = || {
            MySqlConnectOptions::new()
                .socket(site.mysql_socket())
                .username("root")
                .database("wp")
        };
        let cached = MySqlStore::connect(options(), 2, "wp_")
            .await
            .unwrap()
            .with_cache(ttl, 1000);
        let fresh = MySqlStore::connect(options(), 2, "wp_").await.unwrap();
        let authenticated = |r: &Result<Outcome, _>| matches!(r, Ok(Outcome::Authenticated(_)));
        assert!(authenticated(
            &wp_auth::authenticate_async(&cfg, now, &req, &cached).await
        ));
        let started = std::time::Instant::now();
        let done = site.php(
            Path::new("tests/live/destroy_session.php"),
            format!("{}\t{}\n", u["id"], s(&session["token"])).as_bytes(),
        );
        assert_eq!(done.trim(), "ok");
        assert!(!authenticated(
            &wp_auth::authenticate_async(&cfg, now, &req, &fresh).await
        ));
        if started.elapsed() < ttl {
            assert!(
                authenticated(&wp_auth::authenticate_async(&cfg, now, &req, &cached).await),
                "within the TTL the cached answer stands"
            );
        }
        tokio::time::sleep(ttl + core::time::Duration::from_millis(200)).await;
        assert!(
            !authenticated(&wp_auth::authenticate_async(&cfg, now, &req, &cached).await),
            "after the TTL the logout is seen"
        );
    });
}
