//! The decision as a sans-IO state machine: [`Flow`] says which lookup it needs next
//! ([`Step::Need`]), the driver answers it ([`Answer`]), until [`Step::Done`].

use alloc::borrow::Cow;
use alloc::vec::Vec;

use wp_cookie::{CookieKey, Options, Scheme, User, Verifier};
use wp_nonce::rest::{CookieAuth, cookie_check};
use wp_password::app;

use crate::outcome::{Authenticated, BasicAuthError, Effects, Method, Outcome, RestError};
use crate::request::{BasicCredentials, RequestView, basic_credentials, rest_nonce};
use crate::store::{AppPasswordRow, JwtUserRow, OAuth1Consumer, OAuth1Token, ReplayKey, UserRow};
use crate::{Config, UserDetermined};

/// A lookup the decision needs answered before it can go on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Lookup<'f> {
    /// [`crate::Store::user_by_login`] → [`Answer::User`].
    UserByLogin(&'f [u8]),
    /// [`crate::Store::user_by_email`] → [`Answer::User`].
    UserByEmail(&'f [u8]),
    /// [`crate::Store::session_expiration`] → [`Answer::Session`].
    Session {
        /// The user.
        user_id: u64,
        /// The session's key.
        verifier: Verifier,
    },
    /// [`crate::Store::app_passwords`] → [`Answer::AppPasswords`].
    AppPasswords {
        /// The user.
        user_id: u64,
    },
    /// [`crate::Store::oauth1_token`] → [`Answer::OAuth1Token`].
    OAuth1Token(&'f [u8]),
    /// [`crate::Store::oauth1_consumer`] → [`Answer::OAuth1Consumer`].
    OAuth1Consumer(&'f [u8]),
    /// [`crate::Store::remember_nonce`] → [`Answer::NonceIsNew`].
    RememberNonce {
        /// The nonce's key.
        key: ReplayKey,
        /// How long to remember it, in seconds.
        ttl: u64,
    },
    /// [`crate::Store::user_by_id`] → [`Answer::User`] (a JWT plugin's user id).
    UserById(u64),
    /// [`crate::Store::jwt_user`] → [`Answer::JwtUser`] (Useful Team's JWT checks).
    JwtUser(u64),
}

/// The answer to a [`Lookup`]. An answer of the wrong kind counts as "nothing found".
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Answer {
    /// To [`Lookup::UserByLogin`] and [`Lookup::UserByEmail`].
    User(Option<UserRow>),
    /// To [`Lookup::Session`].
    Session(Option<i64>),
    /// To [`Lookup::AppPasswords`].
    AppPasswords(Vec<AppPasswordRow>),
    /// To [`Lookup::OAuth1Token`].
    OAuth1Token(Option<OAuth1Token>),
    /// To [`Lookup::OAuth1Consumer`].
    OAuth1Consumer(Option<OAuth1Consumer>),
    /// To [`Lookup::RememberNonce`].
    NonceIsNew(bool),
    /// To [`Lookup::JwtUser`].
    JwtUser(Option<JwtUserRow>),
}

/// What [`Flow`] wants next.
#[derive(Debug, PartialEq, Eq)]
pub enum Step<'f> {
    /// Answer this lookup with [`Flow::resume`].
    Need(Lookup<'f>),
    /// The decision.
    Done(Result<Outcome, RestError>),
}

/// Which cookie is being validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    /// `wp_validate_auth_cookie()` at priority 10: secure_auth over TLS, else auth.
    Admin,
    /// `wp_validate_logged_in_cookie()` at priority 20.
    LoggedIn,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Start,
    CookieUser(Slot),
    CookieSession(Slot),
    OAuthToken,
    OAuthConsumer,
    OAuthNonce,
    AppByLogin,
    AppByEmail,
    AppPasswords,
    AcctByLogin,
    AcctByEmail,
    JwtById,
    JwtUser,
    JwtByLogin,
    Done,
}

/// What the Basic-Auth plugin's `wp_authenticate()` call found.
#[derive(Clone, Copy, Debug)]
struct Account {
    error: BasicAuthError,
    /// The user the name found (by login or e-mail), and whether application passwords are
    /// available to them.
    user: Option<bool>,
}

/// A cookie's value as PHP decodes it: borrowed from the request when it holds no `%`,
/// else decoded inline (a WordPress cookie is under 256 bytes), else on the heap.
#[allow(clippy::large_enum_variant)] // inline on purpose: no allocation per request
enum CookieValue<'a> {
    Borrowed(&'a [u8]),
    Inline([u8; INLINE_COOKIE], usize),
    Heap(Vec<u8>),
}

/// Decoded cookie values up to this many bytes stay off the heap.
const INLINE_COOKIE: usize = 256;

impl<'a> CookieValue<'a> {
    /// `raw` decoded (`rawurldecode`, as PHP fills `$_COOKIE`).
    fn decode(raw: &'a [u8]) -> Self {
        if !raw.contains(&b'%') {
            return Self::Borrowed(raw);
        }
        let mut buf = [0u8; INLINE_COOKIE];
        let mut n = 0;
        let mut decoded = wp_php::url::rawurldecode(raw);
        for (slot, b) in buf.iter_mut().zip(&mut decoded) {
            *slot = b;
            n += 1;
        }
        if decoded.clone().next().is_none() {
            return Self::Inline(buf, n);
        }
        let mut heap = Vec::with_capacity(raw.len());
        heap.extend_from_slice(buf.get(..n).unwrap_or_default());
        heap.extend(decoded);
        Self::Heap(heap)
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Self::Borrowed(b) => b,
            Self::Inline(buf, n) => buf.get(..*n).unwrap_or_default(),
            Self::Heap(v) => v,
        }
    }
}

/// The name being looked up, without copying it where it can be borrowed.
#[derive(Debug)]
enum LoginKey<'a> {
    /// From the request (a cookie's login, sanitising changed nothing).
    Request(&'a [u8]),
    /// A range of the Basic credentials' login.
    Basic(core::ops::Range<usize>),
    /// Rewritten by sanitising, or from a decoded cookie.
    Owned(Vec<u8>),
}

/// An OAuth1 request read once, kept across its lookups.
#[derive(Debug)]
struct OAuthPending<'a> {
    signed: wp_oauth1::Signed<'a>,
    /// The method is not one the plugin signs: refused at the signature check, after the
    /// lookups (the request was read as a GET, which is what PHP fills for it).
    unknown_method: bool,
    token_row: Option<OAuth1Token>,
}

