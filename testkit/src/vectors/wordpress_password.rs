//! `wordpress/password_hash.json` (check / hash_password / phpass_crypt) and
//! `wordpress/app_password.json` (format / chunk / basic_auth_header / rest_basic_auth /
//! fast_hash / generated).
//!
//! Random-salt samples are verified, never compared; shapes the vectors give as regular
//! expressions are checked by hand for the hashes this crate produces.

use serde_json::{Value, json};
use wp_password::app::{self, Account, Accounts, Item, Outcome, Server, Site, Value as PhpValue};
use wp_password::{Branch, WpVersion, bcrypt, phpass};

use super::{Diff, bytes};

fn s(v: &Value, field: &str) -> Result<String, String> {
    v.get(field)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("missing string `{field}`"))
}

/// Room for `app::populate`'s decoded header: never more than the header itself.
fn populate_room(server: &Server<'_>) -> usize {
    server
        .http_authorization
        .or(server.redirect_http_authorization)
        .map_or(0, <[u8]>::len)
}

fn compat(version: &str) -> WpVersion {
    if version == "wp_6_1" {
        WpVersion::Wp61
    } else {
        WpVersion::Wp68
    }
}

/// `password_hash.json`.
pub(crate) fn password_hash(case: &Value) -> Result<(), String> {
    let inputs = case.get("inputs").ok_or("no inputs")?;
    match case.get("kind").and_then(Value::as_str) {
        Some("check") => check(case, inputs),
        Some("hash_password") => hash_password(inputs, case.get("expected").ok_or("no expected")?),
        Some("phpass_crypt") => {
            let expected = case.get("expected").ok_or("no expected")?;
            let out = phpass::crypt_private(
                bytes(inputs, "password")?,
                bytes(inputs, "setting")?,
                &wp_password::Limits::PHP,
            )
            .map_err(|e| format!("crypt_private: {e}"))?;
            let mut diff = Diff::default();
            diff.eq(
                "output",
                s(expected, "output")?,
                String::from_utf8_lossy(out.as_bytes()).into_owned(),
            );
            if let Some(details) = case.get("details") {
                // A hash starts with its setting; a failure marker says nothing of it.
                let described = match out {
                    phpass::Crypt::Hash(_) => out.as_bytes(),
                    phpass::Crypt::Failed(_) => bytes(inputs, "setting")?,
                };
                phpass_details(&mut diff, details, described);
            }
            diff.finish(expected)
        }
        other => Err(format!("unknown kind {other:?}")),
    }
}

/// The parts of a phpass setting or hash as phpass reads them by position, valid or not (a
/// malformed setting is what makes `crypt_private` answer `*0`): every field `details` states
/// is compared, and an unknown one fails the case.
fn phpass_details(diff: &mut Diff, details: &Value, hash: &[u8]) {
    let text = |r: core::ops::Range<usize>| {
        let end = r.end.min(hash.len());
        String::from_utf8_lossy(hash.get(r.start.min(end)..end).unwrap_or_default()).into_owned()
    };
    let count_log2 = hash
        .get(3)
        .and_then(|c| phpass::ITOA64.iter().position(|a| a == c))
        .map(|p| p as u64);
    let got = json!({
        "id": text(0..3),
        "count_char": text(3..4),
        "count_log2": count_log2,
        "iterations": count_log2.filter(|&c| c < 64).map(|c| 1u64 << c),
        "salt": text(4..12),
        "checksum": text(12..hash.len()),
    });
    for (k, want) in details.as_object().into_iter().flatten() {
        match got.get(k) {
            Some(v) => diff.eq(&format!("details.{k}"), Some(want), Some(v)),
            None => diff.fail(&format!("details.{k} is not checked by this runner")),
        }
    }
}

