//! `auth/*`: the facade deciding a whole request through the in-memory store, beside the floor
//! of the same work done with the crates directly (their own ops in sequence, no facade, no
//! owned rows) — the facade's overhead is the ratio.
//!
//! - `auth/cookie-nonce`: a logged_in cookie as browsers send it (`%7C`) and `X-WP-Nonce`;
//!   floor = `CookieName::find_in`, `wp_php::cookie::decode_value`, `wp_cookie::validate` over
//!   a borrowing store, `wp_nonce::rest::cookie_check`.
//! - `auth/app-password`: Basic with an application password (6.8 `$generic$`); floor =
//!   `app::populate` and `app::authenticate` over a borrowing store.
//! - `auth/oauth1`: an OAuth1 request signed for the plugin (HMAC-SHA1, 4 query parameters);
//!   floor = `wp_oauth1::parse`, `verify`, the replay key and an in-memory replay insert.
//! - `auth/anonymous`: no credentials; floor = looking for the two cookies and the nonce check.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use oauth1_sig::replay::{MemoryReplayCache, ReplayKey};
use wp_auth::{
    AppPasswordRow, Config, Keys, MemoryStore, MemoryUser, OAuth1, OAuth1Consumer, OAuth1Token,
    Outcome, RequestView, Store, StoredSecret, WpVersion,
};
use wp_cookie::session::SessionMeta;
use wp_cookie::{Options, User, UserStore, Verifier};
use wp_nonce::rest::{CookieAuth, NonceSources, cookie_check};
use wp_password::app;
use wp_testkit::fixtures::{FakeSalts, oauth1_plugin_header};

const NOW: u64 = 1_700_000_000;
const SITE: &[u8] = b"https://example.com";
const USER_PASS: &[u8] = b"$P$BabcdefghIJKLMNOPQRSTUVWXYZ01234";
const TOKEN: &[u8] = b"Xq3Lr6hK0bJv2TtYwP9sF1mZc8aNdE4gRuV7iOyBk5H";
const APP: &[u8] = b"abcdEFGHijklMNOPqrstUVWX";

/// The same data as the in-memory store, borrowed: what hand-written glue would look up.
struct Borrowed<'a> {
    meta: &'a [u8],
    items: [app::Item<'a>; 1],
}

impl UserStore for Borrowed<'_> {
    fn user_by_login(&self, login: &[u8]) -> Option<User<'_>> {
        login.eq_ignore_ascii_case(b"admin").then_some(User {
            user_id: 1,
            user_pass: USER_PASS,
        })
    }

    fn session_expiration(&self, _: u64, v: &Verifier) -> Option<i64> {
        SessionMeta::parse(self.meta).ok()?.expiration(v)
    }
}

impl app::Accounts for Borrowed<'_> {
    fn by_login(&self, login: &[u8]) -> Option<app::Account<'_>> {
        login
            .eq_ignore_ascii_case(b"admin")
            .then_some(app::Account {
                user_id: 1,
                available: true,
                items: &self.items,
            })
    }

    fn by_email(&self, _: &[u8]) -> Option<app::Account<'_>> {
        None
    }
}

fn oauth1_header(cfg: &Config, url: &[u8]) -> Vec<u8> {
    let params = format!(
        "oauth_consumer_key=\"ck\", oauth_token=\"tk\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"{NOW}\", oauth_nonce=\"bench-nonce\", oauth_version=\"1.0\""
    );
    oauth1_plugin_header(&cfg.home, url, &params, b"consumer-secret", b"token-secret")
}

