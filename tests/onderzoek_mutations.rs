//! Writing studies, evaluation outcomes and sources through GraphQL: the happy paths read back
//! through the query API, every rule with its code and field, nothing written on a refusal, and
//! one wijziging per changed record.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use common::{as_caller, first_error_code as code, first_error_field as field, write};
use fusieregister::domain::{KengetalSoort, Sleutel, WijzigingSoort};
use fusieregister::entity::{
    bron, bronvermelding, evaluatie, evaluatie_doel, evaluatie_motief, evaluatie_risico, kengetal, onderzoek, wijziging,
};
use fusieregister::graphql::build_schema;
use fusieregister::service::onderzoek::{NewKengetal, RegisterOnderzoek, register_onderzoek};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

fn ok(response: &Value) {
    assert!(response.get("errors").is_none(), "{response:#}");
}

/// Rows of every table these mutations write.
async fn counts(conn: &DatabaseConnection) -> [u64; 9] {
    [
        onderzoek::Entity::find().count(conn).await.unwrap(),
        kengetal::Entity::find().count(conn).await.unwrap(),
        evaluatie::Entity::find().count(conn).await.unwrap(),
        evaluatie_motief::Entity::find().count(conn).await.unwrap(),
        evaluatie_doel::Entity::find().count(conn).await.unwrap(),
        evaluatie_risico::Entity::find().count(conn).await.unwrap(),
        bron::Entity::find().count(conn).await.unwrap(),
        bronvermelding::Entity::find().count(conn).await.unwrap(),
        wijziging::Entity::find().count(conn).await.unwrap(),
    ]
}

/// The changes logged after `position` (where the dataset's load left the log) as (soort,
/// entiteit, entiteitId), in order.
async fn log(conn: &DatabaseConnection, position: i64) -> Vec<(WijzigingSoort, String, String)> {
    wijziging::Entity::find()
        .filter(wijziging::Column::Volgnummer.gt(position))
        .order_by_asc(wijziging::Column::Volgnummer)
        .all(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|w| (w.soort, sea_orm::ActiveEnum::to_value(&w.entiteit), w.entiteit_id))
        .collect()
}

fn entry(soort: WijzigingSoort, entiteit: &str, id: &str) -> (WijzigingSoort, String, String) {
    (soort, entiteit.to_owned(), id.to_owned())
}

const REGISTREER_ONDERZOEK: &str = r#"mutation($input: RegistreerOnderzoekInput!) {
  registreerOnderzoek(input: $input) {
    onderzoek { id sleutel titel uitvoerder opdrachtgever publicatiedatum url kamerstuk
      kengetallen { id sleutel soort peildatum waarde eenheid omschrijving }
      bronnen { sleutel titel url toelichting } }
  }
}"#;

const LEG_EVALUATIE_VAST: &str = r#"mutation($input: LegEvaluatieVastInput!) {
  legEvaluatieVast(input: $input) {
    evaluatie { id sleutel datum samenvatting tevredenheid voordelenWegenOp
      onderzoek { sleutel } ambtelijkeFusie { sleutel }
      motieven { motief toelichting } doelen { doel realisatie streefwaarde gerealiseerdeWaarde eenheid }
      risicos { risico ervaren } bronnen { sleutel toelichting } }
  }
}"#;

const VOEG_BRON_TOE: &str = r#"mutation($input: VoegBronToeInput!) {
  voegBronToe(input: $input) { bronnen { id sleutel titel uitgever url datum toelichting } }
}"#;

/// The seeded study, published 2016-01-13.
const STUDIE: &str = "samen-sterker-maar-toch-apart-2016";

/// The node with `sleutel` in a connection, whatever its place (the bundled dataset has more rows
/// than these tests add).
fn node_with<'a>(connection: &'a Value, sleutel: &str) -> &'a Value {
    connection["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .find(|n| n["sleutel"] == sleutel)
        .expect("the record is listed in the connection")
}

