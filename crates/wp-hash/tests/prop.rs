//! Property tests: two-lane MD5 against the `md-5` crate on random messages of every length
//! from 0 to 300 bytes, each lane with its own message and length.

use md5::Digest as _;
use proptest::prelude::*;
use wp_hash::lanes::md5_pair;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn two_lanes_equal_md5(
        a in proptest::collection::vec(any::<u8>(), 0..=300),
        b in proptest::collection::vec(any::<u8>(), 0..=300),
    ) {
        let [x, y] = md5_pair(&a, &b);
        prop_assert_eq!(&x[..], &md5::Md5::digest(&a)[..]);
        prop_assert_eq!(&y[..], &md5::Md5::digest(&b)[..]);
    }
}
