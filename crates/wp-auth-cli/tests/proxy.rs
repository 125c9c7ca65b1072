//! `wp-auth proxy`, the real binary, in front of a stub upstream over loopback: each method
//! (cookie + nonce, application password, OAuth1, anonymous), valid and failing, with
//! WordPress's status, JSON and headers; what reaches the upstream (the user header, never a
//! spoofed one; bodies unchanged); the body limit; non-REST requests; an unreachable
//! upstream; graceful shutdown.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use core::net::SocketAddr;
use core::time::Duration;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use wp_auth::Keys;
use wp_cookie::session::SessionTokens;
use wp_testkit::fixtures::{FakeSalts, oauth1_plugin_header};
use wp_testkit::http::{Response, request};

const SITE: &str = "https://example.com";
const ME: &[u8] = b"/wp-json/wp/v2/users/me";
const USER_PASS: &[u8] = b"$P$BabcdefghijklmnopqrstuvwxyzABCD";
const TOKEN: &[u8] = b"sessiontokensessiontokensessiontokensession";
const APP: &[u8] = b"abcdEFGHijklMNOPqrstUVWX";

fn now() -> u64 {
    wp_auth::unix_now()
}

/// A PHP `serialize()`d string.
fn php_str(s: &str) -> String {
    format!("s:{}:\"{s}\";", s.len())
}

/// A directory with the site's wp-config.php and store file.
fn site_files(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wp-auth-proxy-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut config = String::from("<?php\n");
    for c in wp_auth::config::SALT_CONSTANTS {
        config += &format!("define( '{c}', 'fake {c}' );\n");
    }
    std::fs::write(dir.join("wp-config.php"), config).unwrap();
    let mut sessions = SessionTokens::new();
    sessions.create(now(), TOKEN, (now() + 86_400) as i64, b"127.0.0.1", b"test");
    let hash = String::from_utf8(wp_password::fast_hash(APP).to_vec()).unwrap();
    let apps = format!(
        "a:1:{{i:0;a:4:{{{}{}{}{}{}{}{}N;}}}}",
        php_str("uuid"),
        php_str("0eb868ca-56c0-43c0-98e9-8a86af985fb2"),
        php_str("password"),
        php_str(&hash),
        php_str("name"),
        php_str("test"),
        php_str("last_used"),
    );
    let store = serde_json::json!({
        "users": [{
            "id": 1, "login": "admin", "email": "admin@example.com",
            "user_pass": String::from_utf8(USER_PASS.to_vec()).unwrap(),
            "session_tokens": String::from_utf8(sessions.to_php().serialize()).unwrap(),
            "application_passwords": apps,
        }],
        "oauth1_consumers": [{ "key": "ck", "id": 10, "secret": "consumer-secret" }],
        "oauth1_tokens": [{ "key": "tk", "consumer_id": 10, "user_id": 1, "secret": "token-secret" }],
    });
    std::fs::write(dir.join("store.json"), store.to_string()).unwrap();
    dir
}

/// The stub upstream: answers every request with what it received.
struct Upstream {
    addr: SocketAddr,
}

fn read_request(stream: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if line == "\r\n" {
            break;
        }
        head += &line;
    }
    let header = |name: &str| {
        head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    };
    let mut body = Vec::new();
    if let Some(n) = header("content-length") {
        body.resize(n.parse().ok()?, 0);
        reader.read_exact(&mut body).ok()?;
    } else if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).ok()?;
            let n = usize::from_str_radix(size.trim(), 16).ok()?;
            let mut chunk = vec![0; n + 2];
            reader.read_exact(&mut chunk).ok()?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    }
    Some((head, body))
}

