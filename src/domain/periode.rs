//! Validity periods. An end date is the last day of validity (inclusive), as in the TOOI
//! register; a missing begin means the begin lies before what the sources record.

use chrono::NaiveDate;

/// A well-formed period: the end, when present, is not before the begin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Periode {
    begin: Option<NaiveDate>,
    einde: Option<NaiveDate>,
}

/// A period whose end lies before its begin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("einddatum {einde} lies before begindatum {begin}")]
pub struct InvalidPeriode {
    /// The begin date given.
    pub begin: NaiveDate,
    /// The end date given.
    pub einde: NaiveDate,
}

impl Periode {
    /// Builds a period, refusing an end before the begin.
    ///
    /// # Errors
    /// [`InvalidPeriode`] when both dates are known and `einde < begin`.
    pub fn new(begin: Option<NaiveDate>, einde: Option<NaiveDate>) -> Result<Self, InvalidPeriode> {
        match (begin, einde) {
            (Some(begin), Some(einde)) if einde < begin => Err(InvalidPeriode { begin, einde }),
            _ => Ok(Self { begin, einde }),
        }
    }

    /// First day of validity, if known.
    pub fn begin(&self) -> Option<NaiveDate> {
        self.begin
    }

    /// Last day of validity; `None` while still valid.
    pub fn einde(&self) -> Option<NaiveDate> {
        self.einde
    }

    /// Whether the period holds on `peildatum`. An unknown begin counts as "since before the
    /// sources start", which is what a missing TOOI begin date means.
    pub fn geldig_op(&self, peildatum: NaiveDate) -> bool {
        self.begin.is_none_or(|begin| begin <= peildatum) && self.einde.is_none_or(|einde| peildatum <= einde)
    }

    /// Whether the period certainly holds on `peildatum`: for cooperations and participations a
    /// missing begin means "not known", so such a record is not claimed for any date.
    pub fn zeker_geldig_op(&self, peildatum: NaiveDate) -> bool {
        self.begin.is_some() && self.geldig_op(peildatum)
    }

    /// Whether `inner` lies entirely within this period. An unknown begin of `inner` cannot be
    /// shown to lie inside a known begin, so it only fits an outer period without a begin.
    pub fn omvat(&self, inner: &Periode) -> bool {
        let begin_fits = match (self.begin, inner.begin) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(outer), Some(inner)) => outer <= inner,
        };
        let end_fits = match (self.einde, inner.einde) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(outer), Some(inner)) => inner <= outer,
        };
        begin_fits && end_fits
    }

    /// Whether the two periods share at least one day.
    pub fn overlapt(&self, other: &Periode) -> bool {
        let starts_before_other_ends = match (self.begin, other.einde) {
            (Some(begin), Some(einde)) => begin <= einde,
            _ => true,
        };
        let other_starts_before_self_ends = match (other.begin, self.einde) {
            (Some(begin), Some(einde)) => begin <= einde,
            _ => true,
        };
        starts_before_other_ends && other_starts_before_self_ends
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn refuses_end_before_begin_but_allows_one_day() {
        assert!(Periode::new(Some(d("2015-01-01")), Some(d("2014-12-31"))).is_err());
        assert!(Periode::new(Some(d("2015-01-01")), Some(d("2015-01-01"))).is_ok());
        assert!(Periode::new(None, Some(d("2015-01-01"))).is_ok());
    }

    #[test]
    fn end_date_is_inclusive() {
        let bar = Periode::new(Some(d("2014-01-01")), Some(d("2023-12-31"))).unwrap();
        assert!(!bar.geldig_op(d("2013-12-31")));
        assert!(bar.geldig_op(d("2014-01-01")));
        assert!(bar.geldig_op(d("2023-12-31")));
        assert!(!bar.geldig_op(d("2024-01-01")));
    }

    #[test]
    fn unknown_begin_means_since_before_the_sources_but_is_never_certain() {
        let amsterdam = Periode::new(None, None).unwrap();
        assert!(amsterdam.geldig_op(d("1999-01-01")));
        assert!(!amsterdam.zeker_geldig_op(d("1999-01-01")));
    }

    #[test]
    fn containment_and_overlap() {
        let outer = Periode::new(Some(d("2014-01-01")), Some(d("2018-12-31"))).unwrap();
        let inner = Periode::new(Some(d("2015-01-01")), Some(d("2016-12-31"))).unwrap();
        let open = Periode::new(Some(d("2017-01-01")), None).unwrap();
        let later = Periode::new(Some(d("2019-01-01")), None).unwrap();
        assert!(outer.omvat(&inner));
        assert!(!inner.omvat(&outer));
        assert!(!outer.omvat(&open));
        assert!(outer.overlapt(&open));
        assert!(!outer.overlapt(&later));
        assert!(open.overlapt(&later));
    }
}
