//! Herindelingen: municipal reorganisations.

use std::collections::BTreeSet;

use async_graphql::{Context, ID, Object};

use super::bron::{Bron, bronnen};
use super::gemeente::Gemeente;
use super::wijziging::{Wijziging, history_of};
use crate::domain::NodeId;
use crate::domain::{HerindelingRol, HerindelingSoort};
use crate::entity::{herindeling, herindeling_gemeente};
use crate::error::AppError;
use crate::graphql::context::{many, several};
use crate::graphql::loaders::{BronnenOfHerindeling, GemeenteId, GemeentenOfHerindeling};
use crate::graphql::scalars::Date;

pub struct Herindeling(pub herindeling::Model);

impl Herindeling {
    async fn with_rol(&self, ctx: &Context<'_>, rol: HerindelingRol) -> Result<Vec<Gemeente>, AppError> {
        let links: Vec<herindeling_gemeente::Model> = many(ctx, GemeentenOfHerindeling(self.0.id)).await?;
        let ids: BTreeSet<i32> = links.iter().filter(|l| l.rol == rol).map(|l| l.gemeente_id).collect();
        let mut gemeenten: Vec<_> = several(ctx, ids.into_iter().map(GemeenteId)).await?.into_values().collect();
        gemeenten.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(gemeenten.into_iter().map(Gemeente).collect())
    }
}

/// A herindeling: on one date municipalities are abolished, and merged into a new municipality
/// or absorbed into existing ones. The abolished ones end the day before.
#[Object]
impl Herindeling {
    /// Global ID (Relay), derived from the key.
    pub async fn id(&self) -> ID {
        ID(NodeId::Herindeling(self.0.sleutel.clone()).encode())
    }

    /// The record's formal history: every logged change of it, oldest first, with its time, its
    /// author, whether it corrected the register, and the record's state after it. A shipped
    /// record's first change is the bundled dataset's load.
    async fn geschiedenis(&self, ctx: &Context<'_>) -> Result<Vec<Wijziging>, AppError> {
        history_of(ctx, &NodeId::Herindeling(self.0.sleutel.clone())).await
    }

    /// Stable key: the date and the name of the new or receiving municipality.
    async fn sleutel(&self) -> &str {
        &self.0.sleutel
    }

    /// Kind, as the TOOI register types it.
    async fn soort(&self) -> HerindelingSoort {
        self.0.soort
    }

    /// The date it takes effect; abolished municipalities end the day before.
    async fn datum(&self) -> Date {
        Date(self.0.datum)
    }

    /// Municipalities abolished, ordered by CBS code.
    async fn opgeheven(&self, ctx: &Context<'_>) -> Result<Vec<Gemeente>, AppError> {
        self.with_rol(ctx, HerindelingRol::Opgeheven).await
    }

    /// Existing municipalities that absorb territory and continue, ordered by CBS code.
    async fn ontvangend(&self, ctx: &Context<'_>) -> Result<Vec<Gemeente>, AppError> {
        self.with_rol(ctx, HerindelingRol::Ontvangend).await
    }

    /// Municipalities created, ordered by CBS code.
    async fn nieuw(&self, ctx: &Context<'_>) -> Result<Vec<Gemeente>, AppError> {
        self.with_rol(ctx, HerindelingRol::Nieuw).await
    }

    /// Identifier of the change in the government's TOOI register.
    async fn tooi_uri(&self) -> Option<&str> {
        self.0.tooi_uri.as_deref()
    }

    /// Note on this record.
    async fn opmerking(&self) -> Option<&str> {
        self.0.opmerking.as_deref()
    }

    /// Public sources backing this record.
    async fn bronnen(&self, ctx: &Context<'_>) -> Result<Vec<Bron>, AppError> {
        bronnen(ctx, BronnenOfHerindeling(self.0.id)).await
    }
}
