//! Live differential test of `wp::parse_str` (how PHP fills `$_GET`/`$_POST`, which the
//! WordPress plugin mode signs) against PHP's own `parse_str()`: 5,000 random query strings per
//! run, rich in what PHP treats specially (`.`, spaces, `[`, `]`, `+`, `%XX`, NUL, integer
//! names, repeats, arrays, nesting past 64 levels, empty pieces, more than 1,000 pairs). Every leaf, its name path and its order
//! must agree.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::path::Path;

use oauth1_sig::wp::{self, Entry, Key};
use wp_testkit::oracle::{Rng, assert_agreement, hex, lines_per_case, php_wordpress};

const CASES: usize = 5_000;

fn piece(rng: &mut Rng) -> Vec<u8> {
    const ATOMS: &[&[u8]] = &[
        b"a",
        b"b",
        b"x",
        b"0",
        b"5",
        b"-3",
        b"05",
        b".",
        b" ",
        b"+",
        b"[",
        b"]",
        b"[]",
        b"[x]",
        b"[0]",
        b"[ x]",
        b"%5B",
        b"%5D",
        b"%2E",
        b"%20",
        b"%00",
        b"%41",
        b"%",
        b"%zz",
        b"_",
        b"\xc3\xa9",
        b"=",
    ];
    let n = rng.range(0, 6) as usize;
    (0..n).flat_map(|_| rng.pick(ATOMS).to_vec()).collect()
}

fn query(rng: &mut Rng) -> Vec<u8> {
    let pairs = rng.range(0, 6) as usize;
    let mut q = Vec::new();
    for i in 0..pairs {
        if i > 0 {
            q.extend_from_slice(if rng.one_in(8) { b"&&" } else { b"&" });
        }
        q.extend(piece(rng));
        if !rng.one_in(6) {
            q.push(b'=');
            q.extend(piece(rng));
        }
    }
    if rng.one_in(100) {
        // Past max_input_vars (1,000 pairs).
        for i in 0..1_005 {
            q.extend_from_slice(format!("&v{i}=x").as_bytes());
        }
    }
    if rng.one_in(50) {
        // Past the nesting limit.
        q.extend_from_slice(b"&a");
        for _ in 0..70 {
            q.extend_from_slice(b"[x]");
        }
        q.extend_from_slice(b"=1");
    }
    q
}

fn ours(q: &[u8]) -> String {
    let mut entries = vec![Entry::EMPTY; 1_100];
    let mut bytes = vec![0u8; 4 * q.len() + 16];
    match wp::parse_str(q, &mut entries, &mut bytes) {
        Ok(list) => list
            .iter()
            .map(|e| {
                let mut name = match e.key {
                    Key::Int(n) => n.to_string().into_bytes(),
                    Key::Str(s) => s.to_vec(),
                };
                name.extend_from_slice(e.path);
                format!("{}:{}", hex(&name), hex(e.value))
            })
            .collect::<Vec<_>>()
            .join(","),
        Err(e) => format!("error {e}"),
    }
}

#[test]
fn php_parse_str_agrees() {
    let Some(php) = php_wordpress("oauth1-sig oracle_php_input") else {
        return;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/parse_str.php");
    let mut rng = Rng::from_env();
    let cases: Vec<Vec<u8>> = (0..CASES).map(|_| query(&mut rng)).collect();
    let input: String = cases.iter().map(|q| hex(q) + "\n").collect();
    let out = php.run(&script, input.as_bytes());
    let mut failures = Vec::new();
    for (q, theirs) in cases.iter().zip(lines_per_case(&out, CASES)) {
        let mine = ours(q);
        if mine != theirs {
            failures.push(format!(
                "{:?}: PHP {theirs} ours {mine}",
                String::from_utf8_lossy(q)
            ));
        }
    }
    println!(
        "wp::parse_str oracle: {CASES} query strings compared with PHP's parse_str (seed {})",
        rng.seed()
    );
    assert_agreement("query strings disagreed", &failures, CASES, rng.seed());
}
