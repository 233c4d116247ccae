//! Citing public sources for registry records, creating a source on first citation.
//!
//! A citation names a source by its sleutel. When no source has that sleutel yet, the citation
//! describes the new source (at least its `titel`) and both are written. Checking comes first
//! ([`bereid_voor`]), writing after ([`schrijf`]), so that a use-case that creates a record with
//! its sources can check everything before it writes anything.

use std::collections::HashSet;

use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};

use super::Schrijfactie;
use super::fusie::sleutel;
use crate::domain::{NodeId, WijzigingSoort};
use crate::entity::{ambtelijke_fusie, bron, bronvermelding, evaluatie, gemeente, herindeling, onderzoek};
use crate::error::AppError;

/// A citation as a client sends it: an existing source by its sleutel, or a new one described
/// by the other fields.
#[derive(Debug, Clone, Default)]
pub struct NieuweBronvermelding {
    /// Sleutel of the source, existing or new.
    pub bron: String,
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

/// The kinds of record that can cite a source through the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HouderSoort {
    /// A municipality.
    Gemeente,
    /// An ambtelijke fusie.
    AmbtelijkeFusie,
    /// A herindeling.
    Herindeling,
    /// A study.
    Onderzoek,
    /// An evaluation.
    Evaluatie,
}

impl HouderSoort {
    /// The entity name in the change log, the same as the type name in global IDs.
    pub fn entiteit(self) -> &'static str {
        match self {
            Self::Gemeente => "Gemeente",
            Self::AmbtelijkeFusie => "AmbtelijkeFusie",
            Self::Herindeling => "Herindeling",
            Self::Onderzoek => "Onderzoek",
            Self::Evaluatie => "Evaluatie",
        }
    }

    /// The citation column that points at this kind of record.
    fn kolom(self) -> bronvermelding::Column {
        match self {
            Self::Gemeente => bronvermelding::Column::GemeenteId,
            Self::AmbtelijkeFusie => bronvermelding::Column::AmbtelijkeFusieId,
            Self::Herindeling => bronvermelding::Column::HerindelingId,
            Self::Onderzoek => bronvermelding::Column::OnderzoekId,
            Self::Evaluatie => bronvermelding::Column::EvaluatieId,
        }
    }
}

/// A record that cites sources: its kind, primary key and global ID.
#[derive(Debug, Clone)]
pub struct Houder {
    /// What kind of record it is.
    pub soort: HouderSoort,
    /// Its primary key.
    pub id: i32,
    /// Its global ID.
    pub node_id: NodeId,
}

/// A citation that passed its checks, ready to be written.
#[derive(Debug, Clone)]
pub struct Vermelding {
    bron: BronKeuze,
    toelichting: Option<String>,
}

#[derive(Debug, Clone)]
enum BronKeuze {
    Bestaand(bron::Model),
    Nieuw(bron::ActiveModel, String),
}

/// Cites a source for the record with global ID `entiteit` (a Gemeente, AmbtelijkeFusie,
/// Herindeling, Onderzoek or Evaluatie), creating the source when its sleutel is new; returns the
/// record's sources after the change, in citation order.
///
/// # Errors
/// `BAD_USER_INPUT` on `entiteit` for a kind of record that cannot cite, `NOT_FOUND` on
/// `entiteit` for an unknown record, `BAD_USER_INPUT` or `CONFLICT` on `bron` when the citation
/// breaks a rule (see [`bereid_voor`]); nothing is written then.
pub async fn voeg_bron_toe(
    db: &DatabaseConnection,
    door: &str,
    entiteit: &NodeId,
    vermelding: NieuweBronvermelding,
) -> Result<Vec<(bron::Model, bronvermelding::Model)>, AppError> {
    let mut actie = Schrijfactie::begin(db, door).await?;
    let bronnen = voeg_bron_toe_in(&mut actie, entiteit, vermelding).await?;
    actie.commit().await?;
    Ok(bronnen)
}

/// [`voeg_bron_toe`] within a running write.
///
/// # Errors
/// As [`voeg_bron_toe`].
pub async fn voeg_bron_toe_in(
    actie: &mut Schrijfactie,
    entiteit: &NodeId,
    vermelding: NieuweBronvermelding,
) -> Result<Vec<(bron::Model, bronvermelding::Model)>, AppError> {
    let houder = houder(actie, entiteit, "entiteit").await?;
    let voorbereid = bereid_voor(actie, std::slice::from_ref(&vermelding), "bron").await?;
    if let Some(Vermelding { bron: BronKeuze::Bestaand(bestaand), .. }) = voorbereid.first() {
        let al_vermeld = bronvermelding::Entity::find()
            .filter(houder.soort.kolom().eq(houder.id))
            .filter(bronvermelding::Column::BronId.eq(bestaand.id))
            .one(actie.txn())
            .await?
            .is_some();
        if al_vermeld {
            return Err(AppError::conflict(
                "bron",
                format!("{} already cites source '{}'", houder.node_id.encode(), bestaand.sleutel),
            ));
        }
    }
    schrijf(actie, &houder, voorbereid, true).await?;
    bronnen_van(actie, &houder).await
}

