//! The registry as it was known at a moment (formal history, `bekendOp`).
//!
//! Placeholder interface: every moment answers from the primary until the reconstruction from
//! the change log's snapshots lands.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::Databases;
use crate::error::AppError;
use crate::store;

/// A connection that answers every read as the registry was known at a moment.
pub struct KnownRegistry {
    /// The connection to read from.
    pub conn: DatabaseConnection,
    /// The last change the registry knew of at that moment (0 before any).
    pub volgnummer: i64,
}

impl Databases {
    /// The registry as known at `moment`, or as known now (the primary) without one.
    ///
    /// # Errors
    /// A database error.
    pub async fn known_at(&self, moment: Option<DateTime<Utc>>) -> Result<KnownRegistry, AppError> {
        let _ = moment;
        let volgnummer = store::wijziging::latest(self.primary()).await?;
        Ok(KnownRegistry { conn: self.primary().clone(), volgnummer })
    }
}
