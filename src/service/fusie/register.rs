//! Registering a new ambtelijke fusie with its members from its first day.

use std::collections::HashSet;

use sea_orm::ActiveValue::Set;
use sea_orm::DatabaseConnection;

use super::deelname::add_checked;
use crate::domain::{CbsCode, NodeId, Periode, Rechtsvorm, Reikwijdte, Rol, Sleutel, Vorm, WijzigingSoort};
use crate::entity::{ambtelijke_fusie, deelname};
use crate::error::AppError;
use crate::service::UnitOfWork;
use crate::service::rules::gemeente_by_code;
use crate::store;

/// What a new ambtelijke fusie is, before its members.
#[derive(Debug, Clone)]
pub struct NewFusie {
    pub sleutel: Sleutel,
    pub naam: String,
    pub afkorting: Option<String>,
    pub rechtsvorm: Rechtsvorm,
    pub reikwijdte: Reikwijdte,
    /// Its period; the begin is known (a new fusie has a first day).
    pub periode: Periode,
}

/// A fusieorganisatie and the municipalities that take part from its first day.
#[derive(Debug, Clone)]
pub struct RegisterFusieorganisatie {
    pub fusie: NewFusie,
    pub deelnemers: Vec<CbsCode>,
}

/// A centrumconstructie, its host and the municipalities it serves from its first day.
#[derive(Debug, Clone)]
pub struct RegisterCentrumconstructie {
    pub fusie: NewFusie,
    pub centrumgemeente: CbsCode,
    pub afnemers: Vec<CbsCode>,
}

/// The fusie and its deelnames as stored.
type Registered = (ambtelijke_fusie::Model, Vec<deelname::Model>);

/// Registers a fusieorganisatie with its deelnemers from its first day.
///
/// # Errors
/// `BAD_USER_INPUT` or `CONFLICT` naming the field at fault when a rule is broken; nothing is
/// written then.
pub async fn register_fusieorganisatie(
    db: &DatabaseConnection,
    door: &str,
    command: RegisterFusieorganisatie,
) -> Result<Registered, AppError> {
    let mut work = UnitOfWork::begin(db, door).await?;
    let registered = register_fusieorganisatie_in(&mut work, command).await?;
    work.commit().await?;
    Ok(registered)
}

/// [`register_fusieorganisatie`] within a running write.
///
/// # Errors
/// As [`register_fusieorganisatie`].
pub async fn register_fusieorganisatie_in(
    work: &mut UnitOfWork,
    command: RegisterFusieorganisatie,
) -> Result<Registered, AppError> {
    let distinct: HashSet<&CbsCode> = command.deelnemers.iter().collect();
    if distinct.len() < 2 {
        return Err(AppError::bad_input("deelnemers", "a fusieorganisatie needs at least two different deelnemers"));
    }
    let members: Vec<Member> =
        command.deelnemers.into_iter().map(|code| Member { code, rol: Rol::Deelnemer, field: "deelnemers" }).collect();
    register(work, command.fusie, Vorm::Fusieorganisatie, &members).await
}

/// Registers a centrumconstructie with its centrumgemeente and afnemers from its first day.
///
/// # Errors
/// As [`register_fusieorganisatie`].
pub async fn register_centrumconstructie(
    db: &DatabaseConnection,
    door: &str,
    command: RegisterCentrumconstructie,
) -> Result<Registered, AppError> {
    let mut work = UnitOfWork::begin(db, door).await?;
    let registered = register_centrumconstructie_in(&mut work, command).await?;
    work.commit().await?;
    Ok(registered)
}

/// [`register_centrumconstructie`] within a running write.
///
/// # Errors
/// As [`register_fusieorganisatie`].
pub async fn register_centrumconstructie_in(
    work: &mut UnitOfWork,
    command: RegisterCentrumconstructie,
) -> Result<Registered, AppError> {
    if command.afnemers.is_empty() {
        return Err(AppError::bad_input("afnemers", "a centrumconstructie needs at least one afnemer"));
    }
    let mut members =
        vec![Member { code: command.centrumgemeente, rol: Rol::Centrumgemeente, field: "centrumgemeente" }];
    members.extend(command.afnemers.into_iter().map(|code| Member { code, rol: Rol::Afnemer, field: "afnemers" }));
    register(work, command.fusie, Vorm::Centrumconstructie, &members).await
}

/// One municipality of a new fusie, with the input field that named it (for errors).
struct Member {
    code: CbsCode,
    rol: Rol,
    field: &'static str,
}

async fn register(
    work: &mut UnitOfWork,
    new: NewFusie,
    vorm: Vorm,
    members: &[Member],
) -> Result<Registered, AppError> {
    if new.naam.trim().is_empty() {
        return Err(AppError::bad_input("naam", "naam must not be empty"));
    }
    let mut seen = HashSet::new();
    for member in members {
        if !seen.insert(&member.code) {
            return Err(AppError::bad_input(member.field, format!("{} is listed twice", member.code)));
        }
    }
    if store::fusie::by_sleutel(work.txn(), &new.sleutel).await?.is_some() {
        return Err(AppError::conflict(
            "sleutel",
            format!("an ambtelijke fusie with sleutel '{}' already exists", new.sleutel),
        ));
    }
    let row = ambtelijke_fusie::ActiveModel {
        sleutel: Set(new.sleutel.to_string()),
        vorm: Set(vorm),
        naam: Set(new.naam.trim().to_owned()),
        afkorting: Set(new.afkorting.filter(|a| !a.trim().is_empty())),
        rechtsvorm: Set(new.rechtsvorm),
        rechtsvorm_omschrijving: Set(None),
        reikwijdte: Set(new.reikwijdte),
        begindatum: Set(new.periode.begin()),
        einddatum: Set(new.periode.einde()),
        eindreden: Set(None),
        eindreden_toelichting: Set(None),
        tooi_so_id: Set(None),
        cbs_gr_code: Set(None),
        onzekere_velden: Set(String::new()),
        opmerking: Set(None),
        versie: Set(1),
        ..Default::default()
    };
    let fusie = store::fusie::insert(work.txn(), row).await?;
    work.record(WijzigingSoort::Aangemaakt, &NodeId::AmbtelijkeFusie(fusie.sleutel.clone())).await?;

    let mut deelnames = Vec::new();
    for member in members {
        let gemeente = gemeente_by_code(work, member.field, &member.code).await?;
        deelnames.push(add_checked(work, &fusie, &gemeente, member.rol, new.periode, member.field).await?);
    }
    Ok((fusie, deelnames))
}
