//! Registering a herindeling (rule 6): abolished municipalities end the day before its date,
//! are linked to their successors, and their running deelnames end; ambtelijke fusies left with
//! fewer than two municipalities are reported, and ended (reason HERINDELING) when none remain.

use std::collections::{BTreeSet, HashSet};

use chrono::{Days, NaiveDate};
use sea_orm::{ActiveValue::Set, DatabaseConnection};

use super::UnitOfWork;
use super::fusie::end_running;
use super::gemeente::{NewGemeente, register_gemeente_in};
use super::rules::gemeente_by_code;
use crate::domain::{
    CbsCode, Eindreden, HerindelingRol, HerindelingSoort, MissingBegin, NodeId, Periode, Sleutel, WijzigingSoort,
};
use crate::entity::{ambtelijke_fusie, deelname, gemeente, herindeling, herindeling_gemeente};
use crate::error::AppError;
use crate::store;

/// A herindeling to register. A new municipality is either already registered (with `begindatum`
/// equal to `datum`) and named in `nieuw`, or described in `nieuwe_gemeenten` and registered
/// by the same write.
#[derive(Debug, Clone)]
pub struct NewHerindeling {
    /// Stable key; derived from the date and the first new or receiving municipality when absent.
    pub sleutel: Option<Sleutel>,
    pub soort: HerindelingSoort,
    pub datum: NaiveDate,
    pub opgeheven: Vec<CbsCode>,
    pub ontvangend: Vec<CbsCode>,
    pub nieuw: Vec<CbsCode>,
    /// Municipalities the herindeling creates, registered in the same write before it (they
    /// join `nieuw`).
    pub nieuwe_gemeenten: Vec<NewGemeente>,
}

/// An ambtelijke fusie that lost members through the herindeling.
#[derive(Debug, Clone)]
pub struct GetroffenFusie {
    pub fusie: ambtelijke_fusie::Model,
    /// Municipalities still taking part on the herindeling's date.
    pub resterende_gemeenten: Vec<gemeente::Model>,
    /// Whether the fusie was ended because no municipality remained.
    pub beeindigd: bool,
}

/// What a herindeling changed.
#[derive(Debug, Clone)]
pub struct HerindelingResultaat {
    pub herindeling: herindeling::Model,
    pub beeindigde_deelnames: Vec<deelname::Model>,
    pub getroffen_fusies: Vec<GetroffenFusie>,
}

/// Registers a herindeling with all its consequences, in one transaction.
///
/// # Errors
/// `BAD_USER_INPUT` or `NOT_FOUND` naming the field at fault, `CONFLICT` for a duplicate key or
/// a deelname that would outlive its municipality.
pub async fn register_herindeling(
    db: &DatabaseConnection,
    door: &str,
    nieuw: NewHerindeling,
) -> Result<HerindelingResultaat, AppError> {
    let mut work = UnitOfWork::begin(db, door).await?;
    let result = register_herindeling_in(&mut work, nieuw).await?;
    work.commit().await?;
    Ok(result)
}

/// [`register_herindeling`] within a running write.
///
/// # Errors
/// As [`register_herindeling`].
pub async fn register_herindeling_in(
    work: &mut UnitOfWork,
    mut nieuw: NewHerindeling,
) -> Result<HerindelingResultaat, AppError> {
    register_nieuwe_gemeenten(work, &mut nieuw).await?;
    let day_before = nieuw
        .datum
        .checked_sub_days(Days::new(1))
        .ok_or_else(|| AppError::bad_input("datum", "datum is out of range"))?;
    check_required_rollen(&nieuw)?;
    let rollen = load_gemeenten(work, &nieuw, day_before).await?;
    let sleutel = derive_sleutel(&nieuw, &rollen);
    check_sleutel_free(work, &sleutel).await?;
    let herindeling = write_herindeling(work, &nieuw, sleutel, &rollen).await?;
    let beeindigde_deelnames = end_opgeheven(work, &rollen, day_before).await?;
    let getroffen: BTreeSet<i32> = beeindigde_deelnames.iter().map(|d| d.ambtelijke_fusie_id).collect();
    let getroffen_fusies = report_getroffen_fusies(work, getroffen, nieuw.datum, day_before).await?;
    Ok(HerindelingResultaat { herindeling, beeindigde_deelnames, getroffen_fusies })
}

