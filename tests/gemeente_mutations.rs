//! Writing municipalities and herindelingen (rules 1, 2, 3 and 6), and admin-only deletes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use common::{as_caller, caller, write};
use fusieregister::domain::TokenRol;
use fusieregister::entity::{gemeente, wijziging};
use fusieregister::graphql::build_schema;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

fn ok(response: &Value) -> &Value {
    assert!(response.get("errors").is_none(), "{response:#}");
    &response["data"]
}

/// Asserts that `change` is the entry the bundled dataset's load logged for a record: created by
/// "dataset", no correction, with the record's shipped state.
fn assert_loaded(change: &Value) {
    assert_eq!(change["soort"], "AANGEMAAKT", "{change:#}");
    assert_eq!(change["door"], "dataset", "{change:#}");
    assert_eq!(change["correctie"], false, "{change:#}");
    assert!(change["gegevens"].is_object(), "the load keeps the shipped state: {change:#}");
}

fn error(response: &Value) -> (&str, &str) {
    let extensions = &response["errors"][0]["extensions"];
    (extensions["code"].as_str().unwrap_or("<none>"), extensions["field"].as_str().unwrap_or("<none>"))
}

const REGISTREER_GEMEENTE: &str = "mutation($input: RegistreerGemeenteInput!) { registreerGemeente(input: $input) { gemeente { code naam versie provincie { code } } } }";
const HERINDELING: &str = r#"mutation($input: RegistreerHerindelingInput!) { registreerHerindeling(input: $input) {
    herindeling { sleutel soort datum opgeheven { code einddatum } nieuw { code begindatum voorgangers { code } } }
    beeindigdeDeelnames { einddatum gemeente { code } }
    getroffenFusies { ambtelijkeFusie { sleutel einddatum eindreden } resterendeGemeenten { code } beeindigd } } }"#;

#[tokio::test]
async fn municipalities_are_registered_and_corrected_by_the_rules() {
    let conn = common::seeded_database().await;
    let schema = build_schema(conn.clone());
    let input = |code: &str, provincie: &str, begin: &str| json!({ "input": { "code": code, "naam": "Proefgemeente", "provincie": provincie, "begindatum": begin } });
    let created = write(&schema, REGISTREER_GEMEENTE, input("gm2990", "PV28", "2030-01-01")).await;
    assert_eq!(ok(&created)["registreerGemeente"]["gemeente"]["code"], "GM2990", "codes are normalised");
    assert_eq!(
        error(&write(&schema, REGISTREER_GEMEENTE, input("GM0363", "PV27", "2030-01-01")).await),
        ("CONFLICT", "code")
    );
    assert_eq!(
        error(&write(&schema, REGISTREER_GEMEENTE, input("GM19", "PV27", "2030-01-01")).await),
        ("BAD_USER_INPUT", "code")
    );
    assert_eq!(
        error(&write(&schema, REGISTREER_GEMEENTE, input("GM2991", "PV99", "2030-01-01")).await),
        ("NOT_FOUND", "provincie")
    );
    let bad_period = json!({ "input": { "code": "GM2992", "naam": "X", "provincie": "PV27", "begindatum": "2030-01-01", "einddatum": "2029-12-31" } });
    assert_eq!(error(&write(&schema, REGISTREER_GEMEENTE, bad_period).await), ("BAD_USER_INPUT", "einddatum"));

    let corrigeer =
        "mutation($input: CorrigeerGemeenteInput!) { corrigeerGemeente(input: $input) { gemeente { naam versie } } }";
    let stale = write(&schema, corrigeer, json!({ "input": { "code": "GM2990", "naam": "Proef", "versie": 5 } })).await;
    assert_eq!(error(&stale), ("CONFLICT", "versie"));
    let fixed =
        write(&schema, corrigeer, json!({ "input": { "code": "GM2990", "naam": "Proef aan Zee", "versie": 1 } })).await;
    assert_eq!(ok(&fixed)["corrigeerGemeente"]["gemeente"], json!({ "naam": "Proef aan Zee", "versie": 2 }));
    // Barendrecht took part in BAR from 2014: its existence cannot be corrected to start later.
    let outside = write(&schema, corrigeer, json!({ "input": { "code": "GM0489", "begindatum": "2015-01-01" } })).await;
    assert_eq!(error(&outside), ("CONFLICT", "begindatum"));
}

