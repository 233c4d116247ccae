//! `/voorbeeld`, the example front-end: the page and every file it loads are served with their
//! types and a strict Content-Security-Policy, nothing refers to another origin, the vendored
//! client is the pinned one, and every named operation of `queries.js` runs on the real schema
//! with the example variables its comment gives.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed setup step should fail the test loudly

mod common;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use async_graphql::{Request as GraphQLRequest, Variables};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use fusieregister::app::{AppState, router};
use fusieregister::auth::Caller;
use fusieregister::domain::TokenRol;
use fusieregister::voorbeeld;
use futures_util::StreamExt;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tower::ServiceExt;

const ASSETS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/voorbeeld/assets");

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: header::HeaderName) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a text file is UTF-8")
    }
}

async fn get_from(app: Router, path: &str) -> Answer {
    let response = app.oneshot(Request::get(path).body(Body::empty()).unwrap()).await.expect("router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.expect("body reads").to_bytes().to_vec();
    Answer { status, headers, body }
}

/// The routes of the example page alone: they need no state and no database.
async fn get(path: &str) -> Answer {
    get_from(voorbeeld::routes::<()>(), path).await
}

/// The text of the page's `<script type="importmap">`.
fn import_map_text(html: &str) -> &str {
    let tag = r#"<script type="importmap">"#;
    let start = html.find(tag).expect("the page has an import map") + tag.len();
    let end = start + html[start..].find("</script>").expect("the import map is closed");
    &html[start..end]
}

/// The values of every `attr="..."` in `html`.
fn attribute_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

/// The module specifiers of a module's static `import … from "…"`, `import "…"` and
/// `export … from "…"` statements (each on one line, as in these files). Text that merely
/// mentions an import, such as an error message of the client, is not a statement.
fn import_specifiers(js: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for line in js.lines().map(str::trim_start) {
        if !["import ", "export ", "} from "].iter().any(|start| line.starts_with(start)) {
            continue;
        }
        let rest = match line.rfind(" from ") {
            Some(at) => &line[at + " from ".len()..],
            None if line.starts_with("import ") => &line["import ".len()..],
            None => continue,
        };
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else { continue };
        let rest = &rest[1..];
        found.push(&rest[..rest.find(quote).unwrap()]);
    }
    found
}

/// `specifier` as the browser resolves it from the module at `base`, through `import_map`.
fn resolve(base: &str, specifier: &str, import_map: &Value) -> String {
    if specifier.starts_with('/') {
        return specifier.to_owned();
    }
    if !specifier.starts_with("./") && !specifier.starts_with("../") {
        return import_map["imports"][specifier]
            .as_str()
            .unwrap_or_else(|| panic!("{base} imports {specifier}, which the import map does not name"))
            .to_owned();
    }
    let mut segments: Vec<&str> = base.split('/').collect();
    segments.pop(); // the module's own file name
    for part in specifier.split('/') {
        match part {
            "." => {}
            ".." => {
                segments.pop();
            }
            _ => segments.push(part),
        }
    }
    segments.join("/")
}

/// Every URL below /voorbeeld/ that the page refers to, following the modules' imports as a
/// browser does, with what the server answers for it.
async fn crawl(html: &str) -> BTreeMap<String, Answer> {
    let import_map: Value = serde_json::from_str(import_map_text(html)).expect("the import map is JSON");
    let mut queue: VecDeque<(String, String)> = VecDeque::new();
    for reference in attribute_values(html, "src").into_iter().chain(attribute_values(html, "href")) {
        assert!(reference.starts_with('/') && !reference.starts_with("//"), "the page refers to {reference}");
        if reference.starts_with("/voorbeeld/") {
            queue.push_back(("the page".to_owned(), reference.to_owned()));
        }
    }
    for target in import_map["imports"].as_object().expect("the import map has imports").values() {
        queue.push_back(("the import map".to_owned(), target.as_str().unwrap().to_owned()));
    }
    let mut seen = BTreeMap::new();
    while let Some((from, path)) = queue.pop_front() {
        if seen.contains_key(&path) {
            continue;
        }
        let answer = get(&path).await;
        assert_eq!(answer.status, StatusCode::OK, "{from} refers to {path}");
        if path.ends_with(".js") {
            for specifier in import_specifiers(&answer.text()) {
                queue.push_back((path.clone(), resolve(&path, specifier, &import_map)));
            }
        }
        seen.insert(path, answer);
    }
    seen
}

fn expected_content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("md") => "text/plain; charset=utf-8",
        _ => panic!("{path} has no known type"),
    }
}

