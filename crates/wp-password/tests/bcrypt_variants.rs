//! bcrypt prefixes differ only for passwords with bytes ≥ 0x80: the expected strings below were
//! printed by PHP 8.2's `crypt()` (the `$2x$` bug, the `$2a$` countermeasure); the other tests
//! pin `crypt()` behaviour the README documents. The live oracle covers random passwords.
#![allow(clippy::expect_used)]

use wp_password::bcrypt::Setting;

fn crypt(password: &[u8], setting: &str) -> String {
    let s = Setting::parse(setting.as_bytes()).expect("valid setting");
    String::from_utf8(s.hash(password).to_vec()).expect("ASCII")
}

#[test]
fn high_bit_password_per_variant() {
    let pw = b"x\x80\xffab";
    // php -r 'echo crypt("x\x80\xffab", "\$2x\$04\$abcdefghijklmnopqrstuu");' (and 2a, 2y)
    assert_eq!(
        crypt(pw, "$2x$04$abcdefghijklmnopqrstuu"),
        "$2x$04$abcdefghijklmnopqrstuurHF43GXLEuqRfnoU8sNER6CKILp9Kru"
    );
    assert_eq!(
        crypt(pw, "$2a$04$abcdefghijklmnopqrstuu"),
        "$2a$04$abcdefghijklmnopqrstuuGVU5tV6F6SjaznrNS83u7hYciBRzMnC"
    );
    assert_eq!(
        crypt(pw, "$2y$04$abcdefghijklmnopqrstuu"),
        "$2y$04$abcdefghijklmnopqrstuuGVU5tV6F6SjaznrNS83u7hYciBRzMnC"
    );
}

#[test]
fn password_is_a_c_string_cut_at_72_bytes() {
    let setting = "$2y$04$abcdefghijklmnopqrstuu";
    assert_eq!(crypt(b"abc", setting), crypt(b"abc\0def", setting));
    let long = [b'a'; 100];
    assert_eq!(crypt(&long[..72], setting), crypt(&long, setting));
    assert_ne!(crypt(&long[..71], setting), crypt(&long, setting));
}

#[test]
fn non_canonical_salt_character_is_normalised_and_never_verifies() {
    // The 22nd salt character carries 4 unused bits; crypt() writes it back with them cleared.
    let h = crypt(b"pw", "$2y$04$abcdefghijklmnopqrstuv");
    assert!(h.starts_with("$2y$04$abcdefghijklmnopqrstuu"));
    let mut forged = h.clone().into_bytes();
    forged[28] = b'v';
    assert!(!wp_password::bcrypt::verify(b"pw", &forged));
    assert!(wp_password::bcrypt::verify(b"pw", h.as_bytes()));
}

#[test]
fn settings_outside_crypt_are_errors() {
    use wp_password::bcrypt::Error;
    assert_eq!(
        Setting::parse(b"$2c$04$abcdefghijklmnopqrstuu"),
        Err(Error::Prefix)
    );
    assert_eq!(
        Setting::parse(b"$2y$03$abcdefghijklmnopqrstuu"),
        Err(Error::Cost)
    );
    assert_eq!(
        Setting::parse(b"$2y$32$abcdefghijklmnopqrstuu"),
        Err(Error::Cost)
    );
    assert_eq!(
        Setting::parse(b"$2y$4$abcdefghijklmnopqrstuu"),
        Err(Error::Cost)
    );
    assert_eq!(
        Setting::parse(b"$2y$04$abcdefghijklmnopqrstu"),
        Err(Error::Salt)
    );
    assert_eq!(
        Setting::parse(b"$2y$04$abcdefghijklmnopqrst-u"),
        Err(Error::Salt)
    );
}
