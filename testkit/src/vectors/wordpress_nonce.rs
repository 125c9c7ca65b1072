//! `wordpress/nonce.json`: `wp_create_nonce`, `wp_verify_nonce`, `rest_cookie_check_errors`.

use serde_json::Value;
use wp_hash::WpHashKey;
use wp_nonce::rest::{CookieAuth, NonceSources, Outcome, Request, cookie_check};
use wp_nonce::{Action, Age, Context, Lifetime, NonceKey, create, message, tick, verify};

use super::{Diff, bytes, uint};

pub(crate) fn check(case: &Value) -> Result<(), String> {
    let inputs = case.get("inputs").ok_or("no `inputs`")?;
    let expected = case.get("expected").ok_or("no `expected`")?;
    match case.get("kind").and_then(Value::as_str) {
        Some("create_verify") => create_verify(case, inputs, expected),
        Some("rest_cookie_check") => rest(inputs, expected),
        other => Err(format!("unknown case kind {other:?}")),
    }
}

/// A JSON action: string = PHP string, integer = PHP int.
fn action(v: &Value) -> Result<Action<'_>, String> {
    match v {
        Value::String(s) => Ok(Action::Bytes(s.as_bytes())),
        Value::Number(n) => n
            .as_i64()
            .map(Action::Int)
            .ok_or_else(|| format!("action {n} is not an integer")),
        other => Err(format!("action {other} is neither string nor integer")),
    }
}

fn life(inputs: &Value) -> Result<Lifetime, String> {
    Lifetime::new(uint(inputs, "nonce_life")?).ok_or_else(|| "nonce_life is 0".to_owned())
}

fn create_verify(case: &Value, inputs: &Value, expected: &Value) -> Result<(), String> {
    let nonce_key = bytes(inputs, "NONCE_KEY")?;
    let nonce_salt = bytes(inputs, "NONCE_SALT")?;
    let key = NonceKey::new(nonce_key, nonce_salt);
    let ctx = Context {
        action: action(inputs.get("action").ok_or("no action")?)?,
        user_id: uint(inputs, "uid")?,
        token: bytes(inputs, "token")?,
        life: life(inputs)?,
    };
    let now = uint(inputs, "time")?;
    let mut diff = Diff::default();

    let t = tick(now, ctx.life);
    diff.eq(
        "tick",
        expected.get("tick").and_then(Value::as_i64),
        Some(t),
    );
    let mut msg = Vec::new();
    message(t, &ctx, |part| msg.extend_from_slice(part));
    diff.eq(
        "hmac_input",
        expected.get("hmac_input").and_then(Value::as_str),
        std::str::from_utf8(&msg).ok(),
    );
    let hex = WpHashKey::new(nonce_key, nonce_salt).hash(&msg);
    diff.eq(
        "hmac_hex",
        expected.get("hmac_hex").and_then(Value::as_str),
        Some(hex.as_str()),
    );
    diff.eq(
        "nonce",
        expected.get("nonce").and_then(Value::as_str),
        Some(create(&key, now, &ctx).as_str()),
    );

    let checks = case
        .get("verify")
        .and_then(Value::as_array)
        .ok_or("no verify list")?;
    for (i, v) in checks.iter().enumerate() {
        let vctx = Context {
            action: match v.get("action") {
                Some(a) => action(a)?,
                None => ctx.action,
            },
            user_id: v.get("uid").and_then(Value::as_u64).unwrap_or(ctx.user_id),
            token: match v.get("token") {
                Some(_) => bytes(v, "token")?,
                None => ctx.token,
            },
            life: match v.get("nonce_life") {
                Some(_) => life(v)?,
                None => ctx.life,
            },
        };
        let got = match verify(&key, uint(v, "time")?, &vctx, bytes(v, "nonce")?) {
            Ok(Age::Current) => Value::from(1),
            Ok(Age::Previous) => Value::from(2),
            Err(_) => Value::Bool(false),
        };
        diff.eq(
            &format!("verify[{i}]"),
            v.get("expected").ok_or("verify entry without expected")?,
            &got,
        );
    }
    // `verify` is an input list with its own expectations, all compared above.
    diff.eq("verify", true, true);
    diff.finish(expected)
}

fn rest(inputs: &Value, expected: &Value) -> Result<(), String> {
    let key = NonceKey::new(bytes(inputs, "NONCE_KEY")?, bytes(inputs, "NONCE_SALT")?);
    let request = inputs.get("request").ok_or("no request")?;
    let field = |part: &str, name: &str| -> Option<&[u8]> {
        request.get(part)?.get(name)?.as_str().map(str::as_bytes)
    };
    let sources = NonceSources {
        query: field("query", "_wpnonce"),
        body: field("body", "_wpnonce"),
        header: field("headers", "X-WP-Nonce"),
    };
    let prior = inputs.get("prior_result").unwrap_or(&Value::Null);
    let cookie = match inputs.get("wp_rest_auth_cookie") {
        Some(Value::Bool(true)) => CookieAuth::Valid,
        Some(Value::Null) | None => CookieAuth::None,
        Some(_) => CookieAuth::Failed,
    };
    let check = cookie_check(
        &key,
        uint(inputs, "time")?,
        life(inputs)?,
        &Request {
            // PHP `! empty($result)`: null and false are empty.
            prior_decided: !matches!(prior, Value::Null | Value::Bool(false)),
            cookie,
            user_id: uint(inputs, "current_user_id")?,
            token: bytes(inputs, "token")?,
            nonce: sources.select(),
        },
    );
    let result = match check.outcome {
        Outcome::Unchanged => prior.clone(),
        Outcome::Proceed => Value::Bool(true),
        Outcome::InvalidNonce => serde_json::json!({"error": {
            "code": Outcome::InvalidNonce.code(),
            "message": Outcome::InvalidNonce.message(),
            "status": Outcome::InvalidNonce.status(),
        }}),
    };
    let headers = match check.refreshed {
        Some(n) => serde_json::json!({"X-WP-Nonce": n.as_str()}),
        None => serde_json::json!({}),
    };
    let mut diff = Diff::default();
    diff.eq("result", expected.get("result"), Some(&result));
    diff.eq(
        "current_user_id_after",
        expected
            .get("current_user_id_after")
            .and_then(Value::as_u64),
        Some(check.user_id),
    );
    diff.eq(
        "response_headers",
        expected.get("response_headers"),
        Some(&headers),
    );
    diff.eq(
        "nocache_headers",
        expected.get("nocache_headers").and_then(Value::as_bool),
        Some(check.no_cache),
    );
    diff.finish(expected)
}
