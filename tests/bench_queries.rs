//! The SQL statements each benchmark query of `bench/` costs, on the bundled dataset: a
//! DataLoader that stops batching, or a `COUNT(*)` nobody asked for, changes a count here
//! before it shows in a benchmark. The queries are the benchmark's own files.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use common::{data, data_and_statements, seeded_database};
use fusieregister::graphql::{RegistrySchema, build_schema};
use serde_json::{Value, json};

/// A schema over a seeded database.
async fn counted_schema() -> RegistrySchema {
    build_schema(seeded_database().await)
}

#[tokio::test]
async fn lookup_by_cbs_code() {
    let schema = counted_schema().await;
    let (answer, statements) =
        data_and_statements(&schema, include_str!("../bench/queries/lookup.graphql"), json!({})).await;
    assert_eq!(answer["gemeente"]["provincie"]["code"], "PV27");
    // The municipality joined with its province.
    assert_eq!(statements, 1);
}

#[tokio::test]
async fn nested_query_over_100_municipalities() {
    let schema = counted_schema().await;
    let (answer, statements) =
        data_and_statements(&schema, include_str!("../bench/queries/nested.graphql"), json!({})).await;
    let edges = answer["gemeenten"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 100);
    assert!(edges.iter().any(|e| !e["node"]["ambtelijkeFusies"].as_array().unwrap().is_empty()));
    // The page (no `totalCount` asked, so no count), then one statement per relation and level:
    // provinces and deelnames of the municipalities, their fusies, the fusies' deelnames, and
    // those deelnames' municipalities.
    assert_eq!(statements, 6);
}

#[tokio::test]
async fn all_municipalities_with_their_herindelingen() {
    let schema = counted_schema().await;
    // The cursors of pages 2..7, as a client gets them.
    let walk = "query($after: String) { gemeenten(first: 100, after: $after) { pageInfo { endCursor } } }";
    let mut variables = serde_json::Map::new();
    let mut after = Value::Null;
    for page in 2..=7 {
        let answer = data(&schema, walk, json!({ "after": after })).await;
        after = answer["gemeenten"]["pageInfo"]["endCursor"].clone();
        variables.insert(format!("a{page}"), after.clone());
    }
    let (answer, statements) =
        data_and_statements(&schema, include_str!("../bench/queries/herindelingen.graphql"), Value::Object(variables))
            .await;
    let municipalities: usize = (1..=7).map(|p| answer[format!("p{p}")]["edges"].as_array().unwrap().len()).sum();
    assert_eq!(municipalities, 606, "every municipality of the bundled dataset, once");
    // One select per page (no `totalCount` asked), all in the first round; then the links, the
    // herindelingen, their links and those links' municipalities, once each for all pages.
    assert_eq!(statements, 7 + 4);
}

#[tokio::test]
async fn filtered_connection_page() {
    let schema = counted_schema().await;
    let (answer, statements) =
        data_and_statements(&schema, include_str!("../bench/queries/filtered.graphql"), json!({})).await;
    assert!(answer["ambtelijkeFusies"]["totalCount"].as_u64().unwrap() > 0);
    // The count it asks for, the page, the deelnames of its fusies and their municipalities.
    assert_eq!(statements, 4);
}

#[tokio::test]
async fn statistiek_on_a_date() {
    let schema = counted_schema().await;
    let (answer, statements) =
        data_and_statements(&schema, include_str!("../bench/queries/statistiek.graphql"), json!({})).await;
    assert_eq!(answer["statistiek"]["aantalGemeenten"], 393);
    // Provinces, municipalities per province, fusies, deelnames and figures valid on the date,
    // and the organisations behind the study's count of fusies for that date.
    assert_eq!(statements, 6);
}
