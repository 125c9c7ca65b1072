//! Every type of this crate that holds a key, salt or generated password prints none of it.

use wp_hash::{GeneratedPassword, Salt, WpHashKey};
use wp_testkit::assert_redacted;

const SECRET: &str = "S3CRET-VALUE";

#[test]
fn secrets_never_print() {
    let salt = Salt::new(SECRET.as_bytes(), b"SALT-HALF-XYZ");
    assert_redacted("Salt", &format!("{salt:?}"), &[SECRET, "SALT-HALF-XYZ"]);
    let key = WpHashKey::new(SECRET.as_bytes(), b"SALT-HALF-XYZ");
    assert_redacted("WpHashKey", &format!("{key:?}"), &[SECRET, "SALT-HALF-XYZ"]);
    let hasher = key.hasher();
    assert_redacted("WpHasher", &format!("{hasher:?}"), &[SECRET]);
    let pw = GeneratedPassword::<24>::generate(|b| b.fill(7));
    assert_redacted("GeneratedPassword", &format!("{pw:?}"), &[pw.as_str()]);
}
