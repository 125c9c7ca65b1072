//! The debugging subcommands, the real binary: outputs against WordPress's own values (the
//! golden vectors) or the library, `--json`, exit codes (0 accepted, 1 rejected, 2 usage or
//! configuration) and errors that name the file, line or field at fault.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?} / {:?}", self.stdout, self.stderr))
    }
}

fn wp_auth(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wp-auth"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).trim_end().to_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Self {
        let d = std::env::temp_dir().join(format!("wp-auth-cli-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        Self(d)
    }

    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_owned()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A wp-config.php with every salt `fake NAME`, but for the overrides.
fn config(dir: &Dir, overrides: &[(&str, &str)]) -> String {
    let mut php = String::from("<?php\n// a comment line\n");
    for name in wp_auth::config::SALT_CONSTANTS {
        let value = overrides
            .iter()
            .find(|(n, _)| *n == name)
            .map_or_else(|| format!("fake {name}"), |(_, v)| (*v).to_owned());
        php += &format!("define( '{name}', '{value}' );\n");
    }
    dir.file("wp-config.php", php.as_bytes())
}

#[test]
fn help_lists_every_subcommand() {
    let r = wp_auth(&["--help"], b"");
    assert_eq!(r.code, Some(0));
    for sub in [
        "proxy",
        "salts",
        "nonce",
        "cookie",
        "oauth1",
        "basic",
        "password",
        "app-password",
    ] {
        assert!(r.stdout.contains(sub), "{sub} missing from --help");
    }
    assert_eq!(
        wp_auth(&["nonce"], b"").code,
        Some(2),
        "a missing subcommand is usage"
    );
    assert_eq!(
        wp_auth(&["salts"], b"").code,
        Some(2),
        "a missing option is usage"
    );
}

#[test]
fn salts_say_where_each_comes_from() {
    let dir = Dir::new("salts");
    let cfg = config(&dir, &[]);
    let r = wp_auth(&["salts", "--wp-config", &cfg], b"");
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout.contains(
            "auth: key from constant AUTH_KEY (line 3), salt from constant AUTH_SALT (line 7)"
        ),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("fake"),
        "values are redacted without --show"
    );
    let shown = wp_auth(&["--json", "salts", "--wp-config", &cfg, "--show"], b"").json();
    assert_eq!(shown["nonce"]["value"], "fake NONCE_KEYfake NONCE_SALT");

    // The placeholder falls back as wp_salt() does: to an option WordPress generated.
    let cfg = config(&dir, &[("LOGGED_IN_KEY", "put your unique phrase here")]);
    let r = wp_auth(&["--json", "salts", "--wp-config", &cfg], b"");
    assert_eq!(r.code, Some(1));
    assert_eq!(r.json()["logged_in"]["missing"][0], "logged_in_key");
    let options = dir.file("options.json", br#"{"logged_in_key": "from the database"}"#);
    let r = wp_auth(
        &[
            "--json",
            "salts",
            "--wp-config",
            &cfg,
            "--site-options",
            &options,
        ],
        b"",
    );
    assert_eq!(r.code, Some(0));
    let j = r.json();
    assert_eq!(j["logged_in"]["key"]["from"], "option");
    assert_eq!(j["logged_in"]["key"]["name"], "logged_in_key");
    assert!(j["warning"].as_str().unwrap().contains("LOGGED_IN_KEY"));

    // Broken input: the file and line at fault.
    let broken = dir.file(
        "broken.php",
        b"<?php\n\ndefine('AUTH_KEY', 'unterminated);\n",
    );
    let r = wp_auth(&["salts", "--wp-config", &broken], b"");
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.contains("broken.php") && r.stderr.contains("line 3"),
        "{}",
        r.stderr
    );
    let r = wp_auth(&["salts", "--wp-config", "/nonexistent/wp-config.php"], b"");
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.contains("/nonexistent/wp-config.php"),
        "{}",
        r.stderr
    );
    let bad_options = dir.file("bad.json", br#"{"auth_key": 1}"#);
    let r = wp_auth(
        &["salts", "--wp-config", &cfg, "--site-options", &bad_options],
        b"",
    );
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.contains("option \"auth_key\" is not a string"),
        "{}",
        r.stderr
    );
}

