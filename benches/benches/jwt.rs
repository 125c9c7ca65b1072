//! `jwt/verify`: the Tmeister plugin's `/token/validate` decision on the token it issues,
//! beside its floor — the HMAC-SHA-256 of the token's signed part from a state keyed once.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use wp_jwt::{Config, Profile, Request, Validation};

const SECRET: &[u8] = b"pub-jwt-secret-3f9a6c1e8b2d4f70a5c9e1b3d7f2a6c8";
/// The shared vectors' `tm-valid-default` token.
const TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJodHRwczovL2Jsb2cuZXhhbXBsZS5jb20iLCJpYXQiOjE3NjcyMjIwMDAsIm5iZiI6MTc2NzIyMjAwMCwiZXhwIjoxNzY3ODI2ODAwLCJkYXRhIjp7InVzZXIiOnsiaWQiOiIxIn19fQ.gD0ibJ67Den3FHP7RaAb0G-rFDbE5f_jxEMR5Uuf3WU";
const NOW: i64 = 1_767_225_600;

fn jwt(c: &mut Criterion) {
    let cfg = Config::new(
        Profile::Tmeister,
        Some(SECRET),
        b"HS256",
        b"https://blog.example.com",
    );
    let header = format!("Bearer {TOKEN}");
    let req = Request {
        authorization: Some(header.as_bytes()),
        https: true,
        ..Request::default()
    };
    let mut scratch = vec![0u8; wp_jwt::scratch_len(&req)];
    assert!(matches!(
        wp_jwt::validate(&cfg, &req, NOW, &(), &mut scratch),
        Validation::Accept(_)
    ));
    let keyed = Hmac::<Sha256>::new_from_slice(SECRET).expect("any key");
    let signed = &TOKEN.as_bytes()[..TOKEN.rfind('.').expect("three segments")];

    let mut g = c.benchmark_group("jwt/verify");
    g.bench_function("keyed-once", |b| {
        b.iter(|| {
            matches!(
                wp_jwt::validate(&cfg, black_box(&req), NOW, &(), &mut scratch),
                Validation::Accept(_)
            )
        })
    });
    g.bench_function("floor", |b| {
        b.iter(|| {
            let mut m = keyed.clone();
            m.update(black_box(signed));
            m.finalize().into_bytes()
        })
    });
    g.finish();
}

criterion_group!(benches, jwt);
criterion_main!(benches);
