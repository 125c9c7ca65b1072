//! Live differential test against WordPress's own PHP (Debian `php-cli`, `php-uopz`,
//! `wordpress`): random users, password hashes, tokens, expirations and request kinds.
//! WordPress generates a cookie and we must generate the same bytes; WordPress validates our
//! cookies (and tampered, expired, mis-scoped variants) and we must reach the same result and
//! reason; and our validation of WordPress's cookie must agree with its own. Schemes are the
//! three cookie schemes and, one case in four, another name (`nonce`, `''`, a plugin's),
//! keyed through `wp_salt()`'s rules with a `SECRET_KEY`.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use core::fmt::Write as _;
use std::path::Path;

use wp_cookie::{CookieKey, Error, Options, User, UserStore, Verifier, WpVersion, validate};
use wp_hash::SaltSource;
use wp_testkit::oracle::{
    ALNUM, PRINTABLE, Rng, assert_agreement, hex, lines_per_case, php_wordpress,
};

const BATCHES: usize = 2;
const CASES_PER_BATCH: usize = 2_500;

struct Case {
    id: u64,
    login: Vec<u8>,
    user_pass: Vec<u8>,
    expiration: u64,
    token: Vec<u8>,
    scheme: &'static str,
    checks: Vec<Check>,
}

/// The nine constants the PHP side defines: the eight salts and `SECRET_KEY`.
const CONSTANTS: [&str; 9] = [
    "AUTH_KEY",
    "AUTH_SALT",
    "SECURE_AUTH_KEY",
    "SECURE_AUTH_SALT",
    "LOGGED_IN_KEY",
    "LOGGED_IN_SALT",
    "NONCE_KEY",
    "NONCE_SALT",
    "SECRET_KEY",
];

struct Constants<'a>(&'a [Vec<u8>]);

impl SaltSource for Constants<'_> {
    fn constant(&self, name: &str) -> Option<&[u8]> {
        let i = CONSTANTS.iter().position(|c| *c == name)?;
        self.0.get(i).map(Vec::as_slice)
    }
    fn site_option(&self, _: &str) -> Option<&[u8]> {
        None
    }
}

struct Check {
    cookie: Vec<u8>,
    time: u64,
    post: bool,
    ajax: bool,
    session: Option<i64>,
}

struct Store<'a> {
    case: &'a Case,
    check: &'a Check,
}

impl UserStore for Store<'_> {
    fn user_by_login(&self, login: &[u8]) -> Option<User<'_>> {
        (login == self.case.login).then_some(User {
            user_id: self.case.id,
            user_pass: &self.case.user_pass,
        })
    }
    fn session_expiration(&self, user_id: u64, v: &Verifier) -> Option<i64> {
        let token = self
            .check
            .cookie
            .split(|&b| b == b'|')
            .nth(2)
            .unwrap_or_default();
        (user_id == self.case.id && *v == Verifier::of(token))
            .then_some(self.check.session)
            .flatten()
    }
}

fn user_pass(rng: &mut Rng) -> Vec<u8> {
    let itoa64 = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    match rng.range(0, 6) {
        0 | 1 => [&b"$P$B"[..], &rng.string_from(itoa64, 30)].concat(),
        2 => [&b"$wp$2y$10$"[..], &rng.string_from(itoa64, 53)].concat(),
        3 => [&b"$2y$10$"[..], &rng.string_from(itoa64, 53)].concat(),
        4 => rng.string_from(b"0123456789abcdef", 32),
        5 => rng.text(12),
        _ => Vec::new(),
    }
}

fn login(rng: &mut Rng) -> Vec<u8> {
    let len = rng.range(1, 30) as usize;
    match rng.range(0, 3) {
        0 => rng.string_from(ALNUM, len),
        1 => rng.string_from(b"abcdefgh0123456789@._- ", len),
        2 => rng.text(24),
        _ => rng.string_from(PRINTABLE, len),
    }
}

fn cookie_with(fields: [&[u8]; 4]) -> Vec<u8> {
    fields.join(&b'|')
}