/// Registers the municipalities the herindeling creates, and names them among its `nieuw`.
async fn register_nieuwe_gemeenten(work: &mut UnitOfWork, nieuw: &mut NewHerindeling) -> Result<(), AppError> {
    for gemeente in std::mem::take(&mut nieuw.nieuwe_gemeenten) {
        nieuw.nieuw.push(gemeente.code.clone());
        register_gemeente_in(work, gemeente).await?;
    }
    Ok(())
}

/// Every herindeling abolishes a municipality; its soort says whether it needs a new or a
/// receiving one.
fn check_required_rollen(nieuw: &NewHerindeling) -> Result<(), AppError> {
    if nieuw.opgeheven.is_empty() {
        return Err(AppError::bad_input("opgeheven", "a herindeling abolishes at least one municipality"));
    }
    match nieuw.soort {
        HerindelingSoort::Samenvoeging | HerindelingSoort::Herschikking if nieuw.nieuw.is_empty() => {
            Err(AppError::bad_input("nieuw", "a samenvoeging or herschikking creates a new municipality"))
        }
        HerindelingSoort::Uitbreiding | HerindelingSoort::Afsplitsing if nieuw.ontvangend.is_empty() => {
            Err(AppError::bad_input("ontvangend", "an uitbreiding or afsplitsing needs a receiving municipality"))
        }
        _ => Ok(()),
    }
}

/// The named municipalities with their rol, in input order, each named once and existing when
/// its rol requires.
async fn load_gemeenten(
    work: &UnitOfWork,
    nieuw: &NewHerindeling,
    day_before: NaiveDate,
) -> Result<Vec<(HerindelingRol, gemeente::Model)>, AppError> {
    let mut seen = HashSet::new();
    let mut rollen = Vec::new();
    for (field, rol, codes) in [
        ("opgeheven", HerindelingRol::Opgeheven, &nieuw.opgeheven),
        ("ontvangend", HerindelingRol::Ontvangend, &nieuw.ontvangend),
        ("nieuw", HerindelingRol::Nieuw, &nieuw.nieuw),
    ] {
        for code in codes {
            let gemeente = gemeente_by_code(work, field, code).await?;
            if !seen.insert(gemeente.id) {
                return Err(AppError::bad_input(field, format!("{} is named twice", gemeente.code)));
            }
            check_rol_fits(&gemeente, rol, field, nieuw.datum, day_before)?;
            rollen.push((rol, gemeente));
        }
    }
    Ok(rollen)
}

/// An abolished municipality exists the day before, a receiving one on both days, a new one
/// begins on the date; errors name `field`.
fn check_rol_fits(
    gemeente: &gemeente::Model,
    rol: HerindelingRol,
    field: &str,
    datum: NaiveDate,
    day_before: NaiveDate,
) -> Result<(), AppError> {
    let past = match rol {
        HerindelingRol::Opgeheven => gemeente.exists_on(day_before),
        HerindelingRol::Ontvangend => gemeente.exists_on(day_before) && gemeente.exists_on(datum),
        HerindelingRol::Nieuw => gemeente.begindatum == Some(datum),
    };
    if past {
        return Ok(());
    }
    let requirement = match rol {
        HerindelingRol::Opgeheven => "exist on the day before the herindeling",
        HerindelingRol::Ontvangend => "exist before and on the date of the herindeling",
        HerindelingRol::Nieuw => "begin on the date of the herindeling",
    };
    Err(AppError::bad_input(field, format!("{} ({}) must {requirement}", gemeente.naam, gemeente.code)))
}

