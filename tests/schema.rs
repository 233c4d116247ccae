//! The committed SDL matches the code, and every item of the schema is documented.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

use async_graphql::Request;
use fusieregister::graphql::{bare_schema, sdl};
use serde_json::Value;

#[test]
fn committed_schema_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql exists at the top of the repository");
    let built = sdl();
    assert!(
        committed.trim_end() == built.trim_end(),
        "schema.graphql differs from the schema built by the code; regenerate it with\n  cargo run -- schema > schema.graphql\nand review the difference"
    );
}

const INTROSPECTION: &str = r#"{ __schema { types {
    name kind description
    fields(includeDeprecated: true) { name description args { name description } }
    inputFields { name description }
    enumValues(includeDeprecated: true) { name description }
} } }"#;

fn undocumented(description: &Value) -> bool {
    description.as_str().is_none_or(|d| d.trim().is_empty())
}

#[tokio::test]
async fn every_type_field_argument_and_enum_value_is_documented() {
    let response = bare_schema().execute(Request::new(INTROSPECTION)).await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let json = serde_json::to_value(&response.data).expect("introspection serialises");
    let mut missing = Vec::new();
    for ty in json["__schema"]["types"].as_array().expect("types") {
        let name = ty["name"].as_str().unwrap_or_default();
        // Introspection types and the spec's own ID scalar are not ours to describe.
        if name.starts_with("__") || name == "ID" {
            continue;
        }
        if undocumented(&ty["description"]) {
            missing.push(format!("type {name}"));
        }
        for field in
            ty["fields"].as_array().into_iter().flatten().chain(ty["inputFields"].as_array().into_iter().flatten())
        {
            let field_name = field["name"].as_str().unwrap_or_default();
            if undocumented(&field["description"]) {
                missing.push(format!("field {name}.{field_name}"));
            }
            for arg in field["args"].as_array().into_iter().flatten() {
                if undocumented(&arg["description"]) {
                    missing.push(format!("argument {name}.{field_name}({})", arg["name"].as_str().unwrap_or_default()));
                }
            }
        }
        for value in ty["enumValues"].as_array().into_iter().flatten() {
            if undocumented(&value["description"]) {
                missing.push(format!("enum value {name}.{}", value["name"].as_str().unwrap_or_default()));
            }
        }
    }
    assert!(missing.is_empty(), "undocumented schema items:\n{}", missing.join("\n"));
}

/// `type.field` → its type written in SDL notation, e.g. `Query.node` → `Node`.
fn field_types(json: &Value) -> std::collections::HashMap<String, String> {
    fn render(ty: &Value) -> String {
        match ty["kind"].as_str() {
            Some("NON_NULL") => format!("{}!", render(&ty["ofType"])),
            Some("LIST") => format!("[{}]", render(&ty["ofType"])),
            _ => ty["name"].as_str().unwrap_or_default().to_owned(),
        }
    }
    let mut out = std::collections::HashMap::new();
    for ty in json["__schema"]["types"].as_array().into_iter().flatten() {
        for field in ty["fields"].as_array().into_iter().flatten() {
            let key =
                format!("{}.{}", ty["name"].as_str().unwrap_or_default(), field["name"].as_str().unwrap_or_default());
            out.insert(key, render(&field["type"]));
        }
    }
    out
}

#[tokio::test]
async fn contract_names_are_in_the_schema() {
    let query = r#"{ __schema { types { name fields { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }"#;
    let response = bare_schema().execute(Request::new(query)).await;
    let types = field_types(&serde_json::to_value(&response.data).expect("serialises"));
    for (field, ty) in [
        ("Query.node", "Node"),
        ("Query.nodes", "[Node]!"),
        ("Query.gemeente", "Gemeente"),
        ("Query.gemeenten", "GemeenteConnection!"),
        ("Query.provincies", "[Provincie!]!"),
        ("Query.ambtelijkeFusie", "AmbtelijkeFusie"),
        ("Query.ambtelijkeFusies", "AmbtelijkeFusieConnection!"),
        ("Query.fusieorganisaties", "FusieorganisatieConnection!"),
        ("Query.centrumconstructies", "CentrumconstructieConnection!"),
        ("Query.herindelingen", "HerindelingConnection!"),
        ("Query.onderzoeken", "OnderzoekConnection!"),
        ("Query.evaluaties", "EvaluatieConnection!"),
        ("Query.statistiek", "Statistiek!"),
        ("Centrumconstructie.centrumgemeente", "Gemeente"),
        ("Deelname.ambtelijkeFusie", "AmbtelijkeFusie!"),
        ("GemeenteConnection.totalCount", "Int!"),
        ("Statistiek.aantalGemeenten", "Int!"),
    ] {
        assert_eq!(types.get(field).map(String::as_str), Some(ty), "{field}");
    }
    let sdl = sdl();
    assert!(
        sdl.contains("type Fusieorganisatie implements Node & AmbtelijkeFusie")
            || sdl.contains("type Fusieorganisatie implements AmbtelijkeFusie & Node")
    );
    assert!(sdl.contains("scalar Date"));
}
