//! The change log: reading it in order, and appending to it.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use super::Slice;
use crate::entity::wijziging;

/// Up to `limit` changes with a number above `after`, in order, and how many there are in all
/// after `after`.
///
/// # Errors
/// The database error.
pub async fn after(db: &impl ConnectionTrait, after: i64, limit: u64) -> Result<Slice<wijziging::Model>, DbErr> {
    let total = wijziging::Entity::find().filter(wijziging::Column::Volgnummer.gt(after)).count(db).await?;
    let rows = next(db, after, limit).await?;
    Ok(Slice { rows, total })
}

/// The number of the last committed change; 0 on an empty log.
///
/// # Errors
/// The database error.
pub async fn latest(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let newest = wijziging::Entity::find()
        .select_only()
        .column_as(wijziging::Column::Volgnummer.max(), "newest")
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?;
    Ok(newest.flatten().unwrap_or(0))
}

/// Up to `limit` changes with a number above `after`, in order (without the count `after` makes).
///
/// # Errors
/// The database error.
pub async fn next(db: &impl ConnectionTrait, after: i64, limit: u64) -> Result<Vec<wijziging::Model>, DbErr> {
    wijziging::Entity::find()
        .filter(wijziging::Column::Volgnummer.gt(after))
        .order_by_asc(wijziging::Column::Volgnummer)
        .limit(limit)
        .all(db)
        .await
}

/// Appends one change to the log.
///
/// # Errors
/// The database error.
pub async fn insert(db: &impl ConnectionTrait, row: wijziging::ActiveModel) -> Result<(), DbErr> {
    wijziging::Entity::insert(row).exec_without_returning(db).await.map(|_| ())
}

/// Appends several changes to the log, in as few statements as the bind-parameter limits allow.
///
/// # Errors
/// The database error.
pub async fn insert_all(db: &impl ConnectionTrait, rows: Vec<wijziging::ActiveModel>) -> Result<(), DbErr> {
    // Eight columns a row: 500 rows stay far below SQLite's 32,766 parameters.
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(500).collect();
        wijziging::Entity::insert_many(chunk).exec_without_returning(db).await?;
    }
    Ok(())
}

/// The public IDs of every record the log has a change of.
///
/// # Errors
/// The database error.
pub async fn logged_ids(db: &impl ConnectionTrait) -> Result<HashSet<String>, DbErr> {
    let ids = wijziging::Entity::find()
        .select_only()
        .column(wijziging::Column::EntiteitId)
        .distinct()
        .into_tuple::<String>()
        .all(db)
        .await?;
    Ok(ids.into_iter().collect())
}

/// The number of the last change committed at or before `moment`; 0 when there was none.
///
/// # Errors
/// The database error.
pub async fn last_at(db: &impl ConnectionTrait, moment: DateTime<Utc>) -> Result<i64, DbErr> {
    let newest = wijziging::Entity::find()
        .select_only()
        .column_as(wijziging::Column::Volgnummer.max(), "newest")
        .filter(wijziging::Column::Tijdstip.lte(moment))
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?;
    Ok(newest.flatten().unwrap_or(0))
}

/// Every change of the records in `ids`, in order: what their history is made of.
///
/// # Errors
/// The database error.
pub async fn of_records(db: &impl ConnectionTrait, ids: Vec<String>) -> Result<Vec<wijziging::Model>, DbErr> {
    let mut changes = Vec::new();
    // One bind parameter per ID; chunks keep far below both databases' limits.
    for chunk in ids.chunks(5_000) {
        let found = wijziging::Entity::find()
            .filter(wijziging::Column::EntiteitId.is_in(chunk.iter().cloned()))
            .order_by_asc(wijziging::Column::Volgnummer)
            .all(db)
            .await?;
        changes.extend(found);
    }
    changes.sort_by_key(|change| change.volgnummer);
    Ok(changes)
}

/// Every change up to and including `last`, in order.
///
/// # Errors
/// The database error.
pub async fn up_to(db: &impl ConnectionTrait, last: i64) -> Result<Vec<wijziging::Model>, DbErr> {
    wijziging::Entity::find()
        .filter(wijziging::Column::Volgnummer.lte(last))
        .order_by_asc(wijziging::Column::Volgnummer)
        .all(db)
        .await
}

/// The public IDs of the records changed after `after`, each once.
///
/// # Errors
/// The database error.
pub async fn changed_after(db: &impl ConnectionTrait, after: i64) -> Result<Vec<String>, DbErr> {
    wijziging::Entity::find()
        .select_only()
        .column(wijziging::Column::EntiteitId)
        .distinct()
        .filter(wijziging::Column::Volgnummer.gt(after))
        .into_tuple::<String>()
        .all(db)
        .await
}
