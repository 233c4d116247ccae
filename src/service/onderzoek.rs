//! Writing studies with their published figures, and evaluation outcomes with their motives,
//! goals and risks. Both may cite sources on creation (see [`super::bron`]).
//!
//! A new record's citations and parts (figures excepted, which have IDs of their own) belong to
//! its creation: the change log holds one AANGEMAAKT for the record, one per figure and one per
//! new source.

use std::collections::HashSet;

use chrono::NaiveDate;
use sea_orm::ActiveValue::Set;
use sea_orm::DatabaseConnection;

use super::UnitOfWork;
use super::bron::{self, NewBronvermelding, tekst};
use crate::domain::{Doel, KengetalSoort, Motief, NodeId, Realisatie, Risico, Sleutel, Tevredenheid, WijzigingSoort};
use crate::entity::{
    evaluatie, evaluatie_bevinding, evaluatie_doel, evaluatie_motief, evaluatie_risico, kengetal, onderzoek,
};
use crate::error::AppError;
use crate::store;
use crate::store::bron::Holder;

/// A new study with the figures it published.
#[derive(Debug, Clone)]
pub struct RegisterOnderzoek {
    pub sleutel: Sleutel,
    pub titel: String,
    pub uitvoerder: String,
    pub opdrachtgever: Option<String>,
    pub publicatiedatum: Option<NaiveDate>,
    pub url: Option<String>,
    pub kamerstuk: Option<String>,
    pub opmerking: Option<String>,
    pub kengetallen: Vec<NewKengetal>,
    pub bronnen: Vec<NewBronvermelding>,
}

/// A figure a new study published.
#[derive(Debug, Clone)]
pub struct NewKengetal {
    pub sleutel: Sleutel,
    pub soort: KengetalSoort,
    pub peildatum: Option<NaiveDate>,
    pub waarde: f64,
    pub eenheid: Option<String>,
    pub omschrijving: String,
    pub opmerking: Option<String>,
}

/// A new evaluation outcome, for a study, an ambtelijke fusie, or both.
#[derive(Debug, Clone)]
pub struct AddEvaluatie {
    pub sleutel: Sleutel,
    /// Sleutel of the study it comes from.
    pub onderzoek: Option<Sleutel>,
    /// Sleutel of the ambtelijke fusie it is about.
    pub ambtelijke_fusie: Option<Sleutel>,
    pub datum: Option<NaiveDate>,
    pub samenvatting: String,
    pub tevredenheid: Tevredenheid,
    pub voordelen_wegen_op: Option<bool>,
    /// Realisation of the goals as a whole, for a source that judges only that.
    pub doelrealisatie: Option<Realisatie>,
    pub doelrealisatie_toelichting: Option<String>,
    pub motieven: Vec<NewMotief>,
    pub doelen: Vec<NewDoel>,
    pub risicos: Vec<NewRisico>,
    pub bevindingen: Vec<NewBevinding>,
    pub opmerking: Option<String>,
    pub bronnen: Vec<NewBronvermelding>,
}

/// A further finding of a new evaluation.
#[derive(Debug, Clone)]
pub struct NewBevinding {
    pub omschrijving: String,
    pub citaat: Option<String>,
}

/// A motive of a new evaluation.
#[derive(Debug, Clone)]
pub struct NewMotief {
    pub motief: Motief,
    pub toelichting: Option<String>,
}

/// A goal of a new evaluation, with how far it was reached.
#[derive(Debug, Clone)]
pub struct NewDoel {
    pub doel: Doel,
    pub realisatie: Realisatie,
    pub streefwaarde: Option<f64>,
    pub gerealiseerde_waarde: Option<f64>,
    pub eenheid: Option<String>,
    pub toelichting: Option<String>,
}

/// A risk of a new evaluation.
#[derive(Debug, Clone)]
pub struct NewRisico {
    pub risico: Risico,
    pub ervaren: Option<bool>,
    pub toelichting: Option<String>,
}

/// Registers a study with its figures and sources.
///
/// # Errors
/// `BAD_USER_INPUT` naming the field at fault for an empty `titel`, `uitvoerder` or figure
/// `omschrijving`, a non-http(s) `url`, figures with the same sleutel (`kengetallen`), a
/// non-finite `waarde`, or a citation that breaks a rule (`bronnen`); `CONFLICT` on `sleutel`
/// when a study with that sleutel exists. Nothing is written then.
pub async fn register_onderzoek(
    db: &DatabaseConnection,
    door: &str,
    command: RegisterOnderzoek,
) -> Result<onderzoek::Model, AppError> {
    let mut work = UnitOfWork::begin(db, door).await?;
    let onderzoek = register_onderzoek_in(&mut work, command).await?;
    work.commit().await?;
    Ok(onderzoek)
}

