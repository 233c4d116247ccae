//! The `sleutel`: the readable, stable key the registry gives an ambtelijke fusie, a study, an
//! evaluation, a figure or a source (e.g. `bar`, `coelo-2023`), used in URLs and global IDs.

use std::fmt;

/// The longest sleutel: long enough for a descriptive key, short enough for a URL segment.
const MAX_LEN: usize = 80;

/// A well-formed sleutel: lower-case ASCII letters, digits and dashes, at most 80 bytes, not
/// beginning or ending with a dash.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sleutel(String);

/// Why a string is not a sleutel.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a sleutel: use lower-case letters, digits and dashes, e.g. 'bar'")]
pub struct InvalidSleutel(pub String);

impl Sleutel {
    /// Parses a sleutel exactly as given: no trimming or case folding, because a key that is
    /// silently rewritten would not be found again under the spelling the client used.
    ///
    /// # Errors
    /// [`InvalidSleutel`] when the text breaks the form above.
    pub fn parse(text: &str) -> Result<Self, InvalidSleutel> {
        let well_formed = !text.is_empty()
            && text.len() <= MAX_LEN
            && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !text.starts_with('-')
            && !text.ends_with('-');
        if well_formed {
            Ok(Self(text.to_owned()))
        } else {
            Err(InvalidSleutel(super::tekst::excerpt(text).into_owned()))
        }
    }

    /// The sleutel as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The sleutel as an owned string, e.g. for an entity column.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Sleutel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_lower_case_words_with_dashes() {
        for good in ["bar", "coelo-2023", "a", "x1-y2-z3", &"a".repeat(80)] {
            assert_eq!(Sleutel::parse(good).map(|s| s.to_string()), Ok(good.to_owned()));
        }
    }

    #[test]
    fn refuses_anything_else() {
        for bad in ["", "Bar", "-bar", "bar-", "b ar", "bär", "bar\0", "bar_1", &"a".repeat(81)] {
            assert!(Sleutel::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_long_refused_sleutel_is_shortened_in_the_message() {
        let message = Sleutel::parse(&"X".repeat(10_000)).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.len() < 300, "{}", message.len());
    }
}
