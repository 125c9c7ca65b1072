#![doc = include_str!("../README.md")]

mod commands;
mod input;
mod jwt;
mod proxy;
mod store;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// WordPress authentication from the command line: inspect salts, nonces, cookies, OAuth1
/// signatures, Basic credentials and passwords as WordPress sees them, or run an
/// authenticating reverse proxy in front of a site's REST API.
///
/// Exit codes: 0 accepted (or done), 1 rejected, 2 usage or configuration error.
/// Secrets (passwords, tokens, cookies, hashes) are read from files; `-` is standard input.
/// One trailing newline is removed from each.
#[derive(Parser, Debug)]
#[command(name = "wp-auth", version)]
struct Cli {
    /// Print the result as one JSON object.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// An authenticating reverse proxy for /wp-json/ and ?rest_route= requests.
    Proxy(proxy::ProxyArgs),
    /// Where each of the four salts comes from (constant, fallback, option).
    Salts(SaltsArgs),
    /// `wp_create_nonce()` / `wp_verify_nonce()`.
    #[command(subcommand)]
    Nonce(NonceCommand),
    /// Auth cookies: generate, validate (which WordPress step fails), inspect.
    #[command(subcommand)]
    Cookie(CookieCommand),
    /// OAuth1 as the WordPress OAuth1 plugin signs and checks it.
    #[command(subcommand)]
    Oauth1(OAuth1Command),
    /// HTTP Basic credentials (RFC 7617).
    #[command(subcommand)]
    Basic(BasicCommand),
    /// Account passwords: `wp_check_password()` / `wp_hash_password()`.
    #[command(subcommand)]
    Password(PasswordCommand),
    /// Application passwords: generate, check.
    #[command(subcommand, name = "app-password")]
    AppPassword(AppPasswordCommand),
    /// The JWT plugins' tokens: mint, verify, inspect.
    #[command(subcommand)]
    Jwt(JwtCommand),
}

/// Which WordPress behaviour to follow.
#[derive(Clone, Copy, Debug, Default, ValueEnum)]
enum Version {
    /// WordPress 6.1 to 6.7.
    #[value(name = "6.1")]
    Wp61,
    /// WordPress 6.8 and later.
    #[default]
    #[value(name = "6.8")]
    Wp68,
}

impl Version {
    fn wp(self) -> wp_hash::WpVersion {
        match self {
            Self::Wp61 => wp_hash::WpVersion::Wp61,
            Self::Wp68 => wp_hash::WpVersion::Wp68,
        }
    }
}

/// The site's configuration.
#[derive(Args, Debug, Clone)]
struct SiteArgs {
    /// The site's wp-config.php.
    #[arg(long, value_name = "PATH")]
    wp_config: PathBuf,
    /// A JSON object of site options (`auth_key`, `nonce_salt`, …) for salts WordPress
    /// generated and stored in the database.
    #[arg(long, value_name = "PATH")]
    site_options: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct SaltsArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Print the salt values too.
    #[arg(long)]
    show: bool,
}

#[derive(Args, Debug)]
struct NonceArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The nonce action.
    #[arg(long, default_value = "wp_rest")]
    action: String,
    /// The user ID (0 when logged out).
    #[arg(long, default_value_t = 0)]
    user_id: u64,
    /// A file holding the session token (none when logged out).
    #[arg(long, value_name = "PATH")]
    token_file: Option<PathBuf>,
    /// The time (Unix seconds; now by default).
    #[arg(long)]
    now: Option<u64>,
    /// `nonce_life` in seconds.
    #[arg(long, default_value_t = 86_400)]
    life: u64,
}

#[derive(Subcommand, Debug)]
enum NonceCommand {
    /// Print the nonce WordPress creates.
    Create(NonceArgs),
    /// Check a nonce: which tick it is valid for.
    Verify {
        #[command(flatten)]
        args: NonceArgs,
        /// The nonce to check.
        #[arg(long)]
        nonce: String,
    },
}

/// The cookie schemes.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum CookieScheme {
    /// `wordpress_…` over plain HTTP.
    Auth,
    /// `wordpress_sec_…` over HTTPS.
    SecureAuth,
    /// `wordpress_logged_in_…`.
    LoggedIn,
}

