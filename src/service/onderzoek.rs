//! Writing studies with their published figures, and evaluation outcomes with their motives,
//! goals and risks. Both may cite sources on creation (see [`super::bron`]).
//!
//! A new record's citations and parts (figures excepted, which have IDs of their own) belong to
//! its creation: the change log holds one AANGEMAAKT for the record, one per figure and one per
//! new source.

use std::collections::HashSet;

use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::Schrijfactie;
use super::bron::{self, Houder, HouderSoort, NieuweBronvermelding, tekst};
use super::fusie::sleutel;
use crate::domain::{Doel, KengetalSoort, Motief, NodeId, Realisatie, Risico, Tevredenheid, WijzigingSoort};
use crate::entity::{
    ambtelijke_fusie, evaluatie, evaluatie_bevinding, evaluatie_doel, evaluatie_motief, evaluatie_risico, kengetal,
    onderzoek,
};
use crate::error::AppError;

/// A new study with the figures it published.
#[derive(Debug, Clone)]
pub struct NieuwOnderzoek {
    pub sleutel: String,
    pub titel: String,
    pub uitvoerder: String,
    pub opdrachtgever: Option<String>,
    pub publicatiedatum: Option<NaiveDate>,
    pub url: Option<String>,
    pub kamerstuk: Option<String>,
    pub opmerking: Option<String>,
    pub kengetallen: Vec<NieuwKengetal>,
    pub bronnen: Vec<NieuweBronvermelding>,
}

/// A figure a new study published.
#[derive(Debug, Clone)]
pub struct NieuwKengetal {
    pub sleutel: String,
    pub soort: KengetalSoort,
    pub peildatum: Option<NaiveDate>,
    pub waarde: f64,
    pub eenheid: Option<String>,
    pub omschrijving: String,
    pub opmerking: Option<String>,
}

/// A new evaluation outcome, for a study, an ambtelijke fusie, or both.
#[derive(Debug, Clone)]
pub struct NieuweEvaluatie {
    pub sleutel: String,
    /// Sleutel of the study it comes from.
    pub onderzoek: Option<String>,
    /// Sleutel of the ambtelijke fusie it is about.
    pub ambtelijke_fusie: Option<String>,
    pub datum: Option<NaiveDate>,
    pub samenvatting: String,
    pub tevredenheid: Tevredenheid,
    pub voordelen_wegen_op: Option<bool>,
    /// Realisation of the goals as a whole, for a source that judges only that.
    pub doelrealisatie: Option<Realisatie>,
    pub doelrealisatie_toelichting: Option<String>,
    pub motieven: Vec<NieuwMotief>,
    pub doelen: Vec<NieuwDoel>,
    pub risicos: Vec<NieuwRisico>,
    pub bevindingen: Vec<NieuweBevinding>,
    pub opmerking: Option<String>,
    pub bronnen: Vec<NieuweBronvermelding>,
}

/// A further finding of a new evaluation.
#[derive(Debug, Clone)]
pub struct NieuweBevinding {
    pub omschrijving: String,
    pub citaat: Option<String>,
}

/// A motive of a new evaluation.
#[derive(Debug, Clone)]
pub struct NieuwMotief {
    pub motief: Motief,
    pub toelichting: Option<String>,
}

/// A goal of a new evaluation, with how far it was reached.
#[derive(Debug, Clone)]
pub struct NieuwDoel {
    pub doel: Doel,
    pub realisatie: Realisatie,
    pub streefwaarde: Option<f64>,
    pub gerealiseerde_waarde: Option<f64>,
    pub eenheid: Option<String>,
    pub toelichting: Option<String>,
}

/// A risk of a new evaluation.
#[derive(Debug, Clone)]
pub struct NieuwRisico {
    pub risico: Risico,
    pub ervaren: Option<bool>,
    pub toelichting: Option<String>,
}

