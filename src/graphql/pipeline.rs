//! The one extension of the schema: what happens to every request around async-graphql's own
//! steps. Before parsing, the query guard; then the request's database (a replica for a query,
//! the primary otherwise), counted per statement, and fresh DataLoaders over it; after parsing,
//! the field order of the answer; errors of every step coded; the operation run in batch rounds.
//!
//! One extension, not one per job: async-graphql wraps the resolution of every field of an
//! answer in a boxed future per extension, whether or not the extension looks at fields. With
//! four extensions a large answer spent about a third of its memory on those frames.

use std::any::TypeId;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextPrepareRequest, NextRequest,
    NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::parser::types::OperationType;
use async_graphql::{Request, Response, ServerError, ServerResult, ValidationResult, Variables};

use super::batching::BatchQueue;
use sea_orm::DatabaseConnection;

use super::context::{MomentViews, fresh_loaders, run_until_idle};
use super::error_codes::{code_parse_error, code_response, code_validation_errors};
use super::field_order::FieldOrders;
use super::guard::{QueryGuard, SelectedOperation};
use crate::db::Databases;

/// What the caller of `Schema::execute` learns about its request, without parsing the query
/// again: the operation it ran (as the guard found it), the SQL statements and DataLoader batches
/// it cost, and the state of the registry its answer reflects. It also carries the caller's
/// wish for a minimum state. Put an `Arc<RequestReport>` in the request's data and read it after
/// execution; a request without one gets a report of its own that nobody reads.
#[derive(Debug, Default)]
pub struct RequestReport {
    operation: Mutex<Option<SelectedOperation>>,
    min_volgnummer: Option<i64>,
    volgnummer: Mutex<Option<i64>>,
    statements: AtomicU64,
    batches: AtomicU64,
}

impl RequestReport {
    /// A report for a request that wants to see at least the state `min_volgnummer`.
    pub fn wanting(min_volgnummer: Option<i64>) -> Self {
        Self { min_volgnummer, ..Self::default() }
    }

    /// The operation, if the document parsed and selected one.
    pub fn operation(&self) -> Option<SelectedOperation> {
        self.operation.lock().ok().and_then(|seen| seen.clone())
    }

    /// The newest `volgnummer` the answer is known to reflect, when it was read: for a query
    /// when it read from a replica or asked for a minimum state.
    pub fn volgnummer(&self) -> Option<i64> {
        self.volgnummer.lock().ok().and_then(|v| *v)
    }

    /// SQL statements the request sent (a transaction's `BEGIN` and `COMMIT` not counted).
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// DataLoader batches the request ran.
    pub fn batches(&self) -> u64 {
        self.batches.load(Ordering::Relaxed)
    }

    /// Counts one DataLoader batch.
    pub fn count_batch(&self) {
        self.batches.fetch_add(1, Ordering::Relaxed);
    }

    fn count_statement(&self) {
        self.statements.fetch_add(1, Ordering::Relaxed);
    }

    fn set_operation(&self, operation: SelectedOperation) {
        if let Ok(mut seen) = self.operation.lock() {
            *seen = Some(operation);
        }
    }

    fn set_volgnummer(&self, volgnummer: Option<i64>) {
        if let Ok(mut v) = self.volgnummer.lock() {
            *v = volgnummer;
        }
    }
}

/// `conn` as this request's own clone: its callback counts the request's statements, and those
/// of the transactions begun on it, and nobody else's.
pub(super) fn counted(mut conn: DatabaseConnection, report: &Arc<RequestReport>) -> DatabaseConnection {
    let counting = report.clone();
    conn.set_metric_callback(move |_| counting.count_statement());
    conn
}

/// The extension factory; the schema's only extension.
pub struct Pipeline {
    guard: Arc<QueryGuard>,
    databases: Databases,
}

impl Pipeline {
    /// The pipeline with `guard` in front, reading from `databases`.
    pub fn new(guard: QueryGuard, databases: Databases) -> Self {
        Self { guard: Arc::new(guard), databases }
    }
}

impl ExtensionFactory for Pipeline {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequestPipeline {
            guard: self.guard.clone(),
            databases: self.databases.clone(),
            queue: BatchQueue::default(),
            orders: Mutex::new(FieldOrders::default()),
        })
    }
}

/// Made by the factory for each request, so its batch queue and field orders are that
/// request's alone.
struct RequestPipeline {
    guard: Arc<QueryGuard>,
    databases: Databases,
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
        let report = request
            .data
            .get(&TypeId::of::<Arc<RequestReport>>())
            .and_then(|data| data.downcast_ref::<Arc<RequestReport>>())
            .cloned()
            .unwrap_or_default();
        let reads_only = selected.as_ref().is_some_and(|operation| operation.kind == OperationType::Query);
        if let Some(selected) = selected {
            report.set_operation(selected);
        }
        let conn = if reads_only {
            let chosen = self.databases.for_read(report.min_volgnummer).await;
            if chosen.volgnummer.is_some() {
                report.count_statement();
            }
            report.set_volgnummer(chosen.volgnummer);
            chosen.conn
        } else {
            self.databases.primary().clone()
        };
        let conn = counted(conn, &report);
        let loaders = fresh_loaders(&conn, &self.queue, &report);
        let moments = MomentViews::new(self.databases.clone(), self.queue.clone(), report);
        next.run(ctx, request.data(loaders).data(self.queue.clone()).data(conn).data(moments)).await
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
