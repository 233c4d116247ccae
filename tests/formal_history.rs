//! Formal history (`bekendOp`): the registry answers as it was known at a moment, also after
//! corrections and deletions, on its own or side by side with the registry as known now.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use common::{as_caller, caller, data, run, write};
use fusieregister::domain::TokenRol;
use fusieregister::graphql::RegistrySchema;
use serde_json::{Value, json};

/// A broad read: records, their relations and parts (citations, evaluations, a study's list of
/// organisations), counts and a filtered list, all at one moment.
const REGISTRY: &str = r#"query($bekendOp: DateTime) {
  amsterdam: gemeente(code: "GM0363", bekendOp: $bekendOp) {
    naam begindatum bronnen { sleutel } deelnames { rol ambtelijkeFusie { sleutel naam } } }
  nieuw: gemeente(code: "GM2990", bekendOp: $bekendOp) { naam }
  ambtelijkeFusies(first: 100, bekendOp: $bekendOp) { totalCount edges { node {
    sleutel naam einddatum deelnames { rol begindatum gemeente { code naam } } evaluaties { sleutel } bronnen { sleutel } } } }
  onderzoeken(bekendOp: $bekendOp) { edges { node { sleutel organisaties { naam inRegister ambtelijkeFusie { sleutel } } } } }
  evaluaties(first: 100, bekendOp: $bekendOp) { totalCount edges { node { sleutel } } }
  statistiek(peildatum: "2020-01-01", bekendOp: $bekendOp) { aantalGemeenten aantalAmbtelijkeFusies aantalDeelnemendeGemeenten }
  proef: gemeenten(naam: "Proef", bekendOp: $bekendOp) { totalCount edges { node { code } } }
  node(id: "Gemeente:GM0363", bekendOp: $bekendOp) { ... on Gemeente { naam } }
}"#;

fn ok(response: &Value) -> &Value {
    assert!(response.get("errors").is_none(), "{response:#}");
    &response["data"]
}

fn at(moment: DateTime<Utc>) -> Value {
    json!({ "bekendOp": moment.to_rfc3339_opts(SecondsFormat::Micros, true) })
}

/// A moment strictly between the changes before and after it: the log's times have microseconds.
async fn moment_between() -> DateTime<Utc> {
    tokio::time::sleep(Duration::from_millis(5)).await;
    let moment = Utc::now();
    tokio::time::sleep(Duration::from_millis(5)).await;
    moment
}

async fn correct_amsterdam(schema: &RegistrySchema) {
    let correct = r#"mutation { corrigeerGemeente(input: { code: "GM0363", naam: "Amsterdam (gecorrigeerd)" }) { gemeente { naam } } }"#;
    ok(&write(schema, correct, json!({})).await);
}

async fn delete_bar(schema: &RegistrySchema) {
    let delete = r#"mutation { verwijderAmbtelijkeFusie(input: { sleutel: "bar" }) { verwijderd } }"#;
    ok(&as_caller(schema, Some(caller(TokenRol::Admin)), delete, json!({})).await);
}

async fn register_proefgemeente(schema: &RegistrySchema) {
    let register = r#"mutation { registreerGemeente(input: { code: "GM2990", naam: "Proefgemeente", provincie: "PV28", begindatum: "2030-01-01" }) { gemeente { code } } }"#;
    ok(&write(schema, register, json!({})).await);
}

