//! Live differential test of the `wp-config.php` reader against PHP itself: random configs —
//! salts in single and double quotes with every escape PHP knows, `define` in any case and
//! spacing, comments everywhere, repeated definitions (the first wins), values that are not
//! literals, `$table_prefix` — are included by PHP, which prints what each constant is; ours
//! must agree on every string we read, and know a non-literal as one.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::path::Path;

use wp_auth::config::{SALT_CONSTANTS, WpConfig};
use wp_testkit::oracle::{Rng, assert_agreement, hex, lines_per_case, php_wordpress};

const FILES: usize = 300;

/// A random secret: what the WordPress.org key service hands out, plus the bytes that make
/// quoting hard.
fn secret(rng: &mut Rng) -> Vec<u8> {
    let alphabet: &[u8] = b"abcXYZ019 !#%&()*+,-./:;<=>?@[]^_`{|}~'\"\\$\n\t";
    let len = rng.range(0, 70) as usize;
    let mut v = rng.string_from(alphabet, len);
    if rng.one_in(5) {
        v.extend_from_slice("é€".as_bytes());
    }
    if rng.one_in(9) {
        v.push(0x80 | (rng.range(0, 127) as u8));
    }
    v
}

/// `v` as a single-quoted PHP literal, now and then with a backslash PHP keeps as it is.
fn single(rng: &mut Rng, v: &[u8]) -> Vec<u8> {
    let mut out = vec![b'\''];
    for &b in v {
        match b {
            b'\'' | b'\\' => out.extend_from_slice(&[b'\\', b]),
            _ if rng.one_in(12) => out.extend_from_slice(&[b'\\', b]),
            _ => out.push(b),
        }
    }
    out.push(b'\'');
    out
}

/// `v` as a double-quoted PHP literal, using PHP's escapes at random.
fn double(rng: &mut Rng, v: &[u8]) -> Vec<u8> {
    let mut out = vec![b'"'];
    for (i, &b) in v.iter().enumerate() {
        let next = v.get(i + 1).copied();
        // A numeric escape must not run into a following digit it would swallow.
        let free = !next.is_some_and(|c| c.is_ascii_hexdigit());
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'$' if rng.one_in(2)
                || next.is_some_and(|c| {
                    c.is_ascii_alphabetic() || matches!(c, b'_' | b'{') || c >= 0x80
                }) =>
            {
                out.extend_from_slice(b"\\$");
            }
            b'{' if next == Some(b'$') => out.extend_from_slice(b"\\x7b"),
            b'\n' if rng.one_in(2) => out.extend_from_slice(b"\\n"),
            b'\t' if rng.one_in(2) => out.extend_from_slice(b"\\t"),
            _ if free && rng.one_in(8) => out.extend_from_slice(format!("\\x{b:02x}").as_bytes()),
            _ if free && rng.one_in(8) => out.extend_from_slice(format!("\\{b:o}").as_bytes()),
            _ => out.push(b),
        }
    }
    if rng.one_in(5) {
        out.extend_from_slice("\\u{e9}".as_bytes());
    }
    out.push(b'"');
    out
}

fn comment(rng: &mut Rng) -> &'static [u8] {
    rng.pick::<&'static [u8]>(&[
        &b""[..],
        b" ",
        b"/* define('AUTH_KEY', 'commented'); */",
        b"\n// define('NONCE_KEY', 'no');\n",
        b"\n# a hash comment 'quoted\n",
        b"\t\n",
    ])
}

/// A random config and what we read from it.
fn config(rng: &mut Rng) -> Vec<u8> {
    let mut php = b"<?php\n".to_vec();
    let defines: &[&[u8]] = &[b"define", b"DEFINE", b"Define"];
    for name in SALT_CONSTANTS {
        for _ in 0..rng.range(0, 2) + u64::from(!rng.one_in(8)) {
            let v = secret(rng);
            let value = match rng.range(0, 9) {
                0..=4 => single(rng, &v),
                5..=7 => double(rng, &v),
                // Not a literal: PHP knows it, we must say we do not.
                _ => b"'con' . 'cat'".to_vec(),
            };
            let quote = if rng.one_in(2) { b'\'' } else { b'"' };
            let define: &[u8] = rng.pick::<&[u8]>(defines);
            php.extend_from_slice(define);
            php.extend_from_slice(comment(rng));
            php.extend_from_slice(b"( ");
            php.push(quote);
            php.extend_from_slice(name.as_bytes());
            php.push(quote);
            php.extend_from_slice(comment(rng));
            php.extend_from_slice(b" ,");
            php.extend_from_slice(comment(rng));
            php.extend_from_slice(&value);
            php.extend_from_slice(b" );");
            php.extend_from_slice(comment(rng));
            php.push(b'\n');
        }
    }
    if !rng.one_in(4) {
        php.extend_from_slice(b"$table_prefix");
        php.extend_from_slice(comment(rng));
        php.extend_from_slice(b"= ");
        let len = rng.range(1, 8) as usize;
        let p = rng.string_from(b"abc_019", len);
        php.extend_from_slice(&single(rng, &p));
        php.extend_from_slice(b";\n");
    }
    php.extend_from_slice(
        b"if ( ! defined( 'ABSPATH' ) ) {\n\tdefine( 'ABSPATH', __DIR__ . '/' );\n}\n",
    );
    php
}

/// Our reading, in the driver's notation; `?` for a value that is not a literal.
fn ours(php: &[u8]) -> String {
    let cfg = WpConfig::parse(php).unwrap();
    let mut out: Vec<String> = SALT_CONSTANTS
        .iter()
        .map(|n| match (cfg.get(n), cfg.is_defined(n)) {
            (Some(v), _) => hex(v),
            (None, true) => "?".into(),
            (None, false) => "-".into(),
        })
        .collect();
    out.push(cfg.table_prefix_set().map_or_else(|| "-".into(), hex));
    out.join(" ")
}

