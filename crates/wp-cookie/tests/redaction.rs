//! Every type of this crate that holds a key, token, MAC or password hash prints none of it.

use wp_cookie::session::SessionToken;
use wp_cookie::site::{AuthKeys, CookieNames, Login, Paths, set_auth_cookies};
use wp_cookie::{CookieKey, Options, Scheme, User, WpVersion, generate, parse, verify_mac};
use wp_testkit::assert_redacted;

const TOKEN: &str = "S3CRETTOKEN";
const USER_PASS: &str = "$P$BS3CRETHASHxxxxxxxxxxxxxxxxxxxx";

#[test]
fn secrets_never_print() {
    let key = CookieKey::new(Scheme::LoggedIn, b"S3CRET-KEY", b"S3CRET-SALT");
    assert_redacted("CookieKey", &format!("{key:?}"), &["S3CRET"]);
    let cookie = generate(
        &key,
        b"admin",
        USER_PASS.as_bytes(),
        1_700_172_800,
        TOKEN.as_bytes(),
        WpVersion::Wp68,
    );
    let mac = cookie.mac().as_str().to_owned();
    let secrets = [TOKEN, USER_PASS, "S3CRETHASH", &mac[..16]];
    assert_redacted("Cookie", &format!("{cookie:?}"), &secrets);
    assert_redacted("CookieMac", &format!("{:?}", cookie.mac()), &secrets);
    let value = cookie.to_vec();
    let parsed = parse(&value).unwrap();
    assert_redacted("Parsed", &format!("{parsed:?}"), &secrets);
    let unexpired = parsed
        .check_expiry(1_700_000_000, &Options::default())
        .unwrap();
    assert_redacted("Unexpired", &format!("{unexpired:?}"), &secrets);
    let user = User {
        user_id: 1,
        user_pass: USER_PASS.as_bytes(),
    };
    assert_redacted("User", &format!("{user:?}"), &secrets);
    let authentic = verify_mac(&key, &unexpired, &user).unwrap();
    assert_redacted("Authentic", &format!("{authentic:?}"), &secrets);
    let valid = authentic
        .check_session(1_700_000_000, Some(1_700_172_800))
        .unwrap();
    assert_redacted("Valid", &format!("{valid:?}"), &secrets);
    let token = SessionToken::generate(|b| b.fill(9));
    assert_redacted("SessionToken", &format!("{token:?}"), &[token.as_str()]);

    let keys = AuthKeys {
        auth: CookieKey::new(Scheme::Auth, b"S3CRET-A", b"S3CRET-B"),
        secure_auth: CookieKey::new(Scheme::SecureAuth, b"S3CRET-C", b"S3CRET-D"),
        logged_in: key,
    };
    assert_redacted("AuthKeys", &format!("{keys:?}"), &["S3CRET"]);
    let login = Login {
        login: b"admin",
        user_pass: USER_PASS.as_bytes(),
        token: TOKEN.as_bytes(),
        remember: false,
        secure: false,
        version: WpVersion::Wp68,
    };
    assert_redacted("Login", &format!("{login:?}"), &secrets);
    let names = CookieNames::new(b"http://example.com");
    let paths = Paths::new(b"http://example.com", b"http://example.com");
    let set = set_auth_cookies(&keys, 1_700_000_000, &names, &paths, &login);
    assert_redacted("LoginCookies", &format!("{set:?}"), &[TOKEN, USER_PASS]);
}