fn check(case: &Value, inputs: &Value) -> Result<(), String> {
    let hash = bytes(inputs, "hash")?;
    let optional = case.get("optional").and_then(Value::as_bool) == Some(true);
    if optional && !wp_password::crypt::Scheme::of(hash).supported() {
        return Err("optional format not enabled in this build".into());
    }
    let mut diff = Diff::default();
    if let Some(details) = case.get("details") {
        if details.get("count_log2").is_some() {
            phpass_details(&mut diff, details, hash);
        } else if let Some(cost) = details.get("cost").and_then(Value::as_u64) {
            let inner = if details.get("prefix").and_then(Value::as_str) == Some("$wp") {
                hash.get(3..).unwrap_or_default()
            } else {
                hash
            };
            match bcrypt::Setting::parse(inner) {
                Ok(b) => diff.eq("details.cost", cost, u64::from(b.cost)),
                Err(e) => diff.fail(&format!("bcrypt setting does not parse: {e}")),
            }
            if let Some(pre) = details
                .get("prehash_of_trimmed_password")
                .and_then(Value::as_str)
            {
                let pw = wp_php::trim(bytes(inputs, "password")?);
                diff.eq(
                    "details.prehash_of_trimmed_password",
                    pre.as_bytes(),
                    &wp_password::prehash(pw)[..],
                );
            }
        }
    }
    for (i, v) in case
        .get("verify")
        .and_then(Value::as_array)
        .ok_or("no verify list")?
        .iter()
        .enumerate()
    {
        let pw = bytes(v, "password")?;
        for version in ["wp_6_1", "wp_6_8"] {
            let want = v.get(version).and_then(Value::as_bool);
            let got = wp_password::verify(pw, hash, compat(version)).is_ok();
            diff.eq(&format!("verify[{i}].{version}"), want, Some(got));
        }
        diff.eq(
            &format!("verify[{i}].wp_6_8_branch"),
            v.get("wp_6_8_branch").and_then(Value::as_str),
            Some(Branch::of(pw, hash).name()),
        );
    }
    diff.finish(&Value::Null)
}

fn is_itoa64(b: &u8) -> bool {
    phpass::ITOA64.contains(b)
}

fn hash_password(inputs: &Value, expected: &Value) -> Result<(), String> {
    let pw = bytes(inputs, "password")?;
    // Both versions hash the trimmed password and check without trimming.
    let trimmed = wp_php::trim(pw);
    let mut diff = Diff::default();
    diff.eq(
        "wp_6_8_prehash",
        bytes(expected, "wp_6_8_prehash")?,
        &wp_password::prehash(trimmed)[..],
    );
    // The samples verify (or are `*`, which ours must then also refuse to produce); ours have
    // the shapes of `^\$P\$B[./0-9A-Za-z]{30}$` and `^\$wp\$2y\$[0-9]{2}\$[./A-Za-z0-9]{53}$`
    // and verify too.
    let ours61 = wp_password::hash_password_phpass(pw, [1, 2, 3, 4, 5, 6]);
    let ours68 = wp_password::hash_password(pw, [9; 16], 5);
    for (version, ours) in [
        ("wp_6_1", ours61.map(|h| h.to_vec())),
        ("wp_6_8", ours68.map(|h| h.to_vec())),
    ] {
        let sample = bytes(expected, &format!("{version}_sample"))?;
        let c = compat(version);
        if sample == b"*" {
            diff.eq(
                &format!("{version}_sample"),
                Err(wp_password::Error::TooLong),
                ours.map(|_| ()),
            );
            diff.eq(&format!("{version}_pattern"), true, true);
            continue;
        }
        diff.eq(
            &format!("{version}_sample"),
            true,
            wp_password::verify(trimmed, sample, c).is_ok(),
        );
        let shape = match (&ours, version) {
            (Ok(h), "wp_6_1") => {
                h.starts_with(b"$P$B") && h.len() == 34 && h[4..].iter().all(is_itoa64)
            }
            (Ok(h), _) => {
                h.starts_with(b"$wp$2y$05$") && h.len() == 63 && h[10..].iter().all(is_itoa64)
            }
            (Err(_), _) => false,
        };
        let ok = ours
            .as_ref()
            .is_ok_and(|h| wp_password::verify(trimmed, h, c).is_ok());
        diff.eq(&format!("{version}_pattern"), (true, true), (shape, ok));
    }
    diff.eq("note", expected.get("note").is_some(), true);
    diff.finish(expected)
}

