//! Municipalities and ambtelijke fusies answered without a resolver per field: the answer to a
//! selection that only asks for what `plan.rs` knows (a municipality's columns, its province, its
//! ambtelijke fusies, deelnames and herindelingen, a fusie's columns, deelnames and municipalities,
//! and so on down, as the README's nested query does) is built level by level (`build.rs`) and
//! handed to async-graphql whole.
//!
//! async-graphql resolves every field of an answer as a future of its own, boxed and polled,
//! which was half of the server's CPU per nested request and, at the large scale, a box as large
//! as the type's largest resolver future for every field (bench/RESULTS.md). A built answer loads
//! through the same DataLoaders in the same batches, so its statement count is the resolvers';
//! any selection the plan does not know is left to the resolvers, and a test compares the two
//! answers for the same documents (tests/prebuilt_answers.rs).

mod build;
mod plan;

use std::sync::{Mutex, PoisonError};

use async_graphql::parser::types::Field;
use async_graphql::registry::Registry;
use async_graphql::{Context, ContextSelectionSet, OutputType, Pos, Positioned, ServerResult, Value};

use crate::entity::{ambtelijke_fusie, gemeente};
use crate::graphql::context::loaders;
use crate::graphql::types::{AmbtelijkeFusie, Gemeente};
use plan::Document;

/// A value of `T` whose answer to one field of the document may have been built already.
/// Introspection sees `T`: the schema does not change.
pub struct Prebuilt<T> {
    inner: T,
    /// The field (by its place in the document) the answer was built for, and the answer.
    built: Mutex<Option<(Pos, Value)>>,
}

impl<T> Prebuilt<T> {
    /// `inner`, answered by its resolvers.
    pub fn resolved(inner: T) -> Self {
        Self { inner, built: Mutex::new(None) }
    }

    fn built(inner: T, field: Pos, answer: Value) -> Self {
        Self { inner, built: Mutex::new(Some((field, answer))) }
    }

    /// The built answer, if it was built for `field`; given once.
    fn take_for(&self, field: Pos) -> Option<Value> {
        let mut built = self.built.lock().unwrap_or_else(PoisonError::into_inner);
        match built.take() {
            Some((pos, answer)) if pos == field => Some(answer),
            other => {
                *built = other;
                None
            }
        }
    }
}

impl<T: OutputType> OutputType for Prebuilt<T> {
    fn type_name() -> std::borrow::Cow<'static, str> {
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::qualified_type_name()
    }

    fn introspection_type_name(&self) -> std::borrow::Cow<'static, str> {
        self.inner.introspection_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(&self, ctx: &ContextSelectionSet<'_>, field: &Positioned<Field>) -> ServerResult<Value> {
        match self.take_for(field.pos) {
            Some(answer) => Ok(answer),
            None => self.inner.resolve(ctx, field).await,
        }
    }
}

/// In a request's data: build nothing, let every field be answered by its resolver. For
/// comparing the two ways of answering.
pub struct ResolveEveryField;

/// The municipality `row` as the answer of the field being resolved (a lookup).
pub async fn gemeente(ctx: &Context<'_>, row: gemeente::Model) -> Prebuilt<Gemeente> {
    let field = ctx.item;
    match gemeente_answers(ctx, std::slice::from_ref(&row), field).await.and_then(|mut answers| answers.pop()) {
        Some(answer) => Prebuilt::built(Gemeente(row), field.pos, answer),
        None => Prebuilt::resolved(Gemeente(row)),
    }
}

/// The municipalities `rows` as the nodes of the connection field being resolved
/// (`edges { node { … } }`).
pub async fn gemeente_nodes(ctx: &Context<'_>, rows: Vec<gemeente::Model>) -> Vec<Prebuilt<Gemeente>> {
    let answers = match node_field(ctx, &["GemeenteConnection"], &["GemeenteEdge"]) {
        Some(node) => gemeente_answers(ctx, &rows, node).await.map(|answers| (node.pos, answers)),
        None => None,
    };
    match answers {
        Some((node, answers)) if answers.len() == rows.len() => {
            rows.into_iter().zip(answers).map(|(row, answer)| Prebuilt::built(Gemeente(row), node, answer)).collect()
        }
        _ => rows.into_iter().map(|row| Prebuilt::resolved(Gemeente(row))).collect(),
    }
}

