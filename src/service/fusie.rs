//! Writing ambtelijke fusies and their deelnames, keeping rules 2–5 of the registry.

use std::collections::HashSet;

use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::Schrijfactie;
use crate::domain::{CbsCode, Eindreden, NodeId, Periode, Rechtsvorm, Reikwijdte, Rol, Vorm, WijzigingSoort};
use crate::entity::{ambtelijke_fusie, deelname, gemeente};
use crate::error::AppError;

/// What a new ambtelijke fusie is, before its members.
#[derive(Debug, Clone)]
pub struct NieuweFusie {
    pub sleutel: String,
    pub naam: String,
    pub afkorting: Option<String>,
    pub rechtsvorm: Rechtsvorm,
    pub reikwijdte: Reikwijdte,
    pub begindatum: NaiveDate,
    pub einddatum: Option<NaiveDate>,
}

/// A new deelname of a municipality in an existing fusie.
#[derive(Debug, Clone)]
pub struct NieuweDeelname {
    pub sleutel: String,
    pub gemeente: String,
    pub rol: Rol,
    pub begindatum: NaiveDate,
    pub einddatum: Option<NaiveDate>,
}

/// Registers a fusieorganisatie with its deelnemers from its first day.
///
/// # Errors
/// `BAD_USER_INPUT` or `CONFLICT` naming the field at fault when a rule is broken; nothing is
/// written then.
pub async fn registreer_fusieorganisatie(
    db: &DatabaseConnection,
    door: &str,
    fusie: NieuweFusie,
    deelnemers: &[String],
) -> Result<(ambtelijke_fusie::Model, Vec<deelname::Model>), AppError> {
    let mut actie = Schrijfactie::begin(db, door).await?;
    let resultaat = registreer_fusieorganisatie_in(&mut actie, fusie, deelnemers).await?;
    actie.commit().await?;
    Ok(resultaat)
}

/// [`registreer_fusieorganisatie`] within a running write.
///
/// # Errors
/// As [`registreer_fusieorganisatie`].
pub async fn registreer_fusieorganisatie_in(
    actie: &mut Schrijfactie,
    fusie: NieuweFusie,
    deelnemers: &[String],
) -> Result<(ambtelijke_fusie::Model, Vec<deelname::Model>), AppError> {
    let unique: HashSet<&String> = deelnemers.iter().collect();
    if unique.len() < 2 {
        return Err(AppError::bad_input("deelnemers", "a fusieorganisatie needs at least two different deelnemers"));
    }
    let leden: Vec<(String, Rol)> = deelnemers.iter().map(|code| (code.clone(), Rol::Deelnemer)).collect();
    registreer(actie, fusie, Vorm::Fusieorganisatie, &leden, "deelnemers").await
}

/// Registers a centrumconstructie with its centrumgemeente and afnemers from its first day.
///
/// # Errors
/// As [`registreer_fusieorganisatie`].
pub async fn registreer_centrumconstructie(
    db: &DatabaseConnection,
    door: &str,
    fusie: NieuweFusie,
    centrumgemeente: &str,
    afnemers: &[String],
) -> Result<(ambtelijke_fusie::Model, Vec<deelname::Model>), AppError> {
    let mut actie = Schrijfactie::begin(db, door).await?;
    let resultaat = registreer_centrumconstructie_in(&mut actie, fusie, centrumgemeente, afnemers).await?;
    actie.commit().await?;
    Ok(resultaat)
}

/// [`registreer_centrumconstructie`] within a running write.
///
/// # Errors
/// As [`registreer_fusieorganisatie`].
pub async fn registreer_centrumconstructie_in(
    actie: &mut Schrijfactie,
    fusie: NieuweFusie,
    centrumgemeente: &str,
    afnemers: &[String],
) -> Result<(ambtelijke_fusie::Model, Vec<deelname::Model>), AppError> {
    if afnemers.is_empty() {
        return Err(AppError::bad_input("afnemers", "a centrumconstructie needs at least one afnemer"));
    }
    let mut leden = vec![(centrumgemeente.to_owned(), Rol::Centrumgemeente)];
    leden.extend(afnemers.iter().map(|code| (code.clone(), Rol::Afnemer)));
    registreer(actie, fusie, Vorm::Centrumconstructie, &leden, "afnemers").await
}