fn random_case(rng: &mut Rng, id: u64) -> Case {
    let scheme = if rng.one_in(4) {
        *rng.pick(&["nonce", "", "my_plugin", "recovery_mode", "AUTH", "auth "])
    } else {
        *rng.pick(&["auth", "secure_auth", "logged_in"])
    };
    let now = rng.range(1_000_000_000, 2_000_000_000);
    let expiration = now + rng.range(0, 14 * 86_400);
    let token = if rng.one_in(4) {
        rng.text(50)
    } else {
        rng.string_from(ALNUM, 43)
    };
    let mut case = Case {
        id,
        login: login(rng),
        user_pass: user_pass(rng),
        expiration,
        token,
        scheme,
        checks: Vec::new(),
    };
    // WordPress replaces a PHP-falsy token ("" or "0") with a new session's token.
    if matches!(case.token.as_slice(), b"" | b"0") {
        case.token = b"t".to_vec();
    }
    case
}

fn add_checks(rng: &mut Rng, case: &mut Case, ours: &[u8]) {
    let exp = case.expiration;
    let mut check = |cookie: Vec<u8>, time: u64, rng: &mut Rng| {
        let (post, ajax) = match rng.range(0, 3) {
            0 => (true, false),
            1 => (false, true),
            _ => (false, false),
        };
        let session = match rng.range(0, 4) {
            0 => None,
            1 => Some(time as i64 - 1),
            2 => Some(time as i64),
            _ => Some(exp as i64 + rng.range(0, 7200) as i64),
        };
        case.checks.push(Check {
            cookie,
            time,
            post,
            ajax,
            session,
        });
    };
    check(ours.to_vec(), exp - rng.range(0, 86_400), rng);
    check(ours.to_vec(), exp, rng);
    check(ours.to_vec(), exp + rng.range(1, 7_200), rng);
    let mut tampered = ours.to_vec();
    let i = rng.range(0, tampered.len() as u64 - 1) as usize;
    tampered[i] ^= 1 << rng.range(0, 7);
    check(tampered, exp - 10, rng);
    let fields: Vec<&[u8]> = ours.split(|&b| b == b'|').collect();
    if fields.len() == 4 {
        const ODD: [&[u8]; 11] = [
            b"abc",
            b" 123",
            b"1e3",
            b"12abc",
            b"",
            b"-5",
            b"99999999999999999999",
            b"0x10",
            b"1.5e9",
            b"2000000000 ",
            b"\t1900000000",
        ];
        let odd = *rng.pick(&ODD);
        check(
            cookie_with([fields[0], odd, fields[2], fields[3]]),
            exp - 10,
            rng,
        );
        check(
            cookie_with([b"someone-else", fields[1], fields[2], fields[3]]),
            exp - 10,
            rng,
        );
        let upper = fields[3].to_ascii_uppercase();
        check(
            cookie_with([fields[0], fields[1], fields[2], &upper]),
            exp - 10,
            rng,
        );
    }
    check([ours, b"|x"].concat(), exp - 10, rng);
}

/// Our result in the harness's notation.
fn ours(key: &CookieKey, case: &Case, check: &Check) -> String {
    let opts = Options {
        grace_period: check.post || check.ajax,
        version: WpVersion::Wp61,
    };
    match validate(
        key,
        check.time,
        &check.cookie,
        &opts,
        &Store { case, check },
    ) {
        Ok(v) => format!("valid:{}:{}", v.user_id, u8::from(v.grace_period_used)),
        // WordPress 6.1 dies with a TypeError there; we report Malformed.
        Err(Error::Malformed)
            if opts.grace_period
                && !check.cookie.is_empty()
                && check.cookie.split(|&b| b == b'|').count() == 4 =>
        {
            "typeerror:false:0".to_owned()
        }
        Err(e) => format!("{}:false:0", e.code()),
    }
}

