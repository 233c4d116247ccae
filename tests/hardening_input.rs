//! Input truth on both databases: dates only from 0001 to 9999, no NUL in any string, one length
//! limit per text field; each refusal is `BAD_USER_INPUT` naming the field, and nothing is written.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use fusieregister::app::{AppState, router};
use fusieregister::domain::{TokenRol, tekst};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

async fn app() -> (Router, String) {
    let conn = common::seeded_database().await;
    let (_, token) = fusieregister::auth::store::create(&conn, "redactie", TokenRol::Editor).await.unwrap();
    (router(AppState::new(conn)), token)
}

async fn post(app: &Router, token: &str, query: &str, variables: Value) -> Value {
    let request = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from(json!({ "query": query, "variables": variables }).to_string()))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&bytes).unwrap()
}

fn refused_on(response: &Value, field: &str) {
    let error = &response["errors"][0];
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{response:#}");
    assert_eq!(error["extensions"]["field"], field, "{response:#}");
}

const REGISTREER: &str = "mutation($input: RegistreerFusieorganisatieInput!) {
    registreerFusieorganisatie(input: $input) { ambtelijkeFusie { sleutel } } }";

fn fusie(overrides: Value) -> Value {
    let mut input = json!({ "sleutel": "kust", "naam": "Kust", "rechtsvorm": "OPENBAAR_LICHAAM",
        "reikwijdte": "VOLLEDIG", "begindatum": "2024-01-01", "deelnemers": ["GM0537", "GM0575"] });
    input.as_object_mut().unwrap().extend(overrides.as_object().unwrap().clone());
    json!({ "input": input })
}

async fn fusie_count(app: &Router, token: &str) -> i64 {
    let response = post(app, token, "{ ambtelijkeFusies { totalCount } }", json!({})).await;
    response["data"]["ambtelijkeFusies"]["totalCount"].as_i64().unwrap()
}

#[tokio::test]
async fn dates_outside_years_1_to_9999_are_refused() {
    let (app, token) = app().await;
    for date in ["+10000-01-01", "10000-01-01", "0000-12-31", "-0001-01-01"] {
        let literal = format!(r#"{{ statistiek(peildatum: "{date}") {{ aantalGemeenten }} }}"#);
        refused_on(&post(&app, &token, &literal, json!({})).await, "peildatum");
        let variable = "query($d: Date!) { statistiek(peildatum: $d) { aantalGemeenten } }";
        let response = post(&app, &token, variable, json!({ "d": date })).await;
        assert_eq!(response["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{response:#}");
    }
    let before = fusie_count(&app, &token).await;
    let response = post(&app, &token, REGISTREER, fusie(json!({ "einddatum": "+10000-01-01" }))).await;
    assert_eq!(response["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{response:#}");
    assert_eq!(fusie_count(&app, &token).await, before, "nothing was written");
}

/// The last day of the range is stored so that it compares as a date: a fusie that ends on
/// 9999-12-31 is running in 2030 and on that last day, and not yet before it began.
#[tokio::test]
async fn the_edges_of_the_range_compare_as_dates() {
    let (app, token) = app().await;
    let response = post(&app, &token, REGISTREER, fusie(json!({ "einddatum": "9999-12-31" }))).await;
    assert!(response.get("errors").is_none(), "{response:#}");
    let query = r#"query($d: Date) { ambtelijkeFusies(peildatum: $d, naam: "Kust") { edges { node { sleutel } } } }"#;
    for (peildatum, running) in [("2030-06-01", true), ("9999-12-31", true), ("2023-12-31", false)] {
        let response = post(&app, &token, query, json!({ "d": peildatum })).await;
        let edges = response["data"]["ambtelijkeFusies"]["edges"].as_array().unwrap().len();
        assert_eq!(edges == 1, running, "on {peildatum}: {response:#}");
    }
}

#[tokio::test]
async fn nul_in_any_string_argument_is_bad_input_on_every_backend() {
    let (app, token) = app().await;
    let nul = "GM\u{0}363";
    for (query, variables, field) in [
        (r#"{ gemeente(code: "GM\u0000363") { naam } }"#, json!({}), "code"),
        ("query($c: String!) { gemeente(code: $c) { naam } }", json!({ "c": nul }), "code"),
        ("query($n: String) { gemeenten(naam: $n) { totalCount } }", json!({ "n": "Leid\u{0}en" }), "naam"),
        ("query($s: String!) { ambtelijkeFusie(sleutel: $s) { naam } }", json!({ "s": "bar\u{0}" }), "sleutel"),
        ("query($o: String) { evaluaties(onderzoek: $o) { totalCount } }", json!({ "o": "\u{0}" }), "onderzoek"),
        (r#"{ node(id: "Gemeente:GM\u0000") { id } }"#, json!({}), "id"),
    ] {
        refused_on(&post(&app, &token, query, variables).await, field);
    }
    let before = fusie_count(&app, &token).await;
    refused_on(&post(&app, &token, REGISTREER, fusie(json!({ "naam": "Ku\u{0}st" }))).await, "naam");
    assert_eq!(fusie_count(&app, &token).await, before, "nothing was written");
}

#[tokio::test]
async fn each_text_field_has_its_length_limit() {
    let (app, token) = app().await;
    let before = fusie_count(&app, &token).await;
    for (field, limit) in [("naam", tekst::limit("naam")), ("afkorting", tekst::limit("afkorting"))] {
        let too_long = "a".repeat(limit + 1);
        refused_on(&post(&app, &token, REGISTREER, fusie(json!({ field: too_long }))).await, field);
    }
    assert_eq!(fusie_count(&app, &token).await, before, "nothing was written");
    let at_limit = "a".repeat(tekst::limit("naam"));
    let response = post(&app, &token, REGISTREER, fusie(json!({ "naam": at_limit }))).await;
    assert!(response.get("errors").is_none(), "a name at the limit is taken: {response:#}");
}
