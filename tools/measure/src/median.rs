//! Medians of durations and numbers.

use std::cmp::Ordering;
use std::time::Duration;

/// A value that has a median: totally ordered, and with a midpoint of two values (for an
/// even number of samples).
pub trait Sample: Copy {
    /// Orders two values (for `f64`, by `total_cmp`).
    fn order(&self, other: &Self) -> Ordering;
    /// The value halfway between `self` and `other`.
    fn midpoint(self, other: Self) -> Self;
}

impl Sample for Duration {
    fn order(&self, other: &Self) -> Ordering {
        self.cmp(other)
    }
    fn midpoint(self, other: Self) -> Self {
        (self + other) / 2
    }
}

impl Sample for f64 {
    fn order(&self, other: &Self) -> Ordering {
        self.total_cmp(other)
    }
    fn midpoint(self, other: Self) -> Self {
        (self + other) / 2.0
    }
}

impl Sample for u64 {
    fn order(&self, other: &Self) -> Ordering {
        self.cmp(other)
    }
    fn midpoint(self, other: Self) -> Self {
        self / 2 + other / 2 + (self % 2 + other % 2) / 2
    }
}

/// The median of `values`: the middle one, or the midpoint of the two middle ones when
/// there is an even number; `None` when there are none.
pub fn median<T: Sample>(values: &[T]) -> Option<T> {
    let mut sorted = values.to_vec();
    sorted.sort_by(T::order);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some(sorted[n / 2 - 1].midpoint(sorted[n / 2])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median::<f64>(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[f64::NAN, 1.0, 2.0]), Some(2.0), "NaN sorts last");
        let ms = Duration::from_millis;
        assert_eq!(median(&[ms(30), ms(10), ms(20), ms(40)]), Some(ms(25)));
        assert_eq!(median(&[7u64]), Some(7));
        assert_eq!(median(&[u64::MAX, u64::MAX]), Some(u64::MAX));
        assert_eq!(median(&[1u64, 2]), Some(1), "integer midpoint rounds down");
    }
}
