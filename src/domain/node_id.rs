//! Global object IDs for the Relay `Node` interface.
//!
//! An ID is `<Type>:<natural key>`, e.g. `Gemeente:GM0363` or `AmbtelijkeFusie:bar`. Natural keys
//! are CBS codes and slugs, never auto-increment keys, so an ID is the same after a rebuild and
//! on SQLite and PostgreSQL. Clients should treat IDs as opaque.

use chrono::NaiveDate;

use super::Entiteit;
use crate::error::AppError;

/// What a global ID points at.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NodeId {
    Provincie(String),
    Gemeente(String),
    AmbtelijkeFusie(String),
    Deelname { fusie: String, gemeente: String, begindatum: Option<NaiveDate> },
    Herindeling(String),
    Onderzoek(String),
    Kengetal { onderzoek: String, sleutel: String },
    Evaluatie(String),
    Bron(String),
}

/// Written in a deelname ID when its begin date is not known.
const UNKNOWN_DATE: &str = "onbekend";

impl NodeId {
    /// The type of record the ID points at, as the change log records it.
    pub fn entiteit(&self) -> Entiteit {
        match self {
            Self::Provincie(_) => Entiteit::Provincie,
            Self::Gemeente(_) => Entiteit::Gemeente,
            Self::AmbtelijkeFusie(_) => Entiteit::AmbtelijkeFusie,
            Self::Deelname { .. } => Entiteit::Deelname,
            Self::Herindeling(_) => Entiteit::Herindeling,
            Self::Onderzoek(_) => Entiteit::Onderzoek,
            Self::Kengetal { .. } => Entiteit::Kengetal,
            Self::Evaluatie(_) => Entiteit::Evaluatie,
            Self::Bron(_) => Entiteit::Bron,
        }
    }

    /// The ID as clients see it.
    pub fn encode(&self) -> String {
        match self {
            Self::Provincie(code) => format!("Provincie:{code}"),
            Self::Gemeente(code) => format!("Gemeente:{code}"),
            Self::AmbtelijkeFusie(sleutel) => format!("AmbtelijkeFusie:{sleutel}"),
            Self::Deelname { fusie, gemeente, begindatum } => {
                let begin = begindatum.map_or_else(|| UNKNOWN_DATE.to_owned(), |d| d.format("%Y-%m-%d").to_string());
                format!("Deelname:{fusie}:{gemeente}:{begin}")
            }
            Self::Herindeling(sleutel) => format!("Herindeling:{sleutel}"),
            Self::Onderzoek(sleutel) => format!("Onderzoek:{sleutel}"),
            Self::Kengetal { onderzoek, sleutel } => format!("Kengetal:{onderzoek}:{sleutel}"),
            Self::Evaluatie(sleutel) => format!("Evaluatie:{sleutel}"),
            Self::Bron(sleutel) => format!("Bron:{sleutel}"),
        }
    }

    /// Parses an ID a client sent back.
    ///
    /// # Errors
    /// `BAD_USER_INPUT` on field `id` when the text is not an ID of this API.
    pub fn decode(text: &str) -> Result<Self, AppError> {
        let invalid =
            || AppError::bad_input("id", format!("'{}' is not an ID of this API", super::tekst::excerpt(text)));
        let (kind, key) = text.split_once(':').ok_or_else(invalid)?;
        if key.is_empty() {
            return Err(invalid());
        }
        let owned = key.to_owned();
        Ok(match kind {
            "Provincie" => Self::Provincie(owned),
            "Gemeente" => Self::Gemeente(owned),
            "AmbtelijkeFusie" => Self::AmbtelijkeFusie(owned),
            "Herindeling" => Self::Herindeling(owned),
            "Onderzoek" => Self::Onderzoek(owned),
            "Evaluatie" => Self::Evaluatie(owned),
            "Bron" => Self::Bron(owned),
            "Kengetal" => {
                let (onderzoek, sleutel) = key.split_once(':').ok_or_else(invalid)?;
                Self::Kengetal { onderzoek: onderzoek.to_owned(), sleutel: sleutel.to_owned() }
            }
            "Deelname" => {
                let mut parts = key.rsplitn(3, ':');
                let (Some(begin), Some(gemeente), Some(fusie)) = (parts.next(), parts.next(), parts.next()) else {
                    return Err(invalid());
                };
                let begindatum =
                    if begin == UNKNOWN_DATE { None } else { Some(super::parse_datum(begin).map_err(|_| invalid())?) };
                Self::Deelname { fusie: fusie.to_owned(), gemeente: gemeente.to_owned(), begindatum }
            }
            _ => return Err(invalid()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let ids = [
            NodeId::Gemeente("GM0363".into()),
            NodeId::AmbtelijkeFusie("bar".into()),
            NodeId::Deelname {
                fusie: "bar".into(),
                gemeente: "GM0489".into(),
                begindatum: NaiveDate::from_ymd_opt(2014, 1, 1),
            },
            NodeId::Deelname { fusie: "peel-6-1".into(), gemeente: "GM0743".into(), begindatum: None },
            NodeId::Kengetal { onderzoek: "studie".into(), sleutel: "aantal".into() },
        ];
        for id in ids {
            assert_eq!(NodeId::decode(&id.encode()).unwrap(), id);
            let prefix = id.encode().split(':').next().map(str::to_owned);
            assert_eq!(prefix, Some(sea_orm::ActiveEnum::to_value(&id.entiteit())), "the log's type names the ID's");
        }
        assert_eq!(NodeId::Gemeente("GM0363".into()).encode(), "Gemeente:GM0363");
    }

    #[test]
    fn rejects_foreign_ids() {
        for bad in ["", "GM0363", "Gemeente:", "Auto:1", "Deelname:bar", "Deelname:bar:GM0489:gisteren"] {
            assert!(NodeId::decode(bad).is_err(), "{bad}");
        }
    }
}
