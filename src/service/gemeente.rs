//! Registering and correcting municipalities (rules 1–3).

use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::Schrijfactie;
use super::fusie::{check_versie, periode, periode_van};
use crate::domain::{CbsCode, NodeId, Periode, WijzigingSoort};
use crate::entity::{deelname, gemeente, provincie};
use crate::error::AppError;

/// A municipality to register.
#[derive(Debug, Clone)]
pub struct NieuweGemeente {
    pub code: String,
    pub naam: String,
    /// CBS code of the province, e.g. `PV28`.
    pub provincie: String,
    pub begindatum: Option<NaiveDate>,
    pub einddatum: Option<NaiveDate>,
}

/// Corrections to a municipality's record; `None` leaves a value as it is.
#[derive(Debug, Clone, Default)]
pub struct GemeenteCorrectie {
    pub code: String,
    pub naam: Option<String>,
    pub provincie: Option<String>,
    pub begindatum: Option<NaiveDate>,
    pub einddatum: Option<NaiveDate>,
    pub versie: Option<i32>,
}

/// Registers a municipality.
///
/// # Errors
/// `BAD_USER_INPUT` for a malformed code, an empty name or a bad period; `CONFLICT` when the code
/// exists (codes are never reused); `NOT_FOUND` for an unknown province.
pub async fn registreer_gemeente(
    db: &DatabaseConnection,
    door: &str,
    nieuw: NieuweGemeente,
) -> Result<gemeente::Model, AppError> {
    let mut actie = Schrijfactie::begin(db, door).await?;
    let gemeente = registreer_gemeente_in(&mut actie, nieuw).await?;
    actie.commit().await?;
    Ok(gemeente)
}

/// [`registreer_gemeente`] within a running write.
///
/// # Errors
/// As [`registreer_gemeente`].
pub async fn registreer_gemeente_in(
    actie: &mut Schrijfactie,
    nieuw: NieuweGemeente,
) -> Result<gemeente::Model, AppError> {
    let code = CbsCode::parse(&nieuw.code).map_err(|e| AppError::bad_input("code", e.to_string()))?;
    if nieuw.naam.trim().is_empty() {
        return Err(AppError::bad_input("naam", "naam must not be empty"));
    }
    let periode = periode(nieuw.begindatum, nieuw.einddatum)?;
    if gemeente::Entity::find().filter(gemeente::Column::Code.eq(code.as_str())).one(actie.txn()).await?.is_some() {
        return Err(AppError::conflict("code", format!("{code} is already registered; CBS codes are never reused")));
    }
    let provincie = provincie_op_code(actie, &nieuw.provincie).await?;
    let gemeente = gemeente::ActiveModel {
        code: Set(code.to_string()),
        naam: Set(nieuw.naam.trim().to_owned()),
        provincie_id: Set(provincie.id),
        begindatum: Set(periode.begin()),
        einddatum: Set(periode.einde()),
        tooi_uri: Set(None),
        opmerking: Set(None),
        versie: Set(1),
        ..Default::default()
    }
    .insert(actie.txn())
    .await?;
    actie.leg_vast(WijzigingSoort::Aangemaakt, "Gemeente", NodeId::Gemeente(gemeente.code.clone()).encode()).await?;
    Ok(gemeente)
}

/// Corrects a municipality's name, province or period (for mistakes: a renaming in reality gets
/// a new code and a herindeling).
///
/// # Errors
/// `NOT_FOUND` for an unknown code or province, `CONFLICT` for a stale version or a period that
/// would leave one of its deelnames outside its existence, `BAD_USER_INPUT` for a bad value.
pub async fn corrigeer_gemeente(
    db: &DatabaseConnection,
    door: &str,
    correctie: GemeenteCorrectie,
) -> Result<gemeente::Model, AppError> {
    let mut actie = Schrijfactie::begin(db, door).await?;
    let huidig = gemeente_op_code(&actie, "code", &correctie.code).await?;
    check_versie(huidig.versie, correctie.versie)?;
    let begindatum = correctie.begindatum.or(huidig.begindatum);
    let einddatum = correctie.einddatum.or(huidig.einddatum);
    let bestaan = periode(begindatum, einddatum)?;
    let deelnames =
        deelname::Entity::find().filter(deelname::Column::GemeenteId.eq(huidig.id)).all(actie.txn()).await?;
    for d in &deelnames {
        if !bestaan.omvat(&periode_van(d.begindatum, d.einddatum)?) {
            return Err(AppError::conflict(
                if correctie.einddatum.is_some() { "einddatum" } else { "begindatum" },
                "a deelname of this municipality would lie outside its existence; end or correct the deelname first",
            ));
        }
    }
    let versie = huidig.versie + 1;
    let mut model: gemeente::ActiveModel = huidig.into();
    if let Some(naam) = correctie.naam {
        if naam.trim().is_empty() {
            return Err(AppError::bad_input("naam", "naam must not be empty"));
        }
        model.naam = Set(naam.trim().to_owned());
    }
    if let Some(code) = correctie.provincie {
        model.provincie_id = Set(provincie_op_code(&actie, &code).await?.id);
    }
    model.begindatum = Set(bestaan.begin());
    model.einddatum = Set(bestaan.einde());
    model.versie = Set(versie);
    let gemeente = model.update(actie.txn()).await?;
    actie.leg_vast(WijzigingSoort::Gewijzigd, "Gemeente", NodeId::Gemeente(gemeente.code.clone()).encode()).await?;
    actie.commit().await?;
    Ok(gemeente)
}

/// The municipality with `code`, or `NOT_FOUND` on `veld`.
///
/// # Errors
/// `BAD_USER_INPUT` for a malformed code, `NOT_FOUND` for an unknown one.
pub(crate) async fn gemeente_op_code(
    actie: &Schrijfactie,
    veld: &str,
    code: &str,
) -> Result<gemeente::Model, AppError> {
    super::fusie::gemeente_op_code(actie, veld, code).await
}

async fn provincie_op_code(actie: &Schrijfactie, code: &str) -> Result<provincie::Model, AppError> {
    provincie::Entity::find()
        .filter(provincie::Column::Code.eq(code.trim().to_uppercase()))
        .one(actie.txn())
        .await?
        .ok_or_else(|| AppError::not_found("provincie", format!("there is no province with code '{code}' (e.g. PV28)")))
}

/// Whether the municipality exists on `dag`.
pub(crate) fn bestaat_op(gemeente: &gemeente::Model, dag: NaiveDate) -> bool {
    Periode::new(gemeente.begindatum, gemeente.einddatum).is_ok_and(|p| p.geldig_op(dag))
}
