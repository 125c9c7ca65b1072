#![no_std]
#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;

mod b64;
pub mod json;
mod mint;
mod php;

use core::cmp::Ordering;
use core::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Sha256, Sha384, Sha512};
use subtle::ConstantTimeEq;

pub use json::{JsonError, Value};
#[cfg(feature = "alloc")]
pub use mint::{MintError, mint_claims};
pub use mint::{mint_tmeister, mint_usefulteam, usefulteam_device};

/// Which plugin the site runs (the version its behaviour was taken from).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Profile {
    /// "JWT Authentication for WP REST API" (Tmeister) 1.3.4, with php-jwt 6.4.0.
    Tmeister,
    /// "JWT Auth" (Useful Team) 3.0.2, with php-jwt 6.3.2.
    UsefulTeam,
}

impl Profile {
    /// The HTTP status of the plugin's rejections (403 Tmeister, 401 Useful Team).
    #[must_use]
    pub const fn reject_status(self) -> u16 {
        match self {
            Self::Tmeister => 403,
            Self::UsefulTeam => 401,
        }
    }

    /// The algorithms the bundled php-jwt knows (exact names).
    fn library_knows(self, alg: &[u8]) -> bool {
        matches!(
            alg,
            b"ES384"
                | b"ES256"
                | b"HS256"
                | b"HS384"
                | b"HS512"
                | b"RS256"
                | b"RS384"
                | b"RS512"
                | b"EdDSA"
        ) || (self == Self::Tmeister && alg == b"ES256K")
    }
}

/// The HMAC algorithms a shared secret can verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Alg {
    /// HMAC-SHA-256.
    Hs256,
    /// HMAC-SHA-384.
    Hs384,
    /// HMAC-SHA-512.
    Hs512,
}

impl Alg {
    /// The JOSE name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Hs256 => "HS256",
            Self::Hs384 => "HS384",
            Self::Hs512 => "HS512",
        }
    }

    /// The algorithm of an exact (case-sensitive) name.
    #[must_use]
    pub fn from_name(name: &[u8]) -> Option<Self> {
        match name {
            b"HS256" => Some(Self::Hs256),
            b"HS384" => Some(Self::Hs384),
            b"HS512" => Some(Self::Hs512),
            _ => None,
        }
    }
}

/// The HMAC keyed once with the secret.
#[derive(Clone)]
enum Keyed {
    Hs256(Hmac<Sha256>),
    Hs384(Hmac<Sha384>),
    Hs512(Hmac<Sha512>),
    /// The configured algorithm is not an HMAC one (or nothing is configured).
    None,
}

impl Keyed {
    fn new(alg: Option<Alg>, secret: &[u8]) -> Self {
        match alg {
            Some(Alg::Hs256) => Hmac::new_from_slice(secret).map_or(Self::None, Self::Hs256),
            Some(Alg::Hs384) => Hmac::new_from_slice(secret).map_or(Self::None, Self::Hs384),
            Some(Alg::Hs512) => Hmac::new_from_slice(secret).map_or(Self::None, Self::Hs512),
            None => Self::None,
        }
    }

    /// Whether the MAC of `message` is `sig` (constant time; the length must match).
    fn verify(&self, message: &[u8], sig_segment: &[u8]) -> bool {
        fn check<M: Mac + Clone, const N: usize>(m: &M, message: &[u8], seg: &[u8]) -> bool {
            let mut m = m.clone();
            m.update(message);
            let mac = m.finalize().into_bytes();
            match b64::decode_exact::<N>(seg) {
                Some(sig) => bool::from(mac.as_slice().ct_eq(&sig)),
                None => false,
            }
        }
        match self {
            Self::Hs256(m) => check::<_, 32>(m, message, sig_segment),
            Self::Hs384(m) => check::<_, 48>(m, message, sig_segment),
            Self::Hs512(m) => check::<_, 64>(m, message, sig_segment),
            Self::None => false,
        }
    }
}

