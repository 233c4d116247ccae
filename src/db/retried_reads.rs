//! A connection for reads that are sent again when the database turns out to have closed the
//! pooled connection they went out on (see [`super::lost_connection`]), and that go out on a
//! kept connection when there is one (see [`super::kept_connections`]).

use std::sync::Arc;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, ExecResult, QueryResult, Statement};

use super::kept_connections::KeptConnections;
use super::lost_connection::retried;

/// Called once for every statement sent on a kept connection; the statements sent through the
/// [`DatabaseConnection`] are counted by its own metric callback.
pub type StatementCounter = Arc<dyn Fn() + Send + Sync>;

/// The request's connection for queries. Reads (`query_one`, `query_all`) are repeated on
/// another connection when theirs was closed under them; statements that may write
/// (`execute`) are sent once, because a write that was lost with its connection may have been
/// committed all the same.
#[derive(Clone)]
pub struct RetriedReads {
    conn: DatabaseConnection,
    kept: Option<KeptConnections>,
    count_statement: Option<StatementCounter>,
}

impl std::fmt::Debug for RetriedReads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetriedReads").field("conn", &self.conn).field("kept", &self.kept).finish_non_exhaustive()
    }
}

impl RetriedReads {
    /// Reads of `conn`, each on a connection from its pool.
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn, kept: None, count_statement: None }
    }

    /// Reads of `conn` on the connections of `kept` (the list of `conn`'s own pool), each
    /// one counted by `count_statement`.
    pub fn keeping(
        conn: DatabaseConnection,
        kept: Option<KeptConnections>,
        count_statement: Option<StatementCounter>,
    ) -> Self {
        Self { conn, kept, count_statement }
    }

    fn counted(&self) {
        if let Some(count) = &self.count_statement {
            count();
        }
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for RetriedReads {
    fn get_database_backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.conn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.conn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        match &self.kept {
            Some(kept) => {
                retried(|| {
                    self.counted();
                    kept.query_one(&stmt)
                })
                .await
            }
            None => retried(|| self.conn.query_one_raw(stmt.clone())).await,
        }
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        match &self.kept {
            Some(kept) => {
                retried(|| {
                    self.counted();
                    kept.query_all(&stmt)
                })
                .await
            }
            None => retried(|| self.conn.query_all_raw(stmt.clone())).await,
        }
    }

    fn support_returning(&self) -> bool {
        self.conn.support_returning()
    }
}
