//! `jwt/tokens.json`: the two WordPress JWT plugins' `/token/validate` answers and
//! `determine_current_user` callbacks, their minted tokens, php-jwt's `JWT::encode`.

use serde_json::{Value, json};
use wp_jwt::{Config, Middleware, Profile, Request, Users, Validation};

use super::{Diff, bytes, uint};

pub(crate) fn check(case: &Value) -> Result<(), String> {
    let inputs = case.get("inputs").ok_or("no `inputs`")?;
    let expected = case.get("expected").ok_or("no `expected`")?;
    match case.get("kind").and_then(Value::as_str) {
        Some("verify") => verify(case, inputs, expected),
        Some("mint_plugin") => mint_plugin(case, inputs, expected),
        Some("mint") => mint(inputs, expected),
        other => Err(format!("unknown case kind {other:?}")),
    }
}

fn profile(case: &Value) -> Result<Profile, String> {
    match case.get("profile").and_then(Value::as_str) {
        Some("tmeister-1.3.4") => Ok(Profile::Tmeister),
        Some("usefulteam-3.0.2") => Ok(Profile::UsefulTeam),
        other => Err(format!("unknown profile {other:?}")),
    }
}

/// The users of a case.
struct Fixture {
    users: Vec<(u64, String, Option<String>, Vec<String>)>,
}