#[test]
fn php_reads_the_same_constants() {
    let Some(php) = php_wordpress("wp-auth oracle_wp_config") else {
        return;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/wp_config.php");
    let mut rng = Rng::from_env();
    let files: Vec<Vec<u8>> = (0..FILES).map(|_| config(&mut rng)).collect();

    let input: String = files.iter().map(|f| hex(f) + "\n").collect();
    let out = php.run(&script, input.as_bytes());
    let theirs = lines_per_case(&out, FILES);
    let mut failures = Vec::new();
    let mut mix = [0usize; 3];
    for (file, theirs) in files.iter().zip(theirs) {
        let mine = ours(file);
        for m in mine.split(' ') {
            mix[match m {
                "?" => 1,
                "-" => 2,
                _ => 0,
            }] += 1;
        }
        let agree = mine
            .split(' ')
            .zip(theirs.split(' '))
            .all(|(m, t)| m == t || (m == "?" && t != "-"));
        if !agree || theirs == "error" {
            failures.push(format!(
                "{}\n  PHP  {theirs}\n  ours {mine}",
                String::from_utf8_lossy(file)
            ));
        }
    }
    println!(
        "wp-config oracle: {FILES} files, {} values read as strings, {} known as not literals, {} undefined; seed {}",
        mix[0],
        mix[1],
        mix[2],
        rng.seed()
    );
    assert_agreement("wp-config reader", &failures, FILES, rng.seed());
}

/// WordPress's own sample from the Debian package: every salt at the placeholder, named.
#[test]
fn debian_sample_config() {
    let Some(php) = php_wordpress("wp-auth debian_sample_config") else {
        return;
    };
    let text = std::fs::read(php.wordpress().join("wp-config-sample.php")).unwrap();
    let cfg = WpConfig::parse(&text).unwrap();
    assert_eq!(cfg.get("DB_NAME"), Some(&b"database_name_here"[..]));
    assert_eq!(cfg.table_prefix(), b"wp_");
    let err = cfg.check_salts().unwrap_err();
    assert_eq!(err.name.as_deref(), Some("AUTH_KEY"));
    assert!(
        err.to_string().contains("put your unique phrase here"),
        "{err}"
    );
    assert!(err.line > 0);
    // ABSPATH is defined with an expression: known to exist, not read.
    assert!(cfg.is_defined("ABSPATH") && cfg.get("ABSPATH").is_none());
}

/// A configuration in the shape of the official Docker image's: every salt and the table
/// prefix read from `WORDPRESS_*` variables through a helper, with the sample's placeholder
/// as the fallback. The file is not literal to us (each salt defined, none read, the check
/// names the first); `WpConfig::from_env` over the same variables reads exactly what PHP
/// defines from them.
#[test]
fn the_docker_images_config_shape() {
    let Some(php) = php_wordpress("the_docker_images_config_shape") else {
        return;
    };
    let mut config = String::from(
        "<?php\n// The official image's shape: values from the environment, `NAME_FILE` first.\n\
         if ( ! function_exists( 'getenv_docker' ) ) {\n\
         \tfunction getenv_docker( $name, $fallback ) {\n\
         \t\t$path = getenv( $name . '_FILE' );\n\
         \t\tif ( $path ) { return rtrim( file_get_contents( $path ), \"\\r\\n\" ); }\n\
         \t\t$value = getenv( $name );\n\
         \t\treturn false !== $value ? $value : $fallback;\n\
         \t}\n}\n",
    );
    for name in SALT_CONSTANTS {
        config += &format!(
            "define( '{name}', getenv_docker('WORDPRESS_{name}', 'put your unique phrase here') );\n"
        );
    }
    config += "$table_prefix = getenv_docker('WORDPRESS_TABLE_PREFIX', 'wp_');\n";
    let parsed = WpConfig::parse(config.as_bytes()).unwrap();
    for name in SALT_CONSTANTS {
        assert!(
            parsed.is_defined(name) && parsed.get(name).is_none(),
            "{name}"
        );
    }
    let err = parsed.check_salts().unwrap_err();
    assert_eq!(
        (err.name.as_deref(), err.kind),
        (
            Some(SALT_CONSTANTS[0]),
            wp_auth::config::ConfigErrorKind::NotLiteral
        )
    );

    let mut rng = Rng::from_env();
    let mut vars: Vec<(String, Vec<u8>)> = SALT_CONSTANTS
        .iter()
        .map(|n| {
            let len = rng.range(20, 64) as usize;
            (
                format!("WORDPRESS_{n}"),
                rng.string_from(wp_testkit::oracle::PRINTABLE, len),
            )
        })
        .collect();
    vars.push(("WORDPRESS_TABLE_PREFIX".into(), b"docker_".to_vec()));
    let mut input = String::new();
    for (k, v) in &vars {
        input += &format!("{k}={}\n", hex(v));
    }
    input += "\n";
    input += &config;
    let out = php.run(
        Path::new("tests/oracle/docker_config.php"),
        input.as_bytes(),
    );
    let seen: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let from_env = WpConfig::from_env(vars.iter().map(|(k, v)| (k.as_str(), v.as_slice())));
    for name in SALT_CONSTANTS {
        assert_eq!(
            from_env.get(name).map(hex),
            seen[name].as_str().map(str::to_owned),
            "{name}"
        );
    }
    assert_eq!(
        hex(from_env.table_prefix()),
        seen["table_prefix"].as_str().unwrap()
    );
}
