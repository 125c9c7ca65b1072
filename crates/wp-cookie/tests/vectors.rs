//! The shared WordPress cookie and session vectors, copied into `tests/data/`.

#[test]
fn auth_cookie_json() {
    let report = wp_testkit::vectors::run(
        "wordpress/auth_cookie.json",
        include_str!("data/wordpress/auth_cookie.json"),
    )
    .unwrap();
    assert!(report.is_ok(), "failed cases: {:#?}", report.failed);
    assert_eq!(report.passed, 58);
}

#[test]
fn session_token_json() {
    let report = wp_testkit::vectors::run(
        "wordpress/session_token.json",
        include_str!("data/wordpress/session_token.json"),
    )
    .unwrap();
    assert!(report.is_ok(), "failed cases: {:#?}", report.failed);
    assert_eq!(report.passed, 60);
}
