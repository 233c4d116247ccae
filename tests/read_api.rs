//! The read API as clients use it, against the bundled dataset: the contract's checks,
//! filters, pagination, lineage, Relay nodes and error codes.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use common::{data, first_error_code, run, schema};
use serde_json::{Value, json};

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|items| items.iter().filter_map(|i| i["naam"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn amsterdam_is_gm0363_in_noord_holland() {
    let schema = schema().await;
    let d = data(&schema, r#"{ gemeente(code: "GM0363") { code naam provincie { code naam } einddatum } }"#, json!({}))
        .await;
    assert_eq!(d["gemeente"]["naam"], "Amsterdam");
    assert_eq!(d["gemeente"]["provincie"]["naam"], "Noord-Holland");
    assert_eq!(d["gemeente"]["provincie"]["code"], "PV27");
    assert_eq!(d["gemeente"]["einddatum"], Value::Null);
}

#[tokio::test]
async fn municipality_counts_match_the_official_figures() {
    let schema = schema().await;
    for (peildatum, expected) in [("2015-01-01", 393), ("2016-01-01", 390), ("2019-01-01", 355), ("2023-01-01", 342)] {
        let d = data(
            &schema,
            "query($d: Date!) { statistiek(peildatum: $d) { aantalGemeenten } gemeenten(peildatum: $d, first: 1) { totalCount } }",
            json!({ "d": peildatum }),
        )
        .await;
        assert_eq!(d["statistiek"]["aantalGemeenten"], expected, "statistiek on {peildatum}");
        assert_eq!(d["gemeenten"]["totalCount"], expected, "gemeenten on {peildatum}");
    }
}

#[tokio::test]
async fn barendrecht_on_2015_is_in_bar_with_exactly_its_three_members() {
    let schema = schema().await;
    let d = data(
        &schema,
        r#"{ gemeente(code: "GM0489") {
              ambtelijkeFusies(peildatum: "2015-01-01") {
                __typename sleutel naam rechtsvorm reikwijdte
                gemeenten(peildatum: "2015-01-01") { code naam }
              } } }"#,
        json!({}),
    )
    .await;
    let fusies = d["gemeente"]["ambtelijkeFusies"].as_array().unwrap();
    assert_eq!(fusies.len(), 1);
    assert_eq!(fusies[0]["__typename"], "Fusieorganisatie");
    assert_eq!(fusies[0]["sleutel"], "bar");
    let mut members = names(&fusies[0]["gemeenten"]);
    members.sort();
    assert_eq!(members, ["Albrandswaard", "Barendrecht", "Ridderkerk"]);
}

#[tokio::test]
async fn aalsmeer_is_served_by_amstelveen() {
    let schema = schema().await;
    let d = data(
        &schema,
        r#"{ gemeente(code: "GM0358") {
              deelnames(peildatum: "2020-01-01") { rol ambtelijkeFusie { __typename
                ... on Centrumconstructie { centrumgemeente(peildatum: "2020-01-01") { naam } afnemers { naam } } } } } }"#,
        json!({}),
    )
    .await;
    let deelnames = d["gemeente"]["deelnames"].as_array().unwrap();
    assert_eq!(deelnames.len(), 1);
    assert_eq!(deelnames[0]["rol"], "AFNEMER");
    let fusie = &deelnames[0]["ambtelijkeFusie"];
    assert_eq!(fusie["__typename"], "Centrumconstructie");
    assert_eq!(fusie["centrumgemeente"]["naam"], "Amstelveen");
    assert_eq!(names(&fusie["afnemers"]), ["Aalsmeer"]);
}

