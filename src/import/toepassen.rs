//! Applying one parsed row within the import's write: skip it when the registry already holds
//! exactly that record, refuse it when its key is taken by other data, and otherwise hand it to
//! the service layer, which checks the registry's rules.

use std::collections::BTreeSet;
use std::fmt::Display;

use chrono::NaiveDate;
use sea_orm::{ActiveEnum, ColumnTrait, EntityTrait, QueryFilter};

use super::Record;
use super::lezen::KOLOMMEN;
use crate::domain::{HerindelingRol, Rol, Vorm};
use crate::entity::{ambtelijke_fusie, deelname, gemeente, herindeling, herindeling_gemeente, provincie};
use crate::error::AppError;
use crate::service::Schrijfactie;
use crate::service::fusie::{
    NieuweDeelname, NieuweFusie, registreer_centrumconstructie_in, registreer_fusieorganisatie_in, voeg_deelname_toe_in,
};
use crate::service::gemeente::{NieuweGemeente, registreer_gemeente_in};
use crate::service::herindeling::{NieuweHerindeling, registreer_herindeling_in};

/// What became of a row that did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Uitkomst {
    Toegepast,
    Ongewijzigd,
}

/// Applies `record` unless the registry already holds it.
///
/// # Errors
/// `CONFLICT` on the first differing column when the record's key exists with other data; the
/// service's error when it refuses the record; a database error.
pub(super) async fn pas_toe(actie: &mut Schrijfactie, record: &Record) -> Result<Uitkomst, AppError> {
    let aanwezig = match record {
        Record::Gemeente(nieuw) => gemeente_aanwezig(actie, nieuw).await?,
        Record::Herindeling(nieuw) => herindeling_aanwezig(actie, nieuw).await?,
        Record::Fusieorganisatie { fusie, deelnemers } => {
            let leden: Vec<_> = deelnemers.iter().map(|code| (code.as_str(), Rol::Deelnemer, "leden")).collect();
            fusie_aanwezig(actie, fusie, Vorm::Fusieorganisatie, &leden).await?
        }
        Record::Centrumconstructie { fusie, centrumgemeente, afnemers } => {
            let mut leden = vec![(centrumgemeente.as_str(), Rol::Centrumgemeente, "centrumgemeente")];
            leden.extend(afnemers.iter().map(|code| (code.as_str(), Rol::Afnemer, "leden")));
            fusie_aanwezig(actie, fusie, Vorm::Centrumconstructie, &leden).await?
        }
        Record::Deelname(nieuw) => deelname_aanwezig(actie, nieuw).await?,
    };
    if aanwezig {
        return Ok(Uitkomst::Ongewijzigd);
    }
    match record.clone() {
        Record::Gemeente(nieuw) => {
            registreer_gemeente_in(actie, nieuw).await?;
        }
        Record::Herindeling(nieuw) => {
            registreer_herindeling_in(actie, nieuw).await?;
        }
        Record::Fusieorganisatie { fusie, deelnemers } => {
            registreer_fusieorganisatie_in(actie, fusie, &deelnemers).await?;
        }
        Record::Centrumconstructie { fusie, centrumgemeente, afnemers } => {
            registreer_centrumconstructie_in(actie, fusie, &centrumgemeente, &afnemers).await?;
        }
        Record::Deelname(nieuw) => {
            voeg_deelname_toe_in(actie, nieuw).await?;
        }
    }
    Ok(Uitkomst::Toegepast)
}

/// The file's column to blame for an error of the service (which names its API input fields).
pub(super) fn kolom(record: &Record, fout: &AppError) -> Option<String> {
    let veld = fout.field()?;
    let sleutelkolom = match record {
        Record::Gemeente(_) | Record::Deelname(_) => "code",
        _ => "sleutel",
    };
    let kolom = match (record, veld) {
        // A unique-key violation caught by the database names no field.
        (_, "input") => sleutelkolom,
        (Record::Herindeling(_), "soort") => "herindelingsoort",
        (Record::Herindeling(_), "datum") => "begindatum",
        (Record::Deelname(_), "gemeente") => "code",
        (Record::Fusieorganisatie { .. }, "deelnemers" | "gemeente" | "rol") => "leden",
        // The service names the host's field after the afnemers; its messages name the code.
        (Record::Centrumconstructie { centrumgemeente, afnemers, .. }, "afnemers" | "gemeente" | "rol") => {
            let bericht = fout.public_message();
            let noemt_host = bericht.contains(centrumgemeente.as_str());
            let noemt_afnemer = afnemers.iter().any(|a| a != centrumgemeente && bericht.contains(a.as_str()));
            if veld == "rol" || (noemt_host && !noemt_afnemer) { "centrumgemeente" } else { "leden" }
        }
        (_, veld) => KOLOMMEN.iter().find(|k| **k == veld)?,
    };
    Some(kolom.to_owned())
}