fn onderzoek_input() -> Value {
    json!({
        "sleutel": "monitor-2024",
        "titel": "Monitor ambtelijke samenwerking 2024",
        "uitvoerder": "Bureau Onderzoek",
        "opdrachtgever": "Ministerie van BZK",
        "publicatiedatum": "2024-03-01",
        "url": "https://example.org/monitor-2024",
        "kamerstuk": "Kamerstuk 12345, nr. 6",
        "kengetallen": [
            { "sleutel": "aantal-2024", "soort": "AANTAL_AMBTELIJKE_FUSIEORGANISATIES", "peildatum": "2024-01-01",
              "waarde": 14, "omschrijving": "Fusieorganisaties op 1 januari 2024." },
            { "sleutel": "gemeenten-2024", "soort": "AANTAL_DEELNEMENDE_GEMEENTEN", "peildatum": "2024-01-01",
              "waarde": 33.5, "eenheid": "gemeenten", "omschrijving": "Deelnemende gemeenten." }
        ],
        "bronnen": [
            { "bron": "albrandswaard-ontvlechting-bar", "toelichting": "Bevestigt de ontvlechting." },
            { "bron": "monitor-2024-rapport", "titel": "Monitor 2024, rapport", "url": "https://example.org/monitor.pdf",
              "uitgever": "Bureau Onderzoek", "datum": "2024-03-01" }
        ]
    })
}

fn evaluatie_input() -> Value {
    json!({
        "sleutel": "bar-evaluatie-2017",
        "onderzoek": STUDIE,
        "ambtelijkeFusie": "bar",
        "datum": "2017-06-30",
        "samenvatting": "De BAR-organisatie levert de beoogde uitvoeringskracht.",
        "tevredenheid": "GEMENGD",
        "voordelenWegenOp": true,
        "motieven": [
            { "motief": "REORGANISATIE" },
            { "motief": "UITVOERINGSKRACHT", "toelichting": "Meer slagkracht." },
            { "motief": "ANDERS", "toelichting": "Bestuurlijke wens." }
        ],
        "doelen": [
            { "doel": "BEDRIJFSVOERINGSLASTEN", "realisatie": "DEELS_GEREALISEERD", "streefwaarde": 1.5,
              "gerealiseerdeWaarde": 0.9, "eenheid": "mln EUR" },
            { "doel": "DIENSTVERLENING", "realisatie": "GEREALISEERD" }
        ],
        "risicos": [
            { "risico": "WISSELING_SLEUTELFIGUREN", "ervaren": true },
            { "risico": "POLITIEK_PRIMAAT" }
        ],
        "bronnen": [ { "bron": "rekenkamer-rotterdam-samen-en-nog-steeds-apart" } ]
    })
}

#[tokio::test]
async fn without_a_caller_every_write_is_refused_and_nothing_changes() {
    let conn = common::seeded_database().await;
    let schema = build_schema(conn.clone());
    let before = counts(&conn).await;
    let cases = [
        (REGISTREER_ONDERZOEK, json!({ "input": onderzoek_input() })),
        (LEG_EVALUATIE_VAST, json!({ "input": evaluatie_input() })),
        (
            VOEG_BRON_TOE,
            json!({ "input": { "entiteit": "AmbtelijkeFusie:bar", "bron": { "bron": "nieuw", "titel": "Nieuw" } } }),
        ),
    ];
    for (query, variables) in cases {
        let response = as_caller(&schema, None, query, variables).await;
        assert_eq!(code(&response), "UNAUTHENTICATED", "{response:#}");
    }
    assert_eq!(counts(&conn).await, before);
}

