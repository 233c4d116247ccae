//! Reads of studies.

use sea_orm::sea_query::NullOrdering;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Order, PaginatorTrait, QueryOrder, QuerySelect};

use super::{Slice, Window};
use crate::entity::onderzoek;

/// One page of studies, newest first, and the total number.
///
/// # Errors
/// The database error.
pub async fn list(db: &impl ConnectionTrait, window: Window) -> Result<Slice<onderzoek::Model>, DbErr> {
    let select = onderzoek::Entity::find();
    let total = select.clone().count(db).await?;
    let rows = select
        .order_by_with_nulls(onderzoek::Column::Publicatiedatum, Order::Desc, NullOrdering::Last)
        .order_by_asc(onderzoek::Column::Sleutel)
        .offset(window.offset)
        .limit(window.limit)
        .all(db)
        .await?;
    Ok(Slice { rows, total })
}
