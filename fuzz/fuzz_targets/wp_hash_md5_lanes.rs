//! Two-lane MD5 against one lane and against the `md-5` crate: the input is split at a point
//! its first byte chooses into two messages of unrelated lengths; both lanes of
//! `lanes::md5_pair` must equal `md-5`'s digests, and HMACs in two and four lanes must equal
//! one MAC at a time.
#![no_main]

use libfuzzer_sys::fuzz_target;
use md5::Digest as _;
use wp_hash::block::{HmacKey, Md5, Stream, pad};
use wp_hash::lanes::md5_pair;

fuzz_target!(|data: &[u8]| {
    let Some((&cut, rest)) = data.split_first() else {
        return;
    };
    let at = usize::from(cut).min(rest.len());
    let (a, b) = rest.split_at(at);
    let [x, y] = md5_pair(a, b);
    assert_eq!(x[..], md5::Md5::digest(a)[..]);
    assert_eq!(y[..], md5::Md5::digest(b)[..]);
    let mut one = Stream::<Md5>::new();
    one.update(b);
    assert_eq!(one.finish(), y);
    // HMAC of both halves under a key taken from the input, where the layout fits.
    let key = HmacKey::<Md5>::new(a.get(..a.len().min(80)).unwrap_or_default(), b"");
    let (mut ba, mut bb) = ([[0u8; 64]; 4], [[0u8; 64]; 4]);
    if let (Some(ma), Some(mb)) = (
        pad::<Md5, 4>(&mut ba, 1, &[a]),
        pad::<Md5, 4>(&mut bb, 1, &[b]),
    ) {
        assert_eq!(
            key.mac_padded_lanes([ma, mb]),
            [key.mac_padded(ma), key.mac_padded(mb)]
        );
        assert_eq!(
            key.mac_padded_lanes([mb, ma, ma, mb]),
            [
                key.mac_padded(mb),
                key.mac_padded(ma),
                key.mac_padded(ma),
                key.mac_padded(mb)
            ]
        );
    }
});
