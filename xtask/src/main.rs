//! `cargo xtask`: the workspace's tasks, in plain Rust with `std::process::Command`.
//!
//! - `cargo xtask ci [--oracles] [--fuzz-seconds N]`: every test and check; ends with
//!   `N passed, M failed`.
//! - `cargo xtask bench [--quick]`: the criterion benches as a table of ns/op, ops/s and the
//!   ratio to the raw-hash floor measured in the same run; also `target/xtask/bench.json`.
//! - `cargo xtask fuzz [TARGET] [--seconds N]`: runs cargo-fuzz targets.
//! - `cargo xtask vectors FILE...`: runs shared-schema vector files through the crates.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant, SystemTime};

use wp_testkit::{oracle, vectors};

const USAGE: &str = "usage:
  cargo xtask ci [--oracles] [--fuzz-seconds N]   every test and check
  cargo xtask bench [--quick] [--report]           benchmarks, table + target/xtask/bench.json
                                                   (--report: the table from the last results)
  cargo xtask fuzz [TARGET] [--seconds N]          run cargo-fuzz targets (all by default)
  cargo xtask vectors FILE...                      run vector files through the crates";

/// The bare-metal target every library crate must build for without default features.
const NO_STD_TARGET: &str = "thumbv7em-none-eabihf";

/// Speed targets from the issues: (op, the ratio to its floor it must stay within).
const TARGETS: &[(&str, f64)] = &[
    ("nonce/verify-current", 1.3),
    ("cookie/validate", 1.3),
    ("oauth1/verify-sha1/10", 2.0),
    ("basic/parse", 1.5),
    // The facade over its crates' own ops (issue 12: under 10% overhead).
    ("auth/cookie-nonce", 1.1),
    ("auth/app-password", 1.1),
    ("auth/oauth1", 1.1),
    ("auth/anonymous", 1.1),
    ("jwt/verify", 1.3),
];