#[tokio::test]
async fn a_study_is_registered_with_its_figures_and_sources() {
    let conn = common::seeded_database().await;
    let schema = build_schema(conn.clone());
    let position = common::log_position(&conn).await;
    let before = counts(&conn).await;
    let response = write(&schema, REGISTREER_ONDERZOEK, json!({ "input": onderzoek_input() })).await;
    ok(&response);
    let stored = &response["data"]["registreerOnderzoek"]["onderzoek"];
    assert_eq!(stored["id"], "Onderzoek:monitor-2024");
    assert_eq!(stored["kengetallen"][0]["id"], "Kengetal:monitor-2024:aantal-2024");
    assert_eq!(stored["kengetallen"][1]["waarde"], 33.5);
    assert_eq!(stored["kengetallen"][1]["eenheid"], "gemeenten");
    let bronnen: Vec<&str> =
        stored["bronnen"].as_array().unwrap().iter().map(|b| b["sleutel"].as_str().unwrap()).collect();
    assert_eq!(bronnen, ["albrandswaard-ontvlechting-bar", "monitor-2024-rapport"], "in input order");
    assert_eq!(stored["bronnen"][0]["toelichting"], "Bevestigt de ontvlechting.");
    assert_eq!(stored["bronnen"][1]["titel"], "Monitor 2024, rapport");

    // Readable through the query API, newest study first.
    let read = common::data(
        &schema,
        r#"{ onderzoeken(first: 10) { totalCount edges { node { sleutel titel publicatiedatum
            kengetallen { sleutel soort peildatum waarde omschrijving } bronnen { sleutel url } } } } }"#,
        json!({}),
    )
    .await;
    let seeded = fusieregister::dataset::Dataset::bundled().unwrap().onderzoeken.len();
    assert_eq!(read["onderzoeken"]["totalCount"], seeded + 1);
    let node = &read["onderzoeken"]["edges"][0]["node"];
    assert_eq!(node["sleutel"], "monitor-2024");
    assert_eq!(node["publicatiedatum"], "2024-03-01");
    assert_eq!(node["kengetallen"][0]["soort"], "AANTAL_AMBTELIJKE_FUSIEORGANISATIES");
    assert_eq!(node["kengetallen"][0]["peildatum"], "2024-01-01");
    assert_eq!(node["bronnen"][1]["url"], "https://example.org/monitor.pdf");
    let by_node = common::data(&schema, r#"{ node(id: "Onderzoek:monitor-2024") { id } }"#, json!({})).await;
    assert_eq!(by_node["node"]["id"], "Onderzoek:monitor-2024");

    // One change per changed record: the study, its two figures and the new source. Citing the
    // existing source is part of creating the study.
    assert_eq!(
        log(&conn, position).await,
        [
            entry(WijzigingSoort::Aangemaakt, "Onderzoek", "Onderzoek:monitor-2024"),
            entry(WijzigingSoort::Aangemaakt, "Kengetal", "Kengetal:monitor-2024:aantal-2024"),
            entry(WijzigingSoort::Aangemaakt, "Kengetal", "Kengetal:monitor-2024:gemeenten-2024"),
            entry(WijzigingSoort::Aangemaakt, "Bron", "Bron:monitor-2024-rapport"),
        ]
    );
    let after = counts(&conn).await;
    assert_eq!(after[0], before[0] + 1, "one study");
    assert_eq!(after[1], before[1] + 2, "two figures");
    assert_eq!(after[6], before[6] + 1, "one new source");
    assert_eq!(after[7], before[7] + 2, "two citations");
    let door: Vec<String> = wijziging::Entity::find()
        .filter(wijziging::Column::Volgnummer.gt(position))
        .all(&conn)
        .await
        .unwrap()
        .into_iter()
        .map(|w| w.door)
        .collect();
    assert!(door.iter().all(|d| d == "redactie-bzk"));

    // Optional parts may be left out: no figures, no sources.
    let minimal = write(
        &schema,
        REGISTREER_ONDERZOEK,
        json!({ "input": { "sleutel": "kort", "titel": "Kort", "uitvoerder": "Iemand" } }),
    )
    .await;
    ok(&minimal);
    assert_eq!(minimal["data"]["registreerOnderzoek"]["onderzoek"]["kengetallen"], json!([]));
    assert_eq!(minimal["data"]["registreerOnderzoek"]["onderzoek"]["url"], Value::Null);
}

