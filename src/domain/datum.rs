//! Calendar dates as the registry takes them in: `YYYY-MM-DD` with a year from 0001 to 9999.
//!
//! The bound is what makes dates compare correctly everywhere. SQLite keeps a date as its text,
//! and text compares as a date only while every date has the same shape: `+10000-01-01` would
//! sort before `2015-01-01`. With four-digit years only, text order is date order on SQLite and
//! PostgreSQL alike.

use chrono::{Datelike, NaiveDate};

use super::tekst::excerpt;

/// A text that is not a date the registry accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a date: write YYYY-MM-DD with a year from 0001 to 9999, e.g. 2024-01-01")]
pub struct InvalidDatum(pub String);

/// Parses `YYYY-MM-DD`: exactly four digits, a dash, two digits, a dash, two digits, forming a
/// real calendar day.
///
/// # Errors
/// [`InvalidDatum`] for any other text, including signs, longer years and year 0000.
pub fn parse_datum(text: &str) -> Result<NaiveDate, InvalidDatum> {
    let invalid = || InvalidDatum(excerpt(text).into_owned());
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() });
    if !shaped {
        return Err(invalid());
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| invalid())?;
    if in_range(date) { Ok(date) } else { Err(invalid()) }
}

/// Whether a date lies in the years 0001 to 9999.
fn in_range(date: NaiveDate) -> bool {
    (1..=9999).contains(&date.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_four_digit_years() {
        for text in ["0001-01-01", "2015-01-01", "9999-12-31", "2024-02-29"] {
            assert_eq!(parse_datum(text).map(|d| d.format("%Y-%m-%d").to_string()), Ok(text.to_owned()));
        }
    }

    #[test]
    fn refuses_everything_else() {
        for bad in [
            "+10000-01-01",
            "10000-01-01",
            "0000-01-01",
            "-0001-01-01",
            "2015-1-1",
            "2015-02-30",
            "2015-01-01T00:00:00",
            " 2015-01-01",
            "２０１５-01-01",
            "",
        ] {
            assert!(parse_datum(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn text_order_is_date_order_within_the_range() {
        let mut dates = ["9999-12-31", "0001-01-01", "2015-01-01", "0999-06-30"];
        let mut parsed: Vec<NaiveDate> = dates.iter().map(|d| parse_datum(d).unwrap()).collect();
        dates.sort_unstable();
        parsed.sort_unstable();
        let as_text: Vec<String> = parsed.iter().map(|d| d.format("%Y-%m-%d").to_string()).collect();
        assert_eq!(as_text, dates);
    }
}
