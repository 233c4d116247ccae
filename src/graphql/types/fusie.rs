//! Ambtelijke fusies (the `AmbtelijkeFusie` interface with its two forms) and deelnames.

use std::collections::BTreeSet;

use async_graphql::{Context, ID, Interface, Object};

use super::bron::{Bron, bronnen};
use super::gemeente::Gemeente;
use super::onderzoek::Evaluatie;
use super::onzekere_velden;
use super::wijziging::{Wijziging, history_of};
use crate::domain::NodeId;
use crate::domain::{Eindreden, Rechtsvorm, Reikwijdte, Rol, Vorm};
use crate::entity::{ambtelijke_fusie, deelname};
use crate::error::AppError;
use crate::graphql::context::{many, required, several};
use crate::graphql::loaders::{BronnenOfFusie, DeelnamesOfFusie, EvaluatiesOfFusie, FusieId, GemeenteId};
use crate::graphql::scalars::Date;

/// An ambtelijke fusie: municipalities that stay politically independent but pool their civil
/// service, either in a new organisation (`Fusieorganisatie`) or hosted by one of them
/// (`Centrumconstructie`). Partial cooperations are recorded too, with `reikwijdte` GEDEELTELIJK.
// clippy reads the repeated `ty = ...` of the field list below as duplicated attributes.
#[allow(clippy::duplicated_attributes)]
#[derive(Interface)]
#[graphql(
    name = "AmbtelijkeFusie",
    field(name = "id", ty = "ID", desc = "Global ID (Relay), derived from the key."),
    field(name = "sleutel", ty = "String", desc = "Stable key (slug), e.g. `bar`."),
    field(name = "naam", ty = "String", desc = "Name of the organisation or arrangement."),
    field(name = "afkorting", ty = "Option<String>", desc = "Abbreviation, where one is in use."),
    field(name = "vorm", ty = "Vorm", desc = "Form: fusieorganisatie or centrumconstructie."),
    field(name = "rechtsvorm", ty = "Rechtsvorm", desc = "Legal form under the Wgr, or outside it."),
    field(
        name = "rechtsvorm_omschrijving",
        ty = "Option<String>",
        desc = "The legal form in the words of the sources."
    ),
    field(
        name = "reikwijdte",
        ty = "Reikwijdte",
        desc = "Whole civil service (VOLLEDIG) or some tasks (GEDEELTELIJK)."
    ),
    field(name = "begindatum", ty = "Option<Date>", desc = "First day; null when no source gives it."),
    field(name = "einddatum", ty = "Option<Date>", desc = "Last day (inclusive); null while it runs."),
    field(name = "eindreden", ty = "Option<Eindreden>", desc = "Why it ended, once it has."),
    field(name = "eindreden_toelichting", ty = "Option<String>", desc = "Explanation of the end."),
    field(
        name = "tooi_so_id",
        ty = "Option<String>",
        desc = "Identifier of the cooperation in the TOOI register (`so…`)."
    ),
    field(name = "cbs_gr_code", ty = "Option<String>", desc = "CBS code of the gemeenschappelijke regeling (`GR…`)."),
    field(name = "onzekere_velden", ty = "Vec<String>", desc = "Fields whose value the sources do not verify."),
    field(name = "opmerking", ty = "Option<String>", desc = "Note on this record, e.g. what is inferred."),
    field(name = "versie", ty = "i32", desc = "Version for optimistic concurrency; name it when changing the record."),
    field(
        name = "deelnames",
        ty = "Vec<Deelname>",
        desc = "Participations of municipalities, in order of begin date.",
        arg(name = "peildatum", ty = "Option<Date>", desc = "Only participations running on this date.")
    ),
    field(
        name = "gemeenten",
        ty = "Vec<Gemeente>",
        desc = "Participating municipalities (any role), ordered by CBS code.",
        arg(name = "peildatum", ty = "Option<Date>", desc = "Only municipalities taking part on this date.")
    ),
    field(name = "evaluaties", ty = "Vec<Evaluatie>", desc = "Evaluation outcomes about this fusie."),
    field(name = "bronnen", ty = "Vec<Bron>", desc = "Public sources backing this record."),
    field(
        name = "geschiedenis",
        ty = "Vec<Wijziging>",
        desc = "The record's formal history: every logged change of it, oldest first, with time, author, correction or not, and the state after it."
    )
)]
pub enum AmbtelijkeFusie {
    /// A new organisation serving all participants.
    Fusieorganisatie(Fusieorganisatie),
    /// One municipality serving the others.
    Centrumconstructie(Centrumconstructie),
}