#[tokio::test]
async fn an_evaluation_keeps_the_input_order_and_shows_under_its_fusie_and_study() {
    let conn = common::seeded_database().await;
    let schema = build_schema(conn.clone());
    let position = common::log_position(&conn).await;
    let response = write(&schema, LEG_EVALUATIE_VAST, json!({ "input": evaluatie_input() })).await;
    ok(&response);
    let stored = &response["data"]["legEvaluatieVast"]["evaluatie"];
    assert_eq!(stored["id"], "Evaluatie:bar-evaluatie-2017");
    assert_eq!(stored["onderzoek"]["sleutel"], STUDIE);
    assert_eq!(stored["ambtelijkeFusie"]["sleutel"], "bar");
    assert_eq!(stored["tevredenheid"], "GEMENGD");
    assert_eq!(stored["voordelenWegenOp"], true);

    let read = common::data(
        &schema,
        r#"{ ambtelijkeFusie(sleutel: "bar") { evaluaties { sleutel datum samenvatting
            motieven { motief toelichting } doelen { doel realisatie streefwaarde gerealiseerdeWaarde eenheid }
            risicos { risico ervaren } bronnen { sleutel } } } }"#,
        json!({}),
    )
    .await;
    let evaluaties = read["ambtelijkeFusie"]["evaluaties"].as_array().unwrap();
    let evaluatie = evaluaties.iter().find(|e| e["sleutel"] == "bar-evaluatie-2017").expect("listed under bar");
    assert_eq!(evaluatie["datum"], "2017-06-30");
    let motieven: Vec<&str> =
        evaluatie["motieven"].as_array().unwrap().iter().map(|m| m["motief"].as_str().unwrap()).collect();
    assert_eq!(motieven, ["REORGANISATIE", "UITVOERINGSKRACHT", "ANDERS"], "in input order");
    assert_eq!(evaluatie["motieven"][2]["toelichting"], "Bestuurlijke wens.");
    assert_eq!(
        evaluatie["doelen"],
        json!([
            { "doel": "BEDRIJFSVOERINGSLASTEN", "realisatie": "DEELS_GEREALISEERD", "streefwaarde": 1.5,
              "gerealiseerdeWaarde": 0.9, "eenheid": "mln EUR" },
            { "doel": "DIENSTVERLENING", "realisatie": "GEREALISEERD", "streefwaarde": null,
              "gerealiseerdeWaarde": null, "eenheid": null }
        ])
    );
    assert_eq!(
        evaluatie["risicos"],
        json!([{ "risico": "WISSELING_SLEUTELFIGUREN", "ervaren": true }, { "risico": "POLITIEK_PRIMAAT", "ervaren": null }])
    );
    assert_eq!(evaluatie["bronnen"], json!([{ "sleutel": "rekenkamer-rotterdam-samen-en-nog-steeds-apart" }]));

    // The volgorde columns follow the input.
    let motief_rows = evaluatie_motief::Entity::find()
        .filter(evaluatie_motief::Column::EvaluatieId.eq(find_evaluatie(&conn, "bar-evaluatie-2017").await))
        .order_by_asc(evaluatie_motief::Column::Id)
        .all(&conn)
        .await
        .unwrap();
    assert_eq!(motief_rows.iter().map(|m| m.volgorde).collect::<Vec<_>>(), [0, 1, 2]);

    let listed = common::data(
        &schema,
        &format!(
            r#"{{ evaluaties(onderzoek: "{STUDIE}", ambtelijkeFusie: "bar") {{ totalCount edges {{ node {{ sleutel }} }} }}
               onderzoeken {{ edges {{ node {{ sleutel evaluaties {{ sleutel }} }} }} }} }}"#
        ),
        json!({}),
    )
    .await;
    assert_eq!(listed["evaluaties"]["totalCount"], 1);
    assert_eq!(listed["evaluaties"]["edges"][0]["node"]["sleutel"], "bar-evaluatie-2017");
    let of_study = node_with(&listed["onderzoeken"], STUDIE)["evaluaties"].as_array().unwrap();
    assert!(of_study.iter().any(|e| e["sleutel"] == "bar-evaluatie-2017"));

    // One change: the evaluation (it cites an existing source; its parts belong to it).
    assert_eq!(
        log(&conn, position).await,
        [entry(WijzigingSoort::Aangemaakt, "Evaluatie", "Evaluatie:bar-evaluatie-2017")]
    );

    // Only a study, or only a fusie, is enough; a new source in the input is created.
    let only_study = write(
        &schema,
        LEG_EVALUATIE_VAST,
        json!({ "input": { "sleutel": "alleen-studie", "onderzoek": STUDIE, "samenvatting": "Algemeen.",
            "tevredenheid": "ONBEKEND", "bronnen": [{ "bron": "nieuwe-bron", "titel": "Nieuwe bron" }] } }),
    )
    .await;
    ok(&only_study);
    assert_eq!(only_study["data"]["legEvaluatieVast"]["evaluatie"]["ambtelijkeFusie"], Value::Null);
    let only_fusie = write(
        &schema,
        LEG_EVALUATIE_VAST,
        json!({ "input": { "sleutel": "alleen-fusie", "ambtelijkeFusie": "abg", "samenvatting": "Lokaal.",
            "tevredenheid": "TEVREDEN", "datum": "2010-01-01" } }),
    )
    .await;
    ok(&only_fusie);
    assert_eq!(only_fusie["data"]["legEvaluatieVast"]["evaluatie"]["onderzoek"], Value::Null);
    let entries = log(&conn, position).await;
    assert_eq!(
        entries[1..],
        [
            entry(WijzigingSoort::Aangemaakt, "Evaluatie", "Evaluatie:alleen-studie"),
            entry(WijzigingSoort::Aangemaakt, "Bron", "Bron:nieuwe-bron"),
            entry(WijzigingSoort::Aangemaakt, "Evaluatie", "Evaluatie:alleen-fusie"),
        ]
    );
}

async fn find_evaluatie(conn: &DatabaseConnection, sleutel: &str) -> i32 {
    evaluatie::Entity::find().filter(evaluatie::Column::Sleutel.eq(sleutel)).one(conn).await.unwrap().unwrap().id
}

