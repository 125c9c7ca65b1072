//! Live differential test against PHP's own `hash_hmac()`: every algorithm this build
//! implements (all of them with the `php-algos` feature, which this test enables), keys of 0
//! to 300 bytes (across every block size: 16 for MD2, 32 for GOST, 64, 128, 144 for SHA3-224)
//! and random data; `wp_hash_with` must give PHP's hex. Names PHP accepts that we do not
//! implement, and names it refuses, are checked for the right error.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use core::fmt::Write as _;
use std::path::Path;

use wp_hash::{Algo, Error, Salt, wp_hash_with};
use wp_testkit::oracle::{Rng, assert_agreement, hex, lines_per_case, php_wordpress};

const PER_ALGO: usize = 60;

#[test]
fn php_hash_hmac_agrees() {
    let Some(php) = php_wordpress("wp-hash oracle_php") else {
        return;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/hash_hmac.php");
    let mut rng = Rng::from_env();
    let mut cases = Vec::new();
    for algo in Algo::all() {
        for _ in 0..PER_ALGO {
            let key_len = rng.range(0, 150) as usize;
            let salt_len = rng.range(0, 150) as usize;
            let data_len = rng.range(0, 300) as usize;
            cases.push((
                algo,
                rng.bytes(key_len),
                rng.bytes(salt_len),
                rng.bytes(data_len),
            ));
        }
    }
    let mut input = String::new();
    for (algo, key, salt, data) in &cases {
        let joined = [key.as_slice(), salt].concat();
        writeln!(input, "{} {} {}", algo.php_name(), hex(&joined), hex(data)).unwrap();
    }
    let output = php.run(&script, input.as_bytes());
    let lines = lines_per_case(&output, cases.len());
    let mut failures = Vec::new();
    for ((algo, key, salt, data), line) in cases.iter().zip(lines) {
        let ours = wp_hash_with(*algo, &Salt::new(key, salt), data);
        if ours.as_str() != line {
            failures.push(format!(
                "{}: key {} salt {} data {}: PHP {line}, ours {}",
                algo.php_name(),
                hex(key),
                hex(salt),
                hex(data),
                ours.as_str()
            ));
        }
    }
    // What PHP accepts but no crate implements, and what PHP refuses.
    for name in [
        "snefru",
        "snefru256",
        "haval128,3",
        "haval256,5",
        "tiger128,3",
        "tiger192,4",
    ] {
        if Algo::from_php_name(name.as_bytes()) != Err(Error::UnsupportedAlgo) {
            failures.push(format!("{name}: not UnsupportedAlgo"));
        }
    }
    for name in [
        "crc32b", "fnv1a64", "adler32", "joaat", "murmur3a", "xxh3", "sha-256", "",
    ] {
        if Algo::from_php_name(name.as_bytes()) != Err(Error::UnknownAlgo) {
            failures.push(format!("{name:?}: not UnknownAlgo"));
        }
    }
    println!(
        "wp-hash oracle: {} HMACs over {} algorithms compared with PHP's hash_hmac(), seed {}",
        cases.len(),
        Algo::all().count(),
        rng.seed()
    );
    assert_agreement(
        "wp_hash_with differs from hash_hmac",
        &failures,
        cases.len(),
        rng.seed(),
    );
}
