//! Citing public sources for registry records, creating a source on first citation.
//!
//! A citation names a source by its sleutel. When no source has that sleutel yet, the citation
//! describes the new source (at least its `titel`) and both are written. Checking comes first
//! ([`check()`]), writing after ([`write()`]), so that a use-case that creates a record with its
//! sources can check everything before it writes anything.

use std::collections::HashSet;

use chrono::NaiveDate;
use sea_orm::ActiveValue::Set;
use sea_orm::DatabaseConnection;

use super::UnitOfWork;
use crate::domain::{CbsCode, NodeId, Sleutel, WijzigingSoort};
use crate::entity::{bron, bronvermelding};
use crate::error::AppError;
use crate::store;
use crate::store::bron::Holder;

/// A citation as a client sends it: an existing source by its sleutel, or a new one described
/// by the other fields.
#[derive(Debug, Clone)]
pub struct NewBronvermelding {
    /// Sleutel of the source, existing or new.
    pub bron: Sleutel,
    /// Title of a new source (required for a new one).
    pub titel: Option<String>,
    /// Address of a new source.
    pub url: Option<String>,
    /// Publisher of a new source.
    pub uitgever: Option<String>,
    /// Publication date of a new source.
    pub datum: Option<NaiveDate>,
    /// What the source supports for the citing record, or leaves unverified.
    pub toelichting: Option<String>,
}

/// A record that can cite a source through the API, by its natural key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HolderKey {
    Gemeente(CbsCode),
    AmbtelijkeFusie(Sleutel),
    /// Plain text: a herindeling's generated key need not have the form of a [`Sleutel`]
    /// (`store::herindeling::by_sleutel` takes text for the same reason).
    Herindeling(String),
    Onderzoek(Sleutel),
    Evaluatie(Sleutel),
}

impl HolderKey {
    /// The record's global ID, as the change log and error messages name it.
    pub fn node_id(&self) -> NodeId {
        match self {
            Self::Gemeente(code) => NodeId::Gemeente(code.to_string()),
            Self::AmbtelijkeFusie(sleutel) => NodeId::AmbtelijkeFusie(sleutel.to_string()),
            Self::Herindeling(sleutel) => NodeId::Herindeling(sleutel.clone()),
            Self::Onderzoek(sleutel) => NodeId::Onderzoek(sleutel.to_string()),
            Self::Evaluatie(sleutel) => NodeId::Evaluatie(sleutel.to_string()),
        }
    }
}

/// A source to cite for an existing record.
#[derive(Debug, Clone)]
pub struct AddBronvermelding {
    /// The citing record.
    pub holder: HolderKey,
    /// The source, existing or new.
    pub bronvermelding: NewBronvermelding,
}

/// A citation that passed its checks, ready to be written.
#[derive(Debug, Clone)]
pub struct CheckedBronvermelding {
    bron: BronChoice,
    toelichting: Option<String>,
}

#[derive(Debug, Clone)]
enum BronChoice {
    Existing(bron::Model),
    New(bron::ActiveModel, Sleutel),
}

/// Cites a source for a Gemeente, AmbtelijkeFusie, Herindeling, Onderzoek or Evaluatie, creating
/// the source when its sleutel is new; returns the record's sources after the change, in
/// citation order.
///
/// # Errors
/// `NOT_FOUND` on `entiteit` for an unknown record, `BAD_USER_INPUT` or `CONFLICT` on `bron` when
/// the citation breaks a rule (see [`check`]) or the record already cites that source; nothing
/// is written then.
pub async fn add_bronvermelding(
    db: &DatabaseConnection,
    door: &str,
    command: AddBronvermelding,
) -> Result<Vec<(bron::Model, bronvermelding::Model)>, AppError> {
    let mut work = UnitOfWork::begin(db, door).await?;
    let bronnen = add_bronvermelding_in(&mut work, command).await?;
    work.commit().await?;
    Ok(bronnen)
}

