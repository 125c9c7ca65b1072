//! Every wp-cookie parser on arbitrary bytes: the cookie value, a cookie name's lookup in a
//! `Cookie:` header and the PHP-serialised session meta. None may panic, and each must stay within
//! its input; `parse` (a fast path for a 64-byte last field, a general search otherwise) must
//! agree with a plain split on `|`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wp_cookie::parse;
use wp_cookie::session::SessionMeta;
use wp_cookie::site::CookieNames;

fuzz_target!(|data: &[u8]| {
    let fields: Vec<&[u8]> = data.split(|&b| b == b'|').collect();
    match (parse(data), fields.as_slice()) {
        (Ok(p), &[username, expiration, token, hmac]) => {
            assert_eq!(
                [p.login, p.expiration, p.token, p.hmac],
                [username, expiration, token, hmac]
            );
        }
        (Err(_), f) => assert_ne!(f.len(), 4),
        (Ok(_), f) => panic!("parsed {} fields as four", f.len()),
    }
    let names = CookieNames::new(b"http://example.com");
    if let Some(v) = names.logged_in().find_in(data) {
        assert!(v.len() < data.len());
    }
    if let Ok(meta) = SessionMeta::parse(data) {
        for (_, s) in meta.rows() {
            let _ = s.expiration();
        }
    }
});
