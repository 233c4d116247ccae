//! Mutations of ambtelijke fusies and their deelnames.

use async_graphql::{Context, InputObject, Object, SimpleObject};

use super::parse::{codes, periode_from};
use crate::auth::require;
use crate::domain::{CbsCode, Eindreden, NodeId, Rechtsvorm, Reikwijdte, Rol, Sleutel, TokenRol};
use crate::error::{AppError, InField};
use crate::graphql::context::db;
use crate::graphql::scalars::Date;
use crate::graphql::types::{AmbtelijkeFusie, Deelname};
use crate::service::fusie::{
    self, AddDeelname, ChangeAmbtelijkeFusie, DeleteDeelname, EndAmbtelijkeFusie, EndDeelname, NewFusie,
    RegisterCentrumconstructie, RegisterFusieorganisatie,
};

/// A new fusieorganisatie with its deelnemers.
#[derive(InputObject)]
pub struct RegistreerFusieorganisatieInput {
    /// Stable key: lower-case letters, digits and dashes, e.g. `bar`.
    pub sleutel: String,
    /// Name of the organisation.
    pub naam: String,
    /// Abbreviation, if one is in use.
    pub afkorting: Option<String>,
    /// Legal form.
    pub rechtsvorm: Rechtsvorm,
    /// Whole civil service (VOLLEDIG) or some tasks (GEDEELTELIJK).
    pub reikwijdte: Reikwijdte,
    /// First day.
    pub begindatum: Date,
    /// Last day, when already known.
    pub einddatum: Option<Date>,
    /// CBS codes of the participating municipalities (at least two).
    pub deelnemers: Vec<String>,
}

/// A new centrumconstructie with its host and served municipalities.
#[derive(InputObject)]
pub struct RegistreerCentrumconstructieInput {
    /// Stable key: lower-case letters, digits and dashes.
    pub sleutel: String,
    /// Name of the arrangement.
    pub naam: String,
    /// Abbreviation, if one is in use.
    pub afkorting: Option<String>,
    /// Legal form.
    pub rechtsvorm: Rechtsvorm,
    /// Whole civil service (VOLLEDIG, the default) or some tasks (GEDEELTELIJK).
    #[graphql(default_with = "Reikwijdte::Volledig")]
    pub reikwijdte: Reikwijdte,
    /// First day.
    pub begindatum: Date,
    /// Last day, when already known.
    pub einddatum: Option<Date>,
    /// CBS code of the host municipality.
    pub centrumgemeente: String,
    /// CBS codes of the municipalities served (at least one).
    pub afnemers: Vec<String>,
}

/// A municipality joining an existing ambtelijke fusie.
#[derive(InputObject)]
pub struct VoegDeelnameToeInput {
    /// Key of the ambtelijke fusie.
    pub sleutel: String,
    /// CBS code of the municipality.
    pub gemeente: String,
    /// Its role: DEELNEMER in a fusieorganisatie, CENTRUMGEMEENTE or AFNEMER in a centrumconstructie.
    pub rol: Rol,
    /// First day of the participation.
    pub begindatum: Date,
    /// Last day, when already known.
    pub einddatum: Option<Date>,
}

/// A municipality leaving an ambtelijke fusie.
#[derive(InputObject)]
pub struct BeeindigDeelnameInput {
    /// Key of the ambtelijke fusie.
    pub sleutel: String,
    /// CBS code of the municipality.
    pub gemeente: String,
    /// Last day of the participation.
    pub einddatum: Date,
    /// The deelname's `versie` as read; refused with CONFLICT when it changed since.
    pub versie: Option<i32>,
}

/// The end of an ambtelijke fusie.
#[derive(InputObject)]
pub struct BeeindigAmbtelijkeFusieInput {
    /// Key of the ambtelijke fusie.
    pub sleutel: String,
    /// Last day; running deelnames end on the same day.
    pub einddatum: Date,
    /// Why it ended.
    pub eindreden: Eindreden,
    /// Explanation of the end.
    pub toelichting: Option<String>,
    /// The fusie's `versie` as read; refused with CONFLICT when it changed since.
    pub versie: Option<i32>,
}

/// The result of registering an ambtelijke fusie.
#[derive(SimpleObject)]
pub struct AmbtelijkeFusiePayload {
    /// The ambtelijke fusie as stored.
    pub ambtelijke_fusie: AmbtelijkeFusie,
    /// The deelnames created or ended by the change.
    pub deelnames: Vec<Deelname>,
}

/// An ambtelijke fusie to delete (admin only; for records that should never have existed).
#[derive(InputObject)]
pub struct VerwijderAmbtelijkeFusieInput {
    /// Key of the ambtelijke fusie.
    pub sleutel: String,
}

