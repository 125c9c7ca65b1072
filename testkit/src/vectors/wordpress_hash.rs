//! `wordpress/hash.json`: `wp_salt()` composition and `wp_hash()`, with 6.8's `$algo`.

use std::collections::BTreeMap;

use serde_json::Value;
use wp_hash::{Algo, Error, SaltSource, Scheme, WpHashKey, wp_hash_with, wp_salt};

use super::{Diff, bytes};

/// wp-config constants and site options from a case.
pub(crate) struct Config {
    constants: BTreeMap<String, Vec<u8>>,
    options: BTreeMap<String, Vec<u8>>,
}

impl Config {
    /// Constants from a `{name: value}` object, site options from another (either may be absent).
    pub(crate) fn new(salts: Option<&Value>, options: Option<&Value>) -> Self {
        let map = |v: Option<&Value>| -> BTreeMap<String, Vec<u8>> {
            v.and_then(Value::as_object)
                .map(|o| {
                    o.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.as_bytes().to_vec())))
                        .collect()
                })
                .unwrap_or_default()
        };
        Self {
            constants: map(salts),
            options: map(options),
        }
    }
}

impl SaltSource for Config {
    fn constant(&self, name: &str) -> Option<&[u8]> {
        self.constants.get(name).map(Vec::as_slice)
    }
    fn site_option(&self, name: &str) -> Option<&[u8]> {
        self.options.get(name).map(Vec::as_slice)
    }
}

pub(crate) fn check(case: &Value) -> Result<(), String> {
    let kind = case.get("kind").and_then(Value::as_str).unwrap_or("");
    let expected = case.get("expected").ok_or("no `expected`")?;
    let config = Config::new(case.get("salts"), case.get("site_options"));
    let scheme = Scheme::from_bytes(bytes(case, "scheme")?);
    let data = bytes(case, "data")?;
    let mut diff = Diff::default();

    let algo = match kind {
        "wp_hash" | "wp_salt_fallback" => Ok(Algo::Md5),
        "wp_hash_algo" => Algo::from_php_name(bytes(case, "algo")?),
        other => return Err(format!("unknown case kind `{other}`")),
    };
    match wp_salt(&config, scheme) {
        Ok(salt) => {
            if let Some(want) = expected.get("salt").and_then(Value::as_str) {
                diff.eq("salt", true, salt.eq_bytes(want.as_bytes()));
            }
            let got = match algo {
                // The hot path and the generic one must agree.
                Ok(Algo::Md5) => {
                    let fast = WpHashKey::from_salt(&salt).hash(data);
                    diff.eq("md5 fast path", wp_hash_with(Algo::Md5, &salt, data), fast);
                    Ok(fast)
                }
                Ok(a) => Ok(wp_hash_with(a, &salt, data)),
                Err(e) => Err(e),
            };
            match (expected.get("hash"), expected.get("error"), got) {
                (Some(want), _, Ok(h)) => diff.eq("hash", want.as_str(), Some(h.as_str())),
                (_, Some(err), Err(e)) => {
                    diff.eq(
                        "error",
                        err.as_str(),
                        (e == Error::UnknownAlgo).then_some("InvalidArgumentException"),
                    );
                }
                (_, _, got) => diff.fail(&format!("outcome differs: got {got:?}")),
            }
        }
        Err(e) => diff.fail(&format!("wp_salt failed: {e}")),
    }
    diff.finish(expected)
}
