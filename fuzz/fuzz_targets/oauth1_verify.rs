//! Server-side parsing and verification of arbitrary requests: no panic, and only a request
//! whose received signature equals the recomputed one verifies.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oauth1_sig::{Policy, Request, Secrets, Signed, SigningKey};

fuzz_target!(|data: &[u8]| {
    // Layout: url \0 authorization \0 body
    let mut parts = data.splitn(3, |&b| b == 0);
    let url = parts.next().unwrap_or_default();
    let auth = parts.next().unwrap_or_default();
    let body = parts.next().unwrap_or_default();
    let req = Request {
        method: b"POST",
        url,
        authorization: Some(auth),
        content_type: Some(b"application/x-www-form-urlencoded"),
        body,
    };
    let policy = Policy::default();
    let mut buf = [oauth1_sig::Param::EMPTY; 32];
    let Ok(signed) = Signed::parse(&req, &policy, &mut buf) else {
        return;
    };
    let key = SigningKey::new(Secrets {
        consumer_secret: b"cs",
        token_secret: Some(b"ts"),
    });
    if let Ok(verified) = oauth1_sig::verify(&key, 1_700_000_000, &signed, &policy) {
        // A timestamp (always there but for PLAINTEXT) gives a replay key.
        assert_eq!(
            verified.replay_key().is_some(),
            verified.timestamp.is_some()
        );
        let expected = signed.collected().sign(&key, signed.method()).unwrap();
        let received: Vec<u8> = signed
            .collected()
            .signature_param()
            .unwrap()
            .value()
            .collect();
        assert_eq!(received, expected.as_bytes());
    }
});
