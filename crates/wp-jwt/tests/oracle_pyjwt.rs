//! Against PyJWT (PyPI), the signing and encoding layer on random claims: the token
//! `mint_claims` makes equals the one PyJWT makes with php-jwt's header order, and PyJWT
//! verifies ours and reads back the same claims. (The plugins' own PHP is not installable
//! here; the shared vectors carry its answers.) Claims stay where PHP and Python write JSON
//! alike: no floats, no DEL, no empty objects, no integer-like keys (see the crate docs).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::Path;

use wp_jwt::Alg;
use wp_testkit::oracle::{Rng, assert_agreement, lines_per_case, pyjwt};

const CASES: usize = 600;

fn string(rng: &mut Rng) -> String {
    let pieces = [
        "a",
        "Z",
        "0",
        " ",
        "/",
        "\\",
        "\"",
        "'",
        "<",
        "&",
        "\t",
        "\n",
        "\u{1}",
        "\u{1f}",
        "é",
        "☃",
        "😀",
        "名前",
        "https://example.com/x?y=1",
        "%41",
        "\u{2028}",
    ];
    let n = rng.range(0, 8);
    (0..n).map(|_| *rng.pick(&pieces)).collect()
}

fn value(rng: &mut Rng, depth: u32) -> serde_json::Value {
    match rng.range(0, if depth > 2 { 4 } else { 6 }) {
        0 => serde_json::Value::String(string(rng)),
        1 => serde_json::json!(rng.next_u64() as i64 >> rng.range(0, 60)),
        2 => serde_json::json!(rng.one_in(2)),
        3 => serde_json::Value::Null,
        4 => {
            let n = rng.range(0, 4);
            serde_json::Value::Array((0..n).map(|_| value(rng, depth + 1)).collect())
        }
        _ => object(rng, depth + 1),
    }
}

fn object(rng: &mut Rng, depth: u32) -> serde_json::Value {
    // Not PyJWT's registered claims (iss, exp, …): it type-checks those before encoding.
    let keys = [
        "data", "user", "id", "pass", "é", "名", "a/b", "x y", "_", "",
    ];
    let n = rng.range(1, 6);
    let mut map = serde_json::Map::new();
    for _ in 0..n {
        let k = rng.pick(&keys).to_string();
        let v = value(rng, depth);
        map.insert(k, v);
    }
    serde_json::Value::Object(map)
}

#[test]
fn mint_claims_agrees_with_pyjwt() {
    let Some(py) = pyjwt("mint_claims_agrees_with_pyjwt") else {
        return;
    };
    let mut rng = Rng::from_env();
    let mut input = String::new();
    let mut cases = Vec::new();
    for _ in 0..CASES {
        let alg = *rng.pick(&[Alg::Hs256, Alg::Hs384, Alg::Hs512]);
        let secret = string(&mut rng) + "k";
        let claims = object(&mut rng, 0).to_string();
        let ours = wp_jwt::mint_claims(alg, secret.as_bytes(), claims.as_bytes()).unwrap();
        input += &serde_json::json!({
            "alg": alg.name(), "secret": secret, "claims_json": claims, "ours": ours,
        })
        .to_string();
        input.push('\n');
        cases.push((claims, ours));
    }
    let out = py.run(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/pyjwt.py"),
        input.as_bytes(),
    );
    let mut failures = Vec::new();
    for ((claims, ours), line) in cases.iter().zip(lines_per_case(&out, CASES)) {
        let (theirs, verdict) = line.split_once(' ').unwrap_or((line, "?"));
        if theirs != ours || verdict != "ok" {
            failures.push(format!(
                "claims {claims}\n  ours   {ours}\n  pyjwt  {theirs} (reading ours: {verdict})"
            ));
        }
    }
    assert_agreement("tokens differ from PyJWT's", &failures, CASES, rng.seed());
}
