//! Writing ambtelijke fusies and their deelnames through GraphQL: roles, every rule of a fusie
//! and a deelname, optimistic concurrency, the change log the writes leave, and a race of
//! conflicting requests. (Municipalities and herindelingen: `gemeente_mutations.rs`; studies,
//! evaluations and sources: `onderzoek_mutations.rs`.)

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use common::{as_caller, first_error_code as code, first_error_field as field, write};
use fusieregister::entity::{deelname, wijziging};
use fusieregister::graphql::build_schema;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

async fn counts(conn: &DatabaseConnection) -> (u64, u64) {
    (deelname::Entity::find().count(conn).await.unwrap(), wijziging::Entity::find().count(conn).await.unwrap())
}

/// The changes logged after `position`, in order: a test's own writes, without the dataset's load.
async fn changes_after(conn: &DatabaseConnection, position: i64) -> Vec<wijziging::Model> {
    wijziging::Entity::find()
        .filter(wijziging::Column::Volgnummer.gt(position))
        .order_by_asc(wijziging::Column::Volgnummer)
        .all(conn)
        .await
        .unwrap()
}

const REGISTREER_FUSIEORGANISATIE: &str = r#"mutation($input: RegistreerFusieorganisatieInput!) {
  registreerFusieorganisatie(input: $input) {
    ambtelijkeFusie { sleutel naam versie gemeenten { code } }
    deelnames { rol begindatum gemeente { code } }
  }
}"#;

const VOEG_DEELNAME_TOE: &str = r#"mutation($input: VoegDeelnameToeInput!) {
  voegDeelnameToe(input: $input) { deelname { id rol begindatum einddatum versie gemeente { code } } }
}"#;

/// Katwijk (GM0537) and Noordwijk (GM0575), in no ambtelijke fusie in the dataset.
fn nieuwe_fusie(sleutel: &str, begindatum: &str) -> Value {
    json!({ "input": {
        "sleutel": sleutel, "naam": "Werkorganisatie Kust", "rechtsvorm": "OPENBAAR_LICHAAM",
        "reikwijdte": "VOLLEDIG", "begindatum": begindatum, "deelnemers": ["GM0537", "GM0575"]
    } })
}

#[tokio::test]
async fn without_a_token_every_mutation_is_refused_and_nothing_changes() {
    let conn = common::seeded_database().await;
    let schema = build_schema(conn.clone());
    let before = counts(&conn).await;
    let response = as_caller(&schema, None, REGISTREER_FUSIEORGANISATIE, nieuwe_fusie("kust", "2024-01-01")).await;
    assert_eq!(code(&response), "UNAUTHENTICATED");
    let response = as_caller(
        &schema,
        None,
        VOEG_DEELNAME_TOE,
        json!({ "input": { "sleutel": "bar", "gemeente": "GM0537", "rol": "DEELNEMER", "begindatum": "2015-01-01" } }),
    )
    .await;
    assert_eq!(code(&response), "UNAUTHENTICATED");
    assert_eq!(counts(&conn).await, before);
}

