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

/// A transaction that writes registry records and logs each change.
pub struct Schrijfactie {
    txn: DatabaseTransaction,
    door: String,
    volgnummer: i64,
    gelogd: Vec<i64>,
}

impl Schrijfactie {
    /// Opens the transaction and takes the registry's write lock.
    ///
    /// # Errors
    /// A database error.
    pub async fn begin(db: &DatabaseConnection, door: &str) -> Result<Self, AppError> {
        let txn = db.begin().await?;
        register_teller::Entity::update_many()
            .col_expr(register_teller::Column::LaatsteVolgnummer, Expr::col(register_teller::Column::LaatsteVolgnummer))
            .filter(register_teller::Column::Id.eq(TELLER))
            .exec(&txn)
            .await?;
        let teller = register_teller::Entity::find_by_id(TELLER)
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::Internal("register_teller has no row".to_owned()))?;
        Ok(Self { txn, door: door.to_owned(), volgnummer: teller.laatste_volgnummer, gelogd: Vec::new() })
    }

    /// The transaction, for reads and writes of the use-case.
    pub fn txn(&self) -> &DatabaseTransaction {
        &self.txn
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
        .exec_without_returning(&self.txn)
        .await?;
        self.gelogd.push(self.volgnummer);
        Ok(self.volgnummer)
    }

    /// Advances the counter past the logged changes and commits; returns their numbers.
    ///
    /// # Errors
    /// A database error; then nothing was written.
    pub async fn commit(self) -> Result<Vec<i64>, AppError> {
        register_teller::Entity::update_many()
            .col_expr(register_teller::Column::LaatsteVolgnummer, Expr::value(self.volgnummer))
            .filter(register_teller::Column::Id.eq(TELLER))
            .exec(&self.txn)
            .await?;
        self.txn.commit().await?;
        Ok(self.gelogd)
    }
}
