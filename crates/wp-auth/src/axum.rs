//! axum extractors (feature `axum`) over the [`Outcome`] the [`crate::tower::WpAuthLayer`]
//! puts in the request's extensions. They read only the extension: the layer has already
//! read the body where WordPress would.

use axum_core::extract::{FromRequestParts, OptionalFromRequestParts};
use axum_core::response::{IntoResponse, Response};
use http::request::Parts;

use crate::http::ErrorResponse;
use crate::{Authenticated, Outcome, RestError, WpVersion};

/// The authenticated user. An anonymous request is rejected with WordPress's 401
/// `rest_not_logged_in` JSON; use `Option<WpUser>` for routes anyone may call. Without the
/// layer in front, both answer a 500 `wp_auth_layer_missing` rather than guess.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WpUser(pub Authenticated);

fn outcome(parts: &Parts) -> Result<Outcome, ErrorResponse> {
    parts
        .extensions
        .get::<Outcome>()
        .copied()
        .ok_or(ErrorResponse::layer_missing(WpVersion::Wp68))
}

impl<St: Send + Sync> FromRequestParts<St> for WpUser {
    type Rejection = ErrorResponse;

    async fn from_request_parts(parts: &mut Parts, _: &St) -> Result<Self, ErrorResponse> {
        match outcome(parts)? {
            Outcome::Authenticated(a) => Ok(Self(a)),
            Outcome::Anonymous(_) => {
                Err(ErrorResponse::rest(RestError::NotLoggedIn, WpVersion::Wp68))
            }
        }
    }
}

impl<St: Send + Sync> OptionalFromRequestParts<St> for WpUser {
    type Rejection = ErrorResponse;

    async fn from_request_parts(parts: &mut Parts, _: &St) -> Result<Option<Self>, ErrorResponse> {
        match outcome(parts)? {
            Outcome::Authenticated(a) => Ok(Some(Self(a))),
            Outcome::Anonymous(_) => Ok(None),
        }
    }
}

impl IntoResponse for ErrorResponse {
    fn into_response(self) -> Response {
        self.response().into_response()
    }
}
