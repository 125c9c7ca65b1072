//! `oauth1/*`: server-side verification at 5, 10, 20 and 100 signed parameters (keyed once and
//! keyed per call) beside the SHA-1 compressions the HMAC cannot avoid, header parsing, the
//! `oauth1-request` crate signing the same requests, and growth from 10 to 10,000 parameters.
//!
//! The floor: with the key's pad blocks saved, HMAC-SHA1 over a base string of L bytes costs
//! ceil((L + 9) / 64) inner compressions plus one outer.

use std::hint::black_box;
use std::num::NonZeroU64;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use oauth1_request as reference;
use oauth1_sig::header::HeaderWriter;
use oauth1_sig::{Method, Param, Policy, Request, Secrets, Signed, SigningKey};

const CS: &str = "kd94hf93k423kf44";
const TS: &str = "pfkkdhi9sl3r4s00";
const HOST_PATH: &str = "https://photos.example.net/photos";
const NOW: u64 = 1_700_000_000;

/// The protocol parameters the benchmark requests carry (`oauth_version` from six up).
const PROTOCOL: [(&[u8], &[u8]); 6] = [
    (b"oauth_consumer_key", b"dpf43f3p2l4k3l03"),
    (b"oauth_nonce", b"kllo9940pd9333jh"),
    (b"oauth_signature_method", b"HMAC-SHA1"),
    (b"oauth_timestamp", b"1700000000"),
    (b"oauth_token", b"nnch734d00sl2jdk"),
    (b"oauth_version", b"1.0"),
];

/// The protocol parameters a request with `n` signed parameters carries.
fn protocol(n: usize) -> &'static [(&'static [u8], &'static [u8])] {
    &PROTOCOL[..if n > 5 { 6 } else { 5 }]
}

/// A request with `n` signed parameters: five or six protocol parameters in the header and
/// the rest in the query. Returns the URL, the header, and the query pairs.
fn request(n: usize) -> (String, String, Vec<(String, String)>) {
    let protocol = protocol(n);
    let query: Vec<(String, String)> = (0..n.saturating_sub(protocol.len()))
        .map(|i| (format!("p{i:05}"), format!("value-{i}")))
        .collect();
    let url = if query.is_empty() {
        HOST_PATH.to_owned()
    } else {
        let q: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{HOST_PATH}?{}", q.join("&"))
    };
    let key = SigningKey::new(Secrets {
        consumer_secret: CS.as_bytes(),
        token_secret: Some(TS.as_bytes()),
    });
    let extra: Vec<Param<'_>> = protocol.iter().map(|(k, v)| Param::extra(k, v)).collect();
    let req = Request {
        method: b"GET",
        url: url.as_bytes(),
        ..Request::default()
    };
    let mut buf = vec![Param::EMPTY; n + 8];
    let sig = oauth1_sig::Collected::new(&req, &extra, &mut buf)
        .expect("signable")
        .sign(&key, Method::HmacSha1)
        .expect("an HMAC signature");
    let pairs: Vec<(&[u8], &[u8])> = protocol
        .iter()
        .copied()
        .chain([(&b"oauth_signature"[..], sig.as_bytes())])
        .collect();
    let header = HeaderWriter::new(None, pairs.iter().copied()).to_string();
    (url, header, query)
}

/// SHA-1's initial state.
const SHA1_IV: [u32; 5] = [
    0x6745_2301,
    0xefcd_ab89,
    0x98ba_dcfe,
    0x1032_5476,
    0xc3d2_e1f0,
];

/// `k` SHA-1 compressions: the floor of a verify whose base string needs them.
fn floor(k: usize) -> impl FnMut() -> [u32; 5] {
    let blocks = vec![[0x5au8; 64]; k];
    move || {
        let mut s = SHA1_IV;
        sha1::block_api::compress(&mut s, black_box(&blocks));
        s
    }
}

/// A lower bound for any verify that looks at its input a byte at a time: one table lookup
/// per header and URL byte (no parsing decisions, no sorting, no encoding), the finished base
/// string copied into blocks, and its compressions.
fn bound<'r>(
    header: &'r [u8],
    url: &'r [u8],
    base: &'r [u8],
    k: usize,
) -> impl FnMut() -> ([u32; 5], u8) + 'r {
    let class: [u8; 256] = std::array::from_fn(|i| {
        let b = i as u8;
        u8::from(b.is_ascii_alphanumeric() || b"-._~".contains(&b))
    });
    let mut blocks = vec![[0u8; 64]; k - 1];
    move || {
        let mut seen = 0u8;
        for &b in black_box(header) {
            seen |= class[usize::from(b)];
        }
        for &b in black_box(url) {
            seen |= class[usize::from(b)];
        }
        let base = black_box(base);
        blocks.as_flattened_mut()[..base.len()].copy_from_slice(base);
        let mut s = SHA1_IV;
        sha1::block_api::compress(&mut s, &blocks[..k - 1]);
        let mut outer = [0u8; 64];
        outer[..4].copy_from_slice(&s[0].to_be_bytes());
        sha1::block_api::compress(&mut s, &[outer]);
        (s, seen)
    }
}

fn verify_once<const N: usize>(
    req: &Request<'_>,
    key: &SigningKey<'_>,
    policy: &Policy<'_>,
) -> bool {
    let mut buf = [Param::EMPTY; N];
    Signed::parse(req, policy, &mut buf)
        .and_then(|s| oauth1_sig::verify(key, NOW, &s, policy))
        .is_ok()
}

