//! Text as the registry takes it in: one length limit per text field, and no NUL characters.
//!
//! The limits hold for the API and the bulk import alike; both look a field up by its name
//! ([`limit`]). PostgreSQL cannot store NUL in text at all, and no field of the registry has a
//! use for it, so it is refused everywhere rather than only where PostgreSQL would fail.

use std::borrow::Cow;

/// Limit of every text field that has no limit of its own: identifiers, cursors, filters.
pub const DEFAULT_LIMIT: usize = 1_000;

/// The longest text, in characters, that a field takes. Fields are named as in the API
/// (camelCase) or the import (lower case); both spellings of a field share its limit.
pub fn limit(field: &str) -> usize {
    match field {
        // CBS codes, each alone or in a list.
        "code" | "gemeente" | "gemeenteCode" | "centrumgemeente" | "ontvangend" | "nieuw" | "opgeheven"
        | "deelnemers" | "afnemers" | "leden" | "provincie" => 16,
        "afkorting" | "eenheid" => 50,
        "sleutel" | "onderzoek" | "ambtelijkeFusie" | "ambtelijke_fusie" | "bron" => 100,
        "naam" => 200,
        "titel" | "uitvoerder" | "opdrachtgever" | "uitgever" | "kamerstuk" => 300,
        "url" => 2_000,
        "toelichting"
        | "opmerking"
        | "samenvatting"
        | "omschrijving"
        | "rechtsvormOmschrijving"
        | "rechtsvorm_omschrijving"
        | "eindredenToelichting" => 4_000,
        _ => DEFAULT_LIMIT,
    }
}

/// What is wrong with a text for a field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidTekst {
    /// The text holds a NUL character (U+0000).
    #[error("{field} must not contain NUL characters (U+0000)")]
    Nul { field: String },
    /// The text is longer than the field's limit.
    #[error("{field} is longer than {limit} characters")]
    TooLong { field: String, limit: usize },
}

impl InvalidTekst {
    /// The field at fault.
    pub fn field(&self) -> &str {
        match self {
            Self::Nul { field } | Self::TooLong { field, .. } => field,
        }
    }
}

/// Checks `text` for `field`: no NUL, and no longer than the field's [`limit`].
///
/// # Errors
/// [`InvalidTekst`] naming the field.
pub fn check(field: &str, text: &str) -> Result<(), InvalidTekst> {
    check_chars(field, text.chars())
}

/// As [`check`], over characters that are not in one string (e.g. a literal being decoded).
///
/// # Errors
/// [`InvalidTekst`] naming the field.
pub fn check_chars(field: &str, chars: impl Iterator<Item = char>) -> Result<(), InvalidTekst> {
    let limit = limit(field);
    let mut count = 0usize;
    for c in chars {
        if c == '\0' {
            return Err(InvalidTekst::Nul { field: field.to_owned() });
        }
        count += 1;
        if count > limit {
            return Err(InvalidTekst::TooLong { field: field.to_owned(), limit });
        }
    }
    Ok(())
}

/// The start of a text for an error message: an echo of a megabyte of input would make the
/// error as large as the attack.
pub fn excerpt(text: &str) -> Cow<'_, str> {
    const SHOWN: usize = 40;
    match text.char_indices().nth(SHOWN) {
        None => Cow::Borrowed(text),
        Some((end, _)) => Cow::Owned(format!("{}…", text.get(..end).unwrap_or_default())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_one_limit() {
        assert_eq!(limit("naam"), 200);
        assert_eq!(limit("rechtsvormOmschrijving"), limit("rechtsvorm_omschrijving"));
        assert_eq!(limit("onbekend"), DEFAULT_LIMIT);
    }

    #[test]
    fn refuses_nul_and_overlong_text() {
        assert_eq!(check("naam", "Amsterdam"), Ok(()));
        assert_eq!(check("naam", &"é".repeat(200)), Ok(()), "characters, not bytes");
        assert_eq!(check("naam", &"a".repeat(201)), Err(InvalidTekst::TooLong { field: "naam".into(), limit: 200 }));
        assert_eq!(check("sleutel", "a\0b"), Err(InvalidTekst::Nul { field: "sleutel".into() }));
    }

    #[test]
    fn excerpts_cut_at_a_character() {
        assert_eq!(excerpt("kort"), "kort");
        let long = "é".repeat(100);
        assert_eq!(excerpt(&long).chars().count(), 41);
    }
}