/// Registers a study with its figures and sources.
///
/// # Errors
/// `BAD_USER_INPUT` naming the field at fault for a malformed sleutel, an empty `titel`,
/// `uitvoerder` or figure `omschrijving`, a non-http(s) `url`, figures with the same sleutel
/// (`kengetallen`), a non-finite `waarde`, or a citation that breaks a rule (`bronnen`);
/// `CONFLICT` on `sleutel` when a study with that sleutel exists. Nothing is written then.
pub async fn registreer_onderzoek(
    db: &DatabaseConnection,
    door: &str,
    nieuw: NieuwOnderzoek,
) -> Result<onderzoek::Model, AppError> {
    let mut actie = Schrijfactie::begin(db, door).await?;
    let onderzoek = registreer_onderzoek_in(&mut actie, nieuw).await?;
    actie.commit().await?;
    Ok(onderzoek)
}

/// [`registreer_onderzoek`] within a running write.
///
/// # Errors
/// As [`registreer_onderzoek`].
pub async fn registreer_onderzoek_in(
    actie: &mut Schrijfactie,
    nieuw: NieuwOnderzoek,
) -> Result<onderzoek::Model, AppError> {
    let sleutel = sleutel(&nieuw.sleutel)?;
    let titel = verplicht(&nieuw.titel, "titel")?;
    let uitvoerder = verplicht(&nieuw.uitvoerder, "uitvoerder")?;
    let adres = match tekst(nieuw.url.as_deref()) {
        Some(adres) => Some(bron::url(&adres, "url")?),
        None => None,
    };
    let mut kengetal_sleutels = HashSet::new();
    for kengetal in &nieuw.kengetallen {
        let ks = super::fusie::sleutel(&kengetal.sleutel).map_err(|_| {
            AppError::bad_input(
                "kengetallen",
                format!(
                    "'{}' is not a sleutel for a figure: use lower-case letters, digits and dashes",
                    kengetal.sleutel
                ),
            )
        })?;
        if !kengetal_sleutels.insert(ks.clone()) {
            return Err(AppError::bad_input("kengetallen", format!("two figures have the sleutel '{ks}'")));
        }
        if kengetal.omschrijving.trim().is_empty() {
            return Err(AppError::bad_input("omschrijving", format!("figure '{ks}' needs an omschrijving")));
        }
        if !kengetal.waarde.is_finite() {
            return Err(AppError::bad_input("waarde", format!("figure '{ks}' needs a finite waarde")));
        }
    }

    if onderzoek::Entity::find().filter(onderzoek::Column::Sleutel.eq(&sleutel)).one(actie.txn()).await?.is_some() {
        return Err(AppError::conflict("sleutel", format!("a study with sleutel '{sleutel}' already exists")));
    }
    let bronnen = bron::bereid_voor(actie, &nieuw.bronnen, "bronnen").await?;

    let model = onderzoek::ActiveModel {
        sleutel: Set(sleutel.clone()),
        titel: Set(titel),
        uitvoerder: Set(uitvoerder),
        opdrachtgever: Set(tekst(nieuw.opdrachtgever.as_deref())),
        publicatiedatum: Set(nieuw.publicatiedatum),
        url: Set(adres),
        kamerstuk: Set(tekst(nieuw.kamerstuk.as_deref())),
        onzekere_velden: Set(String::new()),
        opmerking: Set(tekst(nieuw.opmerking.as_deref())),
        versie: Set(1),
        ..Default::default()
    }
    .insert(actie.txn())
    .await?;
    let node_id = NodeId::Onderzoek(sleutel.clone());
    actie.leg_vast(WijzigingSoort::Aangemaakt, "Onderzoek", node_id.encode()).await?;

    for nieuw_kengetal in nieuw.kengetallen {
        kengetal::Entity::insert(kengetal::ActiveModel {
            onderzoek_id: Set(model.id),
            sleutel: Set(nieuw_kengetal.sleutel.clone()),
            soort: Set(nieuw_kengetal.soort),
            peildatum: Set(nieuw_kengetal.peildatum),
            waarde: Set(nieuw_kengetal.waarde),
            eenheid: Set(tekst(nieuw_kengetal.eenheid.as_deref())),
            omschrijving: Set(nieuw_kengetal.omschrijving.trim().to_owned()),
            opmerking: Set(tekst(nieuw_kengetal.opmerking.as_deref())),
            ..Default::default()
        })
        .exec_without_returning(actie.txn())
        .await?;
        let id = NodeId::Kengetal { onderzoek: sleutel.clone(), sleutel: nieuw_kengetal.sleutel };
        actie.leg_vast(WijzigingSoort::Aangemaakt, "Kengetal", id.encode()).await?;
    }

    let houder = Houder { soort: HouderSoort::Onderzoek, id: model.id, node_id };
    bron::schrijf(actie, &houder, bronnen, false).await?;
    Ok(model)
}

