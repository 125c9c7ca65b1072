//! Property tests: round trips, tampering, and arbitrary input.

use proptest::prelude::*;
use wp_nonce::{Action, Age, Context, Lifetime, NonceKey, create, tick, verify};

fn action() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..48)
}

proptest! {
    #[test]
    fn create_then_verify_across_ticks(
        key in proptest::collection::vec(any::<u8>(), 0..100),
        action in action(),
        uid in any::<u64>(),
        token in proptest::collection::vec(any::<u8>(), 0..64),
        now in 0u64..4_000_000_000,
        half in 1u64..200_000,
    ) {
        let key = NonceKey::new(&key, b"salt");
        let life = Lifetime::new(2 * half).unwrap();
        let ctx = Context { action: Action::Bytes(&action), user_id: uid, token: &token, life };
        let n = create(&key, now, &ctx);
        prop_assert_eq!(verify(&key, now, &ctx, n.as_bytes()), Ok(Age::Current));
        prop_assert_eq!(tick(now + half, life), tick(now, life) + 1);
        prop_assert_eq!(verify(&key, now + half, &ctx, n.as_bytes()), Ok(Age::Previous));
        prop_assert!(verify(&key, now + 2 * half, &ctx, n.as_bytes()).is_err());
    }

    #[test]
    fn any_changed_byte_is_rejected(
        uid in any::<u64>(),
        now in 0u64..4_000_000_000,
        i in 0usize..10,
        b in any::<u8>(),
    ) {
        let key = NonceKey::new(b"k", b"s");
        let ctx = Context::new("wp_rest", uid, b"token");
        let n = create(&key, now, &ctx);
        let mut bad = *n.as_bytes();
        prop_assume!(bad[i] != b);
        bad[i] = b;
        prop_assert!(verify(&key, now, &ctx, &bad).is_err());
    }

    #[test]
    fn changed_context_is_rejected(uid in 0u64..1000, now in 0u64..4_000_000_000) {
        let key = NonceKey::new(b"k", b"s");
        let ctx = Context::new("wp_rest", uid, b"token");
        let n = create(&key, now, &ctx);
        let other_user = Context { user_id: uid + 1, ..ctx };
        let other_token = Context { token: b"other", ..ctx };
        let other_action = Context { action: Action::Int(-1), ..ctx };
        for c in [other_user, other_token, other_action] {
            prop_assert!(verify(&key, now, &c, n.as_bytes()).is_err());
        }
        prop_assert!(verify(&NonceKey::new(b"k", b"t"), now, &ctx, n.as_bytes()).is_err());
    }

    #[test]
    fn arbitrary_input_never_panics_and_only_the_real_nonces_pass(
        input in proptest::collection::vec(any::<u8>(), 0..32),
        now in any::<u64>(),
        life in 1u64..u64::MAX,
    ) {
        let key = NonceKey::new(b"k", b"s");
        let ctx = Context::new("wp_rest", 1, b"t").with_life(Lifetime::new(life).unwrap());
        if verify(&key, now, &ctx, &input).is_ok() {
            let t = tick(now, ctx.life);
            prop_assert!(
                input == key.nonce_at_tick(t, &ctx).as_bytes()
                    || input == key.nonce_at_tick(t - 1, &ctx).as_bytes()
            );
        }
    }
}