/// `app_password.json`.
pub(crate) fn app_password(case: &Value) -> Result<(), String> {
    let inputs = case.get("inputs").ok_or("no inputs")?;
    let expected = case.get("expected").ok_or("no expected")?;
    match case.get("kind").and_then(Value::as_str) {
        Some("format") => format(inputs, expected),
        Some("chunk") => {
            let mut diff = Diff::default();
            let raw = bytes(inputs, "raw")?;
            let mut out = vec![0; app::chunked_capacity(raw.len())];
            diff.eq(
                "chunked",
                Some(s(expected, "chunked")?.as_str()),
                app::chunk(raw, &mut out),
            );
            diff.finish(expected)
        }
        Some("basic_auth_header") => {
            let server = inputs.get("server").ok_or("no server")?;
            let mut diff = Diff::default();
            for version in ["wp_6_1", "wp_6_8"] {
                let srv = server_of(server);
                let mut buf = vec![0; populate_room(&srv)];
                let p = app::populate(&srv, compat(version), &mut buf)
                    .map_err(|e| format!("populate: {e}"))?;
                let mut got = json!({
                    "PHP_AUTH_USER": php_json(p.user),
                    "PHP_AUTH_PW": php_json(p.password),
                });
                if version == "wp_6_1" {
                    // 6.1's `list($user, $pass) = explode(':', …)` warns when there is no colon.
                    let notice = p.password == PhpValue::Null;
                    got["php_notices"] = if notice {
                        json!(["Undefined array key 1"])
                    } else {
                        json!([])
                    };
                }
                diff.eq(version, expected.get(version), Some(&got));
            }
            diff.finish(expected)
        }
        Some("rest_basic_auth") => rest_basic_auth(inputs, expected),
        Some("fast_hash") => {
            let mut diff = Diff::default();
            let m = bytes(inputs, "message")?;
            diff.eq(
                "hash",
                bytes(expected, "hash")?,
                &wp_password::fast_hash(m)[..],
            );
            for (i, v) in expected
                .get("verify")
                .and_then(Value::as_array)
                .ok_or("no verify")?
                .iter()
                .enumerate()
            {
                let got =
                    wp_password::verify_fast_hash(bytes(v, "message")?, bytes(v, "hash")?).is_ok();
                diff.eq(
                    &format!("verify[{i}]"),
                    v.get("expected").and_then(Value::as_bool),
                    Some(got),
                );
            }
            diff.eq("verify", true, true);
            diff.finish(expected)
        }
        Some("generated") => generated(inputs, expected),
        other => Err(format!("unknown kind {other:?}")),
    }
}

fn format(inputs: &Value, expected: &Value) -> Result<(), String> {
    let pw = bytes(inputs, "password")?;
    let mut diff = Diff::default();
    let mut out = [0u8; app::CHUNKED_LEN];
    diff.eq(
        "chunked",
        Some(s(expected, "chunked")?.as_str()),
        app::chunk(pw, &mut out),
    );
    let h61 = bytes(expected, "stored_hash_wp_6_1")?;
    let h68 = bytes(expected, "stored_hash_wp_6_8")?;
    diff.eq(
        "stored_hash_wp_6_1",
        true,
        app::check(pw, h61, WpVersion::Wp61),
    );
    diff.eq("stored_hash_wp_6_8", h68, &wp_password::fast_hash(pw)[..]);
    for (i, c) in expected
        .get("checks")
        .and_then(Value::as_array)
        .ok_or("no checks")?
        .iter()
        .enumerate()
    {
        let supplied = bytes(c, "supplied")?;
        let mut buf = vec![0; supplied.len()];
        diff.eq(
            &format!("checks[{i}].normalised"),
            Some(bytes(c, "normalised")?),
            app::normalize(supplied, &mut buf),
        );
        for (version, hash) in [("wp_6_1", h61), ("wp_6_8", h68)] {
            let item = item_with(hash);
            let got = app::find(&[item], supplied, compat(version)).is_some();
            diff.eq(
                &format!("checks[{i}].{version}"),
                c.get(version).and_then(Value::as_bool),
                Some(got),
            );
        }
    }
    diff.eq("checks", true, true);
    diff.finish(expected)
}

