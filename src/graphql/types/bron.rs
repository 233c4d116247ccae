//! Sources and their citations.

use async_graphql::{Context, ID, Object};

use super::wijziging::{Wijziging, history_of};
use crate::domain::NodeId;
use crate::entity::{bron, bronvermelding};
use crate::error::AppError;
use crate::graphql::context::{many, several};
use crate::graphql::loaders::{BronId, Db};
use crate::graphql::scalars::Date;

pub struct Bron {
    pub(crate) bron: bron::Model,
    pub(crate) vermelding: Option<bronvermelding::Model>,
}

/// A public source backing a record of the registry, with what it does and does not verify.
#[Object]
impl Bron {
    /// Global ID (Relay).
    pub async fn id(&self) -> ID {
        ID(NodeId::Bron(self.bron.sleutel.clone()).encode())
    }

    /// The record's formal history: every logged change of it, oldest first, with its time, its
    /// author, whether it corrected the register, and the record's state after it. A shipped
    /// record's first change is the bundled dataset's load.
    async fn geschiedenis(&self, ctx: &Context<'_>) -> Result<Vec<Wijziging>, AppError> {
        history_of(ctx, &NodeId::Bron(self.bron.sleutel.clone())).await
    }

    /// Stable key of the source.
    async fn sleutel(&self) -> &str {
        &self.bron.sleutel
    }

    /// Title or description of the source.
    async fn titel(&self) -> &str {
        &self.bron.titel
    }

    /// Publisher or author, where known.
    async fn uitgever(&self) -> Option<&str> {
        self.bron.uitgever.as_deref()
    }

    /// Where the source can be read, where it has an address.
    async fn url(&self) -> Option<&str> {
        self.bron.url.as_deref()
    }

    /// Publication date, where known.
    async fn datum(&self) -> Option<Date> {
        self.bron.datum.map(Date)
    }

    /// Note on the source as a whole.
    async fn opmerking(&self) -> Option<&str> {
        self.bron.opmerking.as_deref()
    }

    /// What this source supports for the record that cites it, or what it leaves unverified.
    /// Null when the source is fetched on its own (through `node`).
    async fn toelichting(&self) -> Option<&str> {
        self.vermelding.as_ref().and_then(|v| v.toelichting.as_deref())
    }
}

/// The sources behind a record, from its citation rows, in one batched load.
///
/// # Errors
/// The loader's error.
pub(crate) async fn bronnen<K>(ctx: &Context<'_>, key: K) -> Result<Vec<Bron>, AppError>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    Db: async_graphql::dataloader::Loader<K, Value = Vec<bronvermelding::Model>, Error = AppError>,
{
    let vermeldingen: Vec<bronvermelding::Model> = many(ctx, key).await?;
    let by_id = several::<BronId>(ctx, vermeldingen.iter().map(|v| BronId(v.bron_id))).await?;
    Ok(vermeldingen
        .into_iter()
        .filter_map(|vermelding| {
            let bron = by_id.get(&BronId(vermelding.bron_id))?.clone();
            Some(Bron { bron, vermelding: Some(vermelding) })
        })
        .collect())
}