/// Speed targets relative to another op in the same run: (op, the op it is measured against,
/// the ratio it must stay within).
const RELATIVE_TARGETS: &[(&str, &str, f64)] = &[
    ("nonce/verify-previous", "nonce/verify-current", 1.3),
    ("nonce/verify-fail", "nonce/verify-current", 1.3),
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cmd, rest) = match args.split_first() {
        Some((c, r)) => (c.as_str(), r),
        None => {
            eprintln!("{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cmd {
        "ci" => ci(rest),
        "bench" => bench(rest),
        "fuzz" => fuzz_cmd(rest),
        "vectors" => vectors_cmd(rest),
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown task `{other}`\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    c.current_dir(root());
    c
}

fn run(cmd: &mut Command) -> bool {
    eprintln!("$ {cmd:?}");
    cmd.status().map(|s| s.success()).unwrap_or(false)
}

/// The value after `flag` in `args`, parsed.
fn opt<T: std::str::FromStr>(args: &[String], flag: &str) -> Result<Option<T>, String> {
    match args.iter().position(|a| a == flag) {
        None => Ok(None),
        Some(i) => args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .map(Some)
            .ok_or_else(|| format!("{flag} needs a value")),
    }
}

/// Library crates: the folders under `crates/`.
/// The crates to publish: every crate under `crates/` (libraries and the command-line tool).
fn published_crates() -> Vec<String> {
    crate_dirs(|_| true)
}

/// The `no_std` library crates (the command-line tool is a binary; the database store needs
/// `std`): those whose `src/lib.rs` says `#![no_std]`.
fn library_crates() -> Vec<String> {
    crate_dirs(|dir| {
        std::fs::read_to_string(dir.join("src/lib.rs")).is_ok_and(|s| s.contains("#![no_std]"))
    })
}

fn crate_dirs(keep: impl Fn(&Path) -> bool) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("crates"))
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.path().join("Cargo.toml").is_file() && keep(&e.path()))
                .filter_map(|e| e.file_name().to_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// A tally of checks: every test, vector case and build step counts once; each line says how
/// long its step took (where CI time goes).
struct Tally {
    passed: usize,
    failed: usize,
    lines: Vec<String>,
    since: Instant,
}

impl Default for Tally {
    fn default() -> Self {
        Self {
            passed: 0,
            failed: 0,
            lines: Vec::new(),
            since: Instant::now(),
        }
    }
}

impl Tally {
    fn step(&mut self, name: &str, ok: bool) {
        self.add(name, usize::from(ok), usize::from(!ok));
    }

    fn add(&mut self, name: &str, passed: usize, failed: usize) {
        self.passed += passed;
        self.failed += failed;
        let mark = if failed == 0 { "ok  " } else { "FAIL" };
        let took = self.since.elapsed().as_secs();
        self.since = Instant::now();
        self.lines.push(format!(
            "{mark} {name}: {passed} passed, {failed} failed ({took} s)"
        ));
    }
}

fn ci(args: &[String]) -> Result<(), String> {
    let started = Instant::now();
    let oracles = args.iter().any(|a| a == "--oracles") || oracle::required();
    let fuzz_seconds: u64 = opt(args, "--fuzz-seconds")?.unwrap_or(10);
    let mut tally = Tally::default();

    let missing: Vec<String> = [
        oracle::probe_php_wordpress().err(),
        oracle::probe_oauthlib().err(),
        oracle::probe_pyjwt().err(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let skip_notice = (!missing.is_empty() && !oracles).then(|| {
        format!(
            "*** ORACLE TESTS SKIPPED: {}.\n*** Install what .ci/run installs (php-cli, php-uopz, php-mysql, wordpress, mariadb-server; pip oauthlib, PyJWT) and run `cargo xtask ci --oracles` to enforce them.",
            missing.join("; ")
        )
    });
    if let Some(n) = &skip_notice {
        eprintln!("\n{n}\n");
    }

    let fmt = run(cargo().args(["fmt", "--all", "--", "--check"]))
        && run(cargo().args(["fmt", "--manifest-path", "fuzz/Cargo.toml", "--", "--check"]));
    tally.step("cargo fmt --check", fmt);
    tally.step(
        "cargo clippy -D warnings",
        run(cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])),
    );

    // crates.io-ready: every crate under crates/ packages and its package builds on its own
    // (the workspace's path dependencies resolved as if published).
    let mut package = cargo();
    package.args(["package", "--allow-dirty", "--quiet"]);
    for krate in published_crates() {
        package.args(["--package", &krate]);
    }
    tally.step("cargo package (crates/*)", run(&mut package));

    let mut test = cargo();
    test.args(["test", "--workspace"]);
    if oracles {
        test.env("WP_AUTH_ORACLES", "1");
    }
    let (ok, passed, failed) = run_tests(&mut test);
    tally.add(
        if oracles {
            "cargo test (oracles enforced)"
        } else {
            "cargo test"
        },
        passed,
        failed + usize::from(!ok && failed == 0),
    );

    if ensure_target(NO_STD_TARGET) {
        for krate in library_crates() {
            let ok = run(cargo().args([
                "build",
                "--package",
                &krate,
                "--no-default-features",
                "--target",
                NO_STD_TARGET,
            ]));
            tally.step(&format!("no_std build {krate} ({NO_STD_TARGET})"), ok);
        }
        // wp-password's optional crypt(3) formats need no allocator either (Argon2 does).
        let ok = run(cargo().args([
            "build",
            "--package",
            "wp-password",
            "--no-default-features",
            "--features",
            "md5-crypt,sha-crypt",
            "--target",
            NO_STD_TARGET,
        ]));
        tally.step(
            &format!("no_std build wp-password +md5-crypt,sha-crypt ({NO_STD_TARGET})"),
            ok,
        );
    } else {
        tally.step(&format!("rustup target add {NO_STD_TARGET}"), false);
    }

    let files = vector_files_in_repo();
    let (p, f) = run_vector_files(&files);
    tally.add(
        &format!("cargo xtask vectors ({} files)", files.len()),
        p,
        f,
    );

    match fuzz_targets() {
        Ok(targets) => {
            for t in targets {
                let ok = fuzz_run(&t, fuzz_seconds).is_ok();
                tally.step(&format!("fuzz smoke {t} ({fuzz_seconds} s)"), ok);
            }
        }
        Err(e) => {
            eprintln!("{e}");
            tally.step("fuzz targets", false);
        }
    }

    println!("\n== cargo xtask ci ({:.0?}) ==", started.elapsed());
    for l in &tally.lines {
        println!("{l}");
    }
    if let Some(n) = &skip_notice {
        println!("{n}");
    }
    println!("{} passed, {} failed", tally.passed, tally.failed);
    if tally.failed == 0 {
        Ok(())
    } else {
        Err(format!("{} checks failed", tally.failed))
    }
}

/// Runs a test command, echoing its output, and sums its `test result:` lines.
fn run_tests(cmd: &mut Command) -> (bool, usize, usize) {
    eprintln!("$ {cmd:?}");
    let Ok(mut child) = cmd.stdout(Stdio::piped()).spawn() else {
        return (false, 0, 0);
    };
    let (mut passed, mut failed) = (0, 0);
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            println!("{line}");
            if let Some(rest) = line.strip_prefix("test result: ") {
                passed += count_before(rest, " passed");
                failed += count_before(rest, " failed");
            }
        }
    }
    let ok = child.wait().map(|s| s.success()).unwrap_or(false);
    (ok, passed, failed)
}