/// A deelname to delete (admin only; for records that should never have existed).
#[derive(InputObject)]
pub struct VerwijderDeelnameInput {
    /// Key of the ambtelijke fusie.
    pub sleutel: String,
    /// CBS code of the municipality.
    pub gemeente: String,
    /// First day of the deelname to delete.
    pub begindatum: Date,
}

/// Changes to an ambtelijke fusie's descriptive attributes; omitted fields stay as they are.
#[derive(InputObject)]
pub struct WijzigAmbtelijkeFusieInput {
    /// Key of the ambtelijke fusie.
    pub sleutel: String,
    /// New name.
    pub naam: Option<String>,
    /// New abbreviation; an empty string removes it.
    pub afkorting: Option<String>,
    /// Corrected legal form.
    pub rechtsvorm: Option<Rechtsvorm>,
    /// The legal form in the words of the sources.
    pub rechtsvorm_omschrijving: Option<String>,
    /// Note on the record.
    pub opmerking: Option<String>,
    /// The fusie's `versie` as read; refused with CONFLICT when it changed since.
    pub versie: Option<i32>,
}

/// The result of a change to an ambtelijke fusie's attributes.
#[derive(SimpleObject)]
pub struct WijzigAmbtelijkeFusiePayload {
    /// The ambtelijke fusie as stored.
    pub ambtelijke_fusie: AmbtelijkeFusie,
}

/// The result of a deletion.
#[derive(SimpleObject)]
pub struct VerwijderPayload {
    /// The global ID of the deleted record.
    pub verwijderd: async_graphql::ID,
}

/// The result of a change to one deelname.
#[derive(SimpleObject)]
pub struct DeelnamePayload {
    /// The deelname as stored.
    pub deelname: Deelname,
}

/// A new fusie's attributes, parsed: the sleutel's form and the period's order are checked here,
/// once, before any use-case runs.
fn new_fusie(
    sleutel: &str,
    naam: String,
    afkorting: Option<String>,
    rechtsvorm: Rechtsvorm,
    reikwijdte: Reikwijdte,
    (begindatum, einddatum): (Date, Option<Date>),
) -> Result<NewFusie, AppError> {
    Ok(NewFusie {
        sleutel: Sleutel::parse(sleutel).in_field("sleutel")?,
        naam,
        afkorting,
        rechtsvorm,
        reikwijdte,
        periode: periode_from(begindatum, einddatum)?,
    })
}

fn payload(
    (fusie, deelnames): (crate::entity::ambtelijke_fusie::Model, Vec<crate::entity::deelname::Model>),
) -> AmbtelijkeFusiePayload {
    AmbtelijkeFusiePayload {
        ambtelijke_fusie: AmbtelijkeFusie::from(fusie),
        deelnames: deelnames.into_iter().map(Deelname).collect(),
    }
}

#[derive(Default)]
pub struct FusieMutation;

/// Changes to ambtelijke fusies and deelnames.
#[Object]
impl FusieMutation {
    /// Registers a fusieorganisatie and its deelnemers from its first day.
    async fn registreer_fusieorganisatie(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new fusieorganisatie.")] input: RegistreerFusieorganisatieInput,
    ) -> Result<AmbtelijkeFusiePayload, AppError> {
        let caller = require(ctx, TokenRol::Editor)?;
        let command = RegisterFusieorganisatie {
            fusie: new_fusie(
                &input.sleutel,
                input.naam,
                input.afkorting,
                input.rechtsvorm,
                input.reikwijdte,
                (input.begindatum, input.einddatum),
            )?,
            deelnemers: codes("deelnemers", &input.deelnemers)?,
        };
        fusie::register_fusieorganisatie(&db(ctx)?, &caller.naam, command).await.map(payload)
    }

    /// Registers a centrumconstructie with its centrumgemeente and afnemers from its first day.
    async fn registreer_centrumconstructie(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new centrumconstructie.")] input: RegistreerCentrumconstructieInput,
    ) -> Result<AmbtelijkeFusiePayload, AppError> {
        let caller = require(ctx, TokenRol::Editor)?;
        let command = RegisterCentrumconstructie {
            fusie: new_fusie(
                &input.sleutel,
                input.naam,
                input.afkorting,
                input.rechtsvorm,
                input.reikwijdte,
                (input.begindatum, input.einddatum),
            )?,
            centrumgemeente: CbsCode::parse(&input.centrumgemeente).in_field("centrumgemeente")?,
            afnemers: codes("afnemers", &input.afnemers)?,
        };
        fusie::register_centrumconstructie(&db(ctx)?, &caller.naam, command).await.map(payload)
    }

