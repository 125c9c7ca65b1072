//! The shared WordPress password and application-password vectors, copied into `tests/data/`.

use wp_testkit::vectors::assert_passes;

#[test]
fn password_hash_json() {
    assert_passes(
        "wordpress/password_hash.json",
        include_str!("data/wordpress/password_hash.json"),
        84,
    );
}

#[test]
fn app_password_json() {
    assert_passes(
        "wordpress/app_password.json",
        include_str!("data/wordpress/app_password.json"),
        94,
    );
}