/// The number just before `label` in a libtest summary such as `ok. 3 passed; 0 failed; ...`.
fn count_before(s: &str, label: &str) -> usize {
    s.find(label)
        .and_then(|i| s[..i].rsplit([' ', '.']).next()?.parse().ok())
        .unwrap_or(0)
}

fn ensure_target(target: &str) -> bool {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l == target)
        })
        .unwrap_or(false);
    installed || run(Command::new("rustup").args(["target", "add", target]))
}

// ---------------------------------------------------------------- vectors

fn vector_files_in_repo() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for krate in library_crates() {
        let data = root().join("crates").join(krate).join("tests/data");
        for dir in std::fs::read_dir(&data)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
        {
            for file in std::fs::read_dir(dir.path())
                .into_iter()
                .flatten()
                .filter_map(Result::ok)
            {
                if file.path().extension().is_some_and(|e| e == "json") {
                    files.push(file.path());
                }
            }
        }
    }
    files.sort();
    files
}

/// Runs each file under its kind, its last two path components (`wordpress/nonce.json`); the
/// crates keep their copies under the same names in `tests/data/`.
fn run_vector_files(files: &[PathBuf]) -> (usize, usize) {
    let (mut passed, mut failed) = (0, 0);
    for path in files {
        let Some(kind) = vectors::kind_of(path) else {
            println!(
                "{}: no kind (a kind is the last two path components, one of {:?})",
                path.display(),
                vectors::KINDS
            );
            failed += 1;
            continue;
        };
        let outcome = std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| vectors::run(&kind, &text));
        match outcome {
            Ok(report) => {
                println!(
                    "{} [{kind}]: {} passed, {} failed",
                    path.display(),
                    report.passed,
                    report.failed.len()
                );
                for (id, why) in &report.failed {
                    println!("  FAIL {id}: {why}");
                }
                for (id, why) in &report.divergences {
                    println!("  deliberate divergence {id}: {why}");
                }
                passed += report.passed;
                failed += report.failed.len();
            }
            Err(e) => {
                println!("{}: {e}", path.display());
                failed += 1;
            }
        }
    }
    (passed, failed)
}

fn vectors_cmd(args: &[String]) -> Result<(), String> {
    if args.is_empty() {
        return Err(format!(
            "vectors: name one or more files (known kinds: {:?})",
            vectors::KINDS
        ));
    }
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let files: Vec<PathBuf> = args.iter().map(|a| cwd.join(a)).collect();
    let (passed, failed) = run_vector_files(&files);
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} vector cases failed"))
    }
}

