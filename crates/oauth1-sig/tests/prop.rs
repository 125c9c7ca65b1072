//! Property tests: sign → verify, tampering, and the parsers on arbitrary bytes.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use oauth1_sig::{
    Encoded, Method, Param, Policy, Request, Secrets, Signed, SigningKey, header, sign,
};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            any::<char>(),
            proptest::sample::select(vec!['&', '=', '+', '%', ' ', '~', '[', 'é', '/', '?', '#'])
        ],
        0..12,
    )
    .prop_map(|v| v.into_iter().collect())
}

/// A query string with the given decoded pairs, form-encoded.
fn query(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(n, v)| format!("{}={}", Encoded(n.as_bytes()), Encoded(v.as_bytes())))
        .collect::<Vec<_>>()
        .join("&")
}

fn signed_header(method: Method, url: &str, key: &SigningKey<'_>, nonce: &str) -> String {
    let protocol = [
        ("oauth_consumer_key", "ck"),
        ("oauth_nonce", nonce),
        ("oauth_signature_method", method.name()),
        ("oauth_timestamp", "1700000000"),
        ("oauth_token", "tok"),
        ("oauth_version", "1.0"),
    ];
    let extra: Vec<Param<'_>> = protocol
        .iter()
        .map(|(n, v)| Param::extra(n.as_bytes(), v.as_bytes()))
        .collect();
    let req = Request {
        method: b"GET",
        url: url.as_bytes(),
        ..Request::default()
    };
    let sig = sign(key, method, &req, &extra).unwrap();
    let all: Vec<(&[u8], &[u8])> = protocol
        .iter()
        .map(|(n, v)| (n.as_bytes(), v.as_bytes()))
        .chain([(&b"oauth_signature"[..], sig.as_bytes())])
        .collect();
    header::HeaderWriter::new(Some("r"), all.iter().copied()).to_string()
}

proptest! {
    #[test]
    fn signed_requests_verify(
        pairs in proptest::collection::vec((text(), text()), 0..8),
        cs in text(), ts in text(), nonce in "[A-Za-z0-9]{1,16}",
        m in 0usize..3,
    ) {
        let method = Method::ALL[m];
        let url = format!("https://Example.COM:443/p/a%20th?{}", query(&pairs));
        let key = SigningKey::new(Secrets { consumer_secret: cs.as_bytes(), token_secret: Some(ts.as_bytes()) });
        let auth = signed_header(method, &url, &key, &nonce);
        let req = Request { method: b"get", url: url.as_bytes(), authorization: Some(auth.as_bytes()), ..Request::default() };
        let policy = Policy::default();
        let now = 1_700_000_100;
        let mut buf = [Param::EMPTY; 64];
        let signed = Signed::parse(&req, &policy, &mut buf).unwrap();
        prop_assert!(oauth1_sig::verify(&key, now, &signed, &policy).is_ok());
        // Another secret fails.
        let other_cs = format!("{cs}x");
        let other = SigningKey::new(Secrets { consumer_secret: other_cs.as_bytes(), token_secret: Some(ts.as_bytes()) });
        prop_assert!(oauth1_sig::verify(&other, now, &signed, &policy).is_err());
    }

    #[test]
    fn any_changed_byte_fails(i in any::<prop::sample::Index>(), b in any::<u8>()) {
        let url = "https://example.com/api?a=1&b=x%20y";
        let key = SigningKey::new(Secrets { consumer_secret: b"cs", token_secret: Some(b"ts") });
        let auth = signed_header(Method::HmacSha1, url, &key, "abc");
        let mut bytes = auth.into_bytes();
        let at = i.index(bytes.len());
        prop_assume!(bytes[at] != b);
        bytes[at] = b;
        let req = Request { method: b"GET", url: url.as_bytes(), authorization: Some(&bytes), ..Request::default() };
        let policy = Policy { timestamp_window: None, ..Policy::default() };
        let ok = Signed::parse(&req, &policy, &mut [Param::EMPTY; 64]).and_then(|s| oauth1_sig::verify(&key, 0, &s, &policy)).is_ok();
        // Only changes that leave the same decoded parameters (hex case of an escape, other
        // whitespace, the scheme's case, the unsigned realm) may still verify.
        if ok {
            let original = signed_header(Method::HmacSha1, url, &key, "abc").into_bytes();
            let params = |h: &[u8]| -> Vec<(Vec<u8>, Vec<u8>)> {
                header::parse(h)
                    .map(|p| p.params().map(|p| (p.name().collect(), p.value().collect())).collect())
                    .unwrap_or_default()
            };
            prop_assert_eq!(params(&original), params(&bytes), "changed byte {} still verifies", at);
        }
    }

    #[test]
    fn parsers_never_panic(input in proptest::collection::vec(any::<u8>(), 0..200), url in proptest::collection::vec(any::<u8>(), 0..80)) {
        if let Ok(h) = header::parse(&input) {
            for p in h.params() {
                let _ = p.name().count();
                let _ = p.value().count();
            }
        }
        let req = Request { method: &input, url: &url, authorization: Some(&input), content_type: Some(b"application/x-www-form-urlencoded"), body: &input };
        let _ = Signed::parse(&req, &Policy::default(), &mut [Param::EMPTY; 8]);
        let mut n = 0;
        let _ = oauth1_sig::base_string(&req, &[], |p| n += p.len());
    }
}
