//! `wp_nonce::verify` on arbitrary nonce, action and token bytes, times and lifetimes: it must
//! never panic, and it may accept only the nonce of the current or the previous tick.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wp_nonce::{Action, Context, Lifetime, NonceKey, tick, verify};

fuzz_target!(|data: &[u8]| {
    // Layout: 8 bytes now, 8 bytes life, 8 bytes uid, then nonce \xff action \xff token.
    let (head, rest) = data.split_at(data.len().min(24));
    let mut words = [0u64; 3];
    for (w, chunk) in words.iter_mut().zip(head.chunks(8)) {
        let mut b = [0u8; 8];
        b[..chunk.len()].copy_from_slice(chunk);
        *w = u64::from_le_bytes(b);
    }
    let [now, life, uid] = words;
    let mut parts = rest.splitn(3, |&b| b == 0xff);
    let nonce = parts.next().unwrap_or_default();
    let action = parts.next().unwrap_or_default();
    let token = parts.next().unwrap_or_default();
    let life = Lifetime::new(life).unwrap_or_default();
    let key = NonceKey::new(b"fuzz-key", b"fuzz-salt");
    let ctx = Context {
        action: Action::Bytes(action),
        user_id: uid,
        token,
        life,
    };
    if verify(&key, now, &ctx, nonce).is_ok() {
        let t = tick(now, life);
        assert!(
            nonce == key.nonce_at_tick(t, &ctx).as_bytes()
                || nonce == key.nonce_at_tick(t.saturating_sub(1), &ctx).as_bytes()
        );
    }
});
