//! Fixtures the facade's tests and benches share: fake salts, and an `Authorization` header
//! signed for the WordPress OAuth1 plugin.

/// A salt source with all eight salt constants, each a distinct fake value (`fake AUTH_KEY`,
/// …): WordPress ignores a salt that duplicates another, so they differ.
#[derive(Debug, Clone, Copy)]
pub struct FakeSalts;

#[cfg(feature = "wp-hash")]
impl wp_hash::SaltSource for FakeSalts {
    fn constant(&self, name: &str) -> Option<&[u8]> {
        Some(match name {
            "AUTH_KEY" => b"fake AUTH_KEY",
            "AUTH_SALT" => b"fake AUTH_SALT",
            "SECURE_AUTH_KEY" => b"fake SECURE_AUTH_KEY",
            "SECURE_AUTH_SALT" => b"fake SECURE_AUTH_SALT",
            "LOGGED_IN_KEY" => b"fake LOGGED_IN_KEY",
            "LOGGED_IN_SALT" => b"fake LOGGED_IN_SALT",
            "NONCE_KEY" => b"fake NONCE_KEY",
            "NONCE_SALT" => b"fake NONCE_SALT",
            _ => return None,
        })
    }

    fn site_option(&self, _: &str) -> Option<&[u8]> {
        None
    }
}

/// The `Authorization` header of a GET to `url` (path and query) that a client signs for the
/// OAuth1 plugin on a site whose `home` is `home` (over TLS): `params` are the header's
/// `oauth_*` pairs without the signature, in the header's syntax; HMAC-SHA1 under the
/// consumer and token secrets.
///
/// # Panics
/// When the request cannot be read (a test's own mistake).
#[cfg(feature = "oauth1")]
#[must_use]
pub fn oauth1_plugin_header(
    home: &[u8],
    url: &[u8],
    params: &str,
    consumer_secret: &[u8],
    token_secret: &[u8],
) -> Vec<u8> {
    let unsigned = format!("OAuth {params}");
    let req = oauth1_sig::Request {
        method: b"GET",
        url,
        authorization: Some(unsigned.as_bytes()),
        content_type: None,
        body: b"",
    };
    let site = wp_oauth1::Site { home, is_ssl: true };
    let mut entries = vec![wp_oauth1::Entry::EMPTY; 256];
    let mut bytes = vec![0u8; 8192];
    let signed = wp_oauth1::collect(&req, &site, &mut entries, &mut bytes)
        .unwrap_or_else(|e| panic!("the plugin cannot read {unsigned:?}: {e}"));
    let sig = wp_oauth1::sign(
        &oauth1_sig::Secrets {
            consumer_secret,
            token_secret: Some(token_secret),
        },
        oauth1_sig::Method::HmacSha1,
        &signed,
    );
    let encoded = sig
        .as_str()
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    format!("OAuth {params}, oauth_signature=\"{encoded}\"").into_bytes()
}
