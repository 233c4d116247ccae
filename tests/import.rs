//! Bulk import: the `import` command run as a user runs it, on a seeded SQLite file, and the
//! library function on `common::seeded_database()`, so that it runs on PostgreSQL as well when
//! `TEST_DATABASE_URL` is set.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed setup step should fail the test loudly

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

use chrono::NaiveDate;
use fusieregister::entity::{ambtelijke_fusie, deelname, gemeente, herindeling, wijziging};
use fusieregister::import::{Counts, ImportError, ParsedFile, RowError, import_rows};
use indicatif::ProgressBar;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

const GOOD_CSV: &str = include_str!("fixtures/import/good.csv");
const GOOD_JSON: &str = include_str!("fixtures/import/good.json");
const ONE_BAD_ROW: &str = include_str!("fixtures/import/one_bad_row.csv");
const SEVERAL_BAD_ROWS: &str = include_str!("fixtures/import/several_bad_rows.csv");

/// The header of the CSV snippets written in the tests.
const HEADER: &str =
    "soort,sleutel,code,naam,afkorting,provincie,rechtsvorm,reikwijdte,rol,begindatum,einddatum,leden,centrumgemeente";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import")).join(name)
}

// ---------------------------------------------------------------------------------------------
// The binary, on a SQLite file.

/// A seeded SQLite file of its own for one test, and its URL.
struct Db {
    dir: PathBuf,
    url: String,
}

impl Db {
    fn seeded(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("fusieregister-import-{}-{name}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/registry.db?mode=rwc", dir.display());
        let db = Self { dir, url };
        let seed = db.run(&["seed"]);
        assert!(seed.status.success(), "{}", String::from_utf8_lossy(&seed.stderr));
        db
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_fusieregister"))
            .args(args)
            .args(["--database-url", &self.url])
            .env("RUST_LOG", "info")
            .output()
            .unwrap()
    }

