//! Reads of the change log.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use super::Slice;
use crate::entity::wijziging;

/// Up to `limit` changes with a number above `na`, in order, and how many there are in all
/// after `na`.
///
/// # Errors
/// The database error.
pub async fn na(db: &impl ConnectionTrait, na: i64, limit: u64) -> Result<Slice<wijziging::Model>, DbErr> {
    let total = wijziging::Entity::find().filter(wijziging::Column::Volgnummer.gt(na)).count(db).await?;
    let rows = volgende(db, na, limit).await?;
    Ok(Slice { rows, total })
}

/// The number of the last committed change; 0 on an empty log.
///
/// # Errors
/// The database error.
pub async fn laatste(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let last = wijziging::Entity::find().order_by_desc(wijziging::Column::Volgnummer).one(db).await?;
    Ok(last.map_or(0, |w| w.volgnummer))
}

/// Up to `limit` changes with a number above `na`, in order (without the count `na` makes).
///
/// # Errors
/// The database error.
pub async fn volgende(db: &impl ConnectionTrait, na: i64, limit: u64) -> Result<Vec<wijziging::Model>, DbErr> {
    wijziging::Entity::find()
        .filter(wijziging::Column::Volgnummer.gt(na))
        .order_by_asc(wijziging::Column::Volgnummer)
        .limit(limit)
        .all(db)
        .await
}