    /// Adds a municipality to an ambtelijke fusie.
    async fn voeg_deelname_toe(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new deelname.")] input: VoegDeelnameToeInput,
    ) -> Result<DeelnamePayload, AppError> {
        let caller = require(ctx, TokenRol::Editor)?;
        let command = AddDeelname {
            sleutel: Sleutel::parse(&input.sleutel).in_field("sleutel")?,
            gemeente: CbsCode::parse(&input.gemeente).in_field("gemeente")?,
            rol: input.rol,
            periode: periode_from(input.begindatum, input.einddatum)?,
        };
        let deelname = fusie::add_deelname(&db(ctx)?, &caller.naam, command).await?;
        Ok(DeelnamePayload { deelname: Deelname(deelname) })
    }

    /// Ends a municipality's running deelname in an ambtelijke fusie.
    async fn beeindig_deelname(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which deelname ends, and when.")] input: BeeindigDeelnameInput,
    ) -> Result<DeelnamePayload, AppError> {
        let caller = require(ctx, TokenRol::Editor)?;
        let command = EndDeelname {
            sleutel: Sleutel::parse(&input.sleutel).in_field("sleutel")?,
            gemeente: CbsCode::parse(&input.gemeente).in_field("gemeente")?,
            einddatum: input.einddatum.0,
            versie: input.versie,
        };
        let deelname = fusie::end_deelname(&db(ctx)?, &caller.naam, command).await?;
        Ok(DeelnamePayload { deelname: Deelname(deelname) })
    }

    /// Deletes an ambtelijke fusie with its deelnames and evaluations, to correct a mistake
    /// (admin only). Real fusies are ended, not deleted.
    async fn verwijder_ambtelijke_fusie(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which fusie to delete.")] input: VerwijderAmbtelijkeFusieInput,
    ) -> Result<VerwijderPayload, AppError> {
        let caller = require(ctx, TokenRol::Admin)?;
        let sleutel = Sleutel::parse(&input.sleutel).in_field("sleutel")?;
        fusie::delete_ambtelijke_fusie(&db(ctx)?, &caller.naam, &sleutel).await?;
        Ok(VerwijderPayload { verwijderd: async_graphql::ID(NodeId::AmbtelijkeFusie(sleutel.into_string()).encode()) })
    }

    /// Deletes a deelname, to correct a mistake (admin only). Real departures are ended, not deleted.
    async fn verwijder_deelname(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which deelname to delete.")] input: VerwijderDeelnameInput,
    ) -> Result<VerwijderPayload, AppError> {
        let caller = require(ctx, TokenRol::Admin)?;
        let command = DeleteDeelname {
            sleutel: Sleutel::parse(&input.sleutel).in_field("sleutel")?,
            gemeente: CbsCode::parse(&input.gemeente).in_field("gemeente")?,
            begindatum: input.begindatum.0,
        };
        fusie::delete_deelname(&db(ctx)?, &caller.naam, command.clone()).await?;
        let id = NodeId::Deelname {
            fusie: command.sleutel.into_string(),
            gemeente: command.gemeente.to_string(),
            begindatum: Some(command.begindatum),
        };
        Ok(VerwijderPayload { verwijderd: async_graphql::ID(id.encode()) })
    }

    /// Changes the name, abbreviation, legal form or note of an ambtelijke fusie.
    async fn wijzig_ambtelijke_fusie(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: WijzigAmbtelijkeFusieInput,
    ) -> Result<WijzigAmbtelijkeFusiePayload, AppError> {
        let caller = require(ctx, TokenRol::Editor)?;
        let command = ChangeAmbtelijkeFusie {
            sleutel: Sleutel::parse(&input.sleutel).in_field("sleutel")?,
            naam: input.naam,
            afkorting: input.afkorting,
            rechtsvorm: input.rechtsvorm,
            rechtsvorm_omschrijving: input.rechtsvorm_omschrijving,
            opmerking: input.opmerking,
            versie: input.versie,
        };
        let fusie = fusie::change_ambtelijke_fusie(&db(ctx)?, &caller.naam, command).await?;
        Ok(WijzigAmbtelijkeFusiePayload { ambtelijke_fusie: AmbtelijkeFusie::from(fusie) })
    }

    /// Ends an ambtelijke fusie and all its running deelnames.
    async fn beeindig_ambtelijke_fusie(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which fusie ends, when and why.")] input: BeeindigAmbtelijkeFusieInput,
    ) -> Result<AmbtelijkeFusiePayload, AppError> {
        let caller = require(ctx, TokenRol::Editor)?;
        let command = EndAmbtelijkeFusie {
            sleutel: Sleutel::parse(&input.sleutel).in_field("sleutel")?,
            einddatum: input.einddatum.0,
            eindreden: input.eindreden,
            toelichting: input.toelichting,
            versie: input.versie,
        };
        fusie::end_ambtelijke_fusie(&db(ctx)?, &caller.naam, command).await.map(payload)
    }
}
