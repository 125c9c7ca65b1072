//! Percent-decoding in both codings and form splitting on arbitrary bytes: no panic; what
//! `check` accepts decodes to UTF-8 no longer than the input, and encoding it back and
//! decoding again is the identity.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oauth1_sig::encode::{Coding, Encoded, check};
use oauth1_sig::url::{check_form, form_pairs};

fuzz_target!(|data: &[u8]| {
    for coding in [Coding::Form, Coding::Header] {
        if check(data, coding).is_ok() {
            let decoded: Vec<u8> = oauth1_sig::Decoded::from_raw(data, coding).collect();
            assert!(decoded.len() <= data.len());
            assert!(core::str::from_utf8(&decoded).is_ok());
            let encoded = Encoded(&decoded).to_string();
            assert!(check(encoded.as_bytes(), Coding::Header).is_ok());
            let back: Vec<u8> =
                oauth1_sig::Decoded::from_raw(encoded.as_bytes(), Coding::Header).collect();
            assert_eq!(back, decoded);
        }
    }
    let ok = check_form(data).is_ok();
    for (n, v) in form_pairs(data) {
        assert!(!n.contains(&b'&') && !v.contains(&b'&'));
        if ok {
            assert!(check(n, Coding::Form).is_ok() && check(v, Coding::Form).is_ok());
        }
    }
});
