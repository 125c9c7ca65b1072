//! The shared WordPress vectors for `wp_salt()` / `wp_hash()`, copied into `tests/data/`.

#[test]
fn hash_json() {
    let report = wp_testkit::vectors::run(
        "wordpress/hash.json",
        include_str!("data/wordpress/hash.json"),
    )
    .unwrap();
    assert!(report.is_ok(), "failed cases: {:#?}", report.failed);
    assert_eq!(report.passed, 128);
}