    fn import(&self, file: &str) -> (bool, String) {
        let path = fixture(file);
        let output = self.run(&["import", path.to_str().unwrap()]);
        (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
    }

    async fn connect(&self) -> DatabaseConnection {
        fusieregister::db::connect(&self.url).await.unwrap()
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

/// The lines of standard error that report a bad row.
fn bad_rows(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.starts_with("line ")).collect()
}

/// The changes logged after `position` (where the dataset's load left the log), in order.
async fn logged_after(conn: &DatabaseConnection, position: i64) -> Vec<wijziging::Model> {
    wijziging::Entity::find()
        .filter(wijziging::Column::Volgnummer.gt(position))
        .order_by_asc(wijziging::Column::Volgnummer)
        .all(conn)
        .await
        .unwrap()
}

/// How many changes were logged after `position`.
async fn wijzigingen(conn: &DatabaseConnection, position: i64) -> u64 {
    wijziging::Entity::find().filter(wijziging::Column::Volgnummer.gt(position)).count(conn).await.unwrap()
}

async fn fusie(conn: &DatabaseConnection, sleutel: &str) -> Option<ambtelijke_fusie::Model> {
    ambtelijke_fusie::Entity::find().filter(ambtelijke_fusie::Column::Sleutel.eq(sleutel)).one(conn).await.unwrap()
}

async fn gemeente(conn: &DatabaseConnection, code: &str) -> Option<gemeente::Model> {
    gemeente::Entity::find().filter(gemeente::Column::Code.eq(code)).one(conn).await.unwrap()
}

fn dag(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// What the good fixture leaves in the registry, checked through the library.
async fn assert_good_file_applied(conn: &DatabaseConnection) {
    for sleutel in ["kust", "gouwe", "ict-zuid"] {
        assert!(fusie(conn, sleutel).await.is_some(), "{sleutel} was imported");
    }
    let kust = fusie(conn, "kust").await.unwrap();
    assert_eq!(kust.afkorting.as_deref(), Some("WOK"));
    let deelnames =
        deelname::Entity::find().filter(deelname::Column::AmbtelijkeFusieId.eq(kust.id)).all(conn).await.unwrap();
    assert_eq!(deelnames.len(), 3, "Katwijk and Noordwijk from the start, Leiden a year later");
    // The herindeling ended Katwijk and Noordwijk, and with them their deelnames (rule 6).
    assert_eq!(gemeente(conn, "GM1999").await.unwrap().begindatum, Some(dag("2027-01-01")));
    assert_eq!(gemeente(conn, "GM0537").await.unwrap().einddatum, Some(dag("2026-12-31")));
    assert_eq!(deelnames.iter().filter(|d| d.einddatum == Some(dag("2026-12-31"))).count(), 2);
    let herindeling =
        herindeling::Entity::find().filter(herindeling::Column::Sleutel.eq("2027-01-01-kust")).one(conn).await.unwrap();
    assert!(herindeling.is_some());
    let ict = fusie(conn, "ict-zuid").await.unwrap();
    assert_eq!((ict.begindatum, ict.einddatum), (Some(dag("2015-01-01")), Some(dag("2019-12-31"))));
    assert_eq!(ict.naam, "ICT Zuid, gedeeld");
}

/// Changes the good fixture makes: three fusies with seven deelnames, a municipality, and a
/// herindeling that ends two municipalities and two deelnames.
const WIJZIGINGEN_VAN_GOED: u64 = 3 + 7 + 1 + 1 + 2 + 2;

#[tokio::test]
async fn a_good_file_applies_and_importing_it_again_changes_nothing() {
    let db = Db::seeded("good");
    let conn = db.connect().await;
    let position = common::log_position(&conn).await;
    let (ok, stderr) = db.import("good.csv");
    assert!(ok, "{stderr}");
    assert!(stderr.contains("6 rows applied, 0 unchanged"), "{stderr}");
    assert_good_file_applied(&conn).await;
    assert_eq!(wijzigingen(&conn, position).await, WIJZIGINGEN_VAN_GOED);
    let fusies = ambtelijke_fusie::Entity::find().count(&conn).await.unwrap();
    let deelnames = deelname::Entity::find().count(&conn).await.unwrap();
    let log = logged_after(&conn, position).await;
    assert!(log.iter().all(|w| w.door == "import:good.csv"), "changes name the file that made them");

    let (ok, stderr) = db.import("good.csv");
    assert!(ok, "{stderr}");
    assert!(stderr.contains("0 rows applied, 6 unchanged"), "{stderr}");
    assert_eq!(wijzigingen(&conn, position).await, WIJZIGINGEN_VAN_GOED);
    assert_eq!(ambtelijke_fusie::Entity::find().count(&conn).await.unwrap(), fusies);
    assert_eq!(deelname::Entity::find().count(&conn).await.unwrap(), deelnames);
}

#[tokio::test]
async fn one_bad_row_applies_nothing_not_even_the_good_rows() {
    let db = Db::seeded("one-bad");
    let conn = db.connect().await;
    let position = common::log_position(&conn).await;
    let (ok, stderr) = db.import("one_bad_row.csv");
    assert!(!ok, "the import must fail: {stderr}");
    let rows = bad_rows(&stderr);
    assert_eq!(rows.len(), 1, "{stderr}");
    // Line 6 adds Barendrecht to a second full fusie while it is in 'bar' (rule 4).
    assert!(rows[0].starts_with("line 6, column leden: "), "{stderr}");
    assert!(rows[0].contains("GM0489") && rows[0].contains("'bar'"), "{stderr}");
    assert_eq!(common::log_position(&conn).await, position, "nothing was logged after the load");
    assert!(fusie(&conn, "kust").await.is_none(), "the good rows before the bad one are not written");
    assert!(gemeente(&conn, "GM1999").await.is_none(), "nor those after it");
    assert_eq!(gemeente(&conn, "GM0537").await.unwrap().einddatum, None);
}

#[tokio::test]
async fn every_bad_row_is_listed_with_its_line_and_column() {
    let db = Db::seeded("several-bad");
    let conn = db.connect().await;
    let position = common::log_position(&conn).await;
    let (ok, stderr) = db.import("several_bad_rows.csv");
    assert!(!ok);
    let prefixes: Vec<String> =
        bad_rows(&stderr).iter().map(|l| l.split(": ").next().unwrap_or_default().to_owned()).collect();
    assert_eq!(
        prefixes,
        [
            "line 3, column soort",
            "line 4, column begindatum",
            "line 5, column naam",
            "line 6, column sleutel",
            "line 7, column centrumgemeente",
            "line 8, column einddatum",
        ],
        "{stderr}"
    );
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    assert_eq!(common::log_position(&conn).await, position, "nothing was logged after the load");
    assert!(fusie(&conn, "kust").await.is_none(), "the good first row is not written");
}

#[tokio::test]
async fn a_json_file_imports_like_the_csv() {
    let db = Db::seeded("json");
    let conn = db.connect().await;
    let position = common::log_position(&conn).await;
    let (ok, stderr) = db.import("good.json");
    assert!(ok, "{stderr}");
    assert!(stderr.contains("6 rows applied, 0 unchanged"), "{stderr}");
    assert_good_file_applied(&conn).await;
    assert_eq!(wijzigingen(&conn, position).await, WIJZIGINGEN_VAN_GOED);
    // The same records in the other format are already there.
    let (ok, stderr) = db.import("good.csv");
    assert!(ok, "{stderr}");
    assert!(stderr.contains("0 rows applied, 6 unchanged"), "{stderr}");
}

#[test]
fn without_a_terminal_there_is_no_progress_bar_and_a_missing_file_is_an_error() {
    let db = Db::seeded("plain");
    let (ok, stderr) = db.import("good.csv");
    assert!(ok, "{stderr}");
    assert!(!stderr.contains('\r') && !stderr.contains("/6 rows"), "no bar drawn into a pipe: {stderr:?}");
    let (ok, stderr) = db.import("does-not-exist.csv");
    assert!(!ok);
    assert!(stderr.contains("cannot read") && stderr.contains("does-not-exist.csv"), "{stderr}");
}

// ---------------------------------------------------------------------------------------------
// The library, on SQLite in memory or on PostgreSQL.

async fn run(conn: &DatabaseConnection, bestand: ParsedFile) -> Result<Counts, Vec<RowError>> {
    match import_rows(conn, "import:test", bestand, &ProgressBar::hidden()).await {
        Ok(counts) => Ok(counts),
        Err(ImportError::Rows(errors)) => Err(errors),
        Err(ImportError::ParsedFile(message)) => panic!("file error: {message}"),
        Err(ImportError::App(err)) => panic!("database error: {}", err.detail()),
    }
}

fn csv(rows: &[&str]) -> ParsedFile {
    ParsedFile::csv(&format!("{HEADER}\n{}\n", rows.join("\n")))
}

fn located(errors: &[RowError]) -> Vec<(u64, Option<&str>)> {
    errors.iter().map(|f| (f.line, f.column.as_deref())).collect()
}

#[tokio::test]
async fn library_applies_the_good_file_once() {
    let conn = common::seeded_database().await;
    let position = common::log_position(&conn).await;
    let counts = run(&conn, ParsedFile::csv(GOOD_CSV)).await.unwrap();
    assert_eq!(counts, Counts { applied: 6, unchanged: 0 });
    assert_good_file_applied(&conn).await;
    assert_eq!(wijzigingen(&conn, position).await, WIJZIGINGEN_VAN_GOED);

    let counts = run(&conn, ParsedFile::json(GOOD_JSON)).await.unwrap();
    assert_eq!(counts, Counts { applied: 0, unchanged: 6 });
    assert_eq!(wijzigingen(&conn, position).await, WIJZIGINGEN_VAN_GOED);
}

#[tokio::test]
async fn library_refuses_the_whole_file_for_one_bad_row() {
    let conn = common::seeded_database().await;
    let position = common::log_position(&conn).await;
    let errors = run(&conn, ParsedFile::csv(ONE_BAD_ROW)).await.unwrap_err();
    assert_eq!(located(&errors), [(6, Some("leden"))]);
    assert_eq!(common::log_position(&conn).await, position, "nothing was logged after the load");
    assert!(fusie(&conn, "kust").await.is_none());

    let errors = run(&conn, ParsedFile::csv(SEVERAL_BAD_ROWS)).await.unwrap_err();
    assert_eq!(errors.len(), 6, "{errors:?}");
    assert_eq!(common::log_position(&conn).await, position, "nothing was logged after the load");

    // Afterwards the registry takes writes as before: the counter was not advanced, so the
    // numbers go on right after the load's.
    run(&conn, ParsedFile::csv(GOOD_CSV)).await.unwrap();
    let numbers: Vec<i64> = logged_after(&conn, position).await.iter().map(|w| w.volgnummer).collect();
    let last = position + i64::try_from(WIJZIGINGEN_VAN_GOED).unwrap();
    assert_eq!(numbers, (position + 1..=last).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_refused_row_leaves_no_trace_for_the_rows_after_it() {
    let conn = common::seeded_database().await;
    let position = common::log_position(&conn).await;
    // Row 2 writes the fusie 'kust' and Katwijk's deelname before Barendrecht's breaks rule 4;
    // row 3 registers 'kust' again, which works only if row 2 was undone entirely.
    let errors = run(
        &conn,
        csv(&[
            "fusieorganisatie,kust,,Kust,,,OPENBAAR_LICHAAM,VOLLEDIG,,2020-01-01,,GM0537|GM0489,",
            "fusieorganisatie,kust,,Kust,,,OPENBAAR_LICHAAM,VOLLEDIG,,2020-01-01,,GM0537|GM0575,",
            "deelname,kust,GM0546,,,,,,DEELNEMER,2021-01-01,,,",
        ]),
    )
    .await
    .unwrap_err();
    assert_eq!(located(&errors), [(2, Some("leden"))], "{errors:?}");
    assert_eq!(common::log_position(&conn).await, position, "nothing was logged after the load");
}

#[tokio::test]
async fn records_already_present_are_unchanged_and_other_data_under_their_key_is_a_conflict() {
    let conn = common::seeded_database().await;
    // The bundled 'bar' and Barendrecht, written as rows exactly as the registry holds them.
    let counts = run(
        &conn,
        csv(&[
            "fusieorganisatie,bar,,BAR-organisatie,BAR,,OPENBAAR_LICHAAM,VOLLEDIG,,2014-01-01,2023-12-31,GM0489|GM0597|GM0613,",
            "gemeente,,GM0489,Barendrecht,,PV28,,,,,,,",
            "gemeente,,gm0489,Barendrecht,,pv28,,,,,,,",
        ]),
    )
    .await
    .unwrap();
    assert_eq!(counts, Counts { applied: 0, unchanged: 3 });

    let errors = run(
        &conn,
        csv(&[
            "fusieorganisatie,bar,,BAR,BAR,,OPENBAAR_LICHAAM,VOLLEDIG,,2014-01-01,2023-12-31,GM0489|GM0597|GM0613,",
            "centrumconstructie,bar,,BAR-organisatie,BAR,,OPENBAAR_LICHAAM,,,2014-01-01,,GM0597,GM0489",
            "fusieorganisatie,bar,,BAR-organisatie,BAR,,OPENBAAR_LICHAAM,VOLLEDIG,,2014-01-01,,GM0489|GM0546,",
            "gemeente,,GM0489,Barendrecht,,PV27,,,,,,,",
            "deelname,bar,GM0489,,,,,,DEELNEMER,2014-01-01,2020-12-31,,",
        ]),
    )
    .await
    .unwrap_err();
    assert_eq!(
        located(&errors),
        [(2, Some("naam")), (3, Some("soort")), (4, Some("leden")), (5, Some("provincie")), (6, Some("einddatum"))],
        "{errors:?}"
    );
    assert!(errors.iter().all(|f| f.reason.contains("exists with other data")), "{errors:?}");
    assert!(errors[0].reason.contains("'BAR-organisatie' in the registry, 'BAR' in the file"), "{}", errors[0].reason);
}

#[tokio::test]
async fn a_row_repeated_in_the_file_is_applied_once() {
    let conn = common::seeded_database().await;
    let position = common::log_position(&conn).await;
    let rij = "fusieorganisatie,kust,,Kust,,,OPENBAAR_LICHAAM,VOLLEDIG,,2024-01-01,,GM0537|GM0575,";
    let counts = run(&conn, csv(&[rij, rij])).await.unwrap();
    assert_eq!(counts, Counts { applied: 1, unchanged: 1 });
    assert_eq!(wijzigingen(&conn, position).await, 3);
}

#[tokio::test]
async fn rule_errors_of_the_service_name_the_files_columns() {
    let conn = common::seeded_database().await;
    let errors = run(
        &conn,
        csv(&[
            // Rule 5: a fusieorganisatie needs two deelnemers.
            "fusieorganisatie,solo,,Solo,,,OPENBAAR_LICHAAM,VOLLEDIG,,2024-01-01,,GM0537,",
            // A malformed sleutel.
            "fusieorganisatie,Kust!,,Kust,,,OPENBAAR_LICHAAM,VOLLEDIG,,2024-01-01,,GM0537|GM0575,",
            // An unknown municipality in a deelname.
            "deelname,bar,GM0001,,,,,,DEELNEMER,2015-01-01,,,",
            // Rule 3: a deelname outside its fusie's period.
            "deelname,bar,GM0546,,,,,,DEELNEMER,2010-01-01,,,",
            // A role that does not fit the form.
            "deelname,bar,GM0546,,,,,,AFNEMER,2015-01-01,2015-12-31,,",
            // An unknown province.
            "gemeente,,GM1998,Nergens,,PV99,,,,2027-01-01,,,",
        ]),
    )
    .await
    .unwrap_err();
    assert_eq!(
        located(&errors),
        [
            (2, Some("leden")),
            (3, Some("sleutel")),
            (4, Some("code")),
            (5, Some("begindatum")),
            (6, Some("rol")),
            (7, Some("provincie")),
        ],
        "{errors:?}"
    );
}

#[tokio::test]
async fn a_herindeling_without_sleutel_is_recognised_on_a_second_import() {
    let conn = common::seeded_database().await;
    let bestand = || {
        ParsedFile::csv(
            "soort,code,naam,provincie,begindatum,herindelingsoort,opgeheven,ontvangend\n\
             herindeling,,,,2027-01-01,UITBREIDING,GM0575,GM0537\n",
        )
    };
    assert_eq!(run(&conn, bestand()).await.unwrap(), Counts { applied: 1, unchanged: 0 });
    assert_eq!(run(&conn, bestand()).await.unwrap(), Counts { applied: 0, unchanged: 1 });
    assert_eq!(gemeente(&conn, "GM0575").await.unwrap().einddatum, Some(dag("2026-12-31")));
}

#[test]
fn a_byte_order_mark_and_windows_line_ends_are_read() {
    let dir = std::env::temp_dir().join(format!("fusieregister-import-{}-bom", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in [
        ("bom.csv", "\u{feff}soort,code,naam,provincie\r\ngemeente,GM1999,Kust,PV28\r\n"),
        (
            "bom.json",
            "\u{feff}[{\"soort\": \"gemeente\", \"code\": \"GM1999\", \"naam\": \"Kust\", \"provincie\": \"PV28\"}]",
        ),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let bestand = ParsedFile::read(&path).unwrap();
        assert!(bestand.errors.is_empty(), "{name}: {:?}", bestand.errors);
        assert_eq!(bestand.rows.len(), 1, "{name}");
    }
    std::fs::remove_dir_all(&dir).ok();
}
