//! GraphiQL, the in-browser GraphQL IDE, for `GET /graphql` from a browser.
//!
//! Everything the page needs is compiled into the binary, because the server must work on a
//! machine without internet access: a page that pulls GraphiQL from a CDN shows nothing there
//! (and tells a third party about every visit). The page loads only files under
//! `/graphql/ide/`, served by [`routes`](crate::ide::routes) from `include_bytes!`; nothing is read from the
//! filesystem or the network at run time.
//!
//! The files in `assets/` are the npm browser builds, byte for byte, of graphiql 4.1.2 (the
//! newest line with a UMD bundle that needs no bundler), and of react and react-dom 18.3.1
//! (GraphiQL's UMD bundle wants the `React`/`ReactDOM` globals, and React 19 ships no UMD
//! build). The graphiql bundle inlines graphql-js and the graphql-ws client, so subscriptions
//! need no further file. `assets/LICENSES.md` gives versions, licenses and npm integrity;
//! `node tools/ide/vendor.mjs` fetches and checks them again. The file names carry the
//! versions, so the files can be cached as immutable.
//!
//! The page sends queries to `/graphql` (POST) and subscriptions to `ws(s)://<host>/graphql/ws`
//! (graphql-transport-ws), both on the origin it was loaded from. Its Content-Security-Policy
//! lets the browser load nothing from any other origin.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The URL path under which [`routes`] serves the assets; the page refers to them there.
pub const ASSET_PATH: &str = "/graphql/ide";

/// The HTML page; its inline script configures GraphiQL.
const PAGE: &str = include_str!("page.html");

/// What the page may load: only this origin (and `data:` fonts and images, which the GraphiQL
/// stylesheet inlines). Inline script and style are the page's own configuration and the styles
/// that GraphiQL's components set. `ws:`/`wss:` are listed because older browsers do not count a
/// WebSocket to the same host as `'self'`.
const PAGE_CSP: &str = "default-src 'none'; script-src 'self' 'unsafe-inline'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
    connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The assets' cache policy: their names carry their versions, so a name never changes content.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// One embedded file, served at `{ASSET_PATH}/{name}`.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

/// The embedded files. Keep the names in step with `page.html` and `tools/ide/vendor.mjs`.
const ASSETS: &[Asset] = &[
    Asset { name: "graphiql-4.1.2.min.js", content_type: JS, body: include_bytes!("assets/graphiql-4.1.2.min.js") },
    Asset { name: "graphiql-4.1.2.min.css", content_type: CSS, body: include_bytes!("assets/graphiql-4.1.2.min.css") },
    Asset {
        name: "react-18.3.1.production.min.js",
        content_type: JS,
        body: include_bytes!("assets/react-18.3.1.production.min.js"),
    },
    Asset {
        name: "react-dom-18.3.1.production.min.js",
        content_type: JS,
        body: include_bytes!("assets/react-dom-18.3.1.production.min.js"),
    },
];

/// The GraphiQL page (`text/html; charset=utf-8`), for `GET /graphql` from a browser.
///
/// Not cacheable beyond revalidation: it names the asset versions, which change with upgrades.
pub async fn page() -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_CSP)),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        ],
        PAGE,
    )
        .into_response()
}

/// `GET /graphql/ide/{file}`: the embedded scripts and stylesheet of the page, 404 for any
/// other name. Merge it into the application's router; it needs no state.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/graphql/ide/{file}", get(asset))
}

