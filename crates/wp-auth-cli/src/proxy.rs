//! `wp-auth proxy`: an authenticating reverse proxy for a WordPress site's REST API, on hyper.
//!
//! REST requests (`/wp-json/…`, or any path with a `rest_route` query parameter) are decided
//! by the `wp-auth` tower layer: what WordPress would reject is answered here with
//! WordPress's JSON error; the rest goes to the upstream unchanged but for the hop-by-hop
//! headers and the user header (set to the user ID when one authenticated, removed from what
//! the client sent in every case). Other requests (pages, `wp-login.php`) are forwarded as
//! they are. `/healthz` answers `ok`.

use core::convert::Infallible;
use core::future::Future;
use core::net::SocketAddr;
use core::pin::Pin;
use core::task::{Context, Poll};
use core::time::Duration;
use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use clap::Args;
use http::header::{HeaderName, HeaderValue};
use http::{Request, Response, StatusCode, Uri};
use http_body::Body;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt as _, Either, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use tower_service::Service;
use wp_auth::tower::{RequestBody, WpAuth, WpAuthLayer};
use wp_auth::{AsyncStore, Config, OAuth1, Outcome, UserDetermined};

use crate::input::Site;
use crate::{Failure, Report, SiteArgs, Version};

type BoxError = Box<dyn core::error::Error + Send + Sync>;
type ProxyBody = UnsyncBoxBody<Bytes, BoxError>;
type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

#[derive(Args, Debug)]
pub(crate) struct ProxyArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The `siteurl` option (cookie names derive from it).
    #[arg(long)]
    siteurl: String,
    /// The `home` option (OAuth1 signatures cover it; `siteurl` by default).
    #[arg(long)]
    home: Option<String>,
    /// The site's users, sessions, application passwords and OAuth1 grants (JSON; see the
    /// crate docs).
    #[arg(
        long,
        value_name = "PATH",
        required_unless_present = "mysql",
        conflicts_with = "mysql"
    )]
    store: Option<PathBuf>,
    /// The site's database instead: `mysql://user:password@host:port/database` (a unix
    /// socket with `?socket=/path/mysqld.sock`); tables named with wp-config.php's
    /// `$table_prefix`.
    #[arg(long, value_name = "URL")]
    mysql: Option<String>,
    /// With --mysql: keep database answers this many seconds (0: never; a logout or revoked
    /// password is then seen within this time).
    #[arg(long, default_value_t = 0, value_name = "SECONDS")]
    cache_ttl: u64,
    /// WordPress, as `http://host:port` (plain HTTP).
    #[arg(long)]
    upstream: String,
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The request header that carries the authenticated user's ID to WordPress.
    #[arg(long, default_value = "X-WP-Auth-User")]
    user_header: String,
    /// The largest form body read, in bytes (413 beyond it).
    #[arg(long, default_value_t = wp_auth::tower::DEFAULT_BODY_LIMIT)]
    body_limit: usize,
    /// Requests reach the proxy over TLS (a TLS terminator in front; WordPress's `is_ssl()`
    /// is true).
    #[arg(long)]
    https: bool,
    /// `wp_get_environment_type()` is `local`: application passwords over plain HTTP too.
    #[arg(long)]
    local_environment: bool,
    /// Something on the site determines the user early (application password failures are
    /// answered with their own 401 errors).
    #[arg(long)]
    early_user: bool,
    /// The OAuth1 plugin is active.
    #[arg(long)]
    oauth1: bool,
    /// A JWT plugin is active (its secret is wp-config.php's JWT_AUTH_SECRET_KEY).
    #[arg(long, value_enum)]
    jwt: Option<crate::JwtPlugin>,
    /// WordPress version.
    #[arg(long, value_enum, default_value = "6.8")]
    wp_version: Version,
    /// Log every decision (authenticated and anonymous too), not only rejections.
    #[arg(long)]
    verbose: bool,
}

/// Forwards a request to the upstream.
#[derive(Clone)]
struct Forward {
    client: Client<HttpConnector, ProxyBody>,
    upstream: Arc<str>,
    user_header: HeaderName,
}

/// Hop-by-hop headers (RFC 9110 §7.6.1), never forwarded.
const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

