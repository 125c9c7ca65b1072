//! The shared OAuth 1.0a vectors, copied into `tests/data/`.

use wp_testkit::vectors::assert_passes;

#[test]
fn percent_encode_json() {
    assert_passes(
        "oauth1/percent_encode.json",
        include_str!("data/oauth1/percent_encode.json"),
        62,
    );
}

#[test]
fn authorization_header_json() {
    assert_passes(
        "oauth1/authorization_header.json",
        include_str!("data/oauth1/authorization_header.json"),
        71,
    );
}

#[test]
fn base_string_json() {
    assert_passes(
        "oauth1/base_string.json",
        include_str!("data/oauth1/base_string.json"),
        91,
    );
}

#[test]
fn signature_json() {
    assert_passes(
        "oauth1/signature.json",
        include_str!("data/oauth1/signature.json"),
        81,
    );
}