#[tokio::test]
async fn peildatum_respects_inclusive_end_dates() {
    let schema = schema().await;
    let query = r#"query($d: Date!) { ambtelijkeFusie(sleutel: "bar") { gemeenten(peildatum: $d) { code } } }"#;
    let last_day = data(&schema, query, json!({ "d": "2023-12-31" })).await;
    assert_eq!(last_day["ambtelijkeFusie"]["gemeenten"].as_array().unwrap().len(), 3);
    let day_after = data(&schema, query, json!({ "d": "2024-01-01" })).await;
    assert_eq!(day_after["ambtelijkeFusie"]["gemeenten"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn statistiek_puts_the_study_figures_beside_the_registry_counts() {
    let schema = schema().await;
    let d = data(
        &schema,
        r#"{ statistiek(peildatum: "2015-01-01") {
              aantalAmbtelijkeFusies aantalFusieorganisaties aantalCentrumconstructies aantalDeelnemendeGemeenten
              aantalGedeeltelijkeSamenwerkingen
              perVorm { vorm reikwijdte aantal }
              perProvincie { provincie { code } aantalGemeenten }
              kengetallen { kengetal { soort waarde onderzoek { titel } } registerWaarde } } }"#,
        json!({}),
    )
    .await;
    let s = &d["statistiek"];
    // The registry's own counts from its sourced records (see data/README.md for the gap).
    assert_eq!(s["aantalAmbtelijkeFusies"], 14);
    assert_eq!(s["aantalFusieorganisaties"], 11);
    assert_eq!(s["aantalCentrumconstructies"], 3);
    assert_eq!(s["aantalDeelnemendeGemeenten"], 32);
    let per_provincie: u64 =
        s["perProvincie"].as_array().unwrap().iter().map(|p| p["aantalGemeenten"].as_u64().unwrap()).sum();
    assert_eq!(per_provincie, 393);
    let kengetallen = s["kengetallen"].as_array().unwrap();
    let published = |soort: &str| kengetallen.iter().find(|k| k["kengetal"]["soort"] == soort).cloned().unwrap();
    let fusies = published("AANTAL_AMBTELIJKE_FUSIEORGANISATIES");
    assert_eq!(fusies["kengetal"]["waarde"], 16.0);
    assert_eq!(fusies["registerWaarde"], 14);
    assert_eq!(fusies["kengetal"]["onderzoek"]["titel"], "Samen sterker, maar toch apart");
    assert_eq!(published("AANTAL_DEELNEMENDE_GEMEENTEN")["kengetal"]["waarde"], 36.0);
}

#[tokio::test]
async fn lists_filter_and_page() {
    let schema = schema().await;
    let d = data(
        &schema,
        r#"{ full: ambtelijkeFusies(reikwijdte: VOLLEDIG, first: 100) { totalCount }
             partial: ambtelijkeFusies(reikwijdte: GEDEELTELIJK, first: 100) { totalCount edges { node { sleutel reikwijdte } } }
             all: ambtelijkeFusies(first: 100) { totalCount }
             centrum: centrumconstructies(first: 100) { totalCount edges { node { sleutel } } }
             org: fusieorganisaties(first: 100) { totalCount }
             utrecht: gemeenten(provincie: "PV26", peildatum: "2023-01-01") { totalCount }
             byName: gemeenten(naam: "AMST") { edges { node { naam } } }
             inHolland: ambtelijkeFusies(provincie: "PV28", gemeente: "GM0597") { edges { node { sleutel } } } }"#,
        json!({}),
    )
    .await;
    let total = |key: &str| d[key]["totalCount"].as_u64().unwrap();
    assert_eq!(total("all"), 32);
    assert_eq!(total("full") + total("partial"), 32);
    assert_eq!(total("centrum") + total("org"), 32);
    assert!(d["partial"]["edges"].as_array().unwrap().iter().any(|e| e["node"]["sleutel"] == "a2"));
    assert_eq!(total("utrecht"), 26, "Utrecht had 26 municipalities on 2023-01-01");
    let by_name: Vec<_> = d["byName"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["naam"].clone()).collect();
    assert_eq!(by_name, [json!("Amstelveen"), json!("Amsterdam"), json!("Ouder-Amstel")], "case-insensitive, by code");
    assert_eq!(d["inHolland"]["edges"][0]["node"]["sleutel"], "bar");

    // Walk all municipalities page by page: every one exactly once.
    let mut seen = std::collections::HashSet::new();
    let mut after: Option<String> = None;
    loop {
        let page = data(
            &schema,
            "query($after: String) { gemeenten(first: 100, after: $after) { edges { node { code } } pageInfo { hasNextPage endCursor } } }",
            json!({ "after": after }),
        )
        .await;
        for edge in page["gemeenten"]["edges"].as_array().unwrap() {
            assert!(seen.insert(edge["node"]["code"].as_str().unwrap().to_owned()));
        }
        if page["gemeenten"]["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["gemeenten"]["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(seen.len(), 606);
}

/// The list of one form holds the fusies of that form, as the list of both forms filtered on it.
#[tokio::test]
async fn each_form_lists_exactly_its_own_fusies() {
    let schema = schema().await;
    let d = data(
        &schema,
        r#"{ org: fusieorganisaties(first: 100) { totalCount edges { node { sleutel vorm } } }
             orgAll: ambtelijkeFusies(vorm: FUSIEORGANISATIE, first: 100) { edges { node { sleutel } } }
             centrum: centrumconstructies(first: 100) { totalCount edges { node { sleutel vorm } } }
             centrumAll: ambtelijkeFusies(vorm: CENTRUMCONSTRUCTIE, first: 100) { edges { node { sleutel } } } }"#,
        json!({}),
    )
    .await;
    let sleutels = |key: &str| -> Vec<Value> {
        d[key]["edges"].as_array().unwrap().iter().map(|e| e["node"]["sleutel"].clone()).collect()
    };
    for (form, all, vorm) in [("org", "orgAll", "FUSIEORGANISATIE"), ("centrum", "centrumAll", "CENTRUMCONSTRUCTIE")] {
        assert!(!sleutels(form).is_empty(), "{form}");
        assert_eq!(sleutels(form), sleutels(all), "{form}");
        assert_eq!(d[form]["totalCount"].as_u64(), u64::try_from(sleutels(form).len()).ok(), "{form}");
        assert!(d[form]["edges"].as_array().unwrap().iter().all(|e| e["node"]["vorm"] == vorm), "{form}");
    }
}

#[tokio::test]
async fn page_size_is_capped() {
    let schema = schema().await;
    let default = data(&schema, "{ gemeenten { edges { cursor } } }", json!({})).await;
    assert_eq!(default["gemeenten"]["edges"].as_array().unwrap().len(), 25);
    let too_many = run(&schema, "{ gemeenten(first: 101) { totalCount } }", json!({})).await;
    assert_eq!(first_error_code(&too_many), "BAD_USER_INPUT");
    assert_eq!(too_many["errors"][0]["extensions"]["field"], "first");
}

#[tokio::test]
async fn lineage_follows_herindelingen_both_ways() {
    let schema = schema().await;
    // Land van Cuijk (GM1982, 2022) merged Boxmeer, Cuijk, Grave, Mill en Sint Hubert and Sint Anthonis.
    let d = data(
        &schema,
        r#"{ cuijk: gemeente(code: "GM1684") { opvolgers { code naam } }
             lvc: gemeente(code: "GM1982") { voorgangers { naam } herindelingen { soort datum } }
             zuidhorn: gemeente(code: "GM0053") { opvolgers(transitief: true) { code } }
             westerkwartier: gemeente(code: "GM1969") { direct: voorgangers { code } all: voorgangers(transitief: true) { code } } }"#,
        json!({}),
    )
    .await;
    assert_eq!(d["cuijk"]["opvolgers"][0]["naam"], "Land van Cuijk");
    assert_eq!(d["lvc"]["voorgangers"].as_array().unwrap().len(), 5);
    assert_eq!(d["lvc"]["herindelingen"][0]["datum"], "2022-01-01");
    let direct = d["westerkwartier"]["direct"].as_array().unwrap().len();
    let all = d["westerkwartier"]["all"].as_array().unwrap().len();
    assert!(all >= direct && direct > 0, "transitive lineage includes the direct predecessors");
}

