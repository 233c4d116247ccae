//! `/voorbeeld`: a small example front-end that shows the registry at a glance, written the way a
//! front-end team would start with this API.
//!
//! The page is plain ES modules with no build step: `queries.js` holds every named operation the
//! page sends, `graphql.js` posts them with `fetch`, and `live.js` subscribes over
//! `/graphql/ws` with the npm `graphql-ws` client, vendored under `assets/vendor/` (see
//! `assets/LICENSES.md`). The other modules each draw one part of the page: the chart per year,
//! the table of fusies on a peildatum, one municipality's page, and the live list of changes.
//!
//! Like the IDE, everything is compiled into the binary (`include_str!`/`include_bytes!`), so the
//! page works on a machine without internet access, and nothing is read from disk at run time.
//! Its Content-Security-Policy lets it load scripts, styles and images from this origin only,
//! connect to this origin only (the WebSocket included), and run one inline script: the import
//! map, admitted by its hash.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest, Sha256};

/// Where the page is served; its assets are below it.
pub const PATH: &str = "/voorbeeld";

/// The HTML page. It refers to its assets by absolute path under [`PATH`].
const PAGE: &str = include_str!("assets/index.html");

/// Opening tag of the page's import map, the one inline script the policy admits.
const IMPORT_MAP_TAG: &str = r#"<script type="importmap">"#;

/// The page's policy falls in two parts around the import map's hash; see [`page_csp`].
const CSP_BEFORE_HASH: &str = "default-src 'none'; script-src 'self'";
/// `connect-src 'self'` also admits the WebSocket to this host (CSP Level 3; the browser check
/// `tools/clients/voorbeeld-check.mjs` shows it in Chromium). Unlike the IDE, the page does not
/// list `ws:`/`wss:`, which would admit a WebSocket to any host; a browser that predates CSP
/// Level 3 shows the page without its live list. `require-trusted-types-for` makes Chromium
/// refuse HTML strings in DOM sinks (`innerHTML` and the like): the page builds its DOM from
/// nodes, so data from the API can never become markup.
const CSP_AFTER_HASH: &str = "; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; \
    form-action 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'";

/// The page's own modules may change with every release, so the browser revalidates them.
const REVALIDATE: &str = "no-cache";
/// The vendored files sit in a folder named after their version: a path never changes content.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const SVG: &str = "image/svg+xml";
const TEXT: &str = "text/plain; charset=utf-8";

/// One embedded file, served at `{PATH}/{name}`.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    cache: &'static str,
    body: &'static [u8],
}

/// The embedded files. Keep them in step with the imports of the modules and `index.html`.
const ASSETS: &[Asset] = &[
    Asset { name: "app.js", content_type: JS, cache: REVALIDATE, body: include_bytes!("assets/app.js") },
    Asset { name: "queries.js", content_type: JS, cache: REVALIDATE, body: include_bytes!("assets/queries.js") },
    Asset { name: "graphql.js", content_type: JS, cache: REVALIDATE, body: include_bytes!("assets/graphql.js") },
    Asset { name: "dom.js", content_type: JS, cache: REVALIDATE, body: include_bytes!("assets/dom.js") },
    Asset { name: "dates.js", content_type: JS, cache: REVALIDATE, body: include_bytes!("assets/dates.js") },
    Asset { name: "chart.js", content_type: JS, cache: REVALIDATE, body: include_bytes!("assets/chart.js") },
    Asset { name: "fusies.js", content_type: JS, cache: REVALIDATE, body: include_bytes!("assets/fusies.js") },
    Asset { name: "gemeente.js", content_type: JS, cache: REVALIDATE, body: include_bytes!("assets/gemeente.js") },
    Asset { name: "labels.js", content_type: JS, cache: REVALIDATE, body: include_bytes!("assets/labels.js") },
    Asset { name: "live.js", content_type: JS, cache: REVALIDATE, body: include_bytes!("assets/live.js") },
    Asset { name: "style.css", content_type: CSS, cache: REVALIDATE, body: include_bytes!("assets/style.css") },
    Asset { name: "icon.svg", content_type: SVG, cache: REVALIDATE, body: include_bytes!("assets/icon.svg") },
    Asset {
        name: "vendor/graphql-ws-6.4.2/client.js",
        content_type: JS,
        cache: IMMUTABLE,
        body: include_bytes!("assets/vendor/graphql-ws-6.4.2/client.js"),
    },
    Asset {
        name: "vendor/graphql-ws-6.4.2/common-CGW11Fyb.js",
        content_type: JS,
        cache: IMMUTABLE,
        body: include_bytes!("assets/vendor/graphql-ws-6.4.2/common-CGW11Fyb.js"),
    },
    // Served so that the MIT notice travels with the copy of the code that a browser receives.
    Asset {
        name: "vendor/graphql-ws-6.4.2/LICENSE.md",
        content_type: TEXT,
        cache: IMMUTABLE,
        body: include_bytes!("assets/vendor/graphql-ws-6.4.2/LICENSE.md"),
    },
];

