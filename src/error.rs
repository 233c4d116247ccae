//! One error type for the whole server, each variant with a stable `extensions.code`.
//!
//! `AppError` deliberately does not implement `Display`: async-graphql turns every `Display` type
//! into a client-visible message, and a database error must never reach a client. The only way
//! into a GraphQL error is [`From<AppError> for async_graphql::Error`], which logs internal
//! errors with their context and shows the client "internal error".

use std::sync::Arc;

use async_graphql::ErrorExtensions;
use sea_orm::{DbErr, SqlErr};

/// Every failure a request or command can meet.
#[derive(Debug, Clone)]
pub enum AppError {
    /// The input breaks a rule or has the wrong form; `field` names the input at fault.
    BadInput { field: String, message: String },
    /// The requested record does not exist.
    NotFound { field: String, message: String },
    /// The input conflicts with the registry's current state (duplicate key, overlap, stale version).
    Conflict { field: String, message: String },
    /// A write without a valid token.
    Unauthenticated,
    /// A valid token whose role does not allow the operation.
    Forbidden { message: String },
    /// The database cannot be reached now, or has no free connection within the acquire
    /// timeout: the client may try again shortly. Logged; the cause is never shown.
    Unavailable(Arc<DbErr>),
    /// A database failure; logged, never shown.
    Database(Arc<DbErr>),
    /// Any other failure the client cannot fix; logged, never shown.
    Internal(String),
}

impl AppError {
    /// A `BAD_USER_INPUT` error for `field`.
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadInput { field: field.into(), message: message.into() }
    }

    /// A `NOT_FOUND` error for `field`.
    pub fn not_found(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::NotFound { field: field.into(), message: message.into() }
    }

    /// A `CONFLICT` error for `field`.
    pub fn conflict(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Conflict { field: field.into(), message: message.into() }
    }

    /// The stable code clients match on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadInput { .. } => "BAD_USER_INPUT",
            Self::NotFound { .. } => "NOT_FOUND",
            Self::Conflict { .. } => "CONFLICT",
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden { .. } => "FORBIDDEN",
            Self::Unavailable(_) => "SERVICE_UNAVAILABLE",
            Self::Database(_) | Self::Internal(_) => "INTERNAL_SERVER_ERROR",
        }
    }

    /// The message safe to show a client (and an operator at the command line).
    pub fn public_message(&self) -> String {
        match self {
            Self::BadInput { message, .. } | Self::NotFound { message, .. } | Self::Conflict { message, .. } => {
                message.clone()
            }
            Self::Unauthenticated => "a valid API token is required: send 'Authorization: Bearer <token>'".to_owned(),
            Self::Forbidden { message } => message.clone(),
            Self::Unavailable(_) => "the database is unavailable; try again shortly".to_owned(),
            Self::Database(_) | Self::Internal(_) => "internal error".to_owned(),
        }
    }

    /// The input field at fault, where there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::BadInput { field, .. } | Self::NotFound { field, .. } | Self::Conflict { field, .. } => {
                Some(field.as_str())
            }
            _ => None,
        }
    }

    /// A full description for logs and the command line, including internal details.
    pub fn detail(&self) -> String {
        match self {
            Self::Database(err) => format!("database error: {err}"),
            Self::Unavailable(err) => format!("database unavailable: {err}"),
            Self::Internal(message) => format!("internal error: {message}"),
            other => format!("{}: {}", other.code(), other.public_message()),
        }
    }
}

/// Names the input field at fault when a value from a client or a file does not parse into its
/// domain type: `Sleutel::parse(&input.sleutel).in_field("sleutel")?`.
pub trait InField<T> {
    /// The value, or `BAD_USER_INPUT` for `field` with the parse error's message.
    ///
    /// # Errors
    /// `BAD_USER_INPUT` naming `field`.
    fn in_field(self, field: &str) -> Result<T, AppError>;
}

impl<T, E: std::fmt::Display> InField<T> for Result<T, E> {
    fn in_field(self, field: &str) -> Result<T, AppError> {
        self.map_err(|err| AppError::bad_input(field, err.to_string()))
    }
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        // A unique or foreign-key violation is the client's conflict, not our failure.
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                Self::conflict("input", "a record with this key already exists")
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
                Self::conflict("input", "the record refers to, or is referred to by, another record")
            }
            _ if is_unavailable(&err) => Self::Unavailable(Arc::new(err)),
            _ => Self::Database(Arc::new(err)),
        }
    }
}

/// Whether an error means "no connection to the database now" rather than a failed statement:
/// no free connection within the acquire timeout (the pool keeps trying to connect meanwhile),
/// a closed pool, or a connection that broke or that the server ended.
fn is_unavailable(err: &DbErr) -> bool {
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(sea_orm::RuntimeErr::SqlxError(sqlx)) | DbErr::Query(sea_orm::RuntimeErr::SqlxError(sqlx))
            if matches!(sqlx.as_ref(), sea_orm::sqlx::Error::PoolTimedOut | sea_orm::sqlx::Error::PoolClosed) =>
        {
            true
        }
        _ => crate::db::lost_connection::is_lost_connection(err),
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        match &err {
            AppError::Database(_) | AppError::Internal(_) => tracing::error!(error = %err.detail(), "request failed"),
            AppError::Unavailable(_) => tracing::warn!(error = %err.detail(), "request failed"),
            _ => {}
        }
        let field = err.field().map(str::to_owned);
        async_graphql::Error::new(err.public_message()).extend_with(|_, extensions| {
            extensions.set("code", err.code());
            if let Some(field) = field {
                extensions.set("field", field);
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_text_never_reaches_the_client() {
        let err = AppError::from(DbErr::Custom("relation \"gemeente\" does not exist".to_owned()));
        let gql = async_graphql::Error::from(err);
        assert_eq!(gql.message, "internal error");
        let code = gql.extensions.as_ref().and_then(|e| e.get("code")).cloned();
        assert_eq!(code, Some(async_graphql::Value::from("INTERNAL_SERVER_ERROR")));
    }

    #[test]
    fn an_unreachable_database_is_unavailable_without_its_text() {
        let err = AppError::from(DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout));
        assert_eq!(err.code(), "SERVICE_UNAVAILABLE");
        let gql = async_graphql::Error::from(err);
        assert_eq!(gql.message, "the database is unavailable; try again shortly");
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "10.0.0.7:5432 refused");
        let broken = DbErr::Query(sea_orm::RuntimeErr::SqlxError(Arc::new(sea_orm::sqlx::Error::Io(io))));
        assert_eq!(AppError::from(broken).code(), "SERVICE_UNAVAILABLE");
        let failed = DbErr::Query(sea_orm::RuntimeErr::Internal("syntax error".to_owned()));
        assert_eq!(AppError::from(failed).code(), "INTERNAL_SERVER_ERROR");
    }

    #[test]
    fn user_errors_carry_code_and_field() {
        let gql = async_graphql::Error::from(AppError::bad_input("code", "not a CBS code"));
        let extensions = gql.extensions.unwrap_or_default();
        assert_eq!(extensions.get("code"), Some(&async_graphql::Value::from("BAD_USER_INPUT")));
        assert_eq!(extensions.get("field"), Some(&async_graphql::Value::from("code")));
    }
}