/// [`register_onderzoek`] within a running write.
///
/// # Errors
/// As [`register_onderzoek`].
pub async fn register_onderzoek_in(
    work: &mut UnitOfWork,
    command: RegisterOnderzoek,
) -> Result<onderzoek::Model, AppError> {
    let sleutel = command.sleutel;
    let titel = required_text(&command.titel, "titel")?;
    let uitvoerder = required_text(&command.uitvoerder, "uitvoerder")?;
    let adres = match tekst(command.url.as_deref()) {
        Some(adres) => Some(bron::url(&adres, "url")?),
        None => None,
    };
    let mut kengetal_sleutels = HashSet::new();
    for kengetal in &command.kengetallen {
        let ks = &kengetal.sleutel;
        if !kengetal_sleutels.insert(ks) {
            return Err(AppError::bad_input("kengetallen", format!("two figures have the sleutel '{ks}'")));
        }
        if kengetal.omschrijving.trim().is_empty() {
            return Err(AppError::bad_input("omschrijving", format!("figure '{ks}' needs an omschrijving")));
        }
        if !kengetal.waarde.is_finite() {
            return Err(AppError::bad_input("waarde", format!("figure '{ks}' needs a finite waarde")));
        }
    }

    if store::onderzoek::by_sleutel(work.txn(), &sleutel).await?.is_some() {
        return Err(AppError::conflict("sleutel", format!("a study with sleutel '{sleutel}' already exists")));
    }
    let bronnen = bron::check(work, &command.bronnen, "bronnen").await?;

    let row = onderzoek::ActiveModel {
        sleutel: Set(sleutel.to_string()),
        titel: Set(titel),
        uitvoerder: Set(uitvoerder),
        opdrachtgever: Set(tekst(command.opdrachtgever.as_deref())),
        publicatiedatum: Set(command.publicatiedatum),
        url: Set(adres),
        kamerstuk: Set(tekst(command.kamerstuk.as_deref())),
        onzekere_velden: Set(String::new()),
        opmerking: Set(tekst(command.opmerking.as_deref())),
        versie: Set(1),
        ..Default::default()
    };
    let model = store::onderzoek::insert(work.txn(), row).await?;
    let node_id = NodeId::Onderzoek(sleutel.to_string());
    work.record(WijzigingSoort::Aangemaakt, &node_id).await?;

    for new in command.kengetallen {
        let row = kengetal::ActiveModel {
            onderzoek_id: Set(model.id),
            sleutel: Set(new.sleutel.to_string()),
            soort: Set(new.soort),
            peildatum: Set(new.peildatum),
            waarde: Set(new.waarde),
            eenheid: Set(tekst(new.eenheid.as_deref())),
            omschrijving: Set(new.omschrijving.trim().to_owned()),
            opmerking: Set(tekst(new.opmerking.as_deref())),
            ..Default::default()
        };
        store::onderzoek::insert_kengetal(work.txn(), row).await?;
        let id = NodeId::Kengetal { onderzoek: sleutel.to_string(), sleutel: new.sleutel.into_string() };
        work.record(WijzigingSoort::Aangemaakt, &id).await?;
    }

    bron::write(work, Holder::Onderzoek(model.id), &node_id, bronnen, false).await?;
    Ok(model)
}

/// Records an evaluation outcome with its motives, goals and risks (kept in input order) and
/// sources.
///
/// # Errors
/// `BAD_USER_INPUT` naming the field at fault for neither a study nor an ambtelijke fusie
/// (`onderzoek`), an empty `samenvatting` or finding (`bevindingen`), a `datum` before the
/// study's publication date, a non-finite goal value (`doelen`), or a citation that breaks a rule
/// (`bronnen`); `NOT_FOUND` on `onderzoek` or `ambtelijkeFusie` for an unknown one; `CONFLICT` on
/// `sleutel` when an evaluation with that sleutel exists. Nothing is written then.
pub async fn add_evaluatie(
    db: &DatabaseConnection,
    door: &str,
    command: AddEvaluatie,
) -> Result<evaluatie::Model, AppError> {
    let mut work = UnitOfWork::begin(db, door).await?;
    let evaluatie = add_evaluatie_in(&mut work, command).await?;
    work.commit().await?;
    Ok(evaluatie)
}