#[test]
fn nonces_as_wordpress_makes_them() {
    let dir = Dir::new("nonce");
    // The README's vector: WordPress prints 0369716812 for these inputs.
    let cfg = config(
        &dir,
        &[("NONCE_KEY", "nonce-key"), ("NONCE_SALT", "nonce-salt")],
    );
    let common = [
        "--wp-config",
        &cfg,
        "--user-id",
        "1",
        "--token-file",
        "-",
        "--now",
        "1700000000",
    ];
    let create = wp_auth(&[&["nonce", "create"][..], &common].concat(), b"TOKEN\n");
    assert_eq!(
        (create.code, create.stdout.as_str()),
        (Some(0), "0369716812")
    );
    let verify = |nonce: &str, now: &str| {
        let mut args = vec!["--json", "nonce", "verify", "--nonce", nonce];
        args.extend_from_slice(&common[..6]);
        args.extend_from_slice(&["--now", now]);
        wp_auth(&args, b"TOKEN")
    };
    let ok = verify("0369716812", "1700000000");
    assert_eq!(ok.code, Some(0));
    assert_eq!(ok.json()["wp_verify_nonce"], 1);
    // The next tick (ticks are half a day): the previous tick.
    assert_eq!(
        verify("0369716812", "1700010000").json()["wp_verify_nonce"],
        2
    );
    let bad = verify("0369716813", "1700000000");
    assert_eq!(bad.code, Some(1));
    assert_eq!(bad.json()["code"], "invalid");
}

#[test]
fn cookies_generate_validate_and_say_which_step_fails() {
    let dir = Dir::new("cookie");
    let cfg = config(&dir, &[]);
    let user_pass = dir.file("user_pass", b"$P$BabcdefghijklmnopqrstuvwxyzABCD\n");
    let token = dir.file("token", b"sessiontoken");
    let generated = wp_auth(
        &[
            "--json",
            "cookie",
            "generate",
            "--wp-config",
            &cfg,
            "--login",
            "admin",
            "--user-pass-file",
            &user_pass,
            "--token-file",
            &token,
            "--expiration",
            "1700086400",
            "--siteurl",
            "https://example.com",
        ],
        b"",
    )
    .json();
    // The library's value (checked against WordPress's PHP by its own tests).
    let keys = wp_auth::Keys::from_source(&wp_testkit::fixtures::FakeSalts).unwrap();
    let expected = wp_cookie::generate(
        &keys.logged_in,
        b"admin",
        b"$P$BabcdefghijklmnopqrstuvwxyzABCD",
        1_700_086_400,
        b"sessiontoken",
        wp_auth::WpVersion::Wp68,
    );
    assert_eq!(
        generated["value"],
        String::from_utf8(expected.to_vec()).unwrap()
    );
    assert_eq!(
        generated["name"],
        "wordpress_logged_in_c984d06aafbecf6bc55569f964148ea3"
    );
    let value = generated["value"].as_str().unwrap();
    // As a browser sends it.
    let cookie = dir.file("cookie", value.replace('|', "%7C").as_bytes());
    let mut sessions = wp_cookie::session::SessionTokens::new();
    sessions.create(
        1_700_000_000,
        b"sessiontoken",
        1_700_086_400,
        b"127.0.0.1",
        b"ua",
    );
    let meta = dir.file("sessions", &sessions.to_php().serialize());
    let validate = |cookie: &str, now: &str, user_pass: &str| {
        wp_auth(
            &[
                "--json",
                "cookie",
                "validate",
                "--wp-config",
                &cfg,
                "--cookie-file",
                cookie,
                "--user-id",
                "1",
                "--user-pass-file",
                user_pass,
                "--session-tokens-file",
                &meta,
                "--now",
                now,
            ],
            b"",
        )
    };
    let ok = validate(&cookie, "1700000000", &user_pass);
    assert_eq!(ok.code, Some(0), "{}", ok.stdout);
    assert_eq!(ok.json()["session_checked"], true);
    let expired = validate(&cookie, "1800000000", &user_pass);
    assert_eq!(
        (expired.code, expired.json()["step"].clone()),
        (Some(1), "expiry".into())
    );
    let changed = dir.file("changed", b"$P$Bchangedpasswordchangedpassword");
    let bad = validate(&cookie, "1700000000", &changed);
    assert_eq!(bad.json()["step"], "mac");
    assert_eq!(bad.json()["code"], "bad_hash");
    let junk = dir.file("junk", b"not|a cookie");
    assert_eq!(
        validate(&junk, "1700000000", &user_pass).json()["step"],
        "parse"
    );

    let inspect = wp_auth(
        &[
            "--json",
            "cookie",
            "inspect",
            "--cookie-file",
            &cookie,
            "--now",
            "1700000000",
        ],
        b"",
    );
    assert_eq!(inspect.code, Some(0));
    assert_eq!(inspect.json()["fields"]["login"], "admin");
    assert_eq!(inspect.json()["fields"]["expiration"], "1700086400");
}

