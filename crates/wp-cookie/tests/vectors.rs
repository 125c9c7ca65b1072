//! The shared WordPress cookie and session vectors, copied into `tests/data/`.

use wp_testkit::vectors::assert_passes;

#[test]
fn auth_cookie_json() {
    assert_passes(
        "wordpress/auth_cookie.json",
        include_str!("data/wordpress/auth_cookie.json"),
        58,
    );
}

#[test]
fn session_token_json() {
    assert_passes(
        "wordpress/session_token.json",
        include_str!("data/wordpress/session_token.json"),
        60,
    );
}
