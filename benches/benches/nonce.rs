//! `nonce/*`: each operation keyed once, keyed per call, and the raw MD5 compressions it cannot
//! avoid (its floor), in one criterion group per operation.
//!
//! The floor: HMAC-MD5 with the pad states saved costs ceil((len + 9) / 64) inner compressions
//! plus one outer compression. The benchmark message `tick|wp_rest|1|<43-char token>` is 59
//! bytes, so one nonce is 3 compressions and a previous-tick or failed verify is 6 (verify
//! runs both ticks' 6 on two-lane MD5, in the time of about 3.6). `nonce/verify-many/pair`
//! checks two requests at once (a current nonce and a forged one: 9 compressions, on four
//! lanes).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use md5::block_api::compress;
use wp_nonce::{Check, Context, NonceKey, create, tick, verify, verify_many};

const NONCE_KEY: &[u8] = b"fake nonce key: 5R^,Qwe:aX}!sE1>~Gg$g)U]y0a=cW0s+{Bz+%Mm}h0oB]t>";
const NONCE_SALT: &[u8] = b"fake nonce salt: 3$l@^Lwa)qP0l]Q(h`]7@3)eT[?x~K;,ke&;_@2pjx;_Yc";
const TOKEN: &[u8] = b"Xq3Lr6hK0bJv2TtYwP9sF1mZc8aNdE4gRuV7iOyBk5H";
const NOW: u64 = 1_700_000_000;

/// `n` MD5 compressions from a fixed state: the floor of an operation that needs `n`.
fn floor(n: usize) -> impl FnMut() -> [u32; 4] {
    let blocks = vec![[0x5au8; 64]; n];
    move || {
        let mut state = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
        compress(&mut state, black_box(&blocks));
        state
    }
}

fn nonce(c: &mut Criterion) {
    let key = NonceKey::new(NONCE_KEY, NONCE_SALT);
    let ctx = Context::new("wp_rest", 1, TOKEN);
    let mut msg_len = 0;
    wp_nonce::message(tick(NOW, ctx.life), &ctx, |p| msg_len += p.len());
    assert_eq!(
        (msg_len + 9).div_ceil(64) + 1,
        3,
        "the floor below assumes 3 compressions"
    );

    let current = create(&key, NOW, &ctx);
    let previous = create(&key, NOW - 43_200, &ctx);
    let wrong = *b"0123456789";

    let mut g = c.benchmark_group("nonce/create");
    g.bench_function("keyed-once", |b| {
        b.iter(|| create(black_box(&key), black_box(NOW), black_box(&ctx)))
    });
    g.bench_function("keyed-per-call", |b| {
        b.iter(|| {
            let key = NonceKey::new(black_box(NONCE_KEY), black_box(NONCE_SALT));
            create(&key, black_box(NOW), black_box(&ctx))
        })
    });
    g.bench_function("floor", |b| b.iter(floor(3)));
    g.finish();

    for (op, nonce, compressions) in [
        ("nonce/verify-current", current.as_bytes(), 3),
        ("nonce/verify-previous", previous.as_bytes(), 6),
        ("nonce/verify-fail", &wrong, 6),
    ] {
        let mut g = c.benchmark_group(op);
        g.bench_function("keyed-once", |b| {
            b.iter(|| {
                verify(
                    black_box(&key),
                    black_box(NOW),
                    black_box(&ctx),
                    black_box(nonce),
                )
            })
        });
        if op == "nonce/verify-current" {
            g.bench_function("keyed-per-call", |b| {
                b.iter(|| {
                    let key = NonceKey::new(black_box(NONCE_KEY), black_box(NONCE_SALT));
                    verify(&key, black_box(NOW), black_box(&ctx), black_box(nonce))
                })
            });
        }
        g.bench_function("floor", |b| b.iter(floor(compressions)));
        g.finish();
    }

    let pair = [
        Check {
            ctx,
            nonce: current.as_bytes(),
        },
        Check { ctx, nonce: &wrong },
    ];
    let mut g = c.benchmark_group("nonce/verify-many");
    g.bench_function("pair", |b| {
        b.iter(|| verify_many(black_box(&key), black_box(NOW), black_box(&pair)).count())
    });
    g.bench_function("floor", |b| b.iter(floor(9)));
    g.finish();
}

criterion_group!(benches, nonce);
criterion_main!(benches);
