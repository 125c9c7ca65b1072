//! Every type of this crate that holds a password, a stored hash or Basic credentials prints
//! none of them.

use wp_password::WpVersion;
use wp_password::app::{self, AppPassword, Item, Server, Site};
use wp_testkit::assert_redacted;

const PASSWORD: &str = "S3CRETPASSWORD";
const HASH: &str = "$generic$S3CRETHASHxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

#[test]
fn secrets_never_print() {
    let item = Item {
        uuid: "u",
        app_id: "",
        name: "n",
        password: HASH.as_bytes(),
        created: 0,
        last_used: None,
        last_ip: None,
    };
    assert_redacted("Item", &format!("{item:?}"), &[HASH, "S3CRET"]);
    let site = Site {
        in_use: true,
        api_request: true,
        available: true,
    };
    let pending = app::start(&site, Some((b"admin", PASSWORD.as_bytes()))).unwrap();
    assert_redacted("Pending", &format!("{pending:?}"), &[PASSWORD]);
    // `Basic admin:S3CRETPASSWORD`.
    let header = b"Basic YWRtaW46UzNDUkVUUEFTU1dPUkQ=";
    let server = Server {
        http_authorization: Some(header),
        ..Server::default()
    };
    assert_redacted(
        "Server",
        &format!("{server:?}"),
        &["YWRtaW46UzNDUkVUUEFTU1dPUkQ="],
    );
    let mut buf = [0u8; 64];
    let populated = app::populate(&server, WpVersion::Wp68, &mut buf).unwrap();
    assert_eq!(populated.password.get(), Some(PASSWORD.as_bytes()));
    assert_redacted("Populated", &format!("{populated:?}"), &[PASSWORD]);
    let generated = AppPassword::generate(|b| b.fill(3));
    assert_redacted(
        "AppPassword",
        &format!("{generated:?}"),
        &[generated.as_str()],
    );
}
