//! `wp-auth jwt`: the JWT plugins' tokens.

use serde_json::{Value, json};
use wp_jwt::{Config, Middleware, Profile, Request, Users, Validation};

use crate::input::{secret, secret_str};
use crate::{Failure, JwtCommand, JwtPlugin, JwtSite, Report};

/// The secret, from `JWT_AUTH_SECRET_KEY` in wp-config.php.
fn jwt_secret(site: &JwtSite) -> Result<Option<Vec<u8>>, Failure> {
    let path = &site.wp_config;
    let php = std::fs::read(path).map_err(|e| Failure(format!("{}: {e}", path.display())))?;
    let config = wp_auth::config::WpConfig::parse(&php)
        .map_err(|e| Failure(format!("{}: {e}", path.display())))?;
    Ok(config.get("JWT_AUTH_SECRET_KEY").map(<[u8]>::to_vec))
}

pub(crate) fn profile(p: JwtPlugin) -> Profile {
    match p {
        JwtPlugin::Tmeister => Profile::Tmeister,
        JwtPlugin::Usefulteam => Profile::UsefulTeam,
    }
}

fn now(site: &JwtSite) -> i64 {
    site.now
        .unwrap_or_else(|| i64::try_from(wp_auth::unix_now()).unwrap_or(i64::MAX))
}

/// The store file's users as the plugins look them up.
#[derive(Default)]
struct StoreUsers(Vec<(u64, String, Option<String>, Vec<String>)>);

impl StoreUsers {
    fn load(path: &std::path::Path) -> Result<Self, Failure> {
        let doc: Value = serde_json::from_slice(&secret(path)?)
            .map_err(|e| Failure(format!("{}: {e}", path.display())))?;
        let mut users = Vec::new();
        for (i, u) in doc
            .get("users")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let id = u
                .get("id")
                .unwrap_or(&Value::Null)
                .as_u64()
                .ok_or_else(|| {
                    Failure(format!(
                        "{}.users[{i}].id: expected a non-negative integer",
                        path.display()
                    ))
                })?;
            users.push((
                id,
                u.get("login")
                    .unwrap_or(&Value::Null)
                    .as_str()
                    .unwrap_or("")
                    .to_owned(),
                u.get("jwt_auth_pass")
                    .unwrap_or(&Value::Null)
                    .as_str()
                    .map(str::to_owned),
                u["jwt_auth_device"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
            ));
        }
        Ok(Self(users))
    }
}

impl Users for StoreUsers {
    fn exists(&self, id: u64) -> bool {
        self.0.iter().any(|u| u.0 == id)
    }

    fn id_by_login(&self, login: &[u8]) -> Option<u64> {
        self.0.iter().find(|u| u.1.as_bytes() == login).map(|u| u.0)
    }

    fn jwt_auth_pass(&self, id: u64) -> Option<&[u8]> {
        self.0
            .iter()
            .find(|u| u.0 == id)
            .and_then(|u| u.2.as_deref())
            .map(str::as_bytes)
    }

    fn has_device(&self, id: u64, device: &[u8]) -> bool {
        self.0
            .iter()
            .find(|u| u.0 == id)
            .is_some_and(|u| u.3.iter().any(|d| d.as_bytes() == device))
    }
}

/// A claim value as JSON.
fn json_of(v: &wp_jwt::Value<'_>) -> Value {
    match *v {
        wp_jwt::Value::Null => Value::Null,
        wp_jwt::Value::Bool(b) => json!(b),
        wp_jwt::Value::Int(i) => json!(i),
        wp_jwt::Value::Float(f) => json!(f),
        wp_jwt::Value::Str(_) | wp_jwt::Value::BigInt(_) => {
            let bytes: Vec<u8> = v.string().map(Iterator::collect).unwrap_or_default();
            json!(String::from_utf8_lossy(&bytes))
        }
        wp_jwt::Value::Array(t) | wp_jwt::Value::Object(t) => {
            serde_json::from_slice(t).unwrap_or(Value::Null)
        }
    }
}

