//! The CBS municipality code (`GM` + four digits), the registry's natural key for a gemeente.

use std::fmt;

/// A syntactically valid CBS municipality code such as `GM0363` (Amsterdam).
///
/// Codes are never reused by CBS, so a code identifies one municipality for all time; a
/// renaming gets a new code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CbsCode(String);

/// Why a string is not a CBS municipality code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a CBS municipality code: expected GM followed by four digits, e.g. GM0363")]
pub struct InvalidCbsCode(pub String);

impl CbsCode {
    /// Parses a code, accepting lower-case `gm` (as TOOI writes it) and normalising to `GM`.
    ///
    /// # Errors
    /// [`InvalidCbsCode`] when the text is not `GM` followed by exactly four ASCII digits.
    pub fn parse(text: &str) -> Result<Self, InvalidCbsCode> {
        let trimmed = text.trim();
        let valid = trimmed.len() == 6
            && trimmed[..2].eq_ignore_ascii_case("GM")
            && trimmed[2..].bytes().all(|b| b.is_ascii_digit());
        if valid { Ok(Self(format!("GM{}", &trimmed[2..]))) } else { Err(InvalidCbsCode(text.to_owned())) }
    }

    /// The code as text, e.g. `GM0363`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CbsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises_valid_codes() {
        assert_eq!(CbsCode::parse("GM0363").map(|c| c.to_string()), Ok("GM0363".to_owned()));
        assert_eq!(CbsCode::parse("gm0003").map(|c| c.to_string()), Ok("GM0003".to_owned()));
        assert_eq!(CbsCode::parse(" GM1970 ").map(|c| c.to_string()), Ok("GM1970".to_owned()));
    }

    #[test]
    fn rejects_everything_else() {
        for bad in ["", "GM363", "GM03630", "PV27", "0363", "GMabcd", "GM03 3", "GM٠٣٦٣"] {
            assert!(CbsCode::parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}