#[tokio::test]
async fn nodes_round_trip_through_their_ids() {
    let schema = schema().await;
    let d = data(
        &schema,
        r#"{ gemeente(code: "GM0363") { id }
             ambtelijkeFusie(sleutel: "aa-organisatie") { id deelnames { id } bronnen { id } }
             onderzoeken { edges { node { id kengetallen { id } evaluaties { id } } } }
             herindelingen(first: 1) { edges { node { id } } } }"#,
        json!({}),
    )
    .await;
    assert_eq!(d["gemeente"]["id"], "Gemeente:GM0363");
    let mut ids = vec![d["gemeente"]["id"].clone(), d["ambtelijkeFusie"]["id"].clone()];
    ids.extend(d["ambtelijkeFusie"]["deelnames"].as_array().unwrap().iter().map(|x| x["id"].clone()));
    ids.push(d["ambtelijkeFusie"]["bronnen"][0]["id"].clone());
    // A study with figures and an evaluation (the bundled dataset holds studies without figures too).
    let onderzoek = d["onderzoeken"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .find(|n| n["kengetallen"][0]["id"].is_string() && n["evaluaties"][0]["id"].is_string())
        .expect("a study with figures and evaluations");
    ids.push(onderzoek["id"].clone());
    ids.push(onderzoek["kengetallen"][0]["id"].clone());
    ids.push(onderzoek["evaluaties"][0]["id"].clone());
    ids.push(d["herindelingen"]["edges"][0]["node"]["id"].clone());
    let back = data(&schema, "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", json!({ "ids": ids })).await;
    let returned: Vec<Value> = back["nodes"].as_array().unwrap().iter().map(|n| n["id"].clone()).collect();
    assert_eq!(returned, ids);
    let one = data(&schema, r#"{ node(id: "Gemeente:GM0363") { ... on Gemeente { naam } } }"#, json!({})).await;
    assert_eq!(one["node"]["naam"], "Amsterdam");
    let missing = data(&schema, r#"{ node(id: "Gemeente:GM9999") { id } }"#, json!({})).await;
    assert_eq!(missing["node"], Value::Null);
}

#[tokio::test]
async fn the_study_carries_its_evaluation() {
    let schema = schema().await;
    let d = data(
        &schema,
        r#"{ evaluaties(first: 100) { totalCount edges { node { sleutel ambtelijkeFusie { sleutel } onderzoek { uitvoerder }
              tevredenheid voordelenWegenOp motieven { motief } doelen { doel realisatie } risicos { risico ervaren } bronnen { titel } } } } }"#,
        json!({}),
    )
    .await;
    let edges = d["evaluaties"]["edges"].as_array().unwrap();
    let study_wide = edges
        .iter()
        .map(|e| &e["node"])
        .find(|n| n["ambtelijkeFusie"].is_null() && n["onderzoek"]["uitvoerder"] == "SeinstravandeLaar")
        .expect("a study-wide evaluation");
    assert_eq!(study_wide["tevredenheid"], "TEVREDEN");
    assert_eq!(study_wide["voordelenWegenOp"], true);
    let motieven: Vec<_> = study_wide["motieven"].as_array().unwrap().iter().map(|m| m["motief"].clone()).collect();
    assert!(motieven.contains(&json!("UITVOERINGSKRACHT")) && motieven.contains(&json!("REORGANISATIE")));
    let primaat = study_wide["risicos"].as_array().unwrap().iter().find(|r| r["risico"] == "POLITIEK_PRIMAAT").unwrap();
    assert_eq!(primaat["ervaren"], false, "seen as a risk but not suffered");
    assert!(!study_wide["bronnen"].as_array().unwrap().is_empty());
    assert!(edges.iter().any(|e| !e["node"]["ambtelijkeFusie"].is_null()), "per-organisation outcomes exist");
}

