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
//! The whole file is one [`UnitOfWork`](crate::service::UnitOfWork). Each row is a step of it (a savepoint): a row the
//! registry already holds exactly is skipped and counted as unchanged; a row whose key (CBS code,
//! `sleutel`, or municipality + fusie + begindatum for a deelname) exists with other data is
//! refused with `CONFLICT`; any other row goes to the same service functions as the API, which
//! check every rule. A refused row's step is undone and the next row is tried, so that one run
//! lists every bad row. At the end the write commits only when no row was bad; otherwise nothing
//! at all is written. An empty `einddatum` in the file matches any stored end date, so a file can
//! be imported again after its records were ended (e.g. by a herindeling in the same file).

mod apply;
mod read;

use std::fmt;
use std::io::IsTerminal as _;
use std::path::Path;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sea_orm::DatabaseConnection;

pub use read::COLUMNS;

use crate::error::AppError;
use crate::service::UnitOfWork;
use crate::service::fusie::{AddDeelname, RegisterCentrumconstructie, RegisterFusieorganisatie};
use crate::service::gemeente::NewGemeente;
use crate::service::herindeling::NewHerindeling;

/// What one row of the file asks for.
#[derive(Debug, Clone)]
pub enum Record {
    /// A municipality.
    Gemeente(NewGemeente),
    /// A herindeling, with all its consequences (rule 6).
    Herindeling(NewHerindeling),
    /// A fusieorganisatie with its deelnemers from its first day.
    Fusieorganisatie(RegisterFusieorganisatie),
    /// A centrumconstructie with its host and afnemers from its first day.
    Centrumconstructie(RegisterCentrumconstructie),
    /// A municipality joining an existing ambtelijke fusie.
    Deelname(AddDeelname),
}

/// A parsed row with the line of the file it starts on.
#[derive(Debug, Clone)]
pub struct Row {
    /// Line number in the file (1 is the CSV header row).
    pub line: u64,
    /// What the row asks for.
    pub record: Record,
}

/// A row that cannot be applied: where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Line number in the file.
    pub line: u64,
    /// The column (JSON: key) at fault, where one is.
    pub column: Option<String>,
    /// What is wrong, as the API would say it.
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "line {}, column {column}: {}", self.line, self.reason),
            None => write!(f, "line {}: {}", self.line, self.reason),
        }
    }
}

/// A read file: the rows that parsed, and every problem found while reading.
#[derive(Debug, Clone, Default)]
pub struct ParsedFile {
    /// Rows that parsed, in file order.
    pub rows: Vec<Row>,
    /// Rows (or the header) that did not parse.
    pub errors: Vec<RowError>,
}

impl ParsedFile {
    /// Reads the file at `pad`: JSON when its name ends in `.json`, CSV otherwise.
    ///
    /// # Errors
    /// [`ImportError::ParsedFile`] when the file cannot be read or is not UTF-8.
    pub fn read(pad: &Path) -> Result<Self, ImportError> {
        let tekst = std::fs::read_to_string(pad)
            .map_err(|e| ImportError::ParsedFile(format!("cannot read {}: {e}", pad.display())))?;
        // Spreadsheet programs often start a UTF-8 file with a byte order mark.
        let tekst = tekst.strip_prefix('\u{feff}').unwrap_or(&tekst);
        let is_json = pad.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        Ok(if is_json { Self::json(tekst) } else { Self::csv(tekst) })
    }
}

/// What an applied import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Rows written.
    pub applied: usize,
    /// Rows the registry already held exactly.
    pub unchanged: usize,
}

/// Why an import wrote nothing.
#[derive(Debug, Clone)]
pub enum ImportError {
    /// The file cannot be read at all.
    ParsedFile(String),
    /// These rows are bad (sorted by line); the others were not written either.
    Rows(Vec<RowError>),
    /// A database failure.
    App(AppError),
}

impl From<AppError> for ImportError {
    fn from(err: AppError) -> Self {
        Self::App(err)
    }
}

/// Reads and imports the file at `pad`; changes are logged as made by `import:<file name>`.
///
/// # Errors
/// As [`ParsedFile::read`] and [`import_rows`].
pub async fn import_file(db: &DatabaseConnection, pad: &Path, progress: &ProgressBar) -> Result<Counts, ImportError> {
    let file = ParsedFile::read(pad)?;
    let naam = pad.file_name().map_or_else(|| pad.display().to_string(), |n| n.to_string_lossy().into_owned());
    let door: String = format!("import:{naam}").chars().take(200).collect();
    import_rows(db, &door, file, progress).await
}

/// Applies every row of `file` in one write, or nothing at all.
///
/// # Errors
/// [`ImportError::Rows`] listing every bad row (those of `file.errors` and those the registry
/// refuses) when there is one; [`ImportError::App`] on a database failure. Nothing is written then.
pub async fn import_rows(
    db: &DatabaseConnection,
    door: &str,
    file: ParsedFile,
    progress: &ProgressBar,
) -> Result<Counts, ImportError> {
    let ParsedFile { rows, mut errors } = file;
    if rows.is_empty() && !errors.is_empty() {
        return Err(ImportError::Rows(errors));
    }
    progress.set_length(u64::try_from(rows.len()).unwrap_or(u64::MAX));
    let mut work = UnitOfWork::begin(db, door).await?;
    let mut counts = Counts::default();
    for rij in &rows {
        work.begin_step().await?;
        match apply::apply(&mut work, &rij.record).await {
            Ok(outcome) => {
                work.keep_step().await?;
                match outcome {
                    apply::Outcome::Applied => counts.applied += 1,
                    apply::Outcome::Unchanged => counts.unchanged += 1,
                }
            }
            Err(err @ (AppError::BadInput { .. } | AppError::NotFound { .. } | AppError::Conflict { .. })) => {
                work.undo_step().await?;
                errors.push(RowError {
                    line: rij.line,
                    column: apply::column(&rij.record, &err),
                    reason: err.public_message(),
                });
            }
            Err(err) => {
                progress.abandon();
                return Err(ImportError::App(err));
            }
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    if !errors.is_empty() {
        // Dropping the write without committing rolls back every row, good or bad.
        drop(work);
        errors.sort_by_key(|f| f.line);
        return Err(ImportError::Rows(errors));
    }
    work.commit().await?;
    Ok(counts)
}

/// A progress bar on standard error, hidden when standard error is not a terminal (a pipe, a
/// file, CI), so that logs stay clean.
pub fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    if let Ok(stijl) = ProgressStyle::with_template("{bar:40} {pos}/{len} rows {elapsed}") {
        bar.set_style(stijl);
    }
    bar
}