#[tokio::test]
async fn a_herindeling_ends_municipalities_and_their_deelnames_and_reports_fusies() {
    let conn = common::seeded_database().await;
    let schema = build_schema(conn.clone());
    // Katwijk, Noordwijk and Gouda form a fusieorganisatie; Katwijk and Noordwijk then merge.
    ok(&write(
        &schema,
        "mutation { registreerFusieorganisatie(input: { sleutel: \"kust\", naam: \"Kust\", rechtsvorm: OPENBAAR_LICHAAM, reikwijdte: VOLLEDIG, begindatum: \"2025-01-01\", deelnemers: [\"GM0537\", \"GM0575\", \"GM0513\"] }) { ambtelijkeFusie { sleutel } } }",
        json!({}),
    )
    .await);
    let before = wijziging::Entity::find().count(&conn).await.unwrap();
    let response = write(
        &schema,
        HERINDELING,
        json!({ "input": { "soort": "SAMENVOEGING", "datum": "2027-01-01", "opgeheven": ["GM0537", "GM0575"],
            "nieuweGemeenten": [{ "code": "GM2990", "naam": "Katwijk-Noordwijk", "provincie": "PV28" }] } }),
    )
    .await;
    let payload = &ok(&response)["registreerHerindeling"];
    assert_eq!(payload["herindeling"]["sleutel"], "2027-01-01-katwijk-noordwijk");
    assert!(payload["herindeling"]["opgeheven"].as_array().unwrap().iter().all(|g| g["einddatum"] == "2026-12-31"));
    let nieuw = &payload["herindeling"]["nieuw"][0];
    assert_eq!(nieuw["begindatum"], "2027-01-01");
    assert_eq!(nieuw["voorgangers"], json!([{ "code": "GM0537" }, { "code": "GM0575" }]));
    let ended: Vec<&Value> = payload["beeindigdeDeelnames"].as_array().unwrap().iter().collect();
    assert_eq!(ended.len(), 2);
    assert!(ended.iter().all(|d| d["einddatum"] == "2026-12-31"));
    let getroffen = &payload["getroffenFusies"][0];
    assert_eq!(getroffen["ambtelijkeFusie"]["sleutel"], "kust");
    assert_eq!(getroffen["resterendeGemeenten"], json!([{ "code": "GM0513" }]), "only Gouda remains");
    assert_eq!(getroffen["beeindigd"], false, "one municipality remains, so the fusie is reported, not ended");
    // New municipality, herindeling, two ended deelnames, two ended municipalities.
    assert_eq!(wijziging::Entity::find().count(&conn).await.unwrap() - before, 6);

    // Gouda absorbs the new municipality later: nothing remains of 'kust' but Gouda... and when
    // Gouda itself is abolished, the fusie ends with eindreden HERINDELING.
    let response = write(
        &schema,
        HERINDELING,
        json!({ "input": { "sleutel": "2030-01-01-groot-gouda", "soort": "SAMENVOEGING", "datum": "2030-01-01", "opgeheven": ["GM0513"],
            "nieuweGemeenten": [{ "code": "GM2991", "naam": "Groot Gouda", "provincie": "PV28" }] } }),
    )
    .await;
    let getroffen = &ok(&response)["registreerHerindeling"]["getroffenFusies"][0];
    assert_eq!(getroffen["beeindigd"], true);
    assert_eq!(getroffen["ambtelijkeFusie"]["eindreden"], "HERINDELING");
    assert_eq!(getroffen["ambtelijkeFusie"]["einddatum"], "2029-12-31");
}

