#![no_std]
#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(test)]
extern crate std;

pub mod rest;

use core::{fmt, num::NonZeroU64};

use subtle::ConstantTimeEq;
use wp_hash::block::{Md5, pad};
use wp_hash::{Decimal, Salt, SaltSource, WpHashKey, hex_into, wp_salt};

pub use wp_hash::DAY_IN_SECONDS;

/// Why a nonce was rejected. Every variant is WordPress's `false`.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Error {
    /// PHP-empty: `""` or `"0"`.
    Empty,
    /// Not 10 characters long.
    Length,
    /// A character outside `0-9a-f` and `A-F`.
    NotHex,
    /// Upper-case hex: WordPress writes nonces in lower case and compares case-sensitively.
    Uppercase,
    /// Well-formed, but matches neither the current nor the previous tick.
    Invalid,
}

impl Error {
    /// A short stable code for logs and vector files. WordPress itself answers `false` for
    /// all of them.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::Length => "length",
            Self::NotHex => "not_hex",
            Self::Uppercase => "uppercase",
            Self::Invalid => "invalid",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "nonce is empty",
            Self::Length => "nonce is not 10 characters long",
            Self::NotHex => "nonce is not hexadecimal",
            Self::Uppercase => "nonce has upper-case hex digits",
            Self::Invalid => "nonce is invalid or expired",
        })
    }
}

impl core::error::Error for Error {}

/// A nonce's lifetime in seconds: the `nonce_life` filter's value, one day by default.
///
/// A nonce verifies for between `life / 2` and `life` seconds after it was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Lifetime(NonZeroU64);

impl Lifetime {
    /// One day, WordPress's default.
    pub const DAY: Self = Self(NonZeroU64::MIN.saturating_add(DAY_IN_SECONDS - 1));

    /// A lifetime of `seconds`; `None` for zero (PHP would divide by zero).
    #[must_use]
    pub const fn new(seconds: u64) -> Option<Self> {
        match NonZeroU64::new(seconds) {
            Some(s) => Some(Self(s)),
            None => None,
        }
    }

    /// The lifetime in seconds.
    #[must_use]
    pub const fn get(self) -> u64 {
        self.0.get()
    }
}

impl Default for Lifetime {
    fn default() -> Self {
        Self::DAY
    }
}

/// `wp_nonce_tick()`: `ceil(now / (life / 2))`, in IEEE double arithmetic as PHP computes it.
///
/// Byte-exact while the tick stays below 10^14 (PHP prints larger floats in exponent form), that
/// is for any `now` before the year 1,000,000 with lifetimes of a second or more.
#[must_use]
pub fn tick(now: u64, life: Lifetime) -> i64 {
    // Both conversions are exact for every realistic value (below 2^53), as in PHP.
    #[allow(clippy::cast_precision_loss)]
    let x = now as f64 / (life.get() as f64 / 2.0);
    // `ceil` without libm: the quotient is never negative, so truncation rounds down.
    #[allow(clippy::cast_possible_truncation)]
    let t = x as i64;
    #[allow(clippy::cast_precision_loss)]
    if (t as f64) < x {
        t.saturating_add(1)
    } else {
        t
    }
}

/// A nonce action: PHP's `$action`, a string or an integer (the default is the integer `-1`).
///
/// Integers hash as their decimal form, so `Action::Int(5)` and `Action::Bytes(b"5")` agree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action<'a> {
    /// A string action such as `wp_rest` or `log-out`, as bytes.
    Bytes(&'a [u8]),
    /// An integer action.
    Int(i64),
}

impl Default for Action<'_> {
    fn default() -> Self {
        Self::Int(-1)
    }
}

impl<'a> From<&'a [u8]> for Action<'a> {
    fn from(b: &'a [u8]) -> Self {
        Self::Bytes(b)
    }
}

impl<'a, const N: usize> From<&'a [u8; N]> for Action<'a> {
    fn from(b: &'a [u8; N]) -> Self {
        Self::Bytes(b)
    }
}

impl<'a> From<&'a str> for Action<'a> {
    fn from(s: &'a str) -> Self {
        Self::Bytes(s.as_bytes())
    }
}

impl From<i64> for Action<'_> {
    fn from(i: i64) -> Self {
        Self::Int(i)
    }
}

/// Everything a nonce is bound to besides the key and the time. `Debug` prints the session
/// token as `[redacted]`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Context<'a> {
    /// The action the nonce authorises.
    pub action: Action<'a>,
    /// The current user's ID; 0 when logged out.
    pub user_id: u64,
    /// The session token from the `logged_in` cookie; empty when there is none.
    pub token: &'a [u8],
    /// The nonce lifetime (the `nonce_life` filter's value for this action).
    pub life: Lifetime,
}

