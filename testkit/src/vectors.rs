//! Runs the shared JSON vector files (the schemas of `shared/vectors/`) through the crates.
//!
//! One runner per file kind; a file's kind is its last two path components
//! (`wordpress/nonce.json`). Each case passes only if every expected value in it matches, and an
//! expected field the runner does not know fails the case instead of being skipped.

// With only some crates' features on, some runners and helpers go unused.
#![cfg_attr(
    not(feature = "all"),
    allow(dead_code, unused_imports, unused_variables, unreachable_code)
)]

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

#[cfg(feature = "http-basic")]
mod http_basic;
#[cfg(feature = "wp-jwt")]
mod jwt;
#[cfg(feature = "oauth1")]
mod oauth1;
#[cfg(feature = "wp-cookie")]
mod wordpress_cookie;
#[cfg(any(feature = "wp-hash", feature = "wp-cookie"))]
mod wordpress_hash;
#[cfg(feature = "wp-nonce")]
mod wordpress_nonce;
#[cfg(feature = "wp-password")]
mod wordpress_password;
#[cfg(feature = "wp-cookie")]
mod wordpress_session;

/// The file kinds this runner knows, as `dir/file.json`.
pub const KINDS: &[&str] = &[
    "http-basic/challenge.json",
    "http-basic/encode.json",
    "http-basic/parse.json",
    "jwt/tokens.json",
    "oauth1/authorization_header.json",
    "oauth1/base_string.json",
    "oauth1/percent_encode.json",
    "oauth1/signature.json",
    "wordpress/app_password.json",
    "wordpress/auth_cookie.json",
    "wordpress/hash.json",
    "wordpress/nonce.json",
    "wordpress/password_hash.json",
    "wordpress/session_token.json",
];

/// The kind of a vector file: its last two path components joined with `/`.
#[must_use]
pub fn kind_of(path: &Path) -> Option<String> {
    let file = path.file_name()?.to_str()?;
    let dir = path.parent()?.file_name()?.to_str()?;
    Some(format!("{dir}/{file}"))
}

/// The outcome of one file.
#[derive(Debug, Default)]
pub struct Report {
    /// Cases whose every expectation matched.
    pub passed: usize,
    /// Failing cases: (case id, what differed).
    pub failed: Vec<(String, String)>,
    /// Passed cases where the crate departs from a peer on purpose: (case id, the reason).
    /// Such a case passes only when everything else in it matched.
    pub divergences: Vec<(String, String)>,
}

std::thread_local! {
    /// Deliberate divergences recorded by the case being checked.
    static DIVERGENCES: core::cell::RefCell<Vec<String>> = const { core::cell::RefCell::new(Vec::new()) };
}

impl Report {
    /// Whether any case failed.
    #[must_use]
    pub fn is_ok(&self) -> bool {
        self.failed.is_empty()
    }
}

