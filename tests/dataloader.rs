//! Every relation loads through a DataLoader: a nested query over 100 municipalities sends as
//! many SQL statements as the same query over one.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use common::{data_and_statements, seeded_database};
use fusieregister::graphql::build_schema;
use serde_json::json;

const NESTED: &str = r#"
query($first: Int!) {
  gemeenten(first: $first) {
    totalCount
    edges { node {
      code naam
      provincie { naam bronnen { titel } }
      bronnen { titel toelichting }
      voorgangers { code }
      opvolgers { code }
      herindelingen { sleutel opgeheven { code } nieuw { code } ontvangend { code } bronnen { url } }
      deelnames { id rol gemeente { code } }
      ambtelijkeFusies {
        __typename sleutel
        gemeenten { code provincie { code } }
        deelnames(peildatum: "2015-01-01") { rol begindatum }
        evaluaties { sleutel doelen { doel } risicos { risico } motieven { motief } onderzoek { titel kengetallen { waarde } } }
        bronnen { titel }
        ... on Centrumconstructie { centrumgemeente { code } afnemers { code } }
      }
    } }
  }
}"#;

#[tokio::test]
async fn nested_query_costs_the_same_for_1_and_100_municipalities() {
    let schema = build_schema(seeded_database().await);

    let mut counts = Vec::new();
    for first in [1, 100] {
        let (d, statements) = data_and_statements(&schema, NESTED, json!({ "first": first })).await;
        assert_eq!(d["gemeenten"]["edges"].as_array().map(Vec::len), Some(first));
        counts.push(statements);
    }
    assert!(counts[0] > 0, "the counter sees statements");
    assert_eq!(counts[0], counts[1], "statements for 1 vs 100 municipalities: {counts:?}");
}

#[tokio::test]
async fn the_whole_registry_of_fusies_costs_a_fixed_number_of_statements() {
    let schema = build_schema(seeded_database().await);
    // Woerden-Oudewater alone touches every relation of the query (members with predecessors,
    // an evaluation, sources), so any extra statement for all 32 would be a per-row query.
    let query = r#"query($naam: String) { ambtelijkeFusies(naam: $naam, first: 100) { totalCount edges { node {
        naam deelnames { gemeente { naam provincie { naam } voorgangers { code } } }
        gemeenten { naam } evaluaties { samenvatting } bronnen { titel } } } } }"#;
    let mut counts = Vec::new();
    for (naam, expected) in [(Some("woerden"), 1), (None, 32)] {
        let (d, statements) = data_and_statements(&schema, query, json!({ "naam": naam })).await;
        assert_eq!(d["ambtelijkeFusies"]["totalCount"], expected);
        counts.push(statements);
    }
    assert_eq!(counts[0], counts[1], "statements for 1 vs 32 fusies: {counts:?}");
}

#[tokio::test]
async fn a_lookup_reads_its_province_in_the_same_statement() {
    let schema = build_schema(seeded_database().await);
    // Aliases, a fragment and a second root field: each lookup answers its own province, and
    // the provinces read along answer the municipalities found below them too.
    let query = r#"{
      a: gemeente(code: "GM0363") { ...metProvincie }
      b: gemeente(code: "gm0344") { naam prov: provincie { naam gemeenten { code provincie { code } } } }
    }
    fragment metProvincie on Gemeente { naam provincie { code naam } }"#;
    let (d, statements) = data_and_statements(&schema, query, json!({})).await;
    assert_eq!(d["a"]["naam"], "Amsterdam");
    assert_eq!(d["a"]["provincie"], json!({ "code": "PV27", "naam": "Noord-Holland" }));
    assert_eq!(d["b"]["prov"]["naam"], "Utrecht");
    let utrecht = d["b"]["prov"]["gemeenten"].as_array().unwrap();
    assert!(utrecht.iter().any(|g| g["code"] == "GM0344"));
    assert!(utrecht.iter().all(|g| g["provincie"]["code"] == "PV26"), "{utrecht:?}");
    // Both lookups with their provinces, then Utrecht's municipalities.
    assert_eq!(statements, 2);

    let (d, statements) = data_and_statements(&schema, r#"{ gemeente(code: "GM0363") { naam } }"#, json!({})).await;
    assert_eq!(d["gemeente"]["naam"], "Amsterdam");
    assert_eq!(statements, 1, "without the province, no join");
    let (d, _) =
        data_and_statements(&schema, r#"{ gemeente(code: "GM9999") { provincie { code } } }"#, json!({})).await;
    assert_eq!(d["gemeente"], serde_json::Value::Null);
}