#[tokio::test]
async fn a_source_is_cited_for_each_kind_of_record() {
    let conn = common::seeded_database().await;
    let schema = build_schema(conn.clone());
    let position = common::log_position(&conn).await;
    let before = counts(&conn).await;

    // A new source for an existing ambtelijke fusie: created, then cited, last in the list.
    let response = write(
        &schema,
        VOEG_BRON_TOE,
        json!({ "input": { "entiteit": "AmbtelijkeFusie:bar", "bron": { "bron": "bar-jaarverslag-2015",
            "titel": "BAR-organisatie, jaarverslag 2015", "uitgever": "BAR-organisatie", "url": "https://example.org/bar-2015",
            "datum": "2016-05-01", "toelichting": "Bevestigt de begindatum." } } }),
    )
    .await;
    ok(&response);
    let bronnen = response["data"]["voegBronToe"]["bronnen"].as_array().unwrap();
    assert_eq!(bronnen.len(), 5, "bar cited four sources in the dataset");
    let laatste = &bronnen[4];
    assert_eq!(laatste["id"], "Bron:bar-jaarverslag-2015");
    assert_eq!(laatste["uitgever"], "BAR-organisatie");
    assert_eq!(laatste["datum"], "2016-05-01");
    assert_eq!(laatste["toelichting"], "Bevestigt de begindatum.");
    let read = common::data(
        &schema,
        r#"{ ambtelijkeFusie(sleutel: "bar") { bronnen { sleutel titel toelichting } } }"#,
        json!({}),
    )
    .await;
    assert_eq!(read["ambtelijkeFusie"]["bronnen"][4]["sleutel"], "bar-jaarverslag-2015");
    assert_eq!(read["ambtelijkeFusie"]["bronnen"][4]["titel"], "BAR-organisatie, jaarverslag 2015");
    assert_eq!(
        log(&conn, position).await,
        [
            entry(WijzigingSoort::Aangemaakt, "Bron", "Bron:bar-jaarverslag-2015"),
            entry(WijzigingSoort::Gewijzigd, "AmbtelijkeFusie", "AmbtelijkeFusie:bar"),
        ]
    );

    // The same source, now existing, for every other kind of record; fields that match the
    // stored source may be repeated.
    write(&schema, LEG_EVALUATIE_VAST, json!({ "input": evaluatie_input() })).await;
    let houders = [
        "Gemeente:GM0489",
        "Herindeling:2000-01-01-nijkerk",
        &format!("Onderzoek:{STUDIE}"),
        "Evaluatie:bar-evaluatie-2017",
    ];
    for houder in houders {
        let response = write(
            &schema,
            VOEG_BRON_TOE,
            json!({ "input": { "entiteit": houder, "bron": { "bron": "bar-jaarverslag-2015", "titel": "BAR-organisatie, jaarverslag 2015" } } }),
        )
        .await;
        ok(&response);
        let bronnen = response["data"]["voegBronToe"]["bronnen"].as_array().unwrap();
        assert_eq!(bronnen.last().unwrap()["sleutel"], "bar-jaarverslag-2015", "{houder}");
        assert_eq!(bronnen.last().unwrap()["toelichting"], Value::Null, "{houder}");
    }
    let read = common::data(
        &schema,
        r#"{ gemeente(code: "GM0489") { bronnen { sleutel } }
                 herindelingen(first: 100) { edges { node { sleutel bronnen { sleutel } } } }
                 evaluaties(ambtelijkeFusie: "bar") { edges { node { sleutel bronnen { sleutel } } } }
                 onderzoeken { edges { node { sleutel bronnen { sleutel } } } } }"#,
        json!({}),
    )
    .await;
    let cites = |list: &Value| list.as_array().unwrap().iter().any(|b| b["sleutel"] == "bar-jaarverslag-2015");
    assert!(cites(&read["gemeente"]["bronnen"]));
    let nijkerk = read["herindelingen"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["sleutel"] == "2000-01-01-nijkerk")
        .expect("the herindeling is listed");
    assert!(cites(&nijkerk["node"]["bronnen"]));
    assert!(cites(&node_with(&read["evaluaties"], "bar-evaluatie-2017")["bronnen"]));
    assert!(cites(&node_with(&read["onderzoeken"], STUDIE)["bronnen"]));

    // One change per citation, none for the source that already existed.
    let entries = log(&conn, position).await;
    assert_eq!(
        entries[3..],
        [
            entry(WijzigingSoort::Gewijzigd, "Gemeente", "Gemeente:GM0489"),
            entry(WijzigingSoort::Gewijzigd, "Herindeling", "Herindeling:2000-01-01-nijkerk"),
            entry(WijzigingSoort::Gewijzigd, "Onderzoek", &format!("Onderzoek:{STUDIE}")),
            entry(WijzigingSoort::Gewijzigd, "Evaluatie", "Evaluatie:bar-evaluatie-2017"),
        ]
    );
    let after = counts(&conn).await;
    assert_eq!(after[6], before[6] + 1, "the source was created once");
}

