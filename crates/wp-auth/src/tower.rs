//! A tower layer (feature `tower`): every request decided as WordPress's REST API decides it,
//! before the inner service sees it.

use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response};
use http_body::Body;
use http_body_util::{BodyExt as _, Either, Full, LengthLimitError, Limited};
use tower_layer::Layer;
use tower_service::Service;

use crate::http::{ErrorResponse, apply_effects};
use crate::{AsyncStore, Config, Error, Outcome, RequestView, authenticate_async};

/// The request body the inner service receives: the buffered form body, or the original one
/// untouched.
pub type RequestBody<B> = Either<Full<Bytes>, B>;

/// The response body: one of the layer's JSON errors, or the inner service's body.
pub type ResponseBody<B> = Either<Full<Bytes>, B>;

/// The largest form body the layer buffers by default (1 MiB, nginx's default
/// `client_max_body_size`).
pub const DEFAULT_BODY_LIMIT: usize = 1 << 20;

/// Authenticates every request through an [`AsyncStore`], in the shape of tower-http's
/// `AsyncRequireAuthorizationLayer`:
///
/// - a body whose `Content-Type` names a form (`application/x-www-form-urlencoded`,
///   `multipart/form-data`: where PHP and the OAuth1 plugin read parameters) is buffered up
///   to the limit — **413** beyond it, checked against `Content-Length` before reading — and
///   passed on with the same bytes; any other body is passed on unread;
/// - the [`Outcome`] goes into the request's extensions (read it, or use the `axum`
///   feature's `WpUser` extractor), and anonymous requests pass through;
/// - a rejected request is answered with WordPress's JSON error, status and headers; a store
///   failure with a 500 JSON error (`wp_auth_store_unavailable`);
/// - the inner service's response gets the headers WordPress adds (the refreshed
///   `X-WP-Nonce`, the no-cache headers).
///
/// Each decision is logged through `tracing` (target `wp_auth`): the method, the outcome or
/// error code and the user ID — never a credential.
pub struct WpAuthLayer<S> {
    cfg: Arc<Config>,
    store: Arc<S>,
    body_limit: usize,
    clock: fn() -> u64,
    https: bool,
}

impl<S> Clone for WpAuthLayer<S> {
    fn clone(&self) -> Self {
        Self {
            cfg: Arc::clone(&self.cfg),
            store: Arc::clone(&self.store),
            body_limit: self.body_limit,
            clock: self.clock,
            https: self.https,
        }
    }
}

impl<S> core::fmt::Debug for WpAuthLayer<S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("WpAuthLayer")
            .field("body_limit", &self.body_limit)
            .field("https", &self.https)
            .finish_non_exhaustive()
    }
}

impl<S> WpAuthLayer<S> {
    /// The site `cfg` and its data in `store`; a 1 MiB form-body limit, the system clock,
    /// TLS only where the request URI says `https`.
    #[must_use]
    pub fn new(cfg: Arc<Config>, store: Arc<S>) -> Self {
        Self {
            cfg,
            store,
            body_limit: DEFAULT_BODY_LIMIT,
            clock: crate::unix_now,
            https: false,
        }
    }

    /// The largest form body buffered (413 beyond it).
    #[must_use]
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Every request arrived over TLS (`is_ssl()` is true): the server terminates TLS, or a
    /// proxy in front does and the site's `wp-config.php` sets `$_SERVER['HTTPS']` for it.
    #[must_use]
    pub fn https(mut self, on: bool) -> Self {
        self.https = on;
        self
    }

    /// The clock, the current Unix time in seconds ([`crate::unix_now`] by default).
    #[must_use]
    pub fn clock(mut self, now: fn() -> u64) -> Self {
        self.clock = now;
        self
    }
}

impl<S, I> Layer<I> for WpAuthLayer<S> {
    type Service = WpAuth<S, I>;

    fn layer(&self, inner: I) -> WpAuth<S, I> {
        WpAuth {
            layer: self.clone(),
            inner,
        }
    }
}

/// The service [`WpAuthLayer`] wraps around `I`.
pub struct WpAuth<S, I> {
    layer: WpAuthLayer<S>,
    inner: I,
}

impl<S, I: Clone> Clone for WpAuth<S, I> {
    fn clone(&self) -> Self {
        Self {
            layer: self.layer.clone(),
            inner: self.inner.clone(),
        }
    }
}

