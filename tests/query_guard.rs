//! The query guard: standard introspection passes, introspection abuse and costly data queries
//! are refused with `QUERY_TOO_COMPLEX` and the limit that was hit, and documents built to make
//! validation explode are refused without being expanded.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use std::fmt::Write as _;
use std::sync::Arc;

use fusieregister::events::Feed;
use fusieregister::graphql::{RegistrySchema, SchemaOptions, build_schema, build_schema_with};
use serde_json::{Value, json};

/// graphql-js 16's `getIntrospectionQuery()` with every option on (descriptions,
/// specifiedByUrl, directiveIsRepeatable, schemaDescription, inputValueDeprecation, oneOf), as
/// GraphiQL, graphql-codegen and Apollo tooling send it; made by `tools/clients` with
/// `node -e 'console.log(require("graphql").getIntrospectionQuery({…}))'`.
const GRAPHQL_JS_INTROSPECTION: &str = include_str!("fixtures/graphql-js-16-introspection.graphql");

async fn empty_schema() -> RegistrySchema {
    build_schema(common::empty_database().await)
}

async fn refusal(schema: &RegistrySchema, query: &str) -> (String, String) {
    let response = common::run(schema, query, json!({})).await;
    let error = &response["errors"][0];
    assert!(response["data"].is_null(), "a refused document runs nothing: {response}");
    (
        error["extensions"]["code"].as_str().unwrap_or_default().to_owned(),
        error["extensions"]["limit"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn graphql_js_standard_introspection_returns_the_whole_schema() {
    let schema = empty_schema().await;
    let response = common::run(&schema, GRAPHQL_JS_INTROSPECTION, json!({})).await;
    assert!(response["errors"].is_null(), "{}", response["errors"]);
    let types = response["data"]["__schema"]["types"].as_array().expect("types");
    let names: Vec<&str> = types.iter().filter_map(|t| t["name"].as_str()).collect();
    for expected in ["Query", "Mutation", "Subscription", "Gemeente", "AmbtelijkeFusie", "Statistiek", "Date"] {
        assert!(names.contains(&expected), "{expected} missing from {names:?}");
    }
    let query = types.iter().find(|t| t["name"] == "Query").expect("Query");
    let gemeenten = query["fields"].as_array().unwrap().iter().find(|f| f["name"] == "gemeenten").unwrap();
    assert!(gemeenten["description"].as_str().is_some_and(|d| !d.is_empty()));
}

#[tokio::test]
async fn introspection_nested_thirty_deep_is_refused() {
    let mut query = String::from("{ __type(name: \"Gemeente\") { ");
    for _ in 0..15 {
        query.push_str("fields { type { ");
    }
    query.push_str("name");
    query.push_str(&" } }".repeat(15));
    query.push_str(" } }");
    let (code, limit) = refusal(&empty_schema().await, &query).await;
    assert_eq!(code, "QUERY_TOO_COMPLEX");
    assert!(limit == "introspectionDepth" || limit == "introspectionLists", "{limit}");
}

#[tokio::test]
async fn lists_nested_inside_introspection_are_refused_even_when_shallow() {
    // types → fields → type → fields → type → fields: only 6 + 1 deep, but every level is a
    // list of the whole schema.
    let query = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
    let (code, limit) = refusal(&empty_schema().await, query).await;
    assert_eq!((code.as_str(), limit.as_str()), ("QUERY_TOO_COMPLEX", "introspectionLists"));
}

#[tokio::test]
async fn hundreds_of_aliased_schema_selections_are_refused() {
    let mut query = String::from("{");
    for i in 0..300 {
        write!(query, " s{i}: __schema {{ types {{ name }} }}").unwrap();
    }
    query.push('}');
    let (code, limit) = refusal(&empty_schema().await, &query).await;
    assert_eq!((code.as_str(), limit.as_str()), ("QUERY_TOO_COMPLEX", "introspectionRoots"));
}

#[tokio::test]
async fn fragments_that_each_spread_the_next_twice_are_refused_without_expanding_them() {
    // 2^28 selections once expanded; async-graphql's own walks took 47 s on this document.
    let mut query = String::from("{ gemeente(code: \"GM0363\") { ...D0 } }\n");
    for level in 0..28 {
        writeln!(query, "fragment D{level} on Gemeente {{ ...D{next} ...D{next} }}", next = level + 1).unwrap();
    }
    query.push_str("fragment D28 on Gemeente { naam }\n");
    let (code, limit) = refusal(&empty_schema().await, &query).await;
    assert_eq!((code.as_str(), limit.as_str()), ("QUERY_TOO_COMPLEX", "selections"));
}

#[tokio::test]
async fn a_fragment_cycle_is_a_validation_error_not_a_hang() {
    let query = "{ gemeente(code: \"GM0363\") { ...A } } fragment A on Gemeente { naam ...B } \
                 fragment B on Gemeente { ...A }";
    let (code, _) = refusal(&empty_schema().await, query).await;
    assert_eq!(code, "GRAPHQL_VALIDATION_FAILED");
}

#[tokio::test]
async fn too_many_tokens_and_too_deep_nesting_are_refused_before_parsing() {
    let schema = empty_schema().await;
    let many = format!("{{ {} }}", "__typename ".repeat(20_000));
    assert_eq!(refusal(&schema, &many).await, ("QUERY_TOO_COMPLEX".to_owned(), "tokens".to_owned()));
    let deep = format!("{}{}", "{ a ".repeat(100), "}".repeat(100));
    assert_eq!(refusal(&schema, &deep).await, ("QUERY_TOO_COMPLEX".to_owned(), "nesting".to_owned()));
    let deep_value = format!("{{ nodes(ids: {}\"x\"{}) {{ id }} }}", "[".repeat(100), "]".repeat(100));
    assert_eq!(refusal(&schema, &deep_value).await, ("QUERY_TOO_COMPLEX".to_owned(), "nesting".to_owned()));
}

#[tokio::test]
async fn data_fields_keep_their_depth_limit() {
    // gemeente → voorgangers → opvolgers → … : 13 levels of data fields.
    let mut query = String::from("{ gemeente(code: \"GM0363\") { ");
    for i in 0..11 {
        query.push_str(if i % 2 == 0 { "voorgangers { " } else { "opvolgers { " });
    }
    query.push_str("naam");
    query.push_str(&" }".repeat(11));
    query.push_str(" } }");
    let (code, limit) = refusal(&empty_schema().await, &query).await;
    assert_eq!((code.as_str(), limit.as_str()), ("QUERY_TOO_COMPLEX", "depth"));
}

/// A page of 100 municipalities, each with its fusies and their members: the README's nested
/// query, with an alias prefix.
fn nested_page(alias: &str) -> String {
    format!(
        "{alias}: gemeenten(first: 100) {{ edges {{ node {{ code naam provincie {{ naam }} \
         ambtelijkeFusies {{ naam deelnames {{ rol gemeente {{ code naam }} }} }} }} }} }}"
    )
}

#[tokio::test]
async fn the_nested_page_passes_and_many_aliases_of_it_are_refused_by_cost() {
    let schema = common::schema().await;
    let one = format!("{{ {} }}", nested_page("a"));
    let response = common::run(&schema, &one, json!({})).await;
    assert!(response["errors"].is_null(), "{}", response["errors"]);
    assert_eq!(response["data"]["a"]["edges"].as_array().map(Vec::len), Some(100));

    // 150 such pages fit the old limits (2,000 fields, 12 deep) and answered 3.3 MB.
    let many = format!("{{ {} }}", (0..150).map(|i| nested_page(&format!("a{i}"))).collect::<Vec<_>>().join(" "));
    let (code, limit) = refusal(&schema, &many).await;
    assert_eq!((code.as_str(), limit.as_str()), ("QUERY_TOO_COMPLEX", "cost"));
}

#[tokio::test]
async fn the_page_size_in_a_variable_counts() {
    let schema = empty_schema().await;
    let page = |alias: &str| {
        format!(
            "{alias}: gemeenten(first: $n) {{ edges {{ node {{ naam herindelingen {{ datum \
             opgeheven {{ naam }} ontvangend {{ naam }} nieuw {{ naam }} }} }} }} }}"
        )
    };
    let aliases: Vec<String> = (0..32).map(|i| page(&format!("a{i}"))).collect();
    let query = format!("query($n: Int) {{ {} }}", aliases.join(" "));
    let small = common::run(&schema, &query, json!({ "n": 2 })).await;
    assert!(small["errors"].is_null(), "{}", small["errors"]);
    let large = common::run(&schema, &query, json!({ "n": 100 })).await;
    assert_eq!(large["errors"][0]["extensions"]["limit"], "cost", "{large}");
}

#[tokio::test]
async fn introspection_can_be_switched_off() {
    let db = common::empty_database().await;
    let feed = Arc::new(Feed::new(db.clone()));
    let schema = build_schema_with(db, feed, SchemaOptions { introspection: false, ..SchemaOptions::default() });
    let response = common::run(&schema, GRAPHQL_JS_INTROSPECTION, json!({})).await;
    assert!(response["data"]["__schema"].is_null(), "{response}");
    let data = common::run(&schema, "{ provincies { code } }", json!({})).await;
    assert!(data["errors"].is_null(), "data queries still run: {data}");
}

#[tokio::test]
async fn suggestions_can_be_switched_off() {
    let db = common::empty_database().await;
    let feed = Arc::new(Feed::new(db.clone()));
    let with = build_schema(db.clone());
    let without = build_schema_with(db, feed, SchemaOptions { suggestions: false, ..SchemaOptions::default() });
    let message = |v: Value| v["errors"][0]["message"].as_str().unwrap_or_default().to_owned();
    let query = "{ gemeent(code: \"GM0363\") { naam } }";
    assert!(message(common::run(&with, query, json!({})).await).contains("Did you mean"));
    assert!(!message(common::run(&without, query, json!({})).await).contains("Did you mean"));
}

#[tokio::test]
async fn skip_and_include_read_a_variables_default() {
    let schema = common::schema().await;
    let query = r#"query($ja: Boolean = true, $nee: Boolean = false) { gemeente(code: "GM0363") {
        naam @include(if: $ja) code @skip(if: $ja) ... @include(if: $nee) { versie } provincie @skip(if: $nee) { code } } }"#;
    let amsterdam = &common::data(&schema, query, json!({})).await["gemeente"];
    assert_eq!(amsterdam, &json!({ "naam": "Amsterdam", "provincie": { "code": "PV27" } }));
    // A value given wins over the default.
    let given = &common::data(&schema, query, json!({ "ja": false })).await["gemeente"];
    assert_eq!(given, &json!({ "code": "GM0363", "provincie": { "code": "PV27" } }));
}
