//! Applying one parsed row within the import's write: skip it when the registry already holds
//! exactly that record, refuse it when its key is taken by other data, and otherwise hand it to
//! the service layer, which checks the registry's rules.

use std::collections::BTreeSet;
use std::fmt::Display;

use chrono::NaiveDate;
use sea_orm::ActiveEnum;

use super::Record;
use super::read::COLUMNS;
use crate::domain::{CbsCode, HerindelingRol, Rol, Vorm};
use crate::error::AppError;
use crate::service::UnitOfWork;
use crate::service::fusie::{
    AddDeelname, NewFusie, add_deelname_in, register_centrumconstructie_in, register_fusieorganisatie_in,
};
use crate::service::gemeente::{NewGemeente, register_gemeente_in};
use crate::service::herindeling::{NewHerindeling, register_herindeling_in};
use crate::store;

/// What became of a row that did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    Applied,
    Unchanged,
}

/// Applies `record` unless the registry already holds it.
///
/// # Errors
/// `CONFLICT` on the first differing column when the record's key exists with other data; the
/// service's error when it refuses the record; a database error.
pub(super) async fn apply(work: &mut UnitOfWork, record: &Record) -> Result<Outcome, AppError> {
    let present = match record {
        Record::Gemeente(nieuw) => gemeente_present(work, nieuw).await?,
        Record::Herindeling(nieuw) => herindeling_present(work, nieuw).await?,
        Record::Fusieorganisatie(command) => {
            let leden: Vec<_> = command.deelnemers.iter().map(|code| (code, Rol::Deelnemer, "leden")).collect();
            fusie_present(work, &command.fusie, Vorm::Fusieorganisatie, &leden).await?
        }
        Record::Centrumconstructie(command) => {
            let mut leden = vec![(&command.centrumgemeente, Rol::Centrumgemeente, "centrumgemeente")];
            leden.extend(command.afnemers.iter().map(|code| (code, Rol::Afnemer, "leden")));
            fusie_present(work, &command.fusie, Vorm::Centrumconstructie, &leden).await?
        }
        Record::Deelname(nieuw) => deelname_present(work, nieuw).await?,
    };
    if present {
        return Ok(Outcome::Unchanged);
    }
    match record.clone() {
        Record::Gemeente(command) => {
            register_gemeente_in(work, command).await?;
        }
        Record::Herindeling(command) => {
            register_herindeling_in(work, command).await?;
        }
        Record::Fusieorganisatie(command) => {
            register_fusieorganisatie_in(work, command).await?;
        }
        Record::Centrumconstructie(command) => {
            register_centrumconstructie_in(work, command).await?;
        }
        Record::Deelname(command) => {
            add_deelname_in(work, command).await?;
        }
    }
    Ok(Outcome::Applied)
}

/// The file's column to blame for an error of the service (which names its API input fields).
pub(super) fn column(record: &Record, error: &AppError) -> Option<String> {
    let field = error.field()?;
    let key_column = match record {
        Record::Gemeente(_) | Record::Deelname(_) => "code",
        _ => "sleutel",
    };
    let column = match (record, field) {
        // A unique-key violation caught by the database names no field.
        (_, "input") => key_column,
        (Record::Herindeling(_), "soort") => "herindelingsoort",
        (Record::Herindeling(_), "datum") => "begindatum",
        (Record::Deelname(_), "gemeente") => "code",
        (Record::Fusieorganisatie(_), "deelnemers" | "gemeente" | "rol") => "leden",
        // The service names the host by its own field; the only `rol` rule it checks for a new
        // centrumconstructie is one host at a time. (A host listed among the afnemers too is
        // refused while reading, on the host's column.)
        (Record::Centrumconstructie(_), "rol") => "centrumgemeente",
        (Record::Centrumconstructie(_), "afnemers" | "gemeente") => "leden",
        (_, field) => COLUMNS.iter().find(|k| **k == field)?,
    };
    Some(column.to_owned())
}

