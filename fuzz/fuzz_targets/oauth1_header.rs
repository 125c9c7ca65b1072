//! `oauth1_sig::header::parse` on arbitrary bytes: no panic; a parsed header's parameters
//! decode, and writing them back out parses to the same parameters.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oauth1_sig::header::{HeaderWriter, parse};

fuzz_target!(|data: &[u8]| {
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