fn item_with(hash: &[u8]) -> Item<'_> {
    Item {
        uuid: "",
        app_id: "",
        name: "",
        password: hash,
        created: 0,
        last_used: None,
        last_ip: None,
    }
}

fn generated(inputs: &Value, expected: &Value) -> Result<(), String> {
    let mut diff = Diff::default();
    let sample = bytes(expected, "new_password_sample")?;
    let mut out = [0u8; app::CHUNKED_LEN];
    diff.eq(
        "chunked",
        Some(s(expected, "chunked")?.as_str()),
        app::chunk(sample, &mut out),
    );
    let stored = expected.get("stored_item_wp_6_1").ok_or("no stored item")?;
    let mut item_ok = app::check(sample, bytes(stored, "password")?, WpVersion::Wp61);
    // `name` went through `sanitize_text_field()`, which the crate does not reproduce.
    item_ok &= stored.get("app_id") == inputs.get("app_id");
    item_ok &= stored.get("created") == inputs.get("time");
    item_ok &= stored.get("last_used") == Some(&Value::Null);
    item_ok &= stored.get("last_ip") == Some(&Value::Null);
    diff.eq("stored_item_wp_6_1", true, item_ok);
    diff.eq("check", expected.get("check"), Some(&json!(item_ok)));
    diff.eq(
        "stored_hash_wp_6_8_for_sample",
        bytes(expected, "stored_hash_wp_6_8_for_sample")?,
        &wp_password::fast_hash(sample)[..],
    );
    // The pattern `^[A-Za-z0-9]{24}$`: the sample and one of ours.
    let mut counter = 0u8;
    let ours = app::AppPassword::generate(|buf| {
        for b in buf {
            counter = counter.wrapping_add(97);
            *b = counter;
        }
    });
    let alnum24 = |p: &[u8]| p.len() == 24 && p.iter().all(u8::is_ascii_alphanumeric);
    diff.eq(
        "password_pattern",
        (true, true),
        (alnum24(sample), alnum24(ours.as_str().as_bytes())),
    );
    diff.eq("new_password_sample", true, alnum24(sample));
    // UUIDs: the samples and ours match `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`.
    let uuid_shape = |u: &[u8]| {
        u.len() == 36
            && u.iter().enumerate().all(|(i, b)| match i {
                8 | 13 | 18 | 23 => *b == b'-',
                14 => *b == b'4',
                19 => b"89ab".contains(b),
                _ => b.is_ascii_digit() || (b'a'..=b'f').contains(b),
            })
    };
    let samples_ok = expected
        .get("uuid_samples")
        .and_then(Value::as_array)
        .is_some_and(|a| {
            !a.is_empty()
                && a.iter()
                    .all(|u| u.as_str().is_some_and(|u| uuid_shape(u.as_bytes())))
        });
    diff.eq("uuid_samples", true, samples_ok);
    diff.eq(
        "uuid_pattern",
        true,
        uuid_shape(&app::uuid4([0xff; 16])) && uuid_shape(&app::uuid4([0; 16])),
    );
    diff.finish(expected)
}

fn opt_bytes<'a>(v: &'a Value, field: &str) -> Option<&'a [u8]> {
    v.get(field).and_then(Value::as_str).map(str::as_bytes)
}

fn server_of(server: &Value) -> Server<'_> {
    Server {
        http_authorization: opt_bytes(server, "HTTP_AUTHORIZATION"),
        redirect_http_authorization: opt_bytes(server, "REDIRECT_HTTP_AUTHORIZATION"),
        php_auth_user: opt_bytes(server, "PHP_AUTH_USER"),
        php_auth_pw: opt_bytes(server, "PHP_AUTH_PW"),
    }
}

fn php_json(v: PhpValue<'_>) -> Value {
    match v {
        PhpValue::Unset => json!("(unset)"),
        PhpValue::Null => Value::Null,
        PhpValue::Str(s) => json!(String::from_utf8_lossy(s)),
    }
}

struct OneUser<'a> {
    login: &'a [u8],
    email: &'a [u8],
    account: Account<'a>,
}