/// The differences between a stored record and a row with the same key.
#[derive(Default)]
struct Verschillen(Vec<(&'static str, String)>);

impl Verschillen {
    fn vergelijk<T: PartialEq + Display>(&mut self, kolom: &'static str, register: T, bestand: T) {
        if register != bestand {
            self.0.push((kolom, format!("{kolom} is '{register}' in the registry, '{bestand}' in the file")));
        }
    }

    fn vergelijk_datum(&mut self, kolom: &'static str, register: Option<NaiveDate>, bestand: Option<NaiveDate>) {
        if register != bestand {
            self.0
                .push((kolom, format!("{kolom} is {} in the registry, {} in the file", toon(register), toon(bestand))));
        }
    }

    /// An end date left empty in the file matches any stored end: the record may have been
    /// ended since (e.g. by a herindeling), and importing the file again must not fail on that.
    fn vergelijk_einde(&mut self, kolom: &'static str, register: Option<NaiveDate>, bestand: Option<NaiveDate>) {
        if bestand.is_some() {
            self.vergelijk_datum(kolom, register, bestand);
        }
    }

    fn mist(&mut self, kolom: &'static str, reden: String) {
        self.0.push((kolom, reden));
    }

    /// `true` when there are no differences, else `CONFLICT` on the first differing column.
    fn uitkomst(self, wat: String) -> Result<bool, AppError> {
        let Some((kolom, _)) = self.0.first() else { return Ok(true) };
        let kolom = *kolom;
        let details: Vec<String> = self.0.into_iter().map(|(_, d)| d).collect();
        Err(AppError::conflict(kolom, format!("{wat} exists with other data: {}", details.join("; "))))
    }
}

fn toon(datum: Option<NaiveDate>) -> String {
    datum.map_or_else(|| "empty".to_owned(), |d| d.to_string())
}

async fn gemeente_aanwezig(actie: &Schrijfactie, nieuw: &NieuweGemeente) -> Result<bool, AppError> {
    let Some(bestaand) =
        gemeente::Entity::find().filter(gemeente::Column::Code.eq(&nieuw.code)).one(actie.txn()).await?
    else {
        return Ok(false);
    };
    let provincie = provincie::Entity::find_by_id(bestaand.provincie_id)
        .one(actie.txn())
        .await?
        .map(|p| p.code)
        .unwrap_or_default();
    let mut verschil = Verschillen::default();
    verschil.vergelijk("naam", bestaand.naam.as_str(), nieuw.naam.trim());
    verschil.vergelijk("provincie", provincie, nieuw.provincie.trim().to_uppercase());
    verschil.vergelijk_datum("begindatum", bestaand.begindatum, nieuw.begindatum);
    verschil.vergelijk_einde("einddatum", bestaand.einddatum, nieuw.einddatum);
    verschil.uitkomst(format!("municipality {}", nieuw.code))
}

async fn fusie_aanwezig(
    actie: &Schrijfactie,
    nieuw: &NieuweFusie,
    vorm: Vorm,
    leden: &[(&str, Rol, &'static str)],
) -> Result<bool, AppError> {
    let Some(bestaand) = ambtelijke_fusie::Entity::find()
        .filter(ambtelijke_fusie::Column::Sleutel.eq(&nieuw.sleutel))
        .one(actie.txn())
        .await?
    else {
        return Ok(false);
    };
    let mut verschil = Verschillen::default();
    verschil.vergelijk("soort", bestaand.vorm.to_value().to_lowercase(), vorm.to_value().to_lowercase());
    verschil.vergelijk("naam", bestaand.naam.as_str(), nieuw.naam.trim());
    let afkorting = nieuw.afkorting.as_deref().map(str::trim).filter(|a| !a.is_empty()).unwrap_or("");
    verschil.vergelijk("afkorting", bestaand.afkorting.as_deref().unwrap_or(""), afkorting);
    verschil.vergelijk("rechtsvorm", bestaand.rechtsvorm.to_value(), nieuw.rechtsvorm.to_value());
    verschil.vergelijk("reikwijdte", bestaand.reikwijdte.to_value(), nieuw.reikwijdte.to_value());
    verschil.vergelijk_datum("begindatum", bestaand.begindatum, Some(nieuw.begindatum));
    verschil.vergelijk_einde("einddatum", bestaand.einddatum, nieuw.einddatum);
    // Each listed municipality took part from the first day in its role; members added later (by
    // `deelname` rows or the API) are not the row's business.
    for (code, rol, kolom) in leden {
        let deelname = match gemeente::Entity::find().filter(gemeente::Column::Code.eq(*code)).one(actie.txn()).await? {
            Some(gemeente) => {
                deelname::Entity::find()
                    .filter(deelname::Column::AmbtelijkeFusieId.eq(bestaand.id))
                    .filter(deelname::Column::GemeenteId.eq(gemeente.id))
                    .filter(deelname::Column::Rol.eq(*rol))
                    .filter(deelname::Column::Begindatum.eq(nieuw.begindatum))
                    .one(actie.txn())
                    .await?
            }
            None => None,
        };
        if deelname.is_none() {
            verschil.mist(
                kolom,
                format!("{code} has no deelname as {} from {} in the registry", rol.to_value(), nieuw.begindatum),
            );
        }
    }
    verschil.uitkomst(format!("ambtelijke fusie '{}'", nieuw.sleutel))
}

async fn deelname_aanwezig(actie: &Schrijfactie, nieuw: &NieuweDeelname) -> Result<bool, AppError> {
    let Some(fusie) = ambtelijke_fusie::Entity::find()
        .filter(ambtelijke_fusie::Column::Sleutel.eq(&nieuw.sleutel))
        .one(actie.txn())
        .await?
    else {
        return Ok(false);
    };
    let Some(gemeente) =
        gemeente::Entity::find().filter(gemeente::Column::Code.eq(&nieuw.gemeente)).one(actie.txn()).await?
    else {
        return Ok(false);
    };
    let Some(bestaand) = deelname::Entity::find()
        .filter(deelname::Column::AmbtelijkeFusieId.eq(fusie.id))
        .filter(deelname::Column::GemeenteId.eq(gemeente.id))
        .filter(deelname::Column::Begindatum.eq(nieuw.begindatum))
        .one(actie.txn())
        .await?
    else {
        return Ok(false);
    };
    let mut verschil = Verschillen::default();
    verschil.vergelijk("rol", bestaand.rol.to_value(), nieuw.rol.to_value());
    verschil.vergelijk_einde("einddatum", bestaand.einddatum, nieuw.einddatum);
    verschil.uitkomst(format!("the deelname of {} in '{}' from {}", nieuw.gemeente, nieuw.sleutel, nieuw.begindatum))
}

/// A herindeling is found by its `sleutel`; without one, by the herindeling that abolished the
/// first listed municipality, and then only an exact match counts (anything else goes to the
/// service, which has the final word).
async fn herindeling_aanwezig(actie: &Schrijfactie, nieuw: &NieuweHerindeling) -> Result<bool, AppError> {
    let bestaand = match &nieuw.sleutel {
        Some(sleutel) => {
            herindeling::Entity::find().filter(herindeling::Column::Sleutel.eq(sleutel)).one(actie.txn()).await?
        }
        None => {
            let Some(code) = nieuw.opgeheven.first() else { return Ok(false) };
            let Some(gemeente) =
                gemeente::Entity::find().filter(gemeente::Column::Code.eq(code)).one(actie.txn()).await?
            else {
                return Ok(false);
            };
            let Some(link) = herindeling_gemeente::Entity::find()
                .filter(herindeling_gemeente::Column::GemeenteId.eq(gemeente.id))
                .filter(herindeling_gemeente::Column::Rol.eq(HerindelingRol::Opgeheven))
                .one(actie.txn())
                .await?
            else {
                return Ok(false);
            };
            herindeling::Entity::find_by_id(link.herindeling_id).one(actie.txn()).await?
        }
    };
    let Some(bestaand) = bestaand else { return Ok(false) };

    let links = herindeling_gemeente::Entity::find()
        .filter(herindeling_gemeente::Column::HerindelingId.eq(bestaand.id))
        .all(actie.txn())
        .await?;
    let gemeenten = gemeente::Entity::find()
        .filter(gemeente::Column::Id.is_in(links.iter().map(|l| l.gemeente_id)))
        .all(actie.txn())
        .await?;
    let codes = |rol: HerindelingRol| -> String {
        let set: BTreeSet<&str> = links
            .iter()
            .filter(|l| l.rol == rol)
            .filter_map(|l| gemeenten.iter().find(|g| g.id == l.gemeente_id).map(|g| g.code.as_str()))
            .collect();
        set.into_iter().collect::<Vec<_>>().join("|")
    };
    let gesorteerd = |lijst: &[String]| -> String {
        lijst.iter().map(String::as_str).collect::<BTreeSet<_>>().into_iter().collect::<Vec<_>>().join("|")
    };

    let mut verschil = Verschillen::default();
    verschil.vergelijk("herindelingsoort", bestaand.soort.to_value(), nieuw.soort.to_value());
    verschil.vergelijk_datum("begindatum", Some(bestaand.datum), Some(nieuw.datum));
    verschil.vergelijk("opgeheven", codes(HerindelingRol::Opgeheven), gesorteerd(&nieuw.opgeheven));
    verschil.vergelijk("ontvangend", codes(HerindelingRol::Ontvangend), gesorteerd(&nieuw.ontvangend));
    verschil.vergelijk("nieuw", codes(HerindelingRol::Nieuw), gesorteerd(&nieuw.nieuw));
    if nieuw.sleutel.is_none() {
        return Ok(verschil.0.is_empty());
    }
    verschil.uitkomst(format!("herindeling '{}'", bestaand.sleutel))
}