/// One request's decision in WordPress's order, without I/O. Drive it with [`Flow::start`]
/// and [`Flow::resume`] (or let [`crate::authenticate`] / [`crate::authenticate_async`] do it).
///
/// The order (WordPress 6.1–6.9, REST requests):
/// 1. `WP::init()` determines the user before `REST_REQUEST` is defined: the auth (or
///    secure_auth) cookie, then the logged_in cookie, then (with the Basic-Auth plugin)
///    `wp_authenticate()` on Basic credentials. With the OAuth1 plugin, its `init` hook
///    determines again with the plugin's filter (after the auth cookie's).
/// 2. The REST server forgets a logged-out user; the user is determined again, now as an API
///    request, where application passwords take part: before the authentication checks on an
///    early-user site ([`UserDetermined::Early`]), during the cookie check on a stock one.
/// 3. `rest_authentication_errors`: the Basic-Auth and OAuth1 plugins' status (priority 10),
///    the application password's (90, seen only on an early-user site), the cookie nonce
///    check (100).
pub struct Flow<'a> {
    cfg: &'a Config,
    now: u64,
    req: &'a RequestView<'a>,
    /// The request may be an OAuth1 request for the site.
    oauth1: bool,
    stage: Stage,
    /// The cookie being validated (decoded).
    cookie: CookieValue<'a>,
    /// The name being looked up (`get_user_by('login')` / `('email')`).
    login: LoginKey<'a>,
    /// The logged_in cookie was looked for (and, when present, is in `cookie`).
    logged_in_seen: Option<bool>,
    /// The cookie being validated, parsed and unexpired, when it lies in the request as is.
    unexpired: Option<wp_cookie::Unexpired<'a>>,
    /// The logged_in cookie's token, when it lies in the request as is (`None`: read it again).
    logged_in_token: Option<&'a [u8]>,
    /// The user whose cookie MAC matched, waiting for the session.
    authentic: Option<(u64, Verifier)>,
    /// A cookie validated (`$wp_rest_auth_cookie === true`).
    cookie_valid: bool,
    /// A cookie was sent and failed.
    cookie_failed: bool,
    basic: Option<BasicCredentials>,
    /// The user the application password names: ID, and whether they may use one.
    app_user: Option<(u64, bool)>,
    oauth: Option<OAuthPending<'a>>,
    /// The Basic-Auth plugin's failure, once `wp_authenticate()` has run.
    account: Option<Account>,
    /// Working memory for reading an OAuth1 request ([`Flow::buffers_needed`]).
    buffers: Option<(&'a mut [wp_oauth1::Entry<'a>], &'a mut [u8])>,
    /// What the JWT plugin's checks asked the store so far.
    jwt: JwtAnswers,
    /// The Tmeister JWT plugin's error, answered at dispatch unless authentication fails first.
    jwt_error: Option<RestError>,
    /// The user id of the JWT lookup in flight.
    jwt_pending: u64,
}

/// The store's answers to a JWT plugin's lookups, kept across its re-runs.
#[derive(Debug, Default)]
struct JwtAnswers {
    by_id: Option<(u64, Option<u64>)>,
    jwt_user: Option<(u64, Option<JwtUserRow>)>,
    by_login: Option<(Vec<u8>, Option<u64>)>,
}

/// A lookup a JWT plugin's check made that the store has not answered yet.
#[derive(Debug)]
enum JwtAsk {
    ById(u64),
    JwtUser(u64),
    ByLogin(Vec<u8>),
}

/// The plugin's view of the users: the answers so far, and the first unanswered question.
struct JwtUsers<'x> {
    answers: &'x JwtAnswers,
    asked: core::cell::RefCell<Option<JwtAsk>>,
    /// Useful Team asks for its own meta with the user.
    usefulteam: bool,
}

impl JwtUsers<'_> {
    fn ask(&self, q: JwtAsk) {
        let mut asked = self.asked.borrow_mut();
        if asked.is_none() {
            *asked = Some(q);
        }
    }

    fn jwt_row(&self, id: u64) -> Option<&JwtUserRow> {
        match &self.answers.jwt_user {
            Some((i, row)) if *i == id => row.as_ref(),
            _ => None,
        }
    }
}

impl wp_jwt::Users for JwtUsers<'_> {
    fn exists(&self, id: u64) -> bool {
        if self.usefulteam {
            match &self.answers.jwt_user {
                Some((i, row)) if *i == id => return row.is_some(),
                _ => {}
            }
        }
        match self.answers.by_id {
            Some((i, found)) if i == id => found.is_some(),
            _ => {
                self.ask(if self.usefulteam {
                    JwtAsk::JwtUser(id)
                } else {
                    JwtAsk::ById(id)
                });
                false
            }
        }
    }

    fn id_by_login(&self, login: &[u8]) -> Option<u64> {
        match &self.answers.by_login {
            Some((l, found)) if l.as_slice() == login => *found,
            _ => {
                self.ask(JwtAsk::ByLogin(login.to_vec()));
                None
            }
        }
    }

    fn jwt_auth_pass(&self, id: u64) -> Option<&[u8]> {
        self.jwt_row(id).and_then(|r| r.pass.as_deref())
    }

    fn has_device(&self, id: u64, device: &[u8]) -> bool {
        self.jwt_row(id)
            .is_some_and(|r| r.devices.iter().any(|d| **d == *device))
    }
}

/// PHP's `empty()` for a string.
fn php_empty(s: &[u8]) -> bool {
    matches!(s, b"" | b"0")
}

