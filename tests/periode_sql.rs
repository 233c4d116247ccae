//! "Valid on a date" is stated twice: `Periode::is_valid_on` in memory and `store::valid_on` in
//! SQL, and the API answers with either depending on the field. This property test keeps them
//! equal: it stores random periods in the real `gemeente` table (SQLite in memory, or PostgreSQL
//! with `TEST_DATABASE_URL`), filters them with the SQL builder on random dates, for both meanings
//! of a missing begin, and requires exactly the rows the domain rule accepts.
//!
//! `PERIODE_CASES` sets the number of generated cases (default 64); each case is a few
//! statements, whatever the number of periods in it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};
use fusieregister::domain::{MissingBegin, Periode};
use fusieregister::entity::{gemeente, provincie};
use fusieregister::store::valid_on;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait, QueryFilter};

/// Days within which begins and period lengths are drawn: narrow, so that a peildatum often falls
/// on a begin or an end, or a day beside one, where an off-by-one would show.
const WINDOW: u64 = 40;

/// Random periods and the dates to ask about them, around one random base date.
#[derive(Debug, Clone)]
struct Case {
    periodes: Vec<Periode>,
    peildata: Vec<NaiveDate>,
}

fn day(base: NaiveDate, offset: u64) -> NaiveDate {
    base.checked_add_days(Days::new(offset)).unwrap()
}

/// A period that may lack a begin, an end or both; an end never lies before the begin, as the
/// domain and the table's CHECK constraint require.
fn periode(base: NaiveDate) -> impl Strategy<Value = Periode> {
    (proptest::option::of(0..WINDOW), proptest::option::of(0..WINDOW)).prop_map(move |(begin, length)| {
        // Periods start a few days after `base`, so some peildata fall before every begin.
        let begin = begin.map(|offset| day(base, 5 + offset));
        let einde = length.map(|length| day(begin.unwrap_or(day(base, 5)), length));
        Periode::new(begin, einde).unwrap()
    })
}

fn case() -> impl Strategy<Value = Case> {
    let first = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
    // Base dates over some 40 years, so that month and year boundaries are crossed (dates are
    // text on SQLite, and compare correctly only in their fixed-width form).
    (0..15_000u64).prop_flat_map(move |offset| {
        let base = day(first, offset);
        let peildatum = (0..2 * WINDOW + 15).prop_map(move |offset| day(base, offset));
        (proptest::collection::vec(periode(base), 1..24), proptest::collection::vec(peildatum, 1..4))
            .prop_map(|(periodes, peildata)| Case { periodes, peildata })
    })
}

fn code(index: usize) -> String {
    format!("GM{index:04}")
}

/// Stores the case's periods as municipalities, then compares the SQL filter with the domain
/// rule on every peildatum and both meanings of a missing begin.
async fn check(db: &DatabaseConnection, provincie_id: i32, case: &Case) -> Result<(), TestCaseError> {
    gemeente::Entity::delete_many().exec(db).await.unwrap();
    let rows = case.periodes.iter().enumerate().map(|(index, periode)| gemeente::ActiveModel {
        code: Set(code(index)),
        naam: Set(format!("Gemeente {index}")),
        provincie_id: Set(provincie_id),
        begindatum: Set(periode.begin()),
        einddatum: Set(periode.einde()),
        tooi_uri: Set(None),
        opmerking: Set(None),
        versie: Set(1),
        ..Default::default()
    });
    gemeente::Entity::insert_many(rows).exec(db).await.unwrap();
    let stored = gemeente::Entity::find().all(db).await.unwrap();

    for &peildatum in &case.peildata {
        for missing_begin in [MissingBegin::Open, MissingBegin::Unknown] {
            let found: BTreeSet<String> = gemeente::Entity::find()
                .filter(valid_on(gemeente::Column::Begindatum, gemeente::Column::Einddatum, peildatum, missing_begin))
                .all(db)
                .await
                .unwrap()
                .into_iter()
                .map(|g| g.code)
                .collect();
            let expected: BTreeSet<String> = case
                .periodes
                .iter()
                .enumerate()
                .filter(|(_, periode)| periode.is_valid_on(peildatum, missing_begin))
                .map(|(index, _)| code(index))
                .collect();
            prop_assert_eq!(&found, &expected, "on {} with {:?}", peildatum, missing_begin);
            if missing_begin == MissingBegin::Open {
                // The in-memory filter of the API's provincie.gemeenten goes through the row.
                let existing: BTreeSet<String> =
                    stored.iter().filter(|g| g.exists_on(peildatum)).map(|g| g.code.clone()).collect();
                prop_assert_eq!(&existing, &expected, "gemeente::Model::exists_on on {}", peildatum);
            }
        }
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("PERIODE_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(64)
}

#[test]
fn sql_valid_on_agrees_with_periode_is_valid_on() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (db, provincie_id) = runtime.block_on(async {
        let db = common::empty_database().await;
        let provincie = provincie::ActiveModel {
            code: Set("PV99".to_owned()),
            naam: Set("Proefprovincie".to_owned()),
            tooi_uri: Set(None),
            ..Default::default()
        }
        .insert(&db)
        .await
        .unwrap();
        (db, provincie.id)
    });
    let mut runner = TestRunner::new(Config { cases: cases(), failure_persistence: None, ..Config::default() });
    let result = runner.run(&case(), |case| runtime.block_on(check(&db, provincie_id, &case)));
    if let Err(failure) = result {
        panic!("{failure}");
    }
}