/// Runs the text of a vector file of the given kind.
///
/// # Errors
/// An unknown kind, or a file that is not JSON with a `cases` array.
pub fn run(kind: &str, text: &str) -> Result<Report, String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let cases = doc
        .get("cases")
        .and_then(Value::as_array)
        .ok_or("no `cases` array")?;
    let check: fn(&Value) -> Result<(), String> = match kind {
        #[cfg(feature = "http-basic")]
        "http-basic/challenge.json" => http_basic::challenge,
        #[cfg(feature = "http-basic")]
        "http-basic/encode.json" => http_basic::encode,
        #[cfg(feature = "http-basic")]
        "http-basic/parse.json" => http_basic::parse,
        #[cfg(feature = "wp-jwt")]
        "jwt/tokens.json" => jwt::check,
        #[cfg(feature = "oauth1")]
        "oauth1/authorization_header.json" => oauth1::authorization_header,
        #[cfg(feature = "oauth1")]
        "oauth1/base_string.json" => oauth1::base_string,
        #[cfg(feature = "oauth1")]
        "oauth1/percent_encode.json" => oauth1::percent_encode,
        #[cfg(feature = "oauth1")]
        "oauth1/signature.json" => oauth1::signature,
        #[cfg(feature = "wp-password")]
        "wordpress/app_password.json" => wordpress_password::app_password,
        #[cfg(feature = "wp-cookie")]
        "wordpress/auth_cookie.json" => wordpress_cookie::check,
        #[cfg(feature = "wp-hash")]
        "wordpress/hash.json" => wordpress_hash::check,
        #[cfg(feature = "wp-cookie")]
        "wordpress/session_token.json" => wordpress_session::check,
        #[cfg(feature = "wp-nonce")]
        "wordpress/nonce.json" => wordpress_nonce::check,
        #[cfg(feature = "wp-password")]
        "wordpress/password_hash.json" => wordpress_password::password_hash,
        other if KINDS.contains(&other) => {
            return Err(format!(
                "vector kind `{other}` needs its crate's wp-testkit feature"
            ));
        }
        other => return Err(format!("unknown vector kind `{other}` (known: {KINDS:?})")),
    };
    let mut report = Report::default();
    for (i, case) in cases.iter().enumerate() {
        let id = case
            .get("id")
            .and_then(Value::as_str)
            .map_or_else(|| format!("#{i}"), str::to_owned);
        let result = check(case);
        let noted = DIVERGENCES.with(|d| core::mem::take(&mut *d.borrow_mut()));
        match result {
            Ok(()) => {
                report.passed += 1;
                report
                    .divergences
                    .extend(noted.into_iter().map(|why| (id.clone(), why)));
            }
            Err(why) => report.failed.push((id, why)),
        }
    }
    Ok(report)
}

/// Runs a vector file and fails the test unless every case passes and there are exactly
/// `count` of them (so a truncated copy cannot pass by checking fewer cases).
///
/// # Panics
/// On an unknown kind, unreadable JSON, any failing case, or another case count.
pub fn assert_passes(kind: &str, text: &str, count: usize) {
    let report = run(kind, text).unwrap_or_else(|e| panic!("{kind}: {e}"));
    assert!(report.is_ok(), "{kind} failed cases: {:#?}", report.failed);
    assert_eq!(report.passed, count, "{kind}: case count");
}

/// Collects mismatches of one case.
#[derive(Default)]
pub(crate) struct Diff {
    text: String,
    checked: BTreeSet<String>,
}

impl Diff {
    /// Records that `field` was checked, and a mismatch if `want != got`.
    pub(crate) fn eq<T: PartialEq + std::fmt::Debug>(&mut self, field: &str, want: T, got: T) {
        self.checked.insert(field.to_owned());
        if want != got {
            let _ = write!(self.text, "{field}: want {want:?}, got {got:?}; ");
        }
    }

    /// Records that the crate departs from a peer here on purpose (`why`): the case still
    /// passes only if every other comparison matches.
    pub(crate) fn diverge(&mut self, field: &str, why: &str) {
        self.checked.insert(field.to_owned());
        DIVERGENCES.with(|d| d.borrow_mut().push(format!("{field}: {why}")));
    }

    /// Records a failure that is not a comparison.
    pub(crate) fn fail(&mut self, what: &str) {
        let _ = write!(self.text, "{what}; ");
    }

    /// Finishes: every key of `expected` must have been checked.
    pub(crate) fn finish(mut self, expected: &Value) -> Result<(), String> {
        if let Some(obj) = expected.as_object() {
            for k in obj.keys() {
                if !self.checked.contains(k) {
                    let _ = write!(self.text, "expected.{k} is not checked by this runner; ");
                }
            }
        }
        if self.text.is_empty() {
            Ok(())
        } else {
            Err(self.text)
        }
    }
}

/// A string field's bytes.
pub(crate) fn bytes<'a>(v: &'a Value, field: &str) -> Result<&'a [u8], String> {
    v.get(field)
        .and_then(Value::as_str)
        .map(str::as_bytes)
        .ok_or_else(|| format!("missing string `{field}`"))
}

/// An unsigned integer field.
pub(crate) fn uint(v: &Value, field: &str) -> Result<u64, String> {
    v.get(field)
        .and_then(Value::as_u64)
        .ok_or_else(|| format!("missing integer `{field}`"))
}
