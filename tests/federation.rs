//! The Apollo Federation v2 subgraph (`--federation`): its SDL, `_service` and `_entities`, and
//! that the plain schema does not change.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use async_graphql::{Executor, Request, Variables};
use fusieregister::graphql::{FederatedSchema, build_federated_schema, federated_sdl, sdl};
use serde_json::{Value, json};

use common::{data_and_statements, first_error_code, first_error_field, seeded_database};

async fn subgraph() -> FederatedSchema {
    build_federated_schema(seeded_database().await)
}

/// The whole response of `query` as JSON.
async fn run(schema: &impl Executor, query: &str, variables: Value) -> Value {
    let request = Request::new(query).variables(Variables::from_json(variables));
    serde_json::to_value(schema.execute(request).await).unwrap()
}

const ENTITIES: &str = r"query($representations: [_Any!]!) {
    _entities(representations: $representations) {
        __typename
        ... on Gemeente { code naam provincie { code } }
        ... on Fusieorganisatie { sleutel naam }
        ... on Centrumconstructie { sleutel naam }
    }
}";

fn gemeenten(codes: &[String]) -> Value {
    codes.iter().map(|code| json!({ "__typename": "Gemeente", "code": code })).collect()
}

/// The CBS codes of the first `n` municipalities.
async fn codes(schema: &FederatedSchema, n: usize) -> Vec<String> {
    let response =
        run(schema, "query($n: Int) { gemeenten(first: $n) { edges { node { code } } } }", json!({ "n": n })).await;
    response["data"]["gemeenten"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"]["code"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_plain_schema_has_nothing_of_federation() {
    let plain = sdl();
    for federation in ["_entities", "_service", "_Entity", "_Any", "@key", "@link"] {
        assert!(!plain.contains(federation), "the plain SDL has {federation}");
    }
    let schema = common::schema().await;
    for query in ["{ _service { sdl } }", r#"{ _entities(representations: []) { __typename } }"#] {
        let response = run(&schema, query, json!({})).await;
        assert_eq!(first_error_code(&response), "GRAPHQL_VALIDATION_FAILED", "{response:#}");
    }
}

#[tokio::test]
async fn the_subgraph_sdl_is_federation_v2_with_the_keys() {
    let sdl = federated_sdl();
    assert!(sdl.contains("extend schema @link("), "{sdl}");
    assert!(sdl.contains(r#"url: "https://specs.apollo.dev/federation/v2."#), "{sdl}");
    assert!(sdl.contains(r#""@key""#), "@key is imported");
    assert!(sdl.contains(r#"type Gemeente implements Node @key(fields: "code")"#));
    assert!(sdl.contains(r#"@key(fields: "sleutel")"#));
    for fusie in ["Fusieorganisatie", "Centrumconstructie"] {
        let line = sdl.lines().find(|l| l.starts_with(&format!("type {fusie} "))).unwrap();
        assert!(line.ends_with(r#"@key(fields: "sleutel") {"#), "{line}");
    }
    // What a gateway reads from the server is the same SDL as `schema --federation` prints.
    let response = run(&subgraph().await, "{ _service { sdl } }", json!({})).await;
    assert_eq!(response["data"]["_service"]["sdl"].as_str(), Some(sdl.as_str()));
}

#[tokio::test]
async fn a_hundred_representations_cost_as_many_statements_as_one() {
    let schema = subgraph().await;
    let codes = codes(&schema, 100).await;
    assert_eq!(codes.len(), 100);

    let (one, one_statements) =
        data_and_statements(&schema, ENTITIES, json!({ "representations": gemeenten(&codes[..1]) })).await;
    assert_eq!(one["_entities"][0]["code"], json!(codes[0]));

    let (all, statements) =
        data_and_statements(&schema, ENTITIES, json!({ "representations": gemeenten(&codes) })).await;
    let entities = all["_entities"].as_array().unwrap();
    assert_eq!(entities.len(), 100);
    for (entity, code) in entities.iter().zip(&codes) {
        assert_eq!(entity["__typename"], "Gemeente");
        assert_eq!(entity["code"].as_str(), Some(code.as_str()), "in the order asked");
        assert!(entity["naam"].as_str().is_some_and(|naam| !naam.is_empty()));
        assert!(entity["provincie"]["code"].as_str().is_some_and(|code| code.starts_with("PV")));
    }
    eprintln!("_entities: 1 representation, {one_statements} statements; 100, {statements}");
    // One statement for the municipalities and one for their provinces, whatever their number.
    assert_eq!(statements, one_statements, "100 representations: {statements}, 1: {one_statements}");
    assert!(statements <= 2, "{statements} statements");
}

#[tokio::test]
async fn fusies_resolve_by_key_and_form_and_unknown_keys_are_null() {
    let schema = subgraph().await;
    let query = "{ ambtelijkeFusies(first: 100) { edges { node { __typename sleutel } } } }";
    let response = run(&schema, query, json!({})).await;
    let edges = response["data"]["ambtelijkeFusies"]["edges"].as_array().unwrap().clone();
    let of_form = |form: &str| {
        edges
            .iter()
            .find(|e| e["node"]["__typename"] == form)
            .map(|e| e["node"]["sleutel"].as_str().unwrap().to_owned())
    };
    let fusieorganisatie = of_form("Fusieorganisatie").expect("the dataset has a fusieorganisatie");
    let centrumconstructie = of_form("Centrumconstructie").expect("the dataset has a centrumconstructie");

    let representations = json!([
        { "__typename": "Fusieorganisatie", "sleutel": fusieorganisatie },
        { "__typename": "Centrumconstructie", "sleutel": centrumconstructie },
        // The right key under the other form, and keys that exist nowhere.
        { "__typename": "Centrumconstructie", "sleutel": fusieorganisatie },
        { "__typename": "Fusieorganisatie", "sleutel": "bestaat-niet" },
        { "__typename": "Gemeente", "code": "GM9999" },
    ]);
    let (data, statements) =
        data_and_statements(&schema, ENTITIES, json!({ "representations": representations })).await;
    let entities = data["_entities"].as_array().unwrap();
    assert_eq!(entities[0]["sleutel"].as_str(), Some(fusieorganisatie.as_str()));
    assert_eq!(entities[0]["__typename"], "Fusieorganisatie");
    assert_eq!(entities[1]["sleutel"].as_str(), Some(centrumconstructie.as_str()));
    assert_eq!(entities[1]["__typename"], "Centrumconstructie");
    assert_eq!(&entities[2..], &[Value::Null, Value::Null, Value::Null]);
    assert!(statements <= 2, "one batch per key type: {statements}");
}

#[tokio::test]
async fn a_malformed_key_or_representation_gets_a_coded_error() {
    let schema = subgraph().await;
    let malformed = json!([{ "__typename": "Gemeente", "code": "Amsterdam" }]);
    let response = run(&schema, ENTITIES, json!({ "representations": malformed })).await;
    assert_eq!(first_error_code(&response), "BAD_USER_INPUT", "{response:#}");
    assert_eq!(first_error_field(&response), "code");

    for bad in [
        json!([{ "__typename": "Gemeente" }]),
        json!([{ "__typename": "Provincie", "code": "PV27" }]),
        json!([{ "code": "GM0363" }]),
    ] {
        let response = run(&schema, ENTITIES, json!({ "representations": bad })).await;
        assert_eq!(first_error_code(&response), "BAD_USER_INPUT", "{bad}: {response:#}");
        assert_eq!(first_error_field(&response), "representations", "{bad}");
    }
}

#[test]
fn the_schema_command_prints_the_subgraph_sdl_with_federation() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_fusieregister"))
        .args(["schema", "--federation"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8(output.stdout).unwrap().trim_end(), federated_sdl().trim_end());
}
