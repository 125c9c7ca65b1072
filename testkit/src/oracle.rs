//! Live reference implementations: WordPress's own PHP from the Debian packages `php-cli`,
//! `php-uopz` and `wordpress`, and Python's `oauthlib` from PyPI.
//!
//! A differential test asks [`php_wordpress`] for the oracle. When the oracle is required (the
//! `CI` environment variable is set to anything but `false`/`0`, or `WP_AUTH_ORACLES=1`) and it
//! cannot run, that call panics so the test fails; otherwise it prints a loud notice and the
//! test returns early.
//!
//! Overrides: `WP_AUTH_PHP` (the PHP binary, default `php` on `PATH`), `WP_AUTH_WORDPRESS`
//! (the WordPress tree, default `/usr/share/wordpress`), `WP_AUTH_ORACLE_SEED` (replay a run).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

/// Whether this run must execute the oracle tests rather than skip them.
#[must_use]
pub fn required() -> bool {
    let set = |name: &str| {
        std::env::var(name)
            .map(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
            .unwrap_or(false)
    };
    set("CI") || set("WP_AUTH_ORACLES")
}

/// A runnable PHP with WordPress's files and the uopz extension (to set `time()`).
#[derive(Debug, Clone)]
pub struct PhpWordPress {
    php: PathBuf,
    wordpress: PathBuf,
}

/// Why the PHP oracle cannot run, or `Ok` with it.
///
/// # Errors
/// A sentence naming what is missing and how to install it.
pub fn probe_php_wordpress() -> Result<PhpWordPress, String> {
    let php = PathBuf::from(std::env::var_os("WP_AUTH_PHP").unwrap_or_else(|| "php".into()));
    let wordpress = PathBuf::from(
        std::env::var_os("WP_AUTH_WORDPRESS").unwrap_or_else(|| "/usr/share/wordpress".into()),
    );
    if !php_has_module(&php, "uopz")? {
        return Err("PHP lacks the uopz extension: apt-get install php-uopz".into());
    }
    if !wordpress.join("wp-includes/pluggable.php").is_file() {
        return Err(format!(
            "no WordPress at {}: apt-get install wordpress (or set WP_AUTH_WORDPRESS)",
            wordpress.display()
        ));
    }
    Ok(PhpWordPress { php, wordpress })
}

/// Whether `php -m` lists `module`.
///
/// # Errors
/// A sentence saying PHP cannot run, and how to install it.
pub(crate) fn php_has_module(php: &Path, module: &str) -> Result<bool, String> {
    let out = Command::new(php).arg("-m").output().map_err(|e| {
        format!(
            "cannot run `{}` ({e}): apt-get install php-cli",
            php.display()
        )
    })?;
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.trim() == module))
}

/// The PHP oracle, or `None` (after a loud notice) when it is missing and not required.
///
/// # Panics
/// When the oracle is missing and [`required`] is true: the test must fail, not skip.
#[must_use]
pub fn php_wordpress(test: &str) -> Option<PhpWordPress> {
    match probe_php_wordpress() {
        Ok(o) => Some(o),
        Err(why) if required() => {
            panic!(
                "{test}: the PHP WordPress oracle is required here (CI / WP_AUTH_ORACLES) but cannot run: {why}"
            )
        }
        Err(why) => {
            eprintln!(
                "\n*** SKIPPED {test}: {why}.\n*** Install php-cli, php-uopz and wordpress (as .ci/run does) and run with WP_AUTH_ORACLES=1 to enforce.\n"
            );
            None
        }
    }
}

impl PhpWordPress {
    /// The PHP binary.
    #[must_use]
    pub fn php(&self) -> &Path {
        &self.php
    }

    /// The WordPress tree.
    #[must_use]
    pub fn wordpress(&self) -> &Path {
        &self.wordpress
    }

    /// Runs a PHP script with the WordPress path as its first argument, feeding `input` on
    /// standard input, and returns standard output.
    ///
    /// # Panics
    /// When PHP cannot start or exits unsuccessfully (the oracle is broken: the test fails).
    #[must_use]
    pub fn run(&self, script: &Path, input: &[u8]) -> String {
        run_piped(
            Command::new(&self.php)
                .arg("-d")
                .arg("error_reporting=E_ALL")
                .arg(script)
                .arg(&self.wordpress),
            input,
        )
    }
}

/// Runs a command with `input` on standard input and returns its standard output.
///
/// # Panics
/// When it cannot start or exits unsuccessfully (the oracle is broken: the test fails).
fn run_piped(cmd: &mut Command, input: &[u8]) -> String {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("the oracle ran");
    let written = writer.join().expect("writer thread");
    assert!(
        out.status.success() && written.is_ok(),
        "oracle {cmd:?} failed ({}, input {written:?}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .rev()
            .take(5)
            .collect::<Vec<_>>()
            .join("\n")
    );
    String::from_utf8(out.stdout).expect("oracle output is UTF-8")
}

/// Python 3 with a PyPI module: oauthlib (the OAuth 1.0a peer) or PyJWT (the JWT encoding
/// peer).
#[derive(Debug, Clone)]
pub struct PythonPeer {
    python: PathBuf,
}

/// Why Python with `module` (pip package `package`) cannot run, or `Ok` with it.
/// `WP_AUTH_PYTHON` overrides the interpreter (default `python3`).
fn probe_python(module: &str, package: &str) -> Result<PythonPeer, String> {
    let python =
        PathBuf::from(std::env::var_os("WP_AUTH_PYTHON").unwrap_or_else(|| "python3".into()));
    let out = Command::new(&python)
        .args(["-c", &format!("import {module}")])
        .output()
        .map_err(|e| format!("cannot run `{}` ({e})", python.display()))?;
    if !out.status.success() {
        return Err(format!("Python lacks {module}: pip install {package}"));
    }
    Ok(PythonPeer { python })
}

