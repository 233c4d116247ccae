//! The one query shape behind every DataLoader: all rows whose column is in a set of keys.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Value};

/// Rows of `E` whose `column` is one of `keys`, ordered by `order` for a stable result.
///
/// # Errors
/// The database error, for the caller to map.
pub async fn rows_where_in<E, C, K>(
    db: &C,
    column: E::Column,
    keys: &[K],
    order: E::Column,
) -> Result<Vec<E::Model>, DbErr>
where
    E: EntityTrait,
    C: ConnectionTrait,
    K: Into<Value> + Clone,
{
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    E::find().filter(column.is_in(keys.iter().cloned())).order_by_asc(order).all(db).await
}
