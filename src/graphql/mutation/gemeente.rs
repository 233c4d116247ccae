//! Mutations of municipalities and herindelingen.

use async_graphql::{Context, InputObject, Object, SimpleObject};

use super::parse::codes;
use crate::auth::require;
use crate::domain::{CbsCode, HerindelingSoort, Periode, Sleutel, TokenRol};
use crate::error::{AppError, InField};
use crate::graphql::context::db;
use crate::graphql::scalars::Date;
use crate::graphql::types::{AmbtelijkeFusie, Deelname, Gemeente, Herindeling};
use crate::service::gemeente::{self, CorrectGemeente, NewGemeente};
use crate::service::herindeling::{self, NewHerindeling};

/// A municipality to register.
#[derive(InputObject)]
pub struct RegistreerGemeenteInput {
    /// CBS code, `GM` + four digits; codes are never reused.
    pub code: String,
    /// Official name.
    pub naam: String,
    /// CBS code of the province, e.g. `PV28`.
    pub provincie: String,
    /// First day of existence.
    pub begindatum: Option<Date>,
    /// Last day of existence, when known.
    pub einddatum: Option<Date>,
}

impl TryFrom<RegistreerGemeenteInput> for NewGemeente {
    type Error = AppError;

    fn try_from(input: RegistreerGemeenteInput) -> Result<Self, AppError> {
        Ok(NewGemeente {
            code: CbsCode::parse(&input.code).in_field("code")?,
            naam: input.naam,
            provincie: input.provincie,
            periode: Periode::new(input.begindatum.map(|d| d.0), input.einddatum.map(|d| d.0)).in_field("einddatum")?,
        })
    }
}

/// Corrections to a municipality's record (for mistakes; a real renaming is a herindeling).
#[derive(InputObject)]
pub struct CorrigeerGemeenteInput {
    /// CBS code of the municipality to correct.
    pub code: String,
    /// Corrected name.
    pub naam: Option<String>,
    /// Corrected province (CBS code).
    pub provincie: Option<String>,
    /// Corrected first day.
    pub begindatum: Option<Date>,
    /// Corrected last day.
    pub einddatum: Option<Date>,
    /// The record's `versie` as read; refused with CONFLICT when it changed since.
    pub versie: Option<i32>,
}

/// A new municipality created by a herindeling.
#[derive(InputObject)]
pub struct NieuweGemeenteInput {
    /// CBS code of the new municipality.
    pub code: String,
    /// Its name.
    pub naam: String,
    /// CBS code of its province.
    pub provincie: String,
}

/// A herindeling: municipalities abolished on a date, merged into new or existing ones.
#[derive(InputObject)]
pub struct RegistreerHerindelingInput {
    /// Stable key; derived from the date and the new or receiving municipality when absent.
    pub sleutel: Option<String>,
    /// Kind of herindeling.
    pub soort: HerindelingSoort,
    /// The date it takes effect; the abolished municipalities end the day before.
    pub datum: Date,
    /// CBS codes of the municipalities abolished.
    pub opgeheven: Vec<String>,
    /// CBS codes of existing municipalities that absorb territory and continue.
    #[graphql(default)]
    pub ontvangend: Vec<String>,
    /// CBS codes of new municipalities registered earlier with `begindatum` equal to `datum`.
    #[graphql(default)]
    pub nieuw: Vec<String>,
    /// New municipalities to register in the same change, beginning on `datum`.
    #[graphql(default)]
    pub nieuwe_gemeenten: Vec<NieuweGemeenteInput>,
}

/// The result of a change to a municipality.
#[derive(SimpleObject)]
pub struct GemeentePayload {
    /// The municipality as stored.
    pub gemeente: Gemeente,
}

/// An ambtelijke fusie that lost members through a herindeling.
#[derive(SimpleObject)]
pub struct GetroffenFusie {
    /// The ambtelijke fusie.
    pub ambtelijke_fusie: AmbtelijkeFusie,
    /// Municipalities still taking part on the herindeling's date (fewer than two).
    pub resterende_gemeenten: Vec<Gemeente>,
    /// Whether the fusie was ended (reason HERINDELING) because none remained.
    pub beeindigd: bool,
}