impl CookieScheme {
    fn wp(self) -> wp_cookie::Scheme {
        match self {
            Self::Auth => wp_cookie::Scheme::Auth,
            Self::SecureAuth => wp_cookie::Scheme::SecureAuth,
            Self::LoggedIn => wp_cookie::Scheme::LoggedIn,
        }
    }
}

#[derive(Subcommand, Debug)]
enum CookieCommand {
    /// Print the cookie WordPress sets (`wp_generate_auth_cookie()`).
    Generate {
        #[command(flatten)]
        site: SiteArgs,
        /// The scheme.
        #[arg(long, value_enum, default_value = "logged-in")]
        scheme: CookieScheme,
        /// `user_login`.
        #[arg(long)]
        login: String,
        /// A file holding the user's `user_pass` hash.
        #[arg(long, value_name = "PATH")]
        user_pass_file: PathBuf,
        /// A file holding the session token.
        #[arg(long, value_name = "PATH")]
        token_file: PathBuf,
        /// The expiration (Unix seconds).
        #[arg(long)]
        expiration: u64,
        /// The site URL: also print the cookie's name.
        #[arg(long)]
        siteurl: Option<String>,
        /// WordPress version.
        #[arg(long, value_enum, default_value = "6.8")]
        wp_version: Version,
    },
    /// Run `wp_validate_auth_cookie()`'s steps and say which one fails.
    Validate {
        #[command(flatten)]
        site: SiteArgs,
        /// The scheme.
        #[arg(long, value_enum, default_value = "logged-in")]
        scheme: CookieScheme,
        /// A file holding the cookie value (URL-encoded as browsers send it, or decoded).
        #[arg(long, value_name = "PATH")]
        cookie_file: PathBuf,
        /// The user the cookie names: its ID.
        #[arg(long)]
        user_id: u64,
        /// A file holding that user's `user_pass` hash.
        #[arg(long, value_name = "PATH")]
        user_pass_file: PathBuf,
        /// A file holding the user's `session_tokens` meta as stored (PHP-serialised).
        #[arg(long, value_name = "PATH")]
        session_tokens_file: Option<PathBuf>,
        /// The time (Unix seconds; now by default).
        #[arg(long)]
        now: Option<u64>,
        /// WordPress version.
        #[arg(long, value_enum, default_value = "6.8")]
        wp_version: Version,
    },
    /// Show a cookie's fields and whether it has expired (no keys needed).
    Inspect {
        /// A file holding the cookie value.
        #[arg(long, value_name = "PATH")]
        cookie_file: PathBuf,
        /// The time (Unix seconds; now by default).
        #[arg(long)]
        now: Option<u64>,
    },
}

/// A request as the OAuth1 plugin reads it.
#[derive(Args, Debug)]
struct OAuth1Request {
    /// The site's `home` option.
    #[arg(long)]
    home: String,
    /// The HTTP method.
    #[arg(long, default_value = "GET")]
    method: String,
    /// The request target (path and query), e.g. `/wp-json/wp/v2/users/me`.
    #[arg(long)]
    url: String,
    /// The request arrives over TLS.
    #[arg(long)]
    https: bool,
    /// A file holding a form body (`application/x-www-form-urlencoded`).
    #[arg(long, value_name = "PATH")]
    form_file: Option<PathBuf>,
}

/// The protocol parameters a client sends.
#[derive(Args, Debug)]
struct OAuth1Params {
    /// `oauth_consumer_key`.
    #[arg(long)]
    consumer_key: String,
    /// `oauth_token`.
    #[arg(long)]
    token: Option<String>,
    /// `oauth_signature_method`.
    #[arg(long, default_value = "HMAC-SHA1")]
    signature_method: String,
    /// `oauth_timestamp` (now by default).
    #[arg(long)]
    timestamp: Option<u64>,
    /// `oauth_nonce` (random by default).
    #[arg(long)]
    nonce: Option<String>,
}