fn json_response(status: StatusCode, code: &str, message: &str) -> Response<ProxyBody> {
    let body = serde_json::json!({ "code": code, "message": message, "data": { "status": status.as_u16() } });
    let mut resp = Response::new(
        Full::new(Bytes::from(body.to_string()))
            .map_err(|e: Infallible| match e {})
            .boxed_unsync(),
    );
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(wp_auth::http::JSON_CONTENT_TYPE),
    );
    resp
}

impl<B> Service<Request<B>> for Forward
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Response<ProxyBody>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Response<ProxyBody>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            let (mut parts, body) = req.into_parts();
            let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            parts.uri = match format!("{}{target}", this.upstream).parse::<Uri>() {
                Ok(uri) => uri,
                Err(_) => {
                    return Ok(json_response(
                        StatusCode::BAD_REQUEST,
                        "wp_auth_bad_request_target",
                        "The request target cannot be forwarded.",
                    ));
                }
            };
            // Headers the Connection header names are hop-by-hop too.
            let named: Vec<HeaderName> = parts
                .headers
                .get_all(http::header::CONNECTION)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|n| HeaderName::from_bytes(n.trim().as_bytes()).ok())
                .collect();
            for name in named {
                parts.headers.remove(name);
            }
            for name in HOP_BY_HOP {
                parts.headers.remove(name);
            }
            parts.headers.remove(&this.user_header);
            if let Some(Outcome::Authenticated(a)) = parts.extensions.get::<Outcome>() {
                parts
                    .headers
                    .insert(this.user_header.clone(), HeaderValue::from(a.user_id));
            }
            parts.version = http::Version::HTTP_11;
            let req = Request::from_parts(parts, body.map_err(Into::into).boxed_unsync());
            Ok(match this.client.request(req).await {
                Ok(resp) => {
                    let (mut head, body) = resp.into_parts();
                    for name in HOP_BY_HOP {
                        head.headers.remove(name);
                    }
                    Response::from_parts(head, body.map_err(Into::into).boxed_unsync())
                }
                Err(e) => {
                    tracing::error!(target: "wp_auth", error = %e, "upstream unreachable");
                    json_response(
                        StatusCode::BAD_GATEWAY,
                        "wp_auth_upstream_unavailable",
                        "The site cannot be reached.",
                    )
                }
            })
        })
    }
}

/// Whether WordPress serves this request from its REST API.
fn is_rest(uri: &Uri) -> bool {
    let path = uri.path();
    let rest_route = uri.query().is_some_and(|q| {
        q.split('&')
            .any(|pair| pair.split('=').next() == Some("rest_route"))
    });
    path == "/wp-json" || path.starts_with("/wp-json/") || rest_route
}

/// The proxy's front: health check, REST requests through the layer, the rest forwarded.
struct Front<S> {
    auth: WpAuth<S, Forward>,
    forward: Forward,
}

impl<S> Clone for Front<S> {
    fn clone(&self) -> Self {
        Self {
            auth: self.auth.clone(),
            forward: self.forward.clone(),
        }
    }
}

impl<S> Service<Request<Incoming>> for Front<S>
where
    S: AsyncStore + Send + Sync + 'static,
    S::Error: core::fmt::Display,
{
    type Response = Response<ProxyBody>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Response<ProxyBody>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<Incoming>) -> Self::Future {
        if req.uri().path() == "/healthz" {
            let mut resp = Response::new(
                Full::new(Bytes::from_static(b"ok\n"))
                    .map_err(|e: Infallible| match e {})
                    .boxed_unsync(),
            );
            resp.headers_mut().insert(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain"),
            );
            return Box::pin(async move { Ok(resp) });
        }
        if is_rest(req.uri()) {
            let fut = self.auth.call(req);
            return Box::pin(async move {
                let resp = fut.await?;
                Ok(resp.map(|b| match b {
                    Either::Left(full) => full.map_err(|e: Infallible| match e {}).boxed_unsync(),
                    Either::Right(body) => body,
                }))
            });
        }
        let req: Request<RequestBody<Incoming>> = req.map(Either::Right);
        self.forward.call(req)
    }
}

