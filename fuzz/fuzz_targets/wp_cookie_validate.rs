//! `wp_cookie::validate` on arbitrary cookie values, times and request kinds, against a store
//! with one real user and session: it must never panic, and it may accept only the one cookie
//! the key generates for that user (of which the fuzzer is given the shape in the seeds).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wp_cookie::{CookieKey, Options, Scheme, User, UserStore, Verifier, WpVersion, validate};

struct One;

impl UserStore for One {
    fn user_by_login(&self, login: &[u8]) -> Option<User<'_>> {
        (login == b"admin").then_some(User {
            user_id: 1,
            user_pass: b"$P$BabcdefghIJKLMNOPQRSTUVWXYZ01234",
        })
    }
    fn session_expiration(&self, _: u64, v: &Verifier) -> Option<i64> {
        (*v == Verifier::of(b"TOKEN")).then_some(1_900_000_000)
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let (time, cookie) = rest.split_at(rest.len().min(8));
    let mut t = [0u8; 8];
    t[..time.len()].copy_from_slice(time);
    let now = u64::from_le_bytes(t);
    let version = if flags & 1 == 0 {
        WpVersion::Wp68
    } else {
        WpVersion::Wp61
    };
    let opts = Options {
        grace_period: flags & 2 != 0,
        version,
    };
    let key = CookieKey::new(Scheme::LoggedIn, b"fuzz-key", b"fuzz-salt");
    if validate(&key, now, cookie, &opts, &One).is_ok() {
        let parts: Vec<&[u8]> = cookie.split(|&b| b == b'|').collect();
        let good = key.mac(b"admin", b"efgh", parts[1], b"TOKEN");
        assert_eq!(parts[0], b"admin");
        assert_eq!(parts[3], good.as_bytes());
    }
});