impl From<ambtelijke_fusie::Model> for AmbtelijkeFusie {
    fn from(model: ambtelijke_fusie::Model) -> Self {
        match model.vorm {
            Vorm::Fusieorganisatie => Self::Fusieorganisatie(Fusieorganisatie(model)),
            Vorm::Centrumconstructie => Self::Centrumconstructie(Centrumconstructie(model)),
        }
    }
}

/// The deelnames of a fusie, running on `peildatum` when given, in order of begin date.
async fn deelnames_of(
    ctx: &Context<'_>,
    fusie: &ambtelijke_fusie::Model,
    peildatum: Option<Date>,
) -> Result<Vec<deelname::Model>, AppError> {
    let mut rows: Vec<deelname::Model> = many(ctx, DeelnamesOfFusie(fusie.id)).await?;
    if let Some(Date(d)) = peildatum {
        rows.retain(|row| row.runs_on(d));
    }
    rows.sort_by_key(deelname_order);
    Ok(rows)
}

/// The API's order of deelnames: by begin date, an unknown one first, then as entered.
pub(crate) fn deelname_order(row: &deelname::Model) -> (Option<chrono::NaiveDate>, i32) {
    (row.begindatum, row.id)
}

/// The API's order of ambtelijke fusies: by begin date, an unknown one first, then by key.
pub(crate) fn fusie_order(a: &ambtelijke_fusie::Model, b: &ambtelijke_fusie::Model) -> std::cmp::Ordering {
    (a.begindatum, &a.sleutel).cmp(&(b.begindatum, &b.sleutel))
}

/// The municipalities of `rows` with one of `rollen`, each once, ordered by CBS code.
async fn gemeenten_of(ctx: &Context<'_>, rows: &[deelname::Model], rollen: &[Rol]) -> Result<Vec<Gemeente>, AppError> {
    let ids: BTreeSet<i32> = rows.iter().filter(|r| rollen.contains(&r.rol)).map(|r| r.gemeente_id).collect();
    let mut gemeenten: Vec<_> = several(ctx, ids.into_iter().map(GemeenteId)).await?.into_values().collect();
    gemeenten.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(gemeenten.into_iter().map(Gemeente).collect())
}