impl<'a> Context<'a> {
    /// A context with the default one-day lifetime.
    #[must_use]
    pub fn new(action: impl Into<Action<'a>>, user_id: u64, token: &'a [u8]) -> Self {
        Self {
            action: action.into(),
            user_id,
            token,
            life: Lifetime::DAY,
        }
    }

    /// The same context with another lifetime.
    #[must_use]
    pub fn with_life(self, life: Lifetime) -> Self {
        Self { life, ..self }
    }
}

impl fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("action", &self.action)
            .field("user_id", &self.user_id)
            .field("token", &"[redacted]")
            .field("life", &self.life)
            .finish()
    }
}

/// The nonce key, `NONCE_KEY . NONCE_SALT`, keyed once.
#[derive(Clone, Debug)]
pub struct NonceKey(WpHashKey);

impl NonceKey {
    /// Keys nonces with the `NONCE_KEY` and `NONCE_SALT` constants.
    #[must_use]
    pub fn new(nonce_key: &[u8], nonce_salt: &[u8]) -> Self {
        Self(WpHashKey::new(nonce_key, nonce_salt))
    }

    /// Keys nonces with the salt `wp_salt('nonce')` resolved.
    #[must_use]
    pub fn from_salt(salt: &Salt<'_>) -> Self {
        Self(WpHashKey::from_salt(salt))
    }

    /// Keys nonces from wp-config constants (and site options) with WordPress's `wp_salt()`
    /// fallbacks.
    ///
    /// # Errors
    /// `wp_hash::Error::MissingSalt` where WordPress would have generated a salt.
    pub fn from_source<S: SaltSource + ?Sized>(src: &S) -> Result<Self, wp_hash::Error> {
        Ok(Self::from_salt(&wp_salt(src, wp_hash::Scheme::Nonce)?))
    }

    /// The nonce for an explicit tick: `substr(wp_hash("tick|action|uid|token", 'nonce'), -12, 10)`.
    #[must_use]
    pub fn nonce_at_tick(&self, tick: i64, ctx: &Context<'_>) -> Nonce {
        let mut out = [0u8; NONCE_LEN];
        hex_into(&self.mac_tail(tick, ctx), &mut out);
        Nonce(out)
    }

    /// The five MAC bytes a nonce shows: hex characters 20..30 are bytes 10..15.
    #[inline]
    fn mac_tail(&self, tick: i64, ctx: &Context<'_>) -> [u8; NONCE_BYTES] {
        let mut h = self.0.hasher();
        message(tick, ctx, |part| {
            h.update(part);
        });
        tail(h.finalize())
    }
}

/// The pieces of the message `tick|action|uid|token`.
fn pieces<'m>(tick: &'m [u8], action: &'m [u8], uid: &'m [u8], token: &'m [u8]) -> [&'m [u8]; 7] {
    [tick, b"|", action, b"|", uid, b"|", token]
}

/// Stack room for the messages of one context at two ticks: two blocks each hold a message of
/// up to 119 bytes (a 43-character session token and an action of ordinary length).
type Layout = [[[u8; 64]; 2]; 2];

impl NonceKey {
    /// The messages of `ctx` at two ticks laid out for the lanes, or `None` when one is too
    /// long for its two blocks.
    #[inline]
    fn layout<'b>(
        ticks: [i64; 2],
        ctx: &Context<'_>,
        room: &'b mut Layout,
    ) -> Option<[&'b [[u8; 64]]; 2]> {
        let int_action = match ctx.action {
            Action::Int(i) => Some(Decimal::signed(i)),
            Action::Bytes(_) => None,
        };
        let action = match (ctx.action, &int_action) {
            (Action::Bytes(a), _) => a,
            (Action::Int(_), d) => d.as_ref().map_or(&b""[..], Decimal::as_bytes),
        };
        let uid = Decimal::new(ctx.user_id);
        let [t0, t1] = ticks.map(Decimal::signed);
        let [r0, r1] = room;
        let message = |tick| pieces(tick, action, uid.as_bytes(), ctx.token);
        let (m0, m1) = (message(t0.as_bytes()), message(t1.as_bytes()));
        Some([pad::<Md5, 2>(r0, 1, &m0)?, pad::<Md5, 2>(r1, 1, &m1)?])
    }

    /// The MAC tails of the same context at two ticks, computed together (two-lane MD5: the
    /// pair costs about 1.2x one); a message too long for the layout one tick at a time.
    /// One out-of-line copy for every caller: inlined into each, its speed moved by up to 20%
    /// with where the copy landed.
    #[inline(never)]
    fn mac_tails2(&self, ticks: [i64; 2], ctx: &Context<'_>) -> [[u8; NONCE_BYTES]; 2] {
        let mut room = [[[0u8; 64]; 2]; 2];
        match Self::layout(ticks, ctx, &mut room) {
            Some(msgs) => self.0.hmac().mac_padded_lanes(msgs).map(tail),
            None => ticks.map(|t| self.mac_tail(t, ctx)),
        }
    }
}