/// [`add_evaluatie`] within a running write.
///
/// # Errors
/// As [`add_evaluatie`].
pub async fn add_evaluatie_in(work: &mut UnitOfWork, command: AddEvaluatie) -> Result<evaluatie::Model, AppError> {
    if command.onderzoek.is_none() && command.ambtelijke_fusie.is_none() {
        return Err(AppError::bad_input(
            "onderzoek",
            "an evaluation comes from a study (onderzoek), is about an ambtelijke fusie (ambtelijkeFusie), or both: give at least one",
        ));
    }
    let samenvatting = required_text(&command.samenvatting, "samenvatting")?;
    let bevindingen = command
        .bevindingen
        .iter()
        .map(|b| Ok((required_text(&b.omschrijving, "bevindingen")?, tekst(b.citaat.as_deref()))))
        .collect::<Result<Vec<_>, AppError>>()?;
    for doel in &command.doelen {
        if doel.streefwaarde.is_some_and(|w| !w.is_finite())
            || doel.gerealiseerde_waarde.is_some_and(|w| !w.is_finite())
        {
            return Err(AppError::bad_input("doelen", "the values of a goal must be finite numbers"));
        }
    }

    let onderzoek = match &command.onderzoek {
        Some(s) => Some(
            store::onderzoek::by_sleutel(work.txn(), s)
                .await?
                .ok_or_else(|| AppError::not_found("onderzoek", format!("there is no study with sleutel '{s}'")))?,
        ),
        None => None,
    };
    let fusie = match &command.ambtelijke_fusie {
        Some(s) => Some(store::fusie::by_sleutel(work.txn(), s).await?.ok_or_else(|| {
            AppError::not_found("ambtelijkeFusie", format!("there is no ambtelijke fusie with sleutel '{s}'"))
        })?),
        None => None,
    };
    if let Some(onderzoek) = &onderzoek
        && let (Some(datum), Some(gepubliceerd)) = (command.datum, onderzoek.publicatiedatum)
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
    let sleutel = command.sleutel;
    if store::evaluatie::by_sleutel(work.txn(), &sleutel).await?.is_some() {
        return Err(AppError::conflict("sleutel", format!("an evaluation with sleutel '{sleutel}' already exists")));
    }
    let bronnen = bron::check(work, &command.bronnen, "bronnen").await?;

    let row = evaluatie::ActiveModel {
        sleutel: Set(sleutel.to_string()),
        onderzoek_id: Set(onderzoek.map(|o| o.id)),
        ambtelijke_fusie_id: Set(fusie.map(|f| f.id)),
        datum: Set(command.datum),
        samenvatting: Set(samenvatting),
        tevredenheid: Set(command.tevredenheid),
        voordelen_wegen_op: Set(command.voordelen_wegen_op),
        doelrealisatie: Set(command.doelrealisatie),
        doelrealisatie_toelichting: Set(tekst(command.doelrealisatie_toelichting.as_deref())),
        onzekere_velden: Set(String::new()),
        opmerking: Set(tekst(command.opmerking.as_deref())),
        versie: Set(1),
        ..Default::default()
    };
    let model = store::evaluatie::insert(work.txn(), row).await?;
    let node_id = NodeId::Evaluatie(sleutel.into_string());
    work.record(WijzigingSoort::Aangemaakt, &node_id).await?;

    for (volgorde, motief) in (0..).zip(command.motieven) {
        let row = evaluatie_motief::ActiveModel {
            evaluatie_id: Set(model.id),
            volgorde: Set(volgorde),
            motief: Set(motief.motief),
            toelichting: Set(tekst(motief.toelichting.as_deref())),
            ..Default::default()
        };
        store::evaluatie::insert_motief(work.txn(), row).await?;
    }
    for (volgorde, doel) in (0..).zip(command.doelen) {
        let row = evaluatie_doel::ActiveModel {
            evaluatie_id: Set(model.id),
            volgorde: Set(volgorde),
            doel: Set(doel.doel),
            realisatie: Set(doel.realisatie),
            streefwaarde: Set(doel.streefwaarde),
            gerealiseerde_waarde: Set(doel.gerealiseerde_waarde),
            eenheid: Set(tekst(doel.eenheid.as_deref())),
            toelichting: Set(tekst(doel.toelichting.as_deref())),
            ..Default::default()
        };
        store::evaluatie::insert_doel(work.txn(), row).await?;
    }
    for (volgorde, risico) in (0..).zip(command.risicos) {
        let row = evaluatie_risico::ActiveModel {
            evaluatie_id: Set(model.id),
            volgorde: Set(volgorde),
            risico: Set(risico.risico),
            ervaren: Set(risico.ervaren),
            toelichting: Set(tekst(risico.toelichting.as_deref())),
            ..Default::default()
        };
        store::evaluatie::insert_risico(work.txn(), row).await?;
    }
    for (volgorde, (omschrijving, citaat)) in (0..).zip(bevindingen) {
        let row = evaluatie_bevinding::ActiveModel {
            evaluatie_id: Set(model.id),
            volgorde: Set(volgorde),
            omschrijving: Set(omschrijving),
            citaat: Set(citaat),
            ..Default::default()
        };
        store::evaluatie::insert_bevinding(work.txn(), row).await?;
    }

    bron::write(work, Holder::Evaluatie(model.id), &node_id, bronnen, false).await?;
    Ok(model)
}

/// Trimmed text that must not be blank.
fn required_text(text: &str, field: &str) -> Result<String, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::bad_input(field, format!("{field} must not be empty")));
    }
    Ok(text.to_owned())
}
