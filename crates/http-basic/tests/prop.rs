//! Property tests: encode → parse round trips, and the parser on arbitrary bytes.
#![allow(clippy::unwrap_used)]

use http_basic::{Error, MAX_LEN, challenge, decoded_capacity, encode, parse};
use proptest::prelude::*;

proptest! {
    #[test]
    fn encode_then_parse(user in "[^:\\x00-\\x1f\\x7f]{0,40}", pass in "[^\\x00-\\x1f\\x7f]{0,80}") {
        let mut out = vec![0u8; MAX_LEN];
        let header = encode(&user, &pass, &mut out).unwrap().to_owned();
        let mut buf = vec![0u8; decoded_capacity(header.len())];
        let c = parse(header.as_bytes(), &mut buf).unwrap();
        prop_assert_eq!(c.login, user.as_str());
        prop_assert_eq!(c.password, pass.as_str());
    }

    #[test]
    fn encoder_refuses_what_cannot_round_trip(user in ".{0,10}:.{0,10}", pass in ".{0,10}") {
        let mut out = vec![0u8; MAX_LEN];
        prop_assert_eq!(encode(&user, &pass, &mut out).unwrap_err(), Error::ColonInUser);
    }

    #[test]
    fn parser_never_panics(input in proptest::collection::vec(any::<u8>(), 0..200)) {
        let mut buf = vec![0u8; decoded_capacity(input.len())];
        if let Ok(c) = parse(&input, &mut buf) {
            // What it accepts is exactly what the encoder writes (canonical spelling), modulo
            // the scheme's case and the spaces around it.
            let mut out = vec![0u8; MAX_LEN];
            let again = encode(c.login, c.password, &mut out).unwrap();
            let token = again.strip_prefix("Basic ").unwrap();
            let input_text = core::str::from_utf8(&input).unwrap();
            prop_assert!(input_text.trim_matches([' ', '\t']).ends_with(token));
        }
    }

    #[test]
    fn challenge_never_lets_a_quote_out(realm in "[ -~]{0,40}") {
        let c = challenge(&realm, false).unwrap().to_string();
        let inner = c.strip_prefix("Basic realm=\"").unwrap().strip_suffix('"').unwrap();
        // Every quote inside is escaped.
        let mut escaped = false;
        for ch in inner.chars() {
            prop_assert!(escaped || ch != '"');
            escaped = !escaped && ch == '\\';
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// The hand-written decoder accepts exactly what the `base64` crate's standard engine
    /// accepts, with the same bytes (tokens built to be near-valid, so both sides are hit).
    #[test]
    fn decoder_agrees_with_the_base64_crate(
        raw in proptest::collection::vec(any::<u8>(), 0..40),
        edits in proptest::collection::vec((any::<usize>(), prop::sample::select(b"A/+=-_ a\x80".to_vec())), 0..3),
        drop_tail in 0usize..3,
    ) {
        use base64::Engine as _;
        let mut token = base64::engine::general_purpose::STANDARD.encode(&raw).into_bytes();
        for (at, b) in edits {
            if !token.is_empty() {
                let i = at % token.len();
                token[i] = b;
            }
        }
        token.truncate(token.len().saturating_sub(drop_tail));
        let header = [b"Basic ".as_slice(), &token].concat();
        let theirs = base64::engine::general_purpose::STANDARD.decode(&token);
        let mut buf = vec![0u8; decoded_capacity(header.len())];
        match (parse(&header, &mut buf), theirs) {
            (Ok(c), Ok(bytes)) => {
                prop_assert_eq!([c.login.as_bytes(), b":", c.password.as_bytes()].concat(), bytes);
            }
            (Err(Error::Base64 | Error::Syntax), Ok(bytes)) => {
                // Only when the crate's output could not be a token68 after trimming.
                prop_assert!(token.is_empty() || token.ends_with(b" ") || token.contains(&b' '), "{:?} {:?}", token, bytes);
            }
            (Err(e), Ok(_)) => prop_assert!(matches!(e, Error::Utf8 | Error::NoColon | Error::Ctl | Error::Empty), "{e:?}"),
            (Ok(_), Err(e)) => prop_assert!(false, "we accepted {:?}, the crate said {e}", token),
            (Err(_), Err(_)) => {}
        }
    }
}

proptest! {
    /// `Basic ` with one space takes a shortcut; a leading space forces the general path,
    /// which must give the same answer.
    #[test]
    fn shortcut_agrees_with_the_general_path(token in "[A-Za-z0-9+/= \\t]{0,40}") {
        let fast = format!("Basic {token}");
        let general = format!(" {fast}");
        let mut a = vec![0u8; decoded_capacity(general.len())];
        let mut b = vec![0u8; decoded_capacity(general.len())];
        let x = parse(fast.as_bytes(), &mut a).map(|c| (c.login.to_owned(), c.password.to_owned()));
        let y = parse(general.as_bytes(), &mut b).map(|c| (c.login.to_owned(), c.password.to_owned()));
        prop_assert_eq!(x, y);
    }
}
