//! Variable appraisal of a reviewed sample (RAT-STATS' method, CONTRACT.md's
//! formulas): mean per unit, stratified or not, with the finite population
//! correction and a two-sided Student t interval.
//!
//! Per stratum h with frame size N_h, n_h reviewed items and overpayments
//! x (amount_paid - audited_amount):
//! mean_h = sum x / n_h; s_h = sample standard deviation (n_h - 1 divisor,
//! 0 when n_h = 1); point_h = N_h mean_h;
//! se_h = sqrt(N_h^2 (1 - n_h/N_h) s_h^2 / n_h); df_h = n_h - 1.
//! Whole: point = sum point_h; se = sqrt(sum se_h^2); df = sum df_h;
//! limits = point -/+ t se with t the (1 + confidence)/2 quantile of
//! Student's t on df degrees of freedom; precision = t se / point.
//! The whole's `mean` is point / N (the estimated overpayment per claim),
//! its `std_dev` that of all reviewed items together.
//!
//! Sums are exact (integer cents) so the result does not depend on order.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// The reviewed items of one stratum.
#[derive(Debug, Clone)]
pub struct StratumSample {
    pub frame_size: usize,
    /// amount_paid - audited_amount of each item, cents.
    pub overpayments: Vec<i64>,
}

/// The estimate's figures, for the whole frame or one stratum.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Estimate {
    pub frame_size: usize,
    pub sample_size: usize,
    pub mean: f64,
    pub std_dev: f64,
    pub point_estimate: f64,
    pub standard_error: f64,
    pub degrees_of_freedom: usize,
    /// Null when there are no degrees of freedom.
    pub t_value: Option<f64>,
    /// Null when the interval is undefined (no degrees of freedom and a
    /// nonzero standard error); equal to the point estimate when the
    /// standard error is 0.
    pub lower_limit: Option<f64>,
    pub upper_limit: Option<f64>,
    /// Half the interval's width over the point estimate; null when the
    /// point estimate is 0 or the interval undefined.
    pub precision: Option<f64>,
}

/// Sum, sum of squares (cents) and count of overpayments.
#[derive(Debug, Clone, Copy, Default)]
struct Moments {
    n: i128,
    sum: i128,
    squares: i128,
}

impl Moments {
    fn of(values: &[i64]) -> Moments {
        values.iter().fold(Moments::default(), |m, &x| Moments {
            n: m.n + 1,
            sum: m.sum + x as i128,
            squares: m.squares + (x as i128) * (x as i128),
        })
    }

    /// Mean in dollars.
    fn mean(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.sum as f64 / self.n as f64 / 100.0
        }
    }

    /// Sample variance in dollars squared: (n sum x^2 - (sum x)^2) / (n (n - 1)), exact in cents.
    fn variance(&self) -> f64 {
        if self.n < 2 {
            return 0.0;
        }
        let num = self.n * self.squares - self.sum * self.sum;
        num as f64 / (self.n * (self.n - 1)) as f64 / 10_000.0
    }
}

/// Student t quantile for a two-sided interval at `confidence` percent.
pub fn t_quantile(confidence: f64, df: usize) -> Option<f64> {
    if df == 0 {
        return None;
    }
    let dist = StudentsT::new(0.0, 1.0, df as f64).ok()?;
    Some(dist.inverse_cdf(1.0 - (1.0 - confidence / 100.0) / 2.0))
}

fn finish(
    frame_size: usize,
    sample_size: usize,
    mean: f64,
    std_dev: f64,
    point: f64,
    se: f64,
    df: usize,
    confidence: f64,
) -> Estimate {
    let t = t_quantile(confidence, df);
    let half = if se == 0.0 {
        Some(0.0)
    } else {
        t.map(|t| t * se)
    };
    Estimate {
        frame_size,
        sample_size,
        mean,
        std_dev,
        point_estimate: point,
        standard_error: se,
        degrees_of_freedom: df,
        t_value: t,
        lower_limit: half.map(|h| point - h),
        upper_limit: half.map(|h| point + h),
        precision: half.filter(|_| point != 0.0).map(|h| h / point),
    }
}

