//! Arbitrary input at every scalar argument of every root query field, and forged cursors at
//! every `after`: the server must answer each with a coded error or data, never a panic, an empty
//! reply, a 5xx or an `INTERNAL_SERVER_ERROR`. The fields come from the schema's introspection,
//! so a new field is fuzzed without touching this file.
//!
//! Each argument gets `FUZZ_CASES` generated values (default 16), half sent as variables and half
//! written into the document, which keeps the whole run within seconds.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use fusieregister::app::{AppState, router};
use http_body_util::BodyExt;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};
use tower::ServiceExt;

const INTROSPECTION: &str = r"{ __schema { queryType { fields { name args { name type { ...T } } type { ...T } } } } }
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }";

/// A type reference as introspection describes it.
#[derive(Debug, Clone)]
enum TypeRef {
    Named { kind: String, name: String },
    NonNull(Box<TypeRef>),
    List(Box<TypeRef>),
}

impl TypeRef {
    fn from_json(value: &Value) -> Self {
        let inner = || Box::new(Self::from_json(&value["ofType"]));
        match value["kind"].as_str().unwrap() {
            "NON_NULL" => Self::NonNull(inner()),
            "LIST" => Self::List(inner()),
            kind => Self::Named { kind: kind.to_owned(), name: value["name"].as_str().unwrap().to_owned() },
        }
    }

    /// The type as written in a variable definition, e.g. `[ID!]!`.
    fn sdl(&self) -> String {
        match self {
            Self::Named { name, .. } => name.clone(),
            Self::NonNull(inner) => format!("{}!", inner.sdl()),
            Self::List(inner) => format!("[{}]", inner.sdl()),
        }
    }

    fn named(&self) -> (&str, &str) {
        match self {
            Self::Named { kind, name } => (kind, name),
            Self::NonNull(inner) | Self::List(inner) => inner.named(),
        }
    }

    fn is_list(&self) -> bool {
        match self {
            Self::Named { .. } => false,
            Self::NonNull(inner) => inner.is_list(),
            Self::List(_) => true,
        }
    }

    /// A valid value of a required argument that is not under test, as a GraphQL literal.
    fn valid_literal(&self) -> Option<String> {
        let scalar = match self.named() {
            (_, "String") => r#""GM0363""#,
            (_, "ID") => r#""Gemeente:GM0363""#,
            (_, "Date") => r#""2020-01-01""#,
            (_, "DateTime") => r#""2020-01-01T00:00:00Z""#,
            (_, "Int") => "1",
            (_, "Boolean") => "true",
            _ => return None,
        };
        Some(if self.is_list() { format!("[{scalar}]") } else { scalar.to_owned() })
    }
}

/// One argument of one root field, to be fuzzed.
#[derive(Debug, Clone)]
struct Target {
    field: String,
    argument: String,
    ty: TypeRef,
    /// The other required arguments, with valid values.
    others: String,
    /// Whether the field's type needs a selection set.
    composite: bool,
}

/// What is sent: text (JSON-escaped) or a bare token such as a number too large for any type.
#[derive(Debug, Clone)]
enum Fuzz {
    Text(String),
    Bare(String),
}

impl Fuzz {
    /// The value as JSON or GraphQL source text; both share string and number syntax.
    fn source(&self, list: bool) -> String {
        let one = match self {
            Self::Text(text) => serde_json::to_string(text).unwrap(),
            Self::Bare(token) => token.clone(),
        };
        if list { format!("[{one}]") } else { one }
    }
}

