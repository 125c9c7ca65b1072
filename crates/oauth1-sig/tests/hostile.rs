//! Hostile sizes: parsing cost grows linearly (or n log n) with the number of parameters.
//! Each test compares the cost at 1,000 and at 100,000 parameters (the best of a few runs of
//! each, in one process) and holds the ratio: 100x is linear, n log n about 170x, a quadratic
//! path 10,000x. No wall-clock limit: only the growth is checked.

#![allow(clippy::unwrap_used)]

use oauth1_sig::{Param, Policy, Request, Signed, header};
use wp_testkit::growth::{assert_growth, best_of};

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