/// `JWT_AUTH_SECRET_KEY` keyed once for an algorithm (HMAC state precomputed; shared by the
/// [`Config`]s built from it). `Debug` prints no key material.
#[derive(Clone)]
pub struct Key {
    keyed: Keyed,
    usable: bool,
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.usable {
            "Key([redacted])"
        } else {
            "Key([unusable])"
        })
    }
}

impl Key {
    /// The secret (`None`: not defined; `""` and `"0"` count as not configured, as in PHP)
    /// keyed for the algorithm name the site's filter returns.
    #[must_use]
    pub fn new(secret: Option<&[u8]>, alg: &[u8]) -> Self {
        let secret = secret.filter(|s| !php::falsy(s));
        Self {
            usable: secret.is_some(),
            keyed: Keyed::new(Alg::from_name(alg), secret.unwrap_or_default()),
        }
    }
}

/// A site's JWT configuration, built once: the plugin, `JWT_AUTH_SECRET_KEY` keyed for the
/// configured algorithm, `home`, php-jwt's leeway. `Debug` prints no secret.
#[derive(Clone)]
pub struct Config<'a> {
    profile: Profile,
    secret_usable: bool,
    alg: &'a [u8],
    home: &'a [u8],
    leeway: i64,
    strict: Option<usize>,
    key: Keyed,
}

impl fmt::Debug for Config<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("profile", &self.profile)
            .field(
                "secret",
                &if self.secret_usable {
                    "[redacted]"
                } else {
                    "[unusable]"
                },
            )
            .field("alg", &self.alg.escape_ascii())
            .field("home", &self.home.escape_ascii())
            .field("leeway", &self.leeway)
            .field("strict", &self.strict)
            .finish()
    }
}

impl<'a> Config<'a> {
    /// A site running `profile`, with `JWT_AUTH_SECRET_KEY` = `secret` (`None`: not defined;
    /// `""` and `"0"` count as not configured, as in PHP), the algorithm its filter returns
    /// (`b"HS256"` by default; any name, checked as the plugin checks it), and the `home`
    /// option. Leeway 0.
    #[must_use]
    pub fn new(profile: Profile, secret: Option<&[u8]>, alg: &'a [u8], home: &'a [u8]) -> Self {
        Self::with_key(profile, &Key::new(secret, alg), alg, home)
    }

    /// [`Config::new`] with the secret keyed beforehand (for `alg`: a key made for another
    /// algorithm verifies nothing).
    #[must_use]
    pub fn with_key(profile: Profile, key: &Key, alg: &'a [u8], home: &'a [u8]) -> Self {
        Self {
            profile,
            secret_usable: key.usable,
            alg,
            home,
            leeway: 0,
            strict: None,
            key: key.keyed.clone(),
        }
    }

    /// php-jwt's `JWT::$leeway` (seconds; may be negative).
    #[must_use]
    pub fn leeway(mut self, seconds: i64) -> Self {
        self.leeway = seconds;
        self
    }

    /// The strict profile: on top of everything the plugin checks, refuse what its lenient
    /// parsing lets through — segments that are not canonical unpadded base64url, a repeated
    /// `alg`, `kid`, `iss`, `iat`, `nbf`, `exp`, `data`, `user`, `id`, `device` or `pass`, a
    /// missing or non-numeric `exp`, a non-numeric `iat` or `nbf`, a `kid` that is not a
    /// string, and tokens longer than `max_token_len` bytes. Refusals are the plugin's
    /// `jwt_auth_invalid_token` with a message starting `strict:`.
    #[must_use]
    pub fn strict(mut self, max_token_len: usize) -> Self {
        self.strict = Some(max_token_len);
        self
    }

    /// The plugin.
    #[must_use]
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// `iss` as the site expects it: `home`, its scheme switched to `https` on a TLS request
    /// (`home_url()`), written to `out`.
    pub fn issuer<'o>(&self, https: bool, out: &'o mut [u8]) -> Option<&'o [u8]> {
        home_url(self.home, https, out)
    }
}

/// `home_url()`: `set_url_scheme($home, 'https')` on TLS requests (`^\w+://` replaced), as
/// the two parts it is made of.
fn issuer_parts(home: &[u8], https: bool) -> (&'static [u8], &[u8]) {
    let scheme_end = home
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        .filter(|&i| i > 0 && home.get(i..i + 3) == Some(b"://"));
    match scheme_end {
        Some(i) if https => (b"https://", home.get(i + 3..).unwrap_or_default()),
        _ => (b"", home),
    }
}