#[test]
fn oauth1_sign_then_verify() {
    let dir = Dir::new("oauth1");
    let cs = dir.file("cs", b"consumer-secret");
    let ts = dir.file("ts", b"token-secret");
    let request = [
        "--home",
        "https://example.com",
        "--url",
        "/wp-json/wp/v2/posts?per_page=5",
    ];
    let params = [
        "--consumer-key",
        "ck",
        "--token",
        "tk",
        "--timestamp",
        "1700000000",
        "--nonce",
        "abc",
    ];
    let signed = wp_auth(
        &[
            &["oauth1", "sign"][..],
            &request,
            &params,
            &["--consumer-secret-file", &cs, "--token-secret-file", &ts],
        ]
        .concat(),
        b"",
    );
    assert_eq!(signed.code, Some(0), "{}", signed.stderr);
    // The plugin's own signature of the same request.
    let expected = wp_testkit::fixtures::oauth1_plugin_header(
        b"https://example.com",
        b"/wp-json/wp/v2/posts?per_page=5",
        "oauth_consumer_key=\"ck\", oauth_token=\"tk\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1700000000\", oauth_nonce=\"abc\", oauth_version=\"1.0\"",
        b"consumer-secret",
        b"token-secret",
    );
    assert_eq!(signed.stdout.as_bytes(), expected.as_slice());

    let base = wp_auth(
        &[&["oauth1", "base-string"][..], &request, &params].concat(),
        b"",
    );
    assert_eq!(
        base.stdout,
        "GET&https%3A%2F%2Fexample.com%2Fwp-json%2Fwp%2Fv2%2Fposts&oauth_consumer_key%3Dck%26oauth_nonce%3Dabc%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1700000000%26oauth_token%3Dtk%26oauth_version%3D1.0%26per_page%3D5"
    );

    let header = dir.file("authorization", signed.stdout.as_bytes());
    let verify = |now: &str, cs: &str| {
        wp_auth(
            &[
                &["--json", "oauth1", "verify"][..],
                &request,
                &[
                    "--authorization-file",
                    &header,
                    "--consumer-secret-file",
                    cs,
                    "--token-secret-file",
                    &ts,
                    "--now",
                    now,
                ],
            ]
            .concat(),
            b"",
        )
    };
    assert_eq!(verify("1700000100", &cs).code, Some(0));
    let late = verify("1700001000", &cs);
    assert_eq!(
        (late.code, late.json()["code"].clone()),
        (Some(1), "json_oauth1_invalid_timestamp".into())
    );
    let wrong = dir.file("wrong", b"other-secret");
    assert_eq!(
        verify("1700000100", &wrong).json()["code"],
        "json_oauth1_signature_mismatch"
    );
}