#[tokio::test]
async fn an_editor_registers_a_fusieorganisatie_that_shows_in_nested_reads() {
    let conn = common::seeded_database().await;
    let schema = build_schema(conn.clone());
    let position = common::log_position(&conn).await;
    let response = write(&schema, REGISTREER_FUSIEORGANISATIE, nieuwe_fusie("kust", "2024-01-01")).await;
    assert!(response.get("errors").is_none(), "{response:#}");
    let fusie = &response["data"]["registreerFusieorganisatie"]["ambtelijkeFusie"];
    assert_eq!(fusie["versie"], 1);
    assert_eq!(fusie["gemeenten"].as_array().unwrap().len(), 2);

    let read = common::data(
        &schema,
        r#"{ gemeente(code: "GM0537") { ambtelijkeFusies(peildatum: "2024-06-01") { sleutel gemeenten(peildatum: "2024-06-01") { code } } } }"#,
        json!({}),
    )
    .await;
    assert_eq!(read["gemeente"]["ambtelijkeFusies"][0]["sleutel"], "kust");

    // One wijziging per changed record: the fusie and its two deelnames, numbered on from the
    // dataset's load.
    let log = changes_after(&conn, position).await;
    let numbers: Vec<i64> = log.iter().map(|w| w.volgnummer).collect();
    assert_eq!(numbers, [position + 1, position + 2, position + 3]);
    assert!(log.iter().all(|w| w.door == "redactie-bzk"), "every change records the token that made it");
    assert_eq!(log[0].entiteit_id, "AmbtelijkeFusie:kust");

    // The centrumconstructie form, with its host.
    let response = write(
        &schema,
        r#"mutation { registreerCentrumconstructie(input: { sleutel: "duin", naam: "Centrumregeling Duin",
            rechtsvorm: CENTRUMGEMEENTEREGELING, begindatum: "2024-01-01", centrumgemeente: "GM0518", afnemers: ["GM0603"] })
            { ambtelijkeFusie { ... on Centrumconstructie { centrumgemeente { naam } afnemers { naam } } } } }"#,
        json!({}),
    )
    .await;
    assert!(response.get("errors").is_none(), "{response:#}");
    let centrum = &response["data"]["registreerCentrumconstructie"]["ambtelijkeFusie"];
    assert_eq!(centrum["centrumgemeente"]["naam"], "'s-Gravenhage");
    assert_eq!(centrum["afnemers"][0]["naam"], "Rijswijk");
}