fn home_url<'o>(home: &[u8], https: bool, out: &'o mut [u8]) -> Option<&'o [u8]> {
    let (prefix, rest) = issuer_parts(home, https);
    let n = prefix.len() + rest.len();
    out.get_mut(..prefix.len())?.copy_from_slice(prefix);
    out.get_mut(prefix.len()..n)?.copy_from_slice(rest);
    out.get(..n)
}

/// A token segment decoded as php-jwt decodes it (lenient base64url: bytes outside the
/// alphabet skipped, leftover bits dropped), into `out` (`None` when it is too small: three
/// bytes per four characters, plus three).
pub fn decode_segment<'o>(segment: &[u8], out: &'o mut [u8]) -> Option<&'o [u8]> {
    b64::decode_lenient(segment, out)
}

/// The request as the plugins read it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Request<'a> {
    /// `$_SERVER['HTTP_AUTHORIZATION']` (the raw header value), if any.
    pub authorization: Option<&'a [u8]>,
    /// `$_SERVER['REDIRECT_HTTP_AUTHORIZATION']`, if any (FastCGI rewrite rules).
    pub redirect_authorization: Option<&'a [u8]>,
    /// The request arrived over TLS (`is_ssl()`).
    pub https: bool,
    /// `REQUEST_URI`.
    pub request_uri: &'a [u8],
    /// The `permalink_structure` option is non-empty (pretty permalinks; Useful Team looks for
    /// `wp-json` then, else `?rest_route=/`).
    pub pretty_permalinks: bool,
    /// An earlier `determine_current_user` callback (the auth cookie) already found a user.
    pub prior_user: bool,
}

/// The user data Useful Team's checks and WordPress's resolution of the returned id read.
pub trait Users {
    /// A user with this ID exists.
    fn exists(&self, id: u64) -> bool;
    /// The ID of the user with this login, if any.
    fn id_by_login(&self, login: &[u8]) -> Option<u64>;
    /// The user's `jwt_auth_pass` meta (`None`: unset, read as `""`).
    fn jwt_auth_pass(&self, id: u64) -> Option<&[u8]>;
    /// The user's `jwt_auth_device` meta list holds exactly `device`.
    fn has_device(&self, id: u64, device: &[u8]) -> bool;
}

/// No users at all (a Tmeister site needs none to validate; ids then resolve to nobody).
impl Users for () {
    fn exists(&self, _: u64) -> bool {
        false
    }

    fn id_by_login(&self, _: &[u8]) -> Option<u64> {
        None
    }

    fn jwt_auth_pass(&self, _: u64) -> Option<&[u8]> {
        None
    }

    fn has_device(&self, _: u64, _: &[u8]) -> bool {
        false
    }
}

/// The plugins' error codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Code {
    /// `jwt_auth_no_auth_header`.
    NoAuthHeader,
    /// `jwt_auth_bad_auth_header`.
    BadAuthHeader,
    /// `jwt_auth_bad_config`.
    BadConfig,
    /// `jwt_auth_unsupported_algorithm` (Tmeister).
    UnsupportedAlgorithm,
    /// `jwt_auth_invalid_token`: php-jwt refused the token (the message says why).
    InvalidToken,
    /// `jwt_auth_bad_iss`.
    BadIss,
    /// `jwt_auth_bad_request`: no `data.user.id`.
    BadRequest,
    /// `jwt_auth_user_not_found` (Useful Team).
    UserNotFound,
    /// `jwt_auth_obsolete_token` (Useful Team: device or `pass` no longer match).
    ObsoleteToken,
}

