//! Live differential test against WordPress's own PHP (Debian `php-cli`, `php-uopz`,
//! `wordpress`): random actions, users, tokens, times and lifetimes; WordPress creates and
//! verifies, we create and verify, and every result must agree.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use core::fmt::Write as _;
use std::path::Path;

use wp_nonce::{Action, Context, Lifetime, NonceKey, create, tick, verify};
use wp_testkit::oracle::{ALNUM, Rng, assert_agreement, hex, lines_per_case, php_wordpress};

const BATCHES: usize = 4;
const CASES_PER_BATCH: usize = 2_500;

struct Case {
    action: Action<'static>,
    uid: u64,
    token: Vec<u8>,
    life: Lifetime,
    time: u64,
    checks: Vec<(u64, Vec<u8>)>,
}

fn leak(v: Vec<u8>) -> &'static [u8] {
    Box::leak(v.into_boxed_slice())
}

fn random_case(rng: &mut Rng, key: &NonceKey) -> Case {
    let action = match rng.range(0, 5) {
        0 => Action::Bytes(
            rng.pick(&[&b"wp_rest"[..], b"log-out", b"5", b"-1", b""])
                .to_owned(),
        ),
        1 => Action::Int(-1),
        2 => Action::Int(rng.next_u64() as i64 >> rng.range(0, 63)),
        _ => Action::Bytes(leak(rng.text(40))),
    };
    let uid = match rng.range(0, 3) {
        0 => 0,
        1 => rng.range(1, 10_000),
        _ => rng.range(0, i64::MAX as u64),
    };
    let token = match rng.range(0, 3) {
        0 => Vec::new(),
        1 => rng.string_from(ALNUM, 43),
        _ => rng.text(64),
    };
    let life = Lifetime::new(match rng.range(0, 4) {
        0 => 86_400,
        1 => *rng.pick(&[1, 2, 3, 7, 3_600, 43_200, 172_800]),
        _ => rng.range(1, 2_000_000),
    })
    .unwrap();
    let half = life.get() as f64 / 2.0;
    let mut time = rng.range(0, 4_102_444_800);
    if rng.one_in(8) {
        // Land exactly on a tick boundary (integer multiples of life/2).
        time = ((time as f64 / half).floor() * half).floor() as u64;
    }
    let ctx = Context {
        action,
        user_id: uid,
        token: leak(token.clone()),
        life,
    };
    let ours = create(key, time, &ctx).as_bytes().to_vec();
    let t = tick(time, life);
    let mut checks = vec![(time, ours.clone())];
    for _ in 0..2 {
        checks.push((time + rng.range(0, 2 * life.get()), ours.clone()));
    }
    for k in [t, t + 1] {
        let edge = (k as f64 * half).floor() as u64;
        checks.push((edge, ours.clone()));
        checks.push((edge + 1, ours.clone()));
    }
    checks.push((time.saturating_sub(rng.range(1, life.get())), ours.clone()));
    let mut changed = ours.clone();
    let i = rng.range(0, 9) as usize;
    changed[i] = if changed[i] == b'0' { b'1' } else { b'0' };
    checks.push((time, changed));
    checks.push((time, ours.to_ascii_uppercase()));
    checks.push((time, rng.string_from(b"0123456789abcdef", 10)));
    checks.push((time, [&ours[..], b"0"].concat()));
    checks.push((time, Vec::new()));
    checks.push((time, b"0".to_vec()));
    Case {
        action,
        uid,
        token,
        life,
        time,
        checks,
    }
}

#[test]
fn php_wordpress_agrees() {
    let Some(php) = php_wordpress("wp-nonce oracle_php") else {
        return;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/nonce.php");
    let mut rng = Rng::from_env();
    let (mut cases_run, mut checks_run) = (0usize, 0usize);
    let mut failures = Vec::new();
    for _ in 0..BATCHES {
        // One key pair per PHP process: wp_salt() caches the salt for the whole request.
        let nonce_key = loop {
            let k = rng.text(80);
            if !k.is_empty() && k != b"0" {
                break k;
            }
        };
        let nonce_salt = [&nonce_key[..], b"-salt"].concat();
        let key = NonceKey::new(&nonce_key, &nonce_salt);
        let cases: Vec<Case> = (0..CASES_PER_BATCH)
            .map(|_| random_case(&mut rng, &key))
            .collect();
        let mut input = format!("{}\t{}\n", hex(&nonce_key), hex(&nonce_salt));
        for c in &cases {
            let (kind, action) = match c.action {
                Action::Int(i) => ("i", i.to_string()),
                Action::Bytes(b) => ("s", hex(b)),
            };
            let checks: Vec<String> = c
                .checks
                .iter()
                .map(|(t, n)| format!("{t}:{}", hex(n)))
                .collect();
            writeln!(
                input,
                "{kind}\t{action}\t{}\t{}\t{}\t{}\t{}",
                c.uid,
                hex(&c.token),
                c.life.get(),
                c.time,
                checks.join(",")
            )
            .unwrap();
        }
        let output = php.run(&script, input.as_bytes());
        let lines = lines_per_case(&output, cases.len());
        for (c, line) in cases.iter().zip(lines) {
            let ctx = Context {
                action: c.action,
                user_id: c.uid,
                token: &c.token,
                life: c.life,
            };
            let results: Vec<String> = c
                .checks
                .iter()
                .map(|(t, n)| match verify(&key, *t, &ctx, n) {
                    Ok(age) => age.wp_value().to_string(),
                    Err(_) => "0".to_owned(),
                })
                .collect();
            let ours = format!(
                "{}\t{}\t{}",
                tick(c.time, c.life),
                create(&key, c.time, &ctx),
                results.join(",")
            );
            cases_run += 1;
            checks_run += c.checks.len();
            if ours != line {
                failures.push(format!(
                    "action {:?} uid {} token {} life {} time {}\n  php:  {line}\n  ours: {ours}",
                    c.action,
                    c.uid,
                    hex(&c.token),
                    c.life.get(),
                    c.time
                ));
            }
        }
    }
    println!(
        "wp-nonce oracle: {cases_run} cases ({checks_run} verify checks) against WordPress's PHP, seed {}",
        rng.seed()
    );
    assert_agreement(
        "cases differ from WordPress",
        &failures,
        cases_run,
        rng.seed(),
    );
}
