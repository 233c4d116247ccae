//! Bulk import (`fusieregister import FILE`): municipalities, herindelingen, ambtelijke fusies
//! and deelnames from one CSV or JSON file, all or nothing.
//!
//! # The format
//!
//! CSV (UTF-8, comma-separated, `"` quotes): a header row naming the columns, then one record per
//! line. Column order is free, and a column that no row needs may be left out; `soort` is
//! required. Lines starting with `#` and rows whose cells are all empty are skipped. A cell that
//! does not apply to the row's soort must be empty. Lists are CBS codes separated by `|`.
//! Dates are `YYYY-MM-DD`; enum values are written as in the API (`OPENBAAR_LICHAAM`), in any
//! case. A file whose name ends in `.json` is read as a JSON array of objects with the same keys;
//! lists are arrays of strings, and a missing key or `null` is an empty cell.
//!
//! | soort | required | optional |
//! |---|---|---|
//! | `gemeente` | `code`, `naam`, `provincie` (e.g. `PV28`) | `begindatum`, `einddatum` |
//! | `herindeling` | `herindelingsoort`, `begindatum` (its date), `opgeheven` | `sleutel`, `ontvangend`, `nieuw` |
//! | `fusieorganisatie` | `sleutel`, `naam`, `rechtsvorm`, `reikwijdte`, `begindatum`, `leden` (deelnemers, at least two) | `afkorting`, `einddatum` |
//! | `centrumconstructie` | `sleutel`, `naam`, `rechtsvorm`, `begindatum`, `centrumgemeente`, `leden` (afnemers) | `afkorting`, `reikwijdte` (default `VOLLEDIG`), `einddatum` |
//! | `deelname` | `sleutel` (of the fusie), `code` (of the municipality), `rol`, `begindatum` | `einddatum` |
//!
//! Rows are applied from top to bottom, so a row may use what an earlier row created (the new
//! municipality of a herindeling is a `gemeente` row above it, with `begindatum` equal to the
//! herindeling's date; a `deelname` row follows its fusie).
//!
//! # How a file is applied
//!
//! The whole file is one [`Schrijfactie`]. Each row is a step of it (a savepoint): a row the
//! registry already holds exactly is skipped and counted as unchanged; a row whose key (CBS code,
//! `sleutel`, or municipality + fusie + begindatum for a deelname) exists with other data is
//! refused with `CONFLICT`; any other row goes to the same service functions as the API, which
//! check every rule. A refused row's step is undone and the next row is tried, so that one run
//! lists every bad row. At the end the write commits only when no row was bad; otherwise nothing
//! at all is written. An empty `einddatum` in the file matches any stored end date, so a file can
//! be imported again after its records were ended (e.g. by a herindeling in the same file).

mod lezen;
mod toepassen;

use std::fmt;
use std::io::IsTerminal as _;
use std::path::Path;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sea_orm::DatabaseConnection;

pub use lezen::KOLOMMEN;

use crate::error::AppError;
use crate::service::Schrijfactie;
use crate::service::fusie::{NieuweDeelname, NieuweFusie};
use crate::service::gemeente::NieuweGemeente;
use crate::service::herindeling::NieuweHerindeling;

/// What one row of the file asks for.
#[derive(Debug, Clone)]
pub enum Record {
    /// A municipality.
    Gemeente(NieuweGemeente),
    /// A herindeling, with all its consequences (rule 6).
    Herindeling(NieuweHerindeling),
    /// A fusieorganisatie with its deelnemers from its first day.
    Fusieorganisatie { fusie: NieuweFusie, deelnemers: Vec<String> },
    /// A centrumconstructie with its host and afnemers from its first day.
    Centrumconstructie { fusie: NieuweFusie, centrumgemeente: String, afnemers: Vec<String> },
    /// A municipality joining an existing ambtelijke fusie.
    Deelname(NieuweDeelname),
}

/// A parsed row with the line of the file it starts on.
#[derive(Debug, Clone)]
pub struct Rij {
    /// Line number in the file (1 is the CSV header row).
    pub regel: u64,
    /// What the row asks for.
    pub record: Record,
}

/// A row that cannot be applied: where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FouteRij {
    /// Line number in the file.
    pub regel: u64,
    /// The column (JSON: key) at fault, where one is.
    pub kolom: Option<String>,
    /// What is wrong, as the API would say it.
    pub reden: String,
}

impl fmt::Display for FouteRij {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kolom {
            Some(kolom) => write!(f, "line {}, column {kolom}: {}", self.regel, self.reden),
            None => write!(f, "line {}: {}", self.regel, self.reden),
        }
    }
}