/// The differences between a stored record and a row with the same key.
#[derive(Default)]
struct Differences(Vec<(&'static str, String)>);

impl Differences {
    fn compare<T: PartialEq + Display>(&mut self, column: &'static str, register: T, file: T) {
        if register != file {
            self.0.push((column, format!("{column} is '{register}' in the registry, '{file}' in the file")));
        }
    }

    fn compare_date(&mut self, column: &'static str, register: Option<NaiveDate>, file: Option<NaiveDate>) {
        if register != file {
            self.0
                .push((column, format!("{column} is {} in the registry, {} in the file", show(register), show(file))));
        }
    }

    /// An end date left empty in the file matches any stored end: the record may have been
    /// ended since (e.g. by a herindeling), and importing the file again must not fail on that.
    fn compare_end(&mut self, column: &'static str, register: Option<NaiveDate>, file: Option<NaiveDate>) {
        if file.is_some() {
            self.compare_date(column, register, file);
        }
    }

    fn missing(&mut self, column: &'static str, reason: String) {
        self.0.push((column, reason));
    }

    /// `true` when there are no differences, else `CONFLICT` on the first differing column.
    fn outcome(self, what: String) -> Result<bool, AppError> {
        let Some((column, _)) = self.0.first() else { return Ok(true) };
        let column = *column;
        let details: Vec<String> = self.0.into_iter().map(|(_, d)| d).collect();
        Err(AppError::conflict(column, format!("{what} exists with other data: {}", details.join("; "))))
    }
}

fn show(datum: Option<NaiveDate>) -> String {
    datum.map_or_else(|| "empty".to_owned(), |d| d.to_string())
}

async fn gemeente_present(work: &UnitOfWork, nieuw: &NewGemeente) -> Result<bool, AppError> {
    let Some(stored) = store::gemeente::by_code(work.txn(), &nieuw.code).await? else {
        return Ok(false);
    };
    let provincie =
        store::gemeente::provincie_by_id(work.txn(), stored.provincie_id).await?.map(|p| p.code).unwrap_or_default();
    let mut differences = Differences::default();
    differences.compare("naam", stored.naam.as_str(), nieuw.naam.trim());
    differences.compare("provincie", provincie, nieuw.provincie.trim().to_uppercase());
    differences.compare_date("begindatum", stored.begindatum, nieuw.periode.begin());
    differences.compare_end("einddatum", stored.einddatum, nieuw.periode.einde());
    differences.outcome(format!("municipality {}", nieuw.code))
}

async fn fusie_present(
    work: &UnitOfWork,
    nieuw: &NewFusie,
    vorm: Vorm,
    leden: &[(&CbsCode, Rol, &'static str)],
) -> Result<bool, AppError> {
    let Some(stored) = store::fusie::by_sleutel(work.txn(), &nieuw.sleutel).await? else {
        return Ok(false);
    };
    let begindatum = nieuw.periode.begin();
    let mut differences = Differences::default();
    differences.compare("soort", stored.vorm.to_value().to_lowercase(), vorm.to_value().to_lowercase());
    differences.compare("naam", stored.naam.as_str(), nieuw.naam.trim());
    let afkorting = nieuw.afkorting.as_deref().map(str::trim).filter(|a| !a.is_empty()).unwrap_or("");
    differences.compare("afkorting", stored.afkorting.as_deref().unwrap_or(""), afkorting);
    differences.compare("rechtsvorm", stored.rechtsvorm.to_value(), nieuw.rechtsvorm.to_value());
    differences.compare("reikwijdte", stored.reikwijdte.to_value(), nieuw.reikwijdte.to_value());
    differences.compare_date("begindatum", stored.begindatum, begindatum);
    differences.compare_end("einddatum", stored.einddatum, nieuw.periode.einde());
    // Each listed municipality took part from the first day in its role; members added later (by
    // `deelname` rows or the API) are not the row's business.
    for (code, rol, column) in leden {
        let deelname = match store::gemeente::by_code(work.txn(), code).await? {
            Some(gemeente) => store::deelname::beginning(work.txn(), stored.id, gemeente.id, begindatum).await?,
            None => None,
        };
        if !deelname.is_some_and(|d| d.rol == *rol) {
            let begin = show(begindatum);
            differences
                .missing(column, format!("{code} has no deelname as {} from {begin} in the registry", rol.to_value()));
        }
    }
    differences.outcome(format!("ambtelijke fusie '{}'", nieuw.sleutel))
}

async fn deelname_present(work: &UnitOfWork, nieuw: &AddDeelname) -> Result<bool, AppError> {
    let Some(fusie) = store::fusie::by_sleutel(work.txn(), &nieuw.sleutel).await? else {
        return Ok(false);
    };
    let Some(gemeente) = store::gemeente::by_code(work.txn(), &nieuw.gemeente).await? else {
        return Ok(false);
    };
    let begindatum = nieuw.periode.begin();
    let Some(stored) = store::deelname::beginning(work.txn(), fusie.id, gemeente.id, begindatum).await? else {
        return Ok(false);
    };
    let mut differences = Differences::default();
    differences.compare("rol", stored.rol.to_value(), nieuw.rol.to_value());
    differences.compare_end("einddatum", stored.einddatum, nieuw.periode.einde());
    let what = format!("the deelname of {} in '{}' from {}", nieuw.gemeente, nieuw.sleutel, show(begindatum));
    differences.outcome(what)
}

/// A herindeling is found by its `sleutel`; without one, by the herindeling that abolished the
/// first listed municipality, and then only an exact match counts (anything else goes to the
/// service, which has the final word).
async fn herindeling_present(work: &UnitOfWork, nieuw: &NewHerindeling) -> Result<bool, AppError> {
    let stored = match &nieuw.sleutel {
        Some(sleutel) => store::herindeling::by_sleutel(work.txn(), sleutel.as_str()).await?,
        None => {
            let Some(code) = nieuw.opgeheven.first() else { return Ok(false) };
            let Some(gemeente) = store::gemeente::by_code(work.txn(), code).await? else {
                return Ok(false);
            };
            store::herindeling::abolishing(work.txn(), gemeente.id).await?
        }
    };
    let Some(stored) = stored else { return Ok(false) };

    let links = store::herindeling::members(work.txn(), stored.id).await?;
    let gemeenten = store::gemeente::by_ids(work.txn(), links.iter().map(|l| l.gemeente_id).collect()).await?;
    let codes = |rol: HerindelingRol| -> String {
        let set: BTreeSet<&str> = links
            .iter()
            .filter(|l| l.rol == rol)
            .filter_map(|l| gemeenten.iter().find(|g| g.id == l.gemeente_id).map(|g| g.code.as_str()))
            .collect();
        set.into_iter().collect::<Vec<_>>().join("|")
    };
    let sorted = |split_list: &[CbsCode]| -> String {
        split_list.iter().map(CbsCode::as_str).collect::<BTreeSet<_>>().into_iter().collect::<Vec<_>>().join("|")
    };

    let mut differences = Differences::default();
    differences.compare("herindelingsoort", stored.soort.to_value(), nieuw.soort.to_value());
    differences.compare_date("begindatum", Some(stored.datum), Some(nieuw.datum));
    differences.compare("opgeheven", codes(HerindelingRol::Opgeheven), sorted(&nieuw.opgeheven));
    differences.compare("ontvangend", codes(HerindelingRol::Ontvangend), sorted(&nieuw.ontvangend));
    differences.compare("nieuw", codes(HerindelingRol::Nieuw), sorted(&nieuw.nieuw));
    if nieuw.sleutel.is_none() {
        return Ok(differences.0.is_empty());
    }
    differences.outcome(format!("herindeling '{}'", stored.sleutel))
}
