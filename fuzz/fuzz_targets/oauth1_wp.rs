//! The WordPress-plugin mode on arbitrary requests: header, query and body read the way PHP
//! and the plugin read them, into bounded buffers; no panic, and whatever parses streams a
//! base string and signs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oauth1_sig::{Method, Request, Secrets};
use wp_oauth1::{Entry, Site};

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(4, |&b| b == 0xff);
    let url = parts.next().unwrap_or_default();
    let auth = parts.next();
    let body = parts.next().unwrap_or_default();
    let flags = parts.next().unwrap_or_default();
    let post = flags.first().is_some_and(|f| f & 1 == 1);
    let req = Request {
        method: if post { b"POST" } else { b"GET" },
        url,
        authorization: auth,
        content_type: Some(if flags.get(2).is_some_and(|f| f & 1 == 1) {
            &b"multipart/form-data; boundary=xyz"[..]
        } else {
            b"application/x-www-form-urlencoded"
        }),
        body,
    };
    let site = Site {
        home: b"https://example.com/blog",
        is_ssl: flags.len() > 1,
    };
    let mut entries = [Entry::EMPTY; 256];
    let mut bytes = [0u8; 4096];
    if let Ok(Some(s)) = wp_oauth1::parse(&req, &site, true, &mut entries, &mut bytes) {
        let mut n = 0usize;
        s.write_base_string(|p| n += p.len());
        assert!(n > 0);
        let secrets = Secrets {
            consumer_secret: b"cs",
            token_secret: Some(b"ts"),
        };
        let _ = wp_oauth1::sign(&secrets, Method::HmacSha256, &s);
        let _ = wp_oauth1::verify(&secrets, 1_700_000_000, &s, 900);
    }
    if let Some(a) = auth {
        let mut entries = [Entry::EMPTY; 64];
        let mut bytes = [0u8; 4096];
        let _ = wp_oauth1::parse_header(a, &mut entries, &mut bytes);
    }
});
