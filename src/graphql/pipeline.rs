//! What happens to every request around async-graphql's own steps: first the query guard,
//! which parses the document; then the request's database (a replica for a query, the primary
//! otherwise), counted per statement, with fresh DataLoaders over it; the field order of the
//! answer read from the parsed document; the operation run in batch rounds; every error coded.
//!
//! It wraps the schema ([`Served`]) instead of being a schema extension. With any extension
//! registered, async-graphql 7.2.1 resolves every field of an answer on a slower path (a
//! `ResolveInfo`, a registry lookup and a boxed future per field and extension, two type-name
//! strings per list item), whether or not the extension looks at fields; without one it calls
//! the resolver directly. Measured in bench/RESULTS.md.

use std::any::TypeId;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use async_graphql::parser::types::OperationType;
use async_graphql::{Data, Executor, ObjectType, Request, Response, Schema, ServerError};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use sea_orm::DatabaseConnection;

use super::batching::BatchQueue;
use super::context::{MomentViews, fresh_loaders, run_until_idle};
use super::error_codes::{code_parse_error, code_response};
use super::field_order::FieldOrders;
use super::guard::{QueryGuard, SelectedOperation};
use super::mutation::Mutation;
use super::parsed_documents::ParsedDocuments;
use super::subscription::Subscription;
use crate::db::{Databases, RetriedReads};

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
    prebuilt: AtomicU64,
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

    /// Rows answered without a resolver per field ([`super::prebuilt`]): the municipalities or
    /// fusies at the top of each built answer.
    pub fn prebuilt(&self) -> u64 {
        self.prebuilt.load(Ordering::Relaxed)
    }

    /// Counts `answers` built without a resolver per field.
    pub fn count_prebuilt(&self, answers: usize) {
        self.prebuilt.fetch_add(u64::try_from(answers).unwrap_or(u64::MAX), Ordering::Relaxed);
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

/// A schema with the request pipeline around it: what the server and the tests execute.
pub struct Served<Q> {
    schema: Schema<Q, Mutation, Subscription>,
    pipeline: Arc<Pipeline>,
}

impl<Q> Clone for Served<Q> {
    fn clone(&self) -> Self {
        Self { schema: self.schema.clone(), pipeline: self.pipeline.clone() }
    }
}

/// What every request of one schema shares: the guard, the parsed documents and the databases.
struct Pipeline {
    guard: QueryGuard,
    documents: ParsedDocuments,
    databases: Databases,
}

/// A request made ready to execute: its data in place, its batch queue and its field order.
struct Prepared {
    request: Request,
    operation_name: Option<String>,
    queue: BatchQueue,
    orders: FieldOrders,
    kind: Option<OperationType>,
}

impl<Q: ObjectType + 'static> Served<Q> {
    /// `schema` behind `guard`, reading from `databases`.
    pub(super) fn new(schema: Schema<Q, Mutation, Subscription>, guard: QueryGuard, databases: Databases) -> Self {
        Self { schema, pipeline: Arc::new(Pipeline { guard, documents: ParsedDocuments::default(), databases }) }
    }

    /// The schema's SDL.
    pub fn sdl(&self) -> String {
        self.schema.sdl()
    }

    /// Executes a query or mutation (a subscription is refused: use [`Served::execute_stream`]).
    pub async fn execute(&self, request: impl Into<Request>) -> Response {
        match self.pipeline.prepare(request.into()).await {
            Ok(prepared) => prepared.run_once(|request| self.schema.execute(request)).await,
            Err(errors) => refused(errors),
        }
    }

    /// Executes a subscription as a stream of responses; any other operation as a stream of
    /// one.
    pub fn execute_stream(&self, request: impl Into<Request>) -> BoxStream<'static, Response> {
        self.execute_stream_with_session_data(request.into(), Arc::default())
    }

    fn execute_stream_with_session_data(
        &self,
        request: Request,
        session_data: Arc<Data>,
    ) -> BoxStream<'static, Response> {
        let served = self.clone();
        futures_util::stream::once(async move {
            let prepared = match served.pipeline.prepare(request).await {
                Ok(prepared) => prepared,
                Err(errors) => return futures_util::stream::once(async move { refused(errors) }).boxed(),
            };
            if prepared.kind == Some(OperationType::Subscription) {
                // Each event resolves on its own, its batches started at once (no rounds).
                let Prepared { request, orders, operation_name, .. } = prepared;
                return served
                    .schema
                    .execute_stream_with_session_data(request, session_data)
                    .map(move |response| finished(response, &orders, operation_name.as_deref()))
                    .boxed();
            }
            let response = prepared
                .run_once(|request| async move {
                    let mut responses = served.schema.execute_stream_with_session_data(request, session_data);
                    responses.next().await.unwrap_or_default()
                })
                .await;
            futures_util::stream::once(async move { response }).boxed()
        })
        .flatten()
        .boxed()
    }
}

