//! Live differential test against WordPress's PHP (Debian `php-cli`, `wordpress`): at least
//! 500 random passwords per run. For each, PHP makes 14 hashes (6.1 `wp_hash_password()`,
//! the 6.8 `$wp$` construction, `password_hash()` bcrypt and Argon2, `crypt()` with
//! `$2a$`/`$2x$`/`$2b$`/`$1$`/`$5$`/`$6$`, MD5, the fast hash, phpass `$H$`) and we make 4
//! (`$wp$`, `$P$B`, `$2y$`, `$generic$`); then both sides check three candidate passwords
//! against all 18 with 6.1 `wp_check_password()` and the 6.8 decision list (and
//! `wp_verify_fast_hash()` where it takes its own path), and must agree on every answer. The deterministic hashes
//! (`crypt()` with a given salt, the fast hash, phpass `crypt_private`) must be byte-equal.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::path::Path;

use wp_password::{WpVersion, bcrypt, phpass};
use wp_testkit::oracle::{ALNUM, Rng, assert_agreement, hex, lines_per_case, php_wordpress};

const BATCHES: usize = 2;
const CASES_PER_BATCH: usize = 250;

struct Case {
    password: Vec<u8>,
    candidates: Vec<Vec<u8>>,
    ours: Vec<Vec<u8>>,
    bcrypt_salt: Vec<u8>,
    md5_salt: Vec<u8>,
    sha_salt: Vec<u8>,
    h_setting: Vec<u8>,
}

fn password(rng: &mut Rng) -> Vec<u8> {
    let n = rng.range(0, 90) as usize;
    match rng.range(0, 9) {
        0 => rng.string_from(ALNUM, 24),
        1 => rng.text(40),
        2 => rng.bytes(n),
        // Bytes ≥ 0x80 in every position: the `$2x$` bug and `$2a$` countermeasure.
        3 => (0..rng.range(1, 12))
            .map(|_| *rng.pick(&[0xff, 0x80, 0xa3, b'a', 0xff, 0xff]))
            .collect(),
        4 => [&b" \t"[..], &rng.string_from(ALNUM, 10), b"\n\0"].concat(),
        5 => Vec::new(),
        6 => [
            rng.string_from(ALNUM, 5),
            vec![0],
            rng.string_from(ALNUM, 5),
        ]
        .concat(),
        7 => rng.string_from(ALNUM, 70 + n % 10),
        // Over WordPress's 4096-byte limit (checks at or under it cost a full phpass run over
        // 4 KiB per candidate; the vectors hold the exact boundary).
        _ => rng.string_from(ALNUM, 4097 + n % 8),
    }
}

fn candidates(rng: &mut Rng, pw: &[u8]) -> Vec<Vec<u8>> {
    let mut changed = pw.to_vec();
    if changed.is_empty() {
        changed.push(b'x');
    } else {
        let i = rng.range(0, changed.len() as u64 - 1) as usize;
        changed[i] ^= 1 << rng.range(0, 7);
    }
    let third = match rng.range(0, 2) {
        0 => wp_php::trim(pw).to_vec(),
        1 => [pw, b"\0tail"].concat(),
        _ => [pw, b"x"].concat(),
    };
    vec![pw.to_vec(), changed, third]
}

