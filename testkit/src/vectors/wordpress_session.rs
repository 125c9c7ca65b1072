//! `wordpress/session_token.json`: verifiers, stored session meta and its PHP serialisation,
//! verify/get/get_all, and session creation.

use serde_json::{Map, Value, json};
use wp_cookie::session::{Php, SessionMeta, SessionToken, SessionTokens, Verifier};
use wp_php::unserialize::unserialize;

use super::{Diff, bytes, uint};

/// A JSON value as the PHP value it was encoded from (objects keep their key order).
pub(crate) fn php_from_json(v: &Value) -> Php {
    match v {
        Value::Null => Php::Null,
        Value::Bool(b) => Php::Bool(*b),
        Value::Number(n) => n
            .as_i64()
            .map_or_else(|| Php::Float(n.to_string().into_bytes()), Php::Int),
        Value::String(s) => Php::Str(s.as_bytes().to_vec()),
        Value::Array(items) => Php::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    (
                        Php::Int(i64::try_from(i).unwrap_or(i64::MAX)),
                        php_from_json(x),
                    )
                })
                .collect(),
        ),
        Value::Object(o) => Php::Array(
            o.iter()
                .map(|(k, x)| (Php::key(k.as_bytes()), php_from_json(x)))
                .collect(),
        ),
    }
}

/// A PHP value as `json_encode` writes it (a 0..n list is a JSON array).
pub(crate) fn json_from_php(p: &Php) -> Value {
    match p {
        Php::Null => Value::Null,
        Php::Bool(b) => Value::Bool(*b),
        Php::Int(i) => json!(i),
        Php::Float(t) => String::from_utf8_lossy(t)
            .parse::<f64>()
            .map_or(Value::Null, |f| json!(f)),
        Php::Str(s) => Value::String(String::from_utf8_lossy(s).into_owned()),
        Php::Array(entries) => {
            let is_list = entries
                .iter()
                .enumerate()
                .all(|(i, (k, _))| *k == Php::Int(i64::try_from(i).unwrap_or(-1)));
            if is_list {
                Value::Array(entries.iter().map(|(_, v)| json_from_php(v)).collect())
            } else {
                let mut m = Map::new();
                for (k, v) in entries {
                    let k = match k {
                        Php::Int(i) => i.to_string(),
                        Php::Str(s) => String::from_utf8_lossy(s).into_owned(),
                        _ => String::new(),
                    };
                    m.insert(k, json_from_php(v));
                }
                Value::Object(m)
            }
        }
    }
}

pub(crate) fn check(case: &Value) -> Result<(), String> {
    let inputs = case.get("inputs").ok_or("no `inputs`")?;
    match case.get("kind").and_then(Value::as_str) {
        Some("verifier") => {
            let expected = case.get("expected").ok_or("no `expected`")?;
            let mut diff = Diff::default();
            diff.eq(
                "verifier",
                expected.get("verifier").and_then(Value::as_str),
                Some(Verifier::of(bytes(inputs, "token")?).hex().as_str()),
            );
            diff.finish(expected)
        }
        Some("scenario") => scenario(case, inputs),
        Some("create") => create(inputs, case.get("expected").ok_or("no `expected`")?),
        other => Err(format!("unknown case kind {other:?}")),
    }
}

