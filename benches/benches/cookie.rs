//! `cookie/*`: generate and validate, keyed once and keyed per call, beside the raw hash
//! compressions they cannot avoid (the floor), in one criterion group per operation.
//!
//! For the benchmark cookie (`admin`, a phpass hash, a 10-digit expiration, a 43-character
//! token): `wp_hash` over `admin|frag|exp|token` (65 bytes) is 2 + 1 MD5 compressions with the
//! salt's pad states saved; the HMAC-SHA256 keyed by that hex key costs 2 (pads) + 2 (the
//! 60-byte message) + 1 (outer) SHA-256 compressions; validation adds 1 SHA-256 for the
//! session verifier. So generate = 3 MD5 + 5 SHA-256 and validate = 3 MD5 + 6 SHA-256.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use wp_cookie::{
    CookieKey, Options, Scheme, User, UserStore, Verifier, WpVersion, generate, validate,
};

const KEY: &[u8] = b"fake logged-in key: 9f%]3@xk)Wz+Qd1!Vn8#Lr2^Bt6&Hy4*Jm0(Gs5$Pc7~";
const SALT: &[u8] = b"fake logged-in salt: Ae3>Ko9<Ui1?Ry7:Tw5;Yq2'Ip8\"Os4,Lz6.Xb0/Nc!";
const LOGIN: &[u8] = b"admin";
const USER_PASS: &[u8] = b"$P$BabcdefghIJKLMNOPQRSTUVWXYZ01234";
const TOKEN: &[u8] = b"Xq3Lr6hK0bJv2TtYwP9sF1mZc8aNdE4gRuV7iOyBk5H";
const EXP: u64 = 1_700_172_800;
const NOW: u64 = 1_700_000_000;

struct Store {
    verifier: Verifier,
}

impl UserStore for Store {
    fn user_by_login(&self, login: &[u8]) -> Option<User<'_>> {
        (login == LOGIN).then_some(User {
            user_id: 1,
            user_pass: USER_PASS,
        })
    }
    fn session_expiration(&self, _: u64, v: &Verifier) -> Option<i64> {
        (*v == self.verifier).then_some(EXP as i64)
    }
}

/// `md5` MD5 and `sha` SHA-256 compressions: the floor of an operation that needs them.
fn floor(md5: usize, sha: usize) -> impl FnMut() -> ([u32; 4], [u32; 8]) {
    let blocks = vec![[0x5au8; 64]; md5.max(sha)];
    move || {
        let mut m = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
        md5::block_api::compress(&mut m, black_box(&blocks[..md5]));
        let mut s = [0x6a09_e667u32; 8];
        sha2::block_api::compress256(&mut s, black_box(&blocks[..sha]));
        (m, s)
    }
}

fn cookie(c: &mut Criterion) {
    let key = CookieKey::new(Scheme::LoggedIn, KEY, SALT);
    let value = generate(&key, LOGIN, USER_PASS, EXP, TOKEN, WpVersion::Wp68).to_vec();
    let store = Store {
        verifier: Verifier::of(TOKEN),
    };
    let opts = Options::default();
    assert_eq!(
        validate(&key, NOW, &value, &opts, &store).map(|v| v.user_id),
        Ok(1)
    );

    let mut g = c.benchmark_group("cookie/generate");
    g.bench_function("keyed-once", |b| {
        b.iter(|| {
            generate(
                black_box(&key),
                black_box(LOGIN),
                black_box(USER_PASS),
                black_box(EXP),
                black_box(TOKEN),
                WpVersion::Wp68,
            )
        })
    });
    g.bench_function("keyed-per-call", |b| {
        b.iter(|| {
            generate(
                &CookieKey::new(Scheme::LoggedIn, black_box(KEY), black_box(SALT)),
                black_box(LOGIN),
                black_box(USER_PASS),
                black_box(EXP),
                black_box(TOKEN),
                WpVersion::Wp68,
            )
        })
    });
    g.bench_function("floor", |b| b.iter(floor(3, 5)));
    g.finish();

    let mut g = c.benchmark_group("cookie/validate");
    g.bench_function("keyed-once", |b| {
        b.iter(|| {
            validate(
                black_box(&key),
                NOW,
                black_box(&value),
                black_box(&opts),
                &store,
            )
        })
    });
    g.bench_function("keyed-per-call", |b| {
        b.iter(|| {
            let key = CookieKey::new(Scheme::LoggedIn, black_box(KEY), black_box(SALT));
            validate(&key, NOW, black_box(&value), black_box(&opts), &store)
        })
    });
    g.bench_function("floor", |b| b.iter(floor(3, 6)));
    g.finish();
}

criterion_group!(benches, cookie);
criterion_main!(benches);
