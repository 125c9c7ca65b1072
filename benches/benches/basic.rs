//! `basic/parse`: parsing an `Authorization: Basic` value beside its floor, the base64 decode
//! of the same token alone (the standard engine, canonical padding required).

use std::hint::black_box;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use criterion::{Criterion, criterion_group, criterion_main};

/// A WordPress login and a 24-character application password with its display spaces.
const HEADER: &[u8] = b"Basic YWRtaW5pc3RyYXRvcjphYmNkIEVGR0ggaWprbCBNTk9QIHFyc3QgVVZXWA==";

fn basic(c: &mut Criterion) {
    let token = &HEADER[6..];
    let mut buf = [0u8; 128];
    let creds = http_basic::parse(HEADER, &mut buf).expect("parses");
    assert_eq!(creds.login, "administrator");

    let mut g = c.benchmark_group("basic/parse");
    g.bench_function("keyed-once", |b| {
        b.iter(|| {
            let mut buf = [0u8; 128];
            http_basic::parse(black_box(HEADER), &mut buf).map(|c| c.password.len())
        })
    });
    g.bench_function("floor", |b| {
        b.iter(|| {
            let mut buf = [0u8; 128];
            STANDARD.decode_slice(black_box(token), &mut buf)
        })
    });
    g.finish();
}

criterion_group!(benches, basic);
criterion_main!(benches);