fn scenario(case: &Value, inputs: &Value) -> Result<(), String> {
    let stored = case.get("stored").ok_or("no `stored`")?;
    let sessions = inputs
        .get("sessions")
        .and_then(Value::as_array)
        .ok_or("no sessions")?;
    let mut diff = Diff::default();
    let store = if sessions.is_empty() {
        // No writes: the stored value is the scenario's given state (for example a meta row
        // that is not an array). Read it, and it must serialise back to itself.
        let text = bytes(stored, "php_serialized")?;
        let value = unserialize(text).map_err(|e| e.to_string())?;
        let php = Php::from_value(value);
        diff.eq("php_serialized", text.to_vec(), php.serialize());
        diff.eq(
            "session_tokens_meta",
            stored.get("session_tokens_meta"),
            Some(&json_from_php(&php)),
        );
        SessionTokens::from_meta(text).map_err(|e| e.to_string())?
    } else {
        let setup = uint(inputs, "setup_time")?;
        let mut store = SessionTokens::new();
        let mut legacy = Vec::new();
        for s in sessions {
            let token = bytes(s, "token")?;
            if let Some(e) = s.get("legacy_expiration") {
                let e = e.as_i64().ok_or("legacy_expiration")?;
                store.update(
                    setup,
                    token,
                    Some(Php::Array(vec![(
                        Php::Str(b"expiration".to_vec()),
                        Php::Int(e),
                    )])),
                );
                legacy.push((Verifier::of(token), e));
            } else {
                store.update(
                    setup,
                    token,
                    Some(php_from_json(s.get("session").ok_or("no session")?)),
                );
            }
        }
        // Then the harness rewrote those rows as bare integers (the pre-4.0 format).
        let mut meta = store.to_php();
        if let Php::Array(rows) = &mut meta {
            for (k, v) in rows.iter_mut() {
                if let Some((_, e)) = legacy
                    .iter()
                    .find(|(verifier, _)| *k == Php::Str(verifier.hex().as_bytes().to_vec()))
                {
                    *v = Php::Int(*e);
                }
            }
        }
        let text = meta.serialize();
        diff.eq(
            "php_serialized",
            stored.get("php_serialized").and_then(Value::as_str),
            std::str::from_utf8(&text).ok(),
        );
        diff.eq(
            "session_tokens_meta",
            stored.get("session_tokens_meta"),
            Some(&json_from_php(&meta)),
        );
        SessionTokens::from_meta(&text).map_err(|e| e.to_string())?
    };
    let text = store.to_php().serialize();
    let reader = SessionMeta::parse(&text).map_err(|e| e.to_string())?;
    let checks = case
        .get("checks")
        .and_then(Value::as_array)
        .ok_or("no checks")?;
    for (i, c) in checks.iter().enumerate() {
        let token = bytes(c, "token")?;
        let now = uint(c, "time")?;
        let want = c.get("expected").ok_or("check without expected")?;
        let got = json!({
            "verify": store.verify(now, token),
            "get": store.get(now, token).map_or(Value::Null, |p| json_from_php(&p)),
            "get_all": Value::Array(store.get_all(now).iter().map(json_from_php).collect()),
        });
        diff.eq(&format!("checks[{i}]"), want, &got);
        // The allocation-free reader must agree with the owned store.
        diff.eq(
            &format!("checks[{i}] (SessionMeta)"),
            store.verify(now, token),
            reader.verify(now, token),
        );
    }
    diff.finish(stored)
}

fn create(inputs: &Value, expected: &Value) -> Result<(), String> {
    let now = uint(inputs, "time")?;
    let sample = bytes(expected, "token_sample")?;
    let mut diff = Diff::default();
    // The token is random: ours must have the pattern's shape, and the sample's verifier and
    // the session stored under it must be exactly WordPress's.
    let mut seed = now;
    let ours = SessionToken::generate(|buf| {
        for b in buf {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            *b = (seed >> 56) as u8;
        }
    });
    diff.eq(
        "token_pattern",
        expected.get("token_pattern").and_then(Value::as_str),
        (ours.as_bytes().len() == 43 && ours.as_bytes().iter().all(u8::is_ascii_alphanumeric))
            .then_some("^[A-Za-z0-9]{43}$"),
    );
    diff.eq(
        "token_sample",
        true,
        sample.len() == 43 && sample.iter().all(u8::is_ascii_alphanumeric),
    );
    diff.eq(
        "verifier_of_sample",
        expected.get("verifier_of_sample").and_then(Value::as_str),
        Some(Verifier::of(sample).hex().as_str()),
    );
    let mut store = SessionTokens::new();
    store.create(
        now,
        sample,
        i64::try_from(uint(inputs, "expiration")?).unwrap_or(i64::MAX),
        bytes(inputs, "REMOTE_ADDR")?,
        bytes(inputs, "User-Agent")?,
    );
    let meta = store.to_php();
    diff.eq(
        "session",
        expected.get("session"),
        store.get(now, sample).map(|p| json_from_php(&p)).as_ref(),
    );
    diff.eq(
        "session_tokens_meta",
        expected.get("session_tokens_meta"),
        Some(&json_from_php(&meta)),
    );
    diff.eq(
        "php_serialized",
        expected.get("php_serialized").and_then(Value::as_str),
        std::str::from_utf8(&meta.serialize()).ok(),
    );
    diff.eq(
        "verify_right_after",
        expected.get("verify_right_after").and_then(Value::as_bool),
        Some(store.verify(now, sample)),
    );
    diff.finish(expected)
}