#[test]
fn basic_parse_and_encode() {
    let dir = Dir::new("basic");
    // RFC 7617's example.
    let r = wp_auth(
        &["--json", "basic", "parse"],
        b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\n",
    );
    assert_eq!(r.code, Some(0));
    assert_eq!(r.json()["user"], "Aladdin");
    assert_eq!(r.json()["password"], "[redacted]");
    let shown = wp_auth(
        &["--json", "basic", "parse", "--show"],
        b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
    );
    assert_eq!(shown.json()["password"], "open sesame");
    let bad = wp_auth(
        &["--json", "basic", "parse"],
        b"Basic QWxh*GRpbjpvcGVuIHNlc2FtZQ==",
    );
    assert_eq!(bad.code, Some(1));
    assert!(bad.json()["code"].is_string());
    let pw = dir.file("pw", b"open sesame\n");
    let enc = wp_auth(
        &[
            "basic",
            "encode",
            "--user",
            "Aladdin",
            "--password-file",
            &pw,
        ],
        b"",
    );
    assert_eq!(enc.stdout, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    let missing = wp_auth(
        &[
            "basic",
            "encode",
            "--user",
            "a",
            "--password-file",
            "/nonexistent",
        ],
        b"",
    );
    assert_eq!(missing.code, Some(2));
    assert!(missing.stderr.contains("/nonexistent"));
}

#[test]
fn passwords_hash_and_check() {
    let dir = Dir::new("password");
    let pw = dir.file("pw", b"correct horse\n");
    for version in ["6.8", "6.1"] {
        let hash = wp_auth(
            &[
                "password",
                "hash",
                "--password-file",
                &pw,
                "--cost",
                "4",
                "--wp-version",
                version,
            ],
            b"",
        );
        assert_eq!(hash.code, Some(0));
        let prefix = if version == "6.8" {
            "$wp$2y$04$"
        } else {
            "$P$B"
        };
        assert!(hash.stdout.starts_with(prefix), "{}", hash.stdout);
        assert_eq!(
            wp_password::verify(
                b"correct horse",
                hash.stdout.as_bytes(),
                wp_auth::WpVersion::Wp68
            ),
            Ok(())
        );
        let stored = dir.file("hash", hash.stdout.as_bytes());
        let check = |pw_file: &str| {
            wp_auth(
                &[
                    "--json",
                    "password",
                    "check",
                    "--password-file",
                    pw_file,
                    "--hash-file",
                    &stored,
                ],
                b"",
            )
        };
        assert_eq!(check(&pw).code, Some(0));
        let wrong = dir.file("wrong", b"battery staple");
        let r = check(&wrong);
        assert_eq!(
            (r.code, r.json()["code"].clone()),
            (Some(1), "incorrect_password".into())
        );
    }
}

#[test]
fn application_passwords_generate_and_check() {
    let dir = Dir::new("app");
    let generated = wp_auth(&["--json", "app-password", "generate"], b"").json();
    let shown = generated["password"].as_str().unwrap();
    assert_eq!(shown.len(), 29);
    assert_eq!(shown.split(' ').count(), 6);
    let hash = generated["hash"].as_str().unwrap();
    assert!(hash.starts_with("$generic$"), "{hash}");
    let uuid = generated["uuid"].as_str().unwrap();
    assert_eq!(uuid.len(), 36);
    let pw = dir.file("pw", shown.as_bytes());
    let stored = dir.file("hash", hash.as_bytes());
    let by_hash = wp_auth(
        &[
            "app-password",
            "check",
            "--password-file",
            &pw,
            "--hash-file",
            &stored,
        ],
        b"",
    );
    assert_eq!(by_hash.code, Some(0));
    // The user meta as WordPress stores it.
    let s = |v: &str| format!("s:{}:\"{v}\";", v.len());
    let meta = format!(
        "a:1:{{i:0;a:2:{{{}{}{}{}}}}}",
        s("uuid"),
        s(uuid),
        s("password"),
        s(hash)
    );
    let meta = dir.file("meta", meta.as_bytes());
    let r = wp_auth(
        &[
            "--json",
            "app-password",
            "check",
            "--password-file",
            &pw,
            "--meta-file",
            &meta,
        ],
        b"",
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.json()["uuid"], uuid);
    let wrong = dir.file("wrong", b"abcd abcd abcd abcd abcd abcd");
    let r = wp_auth(
        &[
            "app-password",
            "check",
            "--password-file",
            &wrong,
            "--meta-file",
            &meta,
        ],
        b"",
    );
    assert_eq!(r.code, Some(1));
    let junk = dir.file("junk", b"a:1:{");
    let r = wp_auth(
        &[
            "app-password",
            "check",
            "--password-file",
            &pw,
            "--meta-file",
            &junk,
        ],
        b"",
    );
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("junk"), "{}", r.stderr);
    let _ = Path::new(&junk);
}