/// `get_user_by('login')`'s reading of a login: `trim()`, then `sanitize_user()` (tags
/// stripped as `strip_tags` does for the simple cases, `%XX` octets and `&…;` entities removed,
/// trimmed, whitespace runs made one space). `None` when no user can match.
fn lookup_login(raw: &[u8]) -> Option<Cow<'_, [u8]>> {
    let trimmed = wp_php::trim(raw);
    if php_empty(trimmed) {
        return None;
    }
    let simple = trimmed.iter().all(|&b| {
        b.is_ascii_graphic() && !matches!(b, b'<' | b'%' | b'&') || b == b' ' || b >= 0x80
    }) && !trimmed.windows(2).any(|w| w == b"  ");
    if simple {
        return Some(Cow::Borrowed(trimmed));
    }
    let mut out = Vec::with_capacity(trimmed.len());
    let mut i = 0;
    while let Some(&b) = trimmed.get(i) {
        match b {
            b'<' => {
                // strip_tags: a tag runs to the next `>`, an unclosed one to the end.
                i = trimmed
                    .iter()
                    .skip(i)
                    .position(|&c| c == b'>')
                    .map_or(trimmed.len(), |p| i + p + 1);
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    // Kill octets.
    let mut no_octets = Vec::with_capacity(out.len());
    let mut i = 0;
    while let Some(&b) = out.get(i) {
        let hex = |j: usize| out.get(j).is_some_and(u8::is_ascii_hexdigit);
        if b == b'%' && hex(i + 1) && hex(i + 2) {
            i += 3;
        } else {
            no_octets.push(b);
            i += 1;
        }
    }
    // Kill entities: `&` then at least one byte, lazily up to the next `;`.
    let mut no_entities = Vec::with_capacity(no_octets.len());
    let mut i = 0;
    while let Some(&b) = no_octets.get(i) {
        let end = (b == b'&')
            .then(|| {
                no_octets
                    .iter()
                    .skip(i + 2)
                    .position(|&c| c == b';')
                    .map(|p| i + 2 + p + 1)
            })
            .flatten();
        match end {
            Some(e) => i = e,
            None => {
                no_entities.push(b);
                i += 1;
            }
        }
    }
    let trimmed = wp_php::trim(&no_entities);
    let mut collapsed = Vec::with_capacity(trimmed.len());
    let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    for &b in trimmed {
        if is_space(b) {
            if collapsed.last() != Some(&b' ') {
                collapsed.push(b' ');
            }
        } else {
            collapsed.push(b);
        }
    }
    (!collapsed.is_empty()).then_some(Cow::Owned(collapsed))
}

impl core::fmt::Debug for Flow<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // The request's credentials stay out of it.
        f.debug_struct("Flow")
            .field("now", &self.now)
            .field("stage", &self.stage)
            .field("cookie_valid", &self.cookie_valid)
            .field("cookie_failed", &self.cookie_failed)
            .finish_non_exhaustive()
    }
}

/// Whether the OAuth1 plugin could read OAuth1 parameters from the request: an
/// `Authorization` that starts with `OAuth ` once trimmed, or `oauth_` (or a `%` escape that
/// could spell it) in the query or a POST body.
fn may_be_oauth1(req: &RequestView<'_>) -> bool {
    let header = req
        .authorization
        .is_some_and(|h| wp_php::trim(h).starts_with(b"OAuth "));
    // `oauth_` in any spelling PHP decodes to it holds an `_` or a `%`.
    let names = |raw: &[u8]| {
        raw.iter().any(|&b| b == b'%' || b == b'_')
            && (raw.contains(&b'%') || raw.windows(6).any(|w| w == b"oauth_"))
    };
    header || names(req.query()) || (req.method == b"POST" && names(req.body))
}

impl<'a> Flow<'a> {
    /// The working memory [`Flow::with_buffers`] needs to read this request as the OAuth1
    /// plugin does: `(entries, bytes)`, `(0, 0)` when the site has no OAuth1 plugin or the
    /// request names no OAuth1 parameter.
    #[must_use]
    pub fn buffers_needed(cfg: &Config, req: &RequestView<'_>) -> (usize, usize) {
        if !Self::oauth1_possible(cfg, req) {
            return (0, 0);
        }
        wp_oauth1::buffers_for(&oauth1_sig::Request {
            method: req.method,
            url: req.url,
            authorization: req.authorization,
            content_type: req.content_type,
            body: req.body,
        })
    }

    /// Whether the request can be an OAuth1 request for the site.
    fn oauth1_possible(cfg: &Config, req: &RequestView<'_>) -> bool {
        cfg.oauth1.is_some() && may_be_oauth1(req)
    }

    /// A decision for `req` at `now` on the site `cfg`, for a request that needs no OAuth1
    /// buffers (one that does is refused with `oauth1_sig_capacity`): use
    /// [`Flow::with_buffers`] when [`Flow::buffers_needed`] is not `(0, 0)`.
    #[must_use]
    pub fn new(cfg: &'a Config, now: u64, req: &'a RequestView<'a>) -> Self {
        Self::with_buffers(cfg, now, req, &mut [], &mut [])
    }