/// [`add_bronvermelding`] within a running write.
///
/// # Errors
/// As [`add_bronvermelding`].
pub async fn add_bronvermelding_in(
    work: &mut UnitOfWork,
    command: AddBronvermelding,
) -> Result<Vec<(bron::Model, bronvermelding::Model)>, AppError> {
    let node_id = command.holder.node_id();
    let holder = find_holder(work, &command.holder, "entiteit").await?;
    let checked = check(work, std::slice::from_ref(&command.bronvermelding), "bron").await?;
    if let Some(CheckedBronvermelding { bron: BronChoice::Existing(existing), .. }) = checked.first()
        && store::bron::cites(work.txn(), holder, existing.id).await?
    {
        return Err(AppError::conflict(
            "bron",
            format!("{} already cites source '{}'", node_id.encode(), existing.sleutel),
        ));
    }
    write(work, holder, &node_id, checked, true).await?;
    bronnen_of(work, holder).await
}

/// The stored record a command names as the citing one.
///
/// # Errors
/// `NOT_FOUND` on `field` for an unknown record, or a database error.
pub async fn find_holder(work: &UnitOfWork, key: &HolderKey, field: &str) -> Result<Holder, AppError> {
    let txn = work.txn();
    let found = match key {
        HolderKey::Gemeente(code) => store::gemeente::by_code(txn, code).await?.map(|m| Holder::Gemeente(m.id)),
        HolderKey::AmbtelijkeFusie(sleutel) => {
            store::fusie::by_sleutel(txn, sleutel).await?.map(|m| Holder::AmbtelijkeFusie(m.id))
        }
        HolderKey::Herindeling(sleutel) => {
            store::herindeling::by_sleutel(txn, sleutel).await?.map(|m| Holder::Herindeling(m.id))
        }
        HolderKey::Onderzoek(sleutel) => {
            store::onderzoek::by_sleutel(txn, sleutel).await?.map(|m| Holder::Onderzoek(m.id))
        }
        HolderKey::Evaluatie(sleutel) => {
            store::evaluatie::by_sleutel(txn, sleutel).await?.map(|m| Holder::Evaluatie(m.id))
        }
    };
    found.ok_or_else(|| AppError::not_found(field, format!("there is no record with ID '{}'", key.node_id().encode())))
}

/// Checks citations against the rules and the stored sources, without writing: each source
/// cited once, an existing source cited as stored (fields given must match it), a new source
/// with a non-empty `titel` and an http(s) `url`.
///
/// # Errors
/// `BAD_USER_INPUT` on `field` for a citation that breaks a rule, `CONFLICT` on `field` when the
/// fields given contradict the stored source of that sleutel.
pub async fn check(
    work: &UnitOfWork,
    bronvermeldingen: &[NewBronvermelding],
    field: &str,
) -> Result<Vec<CheckedBronvermelding>, AppError> {
    let mut seen = HashSet::new();
    let mut checked = Vec::with_capacity(bronvermeldingen.len());
    for bronvermelding in bronvermeldingen {
        let sleutel = &bronvermelding.bron;
        if !seen.insert(sleutel) {
            return Err(AppError::bad_input(field, format!("source '{sleutel}' is cited twice")));
        }
        let titel = tekst(bronvermelding.titel.as_deref());
        let uitgever = tekst(bronvermelding.uitgever.as_deref());
        let adres = match tekst(bronvermelding.url.as_deref()) {
            Some(adres) => Some(url(&adres, field)?),
            None => None,
        };
        let choice = match store::bron::by_sleutel(work.txn(), sleutel).await? {
            Some(existing) => {
                let differs = [
                    ("titel", titel.as_ref().is_some_and(|t| *t != existing.titel)),
                    ("url", adres.is_some() && adres != existing.url),
                    ("uitgever", uitgever.is_some() && uitgever != existing.uitgever),
                    ("datum", bronvermelding.datum.is_some() && bronvermelding.datum != existing.datum),
                ];
                if let Some((naam, _)) = differs.iter().find(|(_, differ)| *differ) {
                    return Err(AppError::conflict(
                        field,
                        format!(
                            "source '{sleutel}' already exists with another {naam}: leave out {naam} to cite it as stored, or choose a new sleutel for a new source"
                        ),
                    ));
                }
                BronChoice::Existing(existing)
            }
            None => {
                let titel = titel.ok_or_else(|| {
                    AppError::bad_input(field, format!("there is no source '{sleutel}'; to create it, give its titel"))
                })?;
                let new = bron::ActiveModel {
                    sleutel: Set(sleutel.to_string()),
                    titel: Set(titel),
                    uitgever: Set(uitgever),
                    url: Set(adres),
                    datum: Set(bronvermelding.datum),
                    opmerking: Set(None),
                    ..Default::default()
                };
                BronChoice::New(new, sleutel.clone())
            }
        };
        checked.push(CheckedBronvermelding { bron: choice, toelichting: tekst(bronvermelding.toelichting.as_deref()) });
    }
    Ok(checked)
}

