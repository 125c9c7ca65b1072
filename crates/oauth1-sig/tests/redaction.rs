//! The types of this crate that hold secrets or computed signatures print none of them.

use oauth1_sig::{Method, Request, Secrets, SigningKey, sign};
use wp_testkit::assert_redacted;

#[test]
fn secrets_never_print() {
    let secrets = Secrets {
        consumer_secret: b"S3CRET-CONSUMER",
        token_secret: Some(b"S3CRET-TOKEN"),
    };
    assert_redacted("Secrets", &format!("{secrets:?}"), &["S3CRET"]);
    let key = SigningKey::new(secrets);
    assert_redacted("SigningKey", &format!("{key:?}"), &["S3CRET"]);
    let req = Request {
        method: b"GET",
        url: b"https://example.com/",
        ..Request::default()
    };
    for method in Method::ALL {
        let sig = sign(&key, *method, &req, &[]).unwrap();
        assert_redacted("Signature", &format!("{sig:?}"), &[sig.as_str(), "S3CRET"]);
    }
}