impl<S, I> core::fmt::Debug for WpAuth<S, I> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("WpAuth")
            .field("layer", &self.layer)
            .finish_non_exhaustive()
    }
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S, I, B, RB> Service<Request<B>> for WpAuth<S, I>
where
    S: AsyncStore + Send + Sync + 'static,
    S::Error: core::fmt::Display,
    I: Service<Request<RequestBody<B>>, Response = Response<RB>> + Clone + Send + 'static,
    I::Future: Send,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: core::error::Error + Send + Sync + 'static,
    RB: 'static,
{
    type Response = Response<ResponseBody<RB>>;
    type Error = I::Error;
    type Future = BoxFuture<Result<Self::Response, I::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), I::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        // The clone is not ready; the ready one goes into the future.
        let clone = self.inner.clone();
        let ready = core::mem::replace(&mut self.inner, clone);
        Box::pin(decide(self.layer.clone(), ready, req))
    }
}

/// Whether PHP or the OAuth1 plugin may read parameters from this body.
fn names_a_form(content_type: Option<&http::HeaderValue>) -> bool {
    content_type.is_some_and(|v| {
        v.as_bytes()
            .windows(4)
            .any(|w| w.eq_ignore_ascii_case(b"form"))
    })
}

async fn decide<S, I, B, RB>(
    layer: WpAuthLayer<S>,
    mut inner: I,
    req: Request<B>,
) -> Result<Response<ResponseBody<RB>>, I::Error>
where
    S: AsyncStore + Send + Sync + 'static,
    S::Error: core::fmt::Display,
    I: Service<Request<RequestBody<B>>, Response = Response<RB>>,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: core::error::Error + Send + Sync + 'static,
{
    let version = layer.cfg.version;
    let reject = |e: ErrorResponse| Ok(e.response().map(Either::Left));
    let (mut parts, body) = req.into_parts();
    let (buffered, untouched) = if names_a_form(parts.headers.get(http::header::CONTENT_TYPE)) {
        let declared = parts
            .headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|n| n > layer.body_limit as u64) {
            tracing::info!(target: "wp_auth", method = %parts.method, code = "wp_auth_body_too_large", "request rejected");
            return reject(ErrorResponse::body_too_large(version));
        }
        match Limited::new(body, layer.body_limit).collect().await {
            Ok(collected) => (collected.to_bytes(), None),
            Err(e) => {
                let error = if e.is::<LengthLimitError>() {
                    ErrorResponse::body_too_large(version)
                } else {
                    ErrorResponse::body_unreadable(version)
                };
                tracing::info!(target: "wp_auth", method = %parts.method, code = error.code(), "request rejected");
                return reject(error);
            }
        }
    } else {
        (Bytes::new(), Some(body))
    };
    let now = (layer.clock)();
    let mut cookies = Vec::new();
    let mut view = RequestView::from_parts(&parts, &buffered, &mut cookies);
    view.is_ssl |= layer.https;
    let decided = authenticate_async(&layer.cfg, now, &view, &*layer.store).await;
    let outcome = match decided {
        Ok(outcome) => outcome,
        Err(Error::Rest(e)) => {
            tracing::info!(target: "wp_auth", method = %parts.method, code = e.code(), status = e.status(), "request rejected");
            return reject(ErrorResponse::rest(e, version));
        }
        Err(Error::Store(e)) => {
            tracing::error!(target: "wp_auth", method = %parts.method, error = %e, "store lookup failed");
            return reject(ErrorResponse::store_unavailable(version));
        }
    };
    match &outcome {
        Outcome::Authenticated(a) => {
            tracing::debug!(target: "wp_auth", method = %parts.method, outcome = a.method.as_str(), user_id = a.user_id, "request authenticated");
        }
        Outcome::Anonymous(_) => {
            tracing::debug!(target: "wp_auth", method = %parts.method, outcome = "anonymous", "request anonymous");
        }
    }
    parts.extensions.insert(outcome);
    let body = untouched.map_or_else(|| Either::Left(Full::new(buffered)), Either::Right);
    let resp = inner.call(Request::from_parts(parts, body)).await?;
    let (mut head, body) = resp.into_parts();
    apply_effects(&mut head.headers, outcome.effects(), version);
    Ok(Response::from_parts(head, Either::Right(body)))
}
