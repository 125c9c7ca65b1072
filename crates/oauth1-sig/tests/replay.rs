//! The replay cache under contention: many threads replaying the same nonces, and exactly one
//! acceptance per nonce.

use core::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};

use oauth1_sig::Error;
use oauth1_sig::replay::{MemoryReplayCache, ReplayKey};

#[test]
fn concurrent_replays_are_accepted_once() {
    const THREADS: usize = 8;
    const NONCES: usize = 500;
    let cache = Arc::new(Mutex::new(MemoryReplayCache::<4096>::new()));
    let accepted = Arc::new(AtomicUsize::new(0));
    let per_nonce: Arc<Vec<AtomicUsize>> =
        Arc::new((0..NONCES).map(|_| AtomicUsize::new(0)).collect());
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (cache, accepted, per_nonce, barrier) = (
                cache.clone(),
                accepted.clone(),
                per_nonce.clone(),
                barrier.clone(),
            );
            std::thread::spawn(move || {
                barrier.wait();
                for i in 0..NONCES {
                    // Each thread walks the nonces in a different order.
                    let n = (i * (2 * t + 1)) % NONCES;
                    let key = ReplayKey::from_bytes(
                        b"ck",
                        b"tok",
                        1_700_000_000,
                        n.to_string().as_bytes(),
                    );
                    let inserted = cache
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .insert(&key, 1_700_000_000, 900);
                    match inserted {
                        Ok(()) => {
                            accepted.fetch_add(1, Ordering::SeqCst);
                            per_nonce[n].fetch_add(1, Ordering::SeqCst);
                        }
                        Err(e) => assert_eq!(e, Error::NonceReused),
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(accepted.load(Ordering::SeqCst), NONCES);
    assert!(per_nonce.iter().all(|c| c.load(Ordering::SeqCst) == 1));
}

#[test]
fn full_cache_fails_closed_and_expired_entries_make_room() {
    let mut cache = MemoryReplayCache::<2>::new();
    let k = |n: &[u8], ts| ReplayKey::from_bytes(b"ck", b"", ts, n);
    assert_eq!(cache.insert(&k(b"a", 100), 100, 10), Ok(()));
    assert_eq!(cache.insert(&k(b"b", 100), 100, 10), Ok(()));
    assert_eq!(
        cache.insert(&k(b"c", 100), 100, 10),
        Err(Error::ReplayCacheFull)
    );
    assert_eq!(
        cache.insert(&k(b"a", 100), 105, 10),
        Err(Error::NonceReused)
    );
    // Past the TTL both expire: room again, and "a" is new again.
    assert_eq!(cache.insert(&k(b"c", 100), 111, 10), Ok(()));
    assert_eq!(cache.insert(&k(b"a", 100), 111, 10), Ok(()));
    // The tuple matters: same nonce, other token or timestamp, is another key.
    let mut cache = MemoryReplayCache::<8>::new();
    assert_eq!(
        cache.insert(&ReplayKey::from_bytes(b"ck", b"t1", 1, b"n"), 1, 10),
        Ok(())
    );
    assert_eq!(
        cache.insert(&ReplayKey::from_bytes(b"ck", b"t2", 1, b"n"), 1, 10),
        Ok(())
    );
    assert_eq!(
        cache.insert(&ReplayKey::from_bytes(b"ck", b"t1", 2, b"n"), 1, 10),
        Ok(())
    );
    assert_eq!(
        cache.insert(&ReplayKey::from_bytes(b"ck", b"t1", 1, b"n"), 1, 10),
        Err(Error::NonceReused)
    );
}
