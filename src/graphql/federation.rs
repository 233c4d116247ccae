//! The registry as an Apollo Federation v2 subgraph (`serve --federation`, `schema --federation`).
//!
//! Federation needs entity resolvers (`#[graphql(entity)]`): a gateway sends the keys of the
//! records it wants (`representations`) to `_entities`, and the subgraph answers with the records.
//! async-graphql switches federation on for every schema that has such a resolver anywhere, and
//! then adds `_service`, `_entities` and `@key` to it. Put on [`Query`], the resolvers would
//! therefore change the public schema (`schema.graphql`) too. They live on a root object of their
//! own, [`Entities`], that only the subgraph's query root [`FederatedQuery`] merges in: the plain
//! schema and the subgraph are two schema types, and the server holds one of them (see
//! [`super::Api`]).
//!
//! The keys are `Gemeente.code` and `sleutel` on the two forms of ambtelijke fusie. They are on the
//! object types `Fusieorganisatie` and `Centrumconstructie`, not on the interface
//! `AmbtelijkeFusie`: `_entities` returns the union `_Entity`, whose members must be object types,
//! and an entity interface (`@key` on an interface) would also require every other subgraph to
//! use `@interfaceObject`. A representation of the wrong form is answered with null, as an unknown
//! key is.
//!
//! Every representation loads through the request's DataLoader, and async-graphql resolves the
//! representations of one `_entities` field together, so a hundred of them cost one statement
//! per type, as one does.

use std::borrow::Cow;

use async_graphql::parser::types::Field;
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::{ContainerType, resolve_container};
use async_graphql::{Context, ContextSelectionSet, Object, ObjectType, OutputType, Positioned, ServerResult, Value};

use super::context::one;
use super::loaders::{FusieSleutel, GemeenteCode};
use super::query::Query;
use super::types::{Centrumconstructie, Fusieorganisatie, Gemeente};
use crate::domain::{CbsCode, Vorm};
use crate::entity::ambtelijke_fusie;
use crate::error::AppError;

/// The entity resolvers of the subgraph; merged into the query root of the federated schema only.
pub struct Entities;

#[Object]
impl Entities {
    /// The municipality with this CBS code, for a gateway's `_entities`; null when there is none.
    #[graphql(entity)]
    async fn gemeente_by_code(&self, ctx: &Context<'_>, code: String) -> Result<Option<Gemeente>, AppError> {
        let code = CbsCode::parse(&code).map_err(|e| AppError::bad_input("code", e.to_string()))?;
        Ok(one(ctx, GemeenteCode(code.to_string())).await?.map(Gemeente))
    }

    /// The fusieorganisatie with this key; null when there is none or the fusie has the other form.
    #[graphql(entity)]
    async fn fusieorganisatie_by_sleutel(
        &self,
        ctx: &Context<'_>,
        sleutel: String,
    ) -> Result<Option<Fusieorganisatie>, AppError> {
        Ok(fusie_of_form(ctx, sleutel, Vorm::Fusieorganisatie).await?.map(Fusieorganisatie))
    }

    /// The centrumconstructie with this key; null when there is none or the fusie has the other
    /// form.
    #[graphql(entity)]
    async fn centrumconstructie_by_sleutel(
        &self,
        ctx: &Context<'_>,
        sleutel: String,
    ) -> Result<Option<Centrumconstructie>, AppError> {
        Ok(fusie_of_form(ctx, sleutel, Vorm::Centrumconstructie).await?.map(Centrumconstructie))
    }
}

/// The ambtelijke fusie with key `sleutel`, if it exists and has form `vorm`.
async fn fusie_of_form(
    ctx: &Context<'_>,
    sleutel: String,
    vorm: Vorm,
) -> Result<Option<ambtelijke_fusie::Model>, AppError> {
    Ok(one(ctx, FusieSleutel(sleutel)).await?.filter(|row| row.vorm == vorm))
}

/// The query root of the subgraph: the public [`Query`] with the entity resolvers of
/// [`Entities`].
///
/// Written out rather than derived with `MergedObject`, because a merged root needs a GraphQL
/// name of its own, and a gateway and the subgraph's own clients expect `Query`. To the registry
/// this root *is* `Query` (same name, fields and description), and it adds the types and `@key`
/// directives of the entities, so the subgraph's SDL differs from `schema.graphql` only by what
/// federation adds.
pub struct FederatedQuery {
    query: Query,
    entities: Entities,
}

impl FederatedQuery {
    /// The root.
    pub fn new() -> Self {
        Self { query: Query, entities: Entities }
    }
}

impl Default for FederatedQuery {
    fn default() -> Self {
        Self::new()
    }
}

impl OutputType for FederatedQuery {
    fn type_name() -> Cow<'static, str> {
        Query::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        // Registers the entity types with their keys; `Entities` itself has no fields, is
        // reachable from nowhere and is dropped from the schema when it is finished.
        Entities::create_type_info(registry);
        Query::create_type_info(registry)
    }

    async fn resolve(&self, ctx: &ContextSelectionSet<'_>, _field: &Positioned<Field>) -> ServerResult<Value> {
        resolve_container(ctx, self).await
    }
}

impl ContainerType for FederatedQuery {
    async fn resolve_field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        self.query.resolve_field(ctx).await
    }

    async fn find_entity(&self, ctx: &Context<'_>, params: &Value) -> ServerResult<Option<Value>> {
        self.entities.find_entity(ctx, params).await
    }
}

impl ObjectType for FederatedQuery {}
