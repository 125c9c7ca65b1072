//! Reading what the commands are given: secret files (or standard input), `wp-config.php`,
//! site options. Every error names the file, and the line or field, at fault.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;

use wp_auth::config::WpConfig;
use wp_hash::SaltSource;

use crate::{Failure, SiteArgs};

/// The largest secret file read (a `session_tokens` meta of many sessions fits).
const MAX_SECRET: u64 = 1 << 20;

/// A file's bytes (`-`: standard input), without one trailing newline.
pub(crate) fn secret(path: &Path) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    let read = if path == Path::new("-") {
        std::io::stdin()
            .take(MAX_SECRET + 1)
            .read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(MAX_SECRET + 1).read_to_end(&mut bytes))
    };
    read.map_err(|e| Failure(format!("{}: {e}", path.display())))?;
    if bytes.len() as u64 > MAX_SECRET {
        return Err(Failure(format!(
            "{}: larger than {MAX_SECRET} bytes",
            path.display()
        )));
    }
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
    Ok(bytes)
}

/// A UTF-8 secret (for the APIs that take `&str`).
pub(crate) fn secret_str(path: &Path) -> Result<String, Failure> {
    String::from_utf8(secret(path)?).map_err(|_| Failure(format!("{}: not UTF-8", path.display())))
}

/// A site: its `wp-config.php` constants and the options given beside it.
pub(crate) struct Site {
    pub(crate) config: WpConfig,
    pub(crate) options: BTreeMap<String, Vec<u8>>,
}

impl SaltSource for Site {
    fn constant(&self, name: &str) -> Option<&[u8]> {
        self.config.get(name)
    }

    fn site_option(&self, name: &str) -> Option<&[u8]> {
        self.options.get(name).map(Vec::as_slice)
    }
}

impl Site {
    pub(crate) fn load(args: &SiteArgs) -> Result<Self, Failure> {
        let path = &args.wp_config;
        let php = std::fs::read(path).map_err(|e| Failure(format!("{}: {e}", path.display())))?;
        let config =
            WpConfig::parse(&php).map_err(|e| Failure(format!("{}: {e}", path.display())))?;
        let mut options = BTreeMap::new();
        if let Some(path) = &args.site_options {
            let text = secret(path)?;
            let value: serde_json::Value = serde_json::from_slice(&text)
                .map_err(|e| Failure(format!("{}: {e}", path.display())))?;
            let serde_json::Value::Object(map) = value else {
                return Err(Failure(format!(
                    "{}: expected a JSON object of option names and string values",
                    path.display()
                )));
            };
            for (name, v) in map {
                let serde_json::Value::String(s) = v else {
                    return Err(Failure(format!(
                        "{}: option {name:?} is not a string",
                        path.display()
                    )));
                };
                options.insert(name, s.into_bytes());
            }
        }
        Ok(Self { config, options })
    }

    /// The site's keys, or which salt is missing.
    pub(crate) fn keys(&self, args: &SiteArgs) -> Result<wp_auth::Keys, Failure> {
        wp_auth::Keys::from_source(self).map_err(|e| {
            Failure(format!(
                "{}: {e} (run `wp-auth salts` to see which; pass generated ones with --site-options)",
                args.wp_config.display()
            ))
        })
    }
}

/// The current Unix time, or the one given.
pub(crate) fn now(given: Option<u64>) -> u64 {
    given.unwrap_or_else(wp_auth::unix_now)
}

/// Random bytes from the operating system.
pub(crate) fn random<const N: usize>() -> Result<[u8; N], Failure> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|e| Failure(format!("no random bytes: {e}")))?;
    Ok(out)
}
