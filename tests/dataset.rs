//! The bundled dataset keeps every rule of the registry, loads, and loads only once.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use chrono::NaiveDate;
use fusieregister::dataset::{self, Dataset};
use fusieregister::domain::{MissingBegin, Periode};
use fusieregister::entity::{ambtelijke_fusie, deelname, gemeente, herindeling};
use sea_orm::{EntityTrait, PaginatorTrait};

/// The number of municipalities on 1 January as CBS published it, with the `bronnen.json` key of the
/// source (CBS's own news item or a press report of it). 2010 has no figure; 2018 and 2020 follow
/// from "N fewer than a year before". `tools/check_dataset.py` holds the same table.
const CBS_AANTALLEN: &[(i32, usize, &str)] = &[
    (2003, 489, "cbs-2003-489-gemeenten"),
    (2004, 483, "cbs-2004-483-gemeenten"),
    (2005, 467, "cbs-2005-467-gemeenten"),
    (2006, 458, "cbs-2006-458-gemeenten"),
    (2007, 443, "cbs-2007-443-gemeenten"),
    (2008, 443, "cbs-2008-443-gemeenten"),
    (2009, 441, "cbs-2009-441-gemeenten"),
    (2011, 418, "nieuwsnl-2020-12-30-gemeenten-2021"),
    (2012, 415, "nd-1076605-gemeenten-2022"),
    (2013, 408, "trendsinhr-2013-408-gemeenten"),
    (2014, 403, "nu-3966581-minder-dan-vierhonderd-gemeenten"),
    (2015, 393, "nu-3966581-minder-dan-vierhonderd-gemeenten"),
    (2016, 390, "innolumis-2016-01-12-cbs-390-gemeenten"),
    (2017, 388, "rd-1362922-bijna-240-gemeenten-minder"),
    (2018, 380, "blikopnieuws-269778-sterkste-daling-gemeenten"),
    (2019, 355, "blikopnieuws-269778-sterkste-daling-gemeenten"),
    (2020, 355, "nieuwsnl-2020-12-30-gemeenten-2021"),
    (2021, 352, "nieuwsnl-2020-12-30-gemeenten-2021"),
    (2022, 345, "nd-1076605-gemeenten-2022"),
    (2023, 342, "blikopnieuws-296914-342-gemeenten-2023"),
];

#[test]
fn municipalities_per_1_january_match_cbs() {
    let data = Dataset::bundled().expect("bundled dataset parses");
    let mut wrong = Vec::new();
    for &(jaar, cbs, bron) in CBS_AANTALLEN {
        assert!(data.bronnen.iter().any(|b| b.sleutel == bron), "source {bron} of {jaar} is not in bronnen.json");
        let peildatum = NaiveDate::from_ymd_opt(jaar, 1, 1).expect("a valid date");
        let geteld = data
            .gemeenten
            .iter()
            .filter(|g| {
                Periode::new(g.begindatum, g.einddatum)
                    .expect("a valid period")
                    .is_valid_on(peildatum, MissingBegin::Open)
            })
            .count();
        if geteld != cbs {
            wrong.push(format!("{peildatum}: {geteld} municipalities, CBS {cbs}"));
        }
    }
    assert!(wrong.is_empty(), "counts differ from CBS:\n{}", wrong.join("\n"));
}

#[test]
fn bundled_dataset_keeps_every_rule() {
    let data = Dataset::bundled().expect("bundled dataset parses");
    let problems = dataset::problems(&data);
    assert!(problems.is_empty(), "the dataset breaks rules:\n{}", problems.join("\n"));
}

#[test]
fn bundled_dataset_is_complete() {
    let data = Dataset::bundled().expect("bundled dataset parses");
    assert_eq!(data.provincies.len(), 12);
    assert_eq!(data.gemeenten.len(), 606, "all municipalities 1999-2023, Hengelo (Gld.) included");
    assert_eq!(data.herindelingen.len(), 128, "all herindelingen 2000-2023");
    assert_eq!(data.ambtelijke_fusies.len(), 32, "every sourced cooperation");
    assert!(data.onderzoeken.iter().any(|o| o.titel == "Samen sterker, maar toch apart"));
}

#[test]
fn integrity_check_catches_a_broken_record() {
    let mut data = Dataset::bundled().expect("bundled dataset parses");
    // Make BAR's Barendrecht take part in a second full fusie over the same years.
    let barendrecht = data
        .ambtelijke_fusies
        .iter()
        .find(|f| f.sleutel == "bar")
        .and_then(|f| f.deelnames.iter().find(|d| d.gemeente == "GM0489"))
        .cloned()
        .expect("BAR has Barendrecht");
    let sed = data.ambtelijke_fusies.iter_mut().find(|f| f.sleutel == "sed").expect("SED exists");
    sed.deelnames.push(barendrecht);
    let problems = dataset::problems(&data);
    assert!(problems.iter().any(|p| p.contains("two full ambtelijke fusies")), "{problems:?}");
}

