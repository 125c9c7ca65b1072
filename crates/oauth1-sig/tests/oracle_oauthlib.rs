//! Live differential test against Python's oauthlib (PyPI): oauthlib's Client signs random
//! requests (unicode and reserved characters, repeated names, ports, methods, form bodies,
//! all three signature methods, secrets whose PLAINTEXT key runs past 256 bytes); our base string must equal oauthlib's, our verification must
//! accept each request, and reject it once one parameter is changed.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::path::Path;

use oauth1_sig::{
    Collected, Encoded, Error, Method, Param, Policy, Request, Secrets, Signed, SigningKey,
};
use serde_json::{Value, json};
use wp_testkit::oracle::{ALNUM, Rng, assert_agreement, lines_per_case, oauthlib};

const CASES: usize = 5_000;

struct Case {
    method: String,
    url: String,
    body: Option<String>,
    ck: String,
    cs: String,
    tk: Option<String>,
    ts: Option<String>,
    sm: Method,
}

fn text(rng: &mut Rng, max: usize) -> String {
    let len = rng.range(0, max as u64) as usize;
    (0..len)
        .map(|_| match rng.range(0, 3) {
            0 => char::from(*rng.pick(ALNUM)),
            1 => *rng.pick(&[
                ' ', '&', '=', '+', '%', '~', '*', '!', '\'', '(', ')', '[', ']', '/', '?', '#',
                ':', '@', ',', ';', '"', '|',
            ]),
            2 => *rng.pick(&['é', 'ß', '€', '日', '😀', '\u{301}', 'ñ']),
            _ => char::from(*rng.pick(b"-._~")),
        })
        .collect()
}

fn form(rng: &mut Rng, n: usize) -> String {
    let mut pairs: Vec<String> = Vec::new();
    for _ in 0..n {
        let name = if rng.one_in(5) && !pairs.is_empty() {
            // A repeated name.
            pairs[rng.range(0, pairs.len() as u64 - 1) as usize]
                .split('=')
                .next()
                .unwrap()
                .to_owned()
        } else {
            let mut name = text(rng, 8);
            if name.is_empty() || name.starts_with("oauth_") {
                name.insert(0, 'p');
            }
            Encoded(name.as_bytes()).to_string()
        };
        pairs.push(format!("{name}={}", Encoded(text(rng, 12).as_bytes())));
    }
    pairs.join("&")
}

/// A secret; now and then one long enough that a PLAINTEXT key runs past 256 bytes.
fn secret(rng: &mut Rng) -> String {
    let max = if rng.one_in(8) { 300 } else { 16 };
    text(rng, max)
}

