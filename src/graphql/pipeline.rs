//! The one extension of the schema: what happens to every request around async-graphql's own
//! steps. Before parsing, the query guard; then fresh DataLoaders; after parsing, the field
//! order of the answer; errors of every step coded; the operation run in batch rounds.
//!
//! One extension, not one per job: async-graphql wraps the resolution of every field of an
//! answer in a boxed future per extension, whether or not the extension looks at fields. With
//! four extensions a large answer spent about a third of its memory on those frames.

use std::any::TypeId;
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextPrepareRequest, NextRequest,
    NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Request, Response, ServerError, ServerResult, ValidationResult, Variables};
use sea_orm::DatabaseConnection;

use super::batching::BatchQueue;
use super::context::{fresh_loaders, run_until_idle};
use super::error_codes::{code_parse_error, code_response, code_validation_errors};
use super::field_order::FieldOrders;
use super::guard::{QueryGuard, SelectedOperation};

/// Tells the caller of `Schema::execute` which operation its request ran, as the guard found it
/// while checking the document (so the caller need not parse the query again): put an
/// `Arc<OperationSeen>` in the request's data, and read it after execution.
#[derive(Debug, Default)]
pub struct OperationSeen(Mutex<Option<SelectedOperation>>);

impl OperationSeen {
    /// The operation, if the document parsed and selected one.
    pub fn get(&self) -> Option<SelectedOperation> {
        self.0.lock().ok().and_then(|seen| seen.clone())
    }

    fn set(&self, operation: SelectedOperation) {
        if let Ok(mut seen) = self.0.lock() {
            *seen = Some(operation);
        }
    }
}

/// The extension factory; the schema's only extension.
pub struct Pipeline {
    guard: Arc<QueryGuard>,
    db: DatabaseConnection,
}

impl Pipeline {
    /// The pipeline with `guard` in front, loading from `db`.
    pub fn new(guard: QueryGuard, db: DatabaseConnection) -> Self {
        Self { guard: Arc::new(guard), db }
    }
}

impl ExtensionFactory for Pipeline {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequestPipeline {
            guard: self.guard.clone(),
            db: self.db.clone(),
            queue: BatchQueue::default(),
            orders: Mutex::new(FieldOrders::default()),
        })
    }
}

/// Made by the factory for each request, so its batch queue and field orders are that
/// request's alone.
struct RequestPipeline {
    guard: Arc<QueryGuard>,
    db: DatabaseConnection,
    queue: BatchQueue,
    orders: Mutex<FieldOrders>,
}

#[async_graphql::async_trait::async_trait]
impl Extension for RequestPipeline {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        code_response(&mut response);
        response
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let selected = self.guard.check(&mut request)?;
        let seen = request
            .data
            .get(&TypeId::of::<Arc<OperationSeen>>())
            .and_then(|data| data.downcast_ref::<Arc<OperationSeen>>());
        if let (Some(seen), Some(selected)) = (seen, selected) {
            seen.set(selected);
        }
        let loaders = fresh_loaders(&self.db, &self.queue);
        next.run(ctx, request.data(loaders).data(self.queue.clone())).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await.map_err(|mut err| {
            code_parse_error(&mut err);
            err
        })?;
        if let Ok(mut orders) = self.orders.lock() {
            *orders = FieldOrders::of(&document);
        }
        Ok(document)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|mut errors| {
            code_validation_errors(&mut errors);
            errors
        })
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = run_until_idle(next.run(ctx, operation_name), self.queue.clone()).await;
        if let Ok(orders) = self.orders.lock() {
            orders.apply(operation_name, &mut response.data);
        }
        response
    }
}
