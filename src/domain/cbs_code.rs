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
        // Compared as bytes: slicing the text at byte 2 would panic when a multi-byte character
        // straddles it (`aé123`).
        let bytes = text.trim().as_bytes();
        match bytes.split_first_chunk::<2>() {
            Some((prefix, digits))
                if prefix.eq_ignore_ascii_case(b"GM") && digits.len() == 4 && digits.iter().all(u8::is_ascii_digit) =>
            {
                let digits: String = digits.iter().map(|&b| char::from(b)).collect();
                Ok(Self(format!("GM{digits}")))
            }
            _ => Err(InvalidCbsCode(super::tekst::excerpt(text).into_owned())),
        }
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
        for bad in
            ["", "GM363", "GM03630", "PV27", "0363", "GMabcd", "GM03 3", "GM٠٣٦٣", "aé123", "Gé0363", "é", "GM\0\0\0\0"]
        {
            assert!(CbsCode::parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}