fn config(a: &ProxyArgs, site: &Site) -> Result<Config, Failure> {
    let keys = site.keys(&a.site)?;
    let home = a.home.as_deref().unwrap_or(&a.siteurl);
    let mut cfg = Config::new(keys, a.siteurl.as_bytes(), home.as_bytes());
    cfg.version = a.wp_version.wp();
    cfg.app_passwords.local_environment = a.local_environment;
    if a.early_user {
        cfg.user_determined = UserDetermined::Early;
    }
    if a.oauth1 {
        cfg.oauth1 = Some(OAuth1::default());
    }
    if let Some(plugin) = a.jwt {
        cfg.jwt = Some(wp_auth::Jwt::from_wp_config(
            &site.config,
            crate::jwt::profile(plugin),
        ));
    }
    Ok(cfg)
}

pub(crate) fn run(a: &ProxyArgs) -> Result<Report, Failure> {
    let site = Site::load(&a.site)?;
    let cfg = config(a, &site)?;
    let upstream = a.upstream.trim_end_matches('/');
    let parsed: Uri = upstream
        .parse()
        .map_err(|e| Failure(format!("--upstream {upstream:?}: {e}")))?;
    if parsed.scheme_str() != Some("http") || parsed.authority().is_none() {
        return Err(Failure(format!(
            "--upstream {upstream:?}: expected http://host[:port] (the proxy speaks plain HTTP to WordPress)"
        )));
    }
    let user_header = HeaderName::from_bytes(a.user_header.as_bytes())
        .map_err(|e| Failure(format!("--user-header {:?}: {e}", a.user_header)))?;
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_max_level(if a.verbose {
            tracing::Level::DEBUG
        } else {
            tracing::Level::INFO
        })
        .try_init()
        .map_err(|e| Failure(e.to_string()))?;
    let forward = Forward {
        client: Client::builder(TokioExecutor::new()).build(HttpConnector::new()),
        upstream: upstream.into(),
        user_header,
    };
    let rt = tokio::runtime::Runtime::new().map_err(|e| Failure(e.to_string()))?;
    let cfg = Arc::new(cfg);
    match (&a.store, &a.mysql) {
        (_, Some(url)) => {
            let options: sqlx::mysql::MySqlConnectOptions =
                url.parse().map_err(|e| Failure(format!("--mysql: {e}")))?;
            let prefix = String::from_utf8_lossy(site.config.table_prefix()).into_owned();
            let mut store = rt
                .block_on(wp_auth_mysql::MySqlStore::connect(options, 16, &prefix))
                .map_err(|e| Failure(format!("--mysql: {e}")))?;
            if a.cache_ttl > 0 {
                store = store.with_cache(core::time::Duration::from_secs(a.cache_ttl), 100_000);
            }
            rt.block_on(serve(a.listen, front(a, cfg, store, forward)))?;
        }
        (Some(path), None) => {
            let store = crate::store::load(path)?;
            rt.block_on(serve(a.listen, front(a, cfg, store, forward)))?;
        }
        (None, None) => return Err(Failure("give --store or --mysql".into())),
    }
    Ok(Report::accepted(
        "stopped",
        serde_json::json!({ "stopped": true }),
    ))
}

fn front<S>(a: &ProxyArgs, cfg: Arc<Config>, store: S, forward: Forward) -> Front<S> {
    let layer = WpAuthLayer::new(cfg, Arc::new(store))
        .body_limit(a.body_limit)
        .https(a.https);
    Front {
        auth: tower_layer::Layer::layer(&layer, forward.clone()),
        forward,
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    tokio::select! {
        _ = ctrl_c => {}
        () = async {
            match term.as_mut() {
                Some(t) => { t.recv().await; }
                None => core::future::pending::<()>().await,
            }
        } => {}
    }
}

async fn serve<S>(listen: SocketAddr, front: Front<S>) -> Result<(), Failure>
where
    S: AsyncStore + Send + Sync + 'static,
    S::Error: core::fmt::Display,
{
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| Failure(format!("--listen {listen}: {e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| Failure(format!("--listen {listen}: {e}")))?;
    // The address, for whoever started us (port 0 picks one).
    eprintln!("wp-auth proxy listening on http://{local}");
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let signal = shutdown_signal();
    tokio::pin!(signal);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let conn = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), TowerToHyperService::new(front.clone()));
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    if let Err(e) = conn.await {
                        tracing::debug!(target: "wp_auth", error = %e, "connection ended");
                    }
                });
            }
            () = &mut signal => break,
        }
    }
    drop(listener);
    eprintln!("wp-auth proxy shutting down");
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(Duration::from_secs(10)) => {}
    }
    Ok(())
}