/// Directive name → sources.
fn directives(csp: &str) -> BTreeMap<&str, Vec<&str>> {
    csp.split(';')
        .filter_map(|d| {
            let mut words = d.split_whitespace();
            Some((words.next()?, words.collect()))
        })
        .collect()
}

#[tokio::test]
async fn the_app_serves_the_page_under_a_strict_policy() {
    let app = router(AppState::new(common::empty_database().await));
    let page = get_from(app, "/voorbeeld").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header(header::CONTENT_TYPE), "text/html; charset=utf-8");
    assert_eq!(page.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert_eq!(page.header(header::REFERRER_POLICY), "no-referrer");
    let html = page.text();
    assert!(html.starts_with("<!doctype html>"));

    let csp = page.header(header::CONTENT_SECURITY_POLICY);
    assert!(!csp.contains("unsafe"), "{csp}");
    let policy = directives(csp);
    assert_eq!(policy["default-src"], ["'none'"], "{csp}");
    for directive in ["style-src", "img-src", "connect-src"] {
        assert_eq!(policy[directive], ["'self'"], "{directive} in {csp}");
    }
    for directive in ["base-uri", "form-action", "frame-ancestors"] {
        assert_eq!(policy[directive], ["'none'"], "{directive} in {csp}");
    }
    // The one inline script is the import map, admitted by the digest of its text.
    let digest = BASE64.encode(Sha256::digest(import_map_text(&html).as_bytes()));
    assert_eq!(policy["script-src"], ["'self'".to_owned(), format!("'sha256-{digest}'")], "{csp}");
    for (name, sources) in &policy {
        for source in sources {
            assert!(
                ["'self'", "'none'", "'script'"].contains(source) || source.starts_with("'sha256-"),
                "{name} {source} would allow another origin"
            );
        }
    }
    let inline_scripts = html.matches("<script").count() - html.matches("<script type=\"module\" src=").count();
    assert_eq!(inline_scripts, 1, "only the import map is inline");
    assert!(!html.contains("<style") && !html.contains(" style=\""), "no inline styles");
}

