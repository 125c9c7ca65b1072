//! `oauth1_sig::header::parse` on arbitrary bytes: no panic; a parsed header's parameters
//! decode, and writing them back out parses to the same parameters. `parse_with` and a buffer
//! sized by `Request::max_params` gives the same answer as `parse` wherever `parse` has room,
//! and never runs out of room (the seeds include headers of thousands of parameters).
#![no_main]

use libfuzzer_sys::fuzz_target;
use oauth1_sig::header::{HeaderError, HeaderWriter, MAX_PARAMS, parse, parse_with};
use oauth1_sig::{Param, Request};

fuzz_target!(|data: &[u8]| {
    let capacity = Request {
        authorization: Some(data),
        ..Request::default()
    }
    .max_params();
    let mut buf = vec![Param::EMPTY; capacity];
    let sized = parse_with(data, &mut buf).map(|h| h.len());
    assert_ne!(sized, Err(HeaderError::TooManyParams));
    match parse(data) {
        // Out of room: the header had more parameters than the stack holds.
        Err(HeaderError::TooManyParams) => {
            assert!(!matches!(sized, Ok(n) if n <= MAX_PARAMS));
        }
        other => assert_eq!(other.map(|h| h.len()), sized),
    }
    let Ok(h) = parse(data) else { return };
    let params: Vec<(Vec<u8>, Vec<u8>)> = h
        .params()
        .map(|p| (p.name().collect(), p.value().collect()))
        .collect();
    assert_eq!(params.len(), h.len());
    let written = HeaderWriter::new(None, params.iter().map(|(n, v)| (&n[..], &v[..]))).to_string();
    let again = parse(written.as_bytes()).expect("a written header parses");
    let round: Vec<(Vec<u8>, Vec<u8>)> = again
        .params()
        .map(|p| (p.name().collect(), p.value().collect()))
        .collect();
    assert_eq!(round, params);
});
