//! The facade without a live site: the synchronous and asynchronous drivers agree on random
//! requests (one `Flow` drives both); no lookup happens for a request that fails before it;
//! a store failure stays a store failure; the OAuth1 plugin's path end to end with a client
//! signature; a replay is refused.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use core::cell::RefCell;
use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

use wp_auth::{
    AppPasswordRow, Error, Lookup, MemoryStore, Method, Outcome, ReplayKey, RequestView, RestError,
    Store, UserRow, Verifier,
};
use wp_testkit::oracle::Rng;

mod common;

use common::{NOW, basic, fixture, oauth1_request};

fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

#[test]
fn cookie_nonce_and_app_password_authenticate() {
    let f = fixture();
    let req = RequestView {
        method: b"GET",
        url: b"/wp-json/wp/v2/users/me",
        cookie: Some(&f.cookie),
        x_wp_nonce: Some(&f.nonce),
        is_ssl: true,
        ..RequestView::default()
    };
    let Ok(Outcome::Authenticated(a)) = wp_auth::authenticate(&f.cfg, NOW, &req, &f.store) else {
        panic!("cookie + nonce")
    };
    assert_eq!((a.user_id, a.method), (1, Method::Cookie));
    assert!(a.effects.x_wp_nonce.is_some() && a.effects.no_cache);

    let auth = basic(b"ADMIN", b"abcd EFGH ijkl MNOP qrst UVWX");
    let req = RequestView {
        authorization: Some(&auth),
        cookie: None,
        x_wp_nonce: None,
        ..req
    };
    let Ok(Outcome::Authenticated(a)) = wp_auth::authenticate(&f.cfg, NOW, &req, &f.store) else {
        panic!("application password")
    };
    assert!(matches!(a.method, Method::AppPassword { uuid } if uuid.starts_with(b"0eb868ca")));
    assert!(a.record_app_password_use);
    let _ = f.app;
}

/// Records the lookups a decision made.
struct Counting<'s> {
    inner: &'s MemoryStore,
    calls: RefCell<Vec<&'static str>>,
}

impl Store for Counting<'_> {
    type Error = core::convert::Infallible;

    fn user_by_login(&self, login: &[u8]) -> Result<Option<UserRow>, Self::Error> {
        self.calls.borrow_mut().push("user_by_login");
        Store::user_by_login(self.inner, login)
    }

    fn user_by_email(&self, email: &[u8]) -> Result<Option<UserRow>, Self::Error> {
        self.calls.borrow_mut().push("user_by_email");
        Store::user_by_email(self.inner, email)
    }

    fn session_expiration(&self, id: u64, v: &Verifier) -> Result<Option<i64>, Self::Error> {
        self.calls.borrow_mut().push("session_expiration");
        Store::session_expiration(self.inner, id, v)
    }

    fn app_passwords(&self, id: u64) -> Result<Vec<AppPasswordRow>, Self::Error> {
        self.calls.borrow_mut().push("app_passwords");
        Store::app_passwords(self.inner, id)
    }
}

#[test]
fn no_lookup_before_a_request_fails_on_its_own() {
    let f = fixture();
    let counting = Counting {
        inner: &f.store,
        calls: RefCell::new(Vec::new()),
    };
    // An expired cookie, a malformed one, no credentials at all: decided without a lookup.
    let expired = String::from_utf8(f.cookie.clone()).unwrap();
    let later = NOW + 3 * 86_400;
    for (cookie, now) in [
        (Some(expired.as_bytes()), later),
        (Some(b"wordpress_logged_in_x=a|b".as_slice()), NOW),
        (None, NOW),
    ] {
        let req = RequestView {
            method: b"GET",
            url: b"/wp-json/",
            cookie,
            ..RequestView::default()
        };
        let r = wp_auth::authenticate(&f.cfg, now, &req, &counting);
        assert!(matches!(r, Ok(Outcome::Anonymous(_))), "{r:?}");
        assert!(counting.calls.borrow().is_empty(), "{:?}", counting.calls);
    }
    // A live cookie: the user, then the session — in WordPress's order.
    let req = RequestView {
        method: b"GET",
        url: b"/wp-json/",
        cookie: Some(&f.cookie),
        x_wp_nonce: Some(&f.nonce),
        ..RequestView::default()
    };
    assert!(wp_auth::authenticate(&f.cfg, NOW, &req, &counting).is_ok());
    assert_eq!(
        *counting.calls.borrow(),
        ["user_by_login", "session_expiration"]
    );
}

#[derive(Debug)]
struct Down;

impl core::fmt::Display for Down {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("the database is down")
    }
}

impl core::error::Error for Down {}

struct Failing;

impl Store for Failing {
    type Error = Down;

    fn user_by_login(&self, _: &[u8]) -> Result<Option<UserRow>, Down> {
        Err(Down)
    }

    fn user_by_email(&self, _: &[u8]) -> Result<Option<UserRow>, Down> {
        Err(Down)
    }

    fn session_expiration(&self, _: u64, _: &Verifier) -> Result<Option<i64>, Down> {
        Err(Down)
    }

    fn app_passwords(&self, _: u64) -> Result<Vec<AppPasswordRow>, Down> {
        Err(Down)
    }
}

