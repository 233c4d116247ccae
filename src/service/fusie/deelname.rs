//! Adding, ending and deleting the deelname of a municipality in an ambtelijke fusie, and the
//! rules (3–5) every new deelname is checked against.

use chrono::NaiveDate;
use sea_orm::ActiveValue::Set;
use sea_orm::DatabaseConnection;

use crate::domain::{CbsCode, NodeId, Periode, Reikwijdte, Rol, Sleutel, Vorm, WijzigingSoort};
use crate::entity::{ambtelijke_fusie, deelname, gemeente};
use crate::error::AppError;
use crate::service::UnitOfWork;
use crate::service::rules::{
    check_version, describe, ending, field_outside, fusie_by_sleutel, gemeente_by_code, stored_periode,
};
use crate::store;

/// A municipality joining an existing fusie.
#[derive(Debug, Clone)]
pub struct AddDeelname {
    pub sleutel: Sleutel,
    pub gemeente: CbsCode,
    pub rol: Rol,
    /// Its period; the begin is known.
    pub periode: Periode,
}

/// The end of a municipality's running deelname in a fusie.
#[derive(Debug, Clone)]
pub struct EndDeelname {
    pub sleutel: Sleutel,
    pub gemeente: CbsCode,
    /// Its last day.
    pub einddatum: NaiveDate,
    /// The version the client read, if it wants the write refused when the row changed since.
    pub versie: Option<i32>,
}

/// A deelname to delete, named by fusie, municipality and first day.
#[derive(Debug, Clone)]
pub struct DeleteDeelname {
    pub sleutel: Sleutel,
    pub gemeente: CbsCode,
    pub begindatum: NaiveDate,
}

/// Adds a deelname to an existing fusie.
///
/// # Errors
/// `NOT_FOUND` for an unknown fusie or municipality, `BAD_USER_INPUT` or `CONFLICT` naming the
/// field at fault when a rule is broken.
pub async fn add_deelname(
    db: &DatabaseConnection,
    door: &str,
    command: AddDeelname,
) -> Result<deelname::Model, AppError> {
    let mut work = UnitOfWork::begin(db, door).await?;
    let deelname = add_deelname_in(&mut work, command).await?;
    work.commit().await?;
    Ok(deelname)
}

/// [`add_deelname`] within a running write.
///
/// # Errors
/// As [`add_deelname`].
pub async fn add_deelname_in(work: &mut UnitOfWork, command: AddDeelname) -> Result<deelname::Model, AppError> {
    let fusie = fusie_by_sleutel(work, &command.sleutel).await?;
    let gemeente = gemeente_by_code(work, "gemeente", &command.gemeente).await?;
    add_checked(work, &fusie, &gemeente, command.rol, command.periode, "gemeente").await
}

/// Ends the running deelname of a municipality in a fusie on `einddatum` (its last day).
///
/// # Errors
/// `NOT_FOUND` when there is no running deelname, `BAD_USER_INPUT` for an end before its begin,
/// `CONFLICT` when `versie` is stale or ending it would leave a centrumconstructie without host.
pub async fn end_deelname(
    db: &DatabaseConnection,
    door: &str,
    command: EndDeelname,
) -> Result<deelname::Model, AppError> {
    let mut work = UnitOfWork::begin(db, door).await?;
    let fusie = fusie_by_sleutel(&work, &command.sleutel).await?;
    let gemeente = gemeente_by_code(&work, "gemeente", &command.gemeente).await?;
    let running = store::deelname::running(work.txn(), fusie.id, gemeente.id).await?.ok_or_else(|| {
        AppError::not_found("gemeente", format!("{} has no running deelname in '{}'", gemeente.code, command.sleutel))
    })?;
    check_version(running.versie, command.versie)?;
    if running.rol == Rol::Centrumgemeente && fusie.einddatum.is_none() {
        return Err(AppError::conflict(
            "gemeente",
            "a running centrumconstructie needs its centrumgemeente: end the centrumconstructie instead, or add the new centrumgemeente first",
        ));
    }
    let ended = end_running(&mut work, running, command.einddatum).await?;
    work.commit().await?;
    Ok(ended)
}