/// The secrets a signature is keyed with.
#[derive(Args, Debug)]
struct OAuth1Secrets {
    /// A file holding the consumer secret.
    #[arg(long, value_name = "PATH")]
    consumer_secret_file: PathBuf,
    /// A file holding the token secret.
    #[arg(long, value_name = "PATH")]
    token_secret_file: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum OAuth1Command {
    /// Print the `Authorization` header a client sends.
    Sign {
        #[command(flatten)]
        request: OAuth1Request,
        #[command(flatten)]
        params: OAuth1Params,
        #[command(flatten)]
        secrets: OAuth1Secrets,
    },
    /// Print the signature base string the plugin builds.
    BaseString {
        #[command(flatten)]
        request: OAuth1Request,
        #[command(flatten)]
        params: OAuth1Params,
    },
    /// Check a request's `Authorization` header: signature and timestamp window.
    Verify {
        #[command(flatten)]
        request: OAuth1Request,
        /// A file holding the `Authorization` header value.
        #[arg(long, value_name = "PATH")]
        authorization_file: PathBuf,
        #[command(flatten)]
        secrets: OAuth1Secrets,
        /// The time (Unix seconds; now by default).
        #[arg(long)]
        now: Option<u64>,
        /// The timestamp window in seconds.
        #[arg(long, default_value_t = 900)]
        window: u64,
    },
}

#[derive(Subcommand, Debug)]
enum BasicCommand {
    /// Parse an `Authorization: Basic` value (from a file, default standard input).
    Parse {
        /// A file holding the header value.
        #[arg(long, value_name = "PATH", default_value = "-")]
        header_file: PathBuf,
        /// Print the password too.
        #[arg(long)]
        show: bool,
    },
    /// Write the header value for a user and password.
    Encode {
        /// The user-id.
        #[arg(long)]
        user: String,
        /// A file holding the password.
        #[arg(long, value_name = "PATH")]
        password_file: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum PasswordCommand {
    /// Check a password against a stored hash (`wp_check_password()`).
    Check {
        /// A file holding the password.
        #[arg(long, value_name = "PATH")]
        password_file: PathBuf,
        /// A file holding the stored hash.
        #[arg(long, value_name = "PATH")]
        hash_file: PathBuf,
        /// WordPress version.
        #[arg(long, value_enum, default_value = "6.8")]
        wp_version: Version,
    },
    /// Hash a password as `wp_hash_password()` does (6.8 `$wp$` bcrypt, or 6.1 phpass).
    Hash {
        /// A file holding the password.
        #[arg(long, value_name = "PATH")]
        password_file: PathBuf,
        /// The bcrypt cost.
        #[arg(long, default_value_t = 10)]
        cost: u8,
        /// WordPress version.
        #[arg(long, value_enum, default_value = "6.8")]
        wp_version: Version,
    },
}

#[derive(Subcommand, Debug)]
enum AppPasswordCommand {
    /// A new application password: shown once, with what WordPress stores.
    Generate {
        /// WordPress version (6.8 stores a `$generic$` hash, 6.1 phpass).
        #[arg(long, value_enum, default_value = "6.8")]
        wp_version: Version,
    },
    /// Check an application password against a stored hash or a user's
    /// `_application_passwords` meta.
    Check {
        /// A file holding the password as the client sends it (spaces allowed).
        #[arg(long, value_name = "PATH")]
        password_file: PathBuf,
        /// A file holding one stored hash.
        #[arg(
            long,
            value_name = "PATH",
            conflicts_with = "meta_file",
            required_unless_present = "meta_file"
        )]
        hash_file: Option<PathBuf>,
        /// A file holding the `_application_passwords` user meta (PHP-serialised).
        #[arg(long, value_name = "PATH")]
        meta_file: Option<PathBuf>,
        /// WordPress version.
        #[arg(long, value_enum, default_value = "6.8")]
        wp_version: Version,
    },
}

/// The JWT plugins.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum JwtPlugin {
    /// "JWT Authentication for WP REST API" (Tmeister) 1.3.4.
    Tmeister,
    /// "JWT Auth" (Useful Team) 3.0.2.
    Usefulteam,
}