fn upstream() -> Upstream {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                while let Some((head, body)) = read_request(&mut stream) {
                    let request_line = head.lines().next().unwrap_or("").to_owned();
                    let user = head
                        .lines()
                        .find_map(|l| l.strip_prefix("x-wp-auth-user: "))
                        .unwrap_or("-")
                        .to_owned();
                    let mut out = format!("{request_line}\nuser: {user}\n\n").into_bytes();
                    out.extend_from_slice(&body);
                    let resp = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Upstream: stub\r\nContent-Length: {}\r\n\r\n",
                        out.len()
                    );
                    if stream.write_all(resp.as_bytes()).is_err() || stream.write_all(&out).is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    Upstream { addr }
}

struct Proxy {
    child: Child,
    addr: SocketAddr,
    log: Arc<Mutex<String>>,
}

impl Proxy {
    fn start(dir: &Path, upstream: &str, extra: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wp-auth"))
            .arg("proxy")
            .arg("--wp-config")
            .arg(dir.join("wp-config.php"))
            .arg("--store")
            .arg(dir.join("store.json"))
            .args([
                "--siteurl",
                SITE,
                "--upstream",
                upstream,
                "--listen",
                "127.0.0.1:0",
            ])
            .args(["--https", "--oauth1", "--body-limit", "1024", "--verbose"])
            .args(extra)
            .stderr(Stdio::piped())
            .spawn()
            .expect("start wp-auth proxy");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let addr = loop {
            let line = lines
                .next()
                .expect("the proxy exited before listening")
                .unwrap();
            if let Some(a) = line.strip_prefix("wp-auth proxy listening on http://") {
                break a.parse().unwrap();
            }
        };
        let log = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let mut l = sink.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
        Self { child, addr, log }
    }

    fn get(&self, target: &[u8], headers: &[(&str, &[u8])]) -> Response {
        request(self.addr, "GET", target, headers, b"")
    }

