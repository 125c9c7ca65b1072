//! `wordpress/auth_cookie.json`: generate/validate (both versions), cookie names, the
//! `Set-Cookie` lines of a login, and PHP's reading of a `Cookie:` header.

use serde_json::{Map, Value, json};
use wp_cookie::session::{Php, SessionMeta};
use wp_cookie::site::{AuthKeys, CookieNames, Login, Paths, set_auth_cookies};
use wp_cookie::{
    CookieKey, Options, Scheme, User, UserStore, Verifier, WpVersion, pass_frag, validate,
};

use super::wordpress_hash::Config;
use super::wordpress_session::php_from_json;
use super::{Diff, bytes, uint};

const VERSIONS: [(&str, WpVersion); 2] = [("wp_6_1", WpVersion::Wp61), ("wp_6_8", WpVersion::Wp68)];

pub(crate) fn check(case: &Value) -> Result<(), String> {
    let inputs = case.get("inputs").ok_or("no `inputs`")?;
    let expected = case.get("expected").ok_or("no `expected`")?;
    match case.get("kind").and_then(Value::as_str) {
        Some("generate_validate") => generate_validate(case, inputs, expected),
        Some("cookie_names") => {
            let mut diff = Diff::default();
            constants(&mut diff, inputs, expected, "")?;
            diff.finish(expected)
        }
        Some("set_auth_cookie") => set_cookie(inputs, expected),
        Some("cookie_header") => cookie_header(inputs, expected),
        other => Err(format!("unknown case kind {other:?}")),
    }
}

/// The key of any scheme name, through `wp_salt()`'s rules (the salts, and site options
/// when the case gives them).
fn key(inputs: &Value, scheme: &Value) -> Result<CookieKey, String> {
    let name = scheme.as_str().ok_or("scheme is not a string")?;
    let config = Config::new(inputs.get("salts"), inputs.get("options"));
    CookieKey::from_source_named(name.as_bytes(), &config).map_err(|e| e.to_string())
}

/// One user and that user's stored sessions (as the PHP-serialised meta WordPress keeps).
struct Store {
    id: u64,
    login: Vec<u8>,
    user_pass: Vec<u8>,
    exists: bool,
    meta: Vec<u8>,
}

impl UserStore for Store {
    fn user_by_login(&self, login: &[u8]) -> Option<User<'_>> {
        (self.exists && login == self.login).then_some(User {
            user_id: self.id,
            user_pass: &self.user_pass,
        })
    }

    fn session_expiration(&self, user_id: u64, verifier: &Verifier) -> Option<i64> {
        if user_id != self.id {
            return None;
        }
        SessionMeta::parse(&self.meta).ok()?.expiration(verifier)
    }
}

fn user(inputs: &Value) -> Result<(u64, Vec<u8>, Vec<u8>), String> {
    let u = inputs.get("user").ok_or("no user")?;
    Ok((
        uint(u, "ID")?,
        bytes(u, "user_login")?.to_vec(),
        bytes(u, "user_pass")?.to_vec(),
    ))
}

fn outcome(r: Result<wp_cookie::Valid, wp_cookie::Error>) -> Value {
    match r {
        Ok(v) => {
            json!({"result": v.user_id, "reason": "valid", "login_grace_period": v.grace_period_used})
        }
        Err(e) => json!({"result": false, "reason": e.code(), "login_grace_period": false}),
    }
}