fn auth(c: &mut Criterion) {
    let mut cfg = Config::new(Keys::from_source(&FakeSalts).unwrap(), SITE, SITE);
    cfg.version = WpVersion::Wp68;
    cfg.oauth1 = Some(OAuth1::default());
    let mut sessions = wp_cookie::session::SessionTokens::new();
    sessions.create(NOW, TOKEN, (NOW + 86_400) as i64, b"127.0.0.1", b"bench");
    let meta = sessions.to_php().serialize();
    let hash = wp_password::fast_hash(APP).to_vec();
    let mut store = MemoryStore::new();
    store.add_user(MemoryUser {
        id: 1,
        login: b"admin".as_slice().into(),
        email: b"admin@example.com".as_slice().into(),
        user_pass: StoredSecret::new(USER_PASS).unwrap(),
        app_passwords_available: true,
        session_tokens: meta.clone().into(),
        app_passwords: vec![AppPasswordRow {
            uuid: *b"0eb868ca-56c0-43c0-98e9-8a86af985fb2",
            password: StoredSecret::new(&hash).unwrap(),
            last_used: Some(NOW as i64),
        }],
    });
    store.add_oauth1_consumer(
        b"ck",
        OAuth1Consumer {
            id: 10,
            secret: StoredSecret::new(b"consumer-secret").unwrap(),
        },
    );
    store.add_oauth1_token(
        b"tk",
        OAuth1Token {
            consumer_id: 10,
            user_id: 1,
            secret: StoredSecret::new(b"token-secret").unwrap(),
        },
    );
    let borrowed = Borrowed {
        meta: &meta,
        items: [app::Item {
            uuid: "0eb868ca-56c0-43c0-98e9-8a86af985fb2",
            app_id: "",
            name: "",
            password: &hash,
            created: 0,
            last_used: Some(NOW as i64),
            last_ip: None,
        }],
    };

    // auth/cookie-nonce
    let cookie = wp_cookie::generate(
        &cfg.keys.logged_in,
        b"admin",
        USER_PASS,
        NOW + 86_400,
        TOKEN,
        cfg.version,
    )
    .to_vec();
    let name = cfg.cookie_names.logged_in().to_string();
    // As browsers send it: WordPress's setcookie() encodes each `|` as `%7C`.
    let encoded: Vec<u8> = cookie
        .iter()
        .flat_map(|&b| if b == b'|' { b"%7C".to_vec() } else { vec![b] })
        .collect();
    let header = [
        b"wp-settings-1=x; ".as_slice(),
        name.as_bytes(),
        b"=",
        &encoded,
    ]
    .concat();
    let nonce = wp_nonce::create(
        &cfg.keys.nonce,
        NOW,
        &wp_nonce::Context::new("wp_rest", 1, TOKEN),
    );
    let req = RequestView {
        method: b"GET",
        url: b"/wp-json/wp/v2/users/me",
        cookie: Some(&header),
        x_wp_nonce: Some(nonce.as_bytes()),
        is_ssl: true,
        ..RequestView::default()
    };
    assert!(matches!(
        wp_auth::authenticate(&cfg, NOW, &req, &store),
        Ok(Outcome::Authenticated(a)) if a.user_id == 1
    ));
    let mut g = c.benchmark_group("auth/cookie-nonce");
    g.bench_function("keyed-once", |b| {
        b.iter(|| wp_auth::authenticate(black_box(&cfg), NOW, black_box(&req), &store))
    });
    g.bench_function("floor", |b| {
        b.iter(|| {
            let header = black_box(&header[..]);
            let _ = cfg.cookie_names.secure_auth().find_in(header);
            let raw = cfg.cookie_names.logged_in().find_in(header)?;
            let mut buf = [0u8; 256];
            let value = wp_php::cookie::decode_value(raw, &mut buf).ok()?;
            let valid = wp_cookie::validate(
                &cfg.keys.logged_in,
                NOW,
                value,
                &Options::default(),
                &borrowed,
            )
            .ok()?;
            let nonce = NonceSources {
                header: Some(black_box(nonce.as_bytes())),
                ..NonceSources::default()
            };
            Some(cookie_check(
                &cfg.keys.nonce,
                NOW,
                cfg.nonce_life,
                &wp_nonce::rest::Request {
                    prior_decided: false,
                    cookie: CookieAuth::Valid,
                    user_id: valid.user_id,
                    token: valid.token,
                    nonce: nonce.select(),
                },
            ))
        })
    });
    g.finish();

    // auth/app-password
    // base64("admin:abcdEFGHijklMNOPqrstUVWX")
    let basic = b"Basic YWRtaW46YWJjZEVGR0hpamtsTU5PUHFyc3RVVldY".to_vec();
    let req = RequestView {
        method: b"GET",
        url: b"/wp-json/wp/v2/users/me",
        authorization: Some(&basic),
        is_ssl: true,
        ..RequestView::default()
    };
    assert!(matches!(
        wp_auth::authenticate(&cfg, NOW, &req, &store),
        Ok(Outcome::Authenticated(a)) if a.user_id == 1
    ));
    let site = app::Site {
        in_use: true,
        api_request: true,
        available: true,
    };
    let mut g = c.benchmark_group("auth/app-password");
    g.bench_function("keyed-once", |b| {
        b.iter(|| wp_auth::authenticate(black_box(&cfg), NOW, black_box(&req), &store))
    });
    // What the in-memory store's two lookups cost alone (owned rows: the user, the Vec of
    // records), to separate the store from the facade in the overhead.
    g.bench_function("store", |b| {
        b.iter(|| {
            let user = Store::user_by_login(&store, black_box(b"admin")).ok()??;
            Store::app_passwords(&store, user.id).ok()
        })
    });
    g.bench_function("floor", |b| {
        b.iter(|| {
            let mut buf = [0u8; 64];
            let server = app::Server {
                http_authorization: Some(black_box(&basic[..])),
                ..app::Server::default()
            };
            let populated = app::populate(&server, WpVersion::Wp68, &mut buf).ok()?;
            Some(app::authenticate(
                &site,
                NOW,
                &borrowed,
                populated.credentials(),
                WpVersion::Wp68,
            ))
        })
    });
    g.finish();

    // auth/oauth1
    let url = b"/wp-json/wp/v2/posts?per_page=5&page=2&orderby=date&order=desc";
    let oauth = oauth1_header(&cfg, url);
    let req = RequestView {
        method: b"GET",
        url,
        authorization: Some(&oauth),
        is_ssl: true,
        ..RequestView::default()
    };
    assert!(matches!(
        wp_auth::authenticate(&cfg, NOW, &req, &store),
        Ok(Outcome::Authenticated(a)) if a.user_id == 1
    ));
    // Each iteration is a first use: the store forgets the nonce (a fresh store per batch
    // would measure its construction).
    let secrets = oauth1_sig::Secrets {
        consumer_secret: b"consumer-secret",
        token_secret: Some(b"token-secret"),
    };
    let mut g = c.benchmark_group("auth/oauth1");
    g.bench_function("keyed-once", |b| {
        b.iter_batched_ref(
            || {
                let mut s = MemoryStore::new();
                s.add_oauth1_consumer(
                    b"ck",
                    OAuth1Consumer {
                        id: 10,
                        secret: StoredSecret::new(b"consumer-secret").unwrap(),
                    },
                );
                s.add_oauth1_token(
                    b"tk",
                    OAuth1Token {
                        consumer_id: 10,
                        user_id: 1,
                        secret: StoredSecret::new(b"token-secret").unwrap(),
                    },
                );
                s
            },
            |s| wp_auth::authenticate(black_box(&cfg), NOW, black_box(&req), s),
            criterion::BatchSize::SmallInput,
        )
    });
    g.bench_function("floor", |b| {
        b.iter_batched_ref(
            MemoryReplayCache::<16>::default,
            |cache| {
                let req = oauth1_sig::Request {
                    method: b"GET",
                    url: black_box(url),
                    authorization: Some(black_box(&oauth[..])),
                    content_type: None,
                    body: b"",
                };
                let site = wp_oauth1::Site {
                    home: SITE,
                    is_ssl: true,
                };
                let mut entries = [wp_oauth1::Entry::EMPTY; 64];
                let mut bytes = [0u8; 1024];
                let signed = wp_oauth1::parse(&req, &site, true, &mut entries, &mut bytes)
                    .ok()
                    .flatten()?;
                wp_oauth1::verify(&secrets, NOW, &signed, 900).ok()?;
                let (nonce, ts) = signed.nonce();
                let key = ReplayKey::from_bytes(
                    signed.consumer_key(),
                    signed.token().unwrap_or_default(),
                    wp_php::number::int_cast(ts) as u64,
                    nonce,
                );
                cache.insert(&key, NOW, 1800).ok()
            },
            criterion::BatchSize::SmallInput,
        )
    });
    g.finish();

    // auth/anonymous
    let req = RequestView {
        method: b"GET",
        url: b"/wp-json/wp/v2/posts",
        cookie: Some(b"wp-settings-1=x; wp-settings-time-1=1700000000"),
        is_ssl: true,
        ..RequestView::default()
    };
    assert!(matches!(
        wp_auth::authenticate(&cfg, NOW, &req, &store),
        Ok(Outcome::Anonymous(_))
    ));
    let mut g = c.benchmark_group("auth/anonymous");
    g.bench_function("keyed-once", |b| {
        b.iter(|| wp_auth::authenticate(black_box(&cfg), NOW, black_box(&req), &store))
    });
    g.bench_function("floor", |b| {
        b.iter(|| {
            let header = black_box(req.cookie.unwrap_or_default());
            let _ = cfg.cookie_names.secure_auth().find_in(header);
            let _ = cfg.cookie_names.logged_in().find_in(header);
            cookie_check(
                &cfg.keys.nonce,
                NOW,
                cfg.nonce_life,
                &wp_nonce::rest::Request {
                    prior_decided: false,
                    cookie: CookieAuth::None,
                    user_id: 0,
                    token: b"",
                    nonce: None,
                },
            )
        })
    });
    g.finish();
}

criterion_group!(benches, auth);
criterion_main!(benches);
