//! The `wp-config.php` reader on arbitrary bytes: no panic; a file it reads answers every
//! question about it; one it refuses names a line within the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wp_auth::config::{SALT_CONSTANTS, WpConfig};

fuzz_target!(|data: &[u8]| {
    match WpConfig::parse(data) {
        Ok(cfg) => {
            for name in SALT_CONSTANTS {
                if let Some(v) = cfg.get(name) {
                    assert!(cfg.is_defined(name));
                    // A decoded literal is never longer than the file.
                    assert!(v.len() <= data.len());
                }
            }
            let _ = cfg.check_salts();
            let _ = cfg.table_prefix();
            let _ = wp_auth::Keys::from_source(&cfg);
        }
        Err(e) => {
            let lines = data.iter().filter(|&&b| b == b'\n').count() + 1;
            assert!(e.line <= lines, "{e}");
            let _ = e.to_string();
        }
    }
});
