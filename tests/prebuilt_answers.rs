//! Municipalities and fusies whose answers are built without a resolver per field (`graphql::prebuilt`)
//! answer exactly as the resolvers do: every document here is run both ways and the whole
//! responses compared, and the report says which way each took.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use std::sync::Arc;

use async_graphql::{Request, Variables};
use common::seeded_database;
use fusieregister::graphql::pipeline::RequestReport;
use fusieregister::graphql::prebuilt::ResolveEveryField;
use fusieregister::graphql::{RegistrySchema, build_schema};
use proptest::prelude::*;
use serde_json::{Value, json};

/// The response to `query` and the objects whose answers were built, one way or the other.
async fn answer(schema: &RegistrySchema, query: &str, variables: &Value, resolvers_only: bool) -> (Value, u64) {
    let report = Arc::new(RequestReport::default());
    let mut request = Request::new(query).variables(Variables::from_json(variables.clone())).data(report.clone());
    if resolvers_only {
        request = request.data(ResolveEveryField);
    }
    let response = serde_json::to_value(schema.execute(request).await).expect("a response serialises");
    (response, report.prebuilt())
}

/// Runs `query` both ways, asserts equal responses, and returns the response and how many
/// answers were built.
async fn both_ways(schema: &RegistrySchema, query: &str, variables: Value) -> (Value, u64) {
    let (built, count) = answer(schema, query, &variables, false).await;
    let (resolved, none) = answer(schema, query, &variables, true).await;
    assert_eq!(none, 0, "nothing is built when the request asks for resolvers only");
    assert_eq!(built, resolved, "built and resolved answers differ for {query}");
    (built, count)
}

const EVERY_FIELD: &str = r#"
query($datum: Date = "2015-01-01") {
  gemeenten(first: 100, after: "b2Zmc2V0OjE5OQ") {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      __typename id code naam begindatum einddatum tooiUri opmerking versie
      provincie { __typename id code naam tooiUri }
      alle: ambtelijkeFusies {
        __typename id sleutel naam afkorting vorm rechtsvorm rechtsvormOmschrijving reikwijdte
        begindatum einddatum eindreden eindredenToelichting tooiSoId cbsGrCode onzekereVelden
        opmerking versie
        deelnames { __typename rol begindatum einddatum taken onzekereVelden opmerking versie
          gemeente { code provincie { code } } }
      }
      toen: ambtelijkeFusies(peildatum: $datum) { sleutel deelnames(peildatum: $datum) { rol gemeente { naam } } }
      deelnames { rol gemeente { code deelnames(peildatum: "2020-06-30") { begindatum } } }
      lopend: deelnames(peildatum: "2024-01-01") { rol }
      herindelingen { __typename id sleutel soort datum tooiUri opmerking
        opgeheven { code } ontvangend { code naam } nieuw { code herindelingen { sleutel } } }
    } }
  }
}"#;

const FUSIES: &str = r#"
query($datum: Date = "2015-01-01") {
  ambtelijkeFusies(first: 100) {
    totalCount
    edges { cursor node {
      __typename id sleutel naam afkorting vorm rechtsvorm rechtsvormOmschrijving reikwijdte begindatum
      einddatum eindreden eindredenToelichting tooiSoId cbsGrCode onzekereVelden opmerking versie
      gemeenten { code provincie { naam } }
      toen: gemeenten(peildatum: $datum) { naam ambtelijkeFusies(peildatum: $datum) { sleutel } }
      deelnames(peildatum: $datum) { rol gemeente { code } }
      ... on Centrumconstructie { cs: sleutel }
    } }
  }
}"#;

const FRAGMENTS: &str = r#"
query {
  gemeente(code: "GM0632") { ...Gemeente ... on Node { id } }
  gemeenten(first: 40) { edges { node { ...Gemeente } } }
}
fragment Gemeente on Gemeente {
  naam
  provincie { ... on Node { id } naam }
  ambtelijkeFusies {
    ...Fusie
    ... on Centrumconstructie { cs: versie }
    ... on Fusieorganisatie { fo: rechtsvorm ... on AmbtelijkeFusie { binnen: sleutel } }
  }
}
fragment Fusie on AmbtelijkeFusie { __typename naam ... { afkorting } }
"#;