/// The record with global ID `id`, as a citing record.
///
/// # Errors
/// `BAD_USER_INPUT` on `veld` for a kind of record that cannot cite through the API,
/// `NOT_FOUND` on `veld` for an unknown record.
pub async fn houder(actie: &Schrijfactie, id: &NodeId, veld: &str) -> Result<Houder, AppError> {
    let niet_gevonden = || AppError::not_found(veld, format!("there is no record with ID '{}'", id.encode()));
    let (soort, gevonden) = match id {
        NodeId::Gemeente(code) => (
            HouderSoort::Gemeente,
            gemeente::Entity::find().filter(gemeente::Column::Code.eq(code)).one(actie.txn()).await?.map(|m| m.id),
        ),
        NodeId::AmbtelijkeFusie(sleutel) => (
            HouderSoort::AmbtelijkeFusie,
            ambtelijke_fusie::Entity::find()
                .filter(ambtelijke_fusie::Column::Sleutel.eq(sleutel))
                .one(actie.txn())
                .await?
                .map(|m| m.id),
        ),
        NodeId::Herindeling(sleutel) => (
            HouderSoort::Herindeling,
            herindeling::Entity::find()
                .filter(herindeling::Column::Sleutel.eq(sleutel))
                .one(actie.txn())
                .await?
                .map(|m| m.id),
        ),
        NodeId::Onderzoek(sleutel) => (
            HouderSoort::Onderzoek,
            onderzoek::Entity::find()
                .filter(onderzoek::Column::Sleutel.eq(sleutel))
                .one(actie.txn())
                .await?
                .map(|m| m.id),
        ),
        NodeId::Evaluatie(sleutel) => (
            HouderSoort::Evaluatie,
            evaluatie::Entity::find()
                .filter(evaluatie::Column::Sleutel.eq(sleutel))
                .one(actie.txn())
                .await?
                .map(|m| m.id),
        ),
        NodeId::Provincie(_) | NodeId::Deelname { .. } | NodeId::Kengetal { .. } | NodeId::Bron(_) => {
            return Err(AppError::bad_input(
                veld,
                format!(
                    "'{}' cannot cite a source: sources are cited for a Gemeente, AmbtelijkeFusie, Herindeling, Onderzoek or Evaluatie",
                    id.encode()
                ),
            ));
        }
    };
    let id_in_db = gevonden.ok_or_else(niet_gevonden)?;
    Ok(Houder { soort, id: id_in_db, node_id: id.clone() })
}

/// Checks citations against the rules and the stored sources, without writing:
/// a sleutel of the slug form, each source cited once, an existing source cited as stored
/// (fields given must match it), a new source with a non-empty `titel` and an http(s) `url`.
///
/// # Errors
/// `BAD_USER_INPUT` on `veld` for a citation that breaks a rule, `CONFLICT` on `veld` when the
/// fields given contradict the stored source of that sleutel.
pub async fn bereid_voor(
    actie: &Schrijfactie,
    vermeldingen: &[NieuweBronvermelding],
    veld: &str,
) -> Result<Vec<Vermelding>, AppError> {
    let mut gezien = HashSet::new();
    let mut voorbereid = Vec::with_capacity(vermeldingen.len());
    for vermelding in vermeldingen {
        let sleutel = sleutel(vermelding.bron.trim()).map_err(|_| {
            AppError::bad_input(
                veld,
                format!(
                    "'{}' is not the sleutel of a source: use lower-case letters, digits and dashes",
                    vermelding.bron
                ),
            )
        })?;
        if !gezien.insert(sleutel.clone()) {
            return Err(AppError::bad_input(veld, format!("source '{sleutel}' is cited twice")));
        }
        let titel = tekst(vermelding.titel.as_deref());
        let uitgever = tekst(vermelding.uitgever.as_deref());
        let adres = match tekst(vermelding.url.as_deref()) {
            Some(adres) => Some(url(&adres, veld)?),
            None => None,
        };
        let bestaand = bron::Entity::find().filter(bron::Column::Sleutel.eq(&sleutel)).one(actie.txn()).await?;
        let keuze = match bestaand {
            Some(bestaand) => {
                let anders = [
                    ("titel", titel.as_ref().is_some_and(|t| *t != bestaand.titel)),
                    ("url", adres.is_some() && adres != bestaand.url),
                    ("uitgever", uitgever.is_some() && uitgever != bestaand.uitgever),
                    ("datum", vermelding.datum.is_some() && vermelding.datum != bestaand.datum),
                ];
                if let Some((naam, _)) = anders.iter().find(|(_, verschilt)| *verschilt) {
                    return Err(AppError::conflict(
                        veld,
                        format!(
                            "source '{sleutel}' already exists with another {naam}: leave out {naam} to cite it as stored, or choose a new sleutel for a new source"
                        ),
                    ));
                }
                BronKeuze::Bestaand(bestaand)
            }
            None => {
                let titel = titel.ok_or_else(|| {
                    AppError::bad_input(veld, format!("there is no source '{sleutel}'; to create it, give its titel"))
                })?;
                let nieuw = bron::ActiveModel {
                    sleutel: Set(sleutel.clone()),
                    titel: Set(titel),
                    uitgever: Set(uitgever),
                    url: Set(adres),
                    datum: Set(vermelding.datum),
                    opmerking: Set(None),
                    ..Default::default()
                };
                BronKeuze::Nieuw(nieuw, sleutel)
            }
        };
        voorbereid.push(Vermelding { bron: keuze, toelichting: tekst(vermelding.toelichting.as_deref()) });
    }
    Ok(voorbereid)
}

