//! Validity periods. An end date is the last day of validity (inclusive), as in the TOOI
//! register. A missing begin means one of two things, depending on the record (see
//! [`MissingBegin`]); [`Periode::is_valid_on`] is the one rule for "valid on a date", and
//! `store::valid_on` states the same rule in SQL.

use chrono::NaiveDate;

/// A well-formed period: the end, when present, is not before the begin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Periode {
    begin: Option<NaiveDate>,
    einde: Option<NaiveDate>,
}

/// What a period without begin date means on a given date. The sources leave the begin out for
/// two different reasons, and which one holds depends on the kind of record, not on the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingBegin {
    /// The record began before the sources start, so it holds on every date up to its end: a
    /// gemeente that TOOI lists without begin existed before the register's coverage.
    Open,
    /// The begin is not known, so the record is not claimed for any date: for ambtelijke fusies
    /// and deelnames a missing begin is a gap in the sources, not a long history.
    Unknown,
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

    /// Whether the period holds on `peildatum`: begun on or before it, and not ended before it
    /// (the end date is the last valid day). `missing_begin` says whether a period without begin
    /// has begun. `store::valid_on` is the same rule in SQL; a property test keeps the two equal.
    pub fn is_valid_on(&self, peildatum: NaiveDate, missing_begin: MissingBegin) -> bool {
        let begun = match self.begin {
            Some(begin) => begin <= peildatum,
            None => missing_begin == MissingBegin::Open,
        };
        begun && self.einde.is_none_or(|einde| peildatum <= einde)
    }

    /// Whether `inner` lies entirely within this period. An unknown begin of `inner` cannot be
    /// shown to lie inside a known begin, so it only fits an outer period without a begin.
    pub fn contains(&self, inner: &Periode) -> bool {
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
    pub fn overlaps(&self, other: &Periode) -> bool {
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
        for missing_begin in [MissingBegin::Open, MissingBegin::Unknown] {
            assert!(!bar.is_valid_on(d("2013-12-31"), missing_begin));
            assert!(bar.is_valid_on(d("2014-01-01"), missing_begin));
            assert!(bar.is_valid_on(d("2023-12-31"), missing_begin));
            assert!(!bar.is_valid_on(d("2024-01-01"), missing_begin));
        }
    }

    #[test]
    fn a_missing_begin_has_begun_only_when_open() {
        let amsterdam = Periode::new(None, None).unwrap();
        assert!(amsterdam.is_valid_on(d("1999-01-01"), MissingBegin::Open));
        assert!(!amsterdam.is_valid_on(d("1999-01-01"), MissingBegin::Unknown));
        let opgeheven = Periode::new(None, Some(d("2018-12-31"))).unwrap();
        assert!(opgeheven.is_valid_on(d("2018-12-31"), MissingBegin::Open));
        assert!(!opgeheven.is_valid_on(d("2019-01-01"), MissingBegin::Open));
    }

    #[test]
    fn containment_and_overlap() {
        let outer = Periode::new(Some(d("2014-01-01")), Some(d("2018-12-31"))).unwrap();
        let inner = Periode::new(Some(d("2015-01-01")), Some(d("2016-12-31"))).unwrap();
        let open = Periode::new(Some(d("2017-01-01")), None).unwrap();
        let later = Periode::new(Some(d("2019-01-01")), None).unwrap();
        assert!(outer.contains(&inner));
        assert!(!inner.contains(&outer));
        assert!(!outer.contains(&open));
        assert!(outer.overlaps(&open));
        assert!(!outer.overlaps(&later));
        assert!(open.overlaps(&later));
    }
}
