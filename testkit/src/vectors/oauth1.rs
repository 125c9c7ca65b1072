//! `oauth1/*.json`: percent-encoding, Authorization headers, base strings, signing and
//! verification.

use core::cell::RefCell;

use oauth1_sig::replay::{MemoryReplayCache, ReplayCache, ReplayKey};
use oauth1_sig::{
    Collected, Encoded, Error, Method, Param, Policy, Request, Secrets, Signed, SigningKey, header,
};
use serde_json::{Value, json};

use super::{Diff, bytes};

fn text(v: impl Iterator<Item = u8>) -> String {
    String::from_utf8_lossy(&v.collect::<Vec<u8>>()).into_owned()
}

pub(crate) fn percent_encode(case: &Value) -> Result<(), String> {
    let input = match case.get("input_utf8_hex").and_then(Value::as_str) {
        Some(hex) => (0..hex.len() / 2)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|e| e.to_string()))
            .collect::<Result<Vec<u8>, _>>()?,
        None => bytes(case, "input")?.to_vec(),
    };
    let ours = Encoded(&input).to_string();
    // The plugin encodes with PHP's rawurlencode(), which is the same function.
    let wp = wp_column(case)
        .and_then(|w| w.get("value"))
        .and_then(Value::as_str);
    if case.get("expected").and_then(Value::as_str) == Some(&ours) && wp.is_none_or(|w| w == ours) {
        Ok(())
    } else {
        Err(format!("got {ours}, plugin column {wp:?}"))
    }
}

pub(crate) fn authorization_header(case: &Value) -> Result<(), String> {
    let expected = case.get("expected").ok_or("no expected")?;
    let value = bytes(case, "header")?;
    // Sized from the header itself: no parameter count is refused for want of room.
    let capacity = oauth1_sig::Request {
        authorization: Some(value),
        ..oauth1_sig::Request::default()
    }
    .max_params();
    let mut buf = vec![Param::EMPTY; capacity];
    let got = match header::parse_with(value, &mut buf) {
        Ok(h) => json!({
            "ok": true,
            "realm": h.realm().map(|r| text(r.bytes())),
            "params": h.params().map(|p| json!([text(p.name()), text(p.value())])).collect::<Vec<_>>(),
        }),
        Err(e) => json!({"ok": false, "error": e.code()}),
    };
    let mut diff = Diff::default();
    for (k, v) in got.as_object().into_iter().flatten() {
        diff.eq(k, expected.get(k), Some(v));
    }
    if let Some(w) = wp_column(case) {
        let header = bytes(case, "header")?;
        // A pair takes at least `oauth_=` (7 bytes).
        let mut entries = vec![wp_oauth1::Entry::EMPTY; header.len() / 7 + 1];
        let mut arena = vec![0u8; header.len()];
        let got = match wp_oauth1::parse_header(header, &mut entries, &mut arena) {
            Ok(Some(pairs)) => {
                json!({"recognised": true, "params": pairs.iter().map(wp_pair).collect::<Vec<_>>()})
            }
            Ok(None) => json!({"recognised": false, "params": []}),
            Err(e) => json!({"error": e.code()}),
        };
        for k in ["recognised", "params"] {
            diff.eq(&format!("oracles.wp_oauth1.{k}"), w.get(k), got.get(k));
        }
    }
    diff.finish(expected)
}

/// The `oracles.wp_oauth1` column: what the WordPress plugin does (checked against `wp`).
fn wp_column(case: &Value) -> Option<&Value> {
    case.get("oracles").and_then(|o| o.get("wp_oauth1"))
}

fn wp_pair(e: &wp_oauth1::Entry<'_>) -> Value {
    let key = match e.key {
        wp_php::ArrayKey::Int(n) => n.to_string(),
        wp_php::ArrayKey::Str(s) => String::from_utf8_lossy(s).into_owned(),
    };
    json!([
        key + &String::from_utf8_lossy(e.path),
        String::from_utf8_lossy(e.value)
    ])
}

