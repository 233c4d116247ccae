//! Changing, ending and deleting an ambtelijke fusie as a whole.

use chrono::NaiveDate;
use sea_orm::ActiveValue::Set;
use sea_orm::DatabaseConnection;

use super::deelname::end_running;
use crate::domain::{Eindreden, NodeId, Rechtsvorm, Sleutel, WijzigingSoort};
use crate::entity::{ambtelijke_fusie, deelname};
use crate::error::AppError;
use crate::service::UnitOfWork;
use crate::service::rules::{check_version, ending, fusie_by_sleutel};
use crate::store;

/// Changes to an ambtelijke fusie's descriptive attributes; `None` leaves a value as it is.
/// Scope and dates are not changed here: they carry rules (4 and 3) that the dedicated
/// mutations check.
#[derive(Debug, Clone)]
pub struct ChangeAmbtelijkeFusie {
    pub sleutel: Sleutel,
    pub naam: Option<String>,
    pub afkorting: Option<String>,
    pub rechtsvorm: Option<Rechtsvorm>,
    pub rechtsvorm_omschrijving: Option<String>,
    pub opmerking: Option<String>,
    pub versie: Option<i32>,
}

/// The end of an ambtelijke fusie: its last day and why it ended.
#[derive(Debug, Clone)]
pub struct EndAmbtelijkeFusie {
    pub sleutel: Sleutel,
    pub einddatum: NaiveDate,
    pub eindreden: Eindreden,
    pub toelichting: Option<String>,
    pub versie: Option<i32>,
}

/// Changes the name, abbreviation, legal form or note of an ambtelijke fusie.
///
/// # Errors
/// `NOT_FOUND` for an unknown fusie, `CONFLICT` for a stale version, `BAD_USER_INPUT` for an
/// empty name.
pub async fn change_ambtelijke_fusie(
    db: &DatabaseConnection,
    door: &str,
    command: ChangeAmbtelijkeFusie,
) -> Result<ambtelijke_fusie::Model, AppError> {
    let mut work = UnitOfWork::begin_correction(db, door).await?;
    let fusie = fusie_by_sleutel(&work, &command.sleutel).await?;
    check_version(fusie.versie, command.versie)?;
    let versie = fusie.versie + 1;
    let mut row: ambtelijke_fusie::ActiveModel = fusie.into();
    if let Some(naam) = command.naam {
        if naam.trim().is_empty() {
            return Err(AppError::bad_input("naam", "naam must not be empty"));
        }
        row.naam = Set(naam.trim().to_owned());
    }
    if let Some(afkorting) = command.afkorting {
        row.afkorting = Set(Some(afkorting.trim().to_owned()).filter(|a| !a.is_empty()));
    }
    if let Some(rechtsvorm) = command.rechtsvorm {
        row.rechtsvorm = Set(rechtsvorm);
    }
    if let Some(omschrijving) = command.rechtsvorm_omschrijving {
        row.rechtsvorm_omschrijving = Set(Some(omschrijving));
    }
    if let Some(opmerking) = command.opmerking {
        row.opmerking = Set(Some(opmerking));
    }
    row.versie = Set(versie);
    let fusie = store::fusie::update(work.txn(), row).await?;
    work.record(WijzigingSoort::Gewijzigd, &NodeId::AmbtelijkeFusie(fusie.sleutel.clone())).await?;
    work.commit().await?;
    Ok(fusie)
}

/// Ends an ambtelijke fusie on `einddatum` with a reason, and with it every running deelname.
///
/// # Errors
/// `NOT_FOUND` for an unknown fusie, `CONFLICT` when it has already ended or `versie` is stale,
/// `BAD_USER_INPUT` for an end before its begin or before a deelname began.
pub async fn end_ambtelijke_fusie(
    db: &DatabaseConnection,
    door: &str,
    command: EndAmbtelijkeFusie,
) -> Result<(ambtelijke_fusie::Model, Vec<deelname::Model>), AppError> {
    let mut work = UnitOfWork::begin(db, door).await?;
    let fusie = fusie_by_sleutel(&work, &command.sleutel).await?;
    check_version(fusie.versie, command.versie)?;
    if let Some(einde) = fusie.einddatum {
        return Err(AppError::conflict("sleutel", format!("'{}' already ended on {einde}", command.sleutel)));
    }
    ending(fusie.begindatum, command.einddatum)?;
    let mut ended = Vec::new();
    for deelname in store::deelname::running_of_fusie(work.txn(), fusie.id).await? {
        ended.push(end_running(&mut work, deelname, command.einddatum).await?);
    }
    let versie = fusie.versie + 1;
    let mut row: ambtelijke_fusie::ActiveModel = fusie.into();
    row.einddatum = Set(Some(command.einddatum));
    row.eindreden = Set(Some(command.eindreden));
    row.eindreden_toelichting = Set(command.toelichting);
    row.versie = Set(versie);
    let fusie = store::fusie::update(work.txn(), row).await?;
    work.record(WijzigingSoort::Beeindigd, &NodeId::AmbtelijkeFusie(fusie.sleutel.clone())).await?;
    work.commit().await?;
    Ok((fusie, ended))
}

/// Deletes an ambtelijke fusie with its deelnames and evaluations, to correct a mistake. History
/// of real fusies is kept by ending them instead; this is for records that should never have
/// existed, and the caller's role is checked by the API (admin only).
///
/// # Errors
/// `NOT_FOUND` for an unknown fusie.
pub async fn delete_ambtelijke_fusie(db: &DatabaseConnection, door: &str, sleutel: &Sleutel) -> Result<(), AppError> {
    let mut work = UnitOfWork::begin_correction(db, door).await?;
    let fusie = fusie_by_sleutel(&work, sleutel).await?;
    for deelname in store::deelname::of_fusie(work.txn(), fusie.id).await? {
        let gemeente = store::gemeente::by_id(work.txn(), deelname.gemeente_id).await?;
        let code = gemeente.map(|g| g.code).unwrap_or_default();
        let id = NodeId::Deelname { fusie: fusie.sleutel.clone(), gemeente: code, begindatum: deelname.begindatum };
        store::deelname::delete(work.txn(), deelname.id).await?;
        work.record(WijzigingSoort::Verwijderd, &id).await?;
    }
    for evaluatie in store::evaluatie::of_fusie(work.txn(), fusie.id).await? {
        store::evaluatie::delete(work.txn(), evaluatie.id).await?;
        work.record(WijzigingSoort::Verwijderd, &NodeId::Evaluatie(evaluatie.sleutel)).await?;
    }
    // A study that listed the fusie keeps its entry, now unmatched: that changes the study too,
    // and the log must say so for its states to be complete.
    let studies = store::onderzoek::listing_fusie(work.txn(), fusie.id).await?;
    store::fusie::delete(work.txn(), fusie.id).await?;
    work.record(WijzigingSoort::Verwijderd, &NodeId::AmbtelijkeFusie(fusie.sleutel)).await?;
    for study in studies {
        work.record(WijzigingSoort::Gewijzigd, &NodeId::Onderzoek(study.sleutel)).await?;
    }
    work.commit().await?;
    Ok(())
}