async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|a| a.name == file) {
        Some(a) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(a.content_type)),
                (header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE)),
                (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            ],
            a.body,
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"))],
            "no such IDE asset\n",
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::{Body, to_bytes};
    use axum::http::Request;
    use tower::ServiceExt;

    async fn get_asset(path: &str) -> Response {
        let request = Request::get(path).body(Body::empty()).unwrap();
        routes::<()>().oneshot(request).await.unwrap()
    }

    async fn body_of(response: Response) -> Vec<u8> {
        to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec()
    }

    fn header_of(response: &Response, name: header::HeaderName) -> &str {
        response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    /// The values of every `attr="..."` in `html`.
    fn attribute_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
        let needle = format!("{attr}=\"");
        html.match_indices(&needle)
            .filter(|(at, _)| !html[..*at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '-'))
            .map(|(at, _)| {
                let rest = &html[at + needle.len()..];
                &rest[..rest.find('"').unwrap()]
            })
            .collect()
    }

    /// Every `src`/`href` value of the page.
    fn all_page_references() -> Vec<&'static str> {
        let mut refs = attribute_values(PAGE, "src");
        refs.extend(attribute_values(PAGE, "href"));
        refs
    }

    /// The `src`/`href` values that the browser fetches: all but the empty `data:,` favicon,
    /// which is there so that the browser does not ask for `/favicon.ico`.
    fn page_references() -> Vec<&'static str> {
        all_page_references().into_iter().filter(|r| *r != "data:,").collect()
    }

    fn expected_content_type(name: &str) -> &'static str {
        if name.ends_with(".js") {
            JS
        } else if name.ends_with(".css") {
            CSS
        } else {
            panic!("the page references {name}, which is neither a script nor a stylesheet")
        }
    }

    #[tokio::test]
    async fn page_is_utf8_html_with_a_restrictive_csp() {
        let response = page().await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header_of(&response, header::CONTENT_TYPE), "text/html; charset=utf-8");
        let csp = header_of(&response, header::CONTENT_SECURITY_POLICY).to_owned();
        assert!(csp.starts_with("default-src 'none';"), "{csp}");
        for directive in csp.split(';') {
            for source in directive.split_whitespace().skip(1) {
                assert!(
                    ["'self'", "'unsafe-inline'", "'none'", "data:", "ws:", "wss:"].contains(&source),
                    "CSP source {source} would allow another origin"
                );
            }
        }
        let body = String::from_utf8(body_of(response).await).unwrap();
        assert!(body.starts_with("<!doctype html>"));
        assert!(body.contains(r#"<div id="graphiql">"#));
    }

    #[test]
    fn page_references_only_local_assets() {
        assert!(all_page_references().iter().filter(|r| r.starts_with("data:")).all(|r| *r == "data:,"));
        let refs = page_references();
        assert_eq!(refs.len(), 4, "three scripts and a stylesheet: {refs:?}");
        for r in refs {
            assert!(r.starts_with("/graphql/ide/"), "{r} is not under /graphql/ide/");
            assert!(!r.starts_with("//") && !r.contains("://"), "{r} points off this origin");
        }
        let lower = PAGE.to_ascii_lowercase();
        for remote in ["http://", "https://", "@import", "url("] {
            assert!(!lower.contains(remote), "the page contains {remote}");
        }
        // The only `//` in the page outside comments is the one joining scheme and host of the
        // WebSocket URL, which is this page's own host.
        assert!(PAGE.contains(r#"wsScheme + "//" + window.location.host + "/graphql/ws""#));
    }

    #[test]
    fn page_configures_both_endpoints_on_its_own_origin() {
        assert!(PAGE.contains(r#"url: "/graphql","#));
        assert!(PAGE.contains(r#"window.location.protocol === "https:" ? "wss:" : "ws:""#));
        assert!(PAGE.contains("GraphiQL.createFetcher("));
        // The default query: a nested request in the domain's terms, and how to subscribe.
        for part in ["query BarendrechtOp2015 {", r#"gemeente(code: \"GM0489\")"#, "ambtelijkeFusies(", "subscription"]
        {
            assert!(PAGE.contains(part), "the default query lacks {part}");
        }
    }

    #[tokio::test]
    async fn every_asset_the_page_references_is_served_with_its_type() {
        for r in page_references() {
            let response = get_asset(r).await;
            assert_eq!(response.status(), StatusCode::OK, "{r}");
            let name = r.trim_start_matches("/graphql/ide/");
            assert_eq!(header_of(&response, header::CONTENT_TYPE), expected_content_type(name), "{r}");
            assert_eq!(header_of(&response, header::CACHE_CONTROL), IMMUTABLE, "{r}");
            assert_eq!(header_of(&response, header::X_CONTENT_TYPE_OPTIONS), "nosniff", "{r}");
            let embedded = ASSETS.iter().find(|a| a.name == name).unwrap();
            assert_eq!(body_of(response).await, embedded.body, "{r}");
        }
    }

    #[test]
    fn every_embedded_asset_is_used_and_versioned() {
        let refs = page_references();
        for a in ASSETS {
            assert!(refs.contains(&format!("{ASSET_PATH}/{}", a.name).as_str()), "{} is never loaded", a.name);
            // A version in the name, e.g. `-4.1.2.`, is what makes `immutable` safe.
            let has_version = a
                .name
                .split(['-', '.'])
                .collect::<Vec<_>>()
                .windows(3)
                .any(|w| w.iter().all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit())));
            assert!(has_version, "{} carries no version", a.name);
            assert!(!a.body.is_empty());
        }
    }

    #[tokio::test]
    async fn unknown_assets_are_404() {
        for path in [
            "/graphql/ide/nope.js",
            "/graphql/ide/graphiql-4.1.1.min.js",
            "/graphql/ide/graphiql.min.js",
            "/graphql/ide/LICENSES.md",
            "/graphql/ide/page.html",
            "/graphql/ide/..%2Fmod.rs",
            "/graphql/ide/graphiql-4.1.2.min.js.map",
            "/graphql/ide/",
        ] {
            let response = get_asset(path).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        }
    }

    /// Hosts from which GraphiQL set-ups commonly load scripts, styles, fonts or workers.
    const CDN_HOSTS: &[&str] = &[
        "unpkg.com",
        "jsdelivr.net",
        "esm.sh",
        "esm.run",
        "cdnjs.cloudflare.com",
        "skypack.dev",
        "jspm.io",
        "fonts.googleapis.com",
        "fonts.gstatic.com",
        "ajax.googleapis.com",
        "embed.graphql.com",
    ];

    #[test]
    fn nothing_the_page_loads_names_a_cdn() {
        for a in ASSETS {
            let text = String::from_utf8_lossy(a.body).to_ascii_lowercase();
            for host in CDN_HOSTS {
                assert!(!text.contains(host), "{} mentions {host}", a.name);
            }
        }
        for host in CDN_HOSTS {
            assert!(!PAGE.contains(host), "the page mentions {host}");
        }
    }

    /// Every absolute URL in the vendored scripts, by prefix, with why the browser never fetches
    /// it on its own. A new URL after an upgrade fails `vendored_scripts_fetch_no_absolute_url`
    /// until it is looked at and listed here.
    const KNOWN_URLS: &[(&str, &str)] = &[
        ("http://www.w3.org/", "XML/SVG/MathML namespace identifiers, never fetched"),
        ("https://reactjs.org/docs/error-decoder.html", "text of React's minified error messages"),
        ("https://radix-ui.com/primitives/docs/", "text of a Radix UI console warning"),
        ("https://github.com/graphql/graphiql/blob/", "text of an error for React < 16"),
        ("https://github.com/graphql/graphiql", "href of the GraphiQL logo link: followed only when clicked"),
        ("https://codemirror.net/5/doc/manual.html", "href in the shortcuts dialog: followed only when clicked"),
        ("https://commonmark.org/", "description of @deprecated in graphql-js (schema documentation text)"),
        ("https://en.wikipedia.org/wiki/", "description of the Float scalar in graphql-js (documentation text)"),
        ("https://github.com/jonschlinkert", "license comments of bundled packages"),
    ];

    /// Absolute `http(s)://` URLs in `text`, up to the first character that cannot be in one.
    /// A scheme with no host after it (markdown-it's linkify prefixes bare domains in
    /// documentation text with `"http://"`) is no URL.
    fn absolute_urls(text: &str) -> Vec<&str> {
        let mut found = Vec::new();
        for scheme in ["http://", "https://"] {
            for (at, _) in text.match_indices(scheme) {
                let rest = &text[at..];
                let end = rest.find(|c: char| c.is_whitespace() || "\"'`<>()\\".contains(c)).unwrap_or(rest.len());
                if end > scheme.len() {
                    found.push(&rest[..end]);
                }
            }
        }
        found
    }

    #[test]
    fn vendored_scripts_fetch_no_absolute_url() {
        // Besides data, the bundles hold URLs only in messages, comments, namespace names and
        // links that a user has to click. Their network use is `fetch` of the configured
        // `/graphql` and a WebSocket to the configured `/graphql/ws`; no worker, font or
        // stylesheet is loaded from elsewhere. `tools/clients/ide-check.mjs` shows it at run
        // time: in headless Chromium, with every host but 127.0.0.1 unresolvable, loading the
        // page and running a query and a subscription requests nothing but this server (and
        // the `data:` fonts of the stylesheet).
        for a in ASSETS.iter().filter(|a| a.content_type == JS) {
            let text = String::from_utf8_lossy(a.body);
            for url in absolute_urls(&text) {
                assert!(
                    KNOWN_URLS.iter().any(|(prefix, _)| url.starts_with(prefix)),
                    "{} contains {url}, which is not known to be harmless",
                    a.name
                );
            }
        }
    }

    #[test]
    fn stylesheet_loads_nothing_remote() {
        for a in ASSETS.iter().filter(|a| a.content_type == CSS) {
            let text = String::from_utf8_lossy(a.body).to_ascii_lowercase();
            assert!(!text.contains("@import"), "{} imports another stylesheet", a.name);
            let urls: Vec<_> = text.match_indices("url(").map(|(at, _)| &text[at + 4..]).collect();
            assert!(!urls.is_empty(), "the GraphiQL stylesheet is expected to inline its fonts");
            for rest in urls {
                let value = rest.trim_start_matches(['"', '\'']);
                assert!(value.starts_with("data:"), "{} loads url({})", a.name, &value[..value.len().min(60)]);
            }
            assert!(absolute_urls(&text).iter().all(|u| u.starts_with("http://www.w3.org/")), "{}", a.name);
        }
    }
}