impl Code {
    /// The code string.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NoAuthHeader => "jwt_auth_no_auth_header",
            Self::BadAuthHeader => "jwt_auth_bad_auth_header",
            Self::BadConfig => "jwt_auth_bad_config",
            Self::UnsupportedAlgorithm => "jwt_auth_unsupported_algorithm",
            Self::InvalidToken => "jwt_auth_invalid_token",
            Self::BadIss => "jwt_auth_bad_iss",
            Self::BadRequest => "jwt_auth_bad_request",
            Self::UserNotFound => "jwt_auth_user_not_found",
            Self::ObsoleteToken => "jwt_auth_obsolete_token",
        }
    }
}

/// A rejection's message: a fixed text, php-jwt's "prior to" with the claim's date, or
/// php-jwt's JSON error text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Message {
    /// A fixed text.
    Fixed(&'static str),
    /// `Cannot handle token prior to <date>` (the claim as a Unix time).
    PriorTo(i64),
    /// A JSON decoding error.
    Json(JsonError),
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Fixed(s) => f.write_str(s),
            Self::PriorTo(t) => {
                let mut b = [0u8; 32];
                write!(
                    f,
                    "Cannot handle token prior to {}",
                    php::iso8601(*t, &mut b)
                )
            }
            Self::Json(e) => f.write_str(e.message()),
        }
    }
}

/// A plugin's rejection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rejection {
    /// The code.
    pub code: Code,
    /// The message.
    pub message: Message,
    /// The HTTP status.
    pub status: u16,
}

/// Where PHP dies (an uncaught `TypeError`): WordPress answers 500 `internal_server_error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fatal {
    /// The header's `alg` is an array or object (an illegal array offset) — before any
    /// signature check.
    AlgNotScalar,
    /// The header's `kid` is an array or object — before any signature check.
    KidNotScalar,
    /// `nbf` or `iat` in the future but not an integer PHP's `date()` accepts.
    DateArgument,
    /// The id WordPress is handed is an array.
    UserIdArray,
}

/// The `/token/validate` endpoint's answer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Validation<'s> {
    /// 200 `jwt_auth_valid_token`; `data.user.id` as decoded.
    Accept(Value<'s>),
    /// The plugin's error.
    Reject(Rejection),
    /// HTTP 500.
    Fatal(Fatal),
}

/// What the plugin's `determine_current_user` callback does with the request.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Middleware<'s> {
    /// It returns this `data.user.id` to WordPress (see [`effective_user`]).
    User(Value<'s>),
    /// It returns the incoming value: other authentication continues.
    Pass,
    /// The REST request is answered with this error (Tmeister, for every route).
    Error(Rejection),
    /// HTTP 500.
    Fatal(Fatal),
}

/// The scratch bytes [`validate`] and [`middleware`] need for a request.
#[must_use]
pub fn scratch_len(req: &Request<'_>) -> usize {
    let longest = req
        .authorization
        .map_or(0, <[u8]>::len)
        .max(req.redirect_authorization.map_or(0, <[u8]>::len));
    // Header work (slashes, then sanitising with `&lt;`: 11 bytes per byte), decoded segments
    // and one string unescaped.
    16 * longest + 512
}

/// php-jwt failed: an exception (caught: `jwt_auth_invalid_token`) or a PHP error.
enum Fail {
    Exception(Message),
    Fatal(Fatal),
}

/// The claims the plugins read, from the decoded payload.
struct Claims<'s> {
    iss: Option<Value<'s>>,
    id: Option<Value<'s>>,
    device: Option<Value<'s>>,
    pass: Option<Value<'s>>,
}

const HEADER_PATHS: &[&[&[u8]]] = &[&[b"alg"], &[b"kid"]];
const PAYLOAD_PATHS: &[&[&[u8]]] = &[
    &[b"iss"],
    &[b"iat"],
    &[b"nbf"],
    &[b"exp"],
    &[b"data", b"user", b"id"],
    &[b"data", b"user", b"device"],
    &[b"data", b"user", b"pass"],
];

