//! Round trips and tamper checks over random passwords (cheap costs: phpass 2^7, bcrypt 4).

use proptest::prelude::*;
use wp_password::{Error, WpVersion, app, bcrypt, phpass, verify};

fn flip(mut v: Vec<u8>, at: usize, bit: u8) -> Vec<u8> {
    let i = at % v.len();
    if let Some(b) = v.get_mut(i) {
        *b ^= 1 << (bit % 8);
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn phpass_round_trip(pw in proptest::collection::vec(any::<u8>(), 0..80), salt in any::<[u8; 8]>(), at in any::<usize>(), bit in any::<u8>()) {
        let s = phpass::Setting { id: b'P', count_log2: 7, salt };
        let h = s.hash(&pw);
        prop_assert!(phpass::check(&pw, &h, &wp_password::Limits::DEFAULT));
        prop_assert_eq!(phpass::Setting::parse(&h), Ok(s));
        prop_assert!(!phpass::check(&[pw.as_slice(), b"x"].concat(), &h, &wp_password::Limits::DEFAULT));
        prop_assert!(!phpass::check(&pw, &flip(h.to_vec(), 12 + at % 22, bit), &wp_password::Limits::DEFAULT));
    }

    #[test]
    fn bcrypt_round_trip(pw in proptest::collection::vec(1u8..=255, 0..72), salt in any::<[u8; 16]>(), at in any::<usize>(), bit in any::<u8>()) {
        let s = bcrypt::Setting::new(4, salt).unwrap();
        let h = s.hash(&pw);
        prop_assert!(bcrypt::verify(&pw, &h));
        prop_assert_eq!(bcrypt::Setting::parse(&h), Ok(s));
        if !pw.is_empty() {
            prop_assert!(!bcrypt::verify(&flip(pw.clone(), at, bit), &h));
        }
        // Only the salt and hash characters: a flipped variant letter can name an equivalent
        // variant (`$2x$` for `$2y$` on ASCII), a flipped cost digit a cost of 2^24.
        let tail = flip(h.get(7..).unwrap().to_vec(), at, bit);
        prop_assert!(!bcrypt::verify(&pw, &[h.get(..7).unwrap(), &tail].concat()));
    }

    #[test]
    fn wp_hash_round_trip(pw in proptest::collection::vec(any::<u8>(), 0..100), salt in any::<[u8; 16]>()) {
        let h = wp_password::hash_password(&pw, salt, 4).unwrap();
        let trimmed = wp_php::trim(&pw);
        prop_assert_eq!(verify(trimmed, &h, WpVersion::Wp68), Ok(()));
        prop_assert_eq!(verify(trimmed, &h, WpVersion::Wp61), Err(Error::IncorrectPassword));
        prop_assert_eq!(verify(&[trimmed, b"x"].concat(), &h, WpVersion::Wp68), Err(Error::IncorrectPassword));
        prop_assert!(!wp_password::needs_rehash(&h, 4));
        prop_assert!(wp_password::needs_rehash(&h, 10));
    }

    #[test]
    fn fast_hash_round_trip(m in proptest::collection::vec(any::<u8>(), 0..200), at in any::<usize>(), bit in any::<u8>()) {
        let h = wp_password::fast_hash(&m);
        prop_assert_eq!(wp_password::verify_fast_hash(&m, &h), Ok(()));
        prop_assert!(wp_password::verify_fast_hash(&m, &flip(h.to_vec(), 9 + at % 40, bit)).is_err());
        prop_assert!(wp_password::verify_fast_hash(&[m.as_slice(), b"x"].concat(), &h).is_err());
    }

    #[test]
    fn chunk_then_normalize_gives_the_alphanumerics(raw in proptest::collection::vec(any::<u8>(), 0..100)) {
        let mut out = vec![0; app::chunked_capacity(raw.len())];
        let chunked = app::chunk(&raw, &mut out).unwrap().to_owned();
        let mut buf = vec![0; chunked.len()];
        let kept: Vec<u8> = raw.iter().copied().filter(u8::is_ascii_alphanumeric).collect();
        prop_assert_eq!(app::normalize(chunked.as_bytes(), &mut buf).unwrap(), kept.as_slice());
        prop_assert!(chunked.split(' ').all(|g| (1..=4).contains(&g.len())) || chunked.is_empty());
    }

    #[test]
    fn checking_arbitrary_bytes_never_panics(pw in proptest::collection::vec(any::<u8>(), 0..40), stored in proptest::collection::vec(any::<u8>(), 0..80)) {
        for version in [WpVersion::Wp61, WpVersion::Wp68] {
            let _ = verify(&pw, &stored, version);
            let _ = app::check(&pw, &stored, version);
        }
        let mut buf = [0u8; 128];
        let server = app::Server { http_authorization: Some(&stored), ..app::Server::default() };
        let _ = app::populate(&server, WpVersion::Wp61, &mut buf);
    }
}

#[test]
fn generated_passwords_chunk_and_verify() {
    let mut n = 0u8;
    let pw = app::AppPassword::generate(|b| {
        for x in b {
            n = n.wrapping_mul(31).wrapping_add(7);
            *x = n;
        }
    });
    assert!(pw.as_str().bytes().all(|b| b.is_ascii_alphanumeric()));
    let mut chunked = [0u8; app::CHUNKED_LEN];
    let chunked = app::chunk(pw.as_bytes(), &mut chunked).unwrap();
    let item = app::Item {
        uuid: "u",
        app_id: "",
        name: "n",
        password: &wp_password::fast_hash(pw.as_bytes()),
        created: 0,
        last_used: None,
        last_ip: None,
    };
    assert_eq!(
        app::find(&[item], chunked.as_bytes(), WpVersion::Wp68),
        Some(0)
    );
    assert_eq!(
        app::find(&[item], chunked.as_bytes(), WpVersion::Wp61),
        None
    );
}

#[test]
fn dummy_verify_is_an_error_and_its_hash_is_well_formed() {
    assert_eq!(
        wp_password::dummy_verify(b"anything"),
        Err(Error::IncorrectPassword)
    );
    let inner = &wp_password::DUMMY_HASH[3..];
    assert_eq!(bcrypt::Setting::parse(inner).map(|s| s.cost), Ok(10));
}

#[test]
fn is_email() {
    assert!(app::is_email(b"userTCkh@example.test"));
    assert!(!app::is_email(b"a@b.c"));
    assert!(!app::is_email(b"@example.test"));
    assert!(!app::is_email(b"alice@localhost"));
    assert!(!app::is_email(b"alice@-example.test"));
    assert!(!app::is_email(b"alice@example..test"));
    assert!(!app::is_email(b"al ice@example.test"));
}

#[test]
fn uuid4_sets_version_and_variant() {
    assert_eq!(
        &app::uuid4([0; 16]),
        b"00000000-0000-4000-8000-000000000000"
    );
    assert_eq!(
        &app::uuid4([0xff; 16]),
        b"ffffffff-ffff-4fff-bfff-ffffffffffff"
    );
}
