//! Parsing input values into domain types, naming the input field at fault: the one place where
//! a mutation's text becomes `CbsCode`, `Sleutel` or `Periode`.

use crate::domain::{CbsCode, Periode, Sleutel};
use crate::error::{AppError, InField};
use crate::graphql::scalars::Date;

/// A list of CBS codes; the first malformed one is `BAD_USER_INPUT` on `field`.
pub(super) fn codes(field: &str, texts: &[String]) -> Result<Vec<CbsCode>, AppError> {
    texts.iter().map(|text| CbsCode::parse(text).in_field(field)).collect()
}

/// The period from a known first day to an optional last day; `BAD_USER_INPUT` on `einddatum`
/// when it lies before the begin.
pub(super) fn periode_from(begindatum: Date, einddatum: Option<Date>) -> Result<Periode, AppError> {
    Periode::new(Some(begindatum.0), einddatum.map(|d| d.0)).in_field("einddatum")
}

/// An optional reference to a record by its sleutel: absent or blank is `None`. Surrounding
/// spaces are dropped, as the services did before sleutels were parsed here, so that a client
/// that sent `" bar "` still finds `bar`.
pub(super) fn optional_sleutel(field: &str, text: Option<&str>) -> Result<Option<Sleutel>, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => Sleutel::parse(text).in_field(field).map(Some),
        None => Ok(None),
    }
}