/// `JWT::decode($token, new Key($secret, $alg))` at `now`.
fn decode<'s>(
    cfg: &Config<'_>,
    token: &[u8],
    now: i64,
    scratch: &'s mut [u8],
) -> Result<Claims<'s>, Fail> {
    let fixed = |m| Fail::Exception(Message::Fixed(m));
    if cfg.alg.is_empty() {
        return Err(fixed("Algorithm must not be empty"));
    }
    let dot =
        |from: usize| b64::swar::find(token, from, |w| b64::swar::has_byte(w, b'.'), |b| b == b'.');
    let (Some(d1), Some(d2)) = (dot(0), dot(0).and_then(|d| dot(d + 1))) else {
        return Err(fixed("Wrong number of segments"));
    };
    if dot(d2 + 1).is_some() {
        return Err(fixed("Wrong number of segments"));
    }
    let (Some(h64), Some(p64), Some(s64)) =
        (token.get(..d1), token.get(d1 + 1..d2), token.get(d2 + 1..))
    else {
        return Err(fixed("Wrong number of segments"));
    };
    if let Some(max) = cfg.strict {
        if token.len() > max {
            return Err(fixed("strict: the token is too long"));
        }
        if ![h64, p64, s64].into_iter().all(b64::is_canonical) {
            return Err(fixed("strict: a segment is not canonical base64url"));
        }
    }
    let (head_buf, rest) = scratch.split_at_mut(b64::decoded_len_max(h64.len()).min(scratch.len()));
    let (pay_buf, strings) = rest.split_at_mut(b64::decoded_len_max(p64.len()).min(rest.len()));
    let header_text: &'s [u8] =
        b64::decode_lenient(h64, head_buf).ok_or(Fail::Fatal(Fatal::DateArgument))?;
    let mut hv = [None; 2];
    let mut caps = json::Captures::new(HEADER_PATHS, &mut hv);
    let top =
        json::decode(header_text, &mut caps).map_err(|e| Fail::Exception(Message::Json(e)))?;
    let header_duplicate = caps.duplicate();
    if top == json::Top::Null {
        return Err(fixed("Invalid header encoding"));
    }
    let payload_text: &'s [u8] =
        b64::decode_lenient(p64, pay_buf).ok_or(Fail::Fatal(Fatal::DateArgument))?;
    let mut pv = [None; 7];
    let mut caps = json::Captures::new(PAYLOAD_PATHS, &mut pv);
    let top_p =
        json::decode(payload_text, &mut caps).map_err(|e| Fail::Exception(Message::Json(e)))?;
    let payload_duplicate = caps.duplicate();
    match top_p {
        json::Top::Null => return Err(fixed("Invalid claims encoding")),
        json::Top::Scalar => return Err(fixed("Payload must be a JSON object")),
        json::Top::Object | json::Top::Array => {}
    }
    // The header's alg: only an object's member counts.
    let [alg, kid] = if top == json::Top::Object {
        hv
    } else {
        [None, None]
    };
    let alg = alg.unwrap_or(Value::Null);
    if alg.is_empty() {
        return Err(fixed("Empty algorithm"));
    }
    let known = match alg {
        Value::Array(_) | Value::Object(_) => return Err(Fail::Fatal(Fatal::AlgNotScalar)),
        Value::Str(_) => {
            php::string_bytes(&alg, strings).is_some_and(|a| cfg.profile.library_knows(a))
        }
        _ => false,
    };
    if !known {
        return Err(fixed("Algorithm not supported"));
    }
    if matches!(kid, Some(Value::Array(_) | Value::Object(_))) {
        return Err(Fail::Fatal(Fatal::KidNotScalar));
    }
    let same_alg = php::string_bytes(&alg, strings).is_some_and(|a| bool::from(a.ct_eq(cfg.alg)));
    if !same_alg {
        return Err(fixed("Incorrect key for this algorithm"));
    }
    let signed = token.get(..h64.len() + 1 + p64.len()).unwrap_or_default();
    if !cfg.key.verify(signed, s64) {
        return Err(fixed(if Alg::from_name(cfg.alg).is_some() {
            "Signature verification failed"
        } else {
            "OpenSSL unable to verify data"
        }));
    }
    let [iss, iat, nbf, exp, id, device, pass] = pv;
    if cfg.strict.is_some() {
        let number = |v: &Option<Value<'_>>| matches!(v, Some(Value::Int(_) | Value::Float(_)));
        if header_duplicate || payload_duplicate {
            return Err(fixed("strict: a key is repeated"));
        }
        if !number(&exp) {
            return Err(fixed("strict: exp must be a number"));
        }
        if [iat, nbf].iter().any(|v| v.is_some() && !number(v)) {
            return Err(fixed("strict: iat and nbf must be numbers"));
        }
        if kid.is_some_and(|k| !matches!(k, Value::Str(_))) {
            return Err(fixed("strict: kid must be a string"));
        }
    }
    let ahead = i128::from(now) + i128::from(cfg.leeway);
    let behind = i128::from(now) - i128::from(cfg.leeway);
    for claim in [nbf, iat].into_iter().flatten() {
        if php::compare_claim(&claim, ahead, strings) == Ok(Some(Ordering::Greater)) {
            return Err(match php::date_int(&claim, strings) {
                Some(t) => Fail::Exception(Message::PriorTo(t)),
                None => Fail::Fatal(Fatal::DateArgument),
            });
        }
    }
    if let Some(exp) = exp
        && matches!(
            php::compare_claim(&exp, behind, strings),
            Ok(Some(Ordering::Less | Ordering::Equal))
        )
    {
        return Err(fixed("Expired token"));
    }
    Ok(Claims {
        iss,
        id,
        device,
        pass,
    })
}

