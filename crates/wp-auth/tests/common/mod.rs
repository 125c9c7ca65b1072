//! The one-user site the facade's tests share: a live session with its `logged_in` cookie
//! and `wp_rest` nonce, an application password, an OAuth1 grant (consumer `ck`, token `tk`).

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use wp_auth::{
    AppPasswordRow, Config, Keys, MemoryStore, MemoryUser, OAuth1, OAuth1Consumer, OAuth1Token,
    StoredSecret, WpVersion,
};
use wp_cookie::session::SessionTokens;
use wp_testkit::fixtures::{FakeSalts, oauth1_plugin_header};

pub const NOW: u64 = 1_700_000_000;
pub const SITE: &[u8] = b"https://example.com";

pub fn config() -> Config {
    let mut cfg = Config::new(Keys::from_source(&FakeSalts).unwrap(), SITE, SITE);
    cfg.version = WpVersion::Wp68;
    cfg.oauth1 = Some(OAuth1::default());
    cfg
}

/// A site with one user: a live session, an application password, an OAuth1 grant.
pub struct Fixture {
    pub cfg: Config,
    pub store: MemoryStore,
    pub cookie: Vec<u8>,
    pub nonce: Vec<u8>,
    pub app: Vec<u8>,
}

pub fn fixture() -> Fixture {
    let cfg = config();
    let user_pass = b"$P$BabcdefghijklmnopqrstuvwxyzABCD".to_vec();
    let token = b"sessiontokensessiontokensessiontokensession";
    let mut sessions = SessionTokens::new();
    sessions.create(NOW, token, (NOW + 86_400) as i64, b"127.0.0.1", b"test");
    let cookie = wp_cookie::generate(
        &cfg.keys.logged_in,
        b"admin",
        &user_pass,
        NOW + 86_400,
        token,
        cfg.version,
    );
    let name = cfg.cookie_names.logged_in().to_string();
    let cookie_header = [name.as_bytes(), b"=", &cookie.to_vec()].concat();
    let nonce = wp_nonce::create(
        &cfg.keys.nonce,
        NOW,
        &wp_nonce::Context::new("wp_rest", 1, token),
    );
    let app = b"abcdEFGHijklMNOPqrstUVWX".to_vec();
    let hash = wp_password::fast_hash(&app).to_vec();
    let mut store = MemoryStore::new();
    store.add_user(MemoryUser {
        id: 1,
        login: b"admin".as_slice().into(),
        email: b"admin@example.com".as_slice().into(),
        user_pass: StoredSecret::new(&user_pass).unwrap(),
        app_passwords_available: true,
        session_tokens: sessions.to_php().serialize().into(),
        app_passwords: vec![AppPasswordRow {
            uuid: *b"0eb868ca-56c0-43c0-98e9-8a86af985fb2",
            password: StoredSecret::new(&hash).unwrap(),
            last_used: None,
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
    Fixture {
        cfg,
        store,
        cookie: cookie_header,
        nonce: nonce.as_bytes().to_vec(),
        app,
    }
}

/// `Authorization: Basic` for `login:pw`.
pub fn basic(login: &[u8], pw: &[u8]) -> Vec<u8> {
    use base64::Engine as _;
    let creds = [login, b":", pw].concat();
    [
        b"Basic ".as_slice(),
        base64::engine::general_purpose::STANDARD
            .encode(creds)
            .as_bytes(),
    ]
    .concat()
}

/// The `Authorization` header of an OAuth1 `GET /wp-json/wp/v2/users/me?context=edit` as a
/// client signs it for the plugin (token `tk`).
pub fn oauth1_request(cfg: &Config, nonce: &str, consumer: &[u8], secret: &[u8]) -> Vec<u8> {
    let params = format!(
        "oauth_consumer_key=\"{}\", oauth_token=\"tk\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"{NOW}\", oauth_nonce=\"{nonce}\", oauth_version=\"1.0\"",
        String::from_utf8_lossy(consumer)
    );
    oauth1_plugin_header(
        &cfg.home,
        b"/wp-json/wp/v2/users/me?context=edit",
        &params,
        secret,
        b"token-secret",
    )
}
