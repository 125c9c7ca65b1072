//! The debugging subcommands: each reads its inputs, runs the library's steps and reports
//! what WordPress would decide, and where it fails.

use serde_json::json;
use wp_hash::{SaltSource as _, Scheme, wp_salt};

use crate::input::{Site, now, random, secret, secret_str};
use crate::{
    AppPasswordCommand, BasicCommand, CookieCommand, Failure, NonceArgs, NonceCommand,
    OAuth1Command, OAuth1Params, OAuth1Request, OAuth1Secrets, PasswordCommand, Report, SaltsArgs,
};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Where one half of a salt came from: the first candidate whose bytes are the very bytes
/// `wp_salt()` picked.
fn origin(site: &Site, half: &[u8], constants: &[&str], option: &str) -> serde_json::Value {
    let same = |v: Option<&[u8]>| v.is_some_and(|v| core::ptr::eq(v, half));
    for (i, name) in constants.iter().enumerate() {
        if same(site.constant(name)) {
            let line = site.config.line(name);
            return json!({ "from": if i == 0 { "constant" } else { "fallback" }, "name": name, "line": line });
        }
    }
    if same(site.site_option(option)) {
        return json!({ "from": "option", "name": option });
    }
    json!({ "from": "derived" })
}

fn describe(o: &serde_json::Value) -> String {
    let name = o["name"].as_str().unwrap_or("");
    match (o["from"].as_str(), o["line"].as_u64()) {
        (Some("constant"), Some(line)) => format!("constant {name} (line {line})"),
        (Some("fallback"), Some(line)) => format!("fallback to constant {name} (line {line})"),
        (Some("option"), _) => format!("site option {name}"),
        (Some(from), _) => format!("{from} {name}"),
        (None, _) => String::new(),
    }
}

