//! Properties: the JSON reader agrees with serde_json on which texts are JSON and on the last
//! value of a key; a minted token validates to its user within its lifetime and not outside;
//! any change to a token's header or payload text is refused; nothing panics.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use proptest::prelude::*;
use wp_jwt::json::{Captures, Value, decode};
use wp_jwt::{Config, Middleware, Profile, Request, Users, Validation};

const SECRET: &[u8] = b"pub-jwt-secret-3f9a6c1e8b2d4f70a5c9e1b3d7f2a6c8";
const HOME: &[u8] = b"https://blog.example.com";

struct One(u64);

impl Users for One {
    fn exists(&self, id: u64) -> bool {
        id == self.0
    }
    fn id_by_login(&self, _: &[u8]) -> Option<u64> {
        None
    }
    fn jwt_auth_pass(&self, _: u64) -> Option<&[u8]> {
        Some(b"7d647765cf7031eb2b31eee405b1cd14")
    }
    fn has_device(&self, _: u64, d: &[u8]) -> bool {
        d == b"Laptop"
    }
}

/// Text near JSON: fragments that make valid and invalid documents.
fn jsonish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(&b"{"[..]),
        Just(&b"}"[..]),
        Just(&b"["[..]),
        Just(&b"]"[..]),
        Just(&b","[..]),
        Just(&b":"[..]),
        Just(&b" "[..]),
        Just(&b"\"iss\""[..]),
        Just(&b"\"a\\u00e9\""[..]),
        Just(&b"\"\\ud83d\\ude00\""[..]),
        Just(&b"\"\\ud800\""[..]),
        Just(&b"\"x\\q\""[..]),
        Just(&b"\"\x01\""[..]),
        Just(&b"\"\xff\""[..]),
        Just(&b"\"caf\xc3\xa9\""[..]),
        Just(&b"1"[..]),
        Just(&b"-0"[..]),
        Just(&b"01"[..]),
        Just(&b"1.5e3"[..]),
        Just(&b"1."[..]),
        Just(&b"99999999999999999999"[..]),
        Just(&b"true"[..]),
        Just(&b"nul"[..]),
        Just(&b"null"[..]),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    /// Same verdict as serde_json on validity (serde_json and PHP agree on the grammar,
    /// strings and numbers; depth stays far below both limits here), and the same last `iss`.
    #[test]
    fn json_validity_as_serde_json(text in jsonish()) {
        let paths: &[&[&[u8]]] = &[&[b"iss"]];
        let mut slot = [None];
        let ours = decode(&text, &mut Captures::new(paths, &mut slot));
        let theirs = serde_json::from_slice::<serde_json::Value>(&text);
        // PHP reads an overflowing exponent as INF; serde_json refuses it.
        prop_assume!(!theirs.as_ref().is_err_and(|e| e.to_string().contains("number out of range")));
        prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?}", String::from_utf8_lossy(&text));
        if let (Ok(_), Ok(serde_json::Value::Object(map))) = (ours, &theirs) {
            let want = map.get("iss").and_then(|v| v.as_str()).map(str::to_owned);
            let got = match slot[0] {
                Some(v @ Value::Str(_)) => Some(String::from_utf8(v.string().unwrap().collect()).unwrap()),
                _ => None,
            };
            prop_assert_eq!(got, want);
        }
    }

    /// A plugin-minted token validates to its user while it lives, not before or after; the
    /// middleware agrees.
    #[test]
    fn minted_tokens_validate_within_their_lifetime(
        user in 1u64..1_000_000,
        iat in 1_000_000_000i64..2_000_000_000,
        offset in -100_000i64..800_000,
        https in any::<bool>(),
        ut in any::<bool>(),
    ) {
        let profile = if ut { Profile::UsefulTeam } else { Profile::Tmeister };
        let cfg = Config::new(profile, Some(SECRET), b"HS256", HOME);
        let mut out = [0u8; 1024];
        let token = if ut {
            wp_jwt::mint_usefulteam(&cfg, https, iat, user, b"Laptop", b"7d647765cf7031eb2b31eee405b1cd14", &mut out)
        } else {
            wp_jwt::mint_tmeister(&cfg, https, iat, user, &mut out)
        }
        .unwrap()
        .to_owned();
        let header = format!("Bearer {token}");
        let req = Request {
            authorization: Some(header.as_bytes()),
            https,
            request_uri: b"/wp-json/wp/v2/users/me",
            pretty_permalinks: true,
            ..Request::default()
        };
        let life = if ut { 600 } else { 604_800 };
        let now = iat + offset;
        let mut scratch = vec![0u8; wp_jwt::scratch_len(&req)];
        let v = wp_jwt::validate(&cfg, &req, now, &One(user), &mut scratch);
        let alive = (0..life).contains(&offset);
        match v {
            Validation::Accept(id) => {
                prop_assert!(alive, "accepted at offset {}", offset);
                let mut s = [0u8; 64];
                prop_assert_eq!(wp_jwt::effective_user(&id, &One(user), &mut s), Ok(user));
            }
            Validation::Reject(r) => prop_assert!(!alive, "refused at offset {}: {:?}", offset, r),
            Validation::Fatal(f) => prop_assert!(false, "fatal {:?}", f),
        }
        let mut scratch = vec![0u8; wp_jwt::scratch_len(&req)];
        let m = wp_jwt::middleware(&cfg, &req, now, &One(user), &mut scratch);
        prop_assert_eq!(matches!(m, Middleware::User(_)), alive);
    }

    /// Changing any byte of the header or payload text is refused (the MAC covers the text as
    /// sent); arbitrary changes anywhere never panic.
    #[test]
    fn tampering_is_refused(at in any::<prop::sample::Index>(), to in any::<u8>(), ut in any::<bool>()) {
        let profile = if ut { Profile::UsefulTeam } else { Profile::Tmeister };
        let cfg = Config::new(profile, Some(SECRET), b"HS256", HOME);
        let mut out = [0u8; 1024];
        let token = wp_jwt::mint_tmeister(&cfg, true, 1_767_225_600, 1, &mut out).unwrap().to_owned();
        let mut bytes = token.into_bytes();
        let signed_len = bytes.iter().rposition(|&b| b == b'.').unwrap();
        let i = at.index(bytes.len());
        let changed = bytes[i] != to;
        bytes[i] = to;
        let header = [&b"Bearer "[..], &bytes].concat();
        let req = Request { authorization: Some(&header), https: true, ..Request::default() };
        let mut scratch = vec![0u8; wp_jwt::scratch_len(&req)];
        let v = wp_jwt::validate(&cfg, &req, 1_767_225_600, &One(1), &mut scratch);
        if changed && i < signed_len && to != b' ' {
            prop_assert!(!matches!(v, Validation::Accept(_)), "byte {} changed to {} accepted", i, to);
        }
    }
}
