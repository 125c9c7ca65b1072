//! Property tests: any salt written as a PHP literal (either quote style) reads back exactly,
//! and the reader never panics on arbitrary bytes.

use proptest::prelude::*;
use wp_auth::config::WpConfig;

/// `v` as a single-quoted PHP literal.
fn single(v: &[u8]) -> Vec<u8> {
    let mut out = vec![b'\''];
    for &b in v {
        if matches!(b, b'\'' | b'\\') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b'\'');
    out
}

/// `v` as a double-quoted PHP literal, every byte that is not alphanumeric as `\xHH`.
fn double(v: &[u8]) -> Vec<u8> {
    let mut out = vec![b'"'];
    for &b in v {
        if b.is_ascii_alphanumeric() {
            out.push(b);
        } else {
            out.extend_from_slice(format!("\\x{b:02x}").as_bytes());
        }
    }
    out.push(b'"');
    out
}

proptest! {
    #[test]
    fn literals_round_trip(v in proptest::collection::vec(any::<u8>(), 0..80), dq in any::<bool>()) {
        let lit = if dq { double(&v) } else { single(&v) };
        let php = [&b"<?php define( 'AUTH_KEY', "[..], &lit, b" );"].concat();
        let cfg = WpConfig::parse(&php).unwrap();
        prop_assert_eq!(cfg.get("AUTH_KEY"), Some(v.as_slice()));
    }

    #[test]
    fn never_panics(input in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = WpConfig::parse(&input).map(|c| c.check_salts());
    }
}