/// `get_user_by('id', $v)`: the numeric rule (§6).
fn user_id_of(v: &Value<'_>, scratch: &mut [u8]) -> Option<u64> {
    let id = match v {
        Value::Int(i) => *i,
        #[allow(clippy::cast_possible_truncation)]
        Value::Float(f) if f.is_finite() => (*f as i128 as u128 as u64) as i64,
        Value::Str(_) | Value::BigInt(_) => {
            let s = php::string_bytes(v, scratch)?;
            match wp_php::number::numeric_prefix(s) {
                Some((n, true)) => wp_php::number::int_of(Some((n, true))),
                _ => return None,
            }
        }
        _ => return None,
    };
    u64::try_from(id).ok().filter(|&i| i >= 1)
}

/// The WordPress user a middleware result resolves to (`WP_User($value)`): `Ok(0)` for
/// nobody, `Err` where WordPress dies (an array).
///
/// # Errors
/// [`Fatal::UserIdArray`].
pub fn effective_user<U: Users + ?Sized>(
    v: &Value<'_>,
    users: &U,
    scratch: &mut [u8],
) -> Result<u64, Fatal> {
    if v.is_empty() {
        return Ok(0);
    }
    match v {
        Value::Array(_) => Err(Fatal::UserIdArray),
        Value::Object(text) => {
            // `(int) $object->ID`, no lookup.
            let mut slot = [None];
            let paths: &[&[&[u8]]] = &[&[b"ID"]];
            let _ = json::decode(text, &mut json::Captures::new(paths, &mut slot));
            Ok(slot[0].map_or(0, |id| match id {
                Value::Int(i) => u64::try_from(i).unwrap_or(0),
                Value::Bool(true) => 1,
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                Value::Float(f) if f >= 1.0 && f.is_finite() => f as u64,
                Value::Str(_) | Value::BigInt(_) => php::string_bytes(&id, scratch)
                    .map_or(0, |s| {
                        u64::try_from(wp_php::number::int_cast(s)).unwrap_or(0)
                    }),
                _ => 0,
            }))
        }
        Value::Bool(true) => Ok(users.id_by_login(b"1").unwrap_or(0)),
        Value::Str(_) | Value::BigInt(_) => {
            let numeric = php::string_bytes(v, scratch)
                .is_some_and(|s| matches!(wp_php::number::numeric_prefix(s), Some((_, true))));
            if numeric {
                Ok(user_id_of(v, scratch)
                    .filter(|&id| users.exists(id))
                    .unwrap_or(0))
            } else {
                let login = php::string_bytes(v, scratch).unwrap_or_default();
                Ok(users.id_by_login(login).unwrap_or(0))
            }
        }
        _ => Ok(user_id_of(v, scratch)
            .filter(|&id| users.exists(id))
            .unwrap_or(0)),
    }
}