/// The URL paths of every embedded asset, e.g. `/voorbeeld/app.js`.
pub fn asset_paths() -> impl Iterator<Item = String> {
    ASSETS.iter().map(|a| format!("{PATH}/{}", a.name))
}

/// `GET /voorbeeld` (the page), `GET /voorbeeld/` (redirects to it) and `GET /voorbeeld/{file}`
/// (its assets; 404 for any other name). Merge it into the application's router; it needs no
/// state.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(PATH, get(page))
        .route("/voorbeeld/", get(|| async { Redirect::permanent(PATH) }))
        .route("/voorbeeld/{*file}", get(asset))
}

/// The page's Content-Security-Policy, computed once from the embedded page.
static PAGE_CSP: LazyLock<HeaderValue> = LazyLock::new(|| {
    // A base64 digest holds only header-safe characters; the fallback admits no inline script,
    // which breaks the page's imports visibly rather than loosening the policy.
    HeaderValue::from_str(&page_csp(PAGE))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'; script-src 'self'"))
});

/// The policy for `page`: only this origin, plus the page's import map by its SHA-256 digest
/// (the browser hashes the text between the tags). A page without an import map gets a policy
/// that admits no inline script at all.
fn page_csp(page: &str) -> String {
    match import_map(page) {
        Some(map) => {
            let digest = BASE64.encode(Sha256::digest(map.as_bytes()));
            format!("{CSP_BEFORE_HASH} 'sha256-{digest}'{CSP_AFTER_HASH}")
        }
        None => format!("{CSP_BEFORE_HASH}{CSP_AFTER_HASH}"),
    }
}

/// The text of the page's `<script type="importmap">`, if it has one.
fn import_map(page: &str) -> Option<&str> {
    let start = page.find(IMPORT_MAP_TAG)? + IMPORT_MAP_TAG.len();
    let length = page[start..].find("</script>")?;
    Some(&page[start..start + length])
}

async fn page() -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static(REVALIDATE)),
            (header::CONTENT_SECURITY_POLICY, PAGE_CSP.clone()),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        ],
        PAGE,
    )
        .into_response()
}

async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|a| a.name == file) {
        Some(a) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(a.content_type)),
                (header::CACHE_CONTROL, HeaderValue::from_static(a.cache)),
                (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            ],
            a.body,
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, HeaderValue::from_static(TEXT))],
            "no such file of the example page\n",
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_admits_the_import_map_by_its_digest() {
        let page = "<head><script type=\"importmap\">{\"imports\":{}}</script></head>";
        let digest = BASE64.encode(Sha256::digest(br#"{"imports":{}}"#));
        let csp = page_csp(page);
        assert!(csp.starts_with(&format!("default-src 'none'; script-src 'self' 'sha256-{digest}';")), "{csp}");
        assert!(!csp.contains("unsafe"), "{csp}");
    }

    #[test]
    fn without_an_import_map_no_inline_script_is_admitted() {
        let csp = page_csp("<script type=\"module\" src=\"/voorbeeld/app.js\"></script>");
        assert!(csp.starts_with("default-src 'none'; script-src 'self'; style-src"), "{csp}");
    }

    #[test]
    fn the_embedded_page_has_an_import_map() {
        assert!(import_map(PAGE).is_some_and(|map| map.contains("\"graphql-ws\"")));
    }
}