/// The five MAC bytes a nonce shows: hex characters 20..30 are bytes 10..15.
#[inline]
fn tail(mac: [u8; 16]) -> [u8; NONCE_BYTES] {
    let [.., b10, b11, b12, b13, b14, _] = mac;
    [b10, b11, b12, b13, b14]
}

/// Streams the message a nonce is the MAC of, `tick|action|uid|token`, to `sink` in pieces.
///
/// [`NonceKey::nonce_at_tick`] feeds these pieces to the MAC; collect them to see the exact
/// bytes hashed (WordPress's `wp_hash()` input) when debugging.
pub fn message(tick: i64, ctx: &Context<'_>, mut sink: impl FnMut(&[u8])) {
    sink(Decimal::signed(tick).as_bytes());
    sink(b"|");
    match ctx.action {
        Action::Bytes(a) => sink(a),
        Action::Int(i) => sink(Decimal::signed(i).as_bytes()),
    }
    sink(b"|");
    sink(Decimal::new(ctx.user_id).as_bytes());
    sink(b"|");
    sink(ctx.token);
}

/// Nonces are always 10 characters.
pub const NONCE_LEN: usize = 10;

/// The MAC bytes a nonce encodes.
const NONCE_BYTES: usize = NONCE_LEN / 2;

/// Constant-time equality of five bytes: the differences are folded into one byte by plain
/// byte operations (which keeps the loads narrow, as the MAC was just stored), then a single
/// `subtle` comparison decides.
fn ct_eq5(a: &[u8; NONCE_BYTES], b: &[u8; NONCE_BYTES]) -> bool {
    let [a0, a1, a2, a3, a4] = *a;
    let [b0, b1, b2, b3, b4] = *b;
    ((a0 ^ b0) | (a1 ^ b1) | (a2 ^ b2) | (a3 ^ b3) | (a4 ^ b4))
        .ct_eq(&0)
        .into()
}

/// A WordPress nonce: 10 lowercase hex characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Nonce([u8; NONCE_LEN]);

impl Nonce {
    /// The nonce as a string.
    #[must_use]
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The nonce's ASCII bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8; NONCE_LEN] {
        &self.0
    }
}

impl fmt::Debug for Nonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Nonce([redacted])")
    }
}

impl fmt::Display for Nonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which tick a valid nonce belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Age {
    /// The current tick: WordPress's `1` (made 0–12 h ago with the default life).
    Current,
    /// The previous tick: WordPress's `2` (12–24 h ago).
    Previous,
}

impl Age {
    /// The integer `wp_verify_nonce()` returns.
    #[must_use]
    pub const fn wp_value(self) -> u8 {
        match self {
            Self::Current => 1,
            Self::Previous => 2,
        }
    }
}

/// `wp_create_nonce()` at time `now`.
#[must_use]
#[doc(alias = "wp_create_nonce")]
pub fn create(key: &NonceKey, now: u64, ctx: &Context<'_>) -> Nonce {
    key.nonce_at_tick(tick(now, ctx.life), ctx)
}

/// Checks that `nonce` has a nonce's shape: the public part of verification.
///
/// # Errors
/// [`Error::Empty`], [`Error::Length`], [`Error::NotHex`] or [`Error::Uppercase`].
pub fn check_format(nonce: &[u8]) -> Result<(), Error> {
    decode(nonce).map(|_| ())
}

/// [`check_format`], and the five bytes the hex stands for.
fn decode(nonce: &[u8]) -> Result<[u8; NONCE_BYTES], Error> {
    if matches!(nonce, b"" | b"0") {
        return Err(Error::Empty);
    }
    let n: &[u8; NONCE_LEN] = nonce.try_into().map_err(|_| Error::Length)?;
    let (mut not_hex, mut upper) = (false, false);
    let mut digit = |c: u8| match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => {
            upper = true;
            0
        }
        _ => {
            not_hex = true;
            0
        }
    };
    let mut out = [0u8; NONCE_BYTES];
    for (o, pair) in out.iter_mut().zip(n.chunks_exact(2)) {
        if let [hi, lo] = *pair {
            *o = (digit(hi) << 4) | digit(lo);
        }
    }
    if not_hex {
        Err(Error::NotHex)
    } else if upper {
        Err(Error::Uppercase)
    } else {
        Ok(out)
    }
}