/// A read file: the rows that parsed, and every problem found while reading.
#[derive(Debug, Clone, Default)]
pub struct Bestand {
    /// Rows that parsed, in file order.
    pub rijen: Vec<Rij>,
    /// Rows (or the header) that did not parse.
    pub fouten: Vec<FouteRij>,
}

impl Bestand {
    /// Reads the file at `pad`: JSON when its name ends in `.json`, CSV otherwise.
    ///
    /// # Errors
    /// [`ImportFout::Bestand`] when the file cannot be read or is not UTF-8.
    pub fn lees(pad: &Path) -> Result<Self, ImportFout> {
        let tekst = std::fs::read_to_string(pad)
            .map_err(|e| ImportFout::Bestand(format!("cannot read {}: {e}", pad.display())))?;
        // Spreadsheet programs often start a UTF-8 file with a byte order mark.
        let tekst = tekst.strip_prefix('\u{feff}').unwrap_or(&tekst);
        let is_json = pad.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        Ok(if is_json { Self::json(tekst) } else { Self::csv(tekst) })
    }
}

/// What an applied import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Telling {
    /// Rows written.
    pub toegepast: usize,
    /// Rows the registry already held exactly.
    pub ongewijzigd: usize,
}

/// Why an import wrote nothing.
#[derive(Debug, Clone)]
pub enum ImportFout {
    /// The file cannot be read at all.
    Bestand(String),
    /// These rows are bad (sorted by line); the others were not written either.
    Rijen(Vec<FouteRij>),
    /// A database failure.
    App(AppError),
}

impl From<AppError> for ImportFout {
    fn from(err: AppError) -> Self {
        Self::App(err)
    }
}

/// Reads and imports the file at `pad`; changes are logged as made by `import:<file name>`.
///
/// # Errors
/// As [`Bestand::lees`] and [`importeer`].
pub async fn importeer_bestand(
    db: &DatabaseConnection,
    pad: &Path,
    voortgang: &ProgressBar,
) -> Result<Telling, ImportFout> {
    let bestand = Bestand::lees(pad)?;
    let naam = pad.file_name().map_or_else(|| pad.display().to_string(), |n| n.to_string_lossy().into_owned());
    let door: String = format!("import:{naam}").chars().take(200).collect();
    importeer(db, &door, bestand, voortgang).await
}

/// Applies every row of `bestand` in one write, or nothing at all.
///
/// # Errors
/// [`ImportFout::Rijen`] listing every bad row (those of `bestand.fouten` and those the registry
/// refuses) when there is one; [`ImportFout::App`] on a database failure. Nothing is written then.
pub async fn importeer(
    db: &DatabaseConnection,
    door: &str,
    bestand: Bestand,
    voortgang: &ProgressBar,
) -> Result<Telling, ImportFout> {
    let Bestand { rijen, mut fouten } = bestand;
    if rijen.is_empty() && !fouten.is_empty() {
        return Err(ImportFout::Rijen(fouten));
    }
    voortgang.set_length(u64::try_from(rijen.len()).unwrap_or(u64::MAX));
    let mut actie = Schrijfactie::begin(db, door).await?;
    let mut telling = Telling::default();
    for rij in &rijen {
        actie.begin_stap().await?;
        match toepassen::pas_toe(&mut actie, &rij.record).await {
            Ok(uitkomst) => {
                actie.behoud_stap().await?;
                match uitkomst {
                    toepassen::Uitkomst::Toegepast => telling.toegepast += 1,
                    toepassen::Uitkomst::Ongewijzigd => telling.ongewijzigd += 1,
                }
            }
            Err(err @ (AppError::BadInput { .. } | AppError::NotFound { .. } | AppError::Conflict { .. })) => {
                actie.herstel_stap().await?;
                fouten.push(FouteRij {
                    regel: rij.regel,
                    kolom: toepassen::kolom(&rij.record, &err),
                    reden: err.public_message(),
                });
            }
            Err(err) => {
                voortgang.abandon();
                return Err(ImportFout::App(err));
            }
        }
        voortgang.inc(1);
    }
    voortgang.finish_and_clear();
    if !fouten.is_empty() {
        // Dropping the write without committing rolls back every row, good or bad.
        drop(actie);
        fouten.sort_by_key(|f| f.regel);
        return Err(ImportFout::Rijen(fouten));
    }
    actie.commit().await?;
    Ok(telling)
}

/// A progress bar on standard error, hidden when standard error is not a terminal (a pipe, a
/// file, CI), so that logs stay clean.
pub fn voortgangsbalk() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let balk = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    if let Ok(stijl) = ProgressStyle::with_template("{bar:40} {pos}/{len} rows {elapsed}") {
        balk.set_style(stijl);
    }
    balk
}