/// Records an evaluation outcome with its motives, goals and risks (kept in input order) and
/// sources.
///
/// # Errors
/// `BAD_USER_INPUT` naming the field at fault for a malformed sleutel, neither a study nor an
/// ambtelijke fusie (`onderzoek`), an empty `samenvatting` or finding (`bevindingen`), a `datum` before the study's
/// publication date, a non-finite goal value (`doelen`), or a citation that breaks a rule
/// (`bronnen`); `NOT_FOUND` on `onderzoek` or `ambtelijkeFusie` for an unknown one; `CONFLICT` on
/// `sleutel` when an evaluation with that sleutel exists. Nothing is written then.
pub async fn leg_evaluatie_vast(
    db: &DatabaseConnection,
    door: &str,
    nieuw: NieuweEvaluatie,
) -> Result<evaluatie::Model, AppError> {
    let mut actie = Schrijfactie::begin(db, door).await?;
    let evaluatie = leg_evaluatie_vast_in(&mut actie, nieuw).await?;
    actie.commit().await?;
    Ok(evaluatie)
}

/// [`leg_evaluatie_vast`] within a running write.
///
/// # Errors
/// As [`leg_evaluatie_vast`].
pub async fn leg_evaluatie_vast_in(
    actie: &mut Schrijfactie,
    nieuw: NieuweEvaluatie,
) -> Result<evaluatie::Model, AppError> {
    let sleutel = sleutel(&nieuw.sleutel)?;
    let onderzoek_sleutel = tekst(nieuw.onderzoek.as_deref());
    let fusie_sleutel = tekst(nieuw.ambtelijke_fusie.as_deref());
    if onderzoek_sleutel.is_none() && fusie_sleutel.is_none() {
        return Err(AppError::bad_input(
            "onderzoek",
            "an evaluation comes from a study (onderzoek), is about an ambtelijke fusie (ambtelijkeFusie), or both: give at least one",
        ));
    }
    let samenvatting = verplicht(&nieuw.samenvatting, "samenvatting")?;
    let bevindingen = nieuw
        .bevindingen
        .iter()
        .map(|b| Ok((verplicht(&b.omschrijving, "bevindingen")?, tekst(b.citaat.as_deref()))))
        .collect::<Result<Vec<_>, AppError>>()?;
    for doel in &nieuw.doelen {
        if doel.streefwaarde.is_some_and(|w| !w.is_finite())
            || doel.gerealiseerde_waarde.is_some_and(|w| !w.is_finite())
        {
            return Err(AppError::bad_input("doelen", "the values of a goal must be finite numbers"));
        }
    }

    let onderzoek = match &onderzoek_sleutel {
        Some(s) => Some(
            onderzoek::Entity::find()
                .filter(onderzoek::Column::Sleutel.eq(s))
                .one(actie.txn())
                .await?
                .ok_or_else(|| AppError::not_found("onderzoek", format!("there is no study with sleutel '{s}'")))?,
        ),
        None => None,
    };
    let fusie = match &fusie_sleutel {
        Some(s) => Some(
            ambtelijke_fusie::Entity::find()
                .filter(ambtelijke_fusie::Column::Sleutel.eq(s))
                .one(actie.txn())
                .await?
                .ok_or_else(|| {
                    AppError::not_found("ambtelijkeFusie", format!("there is no ambtelijke fusie with sleutel '{s}'"))
                })?,
        ),
        None => None,
    };
    if let Some(onderzoek) = &onderzoek
        && let (Some(datum), Some(gepubliceerd)) = (nieuw.datum, onderzoek.publicatiedatum)
        && datum < gepubliceerd
    {
        return Err(AppError::bad_input(
            "datum",
            format!(
                "the evaluation's datum {datum} lies before the publication of study '{}' ({gepubliceerd})",
                onderzoek.sleutel
            ),
        ));
    }
    if evaluatie::Entity::find().filter(evaluatie::Column::Sleutel.eq(&sleutel)).one(actie.txn()).await?.is_some() {
        return Err(AppError::conflict("sleutel", format!("an evaluation with sleutel '{sleutel}' already exists")));
    }
    let bronnen = bron::bereid_voor(actie, &nieuw.bronnen, "bronnen").await?;

    let model = evaluatie::ActiveModel {
        sleutel: Set(sleutel.clone()),
        onderzoek_id: Set(onderzoek.map(|o| o.id)),
        ambtelijke_fusie_id: Set(fusie.map(|f| f.id)),
        datum: Set(nieuw.datum),
        samenvatting: Set(samenvatting),
        tevredenheid: Set(nieuw.tevredenheid),
        voordelen_wegen_op: Set(nieuw.voordelen_wegen_op),
        doelrealisatie: Set(nieuw.doelrealisatie),
        doelrealisatie_toelichting: Set(tekst(nieuw.doelrealisatie_toelichting.as_deref())),
        onzekere_velden: Set(String::new()),
        opmerking: Set(tekst(nieuw.opmerking.as_deref())),
        versie: Set(1),
        ..Default::default()
    }
    .insert(actie.txn())
    .await?;
    let node_id = NodeId::Evaluatie(sleutel);
    actie.leg_vast(WijzigingSoort::Aangemaakt, "Evaluatie", node_id.encode()).await?;

    for (volgorde, motief) in (0..).zip(nieuw.motieven) {
        evaluatie_motief::Entity::insert(evaluatie_motief::ActiveModel {
            evaluatie_id: Set(model.id),
            volgorde: Set(volgorde),
            motief: Set(motief.motief),
            toelichting: Set(tekst(motief.toelichting.as_deref())),
            ..Default::default()
        })
        .exec_without_returning(actie.txn())
        .await?;
    }
    for (volgorde, doel) in (0..).zip(nieuw.doelen) {
        evaluatie_doel::Entity::insert(evaluatie_doel::ActiveModel {
            evaluatie_id: Set(model.id),
            volgorde: Set(volgorde),
            doel: Set(doel.doel),
            realisatie: Set(doel.realisatie),
            streefwaarde: Set(doel.streefwaarde),
            gerealiseerde_waarde: Set(doel.gerealiseerde_waarde),
            eenheid: Set(tekst(doel.eenheid.as_deref())),
            toelichting: Set(tekst(doel.toelichting.as_deref())),
            ..Default::default()
        })
        .exec_without_returning(actie.txn())
        .await?;
    }
    for (volgorde, risico) in (0..).zip(nieuw.risicos) {
        evaluatie_risico::Entity::insert(evaluatie_risico::ActiveModel {
            evaluatie_id: Set(model.id),
            volgorde: Set(volgorde),
            risico: Set(risico.risico),
            ervaren: Set(risico.ervaren),
            toelichting: Set(tekst(risico.toelichting.as_deref())),
            ..Default::default()
        })
        .exec_without_returning(actie.txn())
        .await?;
    }

    for (volgorde, (omschrijving, citaat)) in (0..).zip(bevindingen) {
        evaluatie_bevinding::Entity::insert(evaluatie_bevinding::ActiveModel {
            evaluatie_id: Set(model.id),
            volgorde: Set(volgorde),
            omschrijving: Set(omschrijving),
            citaat: Set(citaat),
            ..Default::default()
        })
        .exec_without_returning(actie.txn())
        .await?;
    }

    let houder = Houder { soort: HouderSoort::Evaluatie, id: model.id, node_id };
    bron::schrijf(actie, &houder, bronnen, false).await?;
    Ok(model)
}

/// Trimmed text that must not be blank.
fn verplicht(text: &str, veld: &str) -> Result<String, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::bad_input(veld, format!("{veld} must not be empty")));
    }
    Ok(text.to_owned())
}
