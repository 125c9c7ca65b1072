//! Growth checks for hostile sizes: the cost at 1,000 and at 100,000 parameters (the best of a
//! few runs of each, in one process) and their ratio: 100x is linear, n log n about 170x, a
//! quadratic path 10,000x. No wall-clock limit: only the growth is checked.

use core::time::Duration;
use std::time::Instant;

/// Growth above this fails: far from n log n's ~170x (even on a noisy machine), far below a
/// quadratic path's 10,000x.
pub const MAX_GROWTH: f64 = 1_000.0;

/// The shortest of `runs` runs of `f`.
#[allow(clippy::unwrap_used)]
pub fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

/// Fails when `cost(100_000)` is [`MAX_GROWTH`] times `cost(1_000)` or more.
pub fn assert_growth(what: &str, mut cost: impl FnMut(usize) -> Duration) {
    let small = cost(1_000).max(Duration::from_nanos(1));
    let large = cost(100_000);
    let growth = large.as_secs_f64() / small.as_secs_f64();
    println!("{what}: 1,000 -> {small:?}, 100,000 -> {large:?}, growth {growth:.0}x");
    assert!(
        growth < MAX_GROWTH,
        "{what}: {growth:.0}x from 1,000 to 100,000 parameters ({small:?} -> {large:?})"
    );
}
