//! The shared HTTP Basic vectors, copied into `tests/data/`.

use wp_testkit::vectors::assert_passes;

#[test]
fn parse_json() {
    assert_passes(
        "http-basic/parse.json",
        include_str!("data/http-basic/parse.json"),
        89,
    );
}

#[test]
fn encode_json() {
    assert_passes(
        "http-basic/encode.json",
        include_str!("data/http-basic/encode.json"),
        23,
    );
}

#[test]
fn challenge_json() {
    assert_passes(
        "http-basic/challenge.json",
        include_str!("data/http-basic/challenge.json"),
        18,
    );
}