#[tokio::test]
async fn every_field_the_plan_knows_answers_as_its_resolver() {
    let schema = build_schema(seeded_database().await);
    for (query, variables) in [
        (EVERY_FIELD, json!({})),
        (EVERY_FIELD, json!({ "datum": "2009-12-31" })),
        (EVERY_FIELD, json!({ "datum": null })),
        (FRAGMENTS, json!({})),
        (include_str!("../bench/queries/nested.graphql"), json!({})),
        (include_str!("../bench/queries/lookup.graphql"), json!({})),
        (include_str!("../bench/queries/filtered.graphql"), json!({})),
        (FUSIES, json!({})),
        (FUSIES, json!({ "datum": "2022-07-01" })),
        (include_str!("../bench/queries/herindelingen.graphql"), json!({ "a2": "b2Zmc2V0Ojk5" })),
        // A centrumconstructie asked only for a field of fusieorganisaties: an object with no field
        // that applies, which async-graphql answers as null (found by the generated selections).
        (
            r#"{ gemeenten(first: 40) { edges { node { ambtelijkeFusies { ... on Fusieorganisatie { id } } } } } }"#,
            json!({}),
        ),
        // `@skip` and `@include` are applied before execution, with the variables' defaults.
        (
            r#"query($ja: Boolean = true, $nee: Boolean = false) { gemeenten(first: 5) { edges { node {
                naam @include(if: $ja) code @skip(if: $ja) ... @include(if: $nee) { versie }
                provincie @skip(if: $nee) { naam } } } } }"#,
            json!({}),
        ),
        // Formal history: the registry as the log rebuilds it for a moment.
        (
            r#"query($moment: DateTime) { gemeenten(first: 30, bekendOp: $moment) { edges { node { naam provincie { naam } } } } }"#,
            json!({ "moment": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true) }),
        ),
    ] {
        let (response, built) = both_ways(&schema, query, variables).await;
        assert!(response.get("errors").is_none(), "{response:#}");
        assert!(built > 0, "the plan knows every field of {query}");
    }
}

#[tokio::test]
async fn fusies_with_participants_of_both_forms_are_in_the_answers() {
    let schema = build_schema(seeded_database().await);
    let (response, _) = both_ways(&schema, EVERY_FIELD, json!({})).await;
    let typenames: Vec<&str> = response["data"]["gemeenten"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|edge| edge["node"]["alle"].as_array().unwrap())
        .filter_map(|fusie| fusie["__typename"].as_str())
        .collect();
    // Otherwise the comparison above would not cover both forms.
    assert!(typenames.contains(&"Fusieorganisatie") && typenames.contains(&"Centrumconstructie"), "{typenames:?}");
}

#[tokio::test]
async fn what_the_plan_does_not_know_is_left_to_the_resolvers() {
    let schema = build_schema(seeded_database().await);
    for query in [
        // A field outside the plan, at the top and deep down.
        r#"{ gemeente(code: "GM0363") { naam voorgangers { code } } }"#,
        r#"{ gemeenten(first: 5) { edges { node { deelnames { gemeente { bronnen { titel } } } } } } }"#,
        r#"{ ambtelijkeFusies(first: 5) { edges { node { naam evaluaties { sleutel } } } } }"#,
        r#"{ ambtelijkeFusies(first: 5) { edges { node { ... on Centrumconstructie { afnemers { code } } } } } }"#,
        // Two node selections that differ.
        r#"{ gemeenten(first: 5) { a: edges { node { naam } } b: edges { node { code } } } }"#,
        // A response key asked twice.
        r#"{ gemeente(code: "GM0363") { naam naam } }"#,
    ] {
        let (_, built) = both_ways(&schema, query, json!({})).await;
        assert_eq!(built, 0, "{query}");
    }
}