/// Writes checked citations for `houder`, creating new sources first. Each new source is logged
/// as created; the citations are logged as one change of `houder` per citation when
/// `houder_gewijzigd`, and not at all when the holder is created in the same write (its creation
/// is the change).
///
/// # Errors
/// A database error.
pub async fn schrijf(
    actie: &mut Schrijfactie,
    houder: &Houder,
    vermeldingen: Vec<Vermelding>,
    houder_gewijzigd: bool,
) -> Result<(), AppError> {
    for vermelding in vermeldingen {
        let bron_id = match vermelding.bron {
            BronKeuze::Bestaand(bestaand) => bestaand.id,
            BronKeuze::Nieuw(nieuw, sleutel) => {
                let bron = nieuw.insert(actie.txn()).await?;
                actie.leg_vast(WijzigingSoort::Aangemaakt, "Bron", NodeId::Bron(sleutel).encode()).await?;
                bron.id
            }
        };
        let mut rij = bronvermelding::ActiveModel {
            bron_id: Set(bron_id),
            gemeente_id: Set(None),
            provincie_id: Set(None),
            herindeling_id: Set(None),
            ambtelijke_fusie_id: Set(None),
            onderzoek_id: Set(None),
            evaluatie_id: Set(None),
            toelichting: Set(vermelding.toelichting),
            ..Default::default()
        };
        match houder.soort {
            HouderSoort::Gemeente => rij.gemeente_id = Set(Some(houder.id)),
            HouderSoort::AmbtelijkeFusie => rij.ambtelijke_fusie_id = Set(Some(houder.id)),
            HouderSoort::Herindeling => rij.herindeling_id = Set(Some(houder.id)),
            HouderSoort::Onderzoek => rij.onderzoek_id = Set(Some(houder.id)),
            HouderSoort::Evaluatie => rij.evaluatie_id = Set(Some(houder.id)),
        }
        bronvermelding::Entity::insert(rij).exec_without_returning(actie.txn()).await?;
        if houder_gewijzigd {
            actie.leg_vast(WijzigingSoort::Gewijzigd, houder.soort.entiteit(), houder.node_id.encode()).await?;
        }
    }
    Ok(())
}

/// The sources `houder` cites, with their citations, in citation order.
///
/// # Errors
/// A database error.
pub async fn bronnen_van(
    actie: &Schrijfactie,
    houder: &Houder,
) -> Result<Vec<(bron::Model, bronvermelding::Model)>, AppError> {
    let vermeldingen = bronvermelding::Entity::find()
        .filter(houder.soort.kolom().eq(houder.id))
        .order_by_asc(bronvermelding::Column::Id)
        .all(actie.txn())
        .await?;
    let ids: Vec<i32> = vermeldingen.iter().map(|v| v.bron_id).collect();
    let bronnen = bron::Entity::find().filter(bron::Column::Id.is_in(ids)).all(actie.txn()).await?;
    vermeldingen
        .into_iter()
        .map(|vermelding| {
            let bron = bronnen
                .iter()
                .find(|b| b.id == vermelding.bron_id)
                .cloned()
                .ok_or_else(|| AppError::Internal("citation without source".to_owned()))?;
            Ok((bron, vermelding))
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
/// `BAD_USER_INPUT` on `veld` for any other text.
pub(crate) fn url(text: &str, veld: &str) -> Result<String, AppError> {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    let host = rest.and_then(|r| r.split(['/', '?', '#']).next()).unwrap_or_default();
    if host.is_empty() || text.chars().any(char::is_whitespace) {
        return Err(AppError::bad_input(
            veld,
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