#[tokio::test]
async fn the_registry_as_known_then_answers_as_it_did_then() {
    let schema = common::schema().await;
    let shipped = data(&schema, REGISTRY, json!({})).await;
    let before_any = moment_between().await;
    correct_amsterdam(&schema).await;
    let after_correction = data(&schema, REGISTRY, json!({})).await;
    let before_delete = moment_between().await;
    delete_bar(&schema).await;
    register_proefgemeente(&schema).await;
    let now = data(&schema, REGISTRY, json!({})).await;

    assert_eq!(now["amsterdam"]["naam"], "Amsterdam (gecorrigeerd)");
    assert_eq!(now["nieuw"]["naam"], "Proefgemeente");
    assert_ne!(now["ambtelijkeFusies"]["totalCount"], shipped["ambtelijkeFusies"]["totalCount"], "bar is gone");
    assert_eq!(data(&schema, REGISTRY, at(before_any)).await, shipped, "as known before any change");
    assert_eq!(data(&schema, REGISTRY, at(before_delete)).await, after_correction, "as known between the changes");
    let tomorrow = Utc::now() + chrono::Duration::days(1);
    assert_eq!(data(&schema, REGISTRY, at(tomorrow)).await, now, "as known after the last change: as now");
    // Asked again: the built state is kept, and answers the same.
    assert_eq!(data(&schema, REGISTRY, at(before_any)).await, shipped);

    // Before the bundled dataset was loaded the register knew nothing.
    let before_load = data(&schema, REGISTRY, json!({ "bekendOp": "2000-01-01T00:00:00Z" })).await;
    assert_eq!(before_load["amsterdam"], Value::Null);
    assert_eq!(before_load["ambtelijkeFusies"]["totalCount"], 0);
    assert_eq!(before_load["statistiek"]["aantalGemeenten"], 0);
}

#[tokio::test]
async fn both_questions_side_by_side_in_one_request() {
    let schema = common::schema().await;
    let before = moment_between().await;
    correct_amsterdam(&schema).await;
    let both = r#"query($bekendOp: DateTime!) {
      nu: gemeenten(peildatum: "2015-01-01", naam: "Amsterdam") { edges { node { naam provincie { naam } } } }
      toen: gemeenten(peildatum: "2015-01-01", naam: "Amsterdam", bekendOp: $bekendOp) { edges { node { naam provincie { naam } } } }
    }"#;
    let answer = data(&schema, both, at(before)).await;
    assert_eq!(
        answer["nu"]["edges"][0]["node"],
        json!({ "naam": "Amsterdam (gecorrigeerd)", "provincie": { "naam": "Noord-Holland" } })
    );
    assert_eq!(
        answer["toen"]["edges"][0]["node"],
        json!({ "naam": "Amsterdam", "provincie": { "naam": "Noord-Holland" } })
    );
    // "Amsterdam (gecorrigeerd)" matches the filter now; as known then, only the old name did.
    let names = r#"query($bekendOp: DateTime!) { toen: gemeenten(naam: "gecorrigeerd", bekendOp: $bekendOp) { totalCount } nu: gemeenten(naam: "gecorrigeerd") { totalCount } }"#;
    assert_eq!(
        data(&schema, names, at(before)).await,
        json!({ "toen": { "totalCount": 0 }, "nu": { "totalCount": 1 } })
    );
}

/// Under `bekendOp` a nested list still costs a fixed number of statements.
#[tokio::test]
async fn a_moment_keeps_the_statement_count_fixed() {
    let schema = common::schema().await;
    let before = moment_between().await;
    correct_amsterdam(&schema).await;
    let nested = r#"query($first: Int!, $bekendOp: DateTime!) { gemeenten(first: $first, bekendOp: $bekendOp) {
        edges { node { naam provincie { naam } deelnames { ambtelijkeFusie { naam } } } } } }"#;
    let mut counts = Vec::new();
    for first in [1, 100] {
        let mut variables = at(before);
        variables["first"] = json!(first);
        counts.push(common::data_and_statements(&schema, nested, variables).await.1);
    }
    assert_eq!(counts[0], counts[1], "statements for 1 vs 100 municipalities as known then: {counts:?}");
}

