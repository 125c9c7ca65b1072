//! The salts, `$table_prefix` and any other string constant of a `wp-config.php` file, read
//! the way PHP would evaluate the `define()` calls WordPress's sample and real sites use — or
//! from the official Docker image's environment variables.

use core::fmt;
use std::borrow::ToOwned;
use std::collections::BTreeMap;
use std::string::String;
use std::vec::Vec;

use wp_hash::SaltSource;

/// The largest `wp-config.php` read (1 MiB); a larger one is [`ConfigErrorKind::TooLarge`].
pub const MAX_CONFIG_LEN: usize = 1 << 20;

/// The eight salt constants a site needs (each may still fall back as `wp_salt()` does).
pub const SALT_CONSTANTS: [&str; 8] = [
    "AUTH_KEY",
    "SECURE_AUTH_KEY",
    "LOGGED_IN_KEY",
    "NONCE_KEY",
    "AUTH_SALT",
    "SECURE_AUTH_SALT",
    "LOGGED_IN_SALT",
    "NONCE_SALT",
];

/// What is wrong with a configuration, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The 1-based line of the file the problem is on (0 when it is not on a line: a missing
    /// constant, an oversized file, an environment variable).
    pub line: usize,
    /// The constant (or variable) at fault, when there is one.
    pub name: Option<String>,
    /// What is wrong.
    pub kind: ConfigErrorKind,
}

/// The kinds of [`ConfigError`].
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConfigErrorKind {
    /// The file is larger than [`MAX_CONFIG_LEN`].
    TooLarge,
    /// A string literal, comment or `define(` call is not closed.
    Unterminated,
    /// A salt constant's value is not a plain string literal (a concatenation, a variable, a
    /// function call): it cannot be known without running PHP.
    NotLiteral,
    /// A salt constant is missing.
    Missing,
    /// A salt constant is left at the sample's "put your unique phrase here".
    Placeholder,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ConfigErrorKind::TooLarge => "the configuration is larger than 1 MiB",
            ConfigErrorKind::Unterminated => "a string, comment or define() is not closed",
            ConfigErrorKind::NotLiteral => "the value is not a plain string literal",
            ConfigErrorKind::Missing => "the constant is not defined",
            ConfigErrorKind::Placeholder => {
                "the constant is left at \"put your unique phrase here\""
            }
        };
        if let Some(name) = &self.name {
            write!(f, "{name}: ")?;
        }
        f.write_str(what)?;
        if self.line > 0 {
            write!(f, " (line {})", self.line)?;
        }
        Ok(())
    }
}

impl core::error::Error for ConfigError {}

/// A constant's value as the file gives it.
#[derive(Clone, PartialEq, Eq)]
enum Value {
    /// A string literal, decoded as PHP decodes it.
    Str(Vec<u8>),
    /// Anything else (`false`, `__DIR__ . '/'`, a function call): not evaluated.
    Other,
}

/// The constants and `$table_prefix` of a site. `Debug` prints names only.
#[derive(Clone, Default)]
pub struct WpConfig {
    constants: BTreeMap<String, (Value, usize)>,
    table_prefix: Option<Vec<u8>>,
}

impl fmt::Debug for WpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WpConfig")
            .field("constants", &self.constants.keys().collect::<Vec<_>>())
            .field("values", &"[redacted]")
            .field(
                "table_prefix",
                &self.table_prefix.as_deref().map(<[u8]>::escape_ascii),
            )
            .finish()
    }
}

