//! The shared WordPress nonce vectors, copied into `tests/data/`.

use wp_testkit::vectors::assert_passes;

#[test]
fn nonce_json() {
    assert_passes(
        "wordpress/nonce.json",
        include_str!("data/wordpress/nonce.json"),
        88,
    );
}