async fn registreer(
    actie: &mut Schrijfactie,
    nieuw: NieuweFusie,
    vorm: Vorm,
    leden: &[(String, Rol)],
    leden_veld: &str,
) -> Result<(ambtelijke_fusie::Model, Vec<deelname::Model>), AppError> {
    let sleutel = sleutel(&nieuw.sleutel)?;
    if nieuw.naam.trim().is_empty() {
        return Err(AppError::bad_input("naam", "naam must not be empty"));
    }
    let periode = periode(Some(nieuw.begindatum), nieuw.einddatum)?;
    let mut codes = HashSet::new();
    for (code, _) in leden {
        if !codes.insert(CbsCode::parse(code).map(|c| c.to_string()).unwrap_or_else(|_| code.clone())) {
            return Err(AppError::bad_input(leden_veld, format!("{code} is listed twice")));
        }
    }

    if ambtelijke_fusie::Entity::find()
        .filter(ambtelijke_fusie::Column::Sleutel.eq(&sleutel))
        .one(actie.txn())
        .await?
        .is_some()
    {
        return Err(AppError::conflict(
            "sleutel",
            format!("an ambtelijke fusie with sleutel '{sleutel}' already exists"),
        ));
    }
    let fusie = ambtelijke_fusie::ActiveModel {
        sleutel: Set(sleutel.clone()),
        vorm: Set(vorm),
        naam: Set(nieuw.naam.trim().to_owned()),
        afkorting: Set(nieuw.afkorting.filter(|a| !a.trim().is_empty())),
        rechtsvorm: Set(nieuw.rechtsvorm),
        rechtsvorm_omschrijving: Set(None),
        reikwijdte: Set(nieuw.reikwijdte),
        begindatum: Set(periode.begin()),
        einddatum: Set(periode.einde()),
        eindreden: Set(None),
        eindreden_toelichting: Set(None),
        tooi_so_id: Set(None),
        cbs_gr_code: Set(None),
        onzekere_velden: Set(String::new()),
        opmerking: Set(None),
        versie: Set(1),
        ..Default::default()
    }
    .insert(actie.txn())
    .await?;
    actie
        .leg_vast(WijzigingSoort::Aangemaakt, "AmbtelijkeFusie", NodeId::AmbtelijkeFusie(sleutel.clone()).encode())
        .await?;

    let mut deelnames = Vec::new();
    for (code, rol) in leden {
        // Errors about the host name its own input field.
        let veld = if *rol == Rol::Centrumgemeente { "centrumgemeente" } else { leden_veld };
        let gemeente = gemeente_op_code(actie, veld, code).await?;
        deelnames.push(voeg_toe(actie, &fusie, &gemeente, *rol, periode, veld).await?);
    }
    Ok((fusie, deelnames))
}

/// Adds a deelname to an existing fusie.
///
/// # Errors
/// `NOT_FOUND` for an unknown fusie or municipality, `BAD_USER_INPUT` or `CONFLICT` naming the
/// field at fault when a rule is broken.
pub async fn voeg_deelname_toe(
    db: &DatabaseConnection,
    door: &str,
    nieuw: NieuweDeelname,
) -> Result<deelname::Model, AppError> {
    let mut actie = Schrijfactie::begin(db, door).await?;
    let deelname = voeg_deelname_toe_in(&mut actie, nieuw).await?;
    actie.commit().await?;
    Ok(deelname)
}

/// [`voeg_deelname_toe`] within a running write.
///
/// # Errors
/// As [`voeg_deelname_toe`].
pub async fn voeg_deelname_toe_in(
    actie: &mut Schrijfactie,
    nieuw: NieuweDeelname,
) -> Result<deelname::Model, AppError> {
    let periode = periode(Some(nieuw.begindatum), nieuw.einddatum)?;
    let fusie = fusie_op_sleutel(actie, &nieuw.sleutel).await?;
    let gemeente = gemeente_op_code(actie, "gemeente", &nieuw.gemeente).await?;
    voeg_toe(actie, &fusie, &gemeente, nieuw.rol, periode, "gemeente").await
}

