//! Hostile sizes: parsing cost grows linearly (or n log n) with the number of parameters.
//! Each test compares the cost at 1,000 and at 100,000 parameters (the best of a few runs of
//! each, in one process) and holds the ratio: 100x is linear, n log n about 170x, a quadratic
//! path 10,000x. No wall-clock limit: only the growth is checked.

#![allow(clippy::unwrap_used)]

use core::time::Duration;
use std::time::Instant;

use oauth1_sig::wp::{self, Entry, Site};
use oauth1_sig::{Param, Policy, Request, Signed, header};

/// Growth above this fails: far from n log n's ~170x (even on a noisy machine), far below a
/// quadratic path's 10,000x.
const MAX_GROWTH: f64 = 1_000.0;

fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

fn assert_growth(what: &str, mut cost: impl FnMut(usize) -> Duration) {
    let small = cost(1_000).max(Duration::from_nanos(1));
    let large = cost(100_000);
    let growth = large.as_secs_f64() / small.as_secs_f64();
    println!("{what}: 1,000 -> {small:?}, 100,000 -> {large:?}, growth {growth:.0}x");
    assert!(
        growth < MAX_GROWTH,
        "{what}: {growth:.0}x from 1,000 to 100,000 parameters ({small:?} -> {large:?})"
    );
}

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

/// `OAuth p0="v", p1="v", …` with distinct names.
fn header_of(n: usize) -> String {
    let params: Vec<String> = (0..n).map(|i| format!("p{i}=\"v{i}\"")).collect();
    format!(
        "OAuth oauth_consumer_key=\"ck\", oauth_signature_method=\"HMAC-SHA1\", \
         oauth_timestamp=\"1\", oauth_nonce=\"n\", oauth_signature=\"s\", {}",
        params.join(", ")
    )
}

#[test]
fn header_parse_grows_n_log_n() {
    assert_growth("header::parse_with", |n| {
        let h = header_of(n);
        let mut buf = vec![Param::EMPTY; n + 8];
        best_of(3, || {
            assert_eq!(
                header::parse_with(h.as_bytes(), &mut buf).map(|p| p.len()),
                Ok(n + 5)
            );
        })
    });
}

#[test]
fn signed_parse_grows_n_log_n() {
    assert_growth("Signed::parse", |n| {
        let h = header_of(n);
        let req = Request {
            method: b"GET",
            url: b"https://example.com/",
            authorization: Some(h.as_bytes()),
            ..Request::default()
        };
        let mut buf = vec![Param::EMPTY; req.max_params()];
        best_of(3, || {
            assert!(Signed::parse(&req, &Policy::default(), &mut buf).is_ok());
        })
    });
}

#[test]
fn a_repeated_name_at_the_end_of_a_long_header_is_found() {
    let h = format!("{}, p7=\"again\"", header_of(100_000));
    let mut buf = vec![Param::EMPTY; 100_010];
    assert_eq!(
        header::parse_with(h.as_bytes(), &mut buf).map(|p| p.len()),
        Err(header::HeaderError::DuplicateParam)
    );
}

#[test]
fn plugin_header_reading_grows_n_log_n() {
    let site = Site {
        home: b"https://example.com",
        is_ssl: true,
    };
    // Distinct oauth_* names: each one a new key of the plugin's parameter array.
    assert_growth("wp::parse_header, distinct names", |n| {
        let h = format!("OAuth {}", letter_names(n, "oauth_").join(", "));
        let mut entries = vec![Entry::EMPTY; n + 8];
        let mut bytes = vec![0u8; h.len()];
        let t = Instant::now();
        let found = wp::parse_header(h.as_bytes(), &mut entries, &mut bytes)
            .unwrap()
            .unwrap();
        assert_eq!(found.len(), n);
        t.elapsed()
    });
    // `oauth_` again and again without `=`: no parameter at all.
    assert_growth("wp::parse_header, oauth_ without =", |n| {
        let h = format!("OAuth {}", "oauth_".repeat(n));
        best_of(3, || {
            let (mut entries, mut bytes) = ([Entry::EMPTY; 8], [0u8; 8]);
            let found = wp::parse_header(h.as_bytes(), &mut entries, &mut bytes);
            assert_eq!(found.map(|f| f.map(<[Entry<'_>]>::len)), Ok(Some(0)));
        })
    });
    // The whole plugin reading of a request with that header.
    assert_growth("wp::parse", |n| {
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
        let signed = wp::parse(&req, &site, false, &mut entries, &mut bytes)
            .unwrap()
            .unwrap();
        assert_eq!(signed.params().len(), n + 4);
        t.elapsed()
    });
}