/// Declares one implementation of `AmbtelijkeFusie` with the interface's fields plus `$extra`.
macro_rules! ambtelijke_fusie_object {
    ($(#[$doc:meta])* $name:ident { $($extra:tt)* }) => {
        pub struct $name(pub ambtelijke_fusie::Model);

        $(#[$doc])*
        #[Object]
        impl $name {
            /// Global ID (Relay), derived from the key.
            pub async fn id(&self) -> ID {
                ID(NodeId::AmbtelijkeFusie(self.0.sleutel.clone()).encode())
            }

            /// Stable key (slug), e.g. `bar`.
            pub async fn sleutel(&self) -> String {
                self.0.sleutel.clone()
            }

            /// Name of the organisation or arrangement.
            pub async fn naam(&self) -> String {
                self.0.naam.clone()
            }

            /// Abbreviation, where one is in use.
            pub async fn afkorting(&self) -> Option<String> {
                self.0.afkorting.clone()
            }

            /// Form: fusieorganisatie or centrumconstructie.
            pub async fn vorm(&self) -> Vorm {
                self.0.vorm
            }

            /// Legal form under the Wgr, or outside it.
            pub async fn rechtsvorm(&self) -> Rechtsvorm {
                self.0.rechtsvorm
            }

            /// The legal form in the words of the sources.
            pub async fn rechtsvorm_omschrijving(&self) -> Option<String> {
                self.0.rechtsvorm_omschrijving.clone()
            }

            /// Whole civil service (VOLLEDIG) or some tasks (GEDEELTELIJK).
            pub async fn reikwijdte(&self) -> Reikwijdte {
                self.0.reikwijdte
            }

            /// First day; null when no source gives it.
            pub async fn begindatum(&self) -> Option<Date> {
                self.0.begindatum.map(Date)
            }

            /// Last day (inclusive); null while it runs.
            pub async fn einddatum(&self) -> Option<Date> {
                self.0.einddatum.map(Date)
            }

            /// Why it ended, once it has.
            pub async fn eindreden(&self) -> Option<Eindreden> {
                self.0.eindreden
            }

            /// Explanation of the end.
            pub async fn eindreden_toelichting(&self) -> Option<String> {
                self.0.eindreden_toelichting.clone()
            }

            /// Identifier of the cooperation in the TOOI register (`so…`).
            pub async fn tooi_so_id(&self) -> Option<String> {
                self.0.tooi_so_id.clone()
            }

            /// CBS code of the gemeenschappelijke regeling (`GR…`).
            pub async fn cbs_gr_code(&self) -> Option<String> {
                self.0.cbs_gr_code.clone()
            }

            /// Fields whose value the sources do not verify.
            pub async fn onzekere_velden(&self) -> Vec<String> {
                onzekere_velden(&self.0.onzekere_velden)
            }

            /// Note on this record, e.g. what is inferred.
            pub async fn opmerking(&self) -> Option<String> {
                self.0.opmerking.clone()
            }

            /// Version for optimistic concurrency; name it when changing the record.
            pub async fn versie(&self) -> i32 {
                self.0.versie
            }

            /// Participations of municipalities, in order of begin date.
            pub async fn deelnames(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "Only participations running on this date.")] peildatum: Option<Date>,
            ) -> Result<Vec<Deelname>, AppError> {
                Ok(deelnames_of(ctx, &self.0, peildatum).await?.into_iter().map(Deelname).collect())
            }

            /// Participating municipalities (any role), ordered by CBS code.
            pub async fn gemeenten(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "Only municipalities taking part on this date.")] peildatum: Option<Date>,
            ) -> Result<Vec<Gemeente>, AppError> {
                let rows = deelnames_of(ctx, &self.0, peildatum).await?;
                gemeenten_of(ctx, &rows, &[Rol::Deelnemer, Rol::Centrumgemeente, Rol::Afnemer]).await
            }

            /// Evaluation outcomes about this fusie.
            pub async fn evaluaties(&self, ctx: &Context<'_>) -> Result<Vec<Evaluatie>, AppError> {
                let rows: Vec<_> = many(ctx, EvaluatiesOfFusie(self.0.id)).await?;
                Ok(rows.into_iter().map(Evaluatie).collect())
            }

            /// Public sources backing this record.
            pub async fn bronnen(&self, ctx: &Context<'_>) -> Result<Vec<Bron>, AppError> {
                bronnen(ctx, BronnenOfFusie(self.0.id)).await
            }

            /// The record's formal history: every logged change of it, oldest first, each with
            /// its time, its author (token name), whether it corrected the register, and the
            /// record's state after it; the state before a change is the previous change's
            /// `gegevens`. A shipped record's first change is the bundled dataset's load (by `dataset`).
            pub async fn geschiedenis(&self, ctx: &Context<'_>) -> Result<Vec<Wijziging>, AppError> {
                history_of(ctx, &NodeId::AmbtelijkeFusie(self.0.sleutel.clone())).await
            }

            $($extra)*
        }
    };
}

ambtelijke_fusie_object! {
    /// A fusieorganisatie (werkorganisatie): a new organisation, usually an openbaar lichaam under
    /// the Wgr, employs the civil servants of all participants and serves them all.
    Fusieorganisatie {}
}

