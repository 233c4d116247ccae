//! One writing transaction with its change log.
//!
//! Every write starts by updating the single `register_teller` row. That takes PostgreSQL's row
//! lock and SQLite's write lock, so writers run one after the other: the rules are checked
//! against a state no one else is changing (two requests adding overlapping memberships cannot
//! both pass), and change numbers are handed out and committed in the same order, without gaps.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, TransactionTrait,
};

use crate::domain::WijzigingSoort;
use crate::entity::{register_teller, wijziging};
use crate::error::AppError;

/// The row of `register_teller`.
const TELLER: i32 = 1;

/// Takes the registry's write lock for the rest of `txn` by touching the `register_teller` row:
/// PostgreSQL's row lock, SQLite's write lock. Everything that writes the registry takes it.
///
/// # Errors
/// A database error.
pub async fn neem_schrijfslot(txn: &DatabaseTransaction) -> Result<(), AppError> {
    register_teller::Entity::update_many()
        .col_expr(register_teller::Column::LaatsteVolgnummer, Expr::col(register_teller::Column::LaatsteVolgnummer))
        .filter(register_teller::Column::Id.eq(TELLER))
        .exec(txn)
        .await?;
    Ok(())
}

/// A transaction that writes registry records and logs each change.
pub struct Schrijfactie {
    txn: DatabaseTransaction,
    door: String,
    volgnummer: i64,
    gelogd: Vec<i64>,
    /// An open savepoint for one step (e.g. one row of an import) and the log as it was before it.
    stap: Option<(DatabaseTransaction, i64, usize)>,
}

impl Schrijfactie {
    /// Opens the transaction and takes the registry's write lock.
    ///
    /// # Errors
    /// A database error.
    pub async fn begin(db: &DatabaseConnection, door: &str) -> Result<Self, AppError> {
        let txn = db.begin().await?;
        neem_schrijfslot(&txn).await?;
        let teller = register_teller::Entity::find_by_id(TELLER)
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::Internal("register_teller has no row".to_owned()))?;
        Ok(Self { txn, door: door.to_owned(), volgnummer: teller.laatste_volgnummer, gelogd: Vec::new(), stap: None })
    }

    /// The transaction, for reads and writes of the use-case: the open step's savepoint if
    /// there is one.
    pub fn txn(&self) -> &DatabaseTransaction {
        self.stap.as_ref().map_or(&self.txn, |(savepoint, _, _)| savepoint)
    }

    /// Opens a step that can be undone on its own (a savepoint), e.g. one row of an import, so
    /// that a failed row leaves no trace for the rows after it.
    ///
    /// # Errors
    /// A database error, or a step that is already open.
    pub async fn begin_stap(&mut self) -> Result<(), AppError> {
        if self.stap.is_some() {
            return Err(AppError::Internal("a step is already open".to_owned()));
        }
        let savepoint = self.txn.begin().await?;
        self.stap = Some((savepoint, self.volgnummer, self.gelogd.len()));
        Ok(())
    }

    /// Keeps the open step's writes (they commit or roll back with the whole transaction).
    ///
    /// # Errors
    /// A database error.
    pub async fn behoud_stap(&mut self) -> Result<(), AppError> {
        if let Some((savepoint, _, _)) = self.stap.take() {
            savepoint.commit().await?;
        }
        Ok(())
    }

    /// Undoes the open step's writes and its change numbers.
    ///
    /// # Errors
    /// A database error.
    pub async fn herstel_stap(&mut self) -> Result<(), AppError> {
        if let Some((savepoint, volgnummer, gelogd)) = self.stap.take() {
            savepoint.rollback().await?;
            self.volgnummer = volgnummer;
            self.gelogd.truncate(gelogd);
        }
        Ok(())
    }

    /// Records one change of the record `entiteit_id` (a global ID) of type `entiteit`.
    ///
    /// # Errors
    /// A database error.
    pub async fn leg_vast(
        &mut self,
        soort: WijzigingSoort,
        entiteit: &str,
        entiteit_id: String,
    ) -> Result<i64, AppError> {
        self.volgnummer += 1;
        wijziging::Entity::insert(wijziging::ActiveModel {
            volgnummer: Set(self.volgnummer),
            tijdstip: Set(Utc::now()),
            soort: Set(soort),
            entiteit: Set(entiteit.to_owned()),
            entiteit_id: Set(entiteit_id),
            door: Set(self.door.clone()),
            gegevens: Set(None),
        })
        .exec_without_returning(self.txn())
        .await?;
        self.gelogd.push(self.volgnummer);
        Ok(self.volgnummer)
    }

    /// Advances the counter past the logged changes and commits; returns their numbers.
    ///
    /// # Errors
    /// A database error; then nothing was written.
    pub async fn commit(mut self) -> Result<Vec<i64>, AppError> {
        self.behoud_stap().await?;
        register_teller::Entity::update_many()
            .col_expr(register_teller::Column::LaatsteVolgnummer, Expr::value(self.volgnummer))
            .filter(register_teller::Column::Id.eq(TELLER))
            .exec(&self.txn)
            .await?;
        if !self.gelogd.is_empty() {
            crate::events::notify_in(&self.txn).await?;
        }
        self.txn.commit().await?;
        if !self.gelogd.is_empty() {
            crate::events::notify_local();
        }
        Ok(self.gelogd)
    }
}