/// Deletes one deelname, to correct a mistake (admin only, checked by the API).
///
/// # Errors
/// `NOT_FOUND` when there is no such deelname; `CONFLICT` when it is the only host of a
/// centrumconstructie or one of the last two deelnemers of a fusieorganisatie.
pub async fn delete_deelname(db: &DatabaseConnection, door: &str, command: DeleteDeelname) -> Result<(), AppError> {
    let mut work = UnitOfWork::begin_correction(db, door).await?;
    let fusie = fusie_by_sleutel(&work, &command.sleutel).await?;
    let gemeente = gemeente_by_code(&work, "gemeente", &command.gemeente).await?;
    let all = store::deelname::of_fusie(work.txn(), fusie.id).await?;
    let target = all
        .iter()
        .find(|d| d.gemeente_id == gemeente.id && d.begindatum == Some(command.begindatum))
        .cloned()
        .ok_or_else(|| {
            AppError::not_found(
                "begindatum",
                format!("{} has no deelname in '{}' from {}", gemeente.code, command.sleutel, command.begindatum),
            )
        })?;
    let same_rol = all.iter().filter(|d| d.rol == target.rol && d.id != target.id).count();
    let too_few = match target.rol {
        Rol::Centrumgemeente | Rol::Afnemer => same_rol == 0,
        Rol::Deelnemer => same_rol < 2,
    };
    if too_few {
        return Err(AppError::conflict(
            "gemeente",
            format!(
                "'{}' would be left without the members its form needs; delete the whole fusie instead",
                command.sleutel
            ),
        ));
    }
    store::deelname::delete(work.txn(), target.id).await?;
    let id = NodeId::Deelname { fusie: fusie.sleutel, gemeente: gemeente.code, begindatum: target.begindatum };
    work.record(WijzigingSoort::Verwijderd, &id).await?;
    work.commit().await?;
    Ok(())
}

/// Checks rules 3–5 for a new deelname and writes it with its change; errors about the
/// municipality name `field`, the input that named it.
pub(super) async fn add_checked(
    work: &mut UnitOfWork,
    fusie: &ambtelijke_fusie::Model,
    gemeente: &gemeente::Model,
    rol: Rol,
    periode: Periode,
    field: &str,
) -> Result<deelname::Model, AppError> {
    check_rol_fits_vorm(fusie, rol)?;
    check_within_fusie(fusie, periode)?;
    check_within_existence(gemeente, periode)?;
    check_no_overlap(work, fusie, gemeente, periode, field).await?;
    if rol == Rol::Centrumgemeente {
        check_one_host(work, fusie, periode).await?;
    }
    write_deelname(work, fusie, gemeente, rol, periode).await
}

/// Rule 3: a fusieorganisatie has deelnemers, a centrumconstructie a host and afnemers.
fn check_rol_fits_vorm(fusie: &ambtelijke_fusie::Model, rol: Rol) -> Result<(), AppError> {
    let fits = match fusie.vorm {
        Vorm::Fusieorganisatie => rol == Rol::Deelnemer,
        Vorm::Centrumconstructie => rol != Rol::Deelnemer,
    };
    if fits {
        return Ok(());
    }
    let fitting = match fusie.vorm {
        Vorm::Fusieorganisatie => "DEELNEMER",
        Vorm::Centrumconstructie => "CENTRUMGEMEENTE or AFNEMER",
    };
    Err(AppError::bad_input("rol", format!("in '{}' a municipality takes part as {fitting}", fusie.sleutel)))
}

/// A deelname lies within the period of its fusie.
fn check_within_fusie(fusie: &ambtelijke_fusie::Model, periode: Periode) -> Result<(), AppError> {
    let fusie_periode = stored_periode(fusie.begindatum, fusie.einddatum)?;
    if fusie_periode.contains(&periode) {
        return Ok(());
    }
    Err(AppError::bad_input(
        field_outside(fusie_periode, periode),
        format!("the deelname must lie within the period of '{}' ({})", fusie.sleutel, describe(fusie_periode)),
    ))
}

/// A deelname lies within the existence of its municipality.
fn check_within_existence(gemeente: &gemeente::Model, periode: Periode) -> Result<(), AppError> {
    let existence = stored_periode(gemeente.begindatum, gemeente.einddatum)?;
    if existence.contains(&periode) {
        return Ok(());
    }
    Err(AppError::bad_input(
        field_outside(existence, periode),
        format!("{} ({}) exists {}, not during the whole deelname", gemeente.naam, gemeente.code, describe(existence)),
    ))
}