    /// SIGTERM, and the exit status.
    fn stop(mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-s", "TERM", &self.child.id().to_string()])
            .status();
        let status = self.child.wait().unwrap();
        // Let the log thread read the last lines.
        std::thread::sleep(Duration::from_millis(100));
        status
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Client {
    cookie: Vec<u8>,
    nonce: Vec<u8>,
}

fn client() -> Client {
    let keys = Keys::from_source(&FakeSalts).unwrap();
    let t = now();
    let cookie = wp_cookie::generate(
        &keys.logged_in,
        b"admin",
        USER_PASS,
        t + 86_400,
        TOKEN,
        wp_auth::WpVersion::Wp68,
    );
    let names = wp_cookie::site::CookieNames::new(SITE.as_bytes());
    let cookie = [
        names.logged_in().to_string().as_bytes(),
        b"=",
        &cookie.to_vec(),
    ]
    .concat();
    let nonce = wp_nonce::create(&keys.nonce, t, &wp_nonce::Context::new("wp_rest", 1, TOKEN));
    Client {
        cookie,
        nonce: nonce.as_bytes().to_vec(),
    }
}

fn basic(login: &str, pw: &[u8]) -> Vec<u8> {
    let creds = [login.as_bytes(), b":", pw].concat();
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(creds)
    )
    .into_bytes()
}

fn oauth1(nonce: &str, consumer_secret: &[u8]) -> Vec<u8> {
    let params = format!(
        "oauth_consumer_key=\"ck\", oauth_token=\"tk\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"{}\", oauth_nonce=\"{nonce}\", oauth_version=\"1.0\"",
        now()
    );
    oauth1_plugin_header(
        SITE.as_bytes(),
        ME,
        &params,
        consumer_secret,
        b"token-secret",
    )
}

#[track_caller]
fn upstream_saw(r: &Response, request_line: &str, user: &str) {
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(
        r.header("x-upstream"),
        Some(&b"stub"[..]),
        "not from the upstream"
    );
    let body = String::from_utf8_lossy(&r.body);
    assert!(
        body.starts_with(&format!("{request_line}\nuser: {user}\n\n")),
        "{body}"
    );
}

#[track_caller]
fn rejected(r: &Response, status: u16, code: &str) {
    assert_eq!(r.status, status, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(
        r.header("content-type"),
        Some(&b"application/json; charset=UTF-8"[..])
    );
    assert_eq!(r.header("x-upstream"), None, "the upstream was reached");
    assert_eq!(r.json()["code"], code);
    assert_eq!(r.json()["data"]["status"], status);
}

#[test]
fn the_proxy_decides_as_wordpress_and_forwards_the_rest() {
    let dir = site_files("main");
    let up = upstream();
    let proxy = Proxy::start(&dir, &format!("http://{}", up.addr), &[]);
    let c = client();
    let cookie: &[u8] = &c.cookie;

    let health = proxy.get(b"/healthz", &[]);
    assert_eq!((health.status, &health.body[..]), (200, &b"ok\n"[..]));

    // Cookie + nonce: forwarded with the user; WordPress's headers on the response.
    let ok = proxy.get(ME, &[("Cookie", cookie), ("X-WP-Nonce", &c.nonce)]);
    upstream_saw(&ok, "GET /wp-json/wp/v2/users/me HTTP/1.1", "1");
    assert_eq!(ok.header("x-wp-nonce"), Some(&c.nonce[..]));
    assert_eq!(
        ok.header("cache-control"),
        Some(&b"no-cache, must-revalidate, max-age=0, no-store, private"[..])
    );
    rejected(
        &proxy.get(ME, &[("Cookie", cookie), ("X-WP-Nonce", b"0123456789")]),
        403,
        "rest_cookie_invalid_nonce",
    );
    // The same through ?rest_route=.
    rejected(
        &proxy.get(
            b"/index.php?rest_route=/wp/v2/users/me",
            &[("Cookie", cookie), ("X-WP-Nonce", b"0123456789")],
        ),
        403,
        "rest_cookie_invalid_nonce",
    );
    // Anonymous: forwarded, and a user header the client made up is not.
    upstream_saw(
        &proxy.get(ME, &[("X-WP-Auth-User", b"99")]),
        "GET /wp-json/wp/v2/users/me HTTP/1.1",
        "-",
    );

    // Application passwords.
    upstream_saw(
        &proxy.get(ME, &[("Authorization", &basic("admin", APP))]),
        "GET /wp-json/wp/v2/users/me HTTP/1.1",
        "1",
    );
    // A stock site forgets a failed one: forwarded as anonymous.
    upstream_saw(
        &proxy.get(ME, &[("Authorization", &basic("admin", b"wrong"))]),
        "GET /wp-json/wp/v2/users/me HTTP/1.1",
        "-",
    );

    // OAuth1, then its replay, then a forgery.
    let signed = oauth1("proxy-1", b"consumer-secret");
    upstream_saw(
        &proxy.get(ME, &[("Authorization", &signed)]),
        "GET /wp-json/wp/v2/users/me HTTP/1.1",
        "1",
    );
    rejected(
        &proxy.get(ME, &[("Authorization", &signed)]),
        401,
        "json_oauth1_nonce_already_used",
    );
    rejected(
        &proxy.get(ME, &[("Authorization", &oauth1("proxy-2", b"wrong"))]),
        401,
        "json_oauth1_signature_mismatch",
    );

    // Not the REST API: forwarded whatever it carries.
    upstream_saw(
        &proxy.get(
            b"/wp-login.php?action=lostpassword",
            &[("Cookie", cookie), ("X-WP-Nonce", b"0123456789")],
        ),
        "GET /wp-login.php?action=lostpassword HTTP/1.1",
        "-",
    );

    // Bodies: a form read for its _wpnonce and forwarded unchanged; too large a form; any
    // other body passed through unread.
    let form = [b"title=a%20b&_wpnonce=".as_slice(), &c.nonce].concat();
    let form_type: (&str, &[u8]) = ("Content-Type", b"application/x-www-form-urlencoded");
    let r = request(
        proxy.addr,
        "POST",
        b"/wp-json/wp/v2/posts",
        &[("Cookie", cookie), form_type],
        &form,
    );
    upstream_saw(&r, "POST /wp-json/wp/v2/posts HTTP/1.1", "1");
    assert!(r.body.ends_with(&form), "the form body changed");
    rejected(
        &request(
            proxy.addr,
            "POST",
            b"/wp-json/wp/v2/posts",
            &[form_type],
            &[b'a'; 2000],
        ),
        413,
        "wp_auth_body_too_large",
    );
    let json_body = vec![b'['; 5000];
    let r = request(
        proxy.addr,
        "POST",
        b"/wp-json/wp/v2/posts",
        &[("Content-Type", b"application/json")],
        &json_body,
    );
    upstream_saw(&r, "POST /wp-json/wp/v2/posts HTTP/1.1", "-");
    assert!(r.body.ends_with(&json_body));

    // The log names decisions, never credentials; SIGTERM ends it cleanly.
    let log = Arc::clone(&proxy.log);
    assert!(proxy.stop().success(), "graceful shutdown exits 0");
    let log = log.lock().unwrap().clone();
    assert!(log.contains("code=\"rest_cookie_invalid_nonce\""), "{log}");
    assert!(log.contains("outcome=\"oauth1\" user_id=1"), "{log}");
    assert!(log.contains("shutting down"), "{log}");
    for secret in [
        String::from_utf8_lossy(&c.nonce).into_owned(),
        String::from_utf8_lossy(APP).into_owned(),
        "oauth_signature".into(),
    ] {
        assert!(!log.contains(&secret), "{secret} in the log");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_early_user_site_answers_application_password_failures() {
    let dir = site_files("early");
    let up = upstream();
    let proxy = Proxy::start(&dir, &format!("http://{}", up.addr), &["--early-user"]);
    rejected(
        &proxy.get(ME, &[("Authorization", &basic("admin", b"wrong"))]),
        401,
        "incorrect_password",
    );
    rejected(
        &proxy.get(ME, &[("Authorization", &basic("nobody", APP))]),
        401,
        "invalid_username",
    );
    upstream_saw(
        &proxy.get(ME, &[("Authorization", &basic("admin@example.com", APP))]),
        "GET /wp-json/wp/v2/users/me HTTP/1.1",
        "1",
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn jwt_tokens_through_the_proxy() {
    let dir = site_files("jwt");
    let mut config = std::fs::read_to_string(dir.join("wp-config.php")).unwrap();
    config += "define( 'JWT_AUTH_SECRET_KEY', 'proxy-jwt-secret' );\n";
    std::fs::write(dir.join("wp-config.php"), config).unwrap();
    let up = upstream();
    let proxy = Proxy::start(&dir, &format!("http://{}", up.addr), &["--jwt", "tmeister"]);
    let cfg = wp_jwt::Config::new(
        wp_jwt::Profile::Tmeister,
        Some(b"proxy-jwt-secret"),
        b"HS256",
        SITE.as_bytes(),
    );
    let now = i64::try_from(now()).unwrap();
    let mut out = [0u8; 1024];
    let valid = format!(
        "Bearer {}",
        wp_jwt::mint_tmeister(&cfg, true, now - 60, 1, &mut out).unwrap()
    );
    upstream_saw(
        &proxy.get(ME, &[("Authorization", valid.as_bytes())]),
        "GET /wp-json/wp/v2/users/me HTTP/1.1",
        "1",
    );
    let expired = format!(
        "Bearer {}",
        wp_jwt::mint_tmeister(&cfg, true, now - 700_000, 1, &mut out).unwrap()
    );
    // Tmeister answers every REST route with its error, public ones too.
    rejected(
        &proxy.get(b"/wp-json/", &[("Authorization", expired.as_bytes())]),
        403,
        "jwt_auth_invalid_token",
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// The proxy with the site's own database (`--mysql`): a real WordPress installed into
/// MariaDB, its users, sessions and application passwords made by WordPress's functions.
#[test]
fn the_proxy_reads_the_wordpress_database() {
    let Some(site) = wp_testkit::site::wordpress_site("the_proxy_reads_the_wordpress_database")
    else {
        return;
    };
    let plan = "erin\terin@example.com\tpw-erin\t86400:0,86400:1\t0,1\n";
    let out = site.php(Path::new("../wp-auth/tests/live/mint.php"), plan.as_bytes());
    let minted: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let erin = &minted["users"][0];
    let id = erin["id"].as_u64().unwrap().to_string();
    let up = upstream();
    let url = format!(
        "mysql://root@localhost/wp?socket={}",
        site.mysql_socket().display()
    );
    let siteurl = minted["siteurl"].as_str().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wp-auth"))
        .arg("proxy")
        .arg("--wp-config")
        .arg(site.root().join("wp-config.php"))
        .args(["--mysql", &url, "--siteurl", siteurl, "--upstream"])
        .arg(format!("http://{}", up.addr))
        .args(["--listen", "127.0.0.1:0", "--https", "--wp-version", "6.1"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr: SocketAddr = loop {
        let line = lines.next().expect("the proxy exited").unwrap();
        if let Some(a) = line.strip_prefix("wp-auth proxy listening on http://") {
            break a.parse().unwrap();
        }
    };
    let cookie_name = minted["logged_in_cookie"].as_str().unwrap();
    for session in erin["sessions"].as_array().unwrap() {
        let cookie = format!(
            "{cookie_name}={}",
            session["cookies"]["logged_in"]
                .as_str()
                .unwrap()
                .replace('|', "%7C")
        );
        let nonce = session["nonce"].as_str().unwrap();
        let r = request(
            addr,
            "GET",
            ME,
            &[
                ("Cookie", cookie.as_bytes()),
                ("X-WP-Nonce", nonce.as_bytes()),
            ],
            b"",
        );
        if session["destroyed"].as_bool().unwrap() {
            // Logged out: the nonce is then checked as a visitor's and fails.
            rejected(&r, 403, "rest_cookie_invalid_nonce");
        } else {
            upstream_saw(&r, "GET /wp-json/wp/v2/users/me HTTP/1.1", &id);
        }
    }
    for app in erin["apps"].as_array().unwrap() {
        let header = basic("erin", app["password"].as_str().unwrap().as_bytes());
        let r = request(addr, "GET", ME, &[("Authorization", &header)], b"");
        let who = if app["revoked"].as_bool().unwrap() {
            "-"
        } else {
            id.as_str()
        };
        upstream_saw(&r, "GET /wp-json/wp/v2/users/me HTTP/1.1", who);
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn an_unreachable_upstream_is_a_502() {
    let dir = site_files("down");
    // A port nothing listens on.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let proxy = Proxy::start(&dir, &format!("http://127.0.0.1:{port}"), &[]);
    rejected(&proxy.get(ME, &[]), 502, "wp_auth_upstream_unavailable");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bad_configuration_is_exit_code_2_naming_the_fault() {
    let dir = site_files("config");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_wp-auth"))
            .arg("proxy")
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let config = dir.join("wp-config.php");
    let store = dir.join("store.json");
    let (config, store) = (config.to_str().unwrap(), store.to_str().unwrap());
    let (code, err) = run(&[
        "--wp-config",
        config,
        "--store",
        "/nonexistent/store.json",
        "--siteurl",
        SITE,
        "--upstream",
        "http://127.0.0.1:9",
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("/nonexistent/store.json"), "{err}");
    std::fs::write(dir.join("bad-store.json"), r#"{"users":[{"id":"one"}]}"#).unwrap();
    let bad = dir.join("bad-store.json");
    let (code, err) = run(&[
        "--wp-config",
        config,
        "--store",
        bad.to_str().unwrap(),
        "--siteurl",
        SITE,
        "--upstream",
        "http://127.0.0.1:9",
    ]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("users[0].id: expected a non-negative integer"),
        "{err}"
    );
    let (code, err) = run(&[
        "--wp-config",
        config,
        "--store",
        store,
        "--siteurl",
        SITE,
        "--upstream",
        "https://example.com",
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--upstream"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}
