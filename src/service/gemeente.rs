//! Registering and correcting municipalities (rules 1–3).

use chrono::NaiveDate;
use sea_orm::{ActiveValue::Set, DatabaseConnection};

use super::UnitOfWork;
use super::rules::{check_version, gemeente_by_code, stored_periode};
use crate::domain::{CbsCode, NodeId, Periode, WijzigingSoort};
use crate::entity::{gemeente, provincie};
use crate::error::AppError;
use crate::store;

/// A municipality to register.
#[derive(Debug, Clone)]
pub struct NewGemeente {
    pub code: CbsCode,
    pub naam: String,
    /// CBS code of the province, e.g. `PV28`.
    pub provincie: String,
    /// Its existence; a missing begin lies before what the sources record.
    pub periode: Periode,
}

/// Corrections to a municipality's record; `None` leaves a value as it is.
#[derive(Debug, Clone)]
pub struct CorrectGemeente {
    pub code: CbsCode,
    pub naam: Option<String>,
    pub provincie: Option<String>,
    pub begindatum: Option<NaiveDate>,
    pub einddatum: Option<NaiveDate>,
    pub versie: Option<i32>,
}

/// Registers a municipality.
///
/// # Errors
/// `BAD_USER_INPUT` for an empty name; `CONFLICT` when the code exists (codes are never reused);
/// `NOT_FOUND` for an unknown province.
pub async fn register_gemeente(
    db: &DatabaseConnection,
    door: &str,
    command: NewGemeente,
) -> Result<gemeente::Model, AppError> {
    let mut work = UnitOfWork::begin(db, door).await?;
    let gemeente = register_gemeente_in(&mut work, command).await?;
    work.commit().await?;
    Ok(gemeente)
}

/// [`register_gemeente`] within a running write.
///
/// # Errors
/// As [`register_gemeente`].
pub async fn register_gemeente_in(work: &mut UnitOfWork, command: NewGemeente) -> Result<gemeente::Model, AppError> {
    if command.naam.trim().is_empty() {
        return Err(AppError::bad_input("naam", "naam must not be empty"));
    }
    if store::gemeente::by_code(work.txn(), &command.code).await?.is_some() {
        return Err(AppError::conflict(
            "code",
            format!("{} is already registered; CBS codes are never reused", command.code),
        ));
    }
    let provincie = provincie_by_code(work, &command.provincie).await?;
    let row = gemeente::ActiveModel {
        code: Set(command.code.to_string()),
        naam: Set(command.naam.trim().to_owned()),
        provincie_id: Set(provincie.id),
        begindatum: Set(command.periode.begin()),
        einddatum: Set(command.periode.einde()),
        tooi_uri: Set(None),
        opmerking: Set(None),
        versie: Set(1),
        ..Default::default()
    };
    let gemeente = store::gemeente::insert(work.txn(), row).await?;
    work.record(WijzigingSoort::Aangemaakt, &NodeId::Gemeente(gemeente.code.clone())).await?;
    Ok(gemeente)
}

/// Corrects a municipality's name, province or period (for mistakes: a renaming in reality gets
/// a new code and a herindeling).
///
/// # Errors
/// `NOT_FOUND` for an unknown code or province, `CONFLICT` for a stale version or a period that
/// would leave one of its deelnames outside its existence, `BAD_USER_INPUT` for a bad value.
pub async fn correct_gemeente(
    db: &DatabaseConnection,
    door: &str,
    command: CorrectGemeente,
) -> Result<gemeente::Model, AppError> {
    let mut work = UnitOfWork::begin_correction(db, door).await?;
    let current = gemeente_by_code(&work, "code", &command.code).await?;
    check_version(current.versie, command.versie)?;
    let begindatum = command.begindatum.or(current.begindatum);
    let einddatum = command.einddatum.or(current.einddatum);
    let existence = Periode::new(begindatum, einddatum).map_err(|e| AppError::bad_input("einddatum", e.to_string()))?;
    for deelname in store::deelname::of_gemeente(work.txn(), current.id).await? {
        if !existence.contains(&stored_periode(deelname.begindatum, deelname.einddatum)?) {
            return Err(AppError::conflict(
                if command.einddatum.is_some() { "einddatum" } else { "begindatum" },
                "a deelname of this municipality would lie outside its existence; end or correct the deelname first",
            ));
        }
    }
    let versie = current.versie + 1;
    let mut row: gemeente::ActiveModel = current.into();
    if let Some(naam) = command.naam {
        if naam.trim().is_empty() {
            return Err(AppError::bad_input("naam", "naam must not be empty"));
        }
        row.naam = Set(naam.trim().to_owned());
    }
    if let Some(code) = command.provincie {
        row.provincie_id = Set(provincie_by_code(&work, &code).await?.id);
    }
    row.begindatum = Set(existence.begin());
    row.einddatum = Set(existence.einde());
    row.versie = Set(versie);
    let gemeente = store::gemeente::update(work.txn(), row).await?;
    work.record(WijzigingSoort::Gewijzigd, &NodeId::Gemeente(gemeente.code.clone())).await?;
    work.commit().await?;
    Ok(gemeente)
}

async fn provincie_by_code(work: &UnitOfWork, code: &str) -> Result<provincie::Model, AppError> {
    store::gemeente::provincie_by_code(work.txn(), code)
        .await?
        .ok_or_else(|| AppError::not_found("provincie", format!("there is no province with code '{code}' (e.g. PV28)")))
}