fn oauth1(c: &mut Criterion) {
    let policy = Policy::default();
    let key = SigningKey::new(Secrets {
        consumer_secret: CS.as_bytes(),
        token_secret: Some(TS.as_bytes()),
    });
    for n in [5usize, 10, 20, 100] {
        let (url, header, query) = request(n);
        let req = Request {
            method: b"GET",
            url: url.as_bytes(),
            authorization: Some(header.as_bytes()),
            ..Request::default()
        };
        assert!(
            verify_once::<128>(&req, &key, &policy),
            "the bench request verifies"
        );
        let mut base = Vec::new();
        let mut buf = [Param::EMPTY; 128];
        oauth1_sig::Collected::new(&req, &[], &mut buf)
            .expect("collects")
            .write_base_string(|p| base.extend_from_slice(p));
        let compressions = (base.len() + 9).div_ceil(64) + 1;

        let mut g = c.benchmark_group(format!("oauth1/verify-sha1/{n}"));
        g.bench_function("keyed-once", |b| {
            b.iter(|| verify_once::<128>(black_box(&req), &key, &policy))
        });
        g.bench_function("keyed-per-call", |b| {
            b.iter(|| {
                let key = SigningKey::new(Secrets {
                    consumer_secret: black_box(CS).as_bytes(),
                    token_secret: Some(TS.as_bytes()),
                });
                verify_once::<128>(black_box(&req), &key, &policy)
            })
        });
        g.bench_function("floor", |b| b.iter(floor(compressions)));
        g.bench_function("bound", |b| {
            b.iter(bound(
                header.as_bytes(),
                url.as_bytes(),
                &base,
                compressions,
            ))
        });
        g.finish();

        // The same request signed by the oauth1-request crate (client side, the only side it
        // has): its parameters, nonce, timestamp and version, producing the header string.
        let token = reference::Token::from_parts("dpf43f3p2l4k3l03", CS, "nnch734d00sl2jdk", TS);
        let params = reference::ParameterList::new(
            query
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        );
        let mut builder = reference::Builder::with_token(token, reference::HMAC_SHA1);
        builder
            .nonce("kllo9940pd9333jh")
            .timestamp(NonZeroU64::new(NOW));
        if n > 5 {
            builder.version(true);
        }
        let mut g = c.benchmark_group(format!("oauth1/sign-sha1/{n}"));
        // Ours, producing what oauth1-request's `authorize` produces: the signature and the
        // `Authorization` value (a String) carrying it and the protocol parameters, with a
        // parameter buffer sized for the request and reused across calls as a client would.
        // First with the URL's query parsed on every call, then given what oauth1-request is
        // given: the query's parameters as a list built once outside the loop and the URL
        // without its query.
        let raw = protocol(n);
        let protocol = raw.iter().map(|(k, v)| Param::extra(k, v));
        let pairs: Vec<Param<'_>> = protocol
            .clone()
            .chain(
                query
                    .iter()
                    .map(|(k, v)| Param::extra(k.as_bytes(), v.as_bytes())),
            )
            .collect();
        let cases = [
            ("oauth1-sig", url.as_bytes(), protocol.collect::<Vec<_>>()),
            ("oauth1-sig-pairs", HOST_PATH.as_bytes(), pairs),
        ];
        for (name, url, extra) in &cases {
            g.bench_function(*name, |b| {
                let req = Request {
                    method: b"GET",
                    url,
                    ..Request::default()
                };
                let mut buf = vec![Param::EMPTY; n + 8];
                b.iter(|| {
                    let sig = oauth1_sig::Collected::new(black_box(&req), extra, &mut buf)
                        .expect("signs")
                        .sign(&key, Method::HmacSha1)
                        .expect("an HMAC signature");
                    let pairs = raw
                        .iter()
                        .copied()
                        .chain([(&b"oauth_signature"[..], sig.as_bytes())]);
                    let mut out = Vec::with_capacity(512);
                    HeaderWriter::new(None, pairs).write(|p| out.extend_from_slice(p));
                    String::from_utf8(out).expect("ASCII")
                })
            });
        }
        g.bench_function("oauth1-request", |b| {
            b.iter(|| builder.authorize("GET", black_box(HOST_PATH), black_box(&params)))
        });
        g.finish();
    }

    let (_, header, _) = request(10);
    let mut g = c.benchmark_group("oauth1/parse-header");
    g.bench_function("keyed-once", |b| {
        b.iter(|| oauth1_sig::header::parse(black_box(header.as_bytes())).map(|h| h.len()))
    });
    g.finish();

    // Growth: ns per parameter should stay flat (n log n at worst).
    let mut g = c.benchmark_group("oauth1/scaling");
    g.sample_size(10);
    for n in [10usize, 100, 1_000, 10_000] {
        let (url, header, _) = request(n);
        let req = Request {
            method: b"GET",
            url: url.as_bytes(),
            authorization: Some(header.as_bytes()),
            ..Request::default()
        };
        g.bench_with_input(BenchmarkId::new("verify-sha1", n), &req, |b, req| {
            b.iter(|| {
                let mut buf = vec![Param::EMPTY; 10_240];
                let signed = Signed::parse(req, &policy, &mut buf).expect("parses");
                oauth1_sig::verify(&key, NOW, &signed, &policy).is_ok()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, oauth1);
criterion_main!(benches);