#[tokio::test]
async fn every_file_the_page_loads_is_served_with_its_type() {
    let page = get("/voorbeeld").await;
    let fetched = crawl(&page.text()).await;
    for (path, answer) in &fetched {
        assert_eq!(answer.header(header::CONTENT_TYPE), expected_content_type(path), "{path}");
        assert_eq!(answer.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff", "{path}");
        let cache =
            if path.starts_with("/voorbeeld/vendor/") { "public, max-age=31536000, immutable" } else { "no-cache" };
        assert_eq!(answer.header(header::CACHE_CONTROL), cache, "{path}");
        let file = std::fs::read(format!("{ASSETS_DIR}/{}", path.trim_start_matches("/voorbeeld/"))).unwrap();
        assert_eq!(answer.body, file, "{path} is served with the content of another file");
    }
    // Everything embedded is in use, and everything in use is embedded.
    let embedded: BTreeSet<String> = voorbeeld::asset_paths().collect();
    assert_eq!(fetched.keys().cloned().collect::<BTreeSet<_>>(), embedded);
    for module in [
        "/voorbeeld/app.js",
        "/voorbeeld/queries.js",
        "/voorbeeld/live.js",
        "/voorbeeld/vendor/graphql-ws-6.4.2/client.js",
    ] {
        assert!(fetched.contains_key(module), "{module} is not reached from the page");
    }
}

/// Namespace names that SVG needs spelled out; a browser never fetches them.
const NAMESPACES: &[&str] = &["http://www.w3.org/2000/svg"];

fn is_comment(line: &str) -> bool {
    let line = line.trim_start();
    ["//", "/*", "*", "<!--"].iter().any(|marker| line.starts_with(marker))
}

#[tokio::test]
async fn no_file_refers_to_another_origin() {
    let mut files = vec![("/voorbeeld".to_owned(), get("/voorbeeld").await)];
    for path in voorbeeld::asset_paths() {
        files.push((path.clone(), get(&path).await));
    }
    for (path, answer) in &files {
        // The license text is the package's, shown to people, never interpreted by the browser.
        if answer.header(header::CONTENT_TYPE).starts_with("text/plain") {
            continue;
        }
        let text = answer.text();
        for (number, line) in text.lines().enumerate() {
            let mut code = line.to_owned();
            for namespace in NAMESPACES {
                code = code.replace(namespace, "");
            }
            let css_only: &[&str] = if path.ends_with(".css") { &["url(", "@import"] } else { &[] };
            let remote = ["://", "\"//", "'//", "`//"].iter().chain(css_only).find(|p| code.contains(**p));
            if let Some(pattern) = remote {
                assert!(is_comment(line), "{path}:{}: `{pattern}` outside a comment: {line}", number + 1);
            }
        }
    }
    // The vendored client's only URL is a reference in a comment.
    let client = get("/voorbeeld/vendor/graphql-ws-6.4.2/client.js").await.text();
    assert_eq!(client.matches("://").count(), 1);
}

#[tokio::test]
async fn other_paths_are_not_found_and_the_folder_redirects_to_the_page() {
    for path in [
        "/voorbeeld/nope.js",
        "/voorbeeld/index.html",
        "/voorbeeld/LICENSES.md",
        "/voorbeeld/mod.rs",
        "/voorbeeld/..%2Fmod.rs",
        "/voorbeeld/vendor/graphql-ws-6.4.2/",
        "/voorbeeld/vendor/graphql-ws-6.4.2/client.cjs",
        "/voorbeeld/vendor/graphql-ws-6.4.1/client.js",
        "/voorbeeld/app.js/",
    ] {
        assert_eq!(get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let folder = get("/voorbeeld/").await;
    assert!(folder.status.is_redirection());
    assert_eq!(folder.header(header::LOCATION), "/voorbeeld");
}

#[test]
fn the_vendored_client_is_the_pinned_release_with_its_license() {
    let licenses = std::fs::read_to_string(format!("{ASSETS_DIR}/LICENSES.md")).unwrap();
    for file in ["client.js", "common-CGW11Fyb.js", "LICENSE.md"] {
        let bytes = std::fs::read(format!("{ASSETS_DIR}/vendor/graphql-ws-6.4.2/{file}")).unwrap();
        let digest: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert!(licenses.contains(&format!("`vendor/graphql-ws-6.4.2/{file}`")), "{file} is not listed");
        assert!(licenses.contains(&digest), "{file} differs from the release listed in LICENSES.md");
    }
    let license = std::fs::read_to_string(format!("{ASSETS_DIR}/vendor/graphql-ws-6.4.2/LICENSE.md")).unwrap();
    assert!(license.starts_with("MIT License") && license.contains("Denis Badurina"));
    // The same version as the Node clients that CI runs against the server.
    let clients = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tools/clients/package.json")).unwrap();
    assert!(clients.contains(r#""graphql-ws": "6.4.2""#));
}

/// One operation of `queries.js`.
struct Operation {
    export: String,
    kind: String,
    name: String,
    document: String,
    variables: Value,
}

/// The template literal that starts right after `start` in `source`, with `${NAME}` replaced by
/// the module's `const NAME = `...``.
fn template_at(source: &str, start: usize) -> String {
    let end = start + source[start..].find('`').expect("the template literal ends");
    let mut text = source[start..end].to_owned();
    while let Some(open) = text.find("${") {
        let close = open + text[open..].find('}').unwrap();
        let name = text[open + 2..close].to_owned();
        let marker = format!("const {name} = `");
        let at = source.find(&marker).unwrap_or_else(|| panic!("queries.js uses ${{{name}}} but defines no such text"));
        text.replace_range(open..=close, &template_at(source, at + marker.len()));
    }
    text
}

fn operations() -> Vec<Operation> {
    let source = std::fs::read_to_string(format!("{ASSETS_DIR}/queries.js")).unwrap();
    let mut found = Vec::new();
    let marker = " = operation(`";
    for (at, _) in source.match_indices(marker) {
        let export = source[..at].rsplit("export const ").next().unwrap().to_owned();
        let document = template_at(&source, at + marker.len());
        let mut head = document.split_whitespace();
        let kind = head.next().unwrap().to_owned();
        let name = head.next().unwrap().split('(').next().unwrap().to_owned();
        // The example variables are in the comment just above the export.
        let comment = &source[source[..at].rfind("/**").expect("each operation has a doc comment")..at];
        let variables = comment
            .split("Variables: `")
            .nth(1)
            .and_then(|rest| rest.split('`').next())
            .unwrap_or_else(|| panic!("the comment of {export} gives no example variables"));
        let variables = serde_json::from_str(variables).unwrap_or_else(|e| panic!("{export}: {e}: {variables}"));
        found.push(Operation { export, kind, name, document, variables });
    }
    found
}

#[tokio::test]
async fn every_operation_of_the_page_is_named_and_runs_on_the_schema() {
    let conn = common::seeded_database().await;
    let position = common::log_position(&conn).await;
    let schema = fusieregister::graphql::build_schema(conn);
    let operations = operations();
    assert!(operations.iter().any(|o| o.kind == "query") && operations.iter().any(|o| o.kind == "subscription"));

    // A change first, so that the log has one to count and to replay after the dataset's load.
    let gemeente = common::data(&schema, r#"{ gemeente(code: "GM0489") { id } }"#, json!({})).await;
    let editor = Caller { token_id: 1, naam: "voorbeeld".to_owned(), rol: TokenRol::Editor };
    let change = GraphQLRequest::new(
        "mutation($input: VoegBronToeInput!) { voegBronToe(input: $input) { bronnen { sleutel } } }",
    )
    .variables(Variables::from_json(json!({ "input": {
        "entiteit": gemeente["gemeente"]["id"],
        "bron": { "bron": "voorbeeld-test", "titel": "A source cited by the test of /voorbeeld" }
    } })))
    .data(editor);
    let response = serde_json::to_value(schema.execute(change).await).unwrap();
    assert!(response.get("errors").is_none(), "{response:#}");
    let log = common::data(
        &schema,
        "query($na: Int) { wijzigingen(na: $na, first: 100) { edges { node { volgnummer } } } }",
        json!({ "na": position }),
    )
    .await;
    let numbers: Vec<i64> = log["wijzigingen"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["volgnummer"].as_i64().unwrap())
        .collect();
    assert!(
        !numbers.is_empty() && numbers.iter().copied().eq(position + 1..=position + numbers.len() as i64),
        "{numbers:?}"
    );

    for op in &operations {
        assert_eq!(op.export, op.name, "export {} sends an operation of another name", op.export);
        assert!(["query", "subscription"].contains(&op.kind.as_str()), "{}: the page only reads", op.name);
        let mut variables = op.variables.clone();
        if op.name == "Wijzigingen" {
            // From the example's `vanaf: 0` the replay would start with the dataset's load; from
            // where the load ends, the change made above arrives first.
            assert!(variables.get("vanaf").is_some(), "the example subscribes from a volgnummer: {variables}");
            variables["vanaf"] = json!(position);
        }
        let request = GraphQLRequest::new(op.document.clone())
            .operation_name(op.name.clone())
            .variables(Variables::from_json(variables));
        let response = if op.kind == "subscription" {
            // `vanaf` replays the log after it: the change made above arrives first.
            schema.execute_stream(request).next().await.expect("the subscription yields the logged change")
        } else {
            schema.execute(request).await
        };
        let response = serde_json::to_value(response).unwrap();
        assert!(response.get("errors").is_none(), "{}: {response:#}", op.name);
        let data = &response["data"];
        match op.name.as_str() {
            "Statistiek" => assert!(!data["statistiek"]["kengetallen"].as_array().unwrap().is_empty(), "{data:#}"),
            "FusiesOpPeildatum" => {
                let names: Vec<_> = data["ambtelijkeFusies"]["edges"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["node"]["sleutel"].as_str().unwrap())
                    .collect();
                assert!(names.contains(&"bar"), "{names:?}");
            }
            "Gemeente" => assert_eq!(data["gemeente"]["naam"], "Barendrecht"),
            "GemeentenZoeken" => assert_eq!(data["gemeenten"]["edges"][0]["node"]["naam"], "Barendrecht"),
            // The live list counts on it: volgnummers start at 1 without gaps, the load's as well
            // as the changes after it, so the count is the newest volgnummer.
            "AantalWijzigingen" => {
                assert_eq!(data["wijzigingen"]["totalCount"], position + numbers.len() as i64);
            }
            "Wijzigingen" => {
                assert_eq!(data["wijzigingen"]["volgnummer"], position + 1);
                assert_eq!(data["wijzigingen"]["door"], "voorbeeld");
            }
            other => panic!("no expectation for {other}: add one here"),
        }
    }
}

#[test]
fn only_queries_js_holds_graphql() {
    // Keeping every document in one module lets the README show them all, and a code generator
    // or persisted-query tool find them.
    for entry in std::fs::read_dir(ASSETS_DIR).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "js") || path.ends_with("queries.js") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for line in text.lines().map(str::trim_start) {
            let starts_a_document =
                ["query ", "subscription ", "mutation ", "fragment "].iter().any(|k| line.starts_with(k));
            let opens_a_document = ["`query", "`subscription", "`mutation", "`fragment", "`{", "\"query", "\"{"]
                .iter()
                .any(|k| line.contains(k));
            assert!(!starts_a_document && !opens_a_document, "{}: {line}", path.display());
        }
    }
}
