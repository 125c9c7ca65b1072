//! A real WordPress serving real HTTP on loopback: Debian's `wordpress` files (copied, with a
//! `wp-config.php` of fake test salts), installed into a private MariaDB (`mariadb-server`,
//! unix socket only, no network), served by PHP's built-in server (`php-cli`).
//!
//! [`wordpress_site`] follows [`crate::oracle::required`]: when the components are missing it
//! fails the test under CI / `WP_AUTH_ORACLES=1`, and otherwise skips it loudly.
//!
//! Overrides: `WP_AUTH_PHP`, `WP_AUTH_WORDPRESS` (as the oracle), `WP_AUTH_MARIADBD` (default
//! `/usr/sbin/mariadbd`), `WP_AUTH_MARIADB_INSTALL_DB` (default `mariadb-install-db`).

use std::io::Write as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub use crate::http::Response;
use crate::oracle::required;

/// The fake salts the site's `wp-config.php` defines (obviously not secrets).
pub const TEST_SALTS: [(&str, &str); 8] = [
    ("AUTH_KEY", "wp-auth test AUTH_KEY (fake)"),
    ("SECURE_AUTH_KEY", "wp-auth test SECURE_AUTH_KEY (fake)"),
    ("LOGGED_IN_KEY", "wp-auth test LOGGED_IN_KEY (fake)"),
    ("NONCE_KEY", "wp-auth test NONCE_KEY (fake)"),
    ("AUTH_SALT", "wp-auth test AUTH_SALT (fake)"),
    ("SECURE_AUTH_SALT", "wp-auth test SECURE_AUTH_SALT (fake)"),
    ("LOGGED_IN_SALT", "wp-auth test LOGGED_IN_SALT (fake)"),
    ("NONCE_SALT", "wp-auth test NONCE_SALT (fake)"),
];

/// A running site. Dropping it stops the servers and removes its files.
#[derive(Debug)]
pub struct WordPressSite {
    dir: PathBuf,
    php: PathBuf,
    addr: SocketAddr,
    db: Child,
    server: Child,
}

fn tool(var: &str, default: &str) -> PathBuf {
    PathBuf::from(std::env::var_os(var).unwrap_or_else(|| default.into()))
}

/// Why the site cannot start, or its parts.
fn probe() -> Result<(PathBuf, PathBuf, PathBuf, PathBuf), String> {
    let php = tool("WP_AUTH_PHP", "php");
    let wordpress = tool("WP_AUTH_WORDPRESS", "/usr/share/wordpress");
    let mariadbd = tool("WP_AUTH_MARIADBD", "/usr/sbin/mariadbd");
    let install_db = tool("WP_AUTH_MARIADB_INSTALL_DB", "mariadb-install-db");
    if !crate::oracle::php_has_module(&php, "mysqli")? {
        return Err("PHP lacks mysqli: apt-get install php-mysql".into());
    }
    if !wordpress.join("wp-settings.php").is_file() {
        return Err(format!(
            "no WordPress at {}: apt-get install wordpress",
            wordpress.display()
        ));
    }
    if !mariadbd.is_file() {
        return Err(format!(
            "no MariaDB server at {}: apt-get install mariadb-server",
            mariadbd.display()
        ));
    }
    Command::new(&install_db)
        .arg("--help")
        .output()
        .map_err(|e| {
            format!(
                "cannot run `{}` ({e}): apt-get install mariadb-server",
                install_db.display()
            )
        })?;
    Ok((php, wordpress, mariadbd, install_db))
}

/// A freshly installed site, or `None` (after a loud notice) when its components are missing
/// and not required.
///
/// # Panics
/// When the components are missing and [`required`] is true, or the site fails to start.
#[must_use]
pub fn wordpress_site(test: &str) -> Option<WordPressSite> {
    site(test, Config::Test)
}

/// [`wordpress_site`] whose `wp-config.php` WordPress's own installer wrote
/// (`wp-admin/setup-config.php`, step 2, over HTTP: salts it generated, since it cannot reach
/// api.wordpress.org from here).
///
/// # Panics
/// As [`wordpress_site`].
#[must_use]
pub fn wordpress_site_from_installer(test: &str) -> Option<WordPressSite> {
    site(test, Config::Installer)
}

/// Who writes the site's `wp-config.php`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Config {
    /// This module, with [`TEST_SALTS`] and the `X-Test-Https` line.
    Test,
    /// WordPress's installer.
    Installer,
}

