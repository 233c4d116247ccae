//! Reads of studies.

use sea_orm::sea_query::NullOrdering;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Order, QueryOrder};

use super::{Slice, Total, Window, page};
use crate::entity::onderzoek;

/// One page of studies, newest first, and the total number (see [`Total`]).
///
/// # Errors
/// The database error.
pub async fn list(db: &impl ConnectionTrait, window: Window, total: Total) -> Result<Slice<onderzoek::Model>, DbErr> {
    let select = onderzoek::Entity::find();
    let ordered = select
        .clone()
        .order_by_with_nulls(onderzoek::Column::Publicatiedatum, Order::Desc, NullOrdering::Last)
        .order_by_asc(onderzoek::Column::Sleutel);
    page(db, select, ordered, window, total).await
}
