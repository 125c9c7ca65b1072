//! Every type of this crate that holds a key, token or nonce prints none of it.

use wp_nonce::rest::{CookieAuth, Request, cookie_check};
use wp_nonce::{Context, Lifetime, NonceKey, create};
use wp_testkit::assert_redacted;

const TOKEN: &str = "S3CRET-TOKEN";

#[test]
fn secrets_never_print() {
    let key = NonceKey::new(b"S3CRET-KEY", b"S3CRET-SALT");
    assert_redacted("NonceKey", &format!("{key:?}"), &["S3CRET"]);
    let ctx = Context::new("wp_rest", 1, TOKEN.as_bytes());
    assert_redacted("Context", &format!("{ctx:?}"), &[TOKEN]);
    let nonce = create(&key, 1_700_000_000, &ctx);
    let nonce_debug = format!("{nonce:?}");
    assert!(
        !nonce_debug.contains(nonce.as_str()),
        "Nonce: {nonce_debug}"
    );
    let req = Request {
        prior_decided: false,
        cookie: CookieAuth::Valid,
        user_id: 1,
        token: TOKEN.as_bytes(),
        nonce: Some(nonce.as_bytes()),
    };
    assert_redacted(
        "rest::Request",
        &format!("{req:?}"),
        &[TOKEN, nonce.as_str()],
    );
    let check = cookie_check(&key, 1_700_000_000, Lifetime::DAY, &req);
    let refreshed = check.refreshed.map(|n| n.as_str().to_owned()).unwrap();
    assert_redacted("rest::Check", &format!("{check:?}"), &[&refreshed]);
}
