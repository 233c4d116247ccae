//! The `Date` scalar: a calendar date without time zone, written `YYYY-MM-DD` (ISO 8601).

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

use crate::domain::parse_datum;

/// A calendar date in ISO 8601 form, `YYYY-MM-DD`, e.g. `2015-01-01`. End dates in this API are
/// the last day of validity (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

/// A calendar date in ISO 8601 form, `YYYY-MM-DD`, e.g. `2015-01-01`. End dates in this API are
/// the last day of validity (inclusive).
#[Scalar(name = "Date", specified_by_url = "https://www.iso.org/iso-8601-date-and-time-format.html")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => parse_datum(text).map(Date).map_err(|e| InputValueError::custom(e.to_string())),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    /// Lets validation refuse a bad literal (`peildatum: 0`) as a bad argument, before execution.
    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(text) if parse_datum(text).is_ok())
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

impl From<NaiveDate> for Date {
    fn from(date: NaiveDate) -> Self {
        Date(date)
    }
}

/// A moment in time in RFC 3339 form with its UTC offset, e.g. `2026-11-28T04:35:45.123Z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DateTime(pub chrono::DateTime<chrono::Utc>);

/// A moment in time in RFC 3339 form with its UTC offset, e.g. `2026-11-28T04:35:45.123Z`.
#[Scalar(name = "DateTime", specified_by_url = "https://datatracker.ietf.org/doc/html/rfc3339")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => chrono::DateTime::parse_from_rfc3339(text)
                .map(|t| DateTime(t.with_timezone(&chrono::Utc)))
                .map_err(|_| InputValueError::custom(format!("'{text}' is not an RFC 3339 date-time"))),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(text) if chrono::DateTime::parse_from_rfc3339(text).is_ok())
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
    }
}