/// The given sleutel, or the date and the slug of the first new or receiving municipality (of
/// the first named one when there is none).
fn derive_sleutel(nieuw: &NewHerindeling, rollen: &[(HerindelingRol, gemeente::Model)]) -> String {
    match &nieuw.sleutel {
        Some(s) => s.to_string(),
        None => {
            let naam = rollen
                .iter()
                .find(|(rol, _)| *rol != HerindelingRol::Opgeheven)
                .or(rollen.first())
                .map(|(_, g)| slug(&g.naam))
                .unwrap_or_default();
            format!("{}-{naam}", nieuw.datum)
        }
    }
}

/// A sleutel names one herindeling only.
async fn check_sleutel_free(work: &UnitOfWork, sleutel: &str) -> Result<(), AppError> {
    if store::herindeling::by_sleutel(work.txn(), sleutel).await?.is_some() {
        return Err(AppError::conflict("sleutel", format!("a herindeling with sleutel '{sleutel}' already exists")));
    }
    Ok(())
}

/// Inserts the herindeling and its municipalities with their rol, and records its creation.
async fn write_herindeling(
    work: &mut UnitOfWork,
    nieuw: &NewHerindeling,
    sleutel: String,
    rollen: &[(HerindelingRol, gemeente::Model)],
) -> Result<herindeling::Model, AppError> {
    let row = herindeling::ActiveModel {
        sleutel: Set(sleutel.clone()),
        soort: Set(nieuw.soort),
        datum: Set(nieuw.datum),
        tooi_uri: Set(None),
        opmerking: Set(None),
        versie: Set(1),
        ..Default::default()
    };
    let herindeling = store::herindeling::insert(work.txn(), row).await?;
    for (rol, gemeente) in rollen {
        let member = herindeling_gemeente::ActiveModel {
            herindeling_id: Set(herindeling.id),
            gemeente_id: Set(gemeente.id),
            rol: Set(*rol),
            ..Default::default()
        };
        store::herindeling::insert_gemeente(work.txn(), member).await?;
    }
    work.record(WijzigingSoort::Aangemaakt, &NodeId::Herindeling(sleutel)).await?;
    Ok(herindeling)
}

/// Ends each abolished municipality the day before the herindeling, after its running
/// deelnames; returns the deelnames it ended.
async fn end_opgeheven(
    work: &mut UnitOfWork,
    rollen: &[(HerindelingRol, gemeente::Model)],
    day_before: NaiveDate,
) -> Result<Vec<deelname::Model>, AppError> {
    let mut beeindigde_deelnames = Vec::new();
    for (_, gemeente) in rollen.iter().filter(|(rol, _)| *rol == HerindelingRol::Opgeheven) {
        beeindigde_deelnames.extend(end_deelnames_of(work, gemeente, day_before).await?);
        end_gemeente(work, gemeente, day_before).await?;
    }
    Ok(beeindigde_deelnames)
}

/// Ends the deelnames of an abolished municipality still running on `day_before`; refuses one
/// that begins after it.
async fn end_deelnames_of(
    work: &mut UnitOfWork,
    gemeente: &gemeente::Model,
    day_before: NaiveDate,
) -> Result<Vec<deelname::Model>, AppError> {
    let mut beeindigd = Vec::new();
    for d in store::deelname::of_gemeente(work.txn(), gemeente.id).await? {
        if d.begindatum.is_some_and(|b| b > day_before) {
            return Err(AppError::conflict(
                "opgeheven",
                format!(
                    "{} has a deelname that begins after it is abolished; correct that deelname first",
                    gemeente.code
                ),
            ));
        }
        if d.einddatum.is_none_or(|e| e > day_before) {
            beeindigd.push(end_running(work, d, day_before).await?);
        }
    }
    Ok(beeindigd)
}