/// Writes checked citations for `holder` (global ID `node_id`), creating new sources first. Each
/// new source is logged as created; the citations are logged as one change of the holder per
/// citation when `holder_changed`, and not at all when the holder is created in the same write
/// (its creation is the change).
///
/// # Errors
/// A database error.
pub async fn write(
    work: &mut UnitOfWork,
    holder: Holder,
    node_id: &NodeId,
    bronvermeldingen: Vec<CheckedBronvermelding>,
    holder_changed: bool,
) -> Result<(), AppError> {
    for bronvermelding in bronvermeldingen {
        let bron_id = match bronvermelding.bron {
            BronChoice::Existing(existing) => existing.id,
            BronChoice::New(new, sleutel) => {
                let bron = store::bron::insert(work.txn(), new).await?;
                work.record(WijzigingSoort::Aangemaakt, &NodeId::Bron(sleutel.into_string())).await?;
                bron.id
            }
        };
        store::bron::insert_bronvermelding(work.txn(), holder, bron_id, bronvermelding.toelichting).await?;
        if holder_changed {
            work.record(WijzigingSoort::Gewijzigd, node_id).await?;
        }
    }
    Ok(())
}

/// The sources `holder` cites, with their citations, in citation order.
///
/// # Errors
/// A database error, or an internal error for a citation whose source is missing.
pub async fn bronnen_of(
    work: &UnitOfWork,
    holder: Holder,
) -> Result<Vec<(bron::Model, bronvermelding::Model)>, AppError> {
    let bronvermeldingen = store::bron::bronvermeldingen_of(work.txn(), holder).await?;
    let ids: Vec<i32> = bronvermeldingen.iter().map(|v| v.bron_id).collect();
    let bronnen = store::bron::by_ids(work.txn(), ids).await?;
    bronvermeldingen
        .into_iter()
        .map(|bronvermelding| {
            let bron = bronnen
                .iter()
                .find(|b| b.id == bronvermelding.bron_id)
                .cloned()
                .ok_or_else(|| AppError::Internal("citation without source".to_owned()))?;
            Ok((bron, bronvermelding))
        })
        .collect()
}

/// Trimmed text, or `None` when absent or blank.
pub(crate) fn tekst(text: Option<&str>) -> Option<String> {
    text.map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)
}

/// An absolute http(s) address without spaces.
///
/// # Errors
/// `BAD_USER_INPUT` on `field` for any other text.
pub(crate) fn url(text: &str, field: &str) -> Result<String, AppError> {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    let host = rest.and_then(|r| r.split(['/', '?', '#']).next()).unwrap_or_default();
    if host.is_empty() || text.chars().any(char::is_whitespace) {
        return Err(AppError::bad_input(
            field,
            format!("'{text}' is not a web address: give an absolute http:// or https:// URL"),
        ));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_absolute_web_addresses_pass() {
        for good in ["https://www.rijksoverheid.nl/documenten", "http://example.org", "HTTPS://Example.org/a?b=c"] {
            assert!(url(good, "url").is_ok(), "{good}");
        }
        for bad in [
            "ftp://example.org",
            "www.example.org",
            "https://",
            "https:///pad",
            "https://a b.nl",
            "javascript:alert(1)",
        ] {
            assert!(url(bad, "url").is_err(), "{bad}");
        }
    }

    #[test]
    fn blank_text_is_absent() {
        assert_eq!(tekst(Some("  ")), None);
        assert_eq!(tekst(Some(" a ")), Some("a".to_owned()));
        assert_eq!(tekst(None), None);
    }
}
