//! The address the open data names itself by. JSON-LD documents give every record a URI and the
//! catalogue gives every file its download address, so the files must know where the server is
//! reached. An operator sets it with `--public-url` (needed behind TLS or a proxy, and the only
//! way to keep the URIs the same wherever the server answers); without it the request's `Host`
//! is used, over `http`.

use std::fmt;
use std::str::FromStr;

use axum::http::uri::{Authority, Scheme};
use axum::http::{HeaderMap, Uri, header};

/// An absolute `http` or `https` address without query, fragment or trailing slash, e.g.
/// `https://register.example.nl` or `https://example.nl/fusieregister`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BaseUrl(String);

/// Used when a request names no host at all (an HTTP/1.0 client).
const FALLBACK_HOST: &str = "localhost";

impl BaseUrl {
    /// Parses an operator's `--public-url`.
    ///
    /// # Errors
    /// A message saying what is wrong with the address.
    pub fn parse(text: &str) -> Result<Self, String> {
        let uri: Uri = text.trim().parse().map_err(|_| format!("'{text}' is not a URL"))?;
        let scheme = uri.scheme().filter(|s| **s == Scheme::HTTP || **s == Scheme::HTTPS);
        let (Some(scheme), Some(authority)) = (scheme, uri.authority()) else {
            return Err(format!("'{text}' is not an absolute http or https URL, e.g. https://register.example.nl"));
        };
        if authority.as_str().contains('@') || uri.query().is_some() || text.contains('#') {
            return Err(format!("'{text}' must have no user name, query or fragment"));
        }
        Ok(Self(format!("{scheme}://{authority}{}", uri.path().trim_end_matches('/'))))
    }

    /// The address of a request: `http://` and its `Host` (or, in HTTP/2, the authority of its
    /// URI). A host that is not a plain host and port is not used.
    pub fn of_request(headers: &HeaderMap, uri: &Uri) -> Self {
        let from_header = headers.get(header::HOST).and_then(|v| v.to_str().ok()).and_then(|h| h.parse().ok());
        let authority: Option<Authority> = from_header.or_else(|| uri.authority().cloned());
        let host = authority.filter(|a| !a.as_str().contains('@')).map_or(FALLBACK_HOST.to_owned(), |a| a.to_string());
        Self(format!("http://{host}"))
    }

    /// The address itself, without trailing slash.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address of `path` (which starts with `/`) on this base.
    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }

    /// The namespace of the registry's own vocabulary terms (`fr:` in the context).
    pub fn vocabulary(&self) -> String {
        self.join("/def#")
    }

    /// The URI of a record of the registry that has no government identifier: `{base}/id/`,
    /// its kind, then its public key parts (`sleutel`, CBS code, begin date), never a row ID.
    pub fn record(&self, kind: &str, keys: &[&str]) -> String {
        let mut uri = self.join("/id/");
        uri.push_str(kind);
        for key in keys {
            uri.push('/');
            uri.push_str(key);
        }
        uri
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for BaseUrl {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operator_gives_an_absolute_http_address() {
        let ok = |text: &str| BaseUrl::parse(text).map(|b| b.to_string());
        assert_eq!(ok("https://register.example.nl/"), Ok("https://register.example.nl".to_owned()));
        assert_eq!(ok("http://127.0.0.1:8080"), Ok("http://127.0.0.1:8080".to_owned()));
        assert_eq!(ok("https://example.nl/fusieregister/"), Ok("https://example.nl/fusieregister".to_owned()));
        for bad in ["register.example.nl", "ftp://example.nl", "https://u:p@example.nl", "https://e.nl/?a=1", "/data"] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_request_gives_its_host_or_a_fallback() {
        let mut headers = HeaderMap::new();
        let uri: Uri = "/data/gemeenten.csv".parse().unwrap_or_default();
        assert_eq!(BaseUrl::of_request(&headers, &uri).as_str(), "http://localhost");
        headers.insert(header::HOST, "127.0.0.1:8080".parse().unwrap_or_else(|_| header::HeaderValue::from_static("")));
        assert_eq!(BaseUrl::of_request(&headers, &uri).as_str(), "http://127.0.0.1:8080");
        headers.insert(header::HOST, header::HeaderValue::from_static("evil/path"));
        assert_eq!(BaseUrl::of_request(&headers, &uri).as_str(), "http://localhost");
        let base = BaseUrl::of_request(&HeaderMap::new(), &uri);
        assert_eq!(
            base.record("deelname", &["bar", "GM0489", "2014-01-01"]),
            "http://localhost/id/deelname/bar/GM0489/2014-01-01"
        );
    }
}
