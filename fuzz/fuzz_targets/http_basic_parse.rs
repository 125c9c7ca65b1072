//! `http_basic::parse` on arbitrary bytes: no panic, a bounded buffer, and whatever it accepts
//! is the canonical encoding of what it returns.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut buf = [0u8; http_basic::MAX_LEN];
    if let Ok(c) = http_basic::parse(data, &mut buf) {
        assert!(!c.login.contains(':'));
        let mut out = [0u8; http_basic::MAX_LEN];
        let header = http_basic::encode(c.login, c.password, &mut out).expect("re-encodes");
        let token = header.strip_prefix("Basic ").expect("scheme");
        let trimmed = data.trim_ascii();
        assert!(trimmed.ends_with(token.as_bytes()));
    }
});