fn random_case(rng: &mut Rng) -> Case {
    let pw = password(rng);
    let bcrypt_salt: [u8; 16] = rng.bytes(16).try_into().unwrap();
    let ours = vec![
        wp_password::hash_password(&pw, bcrypt_salt, 4)
            .map(|h| h.to_vec())
            .unwrap_or_else(|_| b"*".to_vec()),
        wp_password::hash_password_phpass(&pw, rng.bytes(6).try_into().unwrap())
            .map(|h| h.to_vec())
            .unwrap_or_else(|_| b"*".to_vec()),
        bcrypt::Setting::new(4, bcrypt_salt)
            .unwrap()
            .hash(&pw)
            .to_vec(),
        wp_password::fast_hash(&pw).to_vec(),
    ];
    let itoa64 = phpass::ITOA64;
    // A canonical 22-character salt (last character with its 4 unused bits clear).
    let setting = bcrypt::Setting::new(4, rng.bytes(16).try_into().unwrap()).unwrap();
    let bcrypt_salt_chars = setting.hash(b"")[7..29].to_vec();
    let (md5_len, sha_len) = (rng.range(1, 8) as usize, rng.range(1, 16) as usize);
    Case {
        candidates: candidates(rng, &pw),
        password: pw,
        ours,
        bcrypt_salt: bcrypt_salt_chars,
        md5_salt: rng.string_from(itoa64, md5_len),
        sha_salt: rng.string_from(itoa64, sha_len),
        h_setting: phpass_setting(rng),
    }
}

/// A `$H$` setting for `crypt_private`: usually valid (count 7 or 8), one time in three
/// malformed as phpass sees it — another id, `*0` in front, a count character out of
/// `7..=30` or outside the alphabet, a salt shorter than 8 — where its output is `*0` / `*1`.
fn phpass_setting(rng: &mut Rng) -> Vec<u8> {
    let itoa64 = phpass::ITOA64;
    let (mut id, mut count, mut salt) = (
        b"$H$".to_vec(),
        vec![itoa64[rng.range(7, 9) as usize]],
        rng.string_from(itoa64, 8),
    );
    match rng.range(0, 18) {
        0 => {
            id = rng
                .pick(&[&b"$X$"[..], b"$h$", b"$2y", b"*0$", b"$P"])
                .to_vec()
        }
        1 => count = vec![itoa64[rng.range(0, 6) as usize]],
        2 => count = vec![itoa64[rng.range(31, 63) as usize]],
        3 => count = vec![*rng.pick(b"!-*@ ")],
        4 => salt.truncate(rng.range(0, 7) as usize),
        5 => id = b"*0".to_vec(),
        _ => {}
    }
    [id, count, salt].concat()
}