/// The ambtelijke fusies `rows` as the nodes of the connection field being resolved.
pub async fn fusie_nodes(ctx: &Context<'_>, rows: Vec<ambtelijke_fusie::Model>) -> Vec<Prebuilt<AmbtelijkeFusie>> {
    let answers = match node_field(ctx, &["AmbtelijkeFusieConnection"], &["AmbtelijkeFusieEdge"]) {
        Some(node) => fusie_answers(ctx, &rows, node).await.map(|answers| (node.pos, answers)),
        None => None,
    };
    match answers {
        Some((node, answers)) if answers.len() == rows.len() => rows
            .into_iter()
            .zip(answers)
            .map(|(row, answer)| Prebuilt::built(AmbtelijkeFusie::from(row), node, answer))
            .collect(),
        _ => rows.into_iter().map(|row| Prebuilt::resolved(AmbtelijkeFusie::from(row))).collect(),
    }
}

/// The answers of the municipalities `rows` to the selection of `field`, when it can be planned
/// and built.
async fn gemeente_answers(
    ctx: &Context<'_>,
    rows: &[gemeente::Model],
    field: &Positioned<Field>,
) -> Option<Vec<Value>> {
    if !building(ctx) {
        return None;
    }
    let plan = Document::of(ctx).gemeente(&field.node.selection_set.node)?;
    finished(ctx, build::gemeente_objects(ctx, rows, &plan).await)
}

/// The answers of the fusies `rows` to the selection of `field`, when it can be planned and built.
async fn fusie_answers(
    ctx: &Context<'_>,
    rows: &[ambtelijke_fusie::Model],
    field: &Positioned<Field>,
) -> Option<Vec<Value>> {
    if !building(ctx) {
        return None;
    }
    let plan = Document::of(ctx).fusie(&field.node.selection_set.node)?;
    finished(ctx, build::fusie_objects(ctx, rows, &plan).await)
}

/// Whether this request builds answers (not when it asked for [`ResolveEveryField`]).
fn building(ctx: &Context<'_>) -> bool {
    ctx.data_opt::<ResolveEveryField>().is_none()
}

/// Built answers, counted in the request's report; `None` after an error.
fn finished(ctx: &Context<'_>, built: Result<Vec<Value>, crate::error::AppError>) -> Option<Vec<Value>> {
    match built {
        Ok(answers) => {
            if let Ok(loaders) = loaders(ctx) {
                loaders.loader().report().count_prebuilt(answers.len());
            }
            Some(answers)
        }
        Err(err) => {
            // The resolvers load the same rows again (most from the DataLoader's cache) and
            // answer with the error where it belongs.
            tracing::debug!(error = %err.detail(), "answer not built; resolving it field by field");
            None
        }
    }
}

/// The one `node` field below the `edges` of the connection field being resolved; `None` when
/// there is none, or several with different selections.
fn node_field<'a>(ctx: &Context<'a>, connection: &[&str], edge: &[&str]) -> Option<&'a Positioned<Field>> {
    let document = Document::of(ctx);
    let mut node: Option<&'a Positioned<Field>> = None;
    for (_, edges) in document.fields(&ctx.item.node.selection_set.node, connection)? {
        if edges.node.name.node != "edges" {
            continue;
        }
        for (_, field) in document.fields(&edges.node.selection_set.node, edge)? {
            if field.node.name.node != "node" {
                continue;
            }
            if node.is_some_and(|seen| seen.pos != field.pos) {
                return None;
            }
            node = Some(field);
        }
    }
    node
}
