//! ETags, so that a client (or a cache in between) downloads a file again only after the
//! registry changed. A file's bytes depend on the change log's last `volgnummer` (the state of
//! the registry it reflects), the file, `peildatum`, `bekendOp`, the server's address and the
//! release that wrote it; the ETag is made from exactly these, so it is the same on SQLite and
//! PostgreSQL and costs one read of the log to check. It is weak (`W/`): a change committed while
//! a download is being written may show in its later pages, so two answers with one ETag are
//! equivalent, not promised to be the same bytes.

use axum::http::HeaderValue;
use sha2::{Digest, Sha256};

use super::File;
use super::params::Scope;

/// Raised when the files' form changes in a way the release number does not show.
const FORMAT_VERSION: u32 = 1;

/// The ETag of `file` for `scope` with the registry at `volgnummer` (`None` for the context,
/// which does not depend on the data).
pub fn of(file: File, scope: &Scope, volgnummer: Option<i64>) -> String {
    let mut hash = Sha256::new();
    let parts = [
        FORMAT_VERSION.to_string(),
        env!("CARGO_PKG_VERSION").to_owned(),
        file.name(),
        volgnummer.map(|n| n.to_string()).unwrap_or_default(),
        scope.params.query_string(),
        scope.base.to_string(),
    ];
    for part in parts {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    let digest: String = hash.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect();
    match volgnummer {
        Some(n) => format!("W/\"{n}-{digest}\""),
        None => format!("W/\"{digest}\""),
    }
}

/// Whether an `If-None-Match` header names `etag` (weak comparison, as RFC 9110 asks for this
/// header) or is `*`.
pub fn matches(if_none_match: Option<&HeaderValue>, etag: &str) -> bool {
    let Some(header) = if_none_match.and_then(|v| v.to_str().ok()) else { return false };
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    header.split(',').any(|tag| tag.trim() == "*" || opaque(tag) == opaque(etag))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::base::BaseUrl;
    use crate::export::params::Params;
    use crate::export::{Dataset, Format};

    #[test]
    fn the_etag_changes_with_each_input_and_matches_weakly() {
        let base = BaseUrl::parse("http://127.0.0.1:8080")
            .unwrap_or_else(|_| BaseUrl::of_request(&Default::default(), &Default::default()));
        let scope = Scope { params: Params::default(), base };
        let file = File::Data(Dataset::Gemeenten, Format::Csv);
        let tag = of(file, &scope, Some(7));
        assert!(tag.starts_with("W/\"7-"), "{tag}");
        assert_ne!(tag, of(file, &scope, Some(8)));
        assert_ne!(tag, of(File::Data(Dataset::Gemeenten, Format::JsonLd), &scope, Some(7)));
        let dated = Scope {
            params: Params { peildatum: chrono::NaiveDate::from_ymd_opt(2015, 1, 1), bekend_op: None },
            ..scope.clone()
        };
        assert_ne!(tag, of(file, &dated, Some(7)));
        let strong = tag.trim_start_matches("W/").to_owned();
        for header in [tag.as_str(), strong.as_str(), "\"x\", W/\"y\", *"] {
            assert!(matches(HeaderValue::from_str(header).ok().as_ref(), &tag), "{header}");
        }
        assert!(!matches(HeaderValue::from_str("W/\"other\"").ok().as_ref(), &tag));
        assert!(!matches(None, &tag));
    }
}