fn random_case(rng: &mut Rng) -> Case {
    let sm = *rng.pick(&[
        Method::HmacSha1,
        Method::HmacSha1,
        Method::HmacSha256,
        Method::Plaintext,
    ]);
    let https = sm == Method::Plaintext || rng.one_in(2);
    let host: String = (0..rng.range(3, 12))
        .map(|_| {
            let c = char::from(*rng.pick(b"abcdefghijklmnopqrstuvwxyz0123456789"));
            if rng.one_in(3) {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect::<String>()
        + ".example";
    let port = match rng.range(0, 3) {
        0 => String::new(),
        1 => {
            if https {
                ":443".into()
            } else {
                ":80".into()
            }
        }
        _ => format!(":{}", rng.range(1, 65_535)),
    };
    let path: String = (0..rng.range(0, 4))
        .map(|_| format!("/{}", Encoded(text(rng, 6).as_bytes())))
        .collect();
    let n = rng.range(0, 8) as usize;
    let query = form(rng, n);
    let url = format!(
        "{}://{host}{port}{}{}",
        if https { "https" } else { "http" },
        if path.is_empty() { "/" } else { &path },
        if query.is_empty() {
            String::new()
        } else {
            format!("?{query}")
        }
    );
    let method = rng
        .pick(&["GET", "POST", "PUT", "DELETE", "PATCH", "post"])
        .to_string();
    let n = rng.range(1, 6) as usize;
    let body = (!matches!(method.as_str(), "GET") && rng.one_in(2)).then(|| form(rng, n));
    let token = rng.one_in(4).then(|| rng.string_from(ALNUM, 20));
    Case {
        method,
        url,
        body,
        ck: String::from_utf8(rng.string_from(ALNUM, 20)).unwrap(),
        cs: secret(rng),
        ts: token.as_ref().map(|_| secret(rng)),
        tk: token.map(|t| String::from_utf8(t).unwrap()),
        sm,
    }
}

#[test]
fn oauthlib_peer_agrees() {
    let Some(py) = oauthlib("oauth1-sig oracle_oauthlib") else {
        return;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/oauthlib_peer.py");
    let mut rng = Rng::from_env();
    let cases: Vec<Case> = (0..CASES).map(|_| random_case(&mut rng)).collect();
    let input: String = cases
        .iter()
        .map(|c| {
            json!({"method": c.method, "url": c.url, "body": c.body, "ck": c.ck, "cs": c.cs,
                   "tk": c.tk, "ts": c.ts, "sm": c.sm.name()})
            .to_string()
                + "\n"
        })
        .collect();
    let output = py.run(&script, input.as_bytes());
    let answers: Vec<Value> = lines_per_case(&output, cases.len())
        .into_iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut failures = Vec::new();
    let mut checks = 0usize;
    for (c, a) in cases.iter().zip(&answers) {
        let Some(auth) = a.get("authorization").and_then(Value::as_str) else {
            failures.push(format!("oauthlib refused {} {}: {a}", c.method, c.url));
            continue;
        };
        let want_base = a["base_string"].as_str().unwrap();
        let form_type = c
            .body
            .as_ref()
            .map(|_| &b"application/x-www-form-urlencoded"[..]);
        let req = Request {
            method: c.method.as_bytes(),
            url: c.url.as_bytes(),
            authorization: Some(auth.as_bytes()),
            content_type: form_type,
            body: c.body.as_deref().unwrap_or("").as_bytes(),
        };
        let mut problems = Vec::new();
        let mut buf = [Param::EMPTY; 64];
        match Collected::new(&req, &[], &mut buf) {
            Ok(col) => {
                let mut ours = Vec::new();
                col.write_base_string(|p| ours.extend_from_slice(p));
                if ours != want_base.as_bytes() {
                    problems.push(format!(
                        "base string\n    oauthlib {want_base}\n    ours     {}",
                        String::from_utf8_lossy(&ours)
                    ));
                }
            }
            Err(e) => problems.push(format!("collect failed: {e}")),
        }
        let key = SigningKey::new(Secrets {
            consumer_secret: c.cs.as_bytes(),
            token_secret: c.ts.as_deref().map(str::as_bytes),
        });
        // No clock here: oauthlib's timestamps are not checked against a window.
        let policy = Policy {
            plaintext_requires_https: true,
            timestamp_window: None,
            ..Policy::default()
        };
        let verdict = Signed::parse(&req, &policy, &mut [Param::EMPTY; 64])
            .and_then(|s| oauth1_sig::verify(&key, 0, &s, &policy).map(|_| ()));
        if let Err(e) = verdict {
            problems.push(format!("our verify of oauthlib's request: {e}"));
        }
        // One changed parameter must break an HMAC signature; PLAINTEXT covers no parameters,
        // so there a changed token secret (the end of the key) must break it.
        let verdict = if c.sm == Method::Plaintext {
            let other_ts = format!("{}x", c.ts.as_deref().unwrap_or(""));
            let other = SigningKey::new(Secrets {
                consumer_secret: c.cs.as_bytes(),
                token_secret: Some(other_ts.as_bytes()),
            });
            Signed::parse(&req, &policy, &mut [Param::EMPTY; 64])
                .and_then(|s| oauth1_sig::verify(&other, 0, &s, &policy).map(|_| ()))
        } else {
            let tampered_url = if c.url.contains('?') {
                format!("{}&zz=1", c.url)
            } else {
                format!("{}?zz=1", c.url)
            };
            let tampered = Request {
                url: tampered_url.as_bytes(),
                ..req
            };
            Signed::parse(&tampered, &policy, &mut [Param::EMPTY; 64])
                .and_then(|s| oauth1_sig::verify(&key, 0, &s, &policy).map(|_| ()))
        };
        if verdict != Err(Error::InvalidSignature) {
            problems.push(format!(
                "changed request or key still verifies: {verdict:?}"
            ));
        }
        checks += 3;
        if !problems.is_empty() {
            failures.push(format!(
                "{} {} body {:?} ({}):\n  {}",
                c.method,
                c.url,
                c.body,
                c.sm.name(),
                problems.join("\n  ")
            ));
        }
    }
    println!(
        "oauth1-sig oracle: {} requests signed by oauthlib, {checks} checks, seed {}",
        cases.len(),
        rng.seed()
    );
    assert_agreement(
        "requests disagree with oauthlib",
        &failures,
        cases.len(),
        rng.seed(),
    );
}
