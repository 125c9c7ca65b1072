//! Test support for the wp-auth workspace (not published).
//!
//! - [`vectors`]: runs the shared JSON vector files through the crates; used by every crate's
//!   `tests/vectors.rs` and by `cargo xtask vectors`.
//! - [`oracle`]: finds and drives the live reference implementations (WordPress's own PHP),
//!   failing instead of skipping when CI asks for them.
//! - [`site`]: a real WordPress in a private MariaDB, served over HTTP on loopback.
//! - [`fixtures`]: fake salts and an OAuth1-plugin signature, for the facade's tests and benches.
//! - [`growth`]: cost growth from 1,000 to 100,000 parameters, for the hostile-size tests.
//! - [`assert_redacted`]: a `Debug` output holds no secret, for every crate's redaction test.

pub mod fixtures;
pub mod growth;
pub mod http;
pub mod oracle;
pub mod site;
pub mod vectors;

/// Fails when `debug` (a type's `Debug` output) contains any of `secrets`, as text or as a
/// derived `Debug` of its bytes would print them (`83, 51, …`).
///
/// # Panics
/// When a secret is found: that is the test failing.
pub fn assert_redacted(what: &str, debug: &str, secrets: &[&str]) {
    for s in secrets {
        let bytes = format!("{:?}", s.as_bytes());
        let bytes = bytes.trim_start_matches('[').trim_end_matches(']');
        assert!(
            !debug.contains(s) && !debug.contains(bytes),
            "{what} prints a secret: {debug}"
        );
    }
}