#[test]
fn php_wordpress_agrees() {
    let Some(php) = php_wordpress("wp-cookie oracle_php") else {
        return;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/cookie.php");
    let mut rng = Rng::from_env();
    let (mut cases_run, mut checks_run) = (0usize, 0usize);
    let mut failures = Vec::new();
    let mut reasons = std::collections::BTreeMap::<String, usize>::new();
    for _ in 0..BATCHES {
        let salts: Vec<Vec<u8>> = (0..CONSTANTS.len() as u8)
            .map(|i| [rng.string_from(PRINTABLE, 60), vec![b'0' + i]].concat())
            .collect();
        let key_for = |scheme: &str| {
            CookieKey::from_source_named(scheme.as_bytes(), &Constants(&salts)).unwrap()
        };
        let mut cases = Vec::new();
        for n in 0..CASES_PER_BATCH {
            let mut case = random_case(&mut rng, n as u64 + 1);
            let cookie = wp_cookie::generate(
                &key_for(case.scheme),
                &case.login,
                &case.user_pass,
                case.expiration,
                &case.token,
                WpVersion::Wp61,
            )
            .to_vec();
            add_checks(&mut rng, &mut case, &cookie);
            cases.push((case, cookie));
        }
        let mut input = salts.iter().map(|s| hex(s)).collect::<Vec<_>>().join("\t");
        input.push('\n');
        for (c, _) in &cases {
            let checks: Vec<String> = c
                .checks
                .iter()
                .map(|k| {
                    format!(
                        "{}:{}:{}:{}:{}",
                        hex(&k.cookie),
                        k.time,
                        if k.post { "POST" } else { "GET" },
                        u8::from(k.ajax),
                        k.session.map_or("-".to_owned(), |s| s.to_string())
                    )
                })
                .collect();
            writeln!(
                input,
                "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                c.id,
                hex(&c.login),
                hex(&c.user_pass),
                c.expiration,
                hex(&c.token),
                c.scheme,
                checks.join(",")
            )
            .unwrap();
        }
        let output = php.run(&script, input.as_bytes());
        let lines = lines_per_case(&output, cases.len());
        for ((case, cookie), line) in cases.iter().zip(lines) {
            let key = key_for(case.scheme);
            let (php_cookie, php_results) = line.split_once('\t').unwrap();
            let mut ours_results: Vec<String> =
                case.checks.iter().map(|k| ours(&key, case, k)).collect();
            // Our validation of WordPress's own cookie, under the first check's request.
            let theirs = Check {
                cookie: hex_decode(php_cookie),
                ..clone_check(&case.checks[0])
            };
            let first_on_theirs = ours(&key, case, &theirs);
            cases_run += 1;
            checks_run += case.checks.len() + 1;
            let mut problems = Vec::new();
            if hex(cookie) != php_cookie {
                problems.push(format!(
                    "generate differs: php {php_cookie} ours {}",
                    hex(cookie)
                ));
            }
            let php_results: Vec<&str> = php_results.split(',').collect();
            for r in &php_results {
                let (reason, rest) = r.split_once(':').unwrap_or((r, ""));
                let grace = if rest.ends_with(":1") { "+grace" } else { "" };
                *reasons.entry(format!("{reason}{grace}")).or_default() += 1;
            }
            if php_results.first().copied() != Some(first_on_theirs.as_str()) {
                problems.push(format!("our validate of the PHP cookie: {first_on_theirs}"));
            }
            for (i, (p, o)) in php_results.iter().zip(ours_results.iter_mut()).enumerate() {
                if p != o {
                    let k = &case.checks[i];
                    problems.push(format!(
                        "check {i} cookie {:?} time {} post {} ajax {} session {:?}: php {p} ours {o}",
                        String::from_utf8_lossy(&k.cookie), k.time, k.post, k.ajax, k.session
                    ));
                }
            }
            if !problems.is_empty() {
                failures.push(format!(
                    "login {:?} user_pass {:?} scheme {} exp {}: {}",
                    String::from_utf8_lossy(&case.login),
                    String::from_utf8_lossy(&case.user_pass),
                    case.scheme,
                    case.expiration,
                    problems.join("; ")
                ));
            }
        }
    }
    println!(
        "wp-cookie oracle: {cases_run} cases ({checks_run} validations) against WordPress's PHP, seed {}; WordPress's outcomes: {reasons:?}",
        rng.seed()
    );
    assert_agreement(
        "cases differ from WordPress",
        &failures,
        cases_run,
        rng.seed(),
    );
}

fn clone_check(c: &Check) -> Check {
    Check {
        cookie: c.cookie.clone(),
        time: c.time,
        post: c.post,
        ajax: c.ajax,
        session: c.session,
    }
}

fn hex_decode(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}