#[tokio::test]
async fn every_error_carries_a_code() {
    let schema = schema().await;
    let cases = [
        (r#"{ gemeente(code: "0363") { naam } }"#, "BAD_USER_INPUT"),
        (r#"{ gemeente(code: "GM0363") { naam "#, "GRAPHQL_PARSE_FAILED"),
        (r#"{ gemeente(code: "GM0363") { bestaatNiet } }"#, "GRAPHQL_VALIDATION_FAILED"),
        (r#"{ statistiek(peildatum: "1 januari 2015") { aantalGemeenten } }"#, "BAD_USER_INPUT"),
        (r#"{ node(id: "iets") { id } }"#, "BAD_USER_INPUT"),
        (r#"{ gemeenten(after: "bogus") { totalCount } }"#, "BAD_USER_INPUT"),
    ];
    for (query, code) in cases {
        let response = run(&schema, query, json!({})).await;
        assert_eq!(first_error_code(&response), code, "{query}: {response:#}");
    }
    let bad_code = run(&schema, r#"{ gemeente(code: "0363") { naam } }"#, json!({})).await;
    assert_eq!(bad_code["errors"][0]["extensions"]["field"], "code");
}

#[tokio::test]
async fn overly_deep_queries_are_refused() {
    let schema = schema().await;
    let mut query = String::from("{ gemeente(code: \"GM0489\") { ");
    for _ in 0..8 {
        query.push_str("ambtelijkeFusies { gemeenten { ");
    }
    query.push_str("naam");
    query.push_str(&" } }".repeat(8));
    query.push_str(" } }");
    let response = run(&schema, &query, json!({})).await;
    assert_eq!(first_error_code(&response), "QUERY_TOO_COMPLEX", "{response:#}");
}

#[tokio::test]
async fn fields_come_back_in_query_order() {
    let schema = schema().await;
    // `provincie` and `bronnen` wait for DataLoader batches, `naam` and `code` do not; the
    // response must still follow the query, also through fragments and aliases.
    let query = r#"query { b: gemeente(code: "GM0489") { provincie { naam code } naam ...Rest code }
                           a: gemeente(code: "GM0363") { code } }
                   fragment Rest on Gemeente { bronnen { titel } deelnames { rol ambtelijkeFusie { naam sleutel } } }"#;
    let response = schema.execute(async_graphql::Request::new(query)).await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let text = serde_json::to_string(&response.data).unwrap();
    let order = [
        "\"b\"",
        "\"provincie\"",
        "\"naam\":\"Barendrecht\"",
        "\"bronnen\"",
        "\"deelnames\"",
        "\"sleutel\"",
        "\"code\":\"GM0489\"",
        "\"a\"",
    ];
    let positions: Vec<usize> =
        order.iter().map(|key| text.find(key).unwrap_or_else(|| panic!("{key} in {text}"))).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "fields out of query order: {text}");
}
