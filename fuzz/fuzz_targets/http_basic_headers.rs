//! Differential against the `headers` crate where the policy says both must agree: on a
//! canonical header (what `http_basic::encode` writes for a representable user-id and password)
//! both parsers must accept and return the same user-id and password; and whatever
//! `http_basic::parse` accepts from arbitrary bytes, `headers` must read the same way.
#![no_main]

use headers::Header;
use headers::authorization::{Authorization, Basic};
use libfuzzer_sys::fuzz_target;

fn headers_parse(value: &[u8]) -> Option<(String, String)> {
    let v = http::HeaderValue::from_bytes(value).ok()?;
    let auth = Authorization::<Basic>::decode(&mut std::iter::once(&v)).ok()?;
    Some((auth.username().to_owned(), auth.password().to_owned()))
}

fuzz_target!(|data: &[u8]| {
    // 1. Arbitrary bytes: our acceptance implies theirs, with equal results.
    let mut buf = [0u8; http_basic::MAX_LEN];
    if let Ok(c) = http_basic::parse(data, &mut buf) {
        // `headers` reads the value as the HTTP layer hands it over: already trimmed.
        let trimmed = data.trim_ascii();
        if let Some(theirs) = headers_parse(trimmed) {
            assert_eq!(
                (c.login, c.password),
                (theirs.0.as_str(), theirs.1.as_str())
            );
        }
    }
    // 2. Canonical headers from our encoder: both must accept, identically.
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let (user, pass) = text.split_once('\u{0}').unwrap_or((text, ""));
    let mut out = [0u8; http_basic::MAX_LEN + 8];
    if let Ok(header) = http_basic::encode(user, pass, &mut out) {
        let theirs = headers_parse(header.as_bytes()).expect("headers reads a canonical header");
        assert_eq!((user, pass), (theirs.0.as_str(), theirs.1.as_str()));
    }
});
