//! The shared WordPress vectors for `wp_salt()` / `wp_hash()`, copied into `tests/data/`.

use wp_testkit::vectors::assert_passes;

#[test]
fn hash_json() {
    assert_passes(
        "wordpress/hash.json",
        include_str!("data/wordpress/hash.json"),
        128,
    );
}
