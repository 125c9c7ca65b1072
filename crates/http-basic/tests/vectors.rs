//! The shared HTTP Basic vectors, copied into `tests/data/`.
#![allow(clippy::unwrap_used)]

fn run(kind: &str, text: &str, count: usize) {
    let report = wp_testkit::vectors::run(kind, text).unwrap();
    assert!(report.is_ok(), "{kind} failed cases: {:#?}", report.failed);
    assert_eq!(report.passed, count);
}

#[test]
fn parse_json() {
    run(
        "http-basic/parse.json",
        include_str!("data/http-basic/parse.json"),
        89,
    );
}

#[test]
fn encode_json() {
    run(
        "http-basic/encode.json",
        include_str!("data/http-basic/encode.json"),
        23,
    );
}

#[test]
fn challenge_json() {
    run(
        "http-basic/challenge.json",
        include_str!("data/http-basic/challenge.json"),
        18,
    );
}