/// The header value a path reads, transformed as it transforms it, into `out`.
fn header_for<'o>(
    req: &Request<'o>,
    sanitize: Option<bool>,
    out: &'o mut [u8],
) -> Option<&'o [u8]> {
    // `sanitize`: None raw; Some(false) sanitised; Some(true) sanitised after addslashes.
    fn pick(v: Option<&[u8]>) -> Option<&[u8]> {
        v.filter(|v| !php::falsy(v))
    }
    match sanitize {
        None => pick(req.authorization).or(pick(req.redirect_authorization)),
        Some(slashed) => {
            for v in [req.authorization, req.redirect_authorization]
                .into_iter()
                .flatten()
            {
                if php::falsy(v) && slashed {
                    continue;
                }
                // addslashes doubles at most; sanitising then writes up to four bytes per byte.
                let at = out.len() * 2 / 11;
                let (a, b) = out.split_at_mut(at);
                let src: &[u8] = if slashed { php::addslashes(v, a)? } else { v };
                let len = php::sanitize_text_field(src, b)?.len();
                if !php::falsy(b.get(..len)?) {
                    out.copy_within(at..at + len, 0);
                    return out.get(..len);
                }
            }
            None
        }
    }
}

fn reject(cfg: &Config<'_>, code: Code, message: &'static str) -> Rejection {
    Rejection {
        code,
        message: Message::Fixed(message),
        status: cfg.profile.reject_status(),
    }
}

/// After the header is read: Bearer, configuration, decode, `iss`, `data.user.id`, and for
/// Useful Team the user, device and `pass` checks.
fn check_token<'s, U: Users + ?Sized>(
    cfg: &Config<'_>,
    req: &Request<'_>,
    header: &[u8],
    now: i64,
    users: &U,
    scratch: &'s mut [u8],
) -> Validation<'s> {
    let ut = cfg.profile == Profile::UsefulTeam;
    let Some(token) = php::bearer_token(header) else {
        return Validation::Reject(reject(
            cfg,
            Code::BadAuthHeader,
            "Authorization header malformed.",
        ));
    };
    if !cfg.secret_usable {
        let m = if ut {
            "JWT is not configured properly."
        } else {
            "JWT is not configured properly, please contact the admin"
        };
        return Validation::Reject(reject(cfg, Code::BadConfig, m));
    }
    if !ut
        && !matches!(
            cfg.alg,
            b"HS256"
                | b"HS384"
                | b"HS512"
                | b"RS256"
                | b"RS384"
                | b"RS512"
                | b"ES256"
                | b"ES384"
                | b"ES512"
                | b"PS256"
                | b"PS384"
                | b"PS512"
        )
    {
        return Validation::Reject(reject(
            cfg,
            Code::UnsupportedAlgorithm,
            "Algorithm not supported, see https://www.rfc-editor.org/rfc/rfc7518#section-3",
        ));
    }
    let work = scratch;
    let (str_buf, work) = work.split_at_mut((work.len() / 4).min(work.len()));
    let claims = match decode(cfg, token, now, work) {
        Ok(c) => c,
        Err(Fail::Exception(message)) => {
            return Validation::Reject(Rejection {
                code: Code::InvalidToken,
                message,
                status: cfg.profile.reject_status(),
            });
        }
        Err(Fail::Fatal(f)) => return Validation::Fatal(f),
    };
    let (prefix, rest) = issuer_parts(cfg.home, req.https);
    let iss_matches = claims
        .iss
        .and_then(|v| v.string())
        .is_some_and(|s| s.eq(prefix.iter().chain(rest).copied()));
    if !iss_matches {
        let m = if ut {
            "The iss do not match with this server."
        } else {
            "The iss do not match with this server"
        };
        return Validation::Reject(reject(cfg, Code::BadIss, m));
    }
    let Some(id) = claims.id.filter(|v| *v != Value::Null) else {
        let m = if ut {
            "User ID not found in the token."
        } else {
            "User ID not found in the token"
        };
        return Validation::Reject(reject(cfg, Code::BadRequest, m));
    };
    if ut {
        let Some(user) = user_id_of(&id, str_buf).filter(|&u| users.exists(u)) else {
            return Validation::Reject(reject(cfg, Code::UserNotFound, "User doesn't exist"));
        };
        let obsolete = Validation::Reject(reject(cfg, Code::ObsoleteToken, "Token is obsolete"));
        if let Some(device) = claims.device
            && !device.is_empty()
        {
            let ok = matches!(device, Value::Str(_))
                && php::string_bytes(&device, str_buf).is_some_and(|d| users.has_device(user, d));
            if !ok {
                return obsolete;
            }
        }
        let stored = users.jwt_auth_pass(user).unwrap_or_default();
        let pass_ok = matches!(claims.pass, Some(Value::Str(_)))
            && claims
                .pass
                .and_then(|p| php::string_bytes(&p, str_buf).map(|p| bool::from(p.ct_eq(stored))))
                .unwrap_or(false);
        if !pass_ok {
            return obsolete;
        }
    }
    Validation::Accept(id)
}