/// The result of registering a herindeling.
#[derive(SimpleObject)]
pub struct RegistreerHerindelingPayload {
    /// The herindeling as stored.
    pub herindeling: Herindeling,
    /// Deelnames of the abolished municipalities that were running and have been ended.
    pub beeindigde_deelnames: Vec<Deelname>,
    /// Ambtelijke fusies left with fewer than two municipalities.
    pub getroffen_fusies: Vec<GetroffenFusie>,
}

#[derive(Default)]
pub struct GemeenteMutation;

/// Changes to municipalities and herindelingen.
#[Object]
impl GemeenteMutation {
    /// Registers a municipality.
    async fn registreer_gemeente(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new municipality.")] input: RegistreerGemeenteInput,
    ) -> Result<GemeentePayload, AppError> {
        let caller = require(ctx, TokenRol::Editor)?;
        let gemeente = gemeente::register_gemeente(&db(ctx)?, &caller.naam, input.try_into()?).await?;
        Ok(GemeentePayload { gemeente: Gemeente(gemeente) })
    }

    /// Corrects a municipality's name, province or period.
    async fn corrigeer_gemeente(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The corrections.")] input: CorrigeerGemeenteInput,
    ) -> Result<GemeentePayload, AppError> {
        let caller = require(ctx, TokenRol::Editor)?;
        let command = CorrectGemeente {
            code: CbsCode::parse(&input.code).in_field("code")?,
            naam: input.naam,
            provincie: input.provincie,
            begindatum: input.begindatum.map(|d| d.0),
            einddatum: input.einddatum.map(|d| d.0),
            versie: input.versie,
        };
        let gemeente = gemeente::correct_gemeente(&db(ctx)?, &caller.naam, command).await?;
        Ok(GemeentePayload { gemeente: Gemeente(gemeente) })
    }

    /// Registers a herindeling: ends the abolished municipalities the day before its date, links
    /// them to their successors, ends their running deelnames, and reports the affected fusies.
    async fn registreer_herindeling(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The herindeling.")] input: RegistreerHerindelingInput,
    ) -> Result<RegistreerHerindelingPayload, AppError> {
        let caller = require(ctx, TokenRol::Editor)?;
        let datum = input.datum.0;
        let nieuwe_gemeenten = input
            .nieuwe_gemeenten
            .into_iter()
            .map(|g| {
                Ok(NewGemeente {
                    code: CbsCode::parse(&g.code).in_field("code")?,
                    naam: g.naam,
                    provincie: g.provincie,
                    periode: Periode::new(Some(datum), None).in_field("datum")?,
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        let command = NewHerindeling {
            sleutel: input.sleutel.as_deref().map(Sleutel::parse).transpose().in_field("sleutel")?,
            soort: input.soort,
            datum,
            opgeheven: codes("opgeheven", &input.opgeheven)?,
            ontvangend: codes("ontvangend", &input.ontvangend)?,
            nieuw: codes("nieuw", &input.nieuw)?,
            nieuwe_gemeenten,
        };
        let result = herindeling::register_herindeling(&db(ctx)?, &caller.naam, command).await?;
        Ok(RegistreerHerindelingPayload {
            herindeling: Herindeling(result.herindeling),
            beeindigde_deelnames: result.beeindigde_deelnames.into_iter().map(Deelname).collect(),
            getroffen_fusies: result
                .getroffen_fusies
                .into_iter()
                .map(|g| GetroffenFusie {
                    ambtelijke_fusie: AmbtelijkeFusie::from(g.fusie),
                    resterende_gemeenten: g.resterende_gemeenten.into_iter().map(Gemeente).collect(),
                    beeindigd: g.beeindigd,
                })
                .collect(),
        })
    }
}
