//! The bundled dataset keeps every rule of the registry, loads, and loads only once.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use fusieregister::dataset::{self, Dataset};
use fusieregister::entity::{ambtelijke_fusie, deelname, gemeente, herindeling};
use sea_orm::{EntityTrait, PaginatorTrait};

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
    assert_eq!(data.gemeenten.len(), 605, "all municipalities 1999-2023");
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
    assert_eq!(before.0, 605);
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
