//! The sample's design: strata by amount and how many items each gets.
//!
//! `--strata amount:B1,B2,...` cuts the frame by `amount_paid` into strata
//! `1` (below B1), `2` (B1 up to B2), ... `k+1` (Bk and up): a claim is in
//! stratum h when `low <= amount_paid < high`. Without `--strata` the frame
//! is one stratum named `` (unrestricted). Sizes are allocated in proportion
//! to the strata's frame sizes, at least 2 each (or the whole stratum when it
//! holds fewer), by [`allocate`].

use anyhow::Result;

use crate::input_error;

/// One stratum: its name and amount bounds in cents (`low <= amount < high`; None = open).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stratum {
    pub name: String,
    pub low: Option<i64>,
    pub high: Option<i64>,
}

/// The strata of a design, in ascending order of amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Strata {
    pub strata: Vec<Stratum>,
    /// The `--strata` text as given (normalised), None when unrestricted.
    pub spec: Option<String>,
}

impl Strata {
    /// The one stratum of an unrestricted sample.
    pub fn unrestricted() -> Strata {
        Strata {
            strata: vec![Stratum {
                name: String::new(),
                low: None,
                high: None,
            }],
            spec: None,
        }
    }

    /// Parses `amount:B1,B2,...` (strictly increasing amounts in dollars).
    pub fn parse(text: &str) -> Result<Strata> {
        let usage = "expected amount:B1,B2,... with increasing dollar amounts, e.g. amount:100,500";
        let Some(list) = text.trim().strip_prefix("amount:") else {
            input_error!("--strata {text}: {usage}");
        };
        let mut bounds = Vec::new();
        for part in list.split(',') {
            let Some(cents) = parse_dollars(part.trim()) else {
                input_error!(
                    "--strata {text}: `{}` is not an amount; {usage}",
                    part.trim()
                );
            };
            if bounds.last().is_some_and(|&last| cents <= last) {
                input_error!("--strata {text}: bounds must increase; {usage}");
            }
            bounds.push(cents);
        }
        let mut strata = Vec::with_capacity(bounds.len() + 1);
        for h in 0..=bounds.len() {
            strata.push(Stratum {
                name: (h + 1).to_string(),
                low: h.checked_sub(1).map(|i| bounds[i]),
                high: bounds.get(h).copied(),
            });
        }
        let spec = bounds
            .iter()
            .map(|&b| dollars(b))
            .collect::<Vec<_>>()
            .join(",");
        Ok(Strata {
            strata,
            spec: Some(format!("amount:{spec}")),
        })
    }

    pub fn is_stratified(&self) -> bool {
        self.spec.is_some()
    }

    /// The index of the stratum an amount (cents) falls in.
    pub fn index_of(&self, cents: i64) -> usize {
        // Strata are ascending and contiguous: count the lower bounds at or below.
        self.strata[1..]
            .iter()
            .take_while(|s| s.low.is_some_and(|low| cents >= low))
            .count()
    }
}

/// `1234.5` -> 123450 cents (plain decimal, at most 2 decimals, optional sign).
pub fn parse_dollars(text: &str) -> Option<i64> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || whole.len() > 15
    {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    let cents = whole * 100 + frac;
    Some(if neg { -cents } else { cents })
}

/// Cents as a plain decimal: `123450` -> `1234.50`.
pub fn dollars(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}{}.{:02}", c / 100, c % 100)
}