#[tokio::test]
async fn each_broken_rule_of_a_study_names_its_field_and_writes_nothing() {
    let conn = common::seeded_database().await;
    let schema = build_schema(conn.clone());
    let before = counts(&conn).await;
    let with = |key: &str, value: Value| {
        let mut input = onderzoek_input();
        input[key] = value;
        json!({ "input": input })
    };
    let kengetal = |sleutel: &str, omschrijving: &str| json!({ "sleutel": sleutel, "soort": "OVERIG", "waarde": 1, "omschrijving": omschrijving });
    let cases = [
        (with("sleutel", json!("Monitor 2024")), "BAD_USER_INPUT", "sleutel"),
        (with("sleutel", json!(STUDIE)), "CONFLICT", "sleutel"),
        (with("titel", json!("  ")), "BAD_USER_INPUT", "titel"),
        (with("uitvoerder", json!("")), "BAD_USER_INPUT", "uitvoerder"),
        (with("url", json!("ftp://example.org/monitor")), "BAD_USER_INPUT", "url"),
        (with("url", json!("example.org/monitor")), "BAD_USER_INPUT", "url"),
        (with("kengetallen", json!([kengetal("a", "Een"), kengetal("a", "Twee")])), "BAD_USER_INPUT", "kengetallen"),
        (with("kengetallen", json!([kengetal("Niet Goed", "Een")])), "BAD_USER_INPUT", "kengetallen"),
        (with("kengetallen", json!([kengetal("a", "Een"), kengetal("b", " ")])), "BAD_USER_INPUT", "omschrijving"),
        // A source: unknown without a titel, cited twice, a bad address, a malformed sleutel, and
        // an existing one described differently.
        (with("bronnen", json!([{ "bron": "bestaat-niet" }])), "BAD_USER_INPUT", "bronnen"),
        (
            with(
                "bronnen",
                json!([{ "bron": "albrandswaard-ontvlechting-bar" }, { "bron": "albrandswaard-ontvlechting-bar" }]),
            ),
            "BAD_USER_INPUT",
            "bronnen",
        ),
        (
            with("bronnen", json!([{ "bron": "nieuw", "titel": "Nieuw", "url": "mailto:a@b.nl" }])),
            "BAD_USER_INPUT",
            "bronnen",
        ),
        (with("bronnen", json!([{ "bron": "Nieuwe Bron", "titel": "Nieuw" }])), "BAD_USER_INPUT", "bronnen"),
        (
            with("bronnen", json!([{ "bron": "albrandswaard-ontvlechting-bar", "titel": "Iets anders" }])),
            "CONFLICT",
            "bronnen",
        ),
    ];
    for (variables, expected_code, expected_field) in cases {
        let response = write(&schema, REGISTREER_ONDERZOEK, variables.clone()).await;
        assert_eq!((code(&response), field(&response)), (expected_code, expected_field), "{variables}: {response:#}");
    }
    assert_eq!(counts(&conn).await, before, "no refused request wrote anything");

    // A value too large for a double is refused before it reaches the resolver.
    let response = write(
        &schema,
        r#"mutation { registreerOnderzoek(input: { sleutel: "groot", titel: "Groot", uitvoerder: "X",
            kengetallen: [{ sleutel: "a", soort: OVERIG, waarde: 1e400, omschrijving: "Te groot" }] }) { onderzoek { sleutel } } }"#,
        json!({}),
    )
    .await;
    assert_eq!(code(&response), "GRAPHQL_PARSE_FAILED", "{response:#}");
    assert_eq!(counts(&conn).await, before);

    // JSON cannot carry NaN or infinity, so the service's own check is tested directly.
    for waarde in [f64::NAN, f64::INFINITY] {
        let command = RegisterOnderzoek {
            sleutel: Sleutel::parse("oneindig").unwrap(),
            titel: "Oneindig".to_owned(),
            uitvoerder: "X".to_owned(),
            opdrachtgever: None,
            publicatiedatum: None,
            url: None,
            kamerstuk: None,
            opmerking: None,
            kengetallen: vec![NewKengetal {
                sleutel: Sleutel::parse("a").unwrap(),
                soort: KengetalSoort::Overig,
                peildatum: None,
                waarde,
                eenheid: None,
                omschrijving: "Niet eindig".to_owned(),
                opmerking: None,
            }],
            bronnen: Vec::new(),
        };
        let err = register_onderzoek(&conn, "test", command).await.unwrap_err();
        assert_eq!((err.code(), err.field()), ("BAD_USER_INPUT", Some("waarde")), "{waarde}");
    }
    assert_eq!(counts(&conn).await, before);
}