fn input_line(c: &Case) -> String {
    let list = |v: &[Vec<u8>]| v.iter().map(|x| hex(x)).collect::<Vec<_>>().join(",");
    format!(
        "{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
        hex(&c.password),
        list(&c.candidates),
        list(&c.ours),
        String::from_utf8_lossy(&c.bcrypt_salt),
        String::from_utf8_lossy(&c.md5_salt),
        String::from_utf8_lossy(&c.sha_salt),
        String::from_utf8_lossy(&c.h_setting),
    )
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

/// Hashes checked with `wp_verify_fast_hash()` too (elsewhere it is phpass, as column 6.1).
const FAST_COLUMN: [usize; 5] = [0, 2, 12, 13, 17];
/// Hashes compared byte for byte, checked with candidates 0 and 2 only.
const EXACT_BCRYPT: [usize; 3] = [3, 4, 5];

/// Every answer with (hash, candidate, column), in the order password.php writes them.
fn our_answers(
    hashes: &[Vec<u8>],
    candidates: &[Vec<u8>],
) -> Vec<(bool, usize, usize, &'static str)> {
    let mut out = Vec::new();
    for (i, h) in hashes.iter().enumerate() {
        for (j, c) in candidates.iter().enumerate() {
            if EXACT_BCRYPT.contains(&i) && j == 1 {
                continue;
            }
            out.push((
                wp_password::verify(c, h, WpVersion::Wp61).is_ok(),
                i,
                j,
                "6.1",
            ));
            out.push((
                wp_password::verify(c, h, WpVersion::Wp68).is_ok(),
                i,
                j,
                "6.8",
            ));
            if FAST_COLUMN.contains(&i) {
                out.push((wp_password::verify_fast_hash(c, h).is_ok(), i, j, "fast"));
            }
        }
    }
    out
}

fn compare(c: &Case, line: &str, failures: &mut Vec<String>) -> usize {
    let (hashes, matrix) = line.split_once('\t').unwrap();
    let php: Vec<Vec<u8>> = hashes.split(',').map(unhex).collect();
    assert_eq!(php.len(), 14, "PHP made 14 hashes");
    let pw = &c.password;
    let show = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let exact: [(&str, Vec<u8>, &[u8]); 5] = [
        ("$2a$", [&b"$2a$04$"[..], &c.bcrypt_salt].concat(), &php[3]),
        ("$2x$", [&b"$2x$04$"[..], &c.bcrypt_salt].concat(), &php[4]),
        ("$2b$", [&b"$2b$04$"[..], &c.bcrypt_salt].concat(), &php[5]),
        ("fast", Vec::new(), &php[12]),
        ("$H$", c.h_setting.clone(), &php[13]),
    ];
    for (name, setting, theirs) in exact {
        let ours = match name {
            "fast" => wp_password::fast_hash(pw).to_vec(),
            "$H$" => match phpass::crypt_private(pw, &setting, &wp_password::Limits::DEFAULT) {
                Ok(out) => out.as_bytes().to_vec(),
                // Refused by design over 4,096 bytes (PHP's crypt_private hashes it; every
                // WordPress caller refuses it first).
                Err(e) => {
                    assert!(
                        pw.len() > wp_password::MAX_PASSWORD_LEN,
                        "crypt_private refused a {}-byte password: {e}",
                        pw.len()
                    );
                    continue;
                }
            },
            _ => bcrypt::Setting::parse(&setting).unwrap().hash(pw).to_vec(),
        };
        if ours != theirs {
            failures.push(format!(
                "{name} of {:?}: PHP {} ours {}",
                hex(pw),
                show(theirs),
                show(&ours)
            ));
        }
    }
    let all: Vec<Vec<u8>> = php.iter().chain(&c.ours).cloned().collect();
    let ours = our_answers(&all, &c.candidates);
    assert_eq!(ours.len(), matrix.len(), "answer count");
    for ((mine, i, j, col), theirs) in ours.iter().zip(matrix.bytes()) {
        if *mine != (theirs == b'1') {
            failures.push(format!(
                "password {:?}, candidates {:?}, hashes {:?}: hash #{i} candidate #{j} column {col}: PHP {} ours {mine}",
                hex(pw),
                c.candidates.iter().map(|x| hex(x)).collect::<Vec<_>>(),
                all.iter().map(|x| show(x)).collect::<Vec<_>>(),
                theirs == b'1',
            ));
            break;
        }
    }
    matrix.len()
}

#[test]
fn php_wordpress_agrees() {
    let Some(php) = php_wordpress("wp-password oracle_php") else {
        return;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/password.php");
    let mut rng = Rng::from_env();
    let batches: Vec<Vec<Case>> = (0..BATCHES)
        .map(|_| {
            (0..CASES_PER_BATCH)
                .map(|_| random_case(&mut rng))
                .collect()
        })
        .collect();
    // Each batch: one PHP process, and one thread comparing its answers as the whole output
    // arrives; the batches run side by side.
    let results: Vec<(Vec<String>, usize)> = std::thread::scope(|s| {
        let handles: Vec<_> = batches
            .iter()
            .map(|cases| {
                let input: String = cases.iter().map(input_line).collect();
                let (php, script) = (&php, &script);
                s.spawn(move || {
                    let out = php.run(script, input.as_bytes());
                    let mut failures = Vec::new();
                    let answers = cases
                        .iter()
                        .zip(lines_per_case(&out, cases.len()))
                        .map(|(c, line)| compare(c, line, &mut failures))
                        .sum();
                    (failures, answers)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let cases = BATCHES * CASES_PER_BATCH;
    let answers: usize = results.iter().map(|r| r.1).sum();
    let failures: Vec<String> = results.into_iter().flat_map(|r| r.0).collect();
    println!(
        "wp-password oracle: {cases} passwords, {answers} check answers and {} exact hashes compared with PHP (seed {})",
        cases * 5,
        rng.seed()
    );
    assert_agreement("password cases disagreed", &failures, cases, rng.seed());
}