fn targets(introspection: &Value) -> Vec<Target> {
    let fields = introspection["data"]["__schema"]["queryType"]["fields"].as_array().expect("root fields");
    let mut targets = Vec::new();
    for field in fields {
        let name = field["name"].as_str().unwrap();
        let arguments: Vec<(String, TypeRef)> = field["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (a["name"].as_str().unwrap().to_owned(), TypeRef::from_json(&a["type"])))
            .collect();
        let composite = matches!(TypeRef::from_json(&field["type"]).named().0, "OBJECT" | "INTERFACE" | "UNION");
        for (argument, ty) in &arguments {
            if !matches!(ty.named().0, "SCALAR" | "ENUM") {
                continue;
            }
            let others: Option<Vec<String>> = arguments
                .iter()
                .filter(|(other, ty)| other != argument && matches!(ty, TypeRef::NonNull(_)))
                .map(|(other, ty)| ty.valid_literal().map(|v| format!("{other}: {v}")))
                .collect();
            let Some(others) = others else { continue };
            targets.push(Target {
                field: name.to_owned(),
                argument: argument.clone(),
                ty: ty.clone(),
                others: others.join(", "),
                composite,
            });
        }
    }
    targets
}

fn base64(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(text)
}

/// Text that has broken parsers before: anything at all, non-ASCII around the CBS code's prefix,
/// NUL, long digit runs, dates beyond year 9999, and very long values.
fn text() -> impl Strategy<Value = Fuzz> {
    prop_oneof![
        any::<String>().prop_map(Fuzz::Text),
        "[GgMmaé٠-٩\u{0}]{0,3}[0-9é٠\u{0}]{0,5}".prop_map(Fuzz::Text),
        "[+-]?[0-9]{4,6}-[0-9]{1,2}-[0-9]{1,2}".prop_map(Fuzz::Text),
        "[A-Za-z]{1,16}:[^\u{0}]{0,12}".prop_map(Fuzz::Text),
        (1usize..20_000).prop_map(|n| Fuzz::Text("é".repeat(n))),
        "-?[0-9]{1,40}".prop_map(Fuzz::Bare),
        "-?[0-9]{1,3}\\.[0-9]{1,3}e[0-9]{2,4}".prop_map(Fuzz::Bare),
        Just(Fuzz::Bare("true".to_owned())),
        Just(Fuzz::Bare("null".to_owned())),
    ]
}

/// Cursors this API never handed out: offsets of any size, text after the prefix, raw bytes.
fn cursor() -> impl Strategy<Value = Fuzz> {
    prop_oneof![
        any::<u64>().prop_map(|n| Fuzz::Text(base64(&format!("offset:{n}")))),
        "[0-9]{19,40}".prop_map(|digits| Fuzz::Text(base64(&format!("offset:{digits}")))),
        "-?[0-9]{1,20}".prop_map(|digits| Fuzz::Text(base64(&format!("offset:{digits}")))),
        any::<String>().prop_map(|text| Fuzz::Text(base64(&format!("offset:{text}")))),
        proptest::collection::vec(any::<u8>(), 0..64).prop_map(|bytes| Fuzz::Text(URL_SAFE_NO_PAD.encode(bytes))),
        text(),
    ]
}

/// The request body: the value under test as a variable, or written into the document.
fn body(target: &Target, value: &Fuzz, as_variable: bool) -> String {
    let selection = if target.composite { " { __typename }" } else { "" };
    let others = if target.others.is_empty() { String::new() } else { format!(", {}", target.others) };
    let list = target.ty.is_list();
    let query = if as_variable {
        format!(
            "query Fuzz($v: {}) {{ {}({}: $v{others}){selection} }}",
            target.ty.sdl(),
            target.field,
            target.argument
        )
    } else {
        format!("{{ {}({}: {}{others}){selection} }}", target.field, target.argument, value.source(list))
    };
    let variables = if as_variable { format!(r#"{{"v": {}}}"#, value.source(list)) } else { "{}".to_owned() };
    format!(r#"{{"query": {}, "variables": {variables}}}"#, serde_json::to_string(&query).unwrap())
}

async fn post(app: &Router, body: String) -> (u16, Vec<u8>) {
    let request =
        Request::post("/graphql").header(header::CONTENT_TYPE, "application/json").body(Body::from(body)).unwrap();
    let response = app.clone().oneshot(request).await.expect("the router answers");
    let status = response.status().as_u16();
    (status, response.into_body().collect().await.expect("the body reads").to_bytes().to_vec())
}

/// The property: a well-formed JSON reply below 500 whose errors all carry a code other than
/// `INTERNAL_SERVER_ERROR`.
fn check(status: u16, bytes: &[u8]) -> Result<(), TestCaseError> {
    let text = String::from_utf8_lossy(bytes);
    prop_assert!(status < 500, "status {status}: {text}");
    let json: Value = serde_json::from_slice(bytes).map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
    for error in json["errors"].as_array().into_iter().flatten() {
        let code = error["extensions"]["code"].as_str();
        prop_assert!(code.is_some(), "an error without a code: {error}");
        prop_assert!(code != Some("INTERNAL_SERVER_ERROR"), "bad input reported as internal: {error}");
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(16)
}

#[test]
fn arbitrary_arguments_and_cursors_get_coded_answers() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let app = runtime.block_on(async { router(AppState::new(common::seeded_database().await)) });
    let (_, introspection) = runtime.block_on(post(&app, json!({ "query": INTROSPECTION }).to_string()));
    let targets = targets(&serde_json::from_slice(&introspection).unwrap());
    assert!(targets.iter().any(|t| t.field == "gemeente" && t.argument == "code"), "{targets:#?}");
    assert!(targets.iter().filter(|t| t.argument == "after").count() >= 5, "the connections are found");

    for target in &targets {
        let mut runner = TestRunner::new(Config { cases: cases(), failure_persistence: None, ..Config::default() });
        let values = if target.argument == "after" { cursor().boxed() } else { text().boxed() };
        let result = runner.run(&(values, any::<bool>()), |(value, as_variable)| {
            let (status, bytes) = runtime.block_on(post(&app, body(target, &value, as_variable)));
            check(status, &bytes)
        });
        if let Err(failure) = result {
            panic!("{}.{}: {failure}", target.field, target.argument);
        }
    }
}

/// The two inputs that crashed the server before: they must now be plain `BAD_USER_INPUT`.
#[tokio::test]
async fn the_reported_crashes_are_bad_input() {
    let app = router(AppState::new(common::seeded_database().await));
    for (query, field) in [
        (r#"{ gemeente(code: "aé123") { naam } }"#, "code"),
        (r#"{ gemeenten(after: "b2Zmc2V0OjkyMjMzNzIwMzY4NTQ3NzU4MDc") { totalCount } }"#, "after"),
    ] {
        let (status, bytes) = post(&app, json!({ "query": query }).to_string()).await;
        let json: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(status, 200, "{json}");
        assert_eq!(json["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{json}");
        assert_eq!(json["errors"][0]["extensions"]["field"], field, "{json}");
    }
}