    /// A decision for `req` at `now` on the site `cfg`, reading an OAuth1 request into the
    /// caller's buffers (sized by [`Flow::buffers_needed`]).
    #[must_use]
    pub fn with_buffers(
        cfg: &'a Config,
        now: u64,
        req: &'a RequestView<'a>,
        entries: &'a mut [wp_oauth1::Entry<'a>],
        bytes: &'a mut [u8],
    ) -> Self {
        let oauth1 = Self::oauth1_possible(cfg, req);
        Self::prepared(cfg, now, req, oauth1, entries, bytes)
    }

    /// [`Flow::with_buffers`] for a driver that has already asked [`Flow::buffers_needed`]
    /// (`oauth1`: whether it was not `(0, 0)`).
    pub(crate) fn prepared(
        cfg: &'a Config,
        now: u64,
        req: &'a RequestView<'a>,
        oauth1: bool,
        entries: &'a mut [wp_oauth1::Entry<'a>],
        bytes: &'a mut [u8],
    ) -> Self {
        Self {
            oauth1,
            cfg,
            now,
            req,
            stage: Stage::Start,
            cookie: CookieValue::Borrowed(&[]),
            login: LoginKey::Request(&[]),
            logged_in_seen: None,
            unexpired: None,
            logged_in_token: None,
            authentic: None,
            cookie_valid: false,
            cookie_failed: false,
            basic: None,
            app_user: None,
            oauth: None,
            account: None,
            buffers: Some((entries, bytes)),
            jwt: JwtAnswers::default(),
            jwt_error: None,
            jwt_pending: 0,
        }
    }

    /// The first step.
    pub fn start(&mut self) -> Step<'_> {
        if self.stage != Stage::Start {
            return Step::Done(Err(RestError::NotLoggedIn));
        }
        self.try_cookie(Slot::Admin)
    }

    /// The next step, given the answer to the last [`Step::Need`].
    pub fn resume(&mut self, answer: Answer) -> Step<'_> {
        match (self.stage, answer) {
            (Stage::CookieUser(slot), Answer::User(user)) => self.cookie_user(slot, user),
            (Stage::CookieUser(slot), _) => self.cookie_user(slot, None),
            (Stage::CookieSession(slot), Answer::Session(exp)) => self.cookie_session(slot, exp),
            (Stage::CookieSession(slot), _) => self.cookie_session(slot, None),
            (Stage::OAuthToken, Answer::OAuth1Token(t)) => self.oauth_token(t),
            (Stage::OAuthToken, _) => self.oauth_token(None),
            (Stage::OAuthConsumer, Answer::OAuth1Consumer(c)) => self.oauth_consumer(c),
            (Stage::OAuthConsumer, _) => self.oauth_consumer(None),
            (Stage::OAuthNonce, Answer::NonceIsNew(new)) => self.oauth_nonce(new),
            (Stage::OAuthNonce, _) => self.oauth_nonce(false),
            (Stage::AppByLogin, Answer::User(u)) => self.app_by_login(u),
            (Stage::AppByLogin, _) => self.app_by_login(None),
            (Stage::AppByEmail, Answer::User(u)) => self.app_user_found(u),
            (Stage::AppByEmail, _) => self.app_user_found(None),
            (Stage::AppPasswords, Answer::AppPasswords(rows)) => self.app_passwords(&rows),
            (Stage::AppPasswords, _) => self.app_passwords(&[]),
            (Stage::AcctByLogin, Answer::User(u)) => self.acct_by_login(u),
            (Stage::AcctByLogin, _) => self.acct_by_login(None),
            (Stage::AcctByEmail, Answer::User(u)) => self.acct_by_email(u),
            (Stage::AcctByEmail, _) => self.acct_by_email(None),
            (Stage::JwtById, answer) => {
                let id = self.jwt_pending_id();
                let found = match answer {
                    Answer::User(u) => u.map(|u| u.id),
                    _ => None,
                };
                self.jwt.by_id = Some((id, found));
                self.jwt_step()
            }
            (Stage::JwtUser, answer) => {
                let id = self.jwt_pending_id();
                let row = match answer {
                    Answer::JwtUser(r) => r,
                    _ => None,
                };
                self.jwt.jwt_user = Some((id, row));
                self.jwt_step()
            }
            (Stage::JwtByLogin, answer) => {
                let found = match answer {
                    Answer::User(u) => u.map(|u| u.id),
                    _ => None,
                };
                let login = core::mem::replace(&mut self.login, LoginKey::Owned(Vec::new()));
                let LoginKey::Owned(login) = login else {
                    return self.jwt_step();
                };
                self.jwt.by_login = Some((login, found));
                self.jwt_step()
            }
            (Stage::Start | Stage::Done, _) => self.finish_err(RestError::NotLoggedIn),
        }
    }

    fn finish(&mut self, r: Result<Outcome, RestError>) -> Step<'_> {
        self.stage = Stage::Done;
        // The Tmeister JWT plugin's `rest_pre_dispatch` answers its error for every route once
        // authentication has let the request through.
        match (r, self.jwt_error) {
            (Ok(o), Some(RestError::Jwt { rejection, .. })) => Step::Done(Err(RestError::Jwt {
                rejection,
                no_cache: o.effects().no_cache,
            })),
            (r, _) => Step::Done(r),
        }
    }

    /// The id of the JWT lookup in flight.
    fn jwt_pending_id(&self) -> u64 {
        self.jwt_pending
    }

    /// A JWT plugin's `determine_current_user` callback (priority 10, after the admin cookie):
    /// run on what the store answered so far; an unanswered question becomes a lookup and the
    /// callback runs again with its answer.
    fn jwt_step(&mut self) -> Step<'_> {
        let (Some(jwt), Some(authorization)) = (&self.cfg.jwt, self.req.authorization) else {
            return self.try_cookie(Slot::LoggedIn);
        };
        let mut wcfg = wp_jwt::Config::with_key(jwt.profile, &jwt.key, &jwt.alg, &self.cfg.home)
            .leeway(jwt.leeway);
        if let Some(max) = jwt.strict {
            wcfg = wcfg.strict(max);
        }
        let req = wp_jwt::Request {
            authorization: Some(authorization),
            redirect_authorization: None,
            https: self.req.is_ssl,
            request_uri: self.req.url,
            pretty_permalinks: jwt.pretty_permalinks,
            prior_user: false,
        };
        let now = i64::try_from(self.now).unwrap_or(i64::MAX);
        let users = JwtUsers {
            answers: &self.jwt,
            asked: core::cell::RefCell::new(None),
            usefulteam: jwt.profile == wp_jwt::Profile::UsefulTeam,
        };
        let len = wp_jwt::scratch_len(&req);
        let mut scratch = alloc::vec![0u8; len];
        let decided = match wp_jwt::middleware(&wcfg, &req, now, &users, &mut scratch) {
            wp_jwt::Middleware::User(id) => {
                let mut s = alloc::vec![0u8; len];
                match wp_jwt::effective_user(&id, &users, &mut s) {
                    Ok(user) => Ok(Some(user)),
                    Err(_) => Err(RestError::Fatal),
                }
            }
            wp_jwt::Middleware::Pass => Ok(None),
            wp_jwt::Middleware::Error(r) => {
                self.jwt_error = Some(RestError::Jwt {
                    rejection: r,
                    no_cache: false,
                });
                Ok(None)
            }
            wp_jwt::Middleware::Fatal(_) => Err(RestError::Fatal),
        };
        let asked = users.asked.into_inner();
        if let Some(q) = asked {
            // Not decided yet: ask, then run the callback again.
            self.jwt_error = None;
            return match q {
                JwtAsk::ById(id) => {
                    self.jwt_pending = id;
                    self.stage = Stage::JwtById;
                    Step::Need(Lookup::UserById(id))
                }
                JwtAsk::JwtUser(id) => {
                    self.jwt_pending = id;
                    self.stage = Stage::JwtUser;
                    Step::Need(Lookup::JwtUser(id))
                }
                JwtAsk::ByLogin(login) => {
                    self.login = LoginKey::Owned(login);
                    self.stage = Stage::JwtByLogin;
                    Step::Need(Lookup::UserByLogin(self.login_key()))
                }
            };
        }
        match decided {
            Err(e) => self.finish_err(e),
            // The plugin's value stands for the rest of the callbacks (truthy even when it
            // resolves to nobody): the logged_in cookie and application passwords keep it.
            Ok(Some(user)) => self.nonce_check(user, Method::Jwt),
            Ok(None) => self.try_cookie(Slot::LoggedIn),
        }
    }

    fn finish_err(&mut self, e: RestError) -> Step<'_> {
        self.finish(Err(e))
    }

    fn cookie_key(&self, slot: Slot) -> (&'a CookieKey, Scheme) {
        let keys = &self.cfg.keys;
        match slot {
            Slot::Admin if self.req.is_ssl => (&keys.secure_auth, Scheme::SecureAuth),
            Slot::Admin => (&keys.auth, Scheme::Auth),
            Slot::LoggedIn => (&keys.logged_in, Scheme::LoggedIn),
        }
    }

    /// `$_COOKIE[name]` for a scheme, decoded as PHP decodes it.
    fn cookie_value(&self, scheme: Scheme) -> Option<CookieValue<'a>> {
        let header = self.req.cookie?;
        let raw = self.cfg.cookie_names.for_scheme(scheme).find_in(header)?;
        Some(CookieValue::decode(raw))
    }

    fn options(&self) -> Options {
        Options {
            grace_period: self.req.method == b"POST",
            version: self.cfg.version,
        }
    }

    fn next_slot(&mut self, slot: Slot) -> Step<'_> {
        match slot {
            Slot::Admin => self.jwt_step(),
            Slot::LoggedIn => self.after_cookies(),
        }
    }

    /// The name being looked up.
    fn login_key(&self) -> &[u8] {
        match &self.login {
            LoginKey::Request(l) => l,
            LoginKey::Basic(r) => self
                .basic
                .as_ref()
                .and_then(|c| c.login().get(r.clone()))
                .unwrap_or_default(),
            LoginKey::Owned(l) => l,
        }
    }

    fn try_cookie(&mut self, slot: Slot) -> Step<'_> {
        let (_, scheme) = self.cookie_key(slot);
        let value = self.cookie_value(scheme).filter(|v| !php_empty(v.bytes()));
        if slot == Slot::LoggedIn {
            self.logged_in_seen = Some(value.is_some());
        }
        let Some(value) = value else {
            // The admin cookie's filter reports a missing cookie as malformed; the logged_in
            // one skips it.
            return self.next_slot(slot);
        };
        self.cookie = value;
        self.unexpired = None;
        let opts = self.options();
        let login = if let CookieValue::Borrowed(c) = self.cookie {
            // Parsed once: what the MAC check and the nonce's token need is kept.
            let parsed = wp_cookie::parse(c);
            if slot == Slot::LoggedIn {
                self.logged_in_token = Some(parsed.map_or(&[][..], |p| p.token));
            }
            match parsed.and_then(|p| p.check_expiry(self.now, &opts)) {
                Ok(u) => {
                    self.unexpired = Some(u);
                    lookup_login(u.login()).map(|l| match l {
                        Cow::Borrowed(b) => LoginKey::Request(b),
                        Cow::Owned(o) => LoginKey::Owned(o),
                    })
                }
                Err(_) => None,
            }
        } else {
            match wp_cookie::parse(self.cookie.bytes())
                .and_then(|p| p.check_expiry(self.now, &opts))
            {
                Ok(u) => lookup_login(u.login()).map(|l| LoginKey::Owned(l.into_owned())),
                Err(_) => None,
            }
        };
        let Some(login) = login else {
            self.cookie_failed = true;
            return self.next_slot(slot);
        };
        self.login = login;
        self.stage = Stage::CookieUser(slot);
        Step::Need(Lookup::UserByLogin(self.login_key()))
    }

    fn cookie_user(&mut self, slot: Slot, user: Option<UserRow>) -> Step<'_> {
        let (key, _) = self.cookie_key(slot);
        let authentic = user.and_then(|user| {
            let unexpired = match self.unexpired {
                Some(u) => u,
                None => wp_cookie::parse(self.cookie.bytes())
                    .and_then(|p| p.check_expiry(self.now, &self.options()))
                    .ok()?,
            };
            let u = User {
                user_id: user.id,
                user_pass: user.user_pass.as_bytes(),
            };
            let a = wp_cookie::verify_mac(key, &unexpired, &u).ok()?;
            Some((a.user_id(), *a.verifier()))
        });
        let Some((user_id, verifier)) = authentic else {
            self.cookie_failed = true;
            return self.next_slot(slot);
        };
        self.authentic = Some((user_id, verifier));
        self.stage = Stage::CookieSession(slot);
        Step::Need(Lookup::Session { user_id, verifier })
    }

    fn cookie_session(&mut self, slot: Slot, expiration: Option<i64>) -> Step<'_> {
        let Some((user_id, _)) = self.authentic.take() else {
            return self.next_slot(slot);
        };
        let live = expiration.is_some_and(|e| i128::from(e) >= i128::from(self.now));
        if !live {
            self.cookie_failed = true;
            return self.next_slot(slot);
        }
        self.cookie_valid = true;
        self.nonce_check(user_id, Method::Cookie)
    }

    /// No cookie validated: the Basic-Auth plugin (when enabled) on `WP::init()`'s
    /// determination, then the OAuth1 plugin (when configured), then application passwords.
    fn after_cookies(&mut self) -> Step<'_> {
        if self.cfg.basic_account_passwords && self.account.is_none() {
            self.basic = basic_credentials(self.req.authorization, self.cfg.version);
            if self.basic.is_some() {
                return self.acct_start();
            }
        }
        self.after_account()
    }

    fn after_account(&mut self) -> Step<'_> {
        if self.oauth1 {
            match self.oauth_start() {
                Ok(true) => {
                    self.stage = Stage::OAuthToken;
                    let token = self
                        .oauth
                        .as_ref()
                        .and_then(|o| o.signed.token())
                        .unwrap_or_default();
                    return Step::Need(Lookup::OAuth1Token(token));
                }
                Ok(false) => {}
                Err(e) => return self.oauth_failed(e),
            }
        }
        // With the Basic-Auth plugin's failure on a stock site, its filter (priority 10) reports
        // what `WP::init()` found; application passwords are still looked at, because answering
        // determines the user again (for the no-cache headers).
        self.app_start()
    }

    /// The OAuth1 plugin refused the request; the Basic-Auth plugin's filter, registered
    /// before it at the same priority, reports its own failure first.
    fn oauth_failed(&mut self, e: wp_oauth1::Error) -> Step<'_> {
        match self.account {
            Some(a) => self.finish_err(RestError::BasicAuth {
                error: a.error,
                no_cache: false,
            }),
            None => self.finish_err(RestError::OAuth1(e)),
        }
    }

    /// `wp_authenticate()` on the Basic credentials, as `WP::init()` runs it (not an API
    /// request: application passwords do not take part): the name as `sanitize_user()` leaves
    /// it, the password trimmed; both must be non-empty; the user by login, then by e-mail.
    fn acct_start(&mut self) -> Step<'_> {
        let Some(c) = &self.basic else {
            return self.after_account();
        };
        let login = c.login();
        let password = wp_php::trim(c.password_if_set().unwrap_or_default());
        let name = lookup_login(login);
        let empty = match (&name, php_empty(password)) {
            (None, true) => Some(BasicAuthError::EmptyUsernameAndPassword),
            (None, false) => Some(BasicAuthError::EmptyUsername),
            (Some(_), true) => Some(BasicAuthError::EmptyPassword),
            _ => None,
        };
        if let (Some(BasicAuthError::EmptyPassword), Some(n), UserDetermined::Early) =
            (empty, &name, self.cfg.user_determined)
        {
            // No password to check, but on an early-user site the application-password filter
            // of the API request looks the name up: find whether it names a user.
            self.login = match n {
                Cow::Borrowed(_) => LoginKey::Basic(wp_php::trim_range(login)),
                Cow::Owned(o) => LoginKey::Owned(o.clone()),
            };
            self.account = Some(Account {
                error: BasicAuthError::EmptyPassword,
                user: None,
            });
            self.stage = Stage::AcctByLogin;
            return Step::Need(Lookup::UserByLogin(self.login_key()));
        }
        if let Some(error) = empty {
            self.account = Some(Account { error, user: None });
            return self.after_account();
        }
        self.login = match name {
            Some(Cow::Borrowed(_)) => LoginKey::Basic(wp_php::trim_range(login)),
            Some(Cow::Owned(o)) => LoginKey::Owned(o),
            None => LoginKey::Owned(Vec::new()),
        };
        self.stage = Stage::AcctByLogin;
        Step::Need(Lookup::UserByLogin(self.login_key()))
    }

    /// The account password against a user the name found (`wp_check_password()`).
    fn acct_check(&self, user: &UserRow) -> Result<u64, BasicAuthError> {
        let password = self.basic.as_ref().map_or(&[][..], |c| {
            wp_php::trim(c.password_if_set().unwrap_or_default())
        });
        wp_password::verify(password, user.user_pass.as_bytes(), self.cfg.version)
            .map(|()| user.id)
            .map_err(|_| BasicAuthError::Password(wp_password::Error::IncorrectPassword))
    }

    /// The Basic-Auth plugin's success: its filter reports `true` at priority 10, no other
    /// check runs.
    fn acct_success(&mut self, user_id: u64) -> Step<'_> {
        self.finish(Ok(Outcome::Authenticated(Authenticated {
            user_id,
            method: Method::AccountPassword,
            effects: Effects {
                x_wp_nonce: None,
                no_cache: true,
            },
            record_app_password_use: false,
        })))
    }

    fn acct_by_login(&mut self, user: Option<UserRow>) -> Step<'_> {
        let lookup_only = self.account.is_some();
        let mut found = None;
        let mut error = self.account.map_or(
            BasicAuthError::Password(wp_password::Error::InvalidUsername),
            |a| a.error,
        );
        if let Some(u) = &user {
            found = Some(u.app_passwords_available);
            if !lookup_only {
                match self.acct_check(u) {
                    Ok(id) => return self.acct_success(id),
                    Err(e) => error = e,
                }
            }
        }
        if lookup_only && found.is_some() {
            self.account = Some(Account { error, user: found });
            return self.after_account();
        }
        self.account = Some(Account { error, user: found });
        // wp_authenticate_email_password(): only for a name that looks like an e-mail address.
        if app::is_email(self.login_key()) {
            self.stage = Stage::AcctByEmail;
            return Step::Need(Lookup::UserByEmail(self.login_key()));
        }
        self.after_account()
    }

    fn acct_by_email(&mut self, user: Option<UserRow>) -> Step<'_> {
        if let Some(a) = self
            .account
            .filter(|a| a.error == BasicAuthError::EmptyPassword)
        {
            // A lookup for the application-password filter only.
            self.account = Some(Account {
                user: user.map(|u| u.app_passwords_available).or(a.user),
                ..a
            });
            return self.after_account();
        }
        let Some(u) = user else {
            let user = self.account.and_then(|a| a.user);
            self.account = Some(Account {
                error: BasicAuthError::Password(wp_password::Error::InvalidEmail),
                user,
            });
            return self.after_account();
        };
        match self.acct_check(&u) {
            Ok(id) => self.acct_success(id),
            Err(error) => {
                self.account = Some(Account {
                    error,
                    user: Some(u.app_passwords_available),
                });
                self.after_account()
            }
        }
    }

    /// Reads the request as the plugin does (once): `Ok(true)` when it is an OAuth1 request,
    /// now in `self.oauth`.
    fn oauth_start(&mut self) -> Result<bool, wp_oauth1::Error> {
        let Some((entries, bytes)) = self.buffers.take() else {
            return Err(wp_oauth1::Error::Capacity);
        };
        let known = wp_oauth1::signed_method(self.req.method).is_some();
        let req = oauth1_sig::Request {
            // The method is refused at the signature check, after the lookups: read the
            // request as the GET PHP fills the same superglobals for.
            method: if known { self.req.method } else { b"GET" },
            url: self.req.url,
            authorization: self.req.authorization,
            content_type: self.req.content_type,
            body: self.req.body,
        };
        let site = wp_oauth1::Site {
            home: &self.cfg.home,
            is_ssl: self.req.is_ssl,
        };
        let Some(signed) = wp_oauth1::parse(&req, &site, true, entries, bytes)? else {
            return Ok(false);
        };
        self.oauth = Some(OAuthPending {
            signed,
            unknown_method: !known,
            token_row: None,
        });
        Ok(true)
    }

    fn oauth_token(&mut self, token: Option<OAuth1Token>) -> Step<'_> {
        let (Some(token), Some(o)) = (token, self.oauth.as_mut()) else {
            return self.finish_err(RestError::OAuth1(wp_oauth1::Error::InvalidToken));
        };
        o.token_row = Some(token);
        self.stage = Stage::OAuthConsumer;
        let key = self
            .oauth
            .as_ref()
            .map_or(&[][..], |o| o.signed.consumer_key());
        Step::Need(Lookup::OAuth1Consumer(key))
    }

    fn oauth_consumer(&mut self, consumer: Option<OAuth1Consumer>) -> Step<'_> {
        use wp_oauth1::Error as E;
        let Some(consumer) = consumer else {
            return self.finish_err(RestError::OAuth1(E::ConsumerNotFound));
        };
        let Some(o) = &self.oauth else {
            return self.finish_err(RestError::OAuth1(E::ConsumerNotFound));
        };
        let Some(token) = &o.token_row else {
            return self.finish_err(RestError::OAuth1(E::InvalidToken));
        };
        if token.consumer_id != consumer.id {
            return self.finish_err(RestError::OAuth1(E::ConsumerMismatch));
        }
        if o.unknown_method {
            return self.finish_err(RestError::OAuth1(E::UnknownHttpMethod));
        }
        let window = self.cfg.oauth1.map_or(900, |o| o.timestamp_window);
        let secrets = oauth1_sig::Secrets {
            consumer_secret: consumer.secret.as_bytes(),
            token_secret: Some(token.secret.as_bytes()),
        };
        if let Err(e) = wp_oauth1::verify(&secrets, self.now, &o.signed, window) {
            return self.finish_err(RestError::OAuth1(e));
        }
        let (nonce, timestamp) = o.signed.nonce();
        let key = ReplayKey::from_bytes(
            o.signed.consumer_key(),
            o.signed.token().unwrap_or_default(),
            u64::try_from(wp_php::number::int_cast(timestamp)).unwrap_or(0),
            nonce,
        );
        self.stage = Stage::OAuthNonce;
        Step::Need(Lookup::RememberNonce {
            key,
            ttl: 2 * window,
        })
    }

    fn oauth_nonce(&mut self, new: bool) -> Step<'_> {
        if !new {
            return self.finish_err(RestError::OAuth1(wp_oauth1::Error::NonceAlreadyUsed));
        }
        let user_id = self
            .oauth
            .as_ref()
            .and_then(|o| o.token_row.as_ref())
            .map_or(0, |t| t.user_id);
        // The plugin's status is `true` at priority 10: no other check runs.
        self.finish(Ok(Outcome::Authenticated(Authenticated {
            user_id,
            method: Method::OAuth1,
            effects: Effects {
                x_wp_nonce: None,
                no_cache: true,
            },
            record_app_password_use: false,
        })))
    }

    fn app_site(&self) -> app::Site {
        let ap = self.cfg.app_passwords;
        app::Site {
            in_use: ap.in_use,
            api_request: true,
            available: app::available(
                self.req.is_ssl,
                if ap.local_environment {
                    b"local"
                } else {
                    b"production"
                },
            ),
        }
    }

    fn app_start(&mut self) -> Step<'_> {
        if self.basic.is_none() {
            self.basic = basic_credentials(self.req.authorization, self.cfg.version);
        }
        let site = self.app_site();
        let pending = self
            .basic
            .as_ref()
            .and_then(|c| app::start(&site, Some((c.login(), c.password_if_set()?))))
            .is_some();
        if !pending {
            return self.app_failed(None);
        }
        let login = self.basic.as_ref().map_or(&[][..], BasicCredentials::login);
        let key = match lookup_login(login) {
            Some(Cow::Borrowed(_)) => LoginKey::Basic(wp_php::trim_range(login)),
            Some(Cow::Owned(o)) => LoginKey::Owned(o),
            None => return self.app_by_login(None),
        };
        self.login = key;
        self.stage = Stage::AppByLogin;
        Step::Need(Lookup::UserByLogin(self.login_key()))
    }

    fn app_by_login(&mut self, user: Option<UserRow>) -> Step<'_> {
        if user.is_some() {
            return self.app_user_found(user);
        }
        let login = self.basic.as_ref().map_or(&[][..], BasicCredentials::login);
        if app::is_email(login) && !php_empty(wp_php::trim(login)) {
            self.login = LoginKey::Basic(wp_php::trim_range(login));
            self.stage = Stage::AppByEmail;
            return Step::Need(Lookup::UserByEmail(self.login_key()));
        }
        self.app_user_found(None)
    }

    fn app_user_found(&mut self, user: Option<UserRow>) -> Step<'_> {
        let Some(user) = user else {
            let by_email = self
                .basic
                .as_ref()
                .is_some_and(|c| app::is_email(c.login()));
            let e = if by_email {
                wp_password::Error::InvalidEmail
            } else {
                wp_password::Error::InvalidUsername
            };
            return self.app_failed(Some(e));
        };
        if !user.app_passwords_available {
            return self.app_failed(Some(wp_password::Error::DisabledForUser));
        }
        let user_id = user.id;
        self.app_user = Some((user.id, user.app_passwords_available));
        self.stage = Stage::AppPasswords;
        Step::Need(Lookup::AppPasswords { user_id })
    }

    fn app_passwords(&mut self, rows: &[AppPasswordRow]) -> Step<'_> {
        let Some((user_id, available)) = self.app_user.take() else {
            return self.app_failed(Some(wp_password::Error::IncorrectPassword));
        };
        fn item(r: &AppPasswordRow) -> app::Item<'_> {
            app::Item {
                uuid: core::str::from_utf8(&r.uuid).unwrap_or_default(),
                app_id: "",
                name: "",
                password: r.password.as_bytes(),
                created: 0,
                last_used: r.last_used,
                last_ip: None,
            }
        }
        // A user's few records on the stack; more on the heap.
        const INLINE: usize = 4;
        let mut inline = [app::Item {
            uuid: "",
            app_id: "",
            name: "",
            password: b"",
            created: 0,
            last_used: None,
            last_ip: None,
        }; INLINE];
        let heap: Vec<app::Item<'_>>;
        let items: &[app::Item<'_>] = if rows.len() <= INLINE {
            for (slot, r) in inline.iter_mut().zip(rows) {
                *slot = item(r);
            }
            inline.get(..rows.len()).unwrap_or_default()
        } else {
            heap = rows.iter().map(item).collect();
            &heap
        };
        let account = app::Account {
            user_id,
            available,
            items,
        };
        let site = self.app_site();
        let verified = self.basic.as_ref().and_then(|c| {
            let pending = app::start(&site, Some((c.login(), c.password_if_set()?)))?;
            Some(app::verify(self.now, &pending, &account, self.cfg.version))
        });
        match verified {
            Some(Ok(_))
                if self.account.is_some() && self.cfg.user_determined == UserDetermined::Late =>
            {
                let error = self
                    .account
                    .map_or(BasicAuthError::EmptyUsername, |a| a.error);
                self.finish_err(RestError::BasicAuth {
                    error,
                    no_cache: true,
                })
            }
            Some(Ok(a)) => {
                let uuid = rows.get(a.item).map_or([0u8; 36], |r| r.uuid);
                let record = a.record_usage;
                let user_id = a.user_id;
                // Logged in some other way than by cookie: the cookie check leaves it alone.
                self.finish(Ok(Outcome::Authenticated(Authenticated {
                    user_id,
                    method: Method::AppPassword { uuid },
                    effects: Effects {
                        x_wp_nonce: None,
                        no_cache: true,
                    },
                    record_app_password_use: record,
                })))
            }
            Some(Err(e)) => self.app_failed(Some(e)),
            None => self.app_failed(Some(wp_password::Error::IncorrectPassword)),
        }
    }

    /// No user from application passwords (`error` when they took part and failed).
    fn app_failed(&mut self, error: Option<wp_password::Error>) -> Step<'_> {
        match (self.account, self.cfg.user_determined) {
            (Some(a), UserDetermined::Late) => {
                return self.finish_err(RestError::BasicAuth {
                    error: a.error,
                    no_cache: false,
                });
            }
            (Some(a), UserDetermined::Early) => {
                // The Basic-Auth plugin runs wp_authenticate() again, now as an API request:
                // application passwords have the last word when the site uses them.
                let error = self.api_account_error(a, error);
                return self.finish_err(RestError::BasicAuth {
                    error,
                    no_cache: false,
                });
            }
            (None, _) => {}
        }
        if let (Some(e), UserDetermined::Early) = (error, self.cfg.user_determined) {
            // Priority 90 reports the recorded failure.
            return self.finish_err(RestError::AppPassword(e));
        }
        self.nonce_check(0, Method::Cookie)
    }

    /// What `wp_authenticate()` answers as an API request after `WP::init()`'s answer `a`:
    /// `wp_authenticate_application_password()` runs last and, when the site uses
    /// application passwords, replaces the answer (`app` is what the application-password
    /// check of the same request found, when it ran).
    fn api_account_error(&self, a: Account, app: Option<wp_password::Error>) -> BasicAuthError {
        use wp_password::Error as E;
        if !self.cfg.app_passwords.in_use {
            return a.error;
        }
        let name = self.basic.as_ref().map_or(&[][..], BasicCredentials::login);
        let Some(available_for_user) = a.user else {
            let sanitized = lookup_login(name);
            let email = sanitized.as_deref().is_some_and(app::is_email);
            return BasicAuthError::Password(if email {
                E::InvalidEmail
            } else {
                E::InvalidUsername
            });
        };
        if !self.app_site().available {
            return BasicAuthError::AppPasswordsDisabled;
        }
        if !available_for_user {
            return BasicAuthError::Password(E::DisabledForUser);
        }
        BasicAuthError::Password(app.unwrap_or(E::IncorrectPassword))
    }

    /// `rest_cookie_check_errors()` for the user determined so far.
    fn nonce_check(&mut self, user_id: u64, method: Method) -> Step<'_> {
        let nonce = match rest_nonce(self.req) {
            Ok(n) => n,
            Err(e) => return self.finish_err(RestError::UnreadableInput(e)),
        };
        // `wp_get_session_token()`: the logged_in cookie's third field, merely parsed (the
        // cookie already read when its slot was tried).
        let found;
        let logged_in: Option<&[u8]> = match self.logged_in_seen {
            Some(true) => Some(self.cookie.bytes()),
            Some(false) => None,
            None => {
                found = self.cookie_value(Scheme::LoggedIn);
                found.as_ref().map(CookieValue::bytes)
            }
        };
        let token = match (self.logged_in_seen, self.logged_in_token) {
            (Some(true), Some(t)) => t,
            _ => logged_in
                .filter(|v| !php_empty(v))
                .and_then(|v| wp_cookie::parse(v).ok())
                .map_or(&[][..], |p| p.token),
        };
        let cookie = if self.cookie_valid {
            CookieAuth::Valid
        } else if self.cookie_failed {
            CookieAuth::Failed
        } else {
            CookieAuth::None
        };
        let check = cookie_check(
            &self.cfg.keys.nonce,
            self.now,
            self.cfg.nonce_life,
            &wp_nonce::rest::Request {
                prior_decided: false,
                cookie,
                user_id,
                token,
                nonce: nonce.as_ref().map(crate::request::NonceValue::as_bytes),
            },
        );
        let r = match check.outcome {
            wp_nonce::rest::Outcome::InvalidNonce => Err(RestError::CookieInvalidNonce),
            _ => {
                let effects = Effects {
                    x_wp_nonce: check.refreshed,
                    no_cache: check.user_id != 0,
                };
                Ok(if check.user_id == 0 {
                    Outcome::Anonymous(effects)
                } else {
                    Outcome::Authenticated(Authenticated {
                        user_id: check.user_id,
                        method,
                        effects,
                        record_app_password_use: false,
                    })
                })
            }
        };
        self.finish(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_as_get_user_by_reads_them() {
        let l = |s: &[u8]| lookup_login(s).map(Cow::into_owned);
        assert_eq!(l(b"admin"), Some(b"admin".to_vec()));
        assert_eq!(l(b"  admin \n"), Some(b"admin".to_vec()));
        assert_eq!(l(b"a  b\tc"), Some(b"a b c".to_vec()));
        assert_eq!(l(b"ad%41min"), Some(b"admin".to_vec()));
        assert_eq!(l(b"ad&amp;min"), Some(b"admin".to_vec()));
        assert_eq!(l(b"ad<b>min"), Some(b"admin".to_vec()));
        assert_eq!(l(b"0"), None);
        assert_eq!(l(b" "), None);
        assert_eq!(l(b"<x>"), None);
    }
}
