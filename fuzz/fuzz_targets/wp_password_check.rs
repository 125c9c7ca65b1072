//! `wp_check_password` (6.1 and 6.8) and `wp_verify_fast_hash` on an arbitrary password and
//! stored value: no panic. Stored bcrypt costs above 6 and phpass counts above 2^10 are cut
//! down first (a cost of 31 is valid and takes hours, in PHP too); the structure stays.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wp_password::{WpVersion, bcrypt, phpass};

fn tame(stored: &mut [u8]) {
    let at = usize::from(stored.starts_with(b"$wp")) * 3;
    if let Ok(s) = bcrypt::Setting::parse(&stored[at..]) {
        if s.cost > 6 {
            stored[at + 4] = b'0';
            stored[at + 5] = b'6';
        }
    }
    if let Ok(s) = phpass::Setting::parse(stored) {
        if s.count_log2 > 10 {
            stored[3] = b'8';
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let split = data
        .first()
        .map_or(0, |&n| usize::from(n) % data.len().max(1));
    let (pw, stored) = data.split_at(split);
    let mut stored = stored.to_vec();
    tame(&mut stored);
    let a = wp_password::verify(pw, &stored, WpVersion::Wp61).is_ok();
    let b = wp_password::verify(pw, &stored, WpVersion::Wp68).is_ok();
    let c = wp_password::verify_fast_hash(pw, &stored).is_ok();
    // Only these formats can verify at all.
    for ok in [a, b, c] {
        assert!(
            !ok || stored.len() <= 32 || stored.starts_with(b"$"),
            "accepted {stored:?}"
        );
    }
    let _ = wp_password::Branch::of(pw, &stored);
    let _ = wp_password::crypt::Scheme::of(&stored);
});
