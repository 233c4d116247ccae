//! Changes of the registry, as the change log records them.

use std::sync::Arc;

use async_graphql::{Context, ID, Json, Object};

use super::Node;
use crate::domain::{Entiteit, NodeId, WijzigingSoort};
use crate::entity::wijziging;
use crate::error::AppError;
use crate::graphql::context::many;
use crate::graphql::loaders::WijzigingenOf;
use crate::graphql::scalars::DateTime;

pub struct Wijziging(pub Arc<wijziging::Model>);

/// One committed change to the registry. Numbers (`volgnummer`) follow commit order without gaps,
/// so a client that has seen number n has seen everything before it.
#[Object]
impl Wijziging {
    /// Position in the change log: strictly increasing in commit order, without gaps.
    async fn volgnummer(&self) -> i64 {
        self.0.volgnummer
    }

    /// What the change did.
    async fn soort(&self) -> WijzigingSoort {
        self.0.soort
    }

    /// Type of the changed record, e.g. `AmbtelijkeFusie` or `Deelname`.
    async fn entiteit(&self) -> Entiteit {
        self.0.entiteit
    }

    /// Global ID of the changed record.
    async fn entiteit_id(&self) -> ID {
        ID(self.0.entiteit_id.clone())
    }

    /// When the change was committed.
    async fn tijdstip(&self) -> DateTime {
        DateTime(self.0.tijdstip)
    }

    /// Name of the API token that made the change.
    async fn door(&self) -> &str {
        &self.0.door
    }

    /// Whether the change corrects what the register knew (a wrong name or date, a record that
    /// should never have existed) rather than records something that happened in the world.
    async fn correctie(&self) -> bool {
        self.0.correctie
    }

    /// The record as stored right after this change, one JSON object of its columns (foreign
    /// keys are internal row numbers; `entiteitId` names the record). Null after a deletion, and
    /// for changes logged before the registry kept these states.
    async fn gegevens(&self) -> Option<Json<serde_json::Value>> {
        let text = self.0.gegevens.as_deref()?;
        serde_json::from_str(text).ok().map(Json)
    }

    /// The changed record as it is now; null when it has been deleted since.
    async fn node(&self, ctx: &Context<'_>) -> Result<Option<Node>, AppError> {
        match NodeId::decode(&self.0.entiteit_id) {
            Ok(id) => super::node::find(ctx, id).await,
            Err(_) => Ok(None),
        }
    }
}

/// The logged changes of the record `id`, oldest first (the field `geschiedenis` of records).
///
/// # Errors
/// The loader's error.
pub async fn history_of(ctx: &Context<'_>, id: &NodeId) -> Result<Vec<Wijziging>, AppError> {
    let rows: Vec<wijziging::Model> = many(ctx, WijzigingenOf(id.encode())).await?;
    Ok(rows.into_iter().map(|row| Wijziging(Arc::new(row))).collect())
}
