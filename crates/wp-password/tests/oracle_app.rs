//! Live differential test of the application-password helpers against WordPress 6.1's own PHP
//! (Debian `wordpress`): `app::populate` against `wp_populate_basic_auth_from_authorization_header()`
//! (random `Authorization` values near the accepted pattern), `app::is_email` against
//! `is_email()`, `app::chunk` against `WP_Application_Passwords::chunk_password()`, and
//! `app::is_ssl` against `is_ssl()`: 8,000 cases per run, every answer compared.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::path::Path;

use base64::Engine as _;
use wp_password::WpVersion;
use wp_password::app::{self, Server, Value};
use wp_testkit::oracle::{ALNUM, Rng, assert_agreement, hex, lines_per_case, php_wordpress};

const PER_KIND: usize = 2_000;

enum Case {
    Header(Option<Vec<u8>>, Option<Vec<u8>>),
    Email(Vec<u8>),
    Chunk(Vec<u8>),
    Ssl(Option<Vec<u8>>, Option<Vec<u8>>),
}

fn arg(v: &Option<Vec<u8>>) -> String {
    v.as_deref().map_or_else(|| "-".to_owned(), hex)
}

fn credentials(rng: &mut Rng) -> Vec<u8> {
    let mut raw = match rng.range(0, 3) {
        0 => [
            rng.string_from(ALNUM, 5),
            b":".to_vec(),
            rng.string_from(ALNUM, 24),
        ]
        .concat(),
        1 => rng.text(20),
        _ => rng.string_from(b"ab:\r\n \xc3\xa9", 12),
    };
    if rng.one_in(5) {
        raw.retain(|&b| b != b':');
    }
    let mut token = base64::engine::general_purpose::STANDARD
        .encode(&raw)
        .into_bytes();
    match rng.range(0, 8) {
        0 => {
            while token.last() == Some(&b'=') {
                token.pop();
            }
        }
        1 => token.push(b'='),
        2 => token.push(b'\n'),
        3 => token.push(b' '),
        4 if !token.is_empty() => {
            let i = rng.range(0, token.len() as u64 - 1) as usize;
            token[i] = *rng.pick(b"-_=.%".as_slice());
        }
        _ => {}
    }
    const SCHEMES: [&[u8]; 6] = [
        b"Basic ", b"basic ", b"BASIC ", b"Basic  ", b"Basic\t", b"Bearer ",
    ];
    let scheme = *rng.pick(&SCHEMES);
    [scheme, &token].concat()
}

fn email(rng: &mut Rng) -> Vec<u8> {
    let part = |rng: &mut Rng, n: usize| rng.string_from(b"abc09.-_+@ !", n);
    match rng.range(0, 3) {
        0 => [
            part(rng, 6),
            b"@".to_vec(),
            rng.string_from(b"abc-", 5),
            b".".to_vec(),
            rng.string_from(b"abc-", 3),
        ]
        .concat(),
        1 => part(rng, 12),
        _ => [
            rng.string_from(ALNUM, 4),
            b"@example.".to_vec(),
            part(rng, 4),
        ]
        .concat(),
    }
}

fn random_case(rng: &mut Rng, kind: usize) -> Case {
    let maybe = |rng: &mut Rng, v: Vec<u8>| (!rng.one_in(4)).then_some(v);
    match kind {
        0 => {
            let a = credentials(rng);
            let b = credentials(rng);
            Case::Header(maybe(rng, a), rng.one_in(3).then_some(b))
        }
        1 => Case::Email(email(rng)),
        2 => Case::Chunk(rng.text(40)),
        _ => {
            const HTTPS: [&[u8]; 10] = [
                b"on", b"ON", b"1", b" 1", b"1.0", b"off", b"", b"0", b"yes", b"01",
            ];
            const PORTS: [&[u8]; 6] = [b"443", b"80", b" 443", b"443.0", b"0443", b""];
            let https = rng.pick(&HTTPS).to_vec();
            let port = rng.pick(&PORTS).to_vec();
            Case::Ssl(maybe(rng, https), maybe(rng, port))
        }
    }
}

fn line(c: &Case) -> String {
    match c {
        Case::Header(a, b) => format!("header\t{}\t{}\n", arg(a), arg(b)),
        Case::Email(e) => format!("email\t{}\n", hex(e)),
        Case::Chunk(r) => format!("chunk\t{}\n", hex(r)),
        Case::Ssl(h, p) => format!("ssl\t{}\t{}\n", arg(h), arg(p)),
    }
}

fn state(v: Value<'_>) -> String {
    match v {
        Value::Unset => "U".into(),
        Value::Null => "N".into(),
        Value::Str(s) => format!("S{}", hex(s)),
    }
}

fn ours(c: &Case) -> String {
    match c {
        Case::Header(a, b) => {
            let server = Server {
                http_authorization: a.as_deref(),
                redirect_http_authorization: b.as_deref(),
                ..Server::default()
            };
            let mut buf = vec![0u8; a.as_ref().or(b.as_ref()).map_or(0, Vec::len)];
            let p = app::populate(&server, WpVersion::Wp61, &mut buf).unwrap();
            format!("{} {}", state(p.user), state(p.password))
        }
        Case::Email(e) => u8::from(app::is_email(e)).to_string(),
        Case::Chunk(r) => {
            let mut out = vec![0u8; app::chunked_capacity(r.len())];
            hex(app::chunk(r, &mut out).unwrap().as_bytes())
        }
        Case::Ssl(h, p) => u8::from(wp_php::is_ssl(h.as_deref(), p.as_deref())).to_string(),
    }
}

#[test]
fn php_wordpress_agrees() {
    let Some(php) = php_wordpress("wp-password oracle_app") else {
        return;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/app.php");
    let mut rng = Rng::from_env();
    let cases: Vec<Case> = (0..4 * PER_KIND)
        .map(|i| random_case(&mut rng, i % 4))
        .collect();
    let input: String = cases.iter().map(line).collect();
    let out = php.run(&script, input.as_bytes());
    let mut failures = Vec::new();
    for (c, theirs) in cases.iter().zip(lines_per_case(&out, cases.len())) {
        let mine = ours(c);
        if mine != theirs {
            failures.push(format!("{}: PHP {theirs} ours {mine}", line(c).trim_end()));
        }
    }
    println!(
        "wp-password app oracle: {} cases compared with WordPress's PHP (seed {})",
        cases.len(),
        rng.seed()
    );
    assert_agreement(
        "application-password helper cases disagreed",
        &failures,
        cases.len(),
        rng.seed(),
    );
}
