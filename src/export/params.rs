//! The two questions every file answers, as the API asks them: `peildatum` (how things stood on a
//! date) and `bekendOp` (as the registry knew them at a moment). Parsed here once, for the HTTP
//! routes and the `export` command alike, into values with one canonical spelling, which the
//! ETag and the catalogue's download addresses use.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use super::base::BaseUrl;
use super::record::iso;
use crate::domain::parse_datum;
use crate::error::AppError;

/// The query parameter of the reference date.
pub const PEILDATUM: &str = "peildatum";
/// The query parameter of the moment of knowledge.
pub const BEKEND_OP: &str = "bekendOp";

/// What a file is asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    /// Only records valid on this date; all periods without it.
    pub peildatum: Option<NaiveDate>,
    /// The registry as known at this moment; as known now without it.
    pub bekend_op: Option<DateTime<Utc>>,
}

impl Params {
    /// Reads `peildatum` and `bekendOp` from a URL's query string; other parameters are ignored
    /// (a client may add its own, such as a cache-buster).
    ///
    /// # Errors
    /// `BAD_USER_INPUT` naming the parameter that is malformed or given twice.
    pub fn from_query(query: Option<&str>) -> Result<Self, AppError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or_default())
            .map_err(|_| AppError::bad_input("query", "the query string is not URL-encoded"))?;
        let mut params = Self::default();
        for (name, value) in pairs {
            match name.as_str() {
                PEILDATUM if params.peildatum.is_some() => return Err(twice(PEILDATUM)),
                PEILDATUM => params.peildatum = Some(parse_peildatum(&value)?),
                BEKEND_OP if params.bekend_op.is_some() => return Err(twice(BEKEND_OP)),
                BEKEND_OP => params.bekend_op = Some(parse_bekend_op(&value)?),
                _ => {}
            }
        }
        Ok(params)
    }

    /// The query string that asks for these parameters, in canonical form, with its `?`; empty
    /// without parameters.
    pub fn query_string(&self) -> String {
        let mut pairs = Vec::new();
        if let Some(day) = self.peildatum {
            pairs.push((PEILDATUM, iso(day)));
        }
        if let Some(moment) = self.bekend_op {
            pairs.push((BEKEND_OP, canonical_moment(moment)));
        }
        match serde_urlencoded::to_string(&pairs) {
            Ok(query) if !query.is_empty() => format!("?{query}"),
            _ => String::new(),
        }
    }
}

/// A file's question together with the address it names itself by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// `peildatum` and `bekendOp`.
    pub params: Params,
    /// Where the server is reached.
    pub base: BaseUrl,
}

impl Scope {
    /// The reference date, if any.
    pub fn peildatum(&self) -> Option<NaiveDate> {
        self.params.peildatum
    }

    /// The address of the file `name` under `/data/`, asking the same question.
    pub fn file_url(&self, name: &str) -> String {
        format!("{}{}", self.base.join(&format!("/data/{name}")), self.params.query_string())
    }
}

/// Parses a `peildatum` (`YYYY-MM-DD`).
///
/// # Errors
/// `BAD_USER_INPUT` for field `peildatum`.
pub fn parse_peildatum(text: &str) -> Result<NaiveDate, AppError> {
    parse_datum(text).map_err(|e| AppError::bad_input(PEILDATUM, e.to_string()))
}

/// Parses a `bekendOp`: an RFC 3339 date-time with its offset, as the API's `DateTime` scalar.
///
/// # Errors
/// `BAD_USER_INPUT` for field `bekendOp`.
pub fn parse_bekend_op(text: &str) -> Result<DateTime<Utc>, AppError> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).map_err(|_| {
        let shown: String = text.chars().take(40).collect();
        AppError::bad_input(
            BEKEND_OP,
            format!(
                "'{shown}' is not an RFC 3339 date-time: write e.g. 2026-01-01T00:00:00Z (in a URL, write the + of an offset as %2B)"
            ),
        )
    })
}

/// The one spelling of a moment: UTC, `Z`, fractions of a second only when there are any.
pub fn canonical_moment(moment: DateTime<Utc>) -> String {
    moment.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn twice(name: &str) -> AppError {
    AppError::bad_input(name, format!("'{name}' is given more than once"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_parse_into_one_canonical_spelling() {
        let params = Params::from_query(Some("peildatum=2015-01-01&bekendOp=2026-01-01T01:00:00%2B01:00&x=1"));
        let params = params.unwrap_or_default();
        assert_eq!(params.query_string(), "?peildatum=2015-01-01&bekendOp=2026-01-01T00%3A00%3A00Z");
        assert_eq!(Params::from_query(None).map(|p| p.query_string()).unwrap_or_default(), "");
    }

    #[test]
    fn a_bad_or_repeated_parameter_names_its_field() {
        for (query, field) in [
            ("peildatum=2015-02-30", "peildatum"),
            ("peildatum=2015-01-01&peildatum=2016-01-01", "peildatum"),
            ("bekendOp=gisteren", "bekendOp"),
            ("bekendOp=2026-01-01T00:00:00+01:00", "bekendOp"),
        ] {
            let err = Params::from_query(Some(query)).err();
            assert_eq!(err.as_ref().map(AppError::code), Some("BAD_USER_INPUT"), "{query}");
            assert_eq!(err.as_ref().and_then(AppError::field), Some(field), "{query}");
        }
    }
}