#[tokio::test]
async fn a_bad_herindeling_names_its_field_and_writes_nothing() {
    let conn = common::seeded_database().await;
    let schema = build_schema(conn.clone());
    let before =
        (gemeente::Entity::find().count(&conn).await.unwrap(), wijziging::Entity::find().count(&conn).await.unwrap());
    let cases = [
        (
            json!({ "soort": "UITBREIDING", "datum": "2027-01-01", "opgeheven": [], "ontvangend": ["GM0513"] }),
            ("BAD_USER_INPUT", "opgeheven"),
        ),
        (
            json!({ "soort": "UITBREIDING", "datum": "2027-01-01", "opgeheven": ["GM0005"], "ontvangend": ["GM0513"] }),
            ("BAD_USER_INPUT", "opgeheven"),
        ),
        (
            json!({ "soort": "UITBREIDING", "datum": "2027-01-01", "opgeheven": ["GM0537"] }),
            ("BAD_USER_INPUT", "ontvangend"),
        ),
        (
            json!({ "soort": "UITBREIDING", "datum": "2027-01-01", "opgeheven": ["GM0537"], "ontvangend": ["GM0537"] }),
            ("BAD_USER_INPUT", "ontvangend"),
        ),
        (
            json!({ "soort": "UITBREIDING", "datum": "2027-01-01", "opgeheven": ["GM0537"], "ontvangend": ["GM9998"] }),
            ("NOT_FOUND", "ontvangend"),
        ),
        (
            json!({ "sleutel": "2022-01-01-land-van-cuijk", "soort": "UITBREIDING", "datum": "2027-01-01", "opgeheven": ["GM0537"], "ontvangend": ["GM0513"] }),
            ("CONFLICT", "sleutel"),
        ),
        // A new municipality whose code exists: the inline registration fails, nothing is kept.
        (
            json!({ "soort": "SAMENVOEGING", "datum": "2027-01-01", "opgeheven": ["GM0537"], "nieuweGemeenten": [{ "code": "GM0363", "naam": "X", "provincie": "PV28" }] }),
            ("CONFLICT", "code"),
        ),
    ];
    for (input, expected) in cases {
        let response = write(&schema, HERINDELING, json!({ "input": input.clone() })).await;
        assert_eq!(error(&response), expected, "{input}: {response:#}");
    }
    let after =
        (gemeente::Entity::find().count(&conn).await.unwrap(), wijziging::Entity::find().count(&conn).await.unwrap());
    assert_eq!(before, after);
}