/// `wp_verify_nonce()` at time `now`: [`Age::Current`] (WordPress's `1`), [`Age::Previous`]
/// (`2`), or an error (`false`).
///
/// Both ticks are computed together, on two-lane MD5, so a forged or stale nonce costs what a
/// valid one does; which tick matched is public, each comparison runs in constant time.
///
/// # Errors
/// A format error from [`check_format`], or [`Error::Invalid`].
#[doc(alias = "wp_verify_nonce")]
pub fn verify(key: &NonceKey, now: u64, ctx: &Context<'_>, nonce: &[u8]) -> Result<Age, Error> {
    let candidate = decode(nonce)?;
    let i = tick(now, ctx.life);
    decide(key.mac_tails2([i, i.saturating_sub(1)], ctx), &candidate)
}

/// The answer for a nonce's bytes given the MAC tails of the current and the previous tick.
#[inline]
fn decide(
    [current, previous]: [[u8; NONCE_BYTES]; 2],
    candidate: &[u8; NONCE_BYTES],
) -> Result<Age, Error> {
    if ct_eq5(&current, candidate) {
        Ok(Age::Current)
    } else if ct_eq5(&previous, candidate) {
        Ok(Age::Previous)
    } else {
        Err(Error::Invalid)
    }
}

/// One nonce to check with [`verify_many`]: everything [`verify`] takes but the key and time.
#[derive(Clone, Copy)]
pub struct Check<'a> {
    /// What the nonce is bound to.
    pub ctx: Context<'a>,
    /// The nonce sent.
    pub nonce: &'a [u8],
}

impl fmt::Debug for Check<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Check([redacted])")
    }
}

/// [`verify`] for many independent requests: two requests' four ticks share one four-lane MD5
/// run (four MACs for about 1.7x the time of one), so a core checks about twice as many
/// nonces per second as with [`verify`] one at a time. Yields each check's answer, in order;
/// a request whose nonce is malformed, or whose message is too long for the lanes, is
/// answered by [`verify`] on its own.
pub fn verify_many<'a>(
    key: &'a NonceKey,
    now: u64,
    checks: &'a [Check<'a>],
) -> impl Iterator<Item = Result<Age, Error>> + 'a {
    checks
        .chunks(2)
        .flat_map(move |pair| match pair {
            [a, b] => verify_pair(key, now, a, b).map(Some),
            [a] => [Some(verify(key, now, &a.ctx, a.nonce)), None],
            _ => [None, None],
        })
        .flatten()
}

