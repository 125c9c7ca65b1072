//! Live differential test of the PHP `unserialize()` reader (the one `session_tokens` meta is
//! read with) against PHP itself: random nested arrays, most of them around PHP's depth limit
//! (`unserialize_max_depth`, 4,096 non-empty levels), with empty arrays, several entries per
//! level, and structural faults (a count one off, a missing `}`, an array as a key). PHP's
//! answer (a value or `false`) must be ours.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::path::Path;

use wp_php::unserialize::unserialize;
use wp_testkit::oracle::{Rng, assert_agreement, hex, lines_per_case, php_wordpress};

const CASES: usize = 300;

fn scalar(rng: &mut Rng) -> String {
    match rng.range(0, 4) {
        0 => format!("i:{};", rng.range(0, 1000) as i64 - 500),
        1 => {
            let len = rng.range(0, 6) as usize;
            let s = String::from_utf8(rng.string_from(b"abc xyz\"{};:", len)).unwrap();
            format!("s:{}:\"{s}\";", s.len())
        }
        2 => format!("b:{};", rng.range(0, 1)),
        _ => "N;".to_owned(),
    }
}

/// A value nested `levels` deep (non-empty arrays), with a fault now and then.
fn nested(rng: &mut Rng, levels: usize, faults: &mut usize) -> String {
    let mut s = if rng.one_in(4) {
        "a:0:{}".to_owned()
    } else {
        scalar(rng)
    };
    for _ in 0..levels {
        // Usually one entry; now and then siblings before and after the nested value.
        let before = if rng.one_in(50) { rng.range(1, 2) } else { 0 };
        let after = if rng.one_in(50) { rng.range(1, 2) } else { 0 };
        let mut body = String::new();
        let mut n = 0;
        for i in 0..before {
            body += &format!("i:{i};{}", scalar(rng));
            n += 1;
        }
        body += &format!("s:1:\"k\";{s}");
        n += 1;
        for i in 0..after {
            body += &format!("i:{};{}", 10 + i, scalar(rng));
            n += 1;
        }
        let fault = rng.one_in(20 * levels as u64 + 1);
        let (count, close) = match (fault, rng.range(0, 3)) {
            (true, 0) => (n + 1, "}"),
            (true, 1) => (n - 1, "}"),
            (true, _) => (n, ""),
            (false, _) => (n, "}"),
        };
        *faults += usize::from(fault);
        s = format!("a:{count}:{{{body}{close}");
    }
    s
}

#[test]
fn php_unserialize_agrees() {
    let Some(php) = php_wordpress("wp-php oracle_unserialize") else {
        return;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/unserialize.php");
    let mut rng = Rng::from_env();
    let mut faults = 0;
    let inputs: Vec<String> = (0..CASES)
        .map(|_| {
            let levels = match rng.range(0, 3) {
                0 => rng.range(0, 40) as usize,
                _ => rng.range(4_090, 4_100) as usize,
            };
            let mut s = nested(&mut rng, levels, &mut faults);
            if rng.one_in(30) {
                // An array where a key belongs.
                s = format!("a:1:{{{s}i:1;}}");
            }
            s
        })
        .collect();
    let lines: String = inputs.iter().map(|s| hex(s.as_bytes()) + "\n").collect();
    let output = php.run(&script, lines.as_bytes());
    let answers = lines_per_case(&output, inputs.len());
    let mut failures = Vec::new();
    let (mut read, mut refused) = (0, 0);
    for (s, a) in inputs.iter().zip(answers) {
        let theirs = a == "1";
        let ours = unserialize(s.as_bytes()).is_ok();
        if theirs {
            read += 1;
        } else {
            refused += 1;
        }
        if ours != theirs {
            let depth = s.bytes().filter(|&b| b == b'{').count();
            failures.push(format!(
                "{} bytes, {depth} arrays: PHP {theirs}, ours {ours}; starts {:?}",
                s.len(),
                &s[..s.len().min(80)]
            ));
        }
    }
    println!(
        "wp-php unserialize oracle: {} inputs ({read} read by PHP, {refused} refused, {faults} with a fault), seed {}",
        inputs.len(),
        rng.seed()
    );
    assert!(
        read > 50 && refused > 50,
        "too one-sided: {read} read, {refused} refused"
    );
    assert_agreement(
        "unserialize disagrees with PHP",
        &failures,
        inputs.len(),
        rng.seed(),
    );
}