#[tokio::test]
async fn the_load_is_every_shipped_record_s_first_change() {
    let schema = common::schema().await;
    correct_amsterdam(&schema).await;
    let history = r#"{ gemeente(code: "GM0363") { geschiedenis { volgnummer soort door correctie gegevens } } }"#;
    let answer = data(&schema, history, json!({})).await;
    let changes = answer["gemeente"]["geschiedenis"].as_array().unwrap();
    assert_eq!(changes.len(), 2, "{answer:#}");
    assert_eq!(
        (&changes[0]["soort"], &changes[0]["door"], &changes[0]["correctie"]),
        (&json!("AANGEMAAKT"), &json!("dataset"), &json!(false))
    );
    assert_eq!(changes[0]["gegevens"]["naam"], "Amsterdam");
    assert!(
        changes[0]["gegevens"]["_onderdelen"]["bronvermelding"].as_array().is_some_and(|rows| !rows.is_empty()),
        "citations come along"
    );
    assert_eq!((&changes[1]["soort"], &changes[1]["correctie"]), (&json!("GEWIJZIGD"), &json!(true)));
    assert_eq!(changes[1]["gegevens"]["naam"], "Amsterdam (gecorrigeerd)");
}

/// Every `geschiedenis` list below `value`, with the path of the record it belongs to.
fn histories<'a>(value: &'a Value, path: &str, found: &mut Vec<(String, &'a Vec<Value>)>) {
    match value {
        Value::Object(fields) => {
            for (name, field) in fields {
                match (name.as_str(), field) {
                    ("geschiedenis", Value::Array(changes)) => found.push((path.to_owned(), changes)),
                    _ => histories(field, &format!("{path}.{name}"), found),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                histories(item, &format!("{path}[{i}]"), found);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn every_kind_of_record_exposes_its_history() {
    let schema = common::schema().await;
    let end = r#"mutation { beeindigDeelname(input: { sleutel: "abg", gemeente: "GM0744", einddatum: "2025-12-31" }) { deelname { rol } } }"#;
    ok(&write(&schema, end, json!({})).await);
    let change = "geschiedenis { soort door correctie gegevens }";
    let query = format!(
        r#"{{
      provincies {{ {change} }}
      ambtelijkeFusie(sleutel: "abg") {{ deelnames {{ gemeente {{ code }} {change} }} bronnen {{ {change} }} }}
      herindelingen(first: 3) {{ edges {{ node {{ {change} }} }} }}
      onderzoeken(first: 3) {{ edges {{ node {{ {change} kengetallen {{ {change} }} }} }} }}
      evaluaties(first: 3) {{ edges {{ node {{ {change} }} }} }}
    }}"#
    );
    let answer = data(&schema, &query, json!({})).await;
    let mut found = Vec::new();
    histories(&answer, "", &mut found);
    for kind in
        [".provincies", ".deelnames", ".bronnen", ".herindelingen", ".onderzoeken", ".kengetallen", ".evaluaties"]
    {
        assert!(found.iter().any(|(path, _)| path.contains(kind)), "no history under {kind}: {answer:#}");
    }
    for (path, changes) in &found {
        let first = changes.first().unwrap_or_else(|| panic!("{path}: an empty history"));
        assert_eq!((&first["soort"], &first["door"]), (&json!("AANGEMAAKT"), &json!("dataset")), "{path}");
        assert!(first["gegevens"].is_object(), "{path}: the state after the load");
    }

    let deelnames = answer["ambtelijkeFusie"]["deelnames"].as_array().unwrap();
    let ended = deelnames.iter().find(|d| d["gemeente"]["code"] == "GM0744").unwrap();
    let changes = ended["geschiedenis"].as_array().unwrap();
    assert_eq!(changes.len(), 2, "{ended:#}");
    assert_eq!((&changes[1]["soort"], &changes[1]["correctie"]), (&json!("BEEINDIGD"), &json!(false)));
    assert_eq!(changes[1]["gegevens"]["einddatum"], "2025-12-31");
}

#[tokio::test]
async fn a_malformed_moment_is_refused_with_its_field() {
    let schema = common::schema().await;
    let response = run(&schema, r#"{ gemeente(code: "GM0363", bekendOp: "gisteren") { naam } }"#, json!({})).await;
    assert!(response["errors"][0]["message"].as_str().unwrap_or_default().contains("bekendOp"), "{response:#}");
}