fn site(test: &str, config: Config) -> Option<WordPressSite> {
    match probe() {
        Ok((php, wordpress, mariadbd, install_db)) => Some(WordPressSite::start(
            test,
            config,
            &php,
            &wordpress,
            &mariadbd,
            &install_db,
        )),
        Err(why) if required() => panic!(
            "{test}: a real WordPress is required here (CI / WP_AUTH_ORACLES) but cannot start: {why}"
        ),
        Err(why) => {
            eprintln!(
                "\n*** SKIPPED {test}: {why}.\n*** Install php-cli, php-mysql, wordpress and mariadb-server (as .ci/run does) and run with WP_AUTH_ORACLES=1 to enforce.\n"
            );
            None
        }
    }
}

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    l.local_addr().expect("bound").port()
}

fn wait_until(what: &str, timeout: Duration, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < timeout,
            "{what} did not start within {timeout:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn run_ok(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn copy_tree(from: &Path, to: &Path) {
    run_ok(Command::new("cp").arg("-rL").arg(from).arg(to));
}

impl WordPressSite {
    fn start(
        test: &str,
        setup: Config,
        php: &Path,
        wordpress: &Path,
        mariadbd: &Path,
        install_db: &Path,
    ) -> Self {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "wp-auth-site-{}-{}-{stamp}",
            test.replace(|c: char| !c.is_ascii_alphanumeric(), "_"),
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("create the site's directory");
        let datadir = dir.join("db");
        let socket = dir.join("mysql.sock");
        // A private tmpdir: concurrent bootstraps in one /tmp collide on their temporary
        // tables ("Unknown table 'mysql.tmp_user_sys'").
        let tmpdir = dir.join("tmp");
        std::fs::create_dir_all(&tmpdir).expect("create the database's tmpdir");
        run_ok(
            Command::new(install_db)
                .arg("--no-defaults")
                .arg(format!("--datadir={}", datadir.display()))
                .arg(format!("--tmpdir={}", tmpdir.display()))
                .args([
                    "--auth-root-authentication-method=normal",
                    "--skip-test-db",
                    "--user=root",
                ]),
        );
        let db = Command::new(mariadbd)
            .arg("--no-defaults")
            .arg(format!("--datadir={}", datadir.display()))
            .arg(format!("--socket={}", socket.display()))
            .arg(format!("--tmpdir={}", tmpdir.display()))
            .arg(format!("--pid-file={}", dir.join("db.pid").display()))
            .arg(format!("--log-error={}", dir.join("db.err").display()))
            .args([
                "--skip-networking",
                "--skip-grant-tables",
                "--user=root",
                "--innodb-buffer-pool-size=16M",
                "--performance-schema=OFF",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("start mariadbd");
        let mut site_db = Some(db);
        wait_until("MariaDB", Duration::from_secs(60), || socket.exists());
        let root = dir.join("wp");
        copy_tree(wordpress, &root);
        let _ = std::fs::remove_file(root.join(".htaccess"));
        let port = free_port();
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let mut config =
            String::from("<?php\n// The wp-auth test site (fake salts, loopback only).\n");
        config += "define( 'DB_NAME', 'wp' );\ndefine( 'DB_USER', 'root' );\ndefine( 'DB_PASSWORD', '' );\n";
        config += &format!("define( 'DB_HOST', 'localhost:{}' );\n", socket.display());
        config += "define( 'DB_CHARSET', 'utf8mb4' );\ndefine( 'DB_COLLATE', '' );\n";
        for (name, value) in TEST_SALTS {
            config += &format!("define( '{name}', '{value}' );\n");
        }
        config += "$table_prefix = 'wp_';\n";
        // How sites behind a TLS-terminating proxy tell WordPress the request was HTTPS.
        config += "if ( isset( $_SERVER['HTTP_X_TEST_HTTPS'] ) ) { $_SERVER['HTTPS'] = 'on'; }\n";
        config += "if ( ! defined( 'ABSPATH' ) ) { define( 'ABSPATH', __DIR__ . '/' ); }\n";
        config += "require_once ABSPATH . 'wp-settings.php';\n";
        if setup == Config::Test {
            std::fs::write(root.join("wp-config.php"), config).expect("write wp-config.php");
        } else {
            let _ = std::fs::remove_file(root.join("wp-config.php"));
        }
        run_ok(
            Command::new(find_mariadb_client())
                .arg(format!("--socket={}", socket.display()))
                .args(["-e", "CREATE DATABASE wp"]),
        );
        let server = Command::new(php)
            .env("PHP_CLI_SERVER_WORKERS", "2")
            // php-uopz (installed for the oracles) makes exit() a no-op; WordPress needs it.
            .args(["-d", "uopz.disable=1", "-S"])
            .arg(addr.to_string())
            .arg("-t")
            .arg(&root)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("start php -S");
        let site = Self {
            dir,
            php: php.to_path_buf(),
            addr,
            db: site_db.take().expect("started above"),
            server,
        };
        wait_until("php -S", Duration::from_secs(30), || {
            TcpStream::connect(addr).is_ok()
        });
        if setup == Config::Installer {
            let body = format!(
                "dbname=wp&uname=root&pwd=&dbhost=localhost%3A{}&prefix=wp_&language=&submit=Submit",
                socket.display().to_string().replace('/', "%2F")
            );
            let resp = site.request(
                "POST",
                b"/wp-admin/setup-config.php?step=2",
                &[("Content-Type", b"application/x-www-form-urlencoded")],
                body.as_bytes(),
            );
            assert!(
                resp.status == 200 && site.root().join("wp-config.php").is_file(),
                "setup-config.php wrote no wp-config.php ({}): {}",
                resp.status,
                String::from_utf8_lossy(&resp.body)
            );
        }
        let install = site.dir.join("install.php");
        std::fs::write(&install, INSTALL_PHP).expect("write install.php");
        run_ok(
            Command::new(php)
                .arg(&install)
                .arg(site.root())
                .arg(addr.to_string()),
        );
        site
    }

    /// The WordPress directory (its `wp-config.php` is the site's).
    #[must_use]
    pub fn root(&self) -> PathBuf {
        self.dir.join("wp")
    }

    /// The MariaDB unix socket (database `wp`, user `root`, no password, tables `wp_*`).
    #[must_use]
    pub fn mysql_socket(&self) -> PathBuf {
        self.dir.join("mysql.sock")
    }

    /// `http://127.0.0.1:<port>`: the `siteurl` and `home` options.
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Adds a must-use plugin.
    ///
    /// # Panics
    /// When it cannot be written.
    pub fn add_mu_plugin(&self, name: &str, php: &str) {
        let dir = self.root().join("wp-content/mu-plugins");
        std::fs::create_dir_all(&dir).expect("create mu-plugins");
        std::fs::write(dir.join(name), php).expect("write the mu-plugin");
    }

    /// Runs a PHP script with the WordPress directory as its first argument and `input` on
    /// standard input (WordPress's own functions against the site's database).
    ///
    /// # Panics
    /// When PHP fails.
    #[must_use]
    pub fn php(&self, script: &Path, input: &[u8]) -> String {
        let mut child = Command::new(&self.php)
            .args(["-d", "error_reporting=E_ALL", "-d", "uopz.disable=1"])
            .arg(script)
            .arg(self.root())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start php");
        let mut stdin = child.stdin.take().expect("piped");
        let input = input.to_vec();
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let out = child.wait_with_output().expect("php ran");
        let _ = writer.join();
        assert!(
            out.status.success(),
            "php {} failed:\n{}\n{}",
            script.display(),
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stdout).expect("php output is UTF-8")
    }

    /// Sends one HTTP/1.0 request (`target` is the path and query) and reads the response.
    ///
    /// # Panics
    /// When the server cannot be reached or answers garbage.
    #[must_use]
    pub fn request(
        &self,
        method: &str,
        target: &[u8],
        headers: &[(&str, &[u8])],
        body: &[u8],
    ) -> Response {
        crate::http::request(self.addr, method, target, headers, body)
    }
}

fn find_mariadb_client() -> PathBuf {
    tool("WP_AUTH_MARIADB", "mariadb")
}

impl Drop for WordPressSite {
    fn drop(&mut self) {
        // Each server leads its own process group (php -S forks its workers).
        for child in [&mut self.server, &mut self.db] {
            let _ = Command::new("kill")
                .args(["-s", "KILL", "--"])
                .arg(format!("-{}", child.id()))
                .status();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Installs WordPress into the empty database (`wp_install()`), `siteurl` and `home` set to
/// the server's address.
const INSTALL_PHP: &str = r"<?php
define('WP_INSTALLING', true);
$_SERVER['HTTP_HOST'] = $argv[2];
$_SERVER['REQUEST_URI'] = '/';
require rtrim($argv[1], '/') . '/wp-load.php';
require ABSPATH . 'wp-admin/includes/upgrade.php';
wp_install('wp-auth test site', 'admin', 'admin@example.com', false, '', 'admin-password (fake)');
update_option('siteurl', 'http://' . $argv[2]);
update_option('home', 'http://' . $argv[2]);
";