#[tokio::test]
async fn each_broken_rule_of_an_evaluation_names_its_field_and_writes_nothing() {
    let conn = common::seeded_database().await;
    let schema = build_schema(conn.clone());
    let before = counts(&conn).await;
    let with = |changes: Value| {
        let mut input = evaluatie_input();
        for (key, value) in changes.as_object().unwrap() {
            if value.is_null() {
                input.as_object_mut().unwrap().remove(key);
            } else {
                input[key] = value.clone();
            }
        }
        json!({ "input": input })
    };
    let cases = [
        (with(json!({ "onderzoek": null, "ambtelijkeFusie": null })), "BAD_USER_INPUT", "onderzoek"),
        (with(json!({ "onderzoek": "  ", "ambtelijkeFusie": null })), "BAD_USER_INPUT", "onderzoek"),
        (with(json!({ "onderzoek": "bestaat-niet" })), "NOT_FOUND", "onderzoek"),
        (with(json!({ "ambtelijkeFusie": "bestaat-niet" })), "NOT_FOUND", "ambtelijkeFusie"),
        // A malformed key is refused as such, before any lookup.
        (with(json!({ "onderzoek": "Bestaat Niet" })), "BAD_USER_INPUT", "onderzoek"),
        (with(json!({ "ambtelijkeFusie": "Bar!" })), "BAD_USER_INPUT", "ambtelijkeFusie"),
        (with(json!({ "sleutel": "Bar Evaluatie" })), "BAD_USER_INPUT", "sleutel"),
        (with(json!({ "sleutel": "abg-besparing-2016" })), "CONFLICT", "sleutel"),
        (with(json!({ "samenvatting": " " })), "BAD_USER_INPUT", "samenvatting"),
        // The study was published on 2016-01-13.
        (with(json!({ "datum": "2016-01-12" })), "BAD_USER_INPUT", "datum"),
        (with(json!({ "bronnen": [{ "bron": "onbekend-zonder-titel" }] })), "BAD_USER_INPUT", "bronnen"),
    ];
    for (variables, expected_code, expected_field) in cases {
        let response = write(&schema, LEG_EVALUATIE_VAST, variables.clone()).await;
        assert_eq!((code(&response), field(&response)), (expected_code, expected_field), "{variables}: {response:#}");
    }
    assert_eq!(counts(&conn).await, before, "no refused request wrote anything");

    // On the publication day itself, and without a datum, the evaluation is accepted.
    let same_day = write(&schema, LEG_EVALUATIE_VAST, with(json!({ "datum": "2016-01-13" }))).await;
    ok(&same_day);
    let undated =
        write(&schema, LEG_EVALUATIE_VAST, with(json!({ "sleutel": "zonder-datum", "datum": null, "bronnen": null })))
            .await;
    ok(&undated);
    assert_eq!(undated["data"]["legEvaluatieVast"]["evaluatie"]["datum"], Value::Null);
}