/// A site running one of the JWT plugins.
#[derive(Args, Debug)]
struct JwtSite {
    /// The plugin.
    #[arg(long, value_enum)]
    plugin: JwtPlugin,
    /// The site's wp-config.php (its JWT_AUTH_SECRET_KEY).
    #[arg(long, value_name = "PATH")]
    wp_config: PathBuf,
    /// The `home` option (the issuer).
    #[arg(long)]
    home: String,
    /// The algorithm the plugin's filter returns.
    #[arg(long, default_value = "HS256")]
    alg: String,
    /// The request arrives over TLS (the issuer switches to https).
    #[arg(long)]
    https: bool,
    /// The time (Unix seconds; now by default).
    #[arg(long)]
    now: Option<i64>,
}

#[derive(Subcommand, Debug)]
enum JwtCommand {
    /// Print the token the plugin's /token endpoint issues for a user.
    Mint {
        #[command(flatten)]
        site: JwtSite,
        /// The user ID.
        #[arg(long)]
        user_id: u64,
        /// Useful Team: the `device` field sent with the login.
        #[arg(long, default_value = "")]
        device: String,
        /// Useful Team: a file holding the user's `jwt_auth_pass` meta.
        #[arg(long, value_name = "PATH")]
        pass_file: Option<PathBuf>,
    },
    /// The plugin's /token/validate answer and its determine_current_user decision.
    Verify {
        #[command(flatten)]
        site: JwtSite,
        /// A file holding the token, or the whole `Authorization` value.
        #[arg(long, value_name = "PATH")]
        token_file: PathBuf,
        /// The site's users (the proxy's store file; Useful Team reads `jwt_auth_pass` and
        /// `jwt_auth_device` from it).
        #[arg(long, value_name = "PATH")]
        store: Option<PathBuf>,
        /// php-jwt's leeway in seconds.
        #[arg(long, default_value_t = 0, allow_hyphen_values = true)]
        leeway: i64,
        /// Also refuse what the plugins' leniency lets through (the strict profile).
        #[arg(long)]
        strict: bool,
    },
    /// Show a token's header and claims (no key needed; nothing is verified).
    Inspect {
        /// A file holding the token.
        #[arg(long, value_name = "PATH")]
        token_file: PathBuf,
    },
}

/// What a command found: accepted or rejected, in words and as JSON.
struct Report {
    accepted: bool,
    text: String,
    json: serde_json::Value,
}

impl Report {
    fn accepted(text: impl Into<String>, json: serde_json::Value) -> Self {
        Self {
            accepted: true,
            text: text.into(),
            json,
        }
    }

    fn rejected(text: impl Into<String>, json: serde_json::Value) -> Self {
        Self {
            accepted: false,
            text: text.into(),
            json,
        }
    }
}

/// A usage or configuration error: the file, line or field at fault, in words.
#[derive(Debug)]
struct Failure(String);

impl<E: core::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Self(e.to_string())
    }
}

fn run(cli: Cli) -> Result<Report, Failure> {
    match cli.command {
        Command::Proxy(args) => proxy::run(&args),
        Command::Salts(a) => commands::salts(&a),
        Command::Nonce(c) => commands::nonce(&c),
        Command::Cookie(c) => commands::cookie(&c),
        Command::Oauth1(c) => commands::oauth1(&c),
        Command::Basic(c) => commands::basic(&c),
        Command::Password(c) => commands::password(&c),
        Command::AppPassword(c) => commands::app_password(&c),
        Command::Jwt(c) => jwt::run(&c),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    let mut out = std::io::stdout().lock();
    match run(cli) {
        Ok(report) => {
            let written = if json {
                writeln!(out, "{}", report.json)
            } else {
                writeln!(out, "{}", report.text)
            };
            if written.is_err() {
                return ExitCode::from(2);
            }
            ExitCode::from(u8::from(!report.accepted))
        }
        Err(Failure(message)) => {
            if json {
                let _ = writeln!(out, "{}", serde_json::json!({ "error": message }));
            }
            let _ = writeln!(std::io::stderr(), "wp-auth: error: {message}");
            ExitCode::from(2)
        }
    }
}
