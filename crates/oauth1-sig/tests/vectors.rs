//! The shared OAuth 1.0a vectors, copied into `tests/data/`.
#![allow(clippy::unwrap_used)]

fn run(kind: &str, text: &str, count: usize) {
    let report = wp_testkit::vectors::run(kind, text).unwrap();
    assert!(report.is_ok(), "{kind} failed cases: {:#?}", report.failed);
    assert_eq!(report.passed, count);
}

#[test]
fn percent_encode_json() {
    run(
        "oauth1/percent_encode.json",
        include_str!("data/oauth1/percent_encode.json"),
        62,
    );
}

#[test]
fn authorization_header_json() {
    run(
        "oauth1/authorization_header.json",
        include_str!("data/oauth1/authorization_header.json"),
        71,
    );
}

#[test]
fn base_string_json() {
    run(
        "oauth1/base_string.json",
        include_str!("data/oauth1/base_string.json"),
        91,
    );
}

#[test]
fn signature_json() {
    run(
        "oauth1/signature.json",
        include_str!("data/oauth1/signature.json"),
        81,
    );
}
