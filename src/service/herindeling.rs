//! Registering a herindeling (rule 6): abolished municipalities end the day before its date,
//! are linked to their successors, and their running deelnames end; ambtelijke fusies left with
//! fewer than two municipalities are reported, and ended (reason HERINDELING) when none remain.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{Days, NaiveDate};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::Schrijfactie;
use super::fusie::{eindig, sleutel};
use super::gemeente::{bestaat_op, gemeente_op_code};
use crate::domain::{Eindreden, HerindelingRol, HerindelingSoort, NodeId, Periode, WijzigingSoort};
use crate::entity::{ambtelijke_fusie, deelname, gemeente, herindeling, herindeling_gemeente};
use crate::error::AppError;

/// A herindeling to register. New municipalities must be registered first (with `begindatum`
/// equal to `datum`), e.g. in the same write.
#[derive(Debug, Clone)]
pub struct NieuweHerindeling {
    /// Stable key; derived from the date and the first new or receiving municipality when absent.
    pub sleutel: Option<String>,
    pub soort: HerindelingSoort,
    pub datum: NaiveDate,
    pub opgeheven: Vec<String>,
    pub ontvangend: Vec<String>,
    pub nieuw: Vec<String>,
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
pub async fn registreer_herindeling(
    db: &DatabaseConnection,
    door: &str,
    nieuw: NieuweHerindeling,
) -> Result<HerindelingResultaat, AppError> {
    let mut actie = Schrijfactie::begin(db, door).await?;
    let resultaat = registreer_herindeling_in(&mut actie, nieuw).await?;
    actie.commit().await?;
    Ok(resultaat)
}

/// [`registreer_herindeling`] within a running write.
///
/// # Errors
/// As [`registreer_herindeling`].
pub async fn registreer_herindeling_in(
    actie: &mut Schrijfactie,
    nieuw: NieuweHerindeling,
) -> Result<HerindelingResultaat, AppError> {
    let dag_ervoor = nieuw
        .datum
        .checked_sub_days(Days::new(1))
        .ok_or_else(|| AppError::bad_input("datum", "datum is out of range"))?;
    if nieuw.opgeheven.is_empty() {
        return Err(AppError::bad_input("opgeheven", "a herindeling abolishes at least one municipality"));
    }
    match nieuw.soort {
        HerindelingSoort::Samenvoeging | HerindelingSoort::Herschikking if nieuw.nieuw.is_empty() => {
            return Err(AppError::bad_input("nieuw", "a samenvoeging or herschikking creates a new municipality"));
        }
        HerindelingSoort::Uitbreiding | HerindelingSoort::Afsplitsing if nieuw.ontvangend.is_empty() => {
            return Err(AppError::bad_input(
                "ontvangend",
                "an uitbreiding or afsplitsing needs a receiving municipality",
            ));
        }
        _ => {}
    }
    let mut gezien = HashSet::new();
    let mut rollen = Vec::new();
    for (veld, rol, codes) in [
        ("opgeheven", HerindelingRol::Opgeheven, &nieuw.opgeheven),
        ("ontvangend", HerindelingRol::Ontvangend, &nieuw.ontvangend),
        ("nieuw", HerindelingRol::Nieuw, &nieuw.nieuw),
    ] {
        for code in codes {
            let gemeente = gemeente_op_code(actie, veld, code).await?;
            if !gezien.insert(gemeente.id) {
                return Err(AppError::bad_input(veld, format!("{} is named twice", gemeente.code)));
            }
            let past = match rol {
                HerindelingRol::Opgeheven => {
                    bestaat_op(&gemeente, dag_ervoor) && gemeente.einddatum.is_none_or(|e| e >= dag_ervoor)
                }
                HerindelingRol::Ontvangend => bestaat_op(&gemeente, dag_ervoor) && bestaat_op(&gemeente, nieuw.datum),
                HerindelingRol::Nieuw => gemeente.begindatum == Some(nieuw.datum),
            };
            if !past {
                let eis = match rol {
                    HerindelingRol::Opgeheven => "exist on the day before the herindeling",
                    HerindelingRol::Ontvangend => "exist before and on the date of the herindeling",
                    HerindelingRol::Nieuw => "begin on the date of the herindeling",
                };
                return Err(AppError::bad_input(veld, format!("{} ({}) must {eis}", gemeente.naam, gemeente.code)));
            }
            rollen.push((rol, gemeente));
        }
    }

    let sleutel = match &nieuw.sleutel {
        Some(s) => sleutel(s)?,
        None => {
            let naam = rollen
                .iter()
                .find(|(rol, _)| *rol != HerindelingRol::Opgeheven)
                .or(rollen.first())
                .map(|(_, g)| slug(&g.naam))
                .unwrap_or_default();
            format!("{}-{naam}", nieuw.datum)
        }
    };
    if herindeling::Entity::find().filter(herindeling::Column::Sleutel.eq(&sleutel)).one(actie.txn()).await?.is_some() {
        return Err(AppError::conflict("sleutel", format!("a herindeling with sleutel '{sleutel}' already exists")));
    }

    let herindeling = herindeling::ActiveModel {
        sleutel: Set(sleutel.clone()),
        soort: Set(nieuw.soort),
        datum: Set(nieuw.datum),
        tooi_uri: Set(None),
        opmerking: Set(None),
        versie: Set(1),
        ..Default::default()
    }
    .insert(actie.txn())
    .await?;
    for (rol, gemeente) in &rollen {
        herindeling_gemeente::ActiveModel {
            herindeling_id: Set(herindeling.id),
            gemeente_id: Set(gemeente.id),
            rol: Set(*rol),
            ..Default::default()
        }
        .insert(actie.txn())
        .await?;
    }
    actie.leg_vast(WijzigingSoort::Aangemaakt, "Herindeling", NodeId::Herindeling(sleutel).encode()).await?;

    // The abolished end the day before, with their running deelnames.
    let mut beeindigde_deelnames = Vec::new();
    let mut getroffen: BTreeSet<i32> = BTreeSet::new();
    for (_, gemeente) in rollen.iter().filter(|(rol, _)| *rol == HerindelingRol::Opgeheven) {
        let deelnames =
            deelname::Entity::find().filter(deelname::Column::GemeenteId.eq(gemeente.id)).all(actie.txn()).await?;
        for d in deelnames {
            if d.begindatum.is_some_and(|b| b > dag_ervoor) {
                return Err(AppError::conflict(
                    "opgeheven",
                    format!(
                        "{} has a deelname that begins after it is abolished; correct that deelname first",
                        gemeente.code
                    ),
                ));
            }
            if d.einddatum.is_none_or(|e| e > dag_ervoor) {
                getroffen.insert(d.ambtelijke_fusie_id);
                beeindigde_deelnames.push(eindig(actie, d, dag_ervoor).await?);
            }
        }
        if gemeente.einddatum != Some(dag_ervoor) {
            let versie = gemeente.versie + 1;
            let mut model: gemeente::ActiveModel = gemeente.clone().into();
            model.einddatum = Set(Some(dag_ervoor));
            model.versie = Set(versie);
            model.update(actie.txn()).await?;
            actie
                .leg_vast(WijzigingSoort::Beeindigd, "Gemeente", NodeId::Gemeente(gemeente.code.clone()).encode())
                .await?;
        }
    }

    // Fusies that lost members: report those left with fewer than two, end those left empty.
    let mut getroffen_fusies = Vec::new();
    for fusie_id in getroffen {
        let Some(fusie) = ambtelijke_fusie::Entity::find_by_id(fusie_id).one(actie.txn()).await? else { continue };
        let deelnames =
            deelname::Entity::find().filter(deelname::Column::AmbtelijkeFusieId.eq(fusie.id)).all(actie.txn()).await?;
        let resterend: BTreeMap<i32, ()> = deelnames
            .iter()
            .filter(|d| Periode::new(d.begindatum, d.einddatum).is_ok_and(|p| p.geldig_op(nieuw.datum)))
            .map(|d| (d.gemeente_id, ()))
            .collect();
        if resterend.len() >= 2 {
            continue;
        }
        let gemeenten = gemeente::Entity::find()
            .filter(gemeente::Column::Id.is_in(resterend.keys().copied()))
            .all(actie.txn())
            .await?;
        let loopt = fusie.einddatum.is_none_or(|e| e > dag_ervoor);
        let beeindigd = gemeenten.is_empty() && loopt;
        let fusie = if beeindigd {
            let versie = fusie.versie + 1;
            let mut model: ambtelijke_fusie::ActiveModel = fusie.into();
            model.einddatum = Set(Some(dag_ervoor));
            model.eindreden = Set(Some(Eindreden::Herindeling));
            model.versie = Set(versie);
            let fusie = model.update(actie.txn()).await?;
            actie
                .leg_vast(
                    WijzigingSoort::Beeindigd,
                    "AmbtelijkeFusie",
                    NodeId::AmbtelijkeFusie(fusie.sleutel.clone()).encode(),
                )
                .await?;
            fusie
        } else {
            fusie
        };
        getroffen_fusies.push(GetroffenFusie { fusie, resterende_gemeenten: gemeenten, beeindigd });
    }
    Ok(HerindelingResultaat { herindeling, beeindigde_deelnames, getroffen_fusies })
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