#[test]
fn a_store_failure_is_not_an_authentication_failure() {
    let f = fixture();
    let req = RequestView {
        method: b"GET",
        url: b"/wp-json/",
        cookie: Some(&f.cookie),
        ..RequestView::default()
    };
    let r = wp_auth::authenticate(&f.cfg, NOW, &req, &Failing);
    assert!(matches!(r, Err(Error::Store(Down))), "{r:?}");
    // OAuth1 lookups fail closed by default: no token is found.
    let _ = ReplayKey::from_bytes(b"", b"", 0, b"");
}

#[test]
fn oauth1_through_the_plugins_rules() {
    let f = fixture();
    let decide = |auth: &[u8]| {
        let req = RequestView {
            method: b"GET",
            url: b"/wp-json/wp/v2/users/me?context=edit",
            authorization: Some(auth),
            is_ssl: true,
            ..RequestView::default()
        };
        wp_auth::authenticate(&f.cfg, NOW, &req, &f.store)
    };
    let good = oauth1_request(&f.cfg, "n1", b"ck", b"consumer-secret");
    let Ok(Outcome::Authenticated(a)) = decide(&good) else {
        panic!("a signed request authenticates")
    };
    assert_eq!((a.user_id, a.method), (1, Method::OAuth1));
    let oauth_err = |e| Err::<Outcome, _>(RestError::OAuth1(e));
    let rest = |r: Result<Outcome, Error<core::convert::Infallible>>| match r {
        Ok(o) => Ok(o),
        Err(Error::Rest(e)) => Err(e),
        Err(_) => panic!("no store error here"),
    };
    assert_eq!(
        rest(decide(&good)),
        oauth_err(wp_oauth1::Error::NonceAlreadyUsed)
    );
    let wrong = oauth1_request(&f.cfg, "n2", b"ck", b"not-the-secret");
    assert_eq!(
        rest(decide(&wrong)),
        oauth_err(wp_oauth1::Error::SignatureMismatch)
    );
    let unknown = oauth1_request(&f.cfg, "n3", b"other", b"consumer-secret");
    assert_eq!(
        rest(decide(&unknown)),
        oauth_err(wp_oauth1::Error::ConsumerNotFound)
    );
    let partial = b"OAuth oauth_consumer_key=\"ck\"";
    assert_eq!(
        rest(decide(partial)),
        oauth_err(wp_oauth1::Error::MissingParameter)
    );
    // A lookup table of what was asked, for the sans-IO users: the token first.
    let req = RequestView {
        method: b"GET",
        url: b"/wp-json/wp/v2/users/me?context=edit",
        authorization: Some(&good),
        is_ssl: true,
        ..RequestView::default()
    };
    let (e, b) = wp_auth::Flow::buffers_needed(&f.cfg, &req);
    let (mut entries, mut bytes) = (vec![wp_oauth1::Entry::EMPTY; e], vec![0u8; b]);
    let mut flow = wp_auth::Flow::with_buffers(&f.cfg, NOW, &req, &mut entries, &mut bytes);
    assert_eq!(
        flow.start(),
        wp_auth::Step::Need(Lookup::OAuth1Token(b"tk"))
    );
    // Without buffers an OAuth1 request cannot be read, and says so.
    let mut bare = wp_auth::Flow::new(&f.cfg, NOW, &req);
    assert_eq!(
        bare.start(),
        wp_auth::Step::Done(Err(RestError::OAuth1(wp_oauth1::Error::Capacity)))
    );
}

/// Random requests over the fixture: the two drivers agree, always.
#[test]
fn sync_and_async_drivers_agree() {
    let f = fixture();
    let mut rng = Rng::from_env();
    let auth = basic(b"admin", &f.app);
    let bad_auth = basic(b"admin", b"wrongwrongwrongwrongwron");
    let cookies: [&[u8]; 3] = [&f.cookie, b"wordpress_logged_in_x=junk", b""];
    let nonces: [Option<&[u8]>; 3] = [Some(&f.nonce), Some(b"0000000000"), None];
    let auths: [Option<&[u8]>; 3] = [Some(&auth), Some(&bad_auth), None];
    let urls: [&[u8]; 3] = [
        b"/wp-json/",
        b"/wp-json/?_wpnonce=abc",
        b"/?rest_route=/&_wpnonce[]=1",
    ];
    let methods: [&[u8]; 2] = [b"GET", b"POST"];
    for _ in 0..2_000 {
        let mut cfg = f.cfg.clone();
        if rng.one_in(2) {
            cfg.user_determined = wp_auth::UserDetermined::Early;
        }
        cfg.basic_account_passwords = rng.one_in(3);
        let (method, url) = (*rng.pick(&methods), *rng.pick(&urls));
        let req = RequestView {
            method,
            url,
            cookie: Some(*rng.pick(&cookies)),
            authorization: *rng.pick(&auths),
            x_wp_nonce: *rng.pick(&nonces),
            content_type: Some(b"application/x-www-form-urlencoded"),
            body: if rng.one_in(2) { b"_wpnonce=x" } else { b"" },
            is_ssl: rng.one_in(2),
        };
        let now = NOW + rng.range(0, 3 * 86_400);
        let sync = wp_auth::authenticate(&cfg, now, &req, &f.store);
        let asynchronous = block_on(wp_auth::authenticate_async(&cfg, now, &req, &f.store));
        assert_eq!(format!("{sync:?}"), format!("{asynchronous:?}"), "{req:?}");
    }
}