/// Ends the running deelname of a municipality in a fusie on `einddatum` (its last day).
///
/// # Errors
/// `NOT_FOUND` when there is no running deelname, `BAD_USER_INPUT` for an end before its begin,
/// `CONFLICT` when `versie` is stale or ending it would leave a centrumconstructie without host.
pub async fn beeindig_deelname(
    db: &DatabaseConnection,
    door: &str,
    sleutel: &str,
    gemeente_code: &str,
    einddatum: NaiveDate,
    versie: Option<i32>,
) -> Result<deelname::Model, AppError> {
    let mut actie = Schrijfactie::begin(db, door).await?;
    let fusie = fusie_op_sleutel(&actie, sleutel).await?;
    let gemeente = gemeente_op_code(&actie, "gemeente", gemeente_code).await?;
    let lopend = deelname::Entity::find()
        .filter(deelname::Column::AmbtelijkeFusieId.eq(fusie.id))
        .filter(deelname::Column::GemeenteId.eq(gemeente.id))
        .filter(deelname::Column::Einddatum.is_null())
        .one(actie.txn())
        .await?
        .ok_or_else(|| {
            AppError::not_found("gemeente", format!("{} has no running deelname in '{sleutel}'", gemeente.code))
        })?;
    check_versie(lopend.versie, versie)?;
    if lopend.rol == Rol::Centrumgemeente && fusie.einddatum.is_none() {
        return Err(AppError::conflict(
            "gemeente",
            "a running centrumconstructie needs its centrumgemeente: end the centrumconstructie instead, or add the new centrumgemeente first",
        ));
    }
    let beeindigd = eindig(&mut actie, lopend, einddatum).await?;
    actie.commit().await?;
    Ok(beeindigd)
}

/// Ends an ambtelijke fusie on `einddatum` with a reason, and with it every running deelname.
///
/// # Errors
/// `NOT_FOUND` for an unknown fusie, `CONFLICT` when it has already ended or `versie` is stale,
/// `BAD_USER_INPUT` for an end before its begin or before a deelname began.
pub async fn beeindig_ambtelijke_fusie(
    db: &DatabaseConnection,
    door: &str,
    sleutel: &str,
    einddatum: NaiveDate,
    eindreden: Eindreden,
    toelichting: Option<String>,
    versie: Option<i32>,
) -> Result<(ambtelijke_fusie::Model, Vec<deelname::Model>), AppError> {
    let mut actie = Schrijfactie::begin(db, door).await?;
    let fusie = fusie_op_sleutel(&actie, sleutel).await?;
    check_versie(fusie.versie, versie)?;
    if let Some(einde) = fusie.einddatum {
        return Err(AppError::conflict("sleutel", format!("'{sleutel}' already ended on {einde}")));
    }
    periode(fusie.begindatum, Some(einddatum))?;
    let lopend = deelname::Entity::find()
        .filter(deelname::Column::AmbtelijkeFusieId.eq(fusie.id))
        .filter(deelname::Column::Einddatum.is_null())
        .all(actie.txn())
        .await?;
    let mut beeindigd = Vec::new();
    for deelname in lopend {
        beeindigd.push(eindig(&mut actie, deelname, einddatum).await?);
    }
    let versie = fusie.versie + 1;
    let mut fusie: ambtelijke_fusie::ActiveModel = fusie.into();
    fusie.einddatum = Set(Some(einddatum));
    fusie.eindreden = Set(Some(eindreden));
    fusie.eindreden_toelichting = Set(toelichting);
    fusie.versie = Set(versie);
    let fusie = fusie.update(actie.txn()).await?;
    actie
        .leg_vast(WijzigingSoort::Beeindigd, "AmbtelijkeFusie", NodeId::AmbtelijkeFusie(fusie.sleutel.clone()).encode())
        .await?;
    actie.commit().await?;
    Ok((fusie, beeindigd))
}