#[tokio::test]
async fn only_an_admin_deletes_and_history_shows_it() {
    let conn = common::seeded_database().await;
    let schema = build_schema(conn.clone());
    let position = common::log_position(&conn).await;
    let delete = "mutation { verwijderAmbtelijkeFusie(input: { sleutel: \"a2\" }) { verwijderd } }";
    assert_eq!(error(&write(&schema, delete, json!({})).await).0, "FORBIDDEN");
    let deleted = as_caller(&schema, Some(caller(TokenRol::Admin)), delete, json!({})).await;
    assert_eq!(ok(&deleted)["verwijderAmbtelijkeFusie"]["verwijderd"], "AmbtelijkeFusie:a2");
    let gone = common::data(&schema, r#"{ ambtelijkeFusie(sleutel: "a2") { sleutel } }"#, json!({})).await;
    assert_eq!(gone["ambtelijkeFusie"], Value::Null);
    // Three deelnames and the fusie itself, each a correction that keeps no state.
    let logged = wijziging::Entity::find().filter(wijziging::Column::Volgnummer.gt(position));
    assert_eq!(logged.clone().count(&conn).await.unwrap(), 4);
    for change in logged.all(&conn).await.unwrap() {
        assert!(change.correctie && change.gegevens.is_none(), "{change:?}");
    }
    let last_deelnemer = as_caller(
        &schema,
        Some(caller(TokenRol::Admin)),
        "mutation { verwijderDeelname(input: { sleutel: \"over-gemeenten\", gemeente: \"GM0431\", begindatum: \"2010-01-01\" }) { verwijderd } }",
        json!({}),
    )
    .await;
    assert_eq!(error(&last_deelnemer), ("CONFLICT", "gemeente"), "a fusieorganisatie keeps two deelnemers");
}

/// The change log keeps every state of a record: each change carries the row as it was right
/// after it, so a correction's earlier state stays readable after the correction.
#[tokio::test]
async fn every_change_keeps_the_state_it_made() {
    let conn = common::seeded_database().await;
    let schema = build_schema(conn.clone());
    let position = common::log_position(&conn).await;
    let correct = r#"mutation($naam: String!) { corrigeerGemeente(input: { code: "GM0363", naam: $naam }) { gemeente { naam } } }"#;
    for naam in ["Amsterdam (eerste)", "Amsterdam (tweede)"] {
        ok(&write(&schema, correct, json!({ "naam": naam })).await);
    }
    let log = r#"query($na: Int!) { wijzigingen(na: $na, first: 100) { edges { node { soort entiteit entiteitId gegevens correctie } } } }"#;
    let answer = common::data(&schema, log, json!({ "na": position })).await;
    let states: Vec<&Value> = answer["wijzigingen"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| &edge["node"])
        .filter(|change| change["entiteitId"] == "Gemeente:GM0363")
        .collect();
    assert_eq!(states.len(), 2, "{answer:#}");
    assert_eq!(states[0]["gegevens"]["naam"], "Amsterdam (eerste)", "{:#}", states[0]);
    assert_eq!(states[1]["gegevens"]["naam"], "Amsterdam (tweede)");
    assert_eq!(states[1]["gegevens"]["code"], "GM0363");
    assert_eq!(states[1]["soort"], "GEWIJZIGD");
    assert_eq!(states[1]["correctie"], true, "corrigeerGemeente corrects what the register knew");
}

/// A change in the world is no correction; a deletion keeps no state.
#[tokio::test]
async fn corrections_and_deletions_are_logged_as_such() {
    let conn = common::seeded_database().await;
    let schema = build_schema(conn.clone());
    let position = common::log_position(&conn).await;
    let register = json!({ "input": { "code": "GM9001", "naam": "Proefgemeente", "provincie": "PV27", "begindatum": "2030-01-01" } });
    ok(&write(&schema, REGISTREER_GEMEENTE, register).await);
    let log = r#"query($na: Int!) { wijzigingen(na: $na, first: 100) { edges { node { soort entiteitId gegevens correctie } } } }"#;
    let answer = common::data(&schema, log, json!({ "na": position })).await;
    let created = answer["wijzigingen"]["edges"].as_array().unwrap().last().unwrap()["node"].clone();
    assert_eq!(created["entiteitId"], "Gemeente:GM9001", "{answer:#}");
    assert_eq!(created["soort"], "AANGEMAAKT");
    assert_eq!(created["correctie"], false);
    assert_eq!(created["gegevens"]["naam"], "Proefgemeente");
}

/// A record's `geschiedenis` lists its own changes, oldest first, with the state after each: for a
/// shipped record, first the dataset's load, then what was changed since. It costs the same
/// statements for one record as for all of them.
#[tokio::test]
async fn a_record_shows_its_formal_history() {
    let schema = common::schema().await;
    let correct = r#"mutation($naam: String!) { corrigeerGemeente(input: { code: "GM0363", naam: $naam }) { gemeente { naam } } }"#;
    for naam in ["Amsterdam (eerste)", "Amsterdam (tweede)"] {
        ok(&write(&schema, correct, json!({ "naam": naam })).await);
    }
    let rename = r#"mutation { wijzigAmbtelijkeFusie(input: { sleutel: "a2", naam: "A2-gemeenten (nieuw)" }) { ambtelijkeFusie { naam } } }"#;
    ok(&write(&schema, rename, json!({})).await);

    let history = r#"query($first: Int!) { gemeenten(first: $first) { edges { node { code
        geschiedenis { volgnummer soort correctie door gegevens } } } } }"#;
    let mut counts = Vec::new();
    for first in [1, 100] {
        let (answer, statements) = common::data_and_statements(&schema, history, json!({ "first": first })).await;
        counts.push(statements);
        let edges = answer["gemeenten"]["edges"].as_array().unwrap();
        // The first page (Amsterdam is not on it) has no changes but the load.
        for edge in edges {
            let node = &edge["node"];
            let changes = node["geschiedenis"].as_array().unwrap();
            assert_eq!(changes.len(), 1, "{node:#}");
            assert_loaded(&changes[0]);
            assert_eq!(changes[0]["gegevens"]["code"], node["code"], "{node:#}");
        }
    }
    assert_eq!(counts[0], counts[1], "statements for 1 vs 100 municipalities: {counts:?}");

    let amsterdam = r#"{ gemeente(code: "GM0363") { geschiedenis { soort correctie door gegevens } } }"#;
    let answer = common::data(&schema, amsterdam, json!({})).await;
    let changes = answer["gemeente"]["geschiedenis"].as_array().unwrap();
    let names: Vec<&Value> = changes.iter().map(|c| &c["gegevens"]["naam"]).collect();
    assert_eq!(names, [&json!("Amsterdam"), &json!("Amsterdam (eerste)"), &json!("Amsterdam (tweede)")]);
    assert_loaded(&changes[0]);
    assert!(changes[1..].iter().all(|c| c["correctie"] == true && c["door"] == "redactie-bzk"), "{answer}");

    let fusie = common::data(
        &schema,
        r#"{ ambtelijkeFusie(sleutel: "a2") { geschiedenis { soort door gegevens correctie } } }"#,
        json!({}),
    )
    .await;
    let changes = fusie["ambtelijkeFusie"]["geschiedenis"].as_array().unwrap();
    assert_eq!(changes.len(), 2, "{fusie}");
    assert_loaded(&changes[0]);
    assert_eq!(changes[1]["gegevens"]["naam"], "A2-gemeenten (nieuw)");
    assert_eq!(changes[1]["correctie"], true);
}
