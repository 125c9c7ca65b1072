//! `http-basic/{parse,encode,challenge}.json`: the recommended policy's results (`expected`);
//! the `peers` columns record other implementations and are not checked.

use serde_json::{Value, json};

use super::{Diff, bytes};

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Result<Vec<u8>, String> {
    (0..s.len() / 2)
        .map(|i| {
            u8::from_str_radix(s.get(2 * i..2 * i + 2).unwrap_or(""), 16).map_err(|e| e.to_string())
        })
        .collect()
}

fn compare(expected: &Value, got: &Value) -> Result<(), String> {
    let mut diff = Diff::default();
    for (k, v) in got.as_object().into_iter().flatten() {
        diff.eq(k, expected.get(k), Some(v));
    }
    diff.finish(expected)
}

pub(crate) fn parse(case: &Value) -> Result<(), String> {
    let expected = case.get("expected").ok_or("no expected")?;
    let input = case.get("input").ok_or("no input")?;
    let raw = unhex(input.get("hex").and_then(Value::as_str).ok_or("no hex")?)?;
    let mut buf = vec![0u8; http_basic::decoded_capacity(raw.len())];
    let got = match http_basic::parse(&raw, &mut buf) {
        Ok(c) => json!({
            "result": "accept",
            "user": c.login, "user_hex": hex(c.login.as_bytes()),
            "pass": c.password, "pass_hex": hex(c.password.as_bytes()),
        }),
        Err(e) => json!({"result": "reject", "reason": e.code()}),
    };
    compare(expected, &got)
}

pub(crate) fn encode(case: &Value) -> Result<(), String> {
    let expected = case.get("expected").ok_or("no expected")?;
    let input = case.get("input").ok_or("no input")?;
    let user = std::str::from_utf8(bytes(input, "user")?).map_err(|e| e.to_string())?;
    let pass = std::str::from_utf8(bytes(input, "pass")?).map_err(|e| e.to_string())?;
    let mut out = vec![0u8; http_basic::MAX_LEN + 8];
    let got = match http_basic::encode(user, pass, &mut out) {
        Ok(h) => json!({"result": "ok", "header": h}),
        Err(e) => json!({"result": "error", "reason": e.code()}),
    };
    compare(expected, &got)
}

pub(crate) fn challenge(case: &Value) -> Result<(), String> {
    let expected = case.get("expected").ok_or("no expected")?;
    let input = case.get("input").ok_or("no input")?;
    let realm = std::str::from_utf8(bytes(input, "realm")?).map_err(|e| e.to_string())?;
    let charset = input
        .get("charset")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let got = match http_basic::challenge(realm, charset) {
        Ok(c) => json!({"result": "ok", "header": c.to_string()}),
        Err(e) => json!({"result": "error", "reason": e.code()}),
    };
    compare(expected, &got)
}