impl Accounts for OneUser<'_> {
    fn by_login(&self, login: &[u8]) -> Option<Account<'_>> {
        (login == self.login).then_some(self.account)
    }
    fn by_email(&self, email: &[u8]) -> Option<Account<'_>> {
        (email == self.email).then_some(self.account)
    }
}

fn rest_basic_auth(inputs: &Value, expected: &Value) -> Result<(), String> {
    let user = inputs.get("user").ok_or("no user")?;
    let server = inputs.get("server").ok_or("no server")?;
    let filters = inputs.get("filters").ok_or("no filters")?;
    let time = inputs
        .get("time")
        .and_then(Value::as_u64)
        .ok_or("no time")?;
    let items: Vec<Item<'_>> = inputs
        .get("application_passwords")
        .and_then(Value::as_array)
        .ok_or("no application_passwords")?
        .iter()
        .map(|it| {
            Ok(Item {
                uuid: it.get("uuid").and_then(Value::as_str).unwrap_or(""),
                app_id: it.get("app_id").and_then(Value::as_str).unwrap_or(""),
                name: it.get("name").and_then(Value::as_str).unwrap_or(""),
                password: bytes(it, "password")?,
                created: it.get("created").and_then(Value::as_i64).unwrap_or(0),
                last_used: it.get("last_used").and_then(Value::as_i64),
                last_ip: it.get("last_ip").and_then(Value::as_str),
            })
        })
        .collect::<Result<_, String>>()?;
    let users = OneUser {
        login: bytes(user, "user_login")?,
        email: bytes(user, "user_email")?,
        account: Account {
            user_id: user.get("ID").and_then(Value::as_u64).ok_or("no ID")?,
            available: filters
                .get("wp_is_application_passwords_available_for_user")
                .and_then(Value::as_bool)
                .unwrap_or(true),
            items: &items,
        },
    };
    let env = opt_bytes(inputs, "WP_ENVIRONMENT_TYPE").unwrap_or(b"production");
    let site = Site {
        in_use: inputs
            .get("using_application_passwords")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        api_request: filters
            .get("application_password_is_api_request")
            .and_then(Value::as_bool)
            .unwrap_or(true),
        available: app::available(
            wp_php::is_ssl(opt_bytes(server, "HTTPS"), opt_bytes(server, "SERVER_PORT")),
            env,
        ),
    };
    let remote = server.get("REMOTE_ADDR").and_then(Value::as_str);
    let mut diff = Diff::default();
    for version in ["wp_6_1", "wp_6_8"] {
        let srv = server_of(server);
        let mut buf = vec![0; populate_room(&srv)];
        let populated =
            app::populate(&srv, compat(version), &mut buf).map_err(|e| format!("populate: {e}"))?;
        let outcome = app::authenticate(
            &site,
            time,
            &users,
            populated.credentials(),
            compat(version),
        );
        let mut got = match outcome {
            Outcome::NotApplicable => json!({
                "user_id": false, "rest_auth_error": null,
                "app_password_uuid": null, "usage_recorded": null,
            }),
            Outcome::Failed(e) => json!({
                "user_id": false,
                "rest_auth_error": {"code": e.code(), "message": e.message(), "status": e.status()},
                "app_password_uuid": null, "usage_recorded": null,
            }),
            Outcome::Authenticated(a) => {
                let item = items.get(a.item).ok_or("item index out of range")?;
                let usage = if a.record_usage {
                    json!({"uuid": item.uuid, "last_used": time, "last_ip": remote})
                } else {
                    json!({"uuid": item.uuid, "last_used": item.last_used, "last_ip": item.last_ip})
                };
                json!({
                    "user_id": a.user_id, "rest_auth_error": true,
                    "app_password_uuid": item.uuid, "usage_recorded": usage,
                })
            }
        };
        if version == "wp_6_1" {
            got["md5_rehash_requested_for"] = match outcome {
                Outcome::Authenticated(a) if a.md5_rehash => json!([a.user_id]),
                _ => json!([]),
            };
        }
        diff.eq(version, expected.get(version), Some(&got));
    }
    diff.finish(expected)
}