impl Fixture {
    fn of(inputs: &Value) -> Self {
        let users = inputs
            .get("users")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .map(|u| {
                        (
                            u.get("id").and_then(Value::as_u64).unwrap_or(0),
                            u.get("login")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_owned(),
                            u.get("jwt_auth_pass")
                                .and_then(Value::as_str)
                                .map(str::to_owned),
                            u.get("jwt_auth_device")
                                .and_then(Value::as_array)
                                .map(|d| {
                                    d.iter()
                                        .filter_map(Value::as_str)
                                        .map(str::to_owned)
                                        .collect()
                                })
                                .unwrap_or_default(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self { users }
    }
}

impl Users for Fixture {
    fn exists(&self, id: u64) -> bool {
        self.users.iter().any(|u| u.0 == id)
    }

    fn id_by_login(&self, login: &[u8]) -> Option<u64> {
        self.users
            .iter()
            .find(|u| u.1.as_bytes() == login)
            .map(|u| u.0)
    }

    fn jwt_auth_pass(&self, id: u64) -> Option<&[u8]> {
        self.users
            .iter()
            .find(|u| u.0 == id)
            .and_then(|u| u.2.as_deref())
            .map(str::as_bytes)
    }

    fn has_device(&self, id: u64, device: &[u8]) -> bool {
        self.users
            .iter()
            .find(|u| u.0 == id)
            .is_some_and(|u| u.3.iter().any(|d| d.as_bytes() == device))
    }
}

fn hex(s: &str) -> Result<Vec<u8>, String> {
    (0..s.len())
        .step_by(2)
        .map(|i| {
            s.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("bad hex {s:?}"))
        })
        .collect()
}

/// A decoded claim as the vectors write it (objects as `{"__object__": …}`).
fn json_of(v: &wp_jwt::Value<'_>) -> Value {
    match *v {
        wp_jwt::Value::Null => Value::Null,
        wp_jwt::Value::Bool(b) => Value::Bool(b),
        wp_jwt::Value::Int(i) => json!(i),
        wp_jwt::Value::Float(f) => json!(f),
        wp_jwt::Value::BigInt(_) | wp_jwt::Value::Str(_) => {
            let bytes: Vec<u8> = v.string().map(Iterator::collect).unwrap_or_default();
            Value::String(String::from_utf8_lossy(&bytes).into_owned())
        }
        wp_jwt::Value::Array(text) => serde_json::from_slice(text).unwrap_or(Value::Null),
        wp_jwt::Value::Object(text) => {
            json!({ "__object__": serde_json::from_slice::<Value>(text).unwrap_or(Value::Null) })
        }
    }
}

fn fatal_matches(f: wp_jwt::Fatal, php: Option<&str>) -> bool {
    let php = php.unwrap_or("");
    match f {
        wp_jwt::Fatal::AlgNotScalar => php.contains("offset"),
        wp_jwt::Fatal::KidNotScalar => php.contains("$kid"),
        wp_jwt::Fatal::DateArgument => php.contains("date()"),
        wp_jwt::Fatal::UserIdArray => php.contains("rray"),
        _ => false,
    }
}

fn verify(case: &Value, inputs: &Value, expected: &Value) -> Result<(), String> {
    let profile = profile(case)?;
    let secret = inputs.get("secret").and_then(Value::as_str);
    let alg = bytes(inputs, "alg")?;
    let home = bytes(inputs, "home")?;
    let cfg = Config::new(profile, secret.map(str::as_bytes), alg, home)
        .leeway(inputs.get("leeway").and_then(Value::as_i64).unwrap_or(0));
    let authorization = match (
        inputs.get("authorization").and_then(Value::as_str),
        inputs.get("authorization_hex").and_then(Value::as_str),
    ) {
        (Some(a), _) => Some(a.as_bytes().to_vec()),
        (None, Some(h)) => Some(hex(h)?),
        (None, None) => None,
    };
    let redirect = inputs
        .get("redirect_authorization")
        .and_then(Value::as_str)
        .map(|s| s.as_bytes().to_vec());
    let prior = inputs.get("prior_user").is_some_and(|p| match p {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_u64() != Some(0),
        Value::Null => false,
        _ => true,
    });
    let req = Request {
        authorization: authorization.as_deref(),
        redirect_authorization: redirect.as_deref(),
        https: inputs
            .get("https")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        request_uri: inputs
            .get("request_uri")
            .and_then(Value::as_str)
            .unwrap_or("/wp-json/wp/v2/users/me")
            .as_bytes(),
        pretty_permalinks: !inputs
            .get("permalink_structure")
            .and_then(Value::as_str)
            .unwrap_or("/%postname%/")
            .is_empty(),
        prior_user: prior,
    };
    let users = Fixture::of(inputs);
    let prior_id = inputs
        .get("prior_user")
        .and_then(Value::as_u64)
        .filter(|&id| users.exists(id))
        .unwrap_or(0);
    let now = i64::try_from(uint(inputs, "now")?).map_err(|e| e.to_string())?;
    let mut diff = Diff::default();

    let mut iss = [0u8; 1024];
    diff.eq(
        "iss_expected",
        expected.get("iss_expected").and_then(Value::as_str),
        cfg.issuer(req.https, &mut iss)
            .and_then(|i| std::str::from_utf8(i).ok()),
    );

    let mut scratch = vec![0u8; wp_jwt::scratch_len(&req)];
    let (result, status, code, message, user_id, fatal) =
        match wp_jwt::validate(&cfg, &req, now, &users, &mut scratch) {
            Validation::Accept(id) => (
                "accept",
                200,
                "jwt_auth_valid_token",
                (profile == Profile::UsefulTeam).then(|| "Token is valid".to_owned()),
                Some(json_of(&id)),
                None,
            ),
            Validation::Reject(r) => (
                "reject",
                r.status,
                r.code.as_str(),
                Some(r.message.to_string()),
                None,
                None,
            ),
            Validation::Fatal(f) => ("fatal", 500, "internal_server_error", None, None, Some(f)),
        };
    diff.eq(
        "result",
        expected.get("result").and_then(Value::as_str),
        Some(result),
    );
    diff.eq(
        "status",
        expected.get("status").and_then(Value::as_u64),
        Some(u64::from(status)),
    );
    diff.eq(
        "code",
        expected.get("code").and_then(Value::as_str),
        Some(code),
    );
    diff.eq(
        "message",
        expected
            .get("message")
            .and_then(Value::as_str)
            .map(str::to_owned),
        message,
    );
    diff.eq("user_id", expected.get("user_id").cloned(), user_id);
    if let Some(php) = expected.get("php_fatal") {
        diff.eq(
            "php_fatal",
            true,
            fatal.is_some_and(|f| fatal_matches(f, php.as_str())),
        );
    }

    let want = expected.get("middleware").ok_or("no expected.middleware")?;
    let mut scratch = vec![0u8; wp_jwt::scratch_len(&req)];
    let got = match wp_jwt::middleware(&cfg, &req, now, &users, &mut scratch) {
        Middleware::User(id) => {
            let mut s = vec![0u8; 4096];
            let effective = match wp_jwt::effective_user(&id, &users, &mut s) {
                Ok(u) => json!(u),
                Err(_) => Value::Null,
            };
            json!({ "outcome": "user", "user_id": json_of(&id), "effective_user_id": effective })
        }
        // The incoming value (an earlier callback's user, or nobody) goes on.
        Middleware::Pass => json!({ "outcome": "pass", "effective_user_id": prior_id }),
        Middleware::Error(r) => json!({
            "outcome": "error", "status": r.status, "code": r.code.as_str(),
            "message": r.message.to_string(),
        }),
        Middleware::Fatal(_) => {
            json!({ "outcome": "fatal", "status": 500, "code": "internal_server_error" })
        }
    };
    // php_fatal / effective_php_fatal are informative texts of PHP's; the rest must match.
    let mut want_cmp = want.clone();
    if let Some(o) = want_cmp.as_object_mut() {
        o.remove("php_fatal");
        o.remove("effective_php_fatal");
    }
    diff.eq("middleware", want_cmp, got);
    diff.finish(expected)
}

fn segment_json(token: &str, i: usize) -> Option<String> {
    let seg = token.split('.').nth(i)?;
    let mut bytes = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in seg.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    String::from_utf8(bytes).ok()
}

fn compare_token(diff: &mut Diff, expected: &Value, token: Option<&str>) {
    diff.eq(
        "token",
        expected.get("token").and_then(Value::as_str),
        token,
    );
    for (field, i) in [("header_json", 0), ("payload_json", 1)] {
        diff.eq(
            field,
            expected
                .get(field)
                .and_then(Value::as_str)
                .map(str::to_owned),
            token.and_then(|t| segment_json(t, i)),
        );
    }
}

fn mint_plugin(case: &Value, inputs: &Value, expected: &Value) -> Result<(), String> {
    let profile = profile(case)?;
    let cfg = Config::new(
        profile,
        inputs
            .get("secret")
            .and_then(Value::as_str)
            .map(str::as_bytes),
        bytes(inputs, "alg")?,
        bytes(inputs, "home")?,
    );
    let https = inputs
        .get("https")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let now = i64::try_from(uint(inputs, "now")?).map_err(|e| e.to_string())?;
    let user = uint(inputs, "user")?;
    let users = Fixture::of(inputs);
    let mut out = [0u8; 2048];
    let token = match profile {
        Profile::Tmeister => wp_jwt::mint_tmeister(&cfg, https, now, user, &mut out),
        _ => {
            let mut device = [0u8; 1024];
            let device = wp_jwt::usefulteam_device(
                inputs
                    .get("device")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .as_bytes(),
                &mut device,
            )
            .ok_or("device")?;
            let pass = users.jwt_auth_pass(user).unwrap_or_default().to_vec();
            wp_jwt::mint_usefulteam(&cfg, https, now, user, device, &pass, &mut out)
        }
    };
    let mut diff = Diff::default();
    compare_token(&mut diff, expected, token);
    // The endpoint's response: the token is the crate's; the user's e-mail and names are
    // WordPress's data.
    let response = expected.get("response").ok_or("no response")?;
    let response_token = response
        .get("token")
        .or_else(|| response.get("data").and_then(|d| d.get("token")))
        .and_then(Value::as_str);
    if response_token == token {
        diff.diverge(
            "response",
            "the endpoint's token is checked; its user fields are WordPress's own data",
        );
    } else {
        diff.eq("response", response_token, token);
    }
    diff.finish(expected)
}

fn mint(inputs: &Value, expected: &Value) -> Result<(), String> {
    let alg = wp_jwt::Alg::from_name(bytes(inputs, "alg")?).ok_or("alg")?;
    let token = wp_jwt::mint_claims(alg, bytes(inputs, "secret")?, bytes(inputs, "claims_json")?)
        .map_err(|e| e.to_string())?;
    let mut diff = Diff::default();
    compare_token(&mut diff, expected, Some(&token));
    diff.finish(expected)
}
