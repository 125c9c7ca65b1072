//! `password/*`: WordPress password checks beside the raw work they cannot avoid, same run.
//!
//! - `password/phpass`: a `$P$B` hash (8192 rounds) of an 8-byte password is 8194 MD5
//!   compressions of one block each; the floor runs exactly those with `md5::block_api`.
//! - `password/wp-bcrypt`: a 6.8 `$wp$2y$10$` hash; the floor is bcrypt's Blowfish work at cost
//!   10 (init, salted expansion, 2 × 1024 expansions, 64 × 3 encryptions) on the `blowfish`
//!   crate's primitives, without the pre-hash, key preparation, encoding or comparison.
//! - `password/app-generic`: a 6.8 application password (`$generic$`, keyed BLAKE2b of 24
//!   bytes) normalised from its chunked form and checked; the floor is two BLAKE2b
//!   compressions (key block and message block) on the core API.

use std::hint::black_box;

use blake2::Blake2bVarCore;
use blake2::digest::block_api::{UpdateCore as _, VariableOutputCore as _};
use blowfish::Blowfish;
use criterion::{Criterion, criterion_group, criterion_main};
use wp_password::{WpVersion, app};

fn phpass(c: &mut Criterion) {
    let stored = b"$P$BCegwF4iNP5ap4082TPTXFIQ22GmwS1";
    assert_eq!(
        wp_password::verify(b"password", stored, WpVersion::Wp68),
        Ok(())
    );
    let mut g = c.benchmark_group("password/phpass");
    g.sample_size(20);
    g.bench_function("keyed-once", |b| {
        b.iter(|| wp_password::verify(black_box(b"password"), stored, WpVersion::Wp68))
    });
    g.bench_function("floor", |b| {
        let block = [[0x5au8; 64]];
        b.iter(|| {
            let mut s = [0x6745_2301u32, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
            for _ in 0..8194 {
                md5::block_api::compress(&mut s, black_box(&block));
            }
            s
        })
    });
    g.finish();
}

fn wp_bcrypt(c: &mut Criterion) {
    let stored = wp_password::hash_password(b"password", [0x42; 16], 10).expect("hashes");
    assert_eq!(
        wp_password::verify(b"password", &stored, WpVersion::Wp68),
        Ok(())
    );
    let mut g = c.benchmark_group("password/wp-bcrypt");
    g.sample_size(10);
    g.bench_function("keyed-once", |b| {
        b.iter(|| wp_password::verify(black_box(b"password"), &stored, WpVersion::Wp68))
    });
    g.bench_function("floor", |b| {
        let key = [0x61u8; 72];
        let salt = [0x42u8; 16];
        b.iter(|| {
            let mut state = Blowfish::bc_init_state();
            state.salted_expand_key(&salt, black_box(&key));
            for _ in 0..1024 {
                state.bc_expand_key(&key);
                state.bc_expand_key(&salt);
            }
            let mut lr = [0u32; 2];
            for _ in 0..192 {
                lr = state.bc_encrypt(lr);
            }
            lr
        })
    });
    g.finish();
}

fn app_generic(c: &mut Criterion) {
    let hash = wp_password::fast_hash(b"ukRev0jv6ORkNRK4xaP5PLSh");
    let items = [app::Item {
        uuid: "5f2c8a3e-1b7d-4c9a-8e6f-0a1b2c3d4e5f",
        app_id: "",
        name: "CLI",
        password: &hash,
        created: 0,
        last_used: None,
        last_ip: None,
    }];
    let supplied = b"ukRe v0jv 6ORk NRK4 xaP5 PLSh";
    assert_eq!(app::find(&items, supplied, WpVersion::Wp68), Some(0));
    let mut g = c.benchmark_group("password/app-generic");
    g.bench_function("keyed-once", |b| {
        b.iter(|| app::find(&items, black_box(supplied), WpVersion::Wp68))
    });
    g.bench_function("floor", |b| {
        let blocks = [Default::default(), Default::default()];
        b.iter(|| {
            let mut core = Blake2bVarCore::new(30).expect("30 <= 64");
            core.update_blocks(black_box(&blocks));
            core
        })
    });
    g.finish();
}

criterion_group!(benches, phpass, wp_bcrypt, app_generic);
criterion_main!(benches);