impl WpConfig {
    /// Reads a `wp-config.php`: every `define('NAME', <value>)` (either quote style, any
    /// spacing and case of `define`, comments anywhere) and `$table_prefix = '…';`. A string
    /// literal is decoded as PHP decodes it (single quotes: `\\'` and `\\\\`; double quotes:
    /// PHP's escapes); any other value is kept as "not a literal". The first definition of a
    /// name wins, as in PHP. Nothing is executed: code around the definitions is skipped.
    ///
    /// # Errors
    /// [`ConfigErrorKind::TooLarge`], [`ConfigErrorKind::Unterminated`] (with its line).
    pub fn parse(php: &[u8]) -> Result<Self, ConfigError> {
        if php.len() > MAX_CONFIG_LEN {
            return Err(ConfigError {
                line: 0,
                name: None,
                kind: ConfigErrorKind::TooLarge,
            });
        }
        let mut cfg = Self::default();
        // `$x->define(`, `X::define(` and `function define(` define no constant.
        let mut member = false;
        let mut lex = Lexer {
            src: php,
            pos: 0,
            counted: 0,
            lines: 0,
        };
        while let Some(tok) = lex.next()? {
            let after_member = core::mem::replace(
                &mut member,
                matches!(tok.kind, Tok::Punct(b'>' | b':'))
                    || matches!(tok.kind, Tok::Ident(id) if id.eq_ignore_ascii_case(b"function")),
            );
            match tok.kind {
                Tok::Ident(id) if id.eq_ignore_ascii_case(b"define") && !after_member => {
                    if let Some((name, value)) = lex.define_args()? {
                        cfg.constants.entry(name).or_insert((value, tok.line));
                    }
                }
                Tok::Var(b"table_prefix") if cfg.table_prefix.is_none() => {
                    if let Some(Value::Str(v)) = lex.assignment()? {
                        cfg.table_prefix = Some(v);
                    }
                }
                _ => {}
            }
        }
        Ok(cfg)
    }

    /// The configuration of the official WordPress Docker image: `WORDPRESS_AUTH_KEY` and the
    /// other seven salts, `WORDPRESS_TABLE_PREFIX`, from `vars` (the process environment, or
    /// any list of pairs).
    pub fn from_env<K: AsRef<str>, V: AsRef<[u8]>>(vars: impl IntoIterator<Item = (K, V)>) -> Self {
        let mut cfg = Self::default();
        for (k, v) in vars {
            let Some(name) = k.as_ref().strip_prefix("WORDPRESS_") else {
                continue;
            };
            if name == "TABLE_PREFIX" {
                cfg.table_prefix = Some(v.as_ref().to_vec());
            } else if SALT_CONSTANTS.contains(&name) {
                cfg.constants
                    .insert(name.to_owned(), (Value::Str(v.as_ref().to_vec()), 0));
            }
        }
        cfg
    }

