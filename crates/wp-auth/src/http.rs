//! The `http` crate's types (feature `http`): a [`RequestView`] over `http::request::Parts`,
//! and the response WordPress gives — its JSON errors and the headers it adds.

use alloc::string::ToString as _;
use alloc::vec::Vec;

use bytes::Bytes;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, EXPIRES, HeaderName, HeaderValue, LAST_MODIFIED};
use http::request::Parts;
use http::{HeaderMap, Response, StatusCode};
use http_body_util::Full;
use wp_cookie::WpVersion;

use crate::{Effects, RequestView, RestError};

/// `X-WP-Nonce`, the header a fresh `wp_rest` nonce travels in (both ways).
pub const X_WP_NONCE: HeaderName = HeaderName::from_static("x-wp-nonce");

/// `Content-Type` of WordPress's REST answers (`blog_charset` UTF-8).
pub const JSON_CONTENT_TYPE: &str = "application/json; charset=UTF-8";

/// `wp_get_nocache_headers()`'s `Expires`.
const NOCACHE_EXPIRES: &str = "Wed, 11 Jan 1984 05:00:00 GMT";

impl<'a> RequestView<'a> {
    /// The view of a request's head and its (buffered) body: the request target, the
    /// `Cookie`, `Authorization`, `X-WP-Nonce` and `Content-Type` headers, and TLS when the
    /// URI says `https` (set [`RequestView::is_ssl`] yourself when TLS ends in front of you).
    ///
    /// Several `Cookie` fields (HTTP/2 sends one per cookie) are joined with `"; "` into
    /// `cookies`, as a web server joins them for PHP; it is left untouched otherwise. Of the
    /// other headers the first field counts. A body is only read when PHP would read it (a
    /// form or multipart `POST`, an OAuth1 form body); pass `b""` for a body you did not buffer.
    #[must_use]
    pub fn from_parts(parts: &'a Parts, body: &'a [u8], cookies: &'a mut Vec<u8>) -> Self {
        let first = |name| parts.headers.get(name).map(HeaderValue::as_bytes);
        let mut fields = parts.headers.get_all(http::header::COOKIE).iter();
        let cookie = match (fields.next(), fields.next()) {
            (None, _) => None,
            (Some(one), None) => Some(one.as_bytes()),
            (Some(_), Some(_)) => {
                cookies.clear();
                for (i, v) in parts
                    .headers
                    .get_all(http::header::COOKIE)
                    .iter()
                    .enumerate()
                {
                    if i > 0 {
                        cookies.extend_from_slice(b"; ");
                    }
                    cookies.extend_from_slice(v.as_bytes());
                }
                Some(&cookies[..])
            }
        };
        Self {
            method: parts.method.as_str().as_bytes(),
            url: parts
                .uri
                .path_and_query()
                .map_or(b"/".as_slice(), |p| p.as_str().as_bytes()),
            cookie,
            authorization: first(http::header::AUTHORIZATION),
            x_wp_nonce: first(X_WP_NONCE),
            content_type: first(CONTENT_TYPE),
            body,
            is_ssl: parts.uri.scheme() == Some(&http::uri::Scheme::HTTPS),
        }
    }
}

/// Adds what WordPress adds to a response after deciding its request: the refreshed
/// `X-WP-Nonce`, and `wp_get_nocache_headers()` (`Expires`, `Cache-Control`, no
/// `Last-Modified`) when [`Effects::no_cache`] is set.
pub fn apply_effects(headers: &mut HeaderMap, effects: &Effects, version: WpVersion) {
    // Ten hex digits: always a valid header value.
    if let Some(Ok(nonce)) = effects
        .x_wp_nonce
        .map(|n| HeaderValue::from_bytes(n.as_bytes()))
    {
        headers.insert(X_WP_NONCE, nonce);
    }
    if effects.no_cache {
        no_cache(headers, version);
    }
}

