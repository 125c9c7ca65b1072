//! The shared JWT vectors (`jwt/tokens.json`, from running each plugin's own PHP), copied
//! into `tests/data/` with their `source`.

use wp_testkit::vectors::assert_passes;

#[test]
fn tokens_json() {
    assert_passes("jwt/tokens.json", include_str!("data/jwt/tokens.json"), 144);
}
