//! Every wp-php reader on arbitrary bytes: `$_GET`/`$_POST` (query, form and multipart bodies,
//! the first byte choosing the boundary's length), `$_COOKIE` pairs and raw URL decoding,
//! `unserialize`, numeric strings. None may panic; each stays within its input and the
//! caller's buffers, and a buffer sized by the documented rule is always enough.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wp_php::{Entry, Input, cookie, number, unserialize};

fuzz_target!(|data: &[u8]| {
    // Eight entries per variable and four bytes per input byte are always enough.
    let vars = data.iter().filter(|&&b| b == b'&' || b == b'\n').count() + 1;
    let mut entries = vec![Entry::EMPTY; 8 * vars];
    let mut bytes = vec![0u8; 4 * data.len() + 16];
    let mut input = Input::new(&mut entries, &mut bytes);
    // Only an index path over MAX_INDEX_PATH may fail; the buffers are always enough.
    let get = match input.parse_str(data) {
        Ok(get) => get,
        Err(e) => {
            assert_eq!(e, wp_php::Error::LongIndexPath);
            let longest = data.split(|&b| b == b'&').map(<[u8]>::len).max();
            assert!(longest.unwrap_or(0) > wp_php::MAX_INDEX_PATH / 2);
            return;
        }
    };
    let split = usize::from(data.first().copied().unwrap_or(0) % 16).min(data.len());
    let (boundary, body) = data.split_at(split);
    let mut ct = b"multipart/form-data; boundary=".to_vec();
    ct.extend_from_slice(boundary);
    match input.post(b"POST", Some(&ct), body) {
        Ok(post) => {
            let merged = input.array_merge(get, post).expect("documented capacity");
            assert!(merged.len() <= get.len() + post.len());
        }
        Err(e) => assert!(matches!(
            e,
            wp_php::Error::LongPartHeader | wp_php::Error::LongIndexPath
        )),
    }
    let mut buf = vec![0u8; data.len()];
    let decoded = cookie::decode_value(data, &mut buf).expect("as long as the input");
    assert!(decoded.len() <= data.len());
    for (name, value) in cookie::pairs(data) {
        assert!(!name.is_empty() && !name.contains(&b';') && !value.contains(&b';'));
        if let Some(n) = cookie::php_name(name) {
            assert!(n.count() <= name.len());
        }
    }
    let _ = unserialize::unserialize(data);
    let _ = number::int_cast(data);
    let _ = number::compare_with_int(data, 1_700_000_000);
});