#[tokio::test]
async fn errors_answer_as_the_resolvers_do() {
    let schema = build_schema(seeded_database().await);
    for (query, variables) in [
        (
            r#"query($d: Date) { gemeenten(first: 3) { edges { node { ambtelijkeFusies(peildatum: $d) { naam } } } } }"#,
            json!({ "d": "2015-13-01" }),
        ),
        (r#"{ gemeente(code: "GM9999") { naam provincie { naam } } }"#, json!({})),
        (r#"{ gemeente(code: "onzin") { naam } }"#, json!({})),
    ] {
        both_ways(&schema, query, variables).await;
    }
}

/// One field of a municipality's selection, at most `depth` relations deep.
fn gemeente_selection(depth: u32) -> BoxedStrategy<String> {
    let scalar = prop::sample::select(vec![
        "id",
        "code",
        "naam",
        "begindatum",
        "einddatum",
        "tooiUri",
        "opmerking",
        "versie",
        "__typename",
    ])
    .prop_map(str::to_owned);
    let provincie = prop::sample::subsequence(vec!["id", "code", "naam", "tooiUri", "__typename"], 1..=3)
        .prop_map(|fields| format!("provincie {{ {} }}", fields.join(" ")));
    if depth == 0 {
        return prop_oneof![scalar, provincie].boxed();
    }
    let datum = prop::option::of(prop::sample::select(vec!["1999-01-01", "2012-07-01", "2015-01-01", "2024-01-01"]));
    let fusies = (datum.clone(), prop::collection::vec(fusie_selection(depth - 1), 1..4))
        .prop_map(|(d, fields)| format!("ambtelijkeFusies{} {{ {} }}", argument(d), aliased(&fields)));
    let deelnames = (datum, prop::collection::vec(deelname_selection(depth - 1), 1..4))
        .prop_map(|(d, fields)| format!("deelnames{} {{ {} }}", argument(d), aliased(&fields)));
    let herindelingen = prop::collection::vec(herindeling_selection(depth - 1), 1..4)
        .prop_map(|fields| format!("herindelingen {{ {} }}", aliased(&fields)));
    prop_oneof![3 => scalar, 1 => provincie, 2 => fusies, 2 => deelnames, 1 => herindelingen].boxed()
}

fn herindeling_selection(depth: u32) -> BoxedStrategy<String> {
    let scalar = prop::sample::select(vec!["id", "sleutel", "soort", "datum", "tooiUri", "opmerking", "__typename"])
        .prop_map(str::to_owned);
    let gemeenten = (
        prop::sample::select(vec!["opgeheven", "ontvangend", "nieuw"]),
        prop::collection::vec(gemeente_selection(depth), 1..4),
    )
        .prop_map(|(rol, fields)| format!("{rol} {{ {} }}", aliased(&fields)));
    prop_oneof![2 => scalar, 1 => gemeenten].boxed()
}

fn fusie_selection(depth: u32) -> BoxedStrategy<String> {
    let scalar = prop::sample::select(vec![
        "id",
        "sleutel",
        "naam",
        "afkorting",
        "vorm",
        "rechtsvorm",
        "reikwijdte",
        "begindatum",
        "einddatum",
        "eindreden",
        "onzekereVelden",
        "versie",
        "__typename",
    ])
    .prop_map(str::to_owned);
    let deelnames = prop::collection::vec(deelname_selection(depth), 1..4)
        .prop_map(|fields| format!("deelnames {{ {} }}", aliased(&fields)));
    let datum = prop::option::of(prop::sample::select(vec!["1999-01-01", "2015-01-01", "2024-01-01"]));
    let gemeenten = (datum, prop::collection::vec(gemeente_selection(depth), 1..3))
        .prop_map(|(d, fields)| format!("gemeenten{} {{ {} }}", argument(d), aliased(&fields)));
    let limited =
        (prop::sample::select(vec!["Fusieorganisatie", "Centrumconstructie", "AmbtelijkeFusie"]), scalar.clone())
            .prop_map(|(on, field)| format!("... on {on} {{ {field} }}"));
    prop_oneof![3 => scalar, 1 => deelnames, 1 => gemeenten, 1 => limited].boxed()
}

fn deelname_selection(depth: u32) -> BoxedStrategy<String> {
    let scalar = prop::sample::select(vec!["rol", "begindatum", "einddatum", "taken", "versie", "__typename"])
        .prop_map(str::to_owned);
    let gemeente = prop::collection::vec(gemeente_selection(depth), 1..4)
        .prop_map(|fields| format!("gemeente {{ {} }}", aliased(&fields)));
    prop_oneof![2 => scalar, 1 => gemeente].boxed()
}

fn argument(datum: Option<&str>) -> String {
    datum.map(|d| format!("(peildatum: \"{d}\")")).unwrap_or_default()
}

/// Every field gets a response key of its own, so that no two collide (a fragment's field may
/// still meet its twin, which the plan leaves to the resolvers).
fn aliased(fields: &[String]) -> String {
    let keyed = fields
        .iter()
        .enumerate()
        .map(|(i, field)| if field.starts_with("...") { field.clone() } else { format!("f{i}: {field}") });
    keyed.collect::<Vec<_>>().join(" ")
}

/// One runtime and one seeded schema for all cases of the property below.
fn shared() -> &'static (tokio::runtime::Runtime, RegistrySchema) {
    static SHARED: std::sync::OnceLock<(tokio::runtime::Runtime, RegistrySchema)> = std::sync::OnceLock::new();
    SHARED.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let schema = runtime.block_on(async { build_schema(seeded_database().await) });
        (runtime, schema)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_selection_of_known_fields_answers_as_the_resolvers_do(
        fields in prop::collection::vec(gemeente_selection(2), 1..6),
        first in 1..40u32,
    ) {
        let query = format!("{{ gemeenten(first: {first}) {{ edges {{ node {{ {} }} }} }} }}", aliased(&fields));
        let (runtime, schema) = shared();
        runtime.block_on(both_ways(schema, &query, json!({})));
    }

    #[test]
    fn any_selection_of_known_fusie_fields_answers_as_the_resolvers_do(
        fields in prop::collection::vec(fusie_selection(2), 1..6),
        first in 1..40u32,
    ) {
        let query = format!("{{ ambtelijkeFusies(first: {first}) {{ edges {{ node {{ {} }} }} }} }}", aliased(&fields));
        let (runtime, schema) = shared();
        runtime.block_on(both_ways(schema, &query, json!({})));
    }
}