/// `POST /wp-json/jwt-auth/v1/token/validate`: the plugin's answer for the request's
/// `Authorization` header at `now`. `scratch` must hold [`scratch_len`] bytes (a shorter one
/// is reported as a malformed header); the accepted id borrows it.
pub fn validate<'s, U: Users + ?Sized>(
    cfg: &Config<'_>,
    req: &Request<'_>,
    now: i64,
    users: &U,
    scratch: &'s mut [u8],
) -> Validation<'s> {
    let (head_buf, rest) = scratch.split_at_mut(scratch.len() / 16 * 11);
    let sanitize = (cfg.profile == Profile::UsefulTeam).then_some(false);
    let Some(header) = header_for(req, sanitize, head_buf) else {
        return Validation::Reject(reject(
            cfg,
            Code::NoAuthHeader,
            "Authorization header not found.",
        ));
    };
    check_token(cfg, req, header, now, users, rest)
}

/// Whether `needle` occurs in `hay` at a position > 0 (`strpos(...) > 0`).
fn occurs_after_start(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .position(|w| w == needle)
        .is_some_and(|i| i > 0)
}

/// The plugin's `determine_current_user` callback (priority 10) on the request, and — for
/// Tmeister — whether `rest_pre_dispatch` then answers its error.
pub fn middleware<'s, U: Users + ?Sized>(
    cfg: &Config<'_>,
    req: &Request<'_>,
    now: i64,
    users: &U,
    scratch: &'s mut [u8],
) -> Middleware<'s> {
    let (head_buf, rest) = scratch.split_at_mut(scratch.len() / 16 * 11);
    match cfg.profile {
        Profile::Tmeister => {
            let uri = req.request_uri;
            let rest_request = occurs_after_start(uri, b"wp-json");
            if (rest_request && req.prior_user) || occurs_after_start(uri, b"token/validate") {
                return Middleware::Pass;
            }
            let Some(header) = header_for(req, Some(true), head_buf) else {
                return Middleware::Pass;
            };
            if !header.starts_with(b"Bearer") {
                return Middleware::Pass;
            }
            match check_token(cfg, req, header, now, users, rest) {
                Validation::Accept(id) => Middleware::User(id),
                Validation::Reject(r) if r.code == Code::NoAuthHeader => Middleware::Pass,
                Validation::Reject(r) => Middleware::Error(r),
                Validation::Fatal(f) => Middleware::Fatal(f),
            }
        }
        Profile::UsefulTeam => {
            let Some(uri) = php::sanitize_text_field(req.request_uri, head_buf) else {
                return Middleware::Pass;
            };
            let prefix: &[u8] = if req.pretty_permalinks {
                b"wp-json"
            } else {
                b"?rest_route=/"
            };
            if !occurs_after_start(uri, prefix)
                || req.prior_user
                || occurs_after_start(uri, b"token/validate")
            {
                return Middleware::Pass;
            }
            match validate(cfg, req, now, users, rest) {
                Validation::Accept(id) => Middleware::User(id),
                Validation::Reject(_) => Middleware::Pass,
                Validation::Fatal(f) => Middleware::Fatal(f),
            }
        }
    }
}