ambtelijke_fusie_object! {
    /// A centrumconstructie (host model): one municipality, the centrumgemeente, provides the civil
    /// service to one or more others (afnemers), by a Wgr centrumregeling or a private-law contract.
    Centrumconstructie {
        /// The host municipality on `peildatum`; without it, the most recent host.
        pub async fn centrumgemeente(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "The host on this date.")] peildatum: Option<Date>,
        ) -> Result<Option<Gemeente>, AppError> {
            let rows = deelnames_of(ctx, &self.0, peildatum).await?;
            match rows.iter().rev().find(|r| r.rol == Rol::Centrumgemeente) {
                Some(row) => Ok(Some(Gemeente(required(ctx, GemeenteId(row.gemeente_id)).await?))),
                None => Ok(None),
            }
        }

        /// The municipalities served, ordered by CBS code.
        pub async fn afnemers(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Only those served on this date.")] peildatum: Option<Date>,
        ) -> Result<Vec<Gemeente>, AppError> {
            let rows = deelnames_of(ctx, &self.0, peildatum).await?;
            gemeenten_of(ctx, &rows, &[Rol::Afnemer]).await
        }
    }
}

pub struct Deelname(pub deelname::Model);

impl Deelname {
    /// The participation's global ID, made of its fusie's key, the CBS code and the begin date.
    async fn node_id(&self, ctx: &Context<'_>) -> Result<NodeId, AppError> {
        let fusie = required(ctx, FusieId(self.0.ambtelijke_fusie_id)).await?;
        let gemeente = required(ctx, GemeenteId(self.0.gemeente_id)).await?;
        Ok(NodeId::Deelname { fusie: fusie.sleutel, gemeente: gemeente.code, begindatum: self.0.begindatum })
    }
}

/// One municipality's participation in one ambtelijke fusie, with its role and period.
#[Object]
impl Deelname {
    /// Global ID (Relay), derived from the fusie's key, the CBS code and the begin date.
    pub async fn id(&self, ctx: &Context<'_>) -> Result<ID, AppError> {
        Ok(ID(self.node_id(ctx).await?.encode()))
    }

    /// The record's formal history: every logged change of it, oldest first, with its time, its
    /// author, whether it corrected the register, and the record's state after it. A shipped
    /// record's first change is the bundled dataset's load.
    async fn geschiedenis(&self, ctx: &Context<'_>) -> Result<Vec<Wijziging>, AppError> {
        history_of(ctx, &self.node_id(ctx).await?).await
    }

    /// The participating municipality.
    async fn gemeente(&self, ctx: &Context<'_>) -> Result<Gemeente, AppError> {
        required(ctx, GemeenteId(self.0.gemeente_id)).await.map(Gemeente)
    }

    /// The ambtelijke fusie taken part in.
    async fn ambtelijke_fusie(&self, ctx: &Context<'_>) -> Result<AmbtelijkeFusie, AppError> {
        required(ctx, FusieId(self.0.ambtelijke_fusie_id)).await.map(AmbtelijkeFusie::from)
    }

    /// Role: DEELNEMER, CENTRUMGEMEENTE or AFNEMER.
    async fn rol(&self) -> Rol {
        self.0.rol
    }

    /// First day of the participation; null when no source gives it.
    async fn begindatum(&self) -> Option<Date> {
        self.0.begindatum.map(Date)
    }

    /// Last day of the participation (inclusive); null while it runs.
    async fn einddatum(&self) -> Option<Date> {
        self.0.einddatum.map(Date)
    }

    /// The tasks covered, when the participation is not the whole civil service.
    async fn taken(&self) -> Option<&str> {
        self.0.taken.as_deref()
    }

    /// Fields whose value the sources do not verify.
    async fn onzekere_velden(&self) -> Vec<String> {
        onzekere_velden(&self.0.onzekere_velden)
    }

    /// Note on this record.
    async fn opmerking(&self) -> Option<&str> {
        self.0.opmerking.as_deref()
    }

    /// Version for optimistic concurrency; name it when changing the record.
    async fn versie(&self) -> i32 {
        self.0.versie
    }
}
