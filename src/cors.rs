//! Cross-origin requests from browser apps on other origins.
//!
//! The registry is public and its tokens travel in the `Authorization` header, never in
//! cookies, so answering any origin is safe and is the default; credentials mode stays off, so
//! a browser never attaches cookies or client certificates to a cross-origin call. Operators who
//! want to name the front-ends that may call it give a list of origins instead.

use std::str::FromStr;
use std::time::Duration;

use axum::http::{HeaderName, HeaderValue, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// Which origins may call the API from a browser.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CorsOrigins {
    /// Every origin (`*`).
    #[default]
    Any,
    /// Only these origins, e.g. `https://app.example.nl`.
    List(Vec<HeaderValue>),
}

impl FromStr for CorsOrigins {
    type Err = String;

    /// `*`, or origins separated by commas: `https://a.example, http://localhost:5173`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.trim() == "*" {
            return Ok(Self::Any);
        }
        let origins = text
            .split(',')
            .map(str::trim)
            .filter(|origin| !origin.is_empty())
            .map(parse_origin)
            .collect::<Result<Vec<_>, _>>()?;
        if origins.is_empty() {
            return Err("give `*` or at least one origin such as https://app.example.nl".to_owned());
        }
        Ok(Self::List(origins))
    }
}

/// An origin is a scheme, a host and optionally a port, without a path: exactly what browsers
/// send in the `Origin` header, which is compared byte for byte.
fn parse_origin(origin: &str) -> Result<HeaderValue, String> {
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or_else(|| format!("origin `{origin}` must start with http:// or https://"))?;
    if rest.is_empty() || rest.contains('/') || rest.contains(char::is_whitespace) {
        return Err(format!("origin `{origin}` must be a scheme and host (and port), without a path"));
    }
    HeaderValue::from_str(origin).map_err(|_| format!("origin `{origin}` is not a valid header value"))
}

/// How long a browser may cache a preflight answer.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(3600);

/// The CORS layer for `origins`: GET and POST, with the headers a GraphQL client sends.
pub fn layer(origins: &CorsOrigins) -> CorsLayer {
    let allow_origin = match origins {
        CorsOrigins::Any => AllowOrigin::any(),
        CorsOrigins::List(list) => AllowOrigin::list(list.clone()),
    };
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            HeaderName::from_static("x-request-id"),
            HeaderName::from_static("x-min-volgnummer"),
        ])
        .expose_headers([HeaderName::from_static("x-request-id"), HeaderName::from_static("x-volgnummer")])
        .max_age(PREFLIGHT_MAX_AGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_star_or_a_list_of_origins() {
        assert_eq!("*".parse::<CorsOrigins>(), Ok(CorsOrigins::Any));
        assert_eq!(
            " https://a.example.nl, http://localhost:5173 ".parse::<CorsOrigins>(),
            Ok(CorsOrigins::List(vec![
                HeaderValue::from_static("https://a.example.nl"),
                HeaderValue::from_static("http://localhost:5173")
            ]))
        );
    }

    #[test]
    fn refuses_what_is_not_an_origin() {
        for bad in ["", " , ", "a.example.nl", "https://a.example.nl/app", "ftp://a.example.nl", "https://"] {
            assert!(bad.parse::<CorsOrigins>().is_err(), "{bad:?} was accepted");
        }
    }
}
