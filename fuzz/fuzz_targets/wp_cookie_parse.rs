//! Every wp-cookie parser on arbitrary bytes: the cookie value, the `Cookie:` header, raw URL
//! decoding and the PHP-serialised session meta. None may panic, and each must stay within
//! its input; `parse` (a fast path for a 64-byte last field, a general search otherwise) must
//! agree with a plain split on `|`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wp_cookie::session::{SessionMeta, unserialize};
use wp_cookie::{header, parse};

fuzz_target!(|data: &[u8]| {
    let fields: Vec<&[u8]> = data.split(|&b| b == b'|').collect();
    match (parse(data), fields.as_slice()) {
        (Ok(p), &[username, expiration, token, hmac]) => {
            assert_eq!(
                [p.username, p.expiration, p.token, p.hmac],
                [username, expiration, token, hmac]
            );
        }
        (Err(_), f) => assert_ne!(f.len(), 4),
        (Ok(_), f) => panic!("parsed {} fields as four", f.len()),
    }
    let mut buf = [0u8; 4096];
    if let Ok(d) = header::decode_value(data, &mut buf) {
        assert!(d.len() <= data.len());
    }
    for (name, value) in header::pairs(data) {
        assert!(!name.is_empty());
        if let Some(n) = header::php_name(name) {
            assert!(n.count() <= name.len());
        }
        let _ = value;
    }
    let _ = header::find(data, b"wordpress_logged_in_x");
    let _ = unserialize(data);
    if let Ok(meta) = SessionMeta::parse(data) {
        for (_, s) in meta.rows() {
            let _ = s.expiration();
        }
    }
});