#[tokio::test]
async fn a_second_full_fusie_for_an_overlapping_period_is_refused() {
    let conn = common::seeded_database().await;
    let schema = build_schema(conn.clone());
    let before = counts(&conn).await;
    // Barendrecht is in BAR (full) 2014-2023.
    let response = write(
        &schema,
        REGISTREER_FUSIEORGANISATIE,
        json!({ "input": { "sleutel": "dubbel", "naam": "Dubbel", "rechtsvorm": "OPENBAAR_LICHAAM", "reikwijdte": "VOLLEDIG",
            "begindatum": "2020-01-01", "deelnemers": ["GM0537", "GM0489"] } }),
    )
    .await;
    assert_eq!(code(&response), "CONFLICT", "{response:#}");
    assert_eq!(field(&response), "deelnemers");
    let message = response["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("GM0489") && message.contains("'bar'"), "the message names the other fusie: {message}");
    assert_eq!(counts(&conn).await, before, "nothing was written, not even the fusie");
    let fusie = common::data(&schema, r#"{ ambtelijkeFusie(sleutel: "dubbel") { sleutel } }"#, json!({})).await;
    assert_eq!(fusie["ambtelijkeFusie"], Value::Null);

    // After BAR ends (2023-12-31), Barendrecht may join another full fusie.
    let response = write(
        &schema,
        REGISTREER_FUSIEORGANISATIE,
        json!({ "input": { "sleutel": "later", "naam": "Later", "rechtsvorm": "OPENBAAR_LICHAAM", "reikwijdte": "VOLLEDIG",
            "begindatum": "2024-01-01", "deelnemers": ["GM0537", "GM0489"] } }),
    )
    .await;
    assert!(response.get("errors").is_none(), "{response:#}");
}

#[tokio::test]
async fn each_broken_rule_names_its_field() {
    let schema = build_schema(common::seeded_database().await);
    let fusie = |input: Value| json!({ "input": input });
    let base = json!({ "sleutel": "kust", "naam": "Kust", "rechtsvorm": "OPENBAAR_LICHAAM", "reikwijdte": "VOLLEDIG",
        "begindatum": "2024-01-01", "deelnemers": ["GM0537", "GM0575"] });
    let with = |key: &str, value: Value| {
        let mut input = base.clone();
        input[key] = value;
        fusie(input)
    };
    let cases = [
        (with("sleutel", json!("Kust Samen")), "BAD_USER_INPUT", "sleutel"),
        (with("sleutel", json!("bar")), "CONFLICT", "sleutel"),
        (with("naam", json!("  ")), "BAD_USER_INPUT", "naam"),
        (with("einddatum", json!("2023-12-31")), "BAD_USER_INPUT", "einddatum"),
        (with("deelnemers", json!(["GM0537"])), "BAD_USER_INPUT", "deelnemers"),
        (with("deelnemers", json!(["GM0537", "GM0537"])), "BAD_USER_INPUT", "deelnemers"),
        (with("deelnemers", json!(["GM0537", "0575"])), "BAD_USER_INPUT", "deelnemers"),
        (with("deelnemers", json!(["GM0537", "GM9999"])), "NOT_FOUND", "deelnemers"),
        // Rule 3: Bedum (GM0005) ended on 2018-12-31.
        (with("deelnemers", json!(["GM0537", "GM0005"])), "BAD_USER_INPUT", "begindatum"),
    ];
    for (variables, expected_code, expected_field) in cases {
        let response = write(&schema, REGISTREER_FUSIEORGANISATIE, variables.clone()).await;
        assert_eq!((code(&response), field(&response)), (expected_code, expected_field), "{variables}: {response:#}");
    }

    let deelname = |gemeente: &str, rol: &str, begindatum: &str, sleutel: &str| json!({ "input": { "sleutel": sleutel, "gemeente": gemeente, "rol": rol, "begindatum": begindatum } });
    let cases = [
        (deelname("GM0537", "AFNEMER", "2015-01-01", "bar"), "BAD_USER_INPUT", "rol"),
        (deelname("GM0537", "DEELNEMER", "2010-01-01", "bar"), "BAD_USER_INPUT", "begindatum"),
        (deelname("GM0537", "DEELNEMER", "2015-01-01", "bestaat-niet"), "NOT_FOUND", "sleutel"),
        (deelname("GM0537", "DEELNEMER", "2015-01-01", "bar"), "BAD_USER_INPUT", "einddatum"),
        (
            json!({ "input": { "sleutel": "bar", "gemeente": "GM0489", "rol": "DEELNEMER", "begindatum": "2015-01-01", "einddatum": "2016-12-31" } }),
            "CONFLICT",
            "gemeente",
        ),
        // Rule 5: Aalsmeer-Amstelveen already has Amstelveen as its centrumgemeente.
        (deelname("GM0537", "CENTRUMGEMEENTE", "2020-01-01", "aa-organisatie"), "CONFLICT", "rol"),
    ];
    for (variables, expected_code, expected_field) in cases {
        let response = write(&schema, VOEG_DEELNAME_TOE, variables.clone()).await;
        assert_eq!((code(&response), field(&response)), (expected_code, expected_field), "{variables}: {response:#}");
    }
}

#[tokio::test]
async fn ending_uses_versions_and_ends_running_deelnames() {
    let conn = common::seeded_database().await;
    let schema = build_schema(conn.clone());
    let position = common::log_position(&conn).await;
    write(&schema, REGISTREER_FUSIEORGANISATIE, nieuwe_fusie("kust", "2024-01-01")).await;
    let end = r#"mutation($input: BeeindigDeelnameInput!) { beeindigDeelname(input: $input) { deelname { einddatum versie } } }"#;

    let stale = write(
        &schema,
        end,
        json!({ "input": { "sleutel": "kust", "gemeente": "GM0575", "einddatum": "2024-12-31", "versie": 7 } }),
    )
    .await;
    assert_eq!((code(&stale), field(&stale)), ("CONFLICT", "versie"));
    let before_begin =
        write(&schema, end, json!({ "input": { "sleutel": "kust", "gemeente": "GM0575", "einddatum": "2023-12-31" } }))
            .await;
    assert_eq!(code(&before_begin), "BAD_USER_INPUT");
    let ok = write(
        &schema,
        end,
        json!({ "input": { "sleutel": "kust", "gemeente": "GM0575", "einddatum": "2024-12-31", "versie": 1 } }),
    )
    .await;
    assert!(ok.get("errors").is_none(), "{ok:#}");
    assert_eq!(ok["data"]["beeindigDeelname"]["deelname"]["versie"], 2);
    let again =
        write(&schema, end, json!({ "input": { "sleutel": "kust", "gemeente": "GM0575", "einddatum": "2025-01-31" } }))
            .await;
    assert_eq!(code(&again), "NOT_FOUND", "no running deelname is left");

    let end_fusie = r#"mutation($input: BeeindigAmbtelijkeFusieInput!) { beeindigAmbtelijkeFusie(input: $input) {
        ambtelijkeFusie { einddatum eindreden versie } deelnames { einddatum gemeente { code } } } }"#;
    let ended = write(
        &schema,
        end_fusie,
        json!({ "input": { "sleutel": "kust", "einddatum": "2025-06-30", "eindreden": "ONTVLOCHTEN", "versie": 1 } }),
    )
    .await;
    assert!(ended.get("errors").is_none(), "{ended:#}");
    let payload = &ended["data"]["beeindigAmbtelijkeFusie"];
    assert_eq!(payload["ambtelijkeFusie"]["eindreden"], "ONTVLOCHTEN");
    assert_eq!(payload["deelnames"].as_array().unwrap().len(), 1, "only Katwijk's deelname was still running");
    assert_eq!(payload["deelnames"][0]["einddatum"], "2025-06-30");
    let twice = write(
        &schema,
        end_fusie,
        json!({ "input": { "sleutel": "kust", "einddatum": "2025-07-31", "eindreden": "OPGEHEVEN" } }),
    )
    .await;
    assert_eq!(code(&twice), "CONFLICT");

    let log = changes_after(&conn, position).await;
    let numbers: Vec<i64> = log.iter().map(|w| w.volgnummer).collect();
    assert_eq!(
        numbers,
        (position + 1..=position + 6).collect::<Vec<_>>(),
        "3 created, 1 ended, then the fusie and its last deelname ended"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_parallel_conflicting_requests_yield_exactly_one_success() {
    let conn = common::concurrent_database().await;
    let schema = build_schema(conn.clone());
    // Ten new full fusies of two municipalities each, none of them in any fusie yet.
    let members = [
        "GM0518", "GM0603", "GM0599", "GM0546", "GM0637", "GM0622", "GM0363", "GM0344", "GM0202", "GM0268", "GM0855",
        "GM0772", "GM0758", "GM0193", "GM0153", "GM0200", "GM0307", "GM0796", "GM0537", "GM0575",
    ];
    for (i, pair) in members.chunks(2).enumerate() {
        let response = write(
            &schema,
            REGISTREER_FUSIEORGANISATIE,
            json!({ "input": { "sleutel": format!("race-{i}"), "naam": format!("Race {i}"), "rechtsvorm": "OPENBAAR_LICHAAM",
                "reikwijdte": "VOLLEDIG", "begindatum": "2024-01-01", "deelnemers": pair } }),
        )
        .await;
        assert!(response.get("errors").is_none(), "{response:#}");
    }
    let before = counts(&conn).await;

    // Now ten requests at once each put Gouda (GM0513) into another of them, for overlapping
    // periods: a municipality can be in one full fusie at a time, so exactly one may pass.
    let attempts = (0..10).map(|i| {
        let schema = schema.clone();
        tokio::spawn(async move {
            let variables = json!({ "input": { "sleutel": format!("race-{i}"), "gemeente": "GM0513", "rol": "DEELNEMER",
                "begindatum": format!("2024-{:02}-01", 1 + i) } });
            write(&schema, VOEG_DEELNAME_TOE, variables).await
        })
    });
    let results: Vec<Value> = futures_util::future::join_all(attempts).await.into_iter().map(Result::unwrap).collect();
    let accepted = results.iter().filter(|r| r.get("errors").is_none()).count();
    let refused: Vec<&str> = results.iter().filter(|r| r.get("errors").is_some()).map(code).collect();
    assert_eq!(accepted, 1, "exactly one request wins: {results:#?}");
    assert_eq!(refused, ["CONFLICT"; 9], "the others are told why");
    assert_eq!(counts(&conn).await, (before.0 + 1, before.1 + 1), "one deelname and one wijziging were written");
}

#[tokio::test]
async fn attributes_change_with_versions() {
    let conn = common::seeded_database().await;
    let schema = build_schema(conn.clone());
    let wijzig = r#"mutation($input: WijzigAmbtelijkeFusieInput!) { wijzigAmbtelijkeFusie(input: $input) { ambtelijkeFusie { naam afkorting versie } } }"#;
    let changed = write(
        &schema,
        wijzig,
        json!({ "input": { "sleutel": "bar", "naam": "BAR-organisatie (werkorganisatie)", "versie": 1 } }),
    )
    .await;
    assert!(changed.get("errors").is_none(), "{changed:#}");
    assert_eq!(changed["data"]["wijzigAmbtelijkeFusie"]["ambtelijkeFusie"]["versie"], 2);
    assert_eq!(
        changed["data"]["wijzigAmbtelijkeFusie"]["ambtelijkeFusie"]["afkorting"], "BAR",
        "untouched fields stay"
    );
    let stale =
        write(&schema, wijzig, json!({ "input": { "sleutel": "bar", "naam": "Iets anders", "versie": 1 } })).await;
    assert_eq!((code(&stale), field(&stale)), ("CONFLICT", "versie"), "someone else's edit is not overwritten");
    let empty = write(&schema, wijzig, json!({ "input": { "sleutel": "bar", "naam": " " } })).await;
    assert_eq!((code(&empty), field(&empty)), ("BAD_USER_INPUT", "naam"));
    let read = common::data(&schema, r#"{ ambtelijkeFusie(sleutel: "bar") { naam versie } }"#, json!({})).await;
    assert_eq!(read["ambtelijkeFusie"], json!({ "naam": "BAR-organisatie (werkorganisatie)", "versie": 2 }));
}

#[tokio::test]
async fn the_change_log_can_be_read_after_a_known_change() {
    let conn = common::seeded_database().await;
    let schema = build_schema(conn.clone());
    // The known change is where the dataset's load ends; the test's own writes follow it.
    let position = common::log_position(&conn).await;
    write(&schema, REGISTREER_FUSIEORGANISATIE, nieuwe_fusie("kust", "2024-01-01")).await;
    let query = r#"query($na: Int, $first: Int) { wijzigingen(na: $na, first: $first) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { volgnummer soort entiteit entiteitId door tijdstip node { id } } } } }"#;
    let all = common::data(&schema, query, json!({ "na": position })).await;
    assert_eq!(all["wijzigingen"]["totalCount"], 3);
    let edges = all["wijzigingen"]["edges"].as_array().unwrap();
    let numbers: Vec<i64> = edges.iter().map(|e| e["node"]["volgnummer"].as_i64().unwrap()).collect();
    assert_eq!(numbers, [position + 1, position + 2, position + 3]);
    let first = &edges[0]["node"];
    assert_eq!(first["soort"], "AANGEMAAKT");
    assert_eq!(first["entiteitId"], "AmbtelijkeFusie:kust");
    assert_eq!(first["node"]["id"], "AmbtelijkeFusie:kust", "node is the changed record");
    assert_eq!(first["door"], "redactie-bzk");
    assert!(first["tijdstip"].as_str().unwrap().ends_with('Z'));
    // Without `na`, the log is read from its start: the load's entries, then these three.
    let whole = common::data(&schema, query, json!({})).await;
    assert_eq!(whole["wijzigingen"]["totalCount"], position + 3);
    assert_eq!(whole["wijzigingen"]["edges"][0]["node"]["volgnummer"], 1);

    let page = common::data(&schema, query, json!({ "na": position + 1, "first": 1 })).await;
    assert_eq!(page["wijzigingen"]["totalCount"], 2);
    assert_eq!(page["wijzigingen"]["edges"][0]["node"]["volgnummer"], position + 2);
    assert_eq!(page["wijzigingen"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(page["wijzigingen"]["pageInfo"]["endCursor"], (position + 2).to_string());
    let none = common::data(&schema, query, json!({ "na": position + 3 })).await;
    assert_eq!(none["wijzigingen"]["totalCount"], 0);
}