#[tokio::test]
async fn each_broken_rule_of_a_citation_names_its_field_and_writes_nothing() {
    let conn = common::seeded_database().await;
    let schema = build_schema(conn.clone());
    let before = counts(&conn).await;
    let cite = |entiteit: &str, bron: Value| json!({ "input": { "entiteit": entiteit, "bron": bron } });
    let cases = [
        (cite("bar", json!({ "bron": "nieuw", "titel": "Nieuw" })), "BAD_USER_INPUT", "entiteit"),
        (cite("Auto:1", json!({ "bron": "nieuw", "titel": "Nieuw" })), "BAD_USER_INPUT", "entiteit"),
        (cite("Provincie:PV28", json!({ "bron": "nieuw", "titel": "Nieuw" })), "BAD_USER_INPUT", "entiteit"),
        (cite("Bron:openstate-gr-partial", json!({ "bron": "nieuw", "titel": "Nieuw" })), "BAD_USER_INPUT", "entiteit"),
        (cite("AmbtelijkeFusie:bestaat-niet", json!({ "bron": "nieuw", "titel": "Nieuw" })), "NOT_FOUND", "entiteit"),
        (cite("Gemeente:GM9999", json!({ "bron": "nieuw", "titel": "Nieuw" })), "NOT_FOUND", "entiteit"),
        (cite("Evaluatie:bestaat-niet", json!({ "bron": "nieuw", "titel": "Nieuw" })), "NOT_FOUND", "entiteit"),
        (cite("Onderzoek:Niet Goed", json!({ "bron": "nieuw", "titel": "Nieuw" })), "BAD_USER_INPUT", "entiteit"),
        (cite("Gemeente:Utrecht", json!({ "bron": "nieuw", "titel": "Nieuw" })), "BAD_USER_INPUT", "entiteit"),
        (cite("AmbtelijkeFusie:bar", json!({ "bron": "nieuw" })), "BAD_USER_INPUT", "bron"),
        (cite("AmbtelijkeFusie:bar", json!({ "bron": "nieuw", "titel": "  " })), "BAD_USER_INPUT", "bron"),
        (
            cite("AmbtelijkeFusie:bar", json!({ "bron": "nieuw", "titel": "Nieuw", "url": "www.example.org" })),
            "BAD_USER_INPUT",
            "bron",
        ),
        (cite("AmbtelijkeFusie:bar", json!({ "bron": "-nieuw", "titel": "Nieuw" })), "BAD_USER_INPUT", "bron"),
        // bar already cites this source in the dataset.
        (cite("AmbtelijkeFusie:bar", json!({ "bron": "albrandswaard-ontvlechting-bar" })), "CONFLICT", "bron"),
        (
            cite(
                "AmbtelijkeFusie:abg",
                json!({ "bron": "albrandswaard-ontvlechting-bar", "url": "https://example.org/elders" }),
            ),
            "CONFLICT",
            "bron",
        ),
    ];
    for (variables, expected_code, expected_field) in cases {
        let response = write(&schema, VOEG_BRON_TOE, variables.clone()).await;
        assert_eq!((code(&response), field(&response)), (expected_code, expected_field), "{variables}: {response:#}");
    }
    assert_eq!(counts(&conn).await, before, "no refused request wrote anything");
}

#[tokio::test]
async fn an_evaluation_can_judge_the_goals_only_as_a_whole_and_keep_further_findings() {
    let conn = common::seeded_database().await;
    let schema = build_schema(conn.clone());
    let mut input = evaluatie_input();
    input["sleutel"] = json!("bar-algemeen-oordeel");
    input["doelrealisatie"] = json!("GEREALISEERD");
    input["doelrealisatieToelichting"] = json!("'de doelen worden gehaald'");
    input["doelen"] = json!([{ "doel": "DIENSTVERLENING", "realisatie": "ONBEKEND" }]);
    input["bevindingen"] = json!([
        { "omschrijving": "Meestal een openbaar lichaam.", "citaat": "meestal een openbaar lichaam op basis van de Wgr" },
        { "omschrijving": "Het aantal groeit naar verwachting." }
    ]);
    let query = r#"mutation($input: LegEvaluatieVastInput!) { legEvaluatieVast(input: $input) {
        evaluatie { doelrealisatie doelrealisatieToelichting doelen { realisatie } bevindingen { omschrijving citaat } } } }"#;
    let response = write(&schema, query, json!({ "input": input })).await;
    ok(&response);
    let evaluatie = &response["data"]["legEvaluatieVast"]["evaluatie"];
    assert_eq!(evaluatie["doelrealisatie"], "GEREALISEERD");
    assert_eq!(evaluatie["doelrealisatieToelichting"], "'de doelen worden gehaald'");
    assert_eq!(evaluatie["doelen"], json!([{ "realisatie": "ONBEKEND" }]));
    assert_eq!(
        evaluatie["bevindingen"],
        json!([
            { "omschrijving": "Meestal een openbaar lichaam.", "citaat": "meestal een openbaar lichaam op basis van de Wgr" },
            { "omschrijving": "Het aantal groeit naar verwachting.", "citaat": null }
        ]),
        "in input order"
    );

    // A finding without words is refused, and nothing is written.
    let before = counts(&conn).await;
    let mut empty = evaluatie_input();
    empty["sleutel"] = json!("bar-lege-bevinding");
    empty["bevindingen"] = json!([{ "omschrijving": "  " }]);
    let response = write(&schema, LEG_EVALUATIE_VAST, json!({ "input": empty })).await;
    assert_eq!((code(&response), field(&response)), ("BAD_USER_INPUT", "bevindingen"), "{response:#}");
    assert_eq!(counts(&conn).await, before);
}