/// Two checks on four lanes.
fn verify_pair(key: &NonceKey, now: u64, a: &Check<'_>, b: &Check<'_>) -> [Result<Age, Error>; 2] {
    let (ta, tb) = (tick(now, a.ctx.life), tick(now, b.ctx.life));
    let (mut ra, mut rb) = ([[[0u8; 64]; 2]; 2], [[[0u8; 64]; 2]; 2]);
    match (
        decode(a.nonce),
        decode(b.nonce),
        NonceKey::layout([ta, ta.saturating_sub(1)], &a.ctx, &mut ra),
        NonceKey::layout([tb, tb.saturating_sub(1)], &b.ctx, &mut rb),
    ) {
        (Ok(na), Ok(nb), Some([a0, a1]), Some([b0, b1])) => {
            let [x0, x1, y0, y1] = key.0.hmac().mac_padded_lanes([a0, a1, b0, b1]).map(tail);
            [decide([x0, x1], &na), decide([y0, y1], &nb)]
        }
        _ => [
            verify(key, now, &a.ctx, a.nonce),
            verify(key, now, &b.ctx, b.nonce),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_worked_example() {
        let key = NonceKey::new(b"nonce-key", b"nonce-salt");
        let ctx = Context::new("wp_rest", 1, b"TOKEN");
        assert_eq!(tick(1_700_000_000, Lifetime::DAY), 39352);
        assert_eq!(create(&key, 1_700_000_000, &ctx).as_str(), "0369716812");
        let out = Context::new(Action::default(), 0, b"");
        assert_eq!(create(&key, 1_700_000_000, &out).as_str(), "d5a2bbc785");
    }

    #[test]
    fn tick_boundaries() {
        assert_eq!(tick(0, Lifetime::DAY), 0);
        assert_eq!(tick(43_200, Lifetime::DAY), 1);
        assert_eq!(tick(43_201, Lifetime::DAY), 2);
        let three = Lifetime::new(3).unwrap();
        assert_eq!(tick(3, three), 2);
        assert_eq!(tick(4, three), 3);
        assert_eq!(tick(u64::MAX, Lifetime::new(1).unwrap()), i64::MAX);
        assert!(Lifetime::new(0).is_none());
    }

    #[test]
    fn both_ticks_at_once_agree_with_one_at_a_time() {
        let key = NonceKey::new(b"k", b"s");
        let token: std::vec::Vec<u8> = (0..300u32).map(|i| (i * 7) as u8).collect();
        // Tick 100,000 (previous 99,999: one digit fewer), 10 / 9, an ordinary one, 1 / 0.
        for now in [4_320_000_000, 432_000, 1_700_000_000, 43_200] {
            for len in [0usize, 1, 43, 55, 119, 183, 200, 247, 248, 300] {
                for action in [
                    Action::Bytes(b"wp_rest"),
                    Action::Int(-1),
                    Action::Bytes(b""),
                ] {
                    let ctx = Context {
                        action,
                        user_id: 7,
                        token: &token[..len],
                        life: Lifetime::DAY,
                    };
                    let i = tick(now, ctx.life);
                    let [cur, prev] = key.mac_tails2([i, i - 1], &ctx);
                    assert_eq!(cur, key.mac_tail(i, &ctx), "{now} {len}");
                    assert_eq!(prev, key.mac_tail(i - 1, &ctx), "{now} {len}");
                    let previous = key.nonce_at_tick(i - 1, &ctx);
                    assert_eq!(
                        verify(&key, now, &ctx, previous.as_bytes()),
                        Ok(Age::Previous)
                    );
                    let current = create(&key, now, &ctx);
                    assert_eq!(
                        verify(&key, now, &ctx, current.as_bytes()),
                        Ok(Age::Current)
                    );
                }
            }
        }
    }

    #[test]
    fn many_at_once_answer_as_one_at_a_time() {
        let key = NonceKey::new(b"k", b"s");
        let token: std::vec::Vec<u8> = (0..300u32).map(|i| (i * 11) as u8).collect();
        let now = 1_700_000_000;
        let mut nonces = std::vec::Vec::new();
        let mut contexts = std::vec::Vec::new();
        for (n, len) in [0usize, 43, 43, 250, 43, 7, 43].into_iter().enumerate() {
            let life = Lifetime::new(if n == 5 { 3_600 } else { 86_400 }).unwrap();
            contexts.push(Context::new("wp_rest", n as u64, &token[..len]).with_life(life));
        }
        for (n, ctx) in contexts.iter().enumerate() {
            let nonce = match n % 4 {
                0 => create(&key, now, ctx),
                1 => key.nonce_at_tick(tick(now, ctx.life) - 1, ctx),
                2 => create(&key, now - 200_000, ctx),
                _ => Nonce(*b"ABCDEF0123"),
            };
            nonces.push(nonce);
        }
        let mut checks: std::vec::Vec<Check<'_>> = contexts
            .iter()
            .zip(&nonces)
            .map(|(ctx, n)| Check {
                ctx: *ctx,
                nonce: n.as_bytes(),
            })
            .collect();
        checks.push(Check {
            ctx: contexts[1],
            nonce: b"short",
        });
        for count in 0..=checks.len() {
            let many: std::vec::Vec<_> = verify_many(&key, now, &checks[..count]).collect();
            let one: std::vec::Vec<_> = checks[..count]
                .iter()
                .map(|c| verify(&key, now, &c.ctx, c.nonce))
                .collect();
            assert_eq!(many, one, "{count} checks");
        }
        let all: std::vec::Vec<_> = verify_many(&key, now, &checks).collect();
        assert!(all.contains(&Ok(Age::Current)) && all.contains(&Ok(Age::Previous)));
        assert!(all.contains(&Err(Error::Invalid)) && all.contains(&Err(Error::Length)));
    }

    #[test]
    fn format_errors() {
        assert_eq!(check_format(b""), Err(Error::Empty));
        assert_eq!(check_format(b"0"), Err(Error::Empty));
        assert_eq!(check_format(b"abc"), Err(Error::Length));
        assert_eq!(check_format(b"0123456789a"), Err(Error::Length));
        assert_eq!(check_format(b"012345678g"), Err(Error::NotHex));
        assert_eq!(check_format(b"012345678A"), Err(Error::Uppercase));
        assert_eq!(check_format(b"0123456789"), Ok(()));
    }
}
