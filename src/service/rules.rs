//! Rules and lookups that several use-cases share: optimistic versions, periods checked against
//! stored ones, and finding the records a command names (`NOT_FOUND` on the field that named them).

use chrono::NaiveDate;

use super::UnitOfWork;
use crate::domain::{CbsCode, Periode, Sleutel};
use crate::entity::{ambtelijke_fusie, gemeente};
use crate::error::AppError;
use crate::store;

/// `CONFLICT` on `versie` when the client read another version than the stored one. A client
/// that sends no version accepts overwriting whatever is stored.
///
/// # Errors
/// `CONFLICT` naming `versie`.
pub(crate) fn check_version(stored: i32, given: Option<i32>) -> Result<(), AppError> {
    match given {
        Some(v) if v != stored => Err(AppError::conflict(
            "versie",
            format!("the record changed since you read it (version {v}, now {stored}); reload it and try again"),
        )),
        _ => Ok(()),
    }
}

/// The period from a stored begin to a new end given by the client.
///
/// # Errors
/// `BAD_USER_INPUT` on `einddatum` when it lies before the begin.
pub(crate) fn ending(begin: Option<NaiveDate>, einddatum: NaiveDate) -> Result<Periode, AppError> {
    Periode::new(begin, Some(einddatum)).map_err(|e| AppError::bad_input("einddatum", e.to_string()))
}

/// The period of a stored row, which the database's CHECK keeps well-formed.
///
/// # Errors
/// An internal error when the row breaks that CHECK after all.
pub(crate) fn stored_periode(begin: Option<NaiveDate>, einde: Option<NaiveDate>) -> Result<Periode, AppError> {
    Periode::new(begin, einde).map_err(|e| AppError::Internal(format!("stored period is invalid: {e}")))
}

/// The field to blame when `inner` does not fit in `outer`: its begin, unless that fits.
pub(crate) fn field_outside(outer: Periode, inner: Periode) -> &'static str {
    let begin_fits = Periode::new(inner.begin(), inner.begin()).is_ok_and(|start| outer.contains(&start));
    if begin_fits { "einddatum" } else { "begindatum" }
}

/// A period in words for an error message.
pub(crate) fn describe(periode: Periode) -> String {
    let day = |d: Option<NaiveDate>, missing: &str| d.map_or_else(|| missing.to_owned(), |d| d.to_string());
    format!("from {} to {}", day(periode.begin(), "before the register starts"), day(periode.einde(), "now"))
}

/// The ambtelijke fusie a command names.
///
/// # Errors
/// `NOT_FOUND` on `sleutel`, or a database error.
pub(crate) async fn fusie_by_sleutel(
    work: &UnitOfWork,
    sleutel: &Sleutel,
) -> Result<ambtelijke_fusie::Model, AppError> {
    store::fusie::by_sleutel(work.txn(), sleutel)
        .await?
        .ok_or_else(|| AppError::not_found("sleutel", format!("there is no ambtelijke fusie with sleutel '{sleutel}'")))
}

/// The municipality a command names in `field`.
///
/// # Errors
/// `NOT_FOUND` on `field`, or a database error.
pub(crate) async fn gemeente_by_code(
    work: &UnitOfWork,
    field: &str,
    code: &CbsCode,
) -> Result<gemeente::Model, AppError> {
    store::gemeente::by_code(work.txn(), code)
        .await?
        .ok_or_else(|| AppError::not_found(field, format!("there is no municipality with code {code}")))
}