fn wp_site(w: &Value) -> (Vec<u8>, bool) {
    let env = w.get("env");
    (
        env.and_then(|e| e.get("home"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .as_bytes()
            .to_vec(),
        env.and_then(|e| e.get("is_ssl"))
            .and_then(Value::as_bool)
            .unwrap_or(false),
    )
}

/// The plugin's reading of a request: its base string, or its error code (`null` when the
/// request is not OAuth to it).
fn wp_parse<R>(
    req: &Req,
    w: &Value,
    require_token: Option<bool>,
    then: impl FnOnce(Result<Option<wp_oauth1::Signed<'_>>, wp_oauth1::Error>) -> R,
) -> R {
    let (home, is_ssl) = wp_site(w);
    let site = wp_oauth1::Site {
        home: &home,
        is_ssl,
    };
    let view = req.view();
    let size = view.url.len() + view.body.len() + view.authorization.map_or(0, <[u8]>::len);
    let mut entries = vec![wp_oauth1::Entry::EMPTY; 8 * size + 16];
    let mut arena = vec![0u8; 4 * size];
    // `None`: only what it signs (no required-parameter check).
    match require_token {
        Some(t) => then(wp_oauth1::parse(&view, &site, t, &mut entries, &mut arena)),
        None => then(wp_oauth1::collect(&view, &site, &mut entries, &mut arena).map(Some)),
    }
}

/// The request of a vector (`method`, `url`, `headers`, `body`).
struct Req {
    method: Vec<u8>,
    url: Vec<u8>,
    authorization: Option<Vec<u8>>,
    content_type: Option<Vec<u8>>,
    body: Vec<u8>,
    extra: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Req {
    fn from(v: &Value) -> Result<Self, String> {
        let header = |name: &str| {
            v.get("headers")
                .and_then(Value::as_object)
                .and_then(|h| h.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
                .and_then(|(_, v)| v.as_str())
                .map(|s| s.as_bytes().to_vec())
        };
        let extra = v
            .get("extra_params")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|p| {
                        let p = p.as_array()?;
                        Some((
                            p.first()?.as_str()?.as_bytes().to_vec(),
                            p.get(1)?.as_str()?.as_bytes().to_vec(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Self {
            method: bytes(v, "method")?.to_vec(),
            url: bytes(v, "url")?.to_vec(),
            authorization: header("Authorization"),
            content_type: header("Content-Type"),
            body: v
                .get("body")
                .and_then(Value::as_str)
                .unwrap_or("")
                .as_bytes()
                .to_vec(),
            extra,
        })
    }

    fn view(&self) -> Request<'_> {
        Request {
            method: &self.method,
            url: &self.url,
            authorization: self.authorization.as_deref(),
            content_type: self.content_type.as_deref(),
            body: &self.body,
        }
    }

    fn extra(&self) -> Vec<Param<'_>> {
        self.extra.iter().map(|(n, v)| Param::extra(n, v)).collect()
    }
}

fn collect_string(f: impl FnOnce(&mut dyn FnMut(&[u8]))) -> String {
    let mut out = Vec::new();
    f(&mut |p: &[u8]| out.extend_from_slice(p));
    String::from_utf8_lossy(&out).into_owned()
}

/// The error kind a non-verify vector expects: header errors by their own kind.
fn plain_kind(e: Error) -> &'static str {
    match e {
        Error::MalformedHeader(h) => h.code(),
        other => other.code(),
    }
}

pub(crate) fn base_string(case: &Value) -> Result<(), String> {
    let expected = case.get("expected").ok_or("no expected")?;
    let req = Req::from(case.get("input").ok_or("no input")?)?;
    let extra = req.extra();
    let mut buf = vec![Param::EMPTY; req.view().max_params() + extra.len()];
    let got = match Collected::new(&req.view(), &extra, &mut buf) {
        Ok(c) => {
            let pairs: Vec<Value> = c
                .params()
                .iter()
                .map(|p| {
                    json!([
                        Encoded(&p.name().collect::<Vec<u8>>()).to_string(),
                        Encoded(&p.value().collect::<Vec<u8>>()).to_string()
                    ])
                })
                .collect();
            json!({
                "ok": true,
                "base_string_uri": collect_string(|o| c.write_base_uri(o)),
                "normalized_pairs": pairs,
                "normalized_params": collect_string(|o| c.write_normalized(o)),
                "base_string": collect_string(|o| c.write_base_string(o)),
            })
        }
        Err(e) => json!({"ok": false, "error": plain_kind(e)}),
    };
    let mut diff = Diff::default();
    for (k, v) in got.as_object().into_iter().flatten() {
        diff.eq(k, expected.get(k), Some(v));
    }
    if let Some(w) = wp_column(case)
        && req.extra.is_empty()
    {
        let got = wp_parse(&req, w, None, |r| match r {
            Ok(Some(s)) => json!({"base_string": collect_string(|o| s.write_base_string(o))}),
            Ok(None) => json!({"error": null}),
            Err(e) => json!({"base_string": null, "error": e.code()}),
        });
        for k in ["base_string", "error"] {
            if w.get(k).is_some() || got.get(k).is_some() {
                diff.eq(&format!("oracles.wp_oauth1.{k}"), w.get(k), got.get(k));
            }
        }
    }
    diff.finish(expected)
}

fn secrets(input: &Value) -> Result<(Vec<u8>, Option<Vec<u8>>), String> {
    Ok((
        bytes(input, "consumer_secret")?.to_vec(),
        input
            .get("token_secret")
            .and_then(Value::as_str)
            .map(|s| s.as_bytes().to_vec()),
    ))
}

fn method(input: &Value) -> Result<Method, String> {
    Method::from_name(bytes(input, "signature_method")?).ok_or_else(|| "unknown method".to_owned())
}

pub(crate) fn signature(case: &Value) -> Result<(), String> {
    let expected = case.get("expected").ok_or("no expected")?;
    let input = case.get("input").ok_or("no input")?;
    let mut diff = Diff::default();
    match case.get("kind").and_then(Value::as_str) {
        Some("sign") => {
            let (cs, ts) = secrets(input)?;
            let s = Secrets {
                consumer_secret: &cs,
                token_secret: ts.as_deref(),
            };
            let key = SigningKey::new(s);
            let signing_key = collect_string(|o| s.write_key(o));
            diff.eq(
                "signing_key",
                expected.get("signing_key").and_then(Value::as_str),
                Some(signing_key.as_str()),
            );
            // Sign the given base string: a request is not needed for the MAC itself.
            let sig =
                oauth1_sig::sign_base_string(&key, method(input)?, bytes(input, "base_string")?)
                    .map_err(|e| format!("signing: {e}"))?;
            diff.eq(
                "signature",
                expected.get("signature").and_then(Value::as_str),
                Some(sig.as_str()),
            );
            if let Some(w) = wp_column(case) {
                let ts = ts.as_deref().unwrap_or_default();
                let secrets = Secrets {
                    consumer_secret: &cs,
                    token_secret: Some(ts),
                };
                let wsig = wp_oauth1::sign_base_string(
                    &secrets,
                    method(input)?,
                    bytes(input, "base_string")?,
                );
                let raw_key = [cs.as_slice(), b"&", ts].concat();
                diff.eq(
                    "oracles.wp_oauth1.signature",
                    w.get("signature")
                        .and_then(Value::as_str)
                        .map(str::as_bytes),
                    Some(wsig.as_bytes()),
                );
                diff.eq(
                    "oracles.wp_oauth1.signing_key",
                    w.get("signing_key")
                        .and_then(Value::as_str)
                        .map(str::as_bytes),
                    Some(raw_key.as_slice()),
                );
            }
        }
        Some("sign_request") => {
            let (cs, ts) = secrets(input)?;
            let key = SigningKey::new(Secrets {
                consumer_secret: &cs,
                token_secret: ts.as_deref(),
            });
            let req = Req::from(input.get("request").ok_or("no request")?)?;
            let extra = req.extra();
            let mut buf = vec![Param::EMPTY; req.view().max_params() + extra.len()];
            let got = match Collected::new(&req.view(), &extra, &mut buf) {
                Ok(c) => json!({
                    "ok": true,
                    "base_string": collect_string(|o| c.write_base_string(o)),
                    "signature": c
                        .sign(&key, method(input)?)
                        .map_err(|e| format!("signing: {e}"))?
                        .as_str(),
                }),
                Err(e) => json!({"ok": false, "error": plain_kind(e)}),
            };
            for (k, v) in got.as_object().into_iter().flatten() {
                diff.eq(k, expected.get(k), Some(v));
            }
            if let Some(w) = wp_column(case)
                && req.extra.is_empty()
            {
                let m = method(input)?;
                let got = wp_parse(&req, w, None, |r| match r {
                    Ok(Some(s)) => json!({
                        "base_string": collect_string(|o| s.write_base_string(o)),
                        "signature": wp_oauth1::sign(
                            &Secrets {
                                consumer_secret: &cs,
                                token_secret: ts.as_deref(),
                            },
                            m,
                            &s,
                        )
                        .as_str(),
                    }),
                    Ok(None) => json!({"error": null}),
                    Err(e) => json!({"error": e.code()}),
                });
                for k in ["base_string", "signature"] {
                    if w.get(k).is_some() {
                        diff.eq(&format!("oracles.wp_oauth1.{k}"), w.get(k), got.get(k));
                    }
                }
            }
        }
        Some("verify") => {
            let (cs, ts) = secrets(input)?;
            let key = SigningKey::new(Secrets {
                consumer_secret: &cs,
                token_secret: ts.as_deref(),
            });
            let req = Req::from(input.get("request").ok_or("no request")?)?;
            let p = input.get("policy");
            let methods: Vec<Method> = match p
                .and_then(|p| p.get("allowed_signature_methods"))
                .and_then(Value::as_array)
            {
                Some(list) => list
                    .iter()
                    .filter_map(|m| Method::from_name(m.as_str()?.as_bytes()))
                    .collect(),
                None => Method::ALL.to_vec(),
            };
            let replay = RefCell::new(MemoryReplayCache::<64>::new());
            let now = p.and_then(|p| p.get("now")).and_then(Value::as_u64);
            let window = p
                .and_then(|p| p.get("timestamp_window"))
                .and_then(Value::as_u64)
                .unwrap_or(900);
            for seen in p
                .and_then(|p| p.get("seen_nonces"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let s = |k: &str| seen.get(k).and_then(Value::as_str).unwrap_or("").as_bytes();
                let ts = seen
                    .get("timestamp")
                    .and_then(|t| t.as_u64().or_else(|| t.as_str()?.parse().ok()))
                    .unwrap_or(0);
                let key = ReplayKey::from_bytes(s("consumer_key"), s("token"), ts, s("nonce"));
                replay
                    .insert_if_absent(&key, now.unwrap_or(ts), window)
                    .map_err(|e| e.to_string())?;
            }
            // Without a clock there is no window.
            let policy = Policy {
                timestamp_window: now.map(|_| window),
                methods: &methods,
                require_token: p
                    .and_then(|p| p.get("require_token"))
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                ..Policy::default()
            };
            let mut buf = Vec::new();
            let result = Signed::parse_in(&req.view(), &policy, &mut buf)
                .and_then(|s| oauth1_sig::verify(&key, now.unwrap_or(0), &s, &policy))
                .and_then(|v| match (v.replay_key(), v.timestamp) {
                    (Some(k), Some(ts)) => replay.insert_if_absent(&k, now.unwrap_or(ts), window),
                    _ => Ok(()),
                });
            let mut got = json!({"valid": result.is_ok(), "error": result.err().map(Error::code)});
            if let Err(e) = result
                && let Some(o) = got.as_object_mut()
            {
                match e {
                    Error::MissingParam(name) | Error::DuplicateProtocolParam(name) => {
                        o.insert("param".into(), json!(name));
                    }
                    Error::MalformedHeader(h) => {
                        o.insert("detail".into(), json!(h.code()));
                    }
                    _ => {}
                }
            }
            // Every outcome field either side states is compared: one the crate does not
            // report (say `param`) fails the case rather than going unchecked.
            let fields: std::collections::BTreeSet<&String> = got
                .as_object()
                .into_iter()
                .chain(expected.as_object())
                .flat_map(serde_json::Map::keys)
                .collect();
            for k in fields {
                diff.eq(k, expected.get(k), got.get(k));
            }
            if let Some(w) = wp_column(case) {
                // Without a token secret the plugin's request-token step: no token required.
                let seen: Vec<(String, String)> = p
                    .and_then(|p| p.get("seen_nonces"))
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|n| {
                        let ts = n.get("timestamp").map(|t| match t {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        });
                        Some((ts.unwrap_or_default(), n.get("nonce")?.as_str()?.to_owned()))
                    })
                    .collect();
                // The plugin keeps one nonce per timestamp (the last one stored): an earlier
                // nonce under the same timestamp is forgotten, and its replay accepted.
                let mut plugin_kept: Vec<&(String, String)> = Vec::new();
                for s in &seen {
                    plugin_kept.retain(|k| k.0 != s.0);
                    plugin_kept.push(s);
                }
                let mut forgotten_replay = false;
                let got = wp_parse(&req, w, Some(ts.is_some()), |r| {
                    let (result, base) = match r {
                        Ok(Some(s)) => {
                            let secrets = Secrets {
                                consumer_secret: &cs,
                                token_secret: ts.as_deref(),
                            };
                            let r = match now {
                                Some(now) => wp_oauth1::verify(&secrets, now, &s, 900),
                                None => wp_oauth1::verify_signature(&secrets, &s),
                            }
                            .and_then(|()| {
                                let (nonce, _) = s.nonce();
                                let used = |(_, n): &(String, String)| n.as_bytes() == nonce;
                                if seen.iter().any(used) {
                                    forgotten_replay = !plugin_kept.iter().any(|k| used(k));
                                    Err(wp_oauth1::Error::NonceAlreadyUsed)
                                } else {
                                    Ok(())
                                }
                            });
                            (
                                r.map(|()| true),
                                Some(collect_string(|o| s.write_base_string(o))),
                            )
                        }
                        Ok(None) => (Ok(false), None),
                        Err(e) => (Err(e), None),
                    };
                    json!({
                        "valid": result == Ok(true),
                        "error": result.err().map(wp_oauth1::Error::code),
                        "base_string": base,
                    })
                });
                let plugin_accepts = w.get("valid") == Some(&Value::Bool(true));
                for k in ["valid", "error", "base_string"] {
                    let field = format!("oracles.wp_oauth1.{k}");
                    if w.get(k).is_none() {
                        continue;
                    }
                    if forgotten_replay && plugin_accepts && matches!(k, "valid" | "error") {
                        // Our refusal stands: the request verified in every other respect.
                        diff.diverge(
                            &field,
                            "the plugin keeps one nonce per timestamp and accepts this replay; \
                             wp mode refuses it (json_oauth1_nonce_already_used)",
                        );
                    } else {
                        diff.eq(&field, w.get(k), got.get(k));
                    }
                }
            }
        }
        other => return Err(format!("unknown case kind {other:?}")),
    }
    diff.finish(expected)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    /// The shared `policy-nonce-reused` case, its plugin column and seen nonces replaced.
    fn case(seen: Value, plugin: Value) -> String {
        let mut case = json!({
            "id": "replay",
            "kind": "verify",
            "input": {
                "request": {
                    "method": "GET",
                    "url": "http://photos.example.net/photos?file=vacation.jpg&size=original",
                    "headers": {"Authorization": "OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_token=\"nnch734d00sl2jdk\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1700000000\", oauth_nonce=\"kllo9940pd9333jh\", oauth_signature=\"CnxtQS4vXVuw6cIgYpYGIawXC7Q%3D\""}
                },
                "consumer_secret": "kd94hf93k423kf44",
                "token_secret": "pfkkdhi9sl3r4s00",
                "policy": {"now": 1_700_000_000_u64, "timestamp_window": 600, "seen_nonces": seen}
            },
            "expected": {"valid": false, "error": "nonce_reused"},
            "oracles": {"wp_oauth1": {"env": {"home": "http://photos.example.net", "is_ssl": false}}}
        });
        for (k, v) in plugin.as_object().unwrap() {
            case["oracles"]["wp_oauth1"][k] = v.clone();
        }
        json!({"cases": [case]}).to_string()
    }

    fn seen(nonces: &[&str]) -> Value {
        nonces
            .iter()
            .map(|n| json!({"consumer_key": "dpf43f3p2l4k3l03", "token": "nnch734d00sl2jdk", "timestamp": "1700000000", "nonce": n}))
            .collect()
    }

    #[test]
    fn a_replay_the_plugin_forgets_is_a_deliberate_divergence_and_nothing_else() {
        let run = |text: String| super::super::run("oauth1/signature.json", &text).unwrap();
        // Another nonce stored later under the same timestamp: the plugin accepts the replay.
        let r = run(case(
            seen(&["kllo9940pd9333jh", "other"]),
            json!({"valid": true}),
        ));
        assert_eq!(
            (r.passed, r.failed.len(), r.divergences.len()),
            (1, 0, 1),
            "{r:?}"
        );
        assert!(r.divergences[0].1.contains("one nonce per timestamp"));
        // The same, but something else differs from the plugin: it fails.
        let r = run(case(
            seen(&["kllo9940pd9333jh", "other"]),
            json!({"valid": true, "base_string": "GET&wrong&"}),
        ));
        assert_eq!((r.passed, r.failed.len()), (0, 1), "{r:?}");
        // A replay the plugin remembers too: claiming it accepts is a plain failure.
        let r = run(case(seen(&["kllo9940pd9333jh"]), json!({"valid": true})));
        assert_eq!(
            (r.passed, r.failed.len(), r.divergences.len()),
            (0, 1, 0),
            "{r:?}"
        );
        let r = run(case(
            seen(&["kllo9940pd9333jh"]),
            json!({"valid": false, "error": "json_oauth1_nonce_already_used"}),
        ));
        assert_eq!((r.passed, r.divergences.len()), (1, 0), "{r:?}");
    }
}