fn generate_validate(case: &Value, inputs: &Value, expected: &Value) -> Result<(), String> {
    let (id, login, user_pass) = user(inputs)?;
    let key = key(inputs, inputs.get("scheme").ok_or("no scheme")?)?;
    let expiration = uint(inputs, "expiration")?;
    let token = bytes(inputs, "token")?;
    let mut diff = Diff::default();
    for (version, compat) in VERSIONS {
        let want = expected.get(version).ok_or("missing version")?;
        let frag = pass_frag(&user_pass, compat);
        let exp = expiration.to_string();
        let cookie = wp_cookie::generate(&key, &login, &user_pass, expiration, token, compat);
        let got = json!({
            "pass_frag": String::from_utf8_lossy(frag),
            "hmac_key": key.hmac_key(&login, frag, exp.as_bytes(), token).as_str(),
            "hmac": cookie.mac().as_str(),
            "cookie": String::from_utf8_lossy(&cookie.to_vec()),
        });
        diff.eq(version, want, &got);
    }
    let checks = case
        .get("validate")
        .and_then(Value::as_array)
        .ok_or("no validate list")?;
    for (i, v) in checks.iter().enumerate() {
        let meta = php_from_json(v.get("session_tokens_meta").unwrap_or(&Value::Null));
        let store = Store {
            id,
            login: login.clone(),
            user_pass: match v.get("user_pass_now") {
                Some(p) => p.as_str().ok_or("user_pass_now")?.as_bytes().to_vec(),
                None => user_pass.clone(),
            },
            exists: v
                .get("user_exists")
                .and_then(Value::as_bool)
                .unwrap_or(true),
            meta: meta.serialize(),
        };
        let key = self::key(inputs, v.get("scheme").ok_or("no scheme")?)?;
        let method = v
            .get("request_method")
            .and_then(Value::as_str)
            .unwrap_or("GET");
        let ajax = v
            .get("doing_ajax")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let want = v.get("expected").ok_or("validate entry without expected")?;
        for (version, compat) in VERSIONS {
            let now = uint(v, "time")?;
            let opts = Options {
                grace_period: method == "POST" || ajax,
                version: compat,
            };
            let got = outcome(validate(&key, now, bytes(v, "cookie")?, &opts, &store));
            diff.eq(
                &format!("validate[{i}].{version}"),
                want.get(version),
                Some(&got),
            );
        }
    }
    diff.finish(expected)
}

/// The `wp_cookie_constants()` values under `prefix` (`""` or `cookie_constants`).
fn constants(
    diff: &mut Diff,
    inputs: &Value,
    expected: &Value,
    within: &str,
) -> Result<(), String> {
    let want = if within.is_empty() {
        expected
    } else {
        expected.get(within).ok_or("no cookie constants")?
    };
    let siteurl = bytes(inputs, "siteurl")?;
    let home = bytes(inputs, "home")?;
    let names = CookieNames::new(siteurl);
    let paths = Paths::new(siteurl, home);
    let got = json!({
        "COOKIEHASH": names.hash(),
        "USER_COOKIE": names.user().to_string(),
        "PASS_COOKIE": names.pass().to_string(),
        "AUTH_COOKIE": names.auth().to_string(),
        "SECURE_AUTH_COOKIE": names.secure_auth().to_string(),
        "LOGGED_IN_COOKIE": names.logged_in().to_string(),
        "TEST_COOKIE": CookieNames::TEST,
        "RECOVERY_MODE_COOKIE": names.recovery_mode().to_string(),
        "COOKIEPATH": paths.cookie_path().to_string(),
        "SITECOOKIEPATH": paths.site_cookie_path().to_string(),
        "ADMIN_COOKIE_PATH": paths.admin_cookie_path().to_string(),
        "PLUGINS_COOKIE_PATH": paths.plugins_cookie_path().to_string(),
        "COOKIE_DOMAIN": false,
    });
    if within.is_empty() {
        for (k, v) in got.as_object().into_iter().flatten() {
            diff.eq(k, want.get(k), Some(v));
        }
    } else {
        diff.eq(within, want, &got);
    }
    Ok(())
}

