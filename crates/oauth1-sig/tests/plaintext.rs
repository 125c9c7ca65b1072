//! PLAINTEXT signatures of every length: the signature is the signing key
//! `enc(consumer_secret)&enc(token_secret)` itself, however long, and nothing else verifies.
//!
//! Regression: the expected value used to be built in a 256-byte buffer whose overflowing
//! pieces were skipped, so a long secret made the expected signature a run of NUL bytes (or
//! its prefix followed by NULs), which a request could send without knowing any secret.

use oauth1_sig::{Error, Method, Param, Policy, Request, Secrets, Signed, SigningKey};

/// A PLAINTEXT request over https carrying `signature` (already percent-encoded).
fn verify(signature: &str, secrets: Secrets<'_>) -> Result<(), Error> {
    let header = format!(
        r#"OAuth oauth_consumer_key="ck", oauth_token="tk", oauth_signature_method="PLAINTEXT", oauth_signature="{signature}""#
    );
    let req = Request {
        method: b"GET",
        url: b"https://example.com/wp-json/wp/v2/users/me",
        authorization: Some(header.as_bytes()),
        ..Request::default()
    };
    let policy = Policy::default();
    let mut buf = [Param::EMPTY; 16];
    let signed = Signed::parse(&req, &policy, &mut buf)?;
    oauth1_sig::verify(&SigningKey::new(secrets), 0, &signed, &policy).map(|_| ())
}

/// The percent-encoding of the signing key as it travels in the header (each byte of the key
/// encoded once more, so `&` and `%` survive the header's decoding).
fn header_encoded(key: &[u8]) -> String {
    key.iter()
        .map(|&b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn signing_key(secrets: &Secrets<'_>) -> Vec<u8> {
    let mut key = Vec::new();
    secrets.write_key(|p| key.extend_from_slice(p));
    key
}

#[test]
fn nul_bytes_do_not_forge_a_long_consumer_secret() {
    let cs = [b'a'; 300];
    let secrets = Secrets {
        consumer_secret: &cs,
        token_secret: Some(b"token-secret"),
    };
    for n in [0usize, 1, 255, 256, 257, 300, 313] {
        assert_eq!(
            verify(&"%00".repeat(n), secrets),
            Err(Error::InvalidSignature),
            "{n} NULs"
        );
    }
}

#[test]
fn a_prefix_and_nul_bytes_do_not_forge_any_token_secret() {
    let cs = [b'c'; 200];
    let ts = [b't'; 120];
    let secrets = Secrets {
        consumer_secret: &cs,
        token_secret: Some(&ts),
    };
    let prefix = header_encoded(&signing_key(&Secrets {
        consumer_secret: &cs,
        token_secret: None,
    }));
    for nuls in [55usize, 56, 120] {
        let forged = format!("{prefix}{}", "%00".repeat(nuls));
        assert_eq!(
            verify(&forged, secrets),
            Err(Error::InvalidSignature),
            "{nuls} NULs"
        );
    }
}

#[test]
fn the_right_key_verifies_at_every_length_and_one_changed_byte_does_not() {
    for len in [0usize, 1, 100, 254, 255, 256, 257, 300, 1000, 5000] {
        let cs: Vec<u8> = (0..len).map(|i| b"ab%&~ Z"[i % 7]).collect();
        let secrets = Secrets {
            consumer_secret: &cs,
            token_secret: Some(b"ts"),
        };
        let key = signing_key(&secrets);
        assert_eq!(
            verify(&header_encoded(&key), secrets),
            Ok(()),
            "length {len}"
        );

        // The last byte and the first byte changed; one byte short; one byte long.
        for (i, tampered) in [key.len() - 1, 0].into_iter().map(|i| {
            let mut t = key.clone();
            t[i] ^= 1;
            (i, t)
        }) {
            assert_eq!(
                verify(&header_encoded(&tampered), secrets),
                Err(Error::InvalidSignature),
                "length {len}, byte {i}"
            );
        }
        assert_eq!(
            verify(&header_encoded(&key[..key.len() - 1]), secrets),
            Err(Error::InvalidSignature)
        );
        let mut longer = key.clone();
        longer.push(b'x');
        assert_eq!(
            verify(&header_encoded(&longer), secrets),
            Err(Error::InvalidSignature)
        );
    }
}

#[test]
fn signing_a_key_longer_than_a_signature_holds_is_a_typed_error() {
    let cs = [b'a'; 300];
    let key = SigningKey::new(Secrets {
        consumer_secret: &cs,
        token_secret: None,
    });
    assert_eq!(
        oauth1_sig::sign_base_string(&key, Method::Plaintext, b"GET&x&"),
        Err(Error::SignatureTooLong)
    );
    // A key that fits is the signature, byte for byte.
    let short = SigningKey::new(Secrets {
        consumer_secret: b"c s",
        token_secret: Some(b"t&s"),
    });
    assert_eq!(
        oauth1_sig::sign_base_string(&short, Method::Plaintext, b"GET&x&")
            .map(|s| s.as_bytes().to_vec()),
        Ok(b"c%20s&t%26s".to_vec())
    );
}