/// Sets the last day of an abolished municipality to `day_before` and records it, unless it
/// already ends then.
async fn end_gemeente(
    work: &mut UnitOfWork,
    gemeente: &gemeente::Model,
    day_before: NaiveDate,
) -> Result<(), AppError> {
    if gemeente.einddatum == Some(day_before) {
        return Ok(());
    }
    let versie = gemeente.versie + 1;
    let mut model: gemeente::ActiveModel = gemeente.clone().into();
    model.einddatum = Set(Some(day_before));
    model.versie = Set(versie);
    store::gemeente::update(work.txn(), model).await?;
    work.record(WijzigingSoort::Beeindigd, &NodeId::Gemeente(gemeente.code.clone())).await?;
    Ok(())
}

/// Fusies that lost members: reports those left with fewer than two municipalities, and ends
/// those left with none.
async fn report_getroffen_fusies(
    work: &mut UnitOfWork,
    getroffen: BTreeSet<i32>,
    datum: NaiveDate,
    day_before: NaiveDate,
) -> Result<Vec<GetroffenFusie>, AppError> {
    let mut getroffen_fusies = Vec::new();
    for fusie_id in getroffen {
        let Some(fusie) = store::fusie::by_id(work.txn(), fusie_id).await? else { continue };
        let deelnames = store::deelname::of_fusie(work.txn(), fusie.id).await?;
        let remaining = resterende_gemeente_ids(&deelnames, datum);
        if remaining.len() >= 2 {
            continue;
        }
        let gemeenten = store::gemeente::by_ids(work.txn(), remaining.into_iter().collect()).await?;
        let running = fusie.einddatum.is_none_or(|e| e > day_before);
        let beeindigd = gemeenten.is_empty() && running;
        let fusie = if beeindigd { end_fusie(work, fusie, day_before).await? } else { fusie };
        getroffen_fusies.push(GetroffenFusie { fusie, resterende_gemeenten: gemeenten, beeindigd });
    }
    Ok(getroffen_fusies)
}

/// The municipalities whose deelname may still run on `datum`, in id order.
fn resterende_gemeente_ids(deelnames: &[deelname::Model], datum: NaiveDate) -> BTreeSet<i32> {
    deelnames
        .iter()
        // Open, unlike the read API's `runs_on`: a member whose deelname has no begin date may
        // still take part, so it keeps the fusie from being reported or ended.
        .filter(|d| Periode::new(d.begindatum, d.einddatum).is_ok_and(|p| p.is_valid_on(datum, MissingBegin::Open)))
        .map(|d| d.gemeente_id)
        .collect()
}

/// Ends a fusie left without municipalities on `day_before`, reason HERINDELING, and records it.
async fn end_fusie(
    work: &mut UnitOfWork,
    fusie: ambtelijke_fusie::Model,
    day_before: NaiveDate,
) -> Result<ambtelijke_fusie::Model, AppError> {
    let versie = fusie.versie + 1;
    let mut model: ambtelijke_fusie::ActiveModel = fusie.into();
    model.einddatum = Set(Some(day_before));
    model.eindreden = Set(Some(Eindreden::Herindeling));
    model.versie = Set(versie);
    let fusie = store::fusie::update(work.txn(), model).await?;
    work.record(WijzigingSoort::Beeindigd, &NodeId::AmbtelijkeFusie(fusie.sleutel.clone())).await?;
    Ok(fusie)
}

/// A lower-case slug of a name, e.g. "Land van Cuijk" → "land-van-cuijk".
fn slug(naam: &str) -> String {
    let mut out = String::new();
    for c in naam.chars() {
        let c = match c {
            'â' | 'á' | 'à' | 'ä' => 'a',
            'ê' | 'é' | 'è' | 'ë' => 'e',
            'î' | 'í' | 'ï' => 'i',
            'ô' | 'ó' | 'ö' => 'o',
            'û' | 'ú' | 'ü' => 'u',
            other => other.to_ascii_lowercase(),
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs() {
        assert_eq!(slug("Land van Cuijk"), "land-van-cuijk");
        assert_eq!(slug("Noardeast-Fryslân"), "noardeast-fryslan");
        assert_eq!(slug("'s-Gravenhage"), "s-gravenhage");
    }
}
