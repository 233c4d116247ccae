//! A connection for reads that are sent again when the database turns out to have closed the
//! pooled connection they went out on (see [`super::lost_connection`]).

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, ExecResult, QueryResult, Statement};

use super::lost_connection::retried;

/// The request's connection for queries. Reads (`query_one`, `query_all`) are repeated on
/// another connection when theirs was closed under them; statements that may write
/// (`execute`) are sent once, because a write that was lost with its connection may have been
/// committed all the same.
#[derive(Clone, Debug)]
pub struct RetriedReads(DatabaseConnection);

impl RetriedReads {
    /// Reads of `conn`.
    pub fn new(conn: DatabaseConnection) -> Self {
        Self(conn)
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for RetriedReads {
    fn get_database_backend(&self) -> DbBackend {
        self.0.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.0.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.0.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        retried(|| self.0.query_one_raw(stmt.clone())).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        retried(|| self.0.query_all_raw(stmt.clone())).await
    }

    fn support_returning(&self) -> bool {
        self.0.support_returning()
    }
}