// ---------------------------------------------------------------- fuzz

fn fuzz_dir() -> PathBuf {
    root().join("fuzz")
}

fn fuzz_targets() -> Result<Vec<String>, String> {
    let dir = fuzz_dir().join("fuzz_targets");
    let mut targets: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".rs"))
                .map(str::to_owned)
        })
        .collect();
    targets.sort();
    Ok(targets)
}

/// `cargo fuzz` with the nightly toolchain if rustup has one, else stable with
/// `RUSTC_BOOTSTRAP=1`; installs cargo-fuzz first if it is missing.
fn cargo_fuzz() -> Result<Command, String> {
    let have = |args: &[&str]| {
        Command::new("cargo")
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !have(&["fuzz", "--version"])
        && !run(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))
    {
        return Err("cargo install cargo-fuzz failed".into());
    }
    let nightly = Command::new("rustup")
        .args(["toolchain", "list"])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.starts_with("nightly"))
        })
        .unwrap_or(false);
    // Not `cargo()`: that one carries this build's toolchain in $CARGO.
    let mut c = Command::new("cargo");
    if nightly {
        c.arg("+nightly");
    } else {
        c.env("RUSTC_BOOTSTRAP", "1");
    }
    c.env_remove("RUSTUP_TOOLCHAIN").env_remove("CARGO");
    c.current_dir(fuzz_dir()).arg("fuzz");
    Ok(c)
}

fn fuzz_run(target: &str, seconds: u64) -> Result<(), String> {
    let corpus = fuzz_dir().join("corpus").join(target);
    let seeds = fuzz_dir().join("seeds").join(target);
    std::fs::create_dir_all(&corpus).map_err(|e| e.to_string())?;
    if !seeds.is_dir() {
        return Err(format!("{target}: no seed corpus at {}", seeds.display()));
    }
    let mut c = cargo_fuzz()?;
    c.args(["run", target])
        .arg(&corpus)
        .arg(&seeds)
        .arg("--")
        .arg(format!("-max_total_time={seconds}"));
    if run(&mut c) {
        Ok(())
    } else {
        Err(format!("fuzz target {target} failed"))
    }
}

fn fuzz_cmd(args: &[String]) -> Result<(), String> {
    let seconds: u64 = opt(args, "--seconds")?.unwrap_or(60);
    let all = fuzz_targets()?;
    let named: Vec<String> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| !a.starts_with("--") && (*i == 0 || args[i - 1] != "--seconds"))
        .map(|(_, a)| a.clone())
        .collect();
    let targets = if named.is_empty() { all.clone() } else { named };
    let mut failed = Vec::new();
    for t in &targets {
        if !all.contains(t) {
            return Err(format!("unknown fuzz target `{t}` (have: {all:?})"));
        }
        if let Err(e) = fuzz_run(t, seconds) {
            failed.push(e);
        }
    }
    println!(
        "{} passed, {} failed",
        targets.len() - failed.len(),
        failed.len()
    );
    if failed.is_empty() {
        Ok(())
    } else {
        Err(failed.join("; "))
    }
}

// ---------------------------------------------------------------- bench

struct Measured {
    group: String,
    function: String,
    ns: f64,
}

