//! The change log: reading it in order, and appending to it.

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