impl Prepared {
    /// Runs the operation once, in batch rounds, and finishes its answer.
    async fn run_once<F: Future<Output = Response>>(self, execute: impl FnOnce(Request) -> F) -> Response {
        let response = run_until_idle(execute(self.request), self.queue).await;
        finished(response, &self.orders, self.operation_name.as_deref())
    }
}

/// An answer in query order, its errors coded.
fn finished(mut response: Response, orders: &FieldOrders, operation_name: Option<&str>) -> Response {
    orders.apply(operation_name, &mut response.data);
    code_response(&mut response);
    response
}

/// The answer to a request refused before it ran.
fn refused(errors: Vec<ServerError>) -> Response {
    let mut response = Response::from_errors(errors);
    code_response(&mut response);
    response
}

impl<Q: ObjectType + 'static> Executor for Served<Q> {
    async fn execute(&self, request: Request) -> Response {
        Served::execute(self, request).await
    }

    fn execute_stream(&self, request: Request, session_data: Option<Arc<Data>>) -> BoxStream<'static, Response> {
        self.execute_stream_with_session_data(request, session_data.unwrap_or_default())
    }
}

impl Pipeline {
    /// The guard (on the kept parse of the text, if any), then the request's database,
    /// DataLoaders and field order.
    ///
    /// # Errors
    /// The guard's refusal, or the parser's error, coded.
    async fn prepare(&self, mut request: Request) -> Result<Prepared, Vec<ServerError>> {
        let supplied = self.documents.supply(&mut request);
        let selected = self.guard.check(&mut request).map_err(|err| vec![err])?;
        if !supplied && selected.is_some() {
            // It parsed and selects an operation (the guard parsed it once, here it is kept).
            self.documents.keep(&mut request);
        }
        let orders = match request.parsed_query() {
            Ok(document) => FieldOrders::of(document),
            Err(mut err) => {
                code_parse_error(&mut err);
                return Err(vec![err]);
            }
        };
        let report = request
            .data
            .get(&TypeId::of::<Arc<RequestReport>>())
            .and_then(|data| data.downcast_ref::<Arc<RequestReport>>())
            .cloned()
            .unwrap_or_default();
        let kind = selected.as_ref().map(|operation| operation.kind);
        if let Some(selected) = selected {
            report.set_operation(selected);
        }
        let (conn, kept) = if kind == Some(OperationType::Query) {
            let chosen = self.databases.for_read(report.min_volgnummer).await;
            if chosen.volgnummer.is_some() {
                report.count_statement();
            }
            report.set_volgnummer(chosen.volgnummer);
            (chosen.conn, chosen.kept)
        } else {
            (self.databases.primary().clone(), self.databases.primary_kept())
        };
        let queue = BatchQueue::default();
        let conn = counted(conn, &report);
        let counting = report.clone();
        let reads = RetriedReads::keeping(conn.clone(), kept, Some(Arc::new(move || counting.count_statement())));
        let loaders = fresh_loaders(reads.clone(), &queue, &report);
        let moments = MomentViews::new(self.databases.clone(), queue.clone(), report);
        let request = request.data(loaders).data(queue.clone()).data(conn).data(reads).data(moments);
        Ok(Prepared { operation_name: request.operation_name.clone(), request, queue, orders, kind })
    }
}