/// Why the oauthlib peer cannot run, or `Ok` with it.
///
/// # Errors
/// A sentence naming what is missing.
pub fn probe_oauthlib() -> Result<PythonPeer, String> {
    probe_python("oauthlib", "oauthlib")
}

/// Why the PyJWT peer cannot run, or `Ok` with it.
///
/// # Errors
/// A sentence naming what is missing.
pub fn probe_pyjwt() -> Result<PythonPeer, String> {
    probe_python("jwt", "PyJWT")
}

fn python_peer(
    test: &str,
    probed: Result<PythonPeer, String>,
    package: &str,
) -> Option<PythonPeer> {
    match probed {
        Ok(o) => Some(o),
        Err(why) if required() => {
            panic!(
                "{test}: the {package} oracle is required here (CI / WP_AUTH_ORACLES) but cannot run: {why}"
            )
        }
        Err(why) => {
            eprintln!(
                "\n*** SKIPPED {test}: {why}.\n*** pip install {package} (as .ci/run does) and run with WP_AUTH_ORACLES=1 to enforce.\n"
            );
            None
        }
    }
}

/// The oauthlib peer, or `None` (after a loud notice) when missing and not required.
///
/// # Panics
/// When it is missing and [`required`] is true.
#[must_use]
pub fn oauthlib(test: &str) -> Option<PythonPeer> {
    python_peer(test, probe_oauthlib(), "oauthlib")
}

/// The PyJWT peer, or `None` (after a loud notice) when missing and not required.
///
/// # Panics
/// When it is missing and [`required`] is true.
#[must_use]
pub fn pyjwt(test: &str) -> Option<PythonPeer> {
    python_peer(test, probe_pyjwt(), "PyJWT")
}

impl PythonPeer {
    /// Runs a Python script with `input` on standard input; returns standard output.
    ///
    /// # Panics
    /// When Python fails.
    #[must_use]
    pub fn run(&self, script: &Path, input: &[u8]) -> String {
        run_piped(Command::new(&self.python).arg(script), input)
    }
}

/// A small deterministic generator (SplitMix64) for differential tests; print its seed so a
/// failure can be replayed with `WP_AUTH_ORACLE_SEED`.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
    seed: u64,
}

impl Rng {
    /// Seeded from `WP_AUTH_ORACLE_SEED`, else from the clock (a new sample every run). The
    /// seed is printed, so a failing run's output says how to replay it.
    #[must_use]
    pub fn from_env() -> Self {
        let seed = std::env::var("WP_AUTH_ORACLE_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos() as u64)
            });
        println!("seed {seed} (replay with WP_AUTH_ORACLE_SEED={seed})");
        Self { state: seed, seed }
    }

    /// Seeded with `seed`: the same sequence every run (for unit tests that want a fixed
    /// sample).
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self { state: seed, seed }
    }

    /// The seed this generator started from.
    #[must_use]
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        let span = hi.wrapping_sub(lo).wrapping_add(1);
        if span == 0 {
            self.next_u64()
        } else {
            lo + self.next_u64() % span
        }
    }

    /// True with probability `1 / n`.
    pub fn one_in(&mut self, n: u64) -> bool {
        self.next_u64().is_multiple_of(n)
    }

    /// An element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() as u64 - 1) as usize]
    }

    /// `len` bytes drawn from `alphabet`.
    pub fn string_from(&mut self, alphabet: &[u8], len: usize) -> Vec<u8> {
        (0..len).map(|_| *self.pick(alphabet)).collect()
    }

    /// `len` arbitrary bytes.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }

    /// A mix of the byte strings real inputs hold: empty, alphanumeric, printable ASCII,
    /// UTF-8 text, and arbitrary bytes, up to `max` bytes.
    pub fn text(&mut self, max: usize) -> Vec<u8> {
        let len = self.range(0, max as u64) as usize;
        match self.range(0, 4) {
            0 => Vec::new(),
            1 => self.string_from(ALNUM, len),
            2 => self.string_from(PRINTABLE, len),
            3 => {
                let s: String = (0..len / 3)
                    .map(|_| *self.pick(&['é', 'ß', '€', '日', '😀', '|', ' ', 'a', '%']))
                    .collect();
                s.into_bytes()
            }
            _ => self.bytes(len),
        }
    }
}

/// The lines of an oracle's output, which must be one per case.
///
/// # Panics
/// When the count differs (the oracle stopped early or wrote extra lines).
#[must_use]
pub fn lines_per_case(output: &str, cases: usize) -> Vec<&str> {
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(
        lines.len(),
        cases,
        "the oracle answered {} of {cases} cases",
        lines.len()
    );
    lines
}

/// Fails the test when any case disagreed with the oracle, naming the seed that replays the
/// run and the first few disagreements.
///
/// # Panics
/// When `failures` is not empty.
pub fn assert_agreement(what: &str, failures: &[String], total: usize, seed: u64) {
    assert!(
        failures.is_empty(),
        "{} of {total} {what} (seed {seed}, replay with WP_AUTH_ORACLE_SEED); first ones:\n{}",
        failures.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// `[A-Za-z0-9]`, WordPress's password and token alphabet.
pub const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// Printable ASCII, the alphabet of wp-config salts (space included).
pub const PRINTABLE: &[u8] =
    b" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

/// Lowercase hex of bytes, for passing binary strings to PHP (`hex2bin`).
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
