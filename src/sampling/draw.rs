//! The random draw, written down so that anyone can redraw it.
//!
//! 1. The frame's claims are in claim_id order (byte order); each stratum
//!    keeps them in that order.
//! 2. One SplitMix64 generator ([`crate::rng::Rng`]) is seeded with the seed
//!    and serves every stratum in ascending order.
//! 3. In a stratum of N claims, `n + k` claims (sample, then spares) are
//!    picked by a partial Fisher–Yates shuffle: for i = 0, 1, ..., n+k-1,
//!    j = i + floor(x * (N - i) / 2^64) with x the generator's next number,
//!    and positions i and j are exchanged. Positions 0..n are the sample,
//!    n..n+k the spares in the order they are to be used.
//!
//! The sample is listed in claim_id order within its stratum; spares in draw order.

use crate::rng::Rng;

/// The rows drawn, per stratum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawn {
    /// Sampled rows of each stratum, ascending (claim_id order).
    pub sample: Vec<Vec<usize>>,
    /// Spare rows of each stratum, in draw order.
    pub spares: Vec<Vec<usize>>,
}

/// The rows of each stratum, ascending, from each row's stratum index.
pub fn members(stratum_of_row: impl Iterator<Item = usize>, strata: usize) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); strata];
    for (row, h) in stratum_of_row.enumerate() {
        out[h].push(row);
    }
    out
}

/// Draws `sample_sizes[h]` then `spare_sizes[h]` rows from each stratum's
/// `members[h]` (sizes must fit: the caller allocates them).
pub fn draw(
    members: &[Vec<usize>],
    sample_sizes: &[usize],
    spare_sizes: &[usize],
    seed: u64,
) -> Drawn {
    let mut rng = Rng::new(seed);
    let mut sample = Vec::with_capacity(members.len());
    let mut spares = Vec::with_capacity(members.len());
    for ((rows, &n), &k) in members.iter().zip(sample_sizes).zip(spare_sizes) {
        assert!(n + k <= rows.len(), "allocation exceeds the stratum");
        let mut pool = rows.clone();
        let size = pool.len() as u64;
        for i in 0..n + k {
            let j = i + rng.below(size - i as u64) as usize;
            pool.swap(i, j);
        }
        let mut picked = pool[..n].to_vec();
        picked.sort_unstable();
        sample.push(picked);
        spares.push(pool[n..n + k].to_vec());
    }
    Drawn { sample, spares }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_keep_row_order_per_stratum() {
        let m = members([1, 0, 1, 2, 0].into_iter(), 3);
        assert_eq!(m, vec![vec![1, 4], vec![0, 2], vec![3]]);
    }

    #[test]
    fn draw_is_a_fixed_function_of_the_seed() {
        let rows = vec![(0..10).collect::<Vec<_>>(), (10..14).collect()];
        let a = draw(&rows, &[3, 4], &[2, 0], 42);
        assert_eq!(a, draw(&rows, &[3, 4], &[2, 0], 42));
        // Pinned (computed independently from the published algorithm):
        // SplitMix64(42), j = i + floor(x * (10 - i) / 2^64) for i in 0..5.
        assert_eq!(a.sample[0], vec![2, 4, 7]);
        assert_eq!(a.spares[0], vec![5, 1]);
        // A fully sampled stratum holds every row.
        assert_eq!(a.sample[1], vec![10, 11, 12, 13]);
        assert!(a.spares[1].is_empty());
        let b = draw(&rows, &[3, 4], &[2, 0], 43);
        assert_ne!(a.sample[0], b.sample[0]);
    }

    #[test]
    fn sample_and_spares_are_distinct_members() {
        let rows = vec![(0..50).collect::<Vec<_>>()];
        let d = draw(&rows, &[20], &[10], 7);
        let mut all: Vec<usize> = d.sample[0].iter().chain(&d.spares[0]).copied().collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 30);
        assert!(all.iter().all(|r| *r < 50));
    }
}