/// Checks rules 3–5 for a new deelname and writes it with its change.
async fn voeg_toe(
    actie: &mut Schrijfactie,
    fusie: &ambtelijke_fusie::Model,
    gemeente: &gemeente::Model,
    rol: Rol,
    periode: Periode,
    veld: &str,
) -> Result<deelname::Model, AppError> {
    let past = match fusie.vorm {
        Vorm::Fusieorganisatie => rol == Rol::Deelnemer,
        Vorm::Centrumconstructie => rol != Rol::Deelnemer,
    };
    if !past {
        let passend = match fusie.vorm {
            Vorm::Fusieorganisatie => "DEELNEMER",
            Vorm::Centrumconstructie => "CENTRUMGEMEENTE or AFNEMER",
        };
        return Err(AppError::bad_input(
            "rol",
            format!("in '{}' a municipality takes part as {passend}", fusie.sleutel),
        ));
    }
    let fusie_periode = periode_van(fusie.begindatum, fusie.einddatum)?;
    if !fusie_periode.omvat(&periode) {
        return Err(AppError::bad_input(
            buiten_veld(fusie_periode, periode),
            format!("the deelname must lie within the period of '{}' ({})", fusie.sleutel, beschrijf(fusie_periode)),
        ));
    }
    let bestaan = periode_van(gemeente.begindatum, gemeente.einddatum)?;
    if !bestaan.omvat(&periode) {
        return Err(AppError::bad_input(
            buiten_veld(bestaan, periode),
            format!(
                "{} ({}) exists {}, not during the whole deelname",
                gemeente.naam,
                gemeente.code,
                beschrijf(bestaan)
            ),
        ));
    }

    // Rule 4 and overlap within the same fusie: compare with the municipality's other deelnames.
    let andere = deelname::Entity::find().filter(deelname::Column::GemeenteId.eq(gemeente.id)).all(actie.txn()).await?;
    let fusie_ids: Vec<i32> = andere.iter().map(|d| d.ambtelijke_fusie_id).collect();
    let fusies =
        ambtelijke_fusie::Entity::find().filter(ambtelijke_fusie::Column::Id.is_in(fusie_ids)).all(actie.txn()).await?;
    for ander in &andere {
        let Ok(ander_periode) = Periode::new(ander.begindatum, ander.einddatum) else { continue };
        if !ander_periode.overlapt(&periode) {
            continue;
        }
        let Some(andere_fusie) = fusies.iter().find(|f| f.id == ander.ambtelijke_fusie_id) else { continue };
        if andere_fusie.id == fusie.id {
            return Err(AppError::conflict(
                veld,
                format!("{} already takes part in '{}' in that period", gemeente.code, fusie.sleutel),
            ));
        }
        if fusie.reikwijdte == Reikwijdte::Volledig && andere_fusie.reikwijdte == Reikwijdte::Volledig {
            return Err(AppError::conflict(
                veld,
                format!(
                    "{} ({}) already takes part in the full ambtelijke fusie '{}' in that period; a municipality can be in one full fusie at a time — end that deelname first",
                    gemeente.naam, gemeente.code, andere_fusie.sleutel
                ),
            ));
        }
    }

    // Rule 5: one centrumgemeente at a time.
    if rol == Rol::Centrumgemeente {
        let hosts = deelname::Entity::find()
            .filter(deelname::Column::AmbtelijkeFusieId.eq(fusie.id))
            .filter(deelname::Column::Rol.eq(Rol::Centrumgemeente))
            .all(actie.txn())
            .await?;
        if hosts.iter().any(|h| Periode::new(h.begindatum, h.einddatum).is_ok_and(|p| p.overlapt(&periode))) {
            return Err(AppError::conflict(
                "rol",
                format!("'{}' already has a centrumgemeente in that period", fusie.sleutel),
            ));
        }
    }

    let deelname = deelname::ActiveModel {
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
    }
    .insert(actie.txn())
    .await?;
    let id =
        NodeId::Deelname { fusie: fusie.sleutel.clone(), gemeente: gemeente.code.clone(), begindatum: periode.begin() };
    actie.leg_vast(WijzigingSoort::Aangemaakt, "Deelname", id.encode()).await?;
    Ok(deelname)
}

pub(crate) async fn eindig(
    actie: &mut Schrijfactie,
    deelname: deelname::Model,
    einddatum: NaiveDate,
) -> Result<deelname::Model, AppError> {
    periode(deelname.begindatum, Some(einddatum))?;
    let fusie = ambtelijke_fusie::Entity::find_by_id(deelname.ambtelijke_fusie_id)
        .one(actie.txn())
        .await?
        .ok_or_else(|| AppError::Internal("deelname without fusie".to_owned()))?;
    let gemeente = gemeente::Entity::find_by_id(deelname.gemeente_id)
        .one(actie.txn())
        .await?
        .ok_or_else(|| AppError::Internal("deelname without gemeente".to_owned()))?;
    let id = NodeId::Deelname { fusie: fusie.sleutel, gemeente: gemeente.code, begindatum: deelname.begindatum };
    let versie = deelname.versie + 1;
    let mut deelname: deelname::ActiveModel = deelname.into();
    deelname.einddatum = Set(Some(einddatum));
    deelname.versie = Set(versie);
    let deelname = deelname.update(actie.txn()).await?;
    actie.leg_vast(WijzigingSoort::Beeindigd, "Deelname", id.encode()).await?;
    Ok(deelname)
}

/// The field to blame when `inner` does not fit in `outer`: its begin, unless that fits.
fn buiten_veld(outer: Periode, inner: Periode) -> &'static str {
    let begin_fits = Periode::new(inner.begin(), inner.begin()).is_ok_and(|start| outer.omvat(&start));
    if begin_fits { "einddatum" } else { "begindatum" }
}