/// One stratum's estimate (also the whole estimate of an unrestricted sample).
pub fn stratum_estimate(s: &StratumSample, confidence: f64) -> Estimate {
    let m = Moments::of(&s.overpayments);
    let (big_n, n) = (s.frame_size as f64, s.overpayments.len() as f64);
    let var = m.variance();
    let se = if n == 0.0 {
        0.0
    } else {
        (big_n * big_n * ((big_n - n) / big_n) * var / n).sqrt()
    };
    finish(
        s.frame_size,
        s.overpayments.len(),
        m.mean(),
        var.sqrt(),
        if n == 0.0 {
            0.0
        } else {
            (s.frame_size as i128 * m.sum) as f64 / n / 100.0
        },
        se,
        s.overpayments.len().saturating_sub(1),
        confidence,
    )
}

/// The whole estimate and each stratum's, from the strata's estimates.
pub fn appraise(strata: &[StratumSample], confidence: f64) -> (Estimate, Vec<Estimate>) {
    let per: Vec<Estimate> = strata
        .iter()
        .map(|s| stratum_estimate(s, confidence))
        .collect();
    let all: Vec<i64> = strata
        .iter()
        .flat_map(|s| s.overpayments.iter().copied())
        .collect();
    let frame_size: usize = per.iter().map(|e| e.frame_size).sum();
    let point: f64 = per.iter().map(|e| e.point_estimate).sum();
    let se = per
        .iter()
        .map(|e| e.standard_error * e.standard_error)
        .sum::<f64>()
        .sqrt();
    let df = per.iter().map(|e| e.degrees_of_freedom).sum();
    let whole = finish(
        frame_size,
        all.len(),
        if frame_size == 0 {
            0.0
        } else {
            point / frame_size as f64
        },
        Moments::of(&all).variance().sqrt(),
        point,
        se,
        df,
        confidence,
    );
    (whole, per)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * (1.0 + b.abs())
    }

    #[test]
    fn unrestricted_by_hand() {
        // N = 100, overpayments 10, 20, 30, 40 dollars: mean 25, s^2 = 166.67,
        // se = sqrt(100^2 * 0.96 * 166.67 / 4) = 632.456, df 3, t(0.95, 3) = 2.353363.
        let s = StratumSample {
            frame_size: 100,
            overpayments: vec![1000, 2000, 3000, 4000],
        };
        let (whole, per) = appraise(&[s], 90.0);
        assert_eq!(whole, per[0]);
        assert!(close(whole.mean, 25.0));
        assert!(close(whole.point_estimate, 2500.0));
        assert!(close(whole.std_dev, (500.0f64 / 3.0).sqrt()));
        assert!(close(whole.standard_error, 632.455532033676));
        assert_eq!(whole.degrees_of_freedom, 3);
        let t = whole.t_value.unwrap();
        assert!((t - 2.353363434801).abs() < 1e-6, "{t}");
        assert!(close(
            whole.lower_limit.unwrap(),
            2500.0 - t * 632.455532033676
        ));
        assert!(close(
            whole.precision.unwrap(),
            t * 632.455532033676 / 2500.0
        ));
    }

    #[test]
    fn equal_overpayments_and_full_strata_have_no_error() {
        let same = StratumSample {
            frame_size: 50,
            overpayments: vec![700; 5],
        };
        let full = StratumSample {
            frame_size: 3,
            overpayments: vec![100, 900, 0],
        };
        let (whole, per) = appraise(&[same, full], 95.0);
        assert_eq!(per[0].std_dev, 0.0);
        assert_eq!(per[0].standard_error, 0.0);
        assert_eq!(per[0].lower_limit, Some(350.0));
        assert_eq!(per[0].precision, Some(0.0));
        assert_eq!(per[1].standard_error, 0.0);
        assert!(per[1].std_dev > 0.0);
        assert!(close(per[1].point_estimate, 10.0));
        assert_eq!(whole.standard_error, 0.0);
        assert_eq!(whole.degrees_of_freedom, 6);
        assert!(close(whole.point_estimate, 360.0));
        assert!(close(whole.mean, 360.0 / 53.0));
        assert_eq!(whole.lower_limit, whole.upper_limit);
    }

    #[test]
    fn a_single_item_stratum_has_no_degrees_of_freedom() {
        let one = StratumSample {
            frame_size: 1,
            overpayments: vec![1234],
        };
        let e = stratum_estimate(&one, 90.0);
        assert_eq!((e.degrees_of_freedom, e.t_value), (0, None));
        assert_eq!(e.lower_limit, Some(12.34));
        let zero = StratumSample {
            frame_size: 10,
            overpayments: vec![0, 0],
        };
        assert_eq!(stratum_estimate(&zero, 90.0).precision, None);
    }
}