fn bench(args: &[String]) -> Result<(), String> {
    let quick = args.iter().any(|a| a == "--quick");
    let report_only = args.iter().any(|a| a == "--report");
    let started = if report_only {
        SystemTime::UNIX_EPOCH
    } else {
        SystemTime::now()
    };
    if !report_only {
        let mut c = cargo();
        c.args(["bench", "--package", "wp-auth-benches", "--benches", "--"]);
        if quick {
            c.args(["--warm-up-time", "0.5", "--measurement-time", "1"]);
        }
        if !run(&mut c) {
            return Err("cargo bench failed".into());
        }
    }
    let results = read_criterion(&root().join("target/criterion"), started);
    if results.is_empty() {
        return Err("no criterion results from this run".into());
    }
    let mut groups: BTreeMap<&str, BTreeMap<&str, f64>> = BTreeMap::new();
    for m in &results {
        groups
            .entry(&m.group)
            .or_default()
            .insert(&m.function, m.ns);
    }

    let mut rows = Vec::new();
    for (group, fns) in &groups {
        let floor = fns.get("floor").copied();
        for (function, ns) in fns {
            let name = match *function {
                "floor" => continue,
                "keyed-once" => (*group).to_owned(),
                other => format!("{group}/{other}"),
            };
            rows.push((name, *ns, floor));
        }
    }

    println!(
        "\n{:<38} {:>10} {:>14} {:>10} {:>7}  target",
        "operation", "ns/op", "ops/s", "floor ns", "ratio"
    );
    let mut ops = Vec::new();
    for (name, ns, floor) in &rows {
        let ratio = floor.map(|f| ns / f);
        let target = TARGETS.iter().find(|(op, _)| op == name).map(|(_, t)| *t);
        let verdict = match (ratio, target) {
            (Some(r), Some(t)) if r <= t => format!("<= {t} ok"),
            (Some(_), Some(t)) => format!("<= {t} MISSED"),
            _ => String::new(),
        };
        println!(
            "{:<38} {:>10.1} {:>14.0} {:>10} {:>7}  {}",
            name,
            ns,
            1e9 / ns,
            floor.map_or("-".into(), |f| format!("{f:.1}")),
            ratio.map_or("-".into(), |r| format!("{r:.3}")),
            verdict
        );
        ops.push(serde_json::json!({
            "name": name,
            "ns_per_op": ns,
            "floor_ns": floor,
            "ratio": ratio,
        }));
    }
    let ns_of = |op: &str| rows.iter().find(|(n, _, _)| n == op).map(|(_, ns, _)| *ns);
    for (op, against, target) in RELATIVE_TARGETS {
        if let (Some(a), Some(b)) = (ns_of(op), ns_of(against)) {
            let r = a / b;
            let verdict = if r <= *target { "ok" } else { "MISSED" };
            println!("{op} / {against}: {r:.3}  (target <= {target} {verdict})");
        }
    }
    let out_dir = root().join("target/xtask");
    std::fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
    let json = serde_json::json!({ "ops": ops });
    let path = out_dir.join("bench.json");
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    println!(
        "\n(median of criterion samples; floor = the raw hash compressions the op cannot avoid; for auth/* the crates' own ops in sequence; same run)\nwrote {}",
        path.display()
    );
    Ok(())
}

/// Criterion's `new/benchmark.json` + `new/estimates.json` written since `since`, at any depth
/// (parameterised benches sit one directory deeper).
fn read_criterion(dir: &Path, since: SystemTime) -> Vec<Measured> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.filter_map(Result::ok) {
            let path = e.path();
            if path.file_name().is_some_and(|n| n == "new") {
                out.extend(read_result(&path, since));
            } else if path.is_dir() && !path.ends_with("report") && !path.ends_with("base") {
                stack.push(path);
            }
        }
    }
    out
}

fn read_result(new: &Path, since: SystemTime) -> Option<Measured> {
    let fresh = std::fs::metadata(new.join("estimates.json"))
        .and_then(|m| m.modified())
        .is_ok_and(|t| t + Duration::from_secs(1) >= since);
    if !fresh {
        return None;
    }
    let read = |name: &str| -> Option<serde_json::Value> {
        serde_json::from_str(&std::fs::read_to_string(new.join(name)).ok()?).ok()
    };
    let (meta, est) = (read("benchmark.json")?, read("estimates.json")?);
    let group = meta["group_id"].as_str()?;
    let function = meta["function_id"].as_str()?;
    let ns = est["median"]["point_estimate"].as_f64()?;
    // Parameterised benches (`BenchmarkId::new(f, n)`) are told apart by their value.
    let function = match meta["value_str"].as_str() {
        Some(v) => format!("{function}/{v}"),
        None => function.to_owned(),
    };
    Some(Measured {
        group: group.to_owned(),
        function,
        ns,
    })
}