#[test]
fn jwt_mint_verify_inspect() {
    let dir = Dir::new("jwt");
    let cfg = dir.file(
        "wp-config.php",
        b"<?php\ndefine( 'JWT_AUTH_SECRET_KEY', 'pub-jwt-secret-3f9a6c1e8b2d4f70a5c9e1b3d7f2a6c8' );\n",
    );
    let site = [
        "--wp-config",
        &cfg,
        "--home",
        "https://blog.example.com",
        "--https",
        "--now",
        "1767225600",
    ];
    // The shared vectors' tokens, as each plugin's PHP minted them.
    let tm = wp_auth(
        &[
            &["jwt", "mint", "--plugin", "tmeister", "--user-id", "1"][..],
            &site,
        ]
        .concat(),
        b"",
    );
    assert_eq!(
        tm.stdout,
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJodHRwczovL2Jsb2cuZXhhbXBsZS5jb20iLCJpYXQiOjE3NjcyMjU2MDAsIm5iZiI6MTc2NzIyNTYwMCwiZXhwIjoxNzY3ODMwNDAwLCJkYXRhIjp7InVzZXIiOnsiaWQiOiIxIn19fQ.mLeaPAsC-cHShQlx1-OGeREhfa8VghFlD5f81iq0o2s"
    );
    let pass = dir.file("pass", b"728d7ff1314fd311c49432acd52d0a4e\n");
    let ut = wp_auth(
        &[
            &[
                "jwt",
                "mint",
                "--plugin",
                "usefulteam",
                "--user-id",
                "7",
                "--device",
                "Work Laptop!",
                "--pass-file",
                &pass,
            ][..],
            &site,
        ]
        .concat(),
        b"",
    );
    assert_eq!(
        ut.stdout,
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJodHRwczovL2Jsb2cuZXhhbXBsZS5jb20iLCJpYXQiOjE3NjcyMjU2MDAsIm5iZiI6MTc2NzIyNTYwMCwiZXhwIjoxNzY3MjI2MjAwLCJkYXRhIjp7InVzZXIiOnsiaWQiOjcsImRldmljZSI6IldvcmsgTGFwdG9wIiwicGFzcyI6IjcyOGQ3ZmYxMzE0ZmQzMTFjNDk0MzJhY2Q1MmQwYTRlIn19fQ.FEM62i1Qr7POujXVXISkvh8IHxAcvzivCl1JHU8MWPE"
    );

    let token = dir.file("token", tm.stdout.as_bytes());
    let verify = |now: &str, extra: &[&str]| {
        let mut args = vec![
            "--json",
            "jwt",
            "verify",
            "--plugin",
            "tmeister",
            "--token-file",
            &token,
        ];
        args.extend_from_slice(&site[..5]);
        args.extend_from_slice(&["--now", now]);
        args.extend_from_slice(extra);
        wp_auth(&args, b"")
    };
    let ok = verify("1767225700", &[]);
    assert_eq!(ok.code, Some(0), "{}", ok.stderr);
    assert_eq!(ok.json()["user_id"], "1");
    assert_eq!(ok.json()["middleware"]["outcome"], "user");
    let expired = verify("1867225700", &[]);
    assert_eq!(expired.code, Some(1));
    assert_eq!(expired.json()["code"], "jwt_auth_invalid_token");
    assert_eq!(expired.json()["message"], "Expired token");
    assert_eq!(expired.json()["status"], 403);

    // Useful Team needs the user: the store file carries its pass and devices.
    let store = dir.file(
        "store.json",
        br#"{"users":[{"id":7,"login":"editor","jwt_auth_pass":"728d7ff1314fd311c49432acd52d0a4e","jwt_auth_device":["Work Laptop"]}]}"#,
    );
    let ut_token = dir.file("ut-token", ut.stdout.as_bytes());
    let mut args = vec![
        "--json",
        "jwt",
        "verify",
        "--plugin",
        "usefulteam",
        "--token-file",
        &ut_token,
    ];
    args.extend_from_slice(&site);
    let without = wp_auth(&args, b"");
    assert_eq!(
        (without.code, without.json()["code"].clone()),
        (Some(1), "jwt_auth_user_not_found".into())
    );
    args.extend_from_slice(&["--store", &store]);
    let with = wp_auth(&args, b"");
    assert_eq!(with.code, Some(0), "{}", with.stdout);
    assert_eq!(with.json()["user_id"], 7);

    let inspect = wp_auth(&["--json", "jwt", "inspect", "--token-file", &token], b"");
    assert_eq!(inspect.json()["header"]["alg"], "HS256");
    assert_eq!(inspect.json()["payload"]["data"]["user"]["id"], "1");

    // No secret in wp-config.php: a configuration error naming the file.
    let empty = dir.file("empty.php", b"<?php\n");
    let r = wp_auth(
        &[
            "jwt",
            "mint",
            "--plugin",
            "tmeister",
            "--user-id",
            "1",
            "--wp-config",
            &empty,
            "--home",
            "https://x",
        ],
        b"",
    );
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.contains("empty.php") && r.stderr.contains("JWT_AUTH_SECRET_KEY"),
        "{}",
        r.stderr
    );
}