pub(crate) fn salts(a: &SaltsArgs) -> Result<Report, Failure> {
    let site = Site::load(&a.site)?;
    let schemes: [(Scheme<'_>, [&str; 3], [&str; 2]); 4] = [
        (
            Scheme::Auth,
            ["AUTH_KEY", "SECRET_KEY", "auth_key"],
            ["AUTH_SALT", "SECRET_SALT"],
        ),
        (
            Scheme::SecureAuth,
            ["SECURE_AUTH_KEY", "SECRET_KEY", "secure_auth_key"],
            ["SECURE_AUTH_SALT", ""],
        ),
        (
            Scheme::LoggedIn,
            ["LOGGED_IN_KEY", "SECRET_KEY", "logged_in_key"],
            ["LOGGED_IN_SALT", ""],
        ),
        (
            Scheme::Nonce,
            ["NONCE_KEY", "SECRET_KEY", "nonce_key"],
            ["NONCE_SALT", ""],
        ),
    ];
    let mut lines = Vec::new();
    let mut report = serde_json::Map::new();
    let mut all = true;
    for (scheme, [key_c, secret_c, key_o], [salt_c, secret_salt_c]) in schemes {
        let name = text(scheme.name());
        let salt_o = key_o.replace("_key", "_salt");
        match wp_salt(&site, scheme) {
            Ok(salt) => {
                let (key, salt_half) = salt.halves();
                let k = origin(&site, key, &[key_c, secret_c], key_o);
                let s = origin(&site, salt_half, &[salt_c, secret_salt_c], &salt_o);
                let mut line = format!(
                    "{name}: key from {}, salt from {}",
                    describe(&k),
                    describe(&s)
                );
                let value = a.show.then(|| text(key) + &text(salt_half));
                if let Some(v) = &value {
                    line += &format!("\n  value {v}");
                }
                let entry = json!({ "key": k, "salt": s, "value": value });
                report.insert(name, entry);
                lines.push(line);
            }
            Err(_) => {
                all = false;
                report.insert(name.clone(), json!({ "missing": [key_o, salt_o] }));
                lines.push(format!(
                    "{name}: WordPress would generate it and store site options {key_o} / {salt_o}: pass them with --site-options"
                ));
            }
        }
    }
    if let Err(e) = site.config.check_salts() {
        lines.push(format!("warning: {}: {e}", a.site.wp_config.display()));
        report.insert("warning".into(), json!(e.to_string()));
    }
    let json = serde_json::Value::Object(report);
    Ok(if all {
        Report::accepted(lines.join("\n"), json)
    } else {
        Report::rejected(lines.join("\n"), json)
    })
}

fn nonce_inputs(
    a: &NonceArgs,
) -> Result<(wp_nonce::NonceKey, Vec<u8>, wp_nonce::Lifetime), Failure> {
    let site = Site::load(&a.site)?;
    let key = wp_nonce::NonceKey::from_source(&site)
        .map_err(|e| Failure(format!("{}: {e}", a.site.wp_config.display())))?;
    let token = match &a.token_file {
        Some(p) => secret(p)?,
        None => Vec::new(),
    };
    let life = wp_nonce::Lifetime::new(a.life)
        .ok_or_else(|| Failure("--life: must be at least 1 second".into()))?;
    Ok((key, token, life))
}

pub(crate) fn nonce(c: &NonceCommand) -> Result<Report, Failure> {
    match c {
        NonceCommand::Create(a) => {
            let (key, token, life) = nonce_inputs(a)?;
            let ctx = wp_nonce::Context::new(a.action.as_str(), a.user_id, &token).with_life(life);
            let n = wp_nonce::create(&key, now(a.now), &ctx);
            Ok(Report::accepted(n.as_str(), json!({ "nonce": n.as_str() })))
        }
        NonceCommand::Verify { args: a, nonce } => {
            let (key, token, life) = nonce_inputs(a)?;
            let ctx = wp_nonce::Context::new(a.action.as_str(), a.user_id, &token).with_life(life);
            Ok(
                match wp_nonce::verify(&key, now(a.now), &ctx, nonce.as_bytes()) {
                    Ok(age) => Report::accepted(
                        format!("valid: wp_verify_nonce() returns {}", age.wp_value()),
                        json!({ "valid": true, "wp_verify_nonce": age.wp_value() }),
                    ),
                    Err(e) => Report::rejected(
                        format!("invalid: {e} ({})", e.code()),
                        json!({ "valid": false, "code": e.code() }),
                    ),
                },
            )
        }
    }
}

/// A cookie value as sent (URL-encoded) or already decoded.
fn cookie_value(raw: &[u8]) -> Result<Vec<u8>, Failure> {
    let mut buf = vec![0u8; raw.len()];
    let value = wp_php::cookie::decode_value(raw, &mut buf)
        .map_err(|e| Failure(format!("the cookie value cannot be decoded: {e}")))?;
    Ok(value.to_vec())
}

fn cookie_fail(step: &str, e: wp_cookie::Error) -> Report {
    Report::rejected(
        format!("rejected at {step}: {e} (auth_cookie_{})", e.code()),
        json!({ "valid": false, "step": step, "code": e.code() }),
    )
}

pub(crate) fn cookie(c: &CookieCommand) -> Result<Report, Failure> {
    match c {
        CookieCommand::Generate {
            site,
            scheme,
            login,
            user_pass_file,
            token_file,
            expiration,
            siteurl,
            wp_version,
        } => {
            let s = Site::load(site)?;
            let key = wp_cookie::CookieKey::from_source(scheme.wp(), &s)
                .map_err(|e| Failure(format!("{}: {e}", site.wp_config.display())))?;
            let user_pass = secret(user_pass_file)?;
            let token = secret(token_file)?;
            let cookie = wp_cookie::generate(
                &key,
                login.as_bytes(),
                &user_pass,
                *expiration,
                &token,
                wp_version.wp(),
            );
            let value = text(&cookie.to_vec());
            let name = siteurl.as_ref().map(|u| {
                let names = wp_cookie::site::CookieNames::new(u.as_bytes());
                match scheme {
                    crate::CookieScheme::Auth => names.auth().to_string(),
                    crate::CookieScheme::SecureAuth => names.secure_auth().to_string(),
                    crate::CookieScheme::LoggedIn => names.logged_in().to_string(),
                }
            });
            let line = name
                .as_ref()
                .map_or_else(|| value.clone(), |n| format!("{n}={value}"));
            Ok(Report::accepted(
                line,
                json!({ "name": name, "value": value }),
            ))
        }
        CookieCommand::Inspect {
            cookie_file,
            now: t,
        } => {
            let value = cookie_value(&secret(cookie_file)?)?;
            let parsed = match wp_cookie::parse(&value) {
                Ok(p) => p,
                Err(e) => return Ok(cookie_fail("parse", e)),
            };
            let fields = json!({
                "login": text(parsed.login),
                "expiration": text(parsed.expiration),
                "token_length": parsed.token.len(),
                "hmac_length": parsed.hmac.len(),
            });
            let described = format!(
                "login {:?}, expiration {}, token of {} bytes, MAC of {} bytes",
                text(parsed.login),
                text(parsed.expiration),
                parsed.token.len(),
                parsed.hmac.len()
            );
            let opts = wp_cookie::Options::default();
            Ok(match parsed.check_expiry(now(*t), &opts) {
                Ok(_) => Report::accepted(
                    format!("{described}; not expired"),
                    json!({ "fields": fields, "expired": false }),
                ),
                Err(e) => Report::rejected(
                    format!("{described}; rejected at expiry: {e}"),
                    json!({ "fields": fields, "expired": true, "code": e.code() }),
                ),
            })
        }
        CookieCommand::Validate {
            site,
            scheme,
            cookie_file,
            user_id,
            user_pass_file,
            session_tokens_file,
            now: t,
            wp_version,
        } => {
            let s = Site::load(site)?;
            let key = wp_cookie::CookieKey::from_source(scheme.wp(), &s)
                .map_err(|e| Failure(format!("{}: {e}", site.wp_config.display())))?;
            let value = cookie_value(&secret(cookie_file)?)?;
            let user_pass = secret(user_pass_file)?;
            let sessions = session_tokens_file
                .as_ref()
                .map(|p| secret(p))
                .transpose()?;
            let now = now(*t);
            let opts = wp_cookie::Options {
                grace_period: false,
                version: wp_version.wp(),
            };
            let parsed = match wp_cookie::parse(&value) {
                Ok(p) => p,
                Err(e) => return Ok(cookie_fail("parse", e)),
            };
            let unexpired = match parsed.check_expiry(now, &opts) {
                Ok(u) => u,
                Err(e) => return Ok(cookie_fail("expiry", e)),
            };
            let user = wp_cookie::User {
                user_id: *user_id,
                user_pass: &user_pass,
            };
            let authentic = match wp_cookie::verify_mac(&key, &unexpired, &user) {
                Ok(a) => a,
                Err(e) => return Ok(cookie_fail("mac", e)),
            };
            let Some(meta) = sessions else {
                return Ok(Report::accepted(
                    "MAC valid; session not checked (pass --session-tokens-file)",
                    json!({ "valid": true, "session_checked": false, "user_id": user_id }),
                ));
            };
            let meta = wp_cookie::session::SessionMeta::parse(&meta).map_err(|e| {
                Failure(format!(
                    "{}: {e}",
                    session_tokens_file
                        .as_ref()
                        .map_or_else(String::new, |p| p.display().to_string())
                ))
            })?;
            let expiration = meta.expiration(authentic.verifier());
            Ok(match authentic.check_session(now, expiration) {
                Ok(_) => Report::accepted(
                    format!("valid: user {user_id}, session found"),
                    json!({ "valid": true, "session_checked": true, "user_id": user_id }),
                ),
                Err(e) => cookie_fail("session", e),
            })
        }
    }
}

/// The protocol parameters in the header's syntax, without the signature.
fn oauth1_params(p: &OAuth1Params) -> Result<String, Failure> {
    let nonce = match &p.nonce {
        Some(n) => n.clone(),
        None => random::<16>()?.iter().map(|b| format!("{b:02x}")).collect(),
    };
    let mut out = String::new();
    let mut add = |name: &str, value: &str| {
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(name);
        out.push_str("=\"");
        oauth1_sig::encode::encode_to(value.as_bytes(), |b| {
            out.push_str(core::str::from_utf8(b).unwrap_or_default());
        });
        out.push('"');
    };
    add("oauth_consumer_key", &p.consumer_key);
    if let Some(t) = &p.token {
        add("oauth_token", t);
    }
    add("oauth_signature_method", &p.signature_method);
    add("oauth_timestamp", &now(p.timestamp).to_string());
    add("oauth_nonce", &nonce);
    add("oauth_version", "1.0");
    Ok(out)
}

/// Runs `f` on the plugin's reading of the request.
fn with_signed<T>(
    r: &OAuth1Request,
    authorization: &[u8],
    f: impl FnOnce(&wp_oauth1::Signed<'_>) -> T,
) -> Result<T, Failure> {
    let body = r.form_file.as_ref().map(|p| secret(p)).transpose()?;
    let req = oauth1_sig::Request {
        method: r.method.as_bytes(),
        url: r.url.as_bytes(),
        authorization: Some(authorization),
        content_type: body
            .as_ref()
            .map(|_| b"application/x-www-form-urlencoded".as_slice()),
        body: body.as_deref().unwrap_or_default(),
    };
    let site = wp_oauth1::Site {
        home: r.home.as_bytes(),
        is_ssl: r.https,
    };
    let (entries, bytes) = wp_oauth1::buffers_for(&req);
    let mut entries = vec![wp_oauth1::Entry::EMPTY; entries];
    let mut bytes = vec![0u8; bytes];
    let signed = wp_oauth1::collect(&req, &site, &mut entries, &mut bytes)
        .map_err(|e| Failure(format!("the request cannot be read: {e}")))?;
    Ok(f(&signed))
}

fn oauth1_secrets(s: &OAuth1Secrets) -> Result<(Vec<u8>, Option<Vec<u8>>), Failure> {
    Ok((
        secret(&s.consumer_secret_file)?,
        s.token_secret_file
            .as_ref()
            .map(|p| secret(p))
            .transpose()?,
    ))
}

pub(crate) fn oauth1(c: &OAuth1Command) -> Result<Report, Failure> {
    match c {
        OAuth1Command::Sign {
            request,
            params,
            secrets,
        } => {
            let method = oauth1_sig::Method::from_name(params.signature_method.as_bytes())
                .ok_or_else(|| {
                    Failure("--signature-method: HMAC-SHA1, HMAC-SHA256 or PLAINTEXT".into())
                })?;
            let unsigned = oauth1_params(params)?;
            let (cs, ts) = oauth1_secrets(secrets)?;
            let keys = oauth1_sig::Secrets {
                consumer_secret: &cs,
                token_secret: ts.as_deref(),
            };
            let sig = with_signed(request, format!("OAuth {unsigned}").as_bytes(), |s| {
                wp_oauth1::sign(&keys, method, s)
            })?;
            let mut encoded = String::new();
            oauth1_sig::encode::encode_to(sig.as_bytes(), |b| {
                encoded.push_str(core::str::from_utf8(b).unwrap_or_default());
            });
            let header = format!("OAuth {unsigned}, oauth_signature=\"{encoded}\"");
            Ok(Report::accepted(
                header.clone(),
                json!({ "authorization": header }),
            ))
        }
        OAuth1Command::BaseString { request, params } => {
            let unsigned = oauth1_params(params)?;
            let base = with_signed(request, format!("OAuth {unsigned}").as_bytes(), |s| {
                let mut out = Vec::new();
                s.write_base_string(|b| out.extend_from_slice(b));
                out
            })?;
            let base = text(&base);
            Ok(Report::accepted(
                base.clone(),
                json!({ "base_string": base }),
            ))
        }
        OAuth1Command::Verify {
            request,
            authorization_file,
            secrets,
            now: t,
            window,
        } => {
            let authorization = secret(authorization_file)?;
            let (cs, ts) = oauth1_secrets(secrets)?;
            let keys = oauth1_sig::Secrets {
                consumer_secret: &cs,
                token_secret: ts.as_deref(),
            };
            let now = now(*t);
            let verdict = with_signed(request, &authorization, |s| {
                wp_oauth1::verify(&keys, now, s, *window)
            })?;
            Ok(match verdict {
                Ok(()) => Report::accepted(
                    "valid: signature and timestamp accepted (record the nonce to refuse replays)",
                    json!({ "valid": true }),
                ),
                Err(e) => Report::rejected(
                    format!("invalid: {} ({})", e.message(), e.code()),
                    json!({ "valid": false, "code": e.code(), "status": e.status() }),
                ),
            })
        }
    }
}

pub(crate) fn basic(c: &BasicCommand) -> Result<Report, Failure> {
    match c {
        BasicCommand::Parse { header_file, show } => {
            let value = secret(header_file)?;
            let mut buf = vec![0u8; value.len()];
            Ok(match http_basic::parse(&value, &mut buf) {
                Ok(creds) => {
                    let password = if *show { creds.password } else { "[redacted]" };
                    Report::accepted(
                        format!("user {:?}, password {password}", creds.login),
                        json!({ "valid": true, "user": creds.login, "password": password }),
                    )
                }
                Err(e) => Report::rejected(
                    format!("invalid: {e} ({})", e.code()),
                    json!({ "valid": false, "code": e.code() }),
                ),
            })
        }
        BasicCommand::Encode {
            user,
            password_file,
        } => {
            let password = secret_str(password_file)?;
            let mut out = vec![0u8; 6 + 4 * (user.len() + password.len() + 3).div_ceil(3) + 4];
            let header = http_basic::encode(user, &password, &mut out)
                .map_err(|e| Failure(format!("--user / --password-file: {e}")))?;
            Ok(Report::accepted(header, json!({ "authorization": header })))
        }
    }
}

pub(crate) fn password(c: &PasswordCommand) -> Result<Report, Failure> {
    match c {
        PasswordCommand::Check {
            password_file,
            hash_file,
            wp_version,
        } => {
            let password = secret(password_file)?;
            let stored = secret(hash_file)?;
            Ok(
                match wp_password::verify(&password, &stored, wp_version.wp()) {
                    Ok(()) => Report::accepted(
                        format!(
                            "match ({})",
                            wp_password::Branch::of(&password, &stored).name()
                        ),
                        json!({ "valid": true, "branch": wp_password::Branch::of(&password, &stored).name() }),
                    ),
                    Err(e) => Report::rejected(
                        format!("no match: {e} ({})", e.code()),
                        json!({ "valid": false, "code": e.code() }),
                    ),
                },
            )
        }
        PasswordCommand::Hash {
            password_file,
            cost,
            wp_version,
        } => {
            let password = secret(password_file)?;
            let hash = match wp_version.wp() {
                wp_hash::WpVersion::Wp61 => {
                    text(&wp_password::hash_password_phpass(&password, random()?)?)
                }
                _ => text(&wp_password::hash_password(&password, random()?, *cost)?),
            };
            Ok(Report::accepted(hash.clone(), json!({ "hash": hash })))
        }
    }
}

pub(crate) fn app_password(c: &AppPasswordCommand) -> Result<Report, Failure> {
    match c {
        AppPasswordCommand::Generate { wp_version } => {
            let mut fill_error = None;
            let pw = wp_password::app::AppPassword::generate(|buf| {
                if let Err(e) = getrandom::fill(buf) {
                    fill_error = Some(e);
                }
            });
            if let Some(e) = fill_error {
                return Err(Failure(format!("no random bytes: {e}")));
            }
            let mut chunked = [0u8; wp_password::app::CHUNKED_LEN];
            let shown = wp_password::app::chunk(pw.as_bytes(), &mut chunked)
                .unwrap_or_default()
                .to_owned();
            let hash = match wp_version.wp() {
                wp_hash::WpVersion::Wp61 => text(&wp_password::hash_password_phpass(
                    pw.as_bytes(),
                    random()?,
                )?),
                _ => text(&wp_password::fast_hash(pw.as_bytes())),
            };
            let uuid = text(&wp_password::app::uuid4(random()?));
            Ok(Report::accepted(
                format!("password {shown}\nuuid {uuid}\nstored hash {hash}"),
                json!({ "password": shown, "uuid": uuid, "hash": hash }),
            ))
        }
        AppPasswordCommand::Check {
            password_file,
            hash_file,
            meta_file,
            wp_version,
        } => {
            let supplied = secret(password_file)?;
            let mut normalized = [0u8; 4096];
            let normalized = wp_password::app::normalize(&supplied, &mut normalized)
                .ok_or_else(|| Failure(format!("{}: too long", password_file.display())))?;
            let version = wp_version.wp();
            if let Some(path) = hash_file {
                let stored = secret(path)?;
                return Ok(if wp_password::app::check(normalized, &stored, version) {
                    Report::accepted("match", json!({ "valid": true }))
                } else {
                    Report::rejected("no match", json!({ "valid": false }))
                });
            }
            let Some(path) = meta_file else {
                return Err(Failure("give --hash-file or --meta-file".into()));
            };
            let rows = wp_auth::AppPasswordRow::from_meta(&secret(path)?)
                .map_err(|e| Failure(format!("{}: {e}", path.display())))?;
            let found = rows
                .iter()
                .find(|r| wp_password::app::check(normalized, r.password.as_bytes(), version));
            Ok(match found {
                Some(r) => {
                    let uuid = text(&r.uuid);
                    Report::accepted(
                        format!("match: {uuid}"),
                        json!({ "valid": true, "uuid": uuid }),
                    )
                }
                None => Report::rejected(
                    format!("no match among {} records", rows.len()),
                    json!({ "valid": false, "records": rows.len() }),
                ),
            })
        }
    }
}