fn beschrijf(periode: Periode) -> String {
    let dag = |d: Option<NaiveDate>, leeg: &str| d.map_or_else(|| leeg.to_owned(), |d| d.to_string());
    format!("from {} to {}", dag(periode.begin(), "before the register starts"), dag(periode.einde(), "now"))
}

pub(crate) fn check_versie(huidig: i32, genoemd: Option<i32>) -> Result<(), AppError> {
    match genoemd {
        Some(v) if v != huidig => Err(AppError::conflict(
            "versie",
            format!("the record changed since you read it (version {v}, now {huidig}); reload it and try again"),
        )),
        _ => Ok(()),
    }
}

pub(crate) fn sleutel(text: &str) -> Result<String, AppError> {
    let valid = !text.is_empty()
        && text.len() <= 80
        && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !text.starts_with('-')
        && !text.ends_with('-');
    if valid {
        Ok(text.to_owned())
    } else {
        Err(AppError::bad_input(
            "sleutel",
            format!("'{text}' is not a sleutel: use lower-case letters, digits and dashes, e.g. 'bar'"),
        ))
    }
}

pub(crate) fn periode(begin: Option<NaiveDate>, einde: Option<NaiveDate>) -> Result<Periode, AppError> {
    Periode::new(begin, einde).map_err(|e| AppError::bad_input("einddatum", e.to_string()))
}

/// The period of a stored row, which the database's CHECK keeps well-formed.
pub(crate) fn periode_van(begin: Option<NaiveDate>, einde: Option<NaiveDate>) -> Result<Periode, AppError> {
    Periode::new(begin, einde).map_err(|e| AppError::Internal(format!("stored period is invalid: {e}")))
}

pub(crate) async fn fusie_op_sleutel(actie: &Schrijfactie, sleutel: &str) -> Result<ambtelijke_fusie::Model, AppError> {
    ambtelijke_fusie::Entity::find()
        .filter(ambtelijke_fusie::Column::Sleutel.eq(sleutel))
        .one(actie.txn())
        .await?
        .ok_or_else(|| AppError::not_found("sleutel", format!("there is no ambtelijke fusie with sleutel '{sleutel}'")))
}

pub(crate) async fn gemeente_op_code(
    actie: &Schrijfactie,
    veld: &str,
    code: &str,
) -> Result<gemeente::Model, AppError> {
    let code = CbsCode::parse(code).map_err(|e| AppError::bad_input(veld, e.to_string()))?;
    gemeente::Entity::find()
        .filter(gemeente::Column::Code.eq(code.as_str()))
        .one(actie.txn())
        .await?
        .ok_or_else(|| AppError::not_found(veld, format!("there is no municipality with code {code}")))
}

/// Deletes an ambtelijke fusie with its deelnames and evaluations, to correct a mistake. History
/// of real fusies is kept by ending them instead; this is for records that should never have
/// existed, and the caller's role is checked by the API (admin only).
///
/// # Errors
/// `NOT_FOUND` for an unknown fusie.
pub async fn verwijder_ambtelijke_fusie(db: &DatabaseConnection, door: &str, sleutel: &str) -> Result<(), AppError> {
    let mut actie = Schrijfactie::begin(db, door).await?;
    let fusie = fusie_op_sleutel(&actie, sleutel).await?;
    let deelnames =
        deelname::Entity::find().filter(deelname::Column::AmbtelijkeFusieId.eq(fusie.id)).all(actie.txn()).await?;
    for d in deelnames {
        let gemeente = gemeente::Entity::find_by_id(d.gemeente_id).one(actie.txn()).await?;
        let code = gemeente.map(|g| g.code).unwrap_or_default();
        let id = NodeId::Deelname { fusie: fusie.sleutel.clone(), gemeente: code, begindatum: d.begindatum };
        deelname::Entity::delete_by_id(d.id).exec(actie.txn()).await?;
        actie.leg_vast(WijzigingSoort::Verwijderd, "Deelname", id.encode()).await?;
    }
    ambtelijke_fusie::Entity::delete_by_id(fusie.id).exec(actie.txn()).await?;
    actie
        .leg_vast(WijzigingSoort::Verwijderd, "AmbtelijkeFusie", NodeId::AmbtelijkeFusie(fusie.sleutel).encode())
        .await?;
    actie.commit().await?;
    Ok(())
}

