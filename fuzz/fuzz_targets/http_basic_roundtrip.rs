//! Arbitrary user-id and password: what `encode` produces, `parse` reads back exactly; what
//! it refuses is refused for the documented reason.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let (user, pass) = text.split_once('\u{0}').unwrap_or((text, ""));
    let mut out = [0u8; http_basic::MAX_LEN + 8];
    match http_basic::encode(user, pass, &mut out) {
        Ok(header) => {
            let header = header.to_owned();
            let mut buf = [0u8; http_basic::MAX_LEN];
            let c = http_basic::parse(header.as_bytes(), &mut buf).expect("parses back");
            assert_eq!((c.login, c.password), (user, pass));
        }
        Err(e) => assert!(matches!(
            e,
            http_basic::Error::ColonInUser | http_basic::Error::Ctl | http_basic::Error::TooLong
        )),
    }
});