pub(crate) fn run(c: &JwtCommand) -> Result<Report, Failure> {
    match c {
        JwtCommand::Mint {
            site,
            user_id,
            device,
            pass_file,
        } => {
            let key = jwt_secret(site)?;
            let cfg = Config::new(
                profile(site.plugin),
                key.as_deref(),
                site.alg.as_bytes(),
                site.home.as_bytes(),
            );
            let mut out = vec![0u8; 4096];
            let token = match site.plugin {
                JwtPlugin::Tmeister => {
                    wp_jwt::mint_tmeister(&cfg, site.https, now(site), *user_id, &mut out)
                }
                JwtPlugin::Usefulteam => {
                    let pass = match pass_file {
                        Some(p) => secret_str(p)?,
                        None => String::new(),
                    };
                    let mut dev = vec![0u8; device.len() * 4 + 16];
                    let dev = wp_jwt::usefulteam_device(device.as_bytes(), &mut dev)
                        .ok_or_else(|| Failure("--device: too long".into()))?
                        .to_vec();
                    wp_jwt::mint_usefulteam(
                        &cfg,
                        site.https,
                        now(site),
                        *user_id,
                        &dev,
                        pass.as_bytes(),
                        &mut out,
                    )
                }
            };
            let token = token.ok_or_else(|| {
                Failure(format!(
                    "{}: JWT_AUTH_SECRET_KEY is not defined (or empty), or --alg {} is not HS256/384/512",
                    site.wp_config.display(),
                    site.alg
                ))
            })?;
            Ok(Report::accepted(token, json!({ "token": token })))
        }
        JwtCommand::Verify {
            site,
            token_file,
            store,
            leeway,
            strict,
        } => {
            let key = jwt_secret(site)?;
            let mut cfg = Config::new(
                profile(site.plugin),
                key.as_deref(),
                site.alg.as_bytes(),
                site.home.as_bytes(),
            )
            .leeway(*leeway);
            if *strict {
                cfg = cfg.strict(8192);
            }
            let users = match store {
                Some(p) => StoreUsers::load(p)?,
                None => StoreUsers::default(),
            };
            let raw = secret(token_file)?;
            let header = if raw.starts_with(b"Bearer") {
                raw
            } else {
                [&b"Bearer "[..], &raw].concat()
            };
            let req = Request {
                authorization: Some(&header),
                https: site.https,
                request_uri: b"/wp-json/wp/v2/users/me",
                pretty_permalinks: true,
                ..Request::default()
            };
            let mut scratch = vec![0u8; wp_jwt::scratch_len(&req)];
            let mw = match wp_jwt::middleware(&cfg, &req, now(site), &users, &mut scratch) {
                Middleware::User(id) => {
                    let mut s = vec![0u8; 4096];
                    let who = wp_jwt::effective_user(&id, &users, &mut s).ok();
                    json!({ "outcome": "user", "user_id": json_of(&id), "wordpress_user": who })
                }
                Middleware::Pass => json!({ "outcome": "pass" }),
                Middleware::Error(r) => {
                    json!({ "outcome": "error", "code": r.code.as_str(), "status": r.status })
                }
                Middleware::Fatal(f) => json!({ "outcome": "fatal", "why": format!("{f:?}") }),
            };
            let mut scratch = vec![0u8; wp_jwt::scratch_len(&req)];
            Ok(
                match wp_jwt::validate(&cfg, &req, now(site), &users, &mut scratch) {
                    Validation::Accept(id) => Report::accepted(
                        format!(
                            "valid: data.user.id {}; middleware: {}",
                            json_of(&id),
                            mw.get("outcome").unwrap_or(&Value::Null)
                        ),
                        json!({ "valid": true, "user_id": json_of(&id), "middleware": mw }),
                    ),
                    Validation::Reject(r) => Report::rejected(
                        format!("rejected: {} ({}) {}", r.code.as_str(), r.status, r.message),
                        json!({
                            "valid": false, "code": r.code.as_str(), "status": r.status,
                            "message": r.message.to_string(), "middleware": mw,
                        }),
                    ),
                    Validation::Fatal(f) => Report::rejected(
                        format!("PHP dies here (500 internal_server_error): {f:?}"),
                        json!({ "valid": false, "code": "internal_server_error", "status": 500, "middleware": mw }),
                    ),
                },
            )
        }
        JwtCommand::Inspect { token_file } => {
            let raw = secret(token_file)?;
            let token = wp_jwt_token(&raw);
            let mut parts = token.split(|&b| b == b'.');
            let mut decoded = Vec::new();
            for _ in 0..2 {
                let seg = parts.next().unwrap_or_default();
                let mut out = vec![0u8; seg.len() / 4 * 3 + 3];
                let text = wp_jwt::decode_segment(seg, &mut out).unwrap_or_default();
                decoded.push(String::from_utf8_lossy(text).into_owned());
            }
            let segments = token.split(|&b| b == b'.').count();
            let parse = |t: &str| serde_json::from_str::<Value>(t).unwrap_or(json!(t));
            let header = decoded.first().cloned().unwrap_or_default();
            let payload = decoded.get(1).cloned().unwrap_or_default();
            Ok(Report::accepted(
                format!("{segments} segments\nheader  {header}\npayload {payload}"),
                json!({ "segments": segments, "header": parse(&header), "payload": parse(&payload) }),
            ))
        }
    }
}

/// The token in a file that may hold the whole `Authorization` value.
fn wp_jwt_token(raw: &[u8]) -> &[u8] {
    let t = raw.strip_prefix(b"Bearer").unwrap_or(raw);
    let t = t.trim_ascii();
    t.split(u8::is_ascii_whitespace).next().unwrap_or_default()
}
