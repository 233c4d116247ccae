//! Which state of the registry an answer over HTTP reflects, for clients of a server that reads
//! from replicas.
//!
//! A mutation's answer carries `x-volgnummer`: the newest number of the change log after its
//! write, so at least the write's own. A query sent with `x-min-volgnummer: N` is answered from
//! a database that has replayed at least change N (a replica that has, else the primary), so a
//! client that passes on its mutation's number reads its own write. A query's answer carries
//! `x-volgnummer` whenever the server looked at a database's position to choose it: always with
//! replicas, or when the client asked for a minimum. Every row of that answer was read after
//! that state was reached, so the answer reflects at least that change (perhaps later ones too).

use axum::http::{HeaderMap, HeaderName, HeaderValue};

use super::graphql_http::Refusal;

/// The response header with the `volgnummer` an answer reflects at least.
pub const VOLGNUMMER: HeaderName = HeaderName::from_static("x-volgnummer");

/// The request header with the `volgnummer` a query must reflect at least.
pub const MIN_VOLGNUMMER: HeaderName = HeaderName::from_static("x-min-volgnummer");

/// The minimum state a request asks for, if it asks.
///
/// # Errors
/// A 400 [`Refusal`] naming the header when it is not a single number of 0 or more.
pub fn min_volgnummer(headers: &HeaderMap) -> Result<Option<i64>, Refusal> {
    let mut values = headers.get_all(&MIN_VOLGNUMMER).iter();
    let Some(value) = values.next() else { return Ok(None) };
    let number =
        value.to_str().ok().filter(|_| values.next().is_none()).and_then(|text| text.trim().parse::<i64>().ok());
    match number {
        Some(n) if n >= 0 => Ok(Some(n)),
        _ => Err(Refusal::bad(format!("the header `{MIN_VOLGNUMMER}` must be one whole number of 0 or more"))),
    }
}

/// Puts `volgnummer` in the answer's headers.
pub fn mark(headers: &mut HeaderMap, volgnummer: i64) {
    headers.insert(VOLGNUMMER, HeaderValue::from(volgnummer));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(MIN_VOLGNUMMER, HeaderValue::from_str(value).unwrap_or(HeaderValue::from_static("?")));
        }
        headers
    }

    #[test]
    fn reads_one_whole_number_and_refuses_anything_else() {
        assert_eq!(min_volgnummer(&with(&[])), Ok(None));
        assert_eq!(min_volgnummer(&with(&["0"])), Ok(Some(0)));
        assert_eq!(min_volgnummer(&with(&[" 42 "])), Ok(Some(42)));
        for bad in ["-1", "", "4.2", "9223372036854775808", "é", "1, 2"] {
            let refusal = min_volgnummer(&with(&[bad])).expect_err(bad);
            assert!(refusal.message.contains("x-min-volgnummer"), "{bad}: {}", refusal.message);
        }
        assert!(min_volgnummer(&with(&["1", "2"])).is_err(), "two headers are ambiguous");
    }
}