/// `wp_get_nocache_headers()` for a logged-in user (the only case the REST API sends them):
/// 6.3 and later add `no-store, private` (so [`WpVersion::Wp61`] is 6.1 and 6.2's header).
fn no_cache(headers: &mut HeaderMap, version: WpVersion) {
    let cache_control = match version {
        WpVersion::Wp61 => "no-cache, must-revalidate, max-age=0",
        _ => "no-cache, must-revalidate, max-age=0, no-store, private",
    };
    headers.insert(EXPIRES, HeaderValue::from_static(NOCACHE_EXPIRES));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache_control));
    headers.remove(LAST_MODIFIED);
}

/// A JSON error in WordPress's shape: what the layer answers a rejected request with, and
/// what the extractor answers a route that needs a user. For [`RestError`]s the code, message
/// and status are WordPress's; the others are this crate's (WordPress never sees them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ErrorResponse {
    error: Rejected,
    version: WpVersion,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Rejected {
    Rest(RestError),
    /// 413: a form body over the layer's limit.
    BodyTooLarge,
    /// 400: the body could not be read.
    BodyUnreadable,
    /// 500: a lookup failed.
    StoreUnavailable,
    /// 500: the extractor ran without the layer.
    LayerMissing,
}

impl ErrorResponse {
    /// WordPress's answer to `e` on a site following `version`.
    #[must_use]
    pub const fn rest(e: RestError, version: WpVersion) -> Self {
        Self {
            error: Rejected::Rest(e),
            version,
        }
    }

    /// 413 `wp_auth_body_too_large`: a form body over the configured limit.
    #[must_use]
    pub const fn body_too_large(version: WpVersion) -> Self {
        Self {
            error: Rejected::BodyTooLarge,
            version,
        }
    }

    /// 400 `wp_auth_body_unreadable`: the body could not be read.
    #[must_use]
    pub const fn body_unreadable(version: WpVersion) -> Self {
        Self {
            error: Rejected::BodyUnreadable,
            version,
        }
    }

    /// 500 `wp_auth_store_unavailable`: a lookup failed.
    #[must_use]
    pub const fn store_unavailable(version: WpVersion) -> Self {
        Self {
            error: Rejected::StoreUnavailable,
            version,
        }
    }

    /// 500 `wp_auth_layer_missing`: an extractor ran without the layer in front.
    #[must_use]
    pub const fn layer_missing(version: WpVersion) -> Self {
        Self {
            error: Rejected::LayerMissing,
            version,
        }
    }

    /// The error code (`rest_cookie_invalid_nonce`, `wp_auth_body_too_large`, …).
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self.error {
            Rejected::Rest(e) => e.code(),
            Rejected::BodyTooLarge => "wp_auth_body_too_large",
            Rejected::BodyUnreadable => "wp_auth_body_unreadable",
            Rejected::StoreUnavailable => "wp_auth_store_unavailable",
            Rejected::LayerMissing => "wp_auth_layer_missing",
        }
    }

    /// The HTTP status.
    #[must_use]
    pub const fn status(&self) -> u16 {
        match self.error {
            Rejected::Rest(e) => e.status(),
            Rejected::BodyTooLarge => 413,
            Rejected::BodyUnreadable => 400,
            Rejected::StoreUnavailable | Rejected::LayerMissing => 500,
        }
    }

    /// The JSON body.
    #[must_use]
    pub fn body(&self) -> alloc::string::String {
        let message = match self.error {
            Rejected::Rest(e) => return e.json().to_string(),
            Rejected::BodyTooLarge => "The request body is larger than this server accepts.",
            Rejected::BodyUnreadable => "The request body could not be read.",
            Rejected::StoreUnavailable => "The site's user data could not be read.",
            Rejected::LayerMissing => "The authentication layer is not installed.",
        };
        alloc::format!(
            "{{\"code\":\"{}\",\"message\":\"{message}\",\"data\":{{\"status\":{}}}}}",
            self.code(),
            self.status()
        )
    }

    /// The response: status, `Content-Type: application/json; charset=UTF-8`, the no-cache
    /// headers where WordPress sends them, the JSON body.
    #[must_use]
    pub fn response(&self) -> Response<Full<Bytes>> {
        let mut resp = Response::new(Full::new(Bytes::from(self.body())));
        *resp.status_mut() =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = resp.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON_CONTENT_TYPE));
        if let Rejected::Rest(e) = self.error
            && e.no_cache()
        {
            no_cache(headers, self.version);
        }
        resp
    }
}