/// Splits `total` items over strata of the given sizes in proportion to the
/// sizes, each at least `min(minimum, size)` and at most its size.
///
/// Exact and deterministic: strata whose proportional share falls below
/// their minimum get the minimum (or above their size, their size) and are
/// set aside, the rest is shared again among the others, until every share
/// fits; the shares are then rounded by largest remainder (ties: the larger
/// stratum, then the lower one), all in integers.
pub fn allocate(
    total: usize,
    sizes: &[usize],
    minimum: usize,
) -> std::result::Result<Vec<usize>, String> {
    let floors: Vec<usize> = sizes.iter().map(|&n| n.min(minimum)).collect();
    let least: usize = floors.iter().sum();
    let most: usize = sizes.iter().sum();
    if total < least {
        return Err(format!(
            "{total} is too small: {} strata need at least {least} (at least {minimum} each)",
            sizes.len()
        ));
    }
    if total > most {
        return Err(format!("{total} exceeds the {most} claims of the frame"));
    }
    let mut fixed: Vec<Option<usize>> = vec![None; sizes.len()];
    loop {
        let free: Vec<usize> = (0..sizes.len()).filter(|&h| fixed[h].is_none()).collect();
        let remaining = total - fixed.iter().flatten().sum::<usize>();
        let weight: u128 = free.iter().map(|&h| sizes[h] as u128).sum();
        // share_h = remaining * N_h / weight, compared exactly as fractions.
        let below: Vec<usize> = free
            .iter()
            .copied()
            .filter(|&h| (remaining as u128) * (sizes[h] as u128) < (floors[h] as u128) * weight)
            .collect();
        let above: Vec<usize> = free
            .iter()
            .copied()
            .filter(|&h| (remaining as u128) * (sizes[h] as u128) > (sizes[h] as u128) * weight)
            .collect();
        if !below.is_empty() {
            below.iter().for_each(|&h| fixed[h] = Some(floors[h]));
            continue;
        }
        if !above.is_empty() {
            above.iter().for_each(|&h| fixed[h] = Some(sizes[h]));
            continue;
        }
        if weight == 0 {
            break;
        }
        let mut shares: Vec<(usize, usize, u128)> = free
            .iter()
            .map(|&h| {
                let num = remaining as u128 * sizes[h] as u128;
                (h, (num / weight) as usize, num % weight)
            })
            .collect();
        let mut left = remaining - shares.iter().map(|s| s.1).sum::<usize>();
        let mut order: Vec<usize> = (0..shares.len()).collect();
        order.sort_by(|&a, &b| {
            let (ha, _, ra) = shares[a];
            let (hb, _, rb) = shares[b];
            rb.cmp(&ra)
                .then(sizes[hb].cmp(&sizes[ha]))
                .then(ha.cmp(&hb))
        });
        for i in order {
            if left == 0 {
                break;
            }
            shares[i].1 += 1;
            left -= 1;
        }
        for (h, n, _) in shares {
            fixed[h] = Some(n);
        }
        break;
    }
    let mut sizes_out: Vec<usize> = fixed.into_iter().map(|n| n.unwrap_or(0)).collect();
    // Strata set aside at their minimum while the others then filled up
    // entirely: the remainder goes to the stratum with the most room left.
    while sizes_out.iter().sum::<usize>() < total {
        let room = |h: usize| sizes[h] - sizes_out[h];
        let h = (0..sizes.len())
            .max_by(|&a, &b| room(a).cmp(&room(b)).then(b.cmp(&a)))
            .expect("strata");
        sizes_out[h] += 1;
    }
    Ok(sizes_out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strata_parse_into_ascending_half_open_ranges() {
        let s = Strata::parse("amount:100,500.5").unwrap();
        assert_eq!(s.spec.as_deref(), Some("amount:100.00,500.50"));
        let names: Vec<_> = s.strata.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["1", "2", "3"]);
        assert_eq!((s.strata[0].low, s.strata[0].high), (None, Some(10_000)));
        assert_eq!(
            (s.strata[1].low, s.strata[1].high),
            (Some(10_000), Some(50_050))
        );
        assert_eq!((s.strata[2].low, s.strata[2].high), (Some(50_050), None));
        assert_eq!(s.index_of(-5), 0);
        assert_eq!(s.index_of(9_999), 0);
        assert_eq!(s.index_of(10_000), 1);
        assert_eq!(s.index_of(50_049), 1);
        assert_eq!(s.index_of(50_050), 2);
        assert_eq!(Strata::unrestricted().index_of(123), 0);
        for bad in [
            "amount:",
            "amount:5,5",
            "amount:9,3",
            "size:1",
            "amount:1e3",
            "amount:1.234",
        ] {
            assert!(Strata::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dollars_round_trip() {
        assert_eq!(parse_dollars("12"), Some(1200));
        assert_eq!(parse_dollars(".5"), Some(50));
        assert_eq!(parse_dollars("-0.07"), Some(-7));
        assert_eq!(dollars(-7), "-0.07");
        assert_eq!(dollars(123_450), "1234.50");
        assert_eq!(parse_dollars(""), None);
        assert_eq!(parse_dollars("."), None);
    }

    #[test]
    fn allocation_is_proportional_with_minimums_and_caps() {
        // 30 over 100/50/10: shares 18.75, 9.375, 1.875 -> 2 for the small one, 28 over 150.
        assert_eq!(allocate(30, &[100, 50, 10], 2).unwrap(), vec![19, 9, 2]);
        // A stratum smaller than the minimum is taken whole.
        assert_eq!(allocate(10, &[1, 100], 2).unwrap(), vec![1, 9]);
        // A share above the stratum's size is capped, the rest goes elsewhere.
        assert_eq!(allocate(12, &[3, 10], 2).unwrap(), vec![3, 9]);
        assert_eq!(allocate(13, &[3, 10], 2).unwrap(), vec![3, 10]);
        // Unrestricted: everything to the one stratum.
        assert_eq!(allocate(7, &[40], 2).unwrap(), vec![7]);
        // Ties of remainders go to the larger stratum, then the lower.
        assert_eq!(allocate(3, &[10, 10, 10], 0).unwrap(), vec![1, 1, 1]);
        assert_eq!(allocate(4, &[10, 10, 10], 0).unwrap(), vec![2, 1, 1]);
        assert!(allocate(3, &[10, 10], 2).is_err());
        assert!(allocate(31, &[10, 20], 2).is_err());
        for (total, sizes) in [
            (50usize, vec![3usize, 400, 17, 2, 90]),
            (9, vec![5, 5, 5]),
            (100, vec![1000, 1]),
        ] {
            let a = allocate(total, &sizes, 2).unwrap();
            assert_eq!(a.iter().sum::<usize>(), total);
            for (n, size) in a.iter().zip(&sizes) {
                assert!(*n <= *size && *n >= (*size).min(2), "{a:?} {sizes:?}");
            }
        }
    }
}