/// Rule 4, and no overlap within the same fusie: compares with the municipality's other
/// deelnames; errors name `field`.
async fn check_no_overlap(
    work: &UnitOfWork,
    fusie: &ambtelijke_fusie::Model,
    gemeente: &gemeente::Model,
    periode: Periode,
    field: &str,
) -> Result<(), AppError> {
    let others = store::deelname::of_gemeente(work.txn(), gemeente.id).await?;
    let fusies = store::fusie::by_ids(work.txn(), others.iter().map(|d| d.ambtelijke_fusie_id).collect()).await?;
    for other in &others {
        let Ok(other_periode) = Periode::new(other.begindatum, other.einddatum) else { continue };
        if !other_periode.overlaps(&periode) {
            continue;
        }
        let Some(other_fusie) = fusies.iter().find(|f| f.id == other.ambtelijke_fusie_id) else { continue };
        if other_fusie.id == fusie.id {
            return Err(AppError::conflict(
                field,
                format!("{} already takes part in '{}' in that period", gemeente.code, fusie.sleutel),
            ));
        }
        if fusie.reikwijdte == Reikwijdte::Volledig && other_fusie.reikwijdte == Reikwijdte::Volledig {
            return Err(AppError::conflict(
                field,
                format!(
                    "{} ({}) already takes part in the full ambtelijke fusie '{}' in that period; a municipality can be in one full fusie at a time — end that deelname first",
                    gemeente.naam, gemeente.code, other_fusie.sleutel
                ),
            ));
        }
    }
    Ok(())
}

/// Rule 5: a fusie has one centrumgemeente at a time.
async fn check_one_host(work: &UnitOfWork, fusie: &ambtelijke_fusie::Model, periode: Periode) -> Result<(), AppError> {
    let hosts = store::deelname::with_rol(work.txn(), fusie.id, Rol::Centrumgemeente).await?;
    if hosts.iter().any(|h| Periode::new(h.begindatum, h.einddatum).is_ok_and(|p| p.overlaps(&periode))) {
        return Err(AppError::conflict(
            "rol",
            format!("'{}' already has a centrumgemeente in that period", fusie.sleutel),
        ));
    }
    Ok(())
}

/// Inserts the checked deelname (version 1) and records its creation.
async fn write_deelname(
    work: &mut UnitOfWork,
    fusie: &ambtelijke_fusie::Model,
    gemeente: &gemeente::Model,
    rol: Rol,
    periode: Periode,
) -> Result<deelname::Model, AppError> {
    let row = deelname::ActiveModel {
        ambtelijke_fusie_id: Set(fusie.id),
        gemeente_id: Set(gemeente.id),
        rol: Set(rol),
        begindatum: Set(periode.begin()),
        einddatum: Set(periode.einde()),
        taken: Set(None),
        onzekere_velden: Set(String::new()),
        opmerking: Set(None),
        versie: Set(1),
        ..Default::default()
    };
    let deelname = store::deelname::insert(work.txn(), row).await?;
    let id =
        NodeId::Deelname { fusie: fusie.sleutel.clone(), gemeente: gemeente.code.clone(), begindatum: periode.begin() };
    work.record(WijzigingSoort::Aangemaakt, &id).await?;
    Ok(deelname)
}

/// Ends a running deelname on `einddatum` and records the change; also used when a fusie ends
/// and when a herindeling dissolves a member.
///
/// # Errors
/// `BAD_USER_INPUT` on `einddatum` when it lies before the deelname's begin; a database error.
pub(crate) async fn end_running(
    work: &mut UnitOfWork,
    deelname: deelname::Model,
    einddatum: NaiveDate,
) -> Result<deelname::Model, AppError> {
    ending(deelname.begindatum, einddatum)?;
    let fusie = store::fusie::by_id(work.txn(), deelname.ambtelijke_fusie_id)
        .await?
        .ok_or_else(|| AppError::Internal("deelname without fusie".to_owned()))?;
    let gemeente = store::gemeente::by_id(work.txn(), deelname.gemeente_id)
        .await?
        .ok_or_else(|| AppError::Internal("deelname without gemeente".to_owned()))?;
    let id = NodeId::Deelname { fusie: fusie.sleutel, gemeente: gemeente.code, begindatum: deelname.begindatum };
    let versie = deelname.versie + 1;
    let mut row: deelname::ActiveModel = deelname.into();
    row.einddatum = Set(Some(einddatum));
    row.versie = Set(versie);
    let deelname = store::deelname::update(work.txn(), row).await?;
    work.record(WijzigingSoort::Beeindigd, &id).await?;
    Ok(deelname)
}