fn set_cookie(inputs: &Value, expected: &Value) -> Result<(), String> {
    let (_, login, user_pass) = user(inputs)?;
    let config = Config::new(inputs.get("salts"), None);
    let k = |s| CookieKey::from_source(s, &config).map_err(|e| e.to_string());
    let keys = AuthKeys {
        auth: k(Scheme::Auth)?,
        secure_auth: k(Scheme::SecureAuth)?,
        logged_in: k(Scheme::LoggedIn)?,
    };
    let siteurl = bytes(inputs, "siteurl")?;
    let names = CookieNames::new(siteurl);
    let paths = Paths::new(siteurl, bytes(inputs, "home")?);
    let https = inputs
        .get("https")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    // `$secure = ''` (the default) means "the request is HTTPS".
    let secure = match inputs.get("secure_arg") {
        Some(Value::Bool(b)) => *b,
        _ => https,
    };
    let now = uint(inputs, "time")?;
    let set = set_auth_cookies(
        &keys,
        now,
        &names,
        &paths,
        &Login {
            login: &login,
            user_pass: &user_pass,
            token: bytes(inputs, "token")?,
            remember: inputs
                .get("remember")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            secure,
            // The lines were recorded from WordPress 6.1.9.
            version: WpVersion::Wp61,
        },
    );
    let mut diff = Diff::default();
    let headers: Vec<Value> = set
        .iter()
        .map(|c| Value::String(format!("Set-Cookie: {c}")))
        .collect();
    let cookie_expires = set.iter().next().map_or(0, |c| c.expires);
    diff.eq(
        "expiration",
        expected.get("expiration").and_then(Value::as_u64),
        Some(set.expiration),
    );
    diff.eq(
        "cookie_expires",
        expected.get("cookie_expires").and_then(Value::as_u64),
        Some(cookie_expires),
    );
    diff.eq(
        "set_cookie_headers",
        expected.get("set_cookie_headers"),
        Some(&Value::Array(headers)),
    );
    let with_home = json!({"siteurl": inputs.get("siteurl"), "home": inputs.get("home")});
    constants(&mut diff, &with_home, expected, "cookie_constants")?;
    diff.finish(expected)
}

fn cookie_header(inputs: &Value, expected: &Value) -> Result<(), String> {
    let header_bytes = bytes(inputs, "cookie_header")?;
    let mut diff = Diff::default();

    // $_COOKIE as PHP builds it: first occurrence wins.
    let mut php_cookies = Map::new();
    for (raw_name, raw_value) in wp_php::cookie::pairs(header_bytes) {
        let Some(name) = wp_php::cookie::php_name(raw_name) else {
            continue;
        };
        let name = String::from_utf8_lossy(&name.collect::<Vec<u8>>()).into_owned();
        if php_cookies.contains_key(&name) {
            continue;
        }
        let mut buf = vec![0u8; raw_value.len()];
        let value = wp_php::cookie::decode_value(raw_value, &mut buf).map_err(|e| e.to_string())?;
        php_cookies.insert(
            name,
            Value::String(String::from_utf8_lossy(value).into_owned()),
        );
    }
    diff.eq(
        "php_cookie_array",
        expected.get("php_cookie_array"),
        Some(&Value::Object(php_cookies)),
    );

    let scheme_name = inputs.get("scheme").ok_or("no scheme")?;
    let key = key(inputs, scheme_name)?;
    let names = CookieNames::new(bytes(inputs, "siteurl")?);
    let cookie_scheme = key.scheme().ok_or("cookie_header needs a cookie scheme")?;
    let raw = names
        .for_scheme(cookie_scheme)
        .find_in(header_bytes)
        .unwrap_or_default();
    let mut buf = vec![0u8; raw.len()];
    let value = wp_php::cookie::decode_value(raw, &mut buf).map_err(|e| e.to_string())?;
    let parsed = wp_cookie::parse(value).ok().map(|p| {
        let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        json!({
            "username": s(p.login),
            "expiration": s(p.expiration),
            "token": s(p.token),
            "hmac": s(p.hmac),
            "scheme": cookie_scheme.name(),
        })
    });
    diff.eq("parsed", expected.get("parsed"), parsed.as_ref());

    let (id, login, user_pass) = user(inputs)?;
    let token = bytes(inputs, "session_token")?;
    let session = Php::Array(vec![(
        Php::Str(Verifier::of(token).hex().as_bytes().to_vec()),
        Php::Array(vec![(
            Php::Str(b"expiration".to_vec()),
            Php::Int(i64::try_from(uint(inputs, "session_expiration")?).unwrap_or(i64::MAX)),
        )]),
    )]);
    let store = Store {
        id,
        login,
        user_pass,
        exists: true,
        meta: session.serialize(),
    };
    let now = uint(inputs, "time")?;
    let opts = Options {
        grace_period: false,
        version: WpVersion::Wp61,
    };
    let mut got = outcome(validate(&key, now, value, &opts, &store));
    if let Some(o) = got.as_object_mut() {
        o.remove("login_grace_period");
    }
    diff.eq("validate", expected.get("validate"), Some(&got));
    diff.finish(expected)
}
