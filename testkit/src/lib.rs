//! Test support for the wp-auth workspace (not published).
//!
//! - [`vectors`]: runs the shared JSON vector files through the crates; used by every crate's
//!   `tests/vectors.rs` and by `cargo xtask vectors`.
//! - [`oracle`]: finds and drives the live reference implementations (WordPress's own PHP),
//!   failing instead of skipping when CI asks for them.

pub mod growth;
pub mod oracle;
pub mod vectors;