/// Deletes one deelname, to correct a mistake (admin only, checked by the API).
///
/// # Errors
/// `NOT_FOUND` when there is no such deelname; `CONFLICT` when it is the only host of a
/// centrumconstructie or one of the last two deelnemers of a fusieorganisatie.
pub async fn verwijder_deelname(
    db: &DatabaseConnection,
    door: &str,
    sleutel: &str,
    gemeente_code: &str,
    begindatum: NaiveDate,
) -> Result<(), AppError> {
    let mut actie = Schrijfactie::begin(db, door).await?;
    let fusie = fusie_op_sleutel(&actie, sleutel).await?;
    let gemeente = gemeente_op_code(&actie, "gemeente", gemeente_code).await?;
    let alle =
        deelname::Entity::find().filter(deelname::Column::AmbtelijkeFusieId.eq(fusie.id)).all(actie.txn()).await?;
    let doel =
        alle.iter().find(|d| d.gemeente_id == gemeente.id && d.begindatum == Some(begindatum)).cloned().ok_or_else(
            || {
                AppError::not_found(
                    "begindatum",
                    format!("{} has no deelname in '{sleutel}' from {begindatum}", gemeente.code),
                )
            },
        )?;
    let zelfde_rol = alle.iter().filter(|d| d.rol == doel.rol && d.id != doel.id).count();
    let te_weinig = match doel.rol {
        Rol::Centrumgemeente => zelfde_rol == 0,
        Rol::Deelnemer => zelfde_rol < 2,
        Rol::Afnemer => zelfde_rol == 0,
    };
    if te_weinig {
        return Err(AppError::conflict(
            "gemeente",
            format!("'{sleutel}' would be left without the members its form needs; delete the whole fusie instead"),
        ));
    }
    deelname::Entity::delete_by_id(doel.id).exec(actie.txn()).await?;
    let id = NodeId::Deelname { fusie: fusie.sleutel, gemeente: gemeente.code, begindatum: doel.begindatum };
    actie.leg_vast(WijzigingSoort::Verwijderd, "Deelname", id.encode()).await?;
    actie.commit().await?;
    Ok(())
}

/// Changes to an ambtelijke fusie's descriptive attributes; `None` leaves a value as it is.
/// Scope and dates are not changed here: they carry rules (4 and 3) that the dedicated
/// mutations check.
#[derive(Debug, Clone, Default)]
pub struct FusieWijziging {
    pub sleutel: String,
    pub naam: Option<String>,
    pub afkorting: Option<String>,
    pub rechtsvorm: Option<Rechtsvorm>,
    pub rechtsvorm_omschrijving: Option<String>,
    pub opmerking: Option<String>,
    pub versie: Option<i32>,
}

/// Changes the name, abbreviation, legal form or note of an ambtelijke fusie.
///
/// # Errors
/// `NOT_FOUND` for an unknown fusie, `CONFLICT` for a stale version, `BAD_USER_INPUT` for an
/// empty name.
pub async fn wijzig_ambtelijke_fusie(
    db: &DatabaseConnection,
    door: &str,
    wijziging: FusieWijziging,
) -> Result<ambtelijke_fusie::Model, AppError> {
    let mut actie = Schrijfactie::begin(db, door).await?;
    let fusie = fusie_op_sleutel(&actie, &wijziging.sleutel).await?;
    check_versie(fusie.versie, wijziging.versie)?;
    let versie = fusie.versie + 1;
    let mut model: ambtelijke_fusie::ActiveModel = fusie.into();
    if let Some(naam) = wijziging.naam {
        if naam.trim().is_empty() {
            return Err(AppError::bad_input("naam", "naam must not be empty"));
        }
        model.naam = Set(naam.trim().to_owned());
    }
    if let Some(afkorting) = wijziging.afkorting {
        model.afkorting = Set(Some(afkorting.trim().to_owned()).filter(|a| !a.is_empty()));
    }
    if let Some(rechtsvorm) = wijziging.rechtsvorm {
        model.rechtsvorm = Set(rechtsvorm);
    }
    if let Some(omschrijving) = wijziging.rechtsvorm_omschrijving {
        model.rechtsvorm_omschrijving = Set(Some(omschrijving));
    }
    if let Some(opmerking) = wijziging.opmerking {
        model.opmerking = Set(Some(opmerking));
    }
    model.versie = Set(versie);
    let fusie = model.update(actie.txn()).await?;
    actie
        .leg_vast(WijzigingSoort::Gewijzigd, "AmbtelijkeFusie", NodeId::AmbtelijkeFusie(fusie.sleutel.clone()).encode())
        .await?;
    actie.commit().await?;
    Ok(fusie)
}