    /// A string constant's value, if the file defines it with a string literal.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        match self.constants.get(name) {
            Some((Value::Str(v), _)) => Some(v),
            _ => None,
        }
    }

    /// The 1-based line where the file defines `name`, if it does.
    #[must_use]
    pub fn line(&self, name: &str) -> Option<usize> {
        self.constants.get(name).map(|(_, line)| *line)
    }

    /// Whether the file defines `name` at all (with a string literal or any other value).
    #[must_use]
    pub fn is_defined(&self, name: &str) -> bool {
        self.constants.contains_key(name)
    }

    /// `$table_prefix` as the file sets it with a string literal, if it does.
    #[must_use]
    pub fn table_prefix_set(&self) -> Option<&[u8]> {
        self.table_prefix.as_deref()
    }

    /// `$table_prefix` (WordPress's default `wp_` when the file does not set it).
    #[must_use]
    pub fn table_prefix(&self) -> &[u8] {
        self.table_prefix.as_deref().unwrap_or(b"wp_")
    }

    /// Checks the eight salt constants as an operator would want: each defined, with a string
    /// literal, and not left at the sample's placeholder. (`wp_salt()` itself would fall back
    /// to site options or `SECRET_KEY` instead; this names what to fix.)
    ///
    /// # Errors
    /// The first salt at fault: [`ConfigErrorKind::Missing`], [`ConfigErrorKind::NotLiteral`],
    /// [`ConfigErrorKind::Placeholder`], with its name and line.
    pub fn check_salts(&self) -> Result<(), ConfigError> {
        for name in SALT_CONSTANTS {
            let err = |line, kind| ConfigError {
                line,
                name: Some(name.to_owned()),
                kind,
            };
            match self.constants.get(name) {
                None => return Err(err(0, ConfigErrorKind::Missing)),
                Some((Value::Other, line)) => return Err(err(*line, ConfigErrorKind::NotLiteral)),
                Some((Value::Str(v), line)) if v == b"put your unique phrase here" => {
                    return Err(err(*line, ConfigErrorKind::Placeholder));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }
}

impl SaltSource for WpConfig {
    fn constant(&self, name: &str) -> Option<&[u8]> {
        self.get(name)
    }

    fn site_option(&self, _name: &str) -> Option<&[u8]> {
        None
    }
}

/// A token of the PHP source, with the line it starts on.
struct Token<'a> {
    kind: Tok<'a>,
    line: usize,
}

enum Tok<'a> {
    Ident(&'a [u8]),
    /// `$name`, without the `$`.
    Var(&'a [u8]),
    Str(Option<Vec<u8>>),
    Punct(u8),
}

struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    /// Lines counted up to `counted` (positions only grow: linear in all).
    counted: usize,
    lines: usize,
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

impl<'a> Lexer<'a> {
    fn line(&mut self) -> usize {
        let newlines = self
            .src
            .get(self.counted..self.pos)
            .unwrap_or_default()
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.lines += newlines;
        self.counted = self.counted.max(self.pos);
        1 + self.lines
    }

    fn at(&self, k: usize) -> Option<u8> {
        self.src.get(self.pos + k).copied()
    }

    fn unterminated(&self, line: usize) -> ConfigError {
        ConfigError {
            line,
            name: None,
            kind: ConfigErrorKind::Unterminated,
        }
    }

    /// Skips whitespace and comments.
    fn skip(&mut self) -> Result<(), ConfigError> {
        loop {
            match (self.at(0), self.at(1)) {
                (Some(b), _) if b.is_ascii_whitespace() => self.pos += 1,
                (Some(b'/'), Some(b'/')) | (Some(b'#'), _) => {
                    let rest = self.src.get(self.pos..).unwrap_or_default();
                    self.pos += rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
                }
                (Some(b'/'), Some(b'*')) => {
                    let line = self.line();
                    let rest = self.src.get(self.pos + 2..).unwrap_or_default();
                    let end = rest
                        .windows(2)
                        .position(|w| w == b"*/")
                        .ok_or_else(|| self.unterminated(line))?;
                    self.pos += 2 + end + 2;
                }
                _ => return Ok(()),
            }
        }
    }

    /// The next token, or `None` at the end.
    fn next(&mut self) -> Result<Option<Token<'a>>, ConfigError> {
        self.skip()?;
        let line = self.line();
        let Some(b) = self.at(0) else {
            return Ok(None);
        };
        let kind = match b {
            b'\'' | b'"' => Tok::Str(self.string(line)?),
            b'$' if self.at(1).is_some_and(is_ident) => {
                self.pos += 1;
                Tok::Var(self.ident())
            }
            b if is_ident(b) => Tok::Ident(self.ident()),
            other => {
                self.pos += 1;
                Tok::Punct(other)
            }
        };
        Ok(Some(Token { kind, line }))
    }

    fn ident(&mut self) -> &'a [u8] {
        let rest = self.src.get(self.pos..).unwrap_or_default();
        let n = rest
            .iter()
            .position(|&b| !is_ident(b))
            .unwrap_or(rest.len());
        self.pos += n;
        rest.get(..n).unwrap_or_default()
    }

    /// A string literal at `pos`, decoded; `None` for a double-quoted one that interpolates a
    /// variable (its value is not known without running PHP).
    fn string(&mut self, line: usize) -> Result<Option<Vec<u8>>, ConfigError> {
        let quote = self.at(0).unwrap_or(b'\'');
        self.pos += 1;
        let mut out = Vec::new();
        let mut literal = true;
        loop {
            let b = self.at(0).ok_or_else(|| self.unterminated(line))?;
            self.pos += 1;
            match (quote, b) {
                (q, b) if b == q => break,
                (b'\'', b'\\') => match self.at(0) {
                    Some(c @ (b'\'' | b'\\')) => {
                        out.push(c);
                        self.pos += 1;
                    }
                    _ => out.push(b'\\'),
                },
                (b'"', b'\\') => self.double_escape(&mut out),
                (b'"', b'$')
                    if self
                        .at(0)
                        .is_some_and(|c| (is_ident(c) && !c.is_ascii_digit()) || c == b'{') =>
                {
                    literal = false;
                    out.push(b'$');
                }
                (b'"', b'{') if self.at(0) == Some(b'$') => {
                    literal = false;
                    out.push(b'{');
                }
                _ => out.push(b),
            }
        }
        Ok(literal.then_some(out))
    }

    /// One escape of a double-quoted string, after its backslash.
    fn double_escape(&mut self, out: &mut Vec<u8>) {
        let Some(c) = self.at(0) else {
            out.push(b'\\');
            return;
        };
        let simple = match c {
            b'n' => Some(b'\n'),
            b't' => Some(b'\t'),
            b'r' => Some(b'\r'),
            b'v' => Some(0x0b),
            b'e' => Some(0x1b),
            b'f' => Some(0x0c),
            b'\\' | b'$' | b'"' => Some(c),
            _ => None,
        };
        if let Some(v) = simple {
            out.push(v);
            self.pos += 1;
            return;
        }
        let digits = |lexer: &Self, from: usize, max: usize, radix: u32| {
            (0..max)
                .map_while(|k| {
                    lexer
                        .at(from + k)
                        .filter(|d| char::from(*d).is_digit(radix))
                })
                .count()
        };
        let value = |lexer: &Self, from: usize, n: usize, radix: u32| {
            lexer
                .src
                .get(lexer.pos + from..lexer.pos + from + n)
                .and_then(|d| core::str::from_utf8(d).ok())
                .and_then(|d| u32::from_str_radix(d, radix).ok())
                .unwrap_or(0)
        };
        match c {
            b'0'..=b'7' => {
                let n = digits(self, 0, 3, 8);
                // PHP keeps the low byte of an octal escape above \377.
                out.push((value(self, 0, n, 8) & 0xff) as u8);
                self.pos += n;
            }
            b'x' if digits(self, 1, 2, 16) > 0 => {
                let n = digits(self, 1, 2, 16);
                out.push((value(self, 1, n, 16) & 0xff) as u8);
                self.pos += 1 + n;
            }
            b'u' if self.at(1) == Some(b'{') => {
                let n = digits(self, 2, 6, 16);
                match char::from_u32(value(self, 2, n, 16)) {
                    Some(ch) if n > 0 && self.at(2 + n) == Some(b'}') => {
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        self.pos += 3 + n;
                    }
                    // PHP refuses to compile the file; read it as text, not as a secret.
                    _ => out.push(b'\\'),
                }
            }
            _ => out.push(b'\\'),
        }
    }

    /// After `define`: `( 'NAME' , value [, case_insensitive] )`. `None` for a call this reader
    /// cannot name (the name is not a string literal).
    fn define_args(&mut self) -> Result<Option<(String, Value)>, ConfigError> {
        let line = self.line();
        match self.next()? {
            Some(Token {
                kind: Tok::Punct(b'('),
                ..
            }) => {}
            _ => return Ok(None),
        }
        let name = match self.next()? {
            Some(Token {
                kind: Tok::Str(Some(n)),
                ..
            }) => String::from_utf8(n).ok(),
            _ => None,
        };
        match self.next()? {
            Some(Token {
                kind: Tok::Punct(b','),
                ..
            }) => {}
            _ => return Ok(None),
        }
        let value = self.expression(line, b",)")?;
        Ok(name.map(|n| (n, value)))
    }

    /// After `$table_prefix`: `= value ;`.
    fn assignment(&mut self) -> Result<Option<Value>, ConfigError> {
        let line = self.line();
        match self.next()? {
            Some(Token {
                kind: Tok::Punct(b'='),
                ..
            }) => self.expression(line, b";").map(Some),
            _ => Ok(None),
        }
    }

    /// An expression up to one of `ends` at nesting depth 0 (consumed): a lone string literal
    /// is its value, anything else is [`Value::Other`].
    fn expression(&mut self, line: usize, ends: &[u8]) -> Result<Value, ConfigError> {
        let mut depth = 0usize;
        let mut tokens = 0usize;
        let mut only: Option<Vec<u8>> = None;
        loop {
            let tok = self.next()?.ok_or_else(|| self.unterminated(line))?;
            match tok.kind {
                Tok::Punct(p) if depth == 0 && ends.contains(&p) => break,
                Tok::Punct(b'(' | b'[' | b'{') => depth += 1,
                Tok::Punct(b')' | b']' | b'}') => depth = depth.saturating_sub(1),
                Tok::Str(s) if tokens == 0 => only = s,
                _ => {}
            }
            tokens += 1;
        }
        Ok(match (tokens, only) {
            (1, Some(v)) => Value::Str(v),
            _ => Value::Other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec;

    fn kind(php: &[u8]) -> Result<WpConfig, (usize, ConfigErrorKind)> {
        WpConfig::parse(php).map_err(|e| (e.line, e.kind))
    }

    #[test]
    fn literals_decode_as_php_decodes_them() {
        let cfg = kind(
            br#"<?php
define('A', 'it\'s \\ \n $x');
define("B", "tab\there \x41\101\u{e9} \$x \q $1");
define ( 'C' , 'first' ) ;
define('C', 'second');
DEFINE('D', "interpolated $var");
define('E', 'a' . 'b');
$obj->define('F', 'not a constant');
define('G', true, false);
"#,
        )
        .unwrap();
        assert_eq!(cfg.get("A"), Some(&b"it's \\ \\n $x"[..]));
        assert_eq!(
            cfg.get("B"),
            Some("tab\there AA\u{e9} $x \\q $1".as_bytes())
        );
        assert_eq!(cfg.get("C"), Some(&b"first"[..]));
        assert!(cfg.is_defined("D") && cfg.get("D").is_none());
        assert!(cfg.is_defined("E") && cfg.get("E").is_none());
        assert!(!cfg.is_defined("F"));
        assert!(cfg.is_defined("G") && cfg.get("G").is_none());
        assert_eq!(cfg.table_prefix(), b"wp_");
    }

    #[test]
    fn comments_and_strings_hide_definitions() {
        let cfg = kind(b"<?php\n// define('A', 'x');\n# define('B', 'x');\n/* define('C', 'x'); */\n$s = \"define('D', 'x')\";\n$table_prefix = 'p_';")
            .unwrap();
        for n in ["A", "B", "C", "D"] {
            assert!(!cfg.is_defined(n), "{n}");
        }
        assert_eq!(cfg.table_prefix_set(), Some(&b"p_"[..]));
    }

    #[test]
    fn hostile_input_is_a_typed_error_with_its_line() {
        assert_eq!(
            kind(b"<?php\n\ndefine('A', 'open").unwrap_err(),
            (3, ConfigErrorKind::Unterminated)
        );
        assert_eq!(
            kind(b"<?php /* never closed").unwrap_err(),
            (1, ConfigErrorKind::Unterminated)
        );
        assert_eq!(
            kind(b"<?php\ndefine('A',\n 'x'").unwrap_err(),
            (2, ConfigErrorKind::Unterminated)
        );
        let big = vec![b' '; MAX_CONFIG_LEN + 1];
        assert_eq!(kind(&big).unwrap_err(), (0, ConfigErrorKind::TooLarge));
        // A megabyte of junk, of newlines, of defines: read in one pass.
        let mut junk = vec![0u8; MAX_CONFIG_LEN];
        let mut x = 7u32;
        for b in &mut junk {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            *b = (x >> 24) as u8;
        }
        let _ = WpConfig::parse(&junk);
        let many = b"define('A','v');\n".repeat(MAX_CONFIG_LEN / 18);
        assert_eq!(
            kind(&many).map(|c| c.get("A").map(<[u8]>::to_vec)),
            Ok(Some(b"v".to_vec()))
        );
    }

    #[test]
    fn salts_are_checked_by_name_and_line() {
        let cfg = WpConfig::from_env(
            SALT_CONSTANTS
                .iter()
                .map(|n| (std::format!("WORDPRESS_{n}"), std::format!("S3CRET-{n}"))),
        );
        assert_eq!(cfg.check_salts(), Ok(()));
        assert_eq!(cfg.get("NONCE_SALT"), Some(&b"S3CRET-NONCE_SALT"[..]));
        let missing = kind(b"<?php define('AUTH_KEY', 'x');")
            .unwrap()
            .check_salts()
            .unwrap_err();
        assert_eq!(
            (missing.name.as_deref(), missing.kind),
            (Some("SECURE_AUTH_KEY"), ConfigErrorKind::Missing)
        );
        let expr = kind(b"<?php\ndefine('AUTH_KEY', getenv('K'));")
            .unwrap()
            .check_salts()
            .unwrap_err();
        assert_eq!((expr.line, expr.kind), (2, ConfigErrorKind::NotLiteral));
        let env = WpConfig::from_env([("WORDPRESS_TABLE_PREFIX", "x_"), ("OTHER", "y")]);
        assert_eq!(env.table_prefix(), b"x_");
        wp_testkit::assert_redacted("WpConfig", &std::format!("{cfg:?}"), &["S3CRET"]);
    }
}
