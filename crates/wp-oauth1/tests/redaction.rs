//! The plugin signature this crate computes never prints.

use oauth1_sig::{Method, Secrets};
use wp_testkit::assert_redacted;

#[test]
fn secrets_never_print() {
    let secrets = Secrets {
        consumer_secret: b"S3CRET-CONSUMER",
        token_secret: Some(b"S3CRET-TOKEN"),
    };
    for method in [Method::HmacSha1, Method::HmacSha256] {
        let sig = wp_oauth1::sign_base_string(&secrets, method, b"GET&x&y");
        assert_redacted("Signature", &format!("{sig:?}"), &[sig.as_str(), "S3CRET"]);
    }
}
