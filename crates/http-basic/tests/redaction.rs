//! The types of this crate that hold credentials print no password.

use http_basic::{Expected, parse};
use wp_testkit::assert_redacted;

#[test]
fn secrets_never_print() {
    let mut buf = [0u8; 64];
    // `admin:S3CRETPASSWORD`.
    let c = parse(b"Basic YWRtaW46UzNDUkVUUEFTU1dPUkQ=", &mut buf).unwrap();
    assert_eq!(c.password, "S3CRETPASSWORD");
    assert_redacted("Credentials", &format!("{c:?}"), &["S3CRETPASSWORD"]);
    let expected = Expected::new("S3CRETLOGIN", "S3CRETPASSWORD");
    assert_redacted("Expected", &format!("{expected:?}"), &["S3CRET"]);
}
