//! Application passwords from arbitrary `$_SERVER` values: WordPress's header reading
//! (`populate`, both versions) into a bounded buffer, then `authenticate` against one account
//! whose records are cheap fast hashes. No panic; what authenticates was really the password.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wp_password::WpVersion;
use wp_password::app::{self, Account, Accounts, Item, Outcome, Server, Site};

const SECRET: &[u8] = b"abcdEFGHijklMNOPqrstUVWX";

struct One<'a>(&'a [Item<'a>]);

impl Accounts for One<'_> {
    fn by_login(&self, login: &[u8]) -> Option<Account<'_>> {
        (login == b"alice").then_some(Account {
            user_id: 7,
            available: true,
            items: self.0,
        })
    }
    fn by_email(&self, email: &[u8]) -> Option<Account<'_>> {
        (email == b"alice@example.test").then_some(Account {
            user_id: 7,
            available: true,
            items: self.0,
        })
    }
}

fuzz_target!(|data: &[u8]| {
    let hash = wp_password::fast_hash(SECRET);
    let items = [Item {
        uuid: "u",
        app_id: "",
        name: "n",
        password: &hash,
        created: 0,
        last_used: None,
        last_ip: None,
    }];
    let site = Site {
        in_use: true,
        api_request: true,
        available: true,
    };
    let (redirect, header) = match data.split_first() {
        Some((&b, rest)) if b & 1 == 1 => (true, rest),
        _ => (false, data),
    };
    let server = if redirect {
        Server {
            redirect_http_authorization: Some(header),
            ..Server::default()
        }
    } else {
        Server {
            http_authorization: Some(header),
            ..Server::default()
        }
    };
    for version in [WpVersion::Wp61, WpVersion::Wp68] {
        let mut buf = [0u8; 8192];
        let Ok(populated) = app::populate(&server, version, &mut buf) else {
            // Only a header whose decoded value exceeds the buffer.
            assert!(header.len() > 8192);
            continue;
        };
        let creds = populated.credentials();
        if let Outcome::Authenticated(a) = app::authenticate(&site, 0, &One(&items), creds, version)
        {
            let (_, pw) = creds.expect("credentials");
            let mut norm = [0u8; 8192];
            assert_eq!(app::normalize(pw, &mut norm), Some(SECRET));
            assert_eq!((version, a.user_id), (WpVersion::Wp68, 7));
        }
    }
});