#[tokio::test]
async fn seeding_twice_changes_nothing() {
    let conn = common::seeded_database().await;
    let before = (
        gemeente::Entity::find().count(&conn).await.unwrap(),
        herindeling::Entity::find().count(&conn).await.unwrap(),
        ambtelijke_fusie::Entity::find().count(&conn).await.unwrap(),
        deelname::Entity::find().count(&conn).await.unwrap(),
    );
    assert_eq!(before.0, 606);
    let data = Dataset::bundled().unwrap();
    let again = dataset::seed(&conn, &data).await.map_err(|e| e.detail()).unwrap();
    assert!(again.is_empty(), "second seed inserted {again:?}");
    let after = (
        gemeente::Entity::find().count(&conn).await.unwrap(),
        herindeling::Entity::find().count(&conn).await.unwrap(),
        ambtelijke_fusie::Entity::find().count(&conn).await.unwrap(),
        deelname::Entity::find().count(&conn).await.unwrap(),
    );
    assert_eq!(before, after);
}

#[tokio::test]
async fn statistiek_counts_the_municipalities_cbs_counts() {
    let conn = common::seeded_database().await;
    for &(jaar, cbs, _) in CBS_AANTALLEN.iter().filter(|(jaar, _, _)| [2003, 2004, 2015, 2023].contains(jaar)) {
        let peildatum = NaiveDate::from_ymd_opt(jaar, 1, 1).unwrap();
        let telling = fusieregister::store::statistiek::count_on(&conn, peildatum).await.unwrap();
        assert_eq!(telling.aantal_gemeenten, cbs as u64, "municipalities on {peildatum}");
    }
}

#[test]
fn a_fusie_that_contradicts_its_own_regulation_is_caught() {
    let data = Dataset::bundled().expect("bundled dataset parses");
    let cited_periods: Vec<_> = data.bronnen.iter().filter(|b| b.geldend_van.is_some()).collect();
    assert!(!cited_periods.is_empty(), "some regulations carry their 'Geldend van' period");

    // Duivenvoorde's regulation lapsed on 2023-01-01: running on would contradict it.
    let mut open_ended = data.clone();
    let duivenvoorde = open_ended.ambtelijke_fusies.iter_mut().find(|f| f.sleutel == "duivenvoorde").unwrap();
    duivenvoorde.einddatum = None;
    duivenvoorde.eindreden = None;
    for d in &mut duivenvoorde.deelnames {
        d.einddatum = None;
    }
    let problems = dataset::problems(&open_ended);
    assert!(problems.iter().any(|p| p.contains("cvdr252074") && p.contains("lapsed")), "{problems:?}");

    // Dienst Dommelvallei's regulation is in force since 2025-05-27 up to today: an earlier end contradicts it.
    let mut ended = data.clone();
    let dommelvallei = ended.ambtelijke_fusies.iter_mut().find(|f| f.sleutel == "dommelvallei").unwrap();
    let einde = NaiveDate::from_ymd_opt(2024, 12, 31);
    dommelvallei.einddatum = einde;
    for d in &mut dommelvallei.deelnames {
        d.einddatum = einde;
    }
    let problems = dataset::problems(&ended);
    assert!(problems.iter().any(|p| p.contains("cvdr739792")), "{problems:?}");
}

#[tokio::test]
async fn the_api_shows_the_study_beside_the_registry_with_its_known_coverage() {
    let schema = fusieregister::graphql::build_schema(common::seeded_database().await);
    let data = common::data(
        &schema,
        r#"{ statistiek(peildatum: "2015-01-01") { aantalGemeenten aantalAmbtelijkeFusies
               kengetallen { kengetal { soort waarde } registerWaarde
                 dekking { aantalNietToegeschreven inRegister { naam ambtelijkeFusie { sleutel } bron { sleutel } }
                           nietInRegister { naam } } } }
             evaluaties(onderzoek: "samen-sterker-maar-toch-apart-2016") { edges { node {
               doelrealisatie doelen { realisatie } bevindingen { citaat } } } } }"#,
        serde_json::json!({}),
    )
    .await;
    let statistiek = &data["statistiek"];
    assert_eq!(statistiek["aantalGemeenten"], 393);
    let organisaties = statistiek["kengetallen"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kengetal"]["soort"] == "AANTAL_AMBTELIJKE_FUSIEORGANISATIES")
        .expect("the study's count of organisations");
    assert_eq!(organisaties["kengetal"]["waarde"], 16.0);
    let dekking = &organisaties["dekking"];
    let in_register = dekking["inRegister"].as_array().unwrap();
    assert!(in_register.iter().any(|o| o["ambtelijkeFusie"]["sleutel"] == "groningen-tenboer"), "{dekking:#}");
    assert!(in_register.iter().all(|o| !o["bron"]["sleutel"].is_null()), "every attribution cites its source");
    let bekend = in_register.len() + dekking["nietInRegister"].as_array().unwrap().len();
    assert_eq!(dekking["aantalNietToegeschreven"], 16 - bekend);

    // The letter judges the goals only as a whole: no goal claims a result of its own.
    let algemeen = &data["evaluaties"]["edges"][0]["node"];
    assert_eq!(algemeen["doelrealisatie"], "GEREALISEERD");
    assert!(algemeen["doelen"].as_array().unwrap().iter().all(|d| d["realisatie"] == "ONBEKEND"), "{algemeen:#}");
    assert!(
        algemeen["bevindingen"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["citaat"].as_str().is_some_and(|c| c.contains("gastheermodel")))
    );
}
