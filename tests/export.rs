//! The open data files (`/data/…`, `fusieregister export DIR`): they hold what the API answers
//! for the same date, parse with a standard CSV parser, carry TOOI URIs, stream, answer 304 to a
//! known ETag, refuse bad input with coded errors, and the command writes the server's bytes.
//! On SQLite, and on PostgreSQL with `TEST_DATABASE_URL`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed step should fail loudly

mod common;

use std::collections::BTreeSet;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode, header};
use fusieregister::app::{AppState, router};
use fusieregister::export::context::TERMS;
use fusieregister::export::{Dataset, File};
use fusieregister::graphql::{RegistrySchema, build_schema};
use http_body_util::BodyExt;
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};
use tower::ServiceExt;

/// The dates the files are compared on: before and after the study's date, the BAR-organisation's
/// last day and the day after, and the first day of the register's coverage.
const DATES: [Option<&str>; 7] = [
    None,
    Some("1999-01-01"),
    Some("2003-01-01"),
    Some("2015-01-01"),
    Some("2016-01-01"),
    Some("2023-12-31"),
    Some("2024-01-01"),
];

struct Setup {
    app: Router,
    schema: RegistrySchema,
    conn: DatabaseConnection,
}

async fn setup() -> Setup {
    let conn = common::seeded_database().await;
    Setup { app: router(AppState::new(conn.clone())), schema: build_schema(conn.clone()), conn }
}

/// GET `path` with `headers`; status, response headers and the whole body.
async fn get(app: &Router, path: &str, headers: &[(&str, &str)]) -> (StatusCode, HeaderMap, Bytes) {
    let mut request = Request::get(path).header(header::HOST, "127.0.0.1:8080");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let (parts, body) = response.into_parts();
    (parts.status, parts.headers, body.collect().await.unwrap().to_bytes())
}

/// The rows of a CSV file, read by the `csv` crate (RFC 4180, every row as long as the header),
/// as maps from column to cell.
fn csv_rows(bytes: &[u8]) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    reader
        .records()
        .map(|record| header.iter().cloned().zip(record.unwrap().iter().map(str::to_owned)).collect())
        .collect()
}

async fn csv_of(
    app: &Router,
    dataset: &str,
    peildatum: Option<&str>,
) -> Vec<std::collections::HashMap<String, String>> {
    let query = peildatum.map(|d| format!("?peildatum={d}")).unwrap_or_default();
    let (status, headers, body) = get(app, &format!("/data/{dataset}.csv{query}"), &[]).await;
    assert_eq!(status, StatusCode::OK, "{dataset}{query}: {}", String::from_utf8_lossy(&body));
    assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8; header=present");
    csv_rows(&body)
}

