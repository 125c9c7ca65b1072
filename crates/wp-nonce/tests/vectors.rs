//! The shared WordPress nonce vectors, copied into `tests/data/`.

#[test]
fn nonce_json() {
    let report = wp_testkit::vectors::run(
        "wordpress/nonce.json",
        include_str!("data/wordpress/nonce.json"),
    )
    .unwrap();
    assert!(report.is_ok(), "failed cases: {:#?}", report.failed);
    assert_eq!(report.passed, 88);
}
