//! Hostile sizes in the plugin's reading: its header pattern and the whole request reading grow
//! n log n with the number of parameters (see `wp_testkit::growth`).

#![allow(clippy::unwrap_used)]

use std::time::Instant;

use oauth1_sig::Request;
use wp_oauth1::{Entry, Site};
use wp_testkit::growth::{assert_growth, best_of};

/// `n` distinct names of `[a-z]` only (the plugin's header pattern takes no digits):
/// `{prefix}` and the decimal digits of 0..n spelled as letters.
fn letter_names(n: usize, prefix: &str) -> Vec<String> {
    (0..n)
        .map(|i| {
            let letters: String = i
                .to_string()
                .bytes()
                .map(|d| char::from(b'a' + (d - b'0')))
                .collect();
            format!("{prefix}{letters}=\"v\"")
        })
        .collect()
}

#[test]
fn plugin_header_reading_grows_n_log_n() {
    let site = Site {
        home: b"https://example.com",
        is_ssl: true,
    };
    // Distinct oauth_* names: each one a new key of the plugin's parameter array.
    assert_growth("wp_oauth1::parse_header, distinct names", |n| {
        let h = format!("OAuth {}", letter_names(n, "oauth_").join(", "));
        let mut entries = vec![Entry::EMPTY; n + 8];
        let mut bytes = vec![0u8; h.len()];
        let t = Instant::now();
        let found = wp_oauth1::parse_header(h.as_bytes(), &mut entries, &mut bytes)
            .unwrap()
            .unwrap();
        assert_eq!(found.len(), n);
        t.elapsed()
    });
    // `oauth_` again and again without `=`: no parameter at all.
    assert_growth("wp_oauth1::parse_header, oauth_ without =", |n| {
        let h = format!("OAuth {}", "oauth_".repeat(n));
        best_of(3, || {
            let (mut entries, mut bytes) = ([Entry::EMPTY; 8], [0u8; 8]);
            let found = wp_oauth1::parse_header(h.as_bytes(), &mut entries, &mut bytes);
            assert_eq!(found.map(|f| f.map(<[Entry<'_>]>::len)), Ok(Some(0)));
        })
    });
    // The whole plugin reading of a request with that header.
    assert_growth("wp_oauth1::parse", |n| {
        let h = format!(
            "OAuth oauth_consumer_key=\"ck\", oauth_signature_method=\"HMAC-SHA1\", \
             oauth_timestamp=\"1\", oauth_nonce=\"n\", oauth_signature=\"s\", {}",
            letter_names(n, "oauth_x").join(", ")
        );
        let req = Request {
            method: b"GET",
            url: b"https://example.com/wp-json/",
            authorization: Some(h.as_bytes()),
            ..Request::default()
        };
        let mut entries = vec![Entry::EMPTY; 4 * (n + 8)];
        let mut bytes = vec![0u8; h.len()];
        let t = Instant::now();
        let signed = wp_oauth1::parse(&req, &site, false, &mut entries, &mut bytes)
            .unwrap()
            .unwrap();
        assert_eq!(signed.params().len(), n + 4);
        t.elapsed()
    });
}