/// Every node of a connection field, page by page (100 at a time).
async fn all_nodes(schema: &RegistrySchema, field: &str, arguments: &str, selection: &str) -> (Vec<Value>, u64) {
    let mut nodes = Vec::new();
    let mut after = Value::Null;
    loop {
        let query = format!(
            "query($after: String) {{ {field}({arguments} first: 100, after: $after) {{ totalCount pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {selection} }} }} }} }}"
        );
        let data = common::data(schema, &query, json!({ "after": after })).await;
        let list = &data[field];
        nodes.extend(list["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()));
        if !list["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            return (nodes, list["totalCount"].as_u64().unwrap());
        }
        after = list["pageInfo"]["endCursor"].clone();
    }
}

fn peildatum_argument(name: &str, peildatum: Option<&str>) -> String {
    peildatum.map(|d| format!("{name}: \"{d}\", ")).unwrap_or_default()
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn every_csv_file_holds_what_the_api_answers_for_the_same_date() {
    let s = setup().await;
    for peildatum in DATES {
        let on = format!("on {peildatum:?}");

        // Municipalities: the same codes, names, provinces and periods as `gemeenten`.
        let rows = csv_of(&s.app, "gemeenten", peildatum).await;
        let (api, total) = all_nodes(
            &s.schema,
            "gemeenten",
            &peildatum_argument("peildatum", peildatum),
            "code naam provincie { code } begindatum einddatum tooiUri",
        )
        .await;
        assert_eq!(rows.len() as u64, total, "gemeenten {on}");
        let from_csv: Vec<[String; 5]> = rows
            .iter()
            .map(|r| [&r["code"], &r["naam"], &r["provincie"], &r["begindatum"], &r["einddatum"]].map(String::clone))
            .collect();
        let from_api: Vec<[String; 5]> = api
            .iter()
            .map(|n| {
                [
                    text(&n["code"]),
                    text(&n["naam"]),
                    text(&n["provincie"]["code"]),
                    text(&n["begindatum"]),
                    text(&n["einddatum"]),
                ]
            })
            .collect();
        assert_eq!(from_csv, from_api, "gemeenten {on}");

        // Ambtelijke fusies: the same keys in the same order as `ambtelijkeFusies`.
        let fusies = csv_of(&s.app, "ambtelijke-fusies", peildatum).await;
        let (api, total) = all_nodes(
            &s.schema,
            "ambtelijkeFusies",
            &peildatum_argument("peildatum", peildatum),
            "sleutel rechtsvorm reikwijdte begindatum einddatum",
        )
        .await;
        assert_eq!(fusies.len() as u64, total, "fusies {on}");
        let keys = |rows: &[std::collections::HashMap<String, String>], column: &str| -> Vec<String> {
            rows.iter().map(|r| r[column].clone()).collect()
        };
        assert_eq!(keys(&fusies, "sleutel"), api.iter().map(|n| text(&n["sleutel"])).collect::<Vec<_>>(), "{on}");
        for (row, node) in fusies.iter().zip(&api) {
            assert_eq!(row["rechtsvorm"], text(&node["rechtsvorm"]));
            assert_eq!(row["einddatum"], text(&node["einddatum"]));
        }

        // Deelnames: those every fusie lists under `deelnames(peildatum:)`.
        let deelnames = csv_of(&s.app, "deelnames", peildatum).await;
        let (api, _) = all_nodes(
            &s.schema,
            "ambtelijkeFusies",
            "",
            &format!(
                "sleutel deelnames{} {{ rol begindatum gemeente {{ code }} }}",
                peildatum.map(|d| format!("(peildatum: \"{d}\")")).unwrap_or_default()
            ),
        )
        .await;
        let from_api: BTreeSet<[String; 4]> = api
            .iter()
            .flat_map(|f| {
                f["deelnames"].as_array().unwrap().iter().map(|d| {
                    [text(&f["sleutel"]), text(&d["gemeente"]["code"]), text(&d["rol"]), text(&d["begindatum"])]
                })
            })
            .collect();
        let from_csv: BTreeSet<[String; 4]> = deelnames
            .iter()
            .map(|r| [&r["ambtelijke_fusie"], &r["gemeente"], &r["rol"], &r["begindatum"]].map(String::clone))
            .collect();
        assert_eq!(deelnames.len(), from_csv.len(), "no deelname twice {on}");
        assert_eq!(from_csv, from_api, "deelnames {on}");

        // Herindelingen: those `herindelingen(tot:)` lists, in its order.
        let herindelingen = csv_of(&s.app, "herindelingen", peildatum).await;
        let (api, total) = all_nodes(
            &s.schema,
            "herindelingen",
            &peildatum_argument("tot", peildatum),
            "sleutel datum opgeheven { code }",
        )
        .await;
        assert_eq!(herindelingen.len() as u64, total, "herindelingen {on}");
        assert_eq!(keys(&herindelingen, "sleutel"), api.iter().map(|n| text(&n["sleutel"])).collect::<Vec<_>>());
        for (row, node) in herindelingen.iter().zip(&api) {
            let mut codes: Vec<String> =
                node["opgeheven"].as_array().unwrap().iter().map(|g| text(&g["code"])).collect();
            codes.sort();
            codes.dedup();
            assert_eq!(row["opgeheven"], codes.join("|"), "{}", row["sleutel"]);
        }

        // Evaluations: those of `evaluaties` published by the date.
        let evaluaties = csv_of(&s.app, "evaluaties", peildatum).await;
        let (api, _) = all_nodes(&s.schema, "evaluaties", "", "sleutel datum").await;
        let published: Vec<String> = api
            .iter()
            .filter(|n| peildatum.is_none_or(|d| n["datum"].as_str().is_some_and(|datum| datum <= d)))
            .map(|n| text(&n["sleutel"]))
            .collect();
        assert_eq!(keys(&evaluaties, "sleutel"), published, "evaluaties {on}");

        // And the counts of `statistiek` on the date.
        if let Some(day) = peildatum {
            let data = common::data(
                &s.schema,
                "query($d: Date!) { statistiek(peildatum: $d) { aantalGemeenten aantalAmbtelijkeFusies aantalGedeeltelijkeSamenwerkingen } }",
                json!({ "d": day }),
            )
            .await;
            let statistiek = &data["statistiek"];
            assert_eq!(rows.len() as u64, statistiek["aantalGemeenten"].as_u64().unwrap(), "{on}");
            let fusies_counted = statistiek["aantalAmbtelijkeFusies"].as_u64().unwrap()
                + statistiek["aantalGedeeltelijkeSamenwerkingen"].as_u64().unwrap();
            assert_eq!(fusies.len() as u64, fusies_counted, "{on}");
        }
    }
}

#[tokio::test]
async fn the_known_counts_hold_in_the_files() {
    let s = setup().await;
    assert_eq!(csv_of(&s.app, "gemeenten", None).await.len(), 606);
    assert_eq!(csv_of(&s.app, "gemeenten", Some("2015-01-01")).await.len(), 393);
    assert_eq!(csv_of(&s.app, "gemeenten", Some("2023-01-01")).await.len(), 342);
    assert_eq!(csv_of(&s.app, "herindelingen", None).await.len(), 128);
    assert_eq!(csv_of(&s.app, "ambtelijke-fusies", None).await.len(), 32);
    let bar = csv_of(&s.app, "ambtelijke-fusies", Some("2023-12-31")).await;
    assert!(bar.iter().any(|r| r["sleutel"] == "bar"), "BAR runs on its last day");
    let after = csv_of(&s.app, "ambtelijke-fusies", Some("2024-01-01")).await;
    assert!(!after.iter().any(|r| r["sleutel"] == "bar"), "and not the day after");
}

#[tokio::test]
async fn json_ld_holds_the_csv_rows_with_tooi_uris() {
    let s = setup().await;
    for dataset in Dataset::ALL {
        for peildatum in [None, Some("2015-01-01")] {
            let query = peildatum.map(|d| format!("?peildatum={d}")).unwrap_or_default();
            let rows = csv_of(&s.app, dataset.name(), peildatum).await;
            let (status, headers, body) = get(&s.app, &format!("/data/{}.jsonld{query}", dataset.name()), &[]).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(headers[header::CONTENT_TYPE], "application/ld+json");
            let document: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(document["@context"], "http://127.0.0.1:8080/data/context.jsonld");
            let graph = document["@graph"].as_array().unwrap();
            assert_eq!(graph.len(), rows.len(), "{}{query}", dataset.name());
            if dataset == Dataset::Gemeenten {
                for (row, node) in rows.iter().zip(graph) {
                    let expected = if row["tooi_uri"].is_empty() {
                        format!("http://127.0.0.1:8080/id/gemeente/{}", row["code"])
                    } else {
                        format!("https://identifier.overheid.nl/tooi/id/gemeente/{}", row["code"].to_lowercase())
                    };
                    assert_eq!(node["@id"], expected);
                    let provincie =
                        format!("https://identifier.overheid.nl/tooi/id/provincie/{}", row["provincie"].to_lowercase());
                    assert_eq!(node["provincie"]["@id"], provincie);
                }
            }
        }
    }
    let (_, _, body) = get(&s.app, "/data/deelnames.jsonld", &[]).await;
    let document: Value = serde_json::from_slice(&body).unwrap();
    let barendrecht = document["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["@id"] == "http://127.0.0.1:8080/id/deelname/bar/GM0489/2014-01-01")
        .expect("Barendrecht's deelname in BAR, under its public keys");
    assert_eq!(barendrecht["gemeente"], "https://identifier.overheid.nl/tooi/id/gemeente/gm0489");
    assert_eq!(barendrecht["ambtelijkeFusie"], "http://127.0.0.1:8080/id/ambtelijke-fusie/bar");
}

#[tokio::test]
async fn a_file_streams_in_pages() {
    let s = setup().await;
    let request = Request::get("/data/gemeenten.csv").body(Body::empty()).unwrap();
    let response = s.app.clone().oneshot(request).await.unwrap();
    assert!(response.headers().get(header::CONTENT_LENGTH).is_none(), "no length: the file is not built first");
    let mut body = response.into_body();
    let mut chunks = 0;
    while let Some(frame) = body.frame().await {
        if frame.unwrap().is_data() {
            chunks += 1;
        }
    }
    // The header, the first 500 municipalities, the other 106.
    assert!(chunks >= 3, "{chunks} chunks");
}

#[tokio::test]
async fn a_known_etag_gets_304_until_the_registry_changes() {
    let s = setup().await;
    let (status, headers, first) = get(&s.app, "/data/ambtelijke-fusies.csv?peildatum=2025-06-01", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();
    assert!(etag.starts_with("W/\""), "{etag}");
    assert_eq!(headers[header::CACHE_CONTROL], "public, no-cache");
    let (_, again, second) = get(&s.app, "/data/ambtelijke-fusies.csv?peildatum=2025-06-01", &[]).await;
    assert_eq!((again[header::ETAG].to_str().unwrap(), &second), (etag.as_str(), &first), "same state, same answer");

    let (status, headers, body) =
        get(&s.app, "/data/ambtelijke-fusies.csv?peildatum=2025-06-01", &[("if-none-match", &etag)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    assert_eq!(headers[header::ETAG].to_str().unwrap(), etag);

    for other in [
        "/data/ambtelijke-fusies.csv?peildatum=2025-06-02",
        "/data/ambtelijke-fusies.jsonld?peildatum=2025-06-01",
        "/data/ambtelijke-fusies.csv",
        "/data/ambtelijke-fusies.csv?peildatum=2025-06-01&bekendOp=2026-01-01T00:00:00Z",
    ] {
        let (status, headers, _) = get(&s.app, other, &[("if-none-match", &etag)]).await;
        assert_eq!(status, StatusCode::OK, "{other}");
        assert_ne!(headers[header::ETAG].to_str().unwrap(), etag, "{other}");
    }

    let written = common::write(
        &s.schema,
        "mutation { registreerFusieorganisatie(input: { sleutel: \"kust\", naam: \"Werkorganisatie Kust\", rechtsvorm: OPENBAAR_LICHAAM, reikwijdte: VOLLEDIG, begindatum: \"2025-01-01\", deelnemers: [\"GM0537\", \"GM0575\"] }) { ambtelijkeFusie { sleutel } } }",
        json!({}),
    )
    .await;
    assert!(written.get("errors").is_none(), "{written}");
    let (status, headers, body) =
        get(&s.app, "/data/ambtelijke-fusies.csv?peildatum=2025-06-01", &[("if-none-match", &etag)]).await;
    assert_eq!(status, StatusCode::OK, "the registry changed");
    assert_ne!(headers[header::ETAG].to_str().unwrap(), etag);
    assert!(csv_rows(&body).iter().any(|r| r["sleutel"] == "kust"));
}

#[tokio::test]
async fn bad_questions_are_coded_400s_and_unknown_files_404() {
    let s = setup().await;
    for (path, field) in [
        ("/data/gemeenten.csv?peildatum=2015-02-30", "peildatum"),
        ("/data/gemeenten.jsonld?peildatum=gisteren", "peildatum"),
        ("/data/deelnames.csv?peildatum=2015-01-01&peildatum=2016-01-01", "peildatum"),
        ("/data/catalogus.jsonld?bekendOp=2026-01-01", "bekendOp"),
        ("/data/evaluaties.csv?bekendOp=2026-01-01T00:00:00+01:00", "bekendOp"),
    ] {
        let (status, headers, body) = get(&s.app, path, &[]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/json");
        let json: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["errors"][0]["extensions"], json!({ "code": "BAD_USER_INPUT", "field": field }), "{path}");
    }
    for path in ["/data/gemeenten.xml", "/data/provincies.csv", "/data/catalogus.csv"] {
        let (status, _, body) = get(&s.app, path, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        let json: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["errors"][0]["extensions"]["code"], "NOT_FOUND");
    }
    let (status, _, _) = get(&s.app, "/data/gemeenten.csv?bekendOp=2026-01-01T00:00:00%2B01:00", &[]).await;
    assert_eq!(status, StatusCode::OK, "an encoded offset is a moment");
}

#[tokio::test]
async fn a_full_server_sheds_a_download_at_once() {
    let options = fusieregister::app::Options { max_concurrent_requests: 0, ..Default::default() };
    let app = router(AppState::with_options(common::seeded_database().await, options));
    let (status, headers, body) = get(&app, "/data/gemeenten.csv", &[]).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(headers[header::RETRY_AFTER], "1");
    let json: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["errors"][0]["extensions"]["code"], "SERVICE_UNAVAILABLE");
}

#[tokio::test]
async fn the_catalogue_describes_every_file_and_each_link_answers() {
    let s = setup().await;
    let (status, headers, body) = get(&s.app, "/data/catalogus.jsonld?peildatum=2015-01-01", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/ld+json");
    let catalogue: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(catalogue["@type"], "dcat:Catalog");
    let datasets = catalogue["dcat:dataset"].as_array().unwrap();
    assert_eq!(datasets.len(), 5);
    for dataset in datasets {
        assert_eq!(dataset["dct:license"]["@id"], "http://standaarden.overheid.nl/owms/terms/licentieonbekend");
        // An empty dataset (no evaluation was published by 2015-01-01) has no temporal coverage.
        if let Some(temporal) = dataset.get("dct:temporal") {
            assert!(temporal["dcat:startDate"]["@value"].as_str() <= temporal["dcat:endDate"]["@value"].as_str());
        }
        for distribution in dataset["dcat:distribution"].as_array().unwrap() {
            let url = distribution["dcat:downloadURL"]["@id"].as_str().unwrap();
            let path = url.strip_prefix("http://127.0.0.1:8080").unwrap();
            assert!(path.ends_with("?peildatum=2015-01-01"), "{path}");
            let (status, headers, _) = get(&s.app, path, &[]).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            let media = distribution["dcat:mediaType"]["@id"].as_str().unwrap();
            let served = headers[header::CONTENT_TYPE].to_str().unwrap();
            assert!(media.ends_with(served.split(';').next().unwrap()), "{media} for {served}");
        }
    }
    let gemeenten = &datasets[0]["dct:temporal"];
    assert_eq!(
        gemeenten["dcat:startDate"]["@value"], "1999-01-01",
        "the earliest begin of a municipality existing that day"
    );
}

#[tokio::test]
async fn the_readme_documents_every_term_and_column() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme.split("\n## Open data\n").nth(1).unwrap().split("\n## ").next().unwrap();
    for term in TERMS {
        assert!(
            section.contains(&format!("`{}`", term.name)),
            "the README's Open data section lacks the term {}",
            term.name
        );
    }
    for dataset in Dataset::ALL {
        let file = File::Data(dataset, fusieregister::export::Format::Csv).name();
        let row = section
            .lines()
            .find(|l| l.starts_with(&format!("| `{file}` |")))
            .unwrap_or_else(|| panic!("no row for {file}"));
        for column in dataset.columns() {
            assert!(row.contains(&format!("`{column}`")), "{file}'s row lacks {column}");
        }
    }
}

/// `fusieregister export DIR` writes, file for file, the bytes the server sends for the same
/// arguments and address: on a SQLite file, or on PostgreSQL with `TEST_DATABASE_URL`.
#[tokio::test]
async fn the_export_command_writes_the_bytes_the_server_sends() {
    let dir = std::env::temp_dir().join(format!("fusieregister-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = match common::seeded_postgres_with_url().await {
        Some((_, url)) => url,
        None => {
            let url = format!("sqlite://{}/export.db?mode=rwc", dir.display());
            let seeded = std::process::Command::new(env!("CARGO_BIN_EXE_fusieregister"))
                .args(["seed", "--database-url", &url])
                .output()
                .unwrap();
            assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
            url
        }
    };
    let app = router(AppState::new(fusieregister::db::connect(&url).await.unwrap()));
    for (arguments, query) in [
        (vec![], ""),
        (vec!["--peildatum", "2015-01-01"], "?peildatum=2015-01-01"),
        (
            vec!["--peildatum", "2016-01-01", "--bekend-op", "2030-01-01T01:00:00+01:00"],
            "?peildatum=2016-01-01&bekendOp=2030-01-01T00%3A00%3A00Z",
        ),
    ] {
        let out = dir.join(format!("files{}", arguments.len()));
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_fusieregister"))
            .arg("export")
            .arg(&out)
            .args(&arguments)
            .args(["--database-url", &url])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let written: BTreeSet<String> =
            std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        let expected: BTreeSet<String> = File::all().into_iter().map(File::name).collect();
        assert_eq!(written, expected, "twelve files and no leftover .part");
        for file in File::all() {
            let name = file.name();
            let (status, _, served) = get(&app, &format!("/data/{name}{query}"), &[]).await;
            assert_eq!(status, StatusCode::OK);
            let exported = std::fs::read(out.join(&name)).unwrap();
            assert!(exported == served.as_ref(), "{name}{query}: the exported file differs from the server's answer");
        }
    }
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_fusieregister"))
        .args(["export"])
        .arg(dir.join("bad"))
        .args(["--peildatum", "2015-02-30", "--database-url", &url])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--peildatum"), "the error names the argument");
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn the_context_is_served_and_cached() {
    let s = setup().await;
    let (status, headers, body) = get(&s.app, "/data/context.jsonld", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/ld+json");
    let context: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(context["@context"]["Gemeente"], "tooi:Gemeente");
    assert_eq!(context["@context"]["fr"], "http://127.0.0.1:8080/def#");
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();
    let (status, _, _) = get(&s.app, "/data/context.jsonld", &[("if-none-match", &etag)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    drop(s.conn);
}

/// `bekendOp` in a download reads the registry as known then: a correction made afterwards is
/// absent, and without `bekendOp` it is there.
#[tokio::test]
async fn a_download_as_known_before_a_correction_holds_the_old_state() {
    let s = setup().await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let before = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true).replace('+', "%2B");
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let correct = r#"mutation { corrigeerGemeente(input: { code: "GM0363", naam: "Amsterdam (gecorrigeerd)" }) { gemeente { naam } } }"#;
    let written = common::write(&s.schema, correct, json!({})).await;
    assert!(written.get("errors").is_none(), "{written}");
    let naam = |rows: &[std::collections::HashMap<String, String>]| {
        rows.iter().find(|row| row["code"] == "GM0363").map(|row| row["naam"].clone())
    };
    assert_eq!(naam(&csv_of(&s.app, "gemeenten", None).await).as_deref(), Some("Amsterdam (gecorrigeerd)"));
    let (status, _, body) = get(&s.app, &format!("/data/gemeenten.csv?bekendOp={before}"), &[]).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert_eq!(naam(&csv_rows(&body)).as_deref(), Some("Amsterdam"));
}
