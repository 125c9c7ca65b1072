//! Property tests: generate → validate, tampering, expiry, and parsers on arbitrary bytes.

use proptest::prelude::*;
use wp_cookie::session::SessionMeta;
use wp_cookie::{
    CookieKey, Error, Options, Scheme, User, UserStore, Verifier, WpVersion, parse, validate,
};

struct One {
    login: Vec<u8>,
    user_pass: Vec<u8>,
    token: Vec<u8>,
    session_until: i64,
}

impl UserStore for One {
    fn user_by_login(&self, login: &[u8]) -> Option<User<'_>> {
        (login == self.login).then_some(User {
            user_id: 7,
            user_pass: &self.user_pass,
        })
    }
    fn session_expiration(&self, user_id: u64, v: &Verifier) -> Option<i64> {
        (user_id == 7 && *v == Verifier::of(&self.token)).then_some(self.session_until)
    }
}

fn field() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>().prop_filter("no |", |b| *b != b'|'), 0..40)
}

proptest! {
    #[test]
    fn generated_cookies_validate_until_they_expire(
        login in field(),
        user_pass in proptest::collection::vec(any::<u8>(), 0..64),
        token in field(),
        now in 0u64..4_000_000_000,
        life in 0u64..2_000_000,
        wp61 in any::<bool>(),
    ) {
        let version = if wp61 { WpVersion::Wp61 } else { WpVersion::Wp68 };
        let key = CookieKey::new(Scheme::LoggedIn, b"key", b"salt");
        let exp = now + life;
        let value = wp_cookie::generate(&key, &login, &user_pass, exp, &token, version).to_vec();
        let store = One { login: login.clone(), user_pass, token, session_until: exp as i64 };
        let opts = Options { grace_period: false, version };
        prop_assert_eq!(validate(&key, now, &value, &opts, &store).map(|v| v.user_id), Ok(7));
        prop_assert_eq!(validate(&key, exp + 1, &value, &opts, &store), Err(Error::Expired));
        // Another scheme's key never accepts it.
        let other = CookieKey::new(Scheme::Auth, b"key", b"salt2");
        prop_assert!(validate(&other, now, &value, &opts, &store).is_err());
    }

    #[test]
    fn any_changed_byte_is_rejected(
        i in any::<prop::sample::Index>(),
        bit in 0u8..8,
        now in 1_000_000_000u64..2_000_000_000,
    ) {
        let key = CookieKey::new(Scheme::Auth, b"key", b"salt");
        let store = One {
            login: b"admin".to_vec(),
            user_pass: b"$P$BabcdefghIJKLMNOPQRSTUVWXYZ01234".to_vec(),
            token: b"TOKEN".to_vec(),
            session_until: i64::MAX,
        };
        let exp = now + 1000;
        let mut value = wp_cookie::generate(&key, b"admin", &store.user_pass, exp, b"TOKEN", WpVersion::Wp68).to_vec();
        let at = i.index(value.len());
        value[at] ^= 1 << bit;
        prop_assert!(validate(&key, now, &value, &Options::default(), &store).is_err());
    }

    #[test]
    fn parsers_never_panic(input in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(p) = parse(&input) {
            let n = p.login.len() + p.expiration.len() + p.token.len() + p.hmac.len() + 3;
            prop_assert_eq!(n, input.len());
        }
        if let Ok(meta) = SessionMeta::parse(&input) {
            for _ in meta.rows() {}
        }
        let key = CookieKey::new(Scheme::Auth, b"k", b"s");
        let store = One { login: input.clone(), user_pass: input.clone(), token: input.clone(), session_until: 0 };
        let _ = validate(&key, 0, &input, &Options::default(), &store);
    }

    #[test]
    fn encoded_cookie_decodes_back(login in field(), token in field(), exp in any::<u64>()) {
        let key = CookieKey::new(Scheme::LoggedIn, b"k", b"s");
        let c = wp_cookie::generate(&key, &login, b"", exp, &token, WpVersion::Wp68);
        let encoded = c.encoded().to_string();
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)));
        let mut buf = vec![0u8; encoded.len()];
        prop_assert_eq!(wp_php::cookie::decode_value(encoded.as_bytes(), &mut buf).unwrap(), &c.to_vec()[..]);
    }
}
