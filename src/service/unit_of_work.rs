//! One write of the registry (a unit of work): one transaction, its change log, one commit.
//!
//! Every write starts by updating the single `register_teller` row. That takes PostgreSQL's row
//! lock and SQLite's write lock, so writers run one after the other: the rules are checked
//! against a state no one else is changing (two requests adding overlapping memberships cannot
//! both pass), and change numbers are handed out and committed in the same order, without gaps.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, DatabaseConnection, DatabaseTransaction, TransactionTrait};

use crate::db::lost_connection::retried;
use crate::domain::{NodeId, WijzigingSoort};
use crate::entity::wijziging;
use crate::error::AppError;
use crate::store;

/// Takes the registry's write lock for the rest of `txn` by touching the `register_teller` row:
/// PostgreSQL's row lock, SQLite's write lock. Everything that writes the registry takes it.
///
/// # Errors
/// A database error.
pub async fn take_write_lock(txn: &DatabaseTransaction) -> Result<(), AppError> {
    store::register_teller::lock(txn).await?;
    Ok(())
}

/// A transaction that writes registry records and logs each change.
pub struct UnitOfWork {
    txn: DatabaseTransaction,
    door: String,
    /// Whether the changes correct what the register knew rather than record events.
    correctie: bool,
    volgnummer: i64,
    logged: Vec<i64>,
    /// An open savepoint for one step (e.g. one row of an import) and the log as it was before it.
    step: Option<(DatabaseTransaction, i64, usize)>,
}

impl UnitOfWork {
    /// Opens the transaction and takes the registry's write lock, for changes that record what
    /// happened in the world (a municipality registered, a fusie ended).
    ///
    /// # Errors
    /// A database error.
    pub async fn begin(db: &DatabaseConnection, door: &str) -> Result<Self, AppError> {
        Self::open(db, door, false).await
    }

    /// The same for changes that correct what the register knew (a wrong name, a record that
    /// should never have existed): the log marks each of them as a correction.
    ///
    /// # Errors
    /// A database error.
    pub async fn begin_correction(db: &DatabaseConnection, door: &str) -> Result<Self, AppError> {
        Self::open(db, door, true).await
    }

    async fn open(db: &DatabaseConnection, door: &str, correctie: bool) -> Result<Self, AppError> {
        // Nothing has happened before the transaction begins: safe to begin again on another
        // connection when the first turns out closed.
        let txn = retried(|| db.begin()).await?;
        take_write_lock(&txn).await?;
        let volgnummer = store::register_teller::last_volgnummer(&txn)
            .await?
            .ok_or_else(|| AppError::Internal("register_teller has no row".to_owned()))?;
        Ok(Self { txn, door: door.to_owned(), correctie, volgnummer, logged: Vec::new(), step: None })
    }

    /// The transaction, for reads and writes of the use-case: the open step's savepoint if
    /// there is one.
    pub fn txn(&self) -> &DatabaseTransaction {
        self.step.as_ref().map_or(&self.txn, |(savepoint, _, _)| savepoint)
    }

    /// Opens a step that can be undone on its own (a savepoint), e.g. one row of an import, so
    /// that a failed row leaves no trace for the rows after it.
    ///
    /// # Errors
    /// A database error, or a step that is already open.
    pub async fn begin_step(&mut self) -> Result<(), AppError> {
        if self.step.is_some() {
            return Err(AppError::Internal("a step is already open".to_owned()));
        }
        let savepoint = self.txn.begin().await?;
        self.step = Some((savepoint, self.volgnummer, self.logged.len()));
        Ok(())
    }

    /// Keeps the open step's writes (they commit or roll back with the whole transaction).
    ///
    /// # Errors
    /// A database error.
    pub async fn keep_step(&mut self) -> Result<(), AppError> {
        if let Some((savepoint, _, _)) = self.step.take() {
            savepoint.commit().await?;
        }
        Ok(())
    }

    /// Undoes the open step's writes and its change numbers.
    ///
    /// # Errors
    /// A database error.
    pub async fn undo_step(&mut self) -> Result<(), AppError> {
        if let Some((savepoint, volgnummer, logged)) = self.step.take() {
            savepoint.rollback().await?;
            self.volgnummer = volgnummer;
            self.logged.truncate(logged);
        }
        Ok(())
    }

    /// Records one change of the record `id`, made just before in this unit of work; the log's
    /// `entiteit` is the ID's type, and its `gegevens` the record's row as it is now (none after
    /// a deletion), so the log keeps every state the record has had.
    ///
    /// # Errors
    /// A database error.
    pub async fn record(&mut self, soort: WijzigingSoort, id: &NodeId) -> Result<i64, AppError> {
        let gegevens = store::snapshot::of(self.txn(), id).await?.map(|row| row.to_string());
        self.volgnummer += 1;
        let row = wijziging::ActiveModel {
            volgnummer: Set(self.volgnummer),
            tijdstip: Set(Utc::now()),
            soort: Set(soort),
            entiteit: Set(id.entiteit()),
            entiteit_id: Set(id.encode()),
            door: Set(self.door.clone()),
            gegevens: Set(gegevens),
            correctie: Set(self.correctie),
        };
        store::wijziging::insert(self.txn(), row).await?;
        self.logged.push(self.volgnummer);
        Ok(self.volgnummer)
    }

    /// Records that the records of `snapshots` were created, one change each, with the given
    /// states (see [`store::snapshot::all`]): how the bundled dataset's load is logged, in a few
    /// statements however many records it holds.
    ///
    /// # Errors
    /// A database error.
    pub async fn record_created(&mut self, snapshots: Vec<(NodeId, serde_json::Value)>) -> Result<(), AppError> {
        let now = Utc::now();
        let mut rows = Vec::with_capacity(snapshots.len());
        for (id, state) in snapshots {
            self.volgnummer += 1;
            self.logged.push(self.volgnummer);
            rows.push(wijziging::ActiveModel {
                volgnummer: Set(self.volgnummer),
                tijdstip: Set(now),
                soort: Set(WijzigingSoort::Aangemaakt),
                entiteit: Set(id.entiteit()),
                entiteit_id: Set(id.encode()),
                door: Set(self.door.clone()),
                gegevens: Set(Some(state.to_string())),
                correctie: Set(self.correctie),
            });
        }
        store::wijziging::insert_all(self.txn(), rows).await?;
        Ok(())
    }

    /// Advances the counter past the logged changes and commits; returns their numbers.
    ///
    /// # Errors
    /// A database error; then nothing was written.
    pub async fn commit(mut self) -> Result<Vec<i64>, AppError> {
        self.keep_step().await?;
        store::register_teller::set_last_volgnummer(&self.txn, self.volgnummer).await?;
        if !self.logged.is_empty() {
            crate::events::notify_in(&self.txn).await?;
        }
        self.txn.commit().await?;
        if !self.logged.is_empty() {
            crate::events::notify_local();
        }
        Ok(self.logged)
    }
}
