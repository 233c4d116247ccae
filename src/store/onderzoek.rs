//! Studies and their figures: the API's list read and the lookups and writes of the study
//! use-case.

use sea_orm::sea_query::{NullOrdering, Query};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, Order, QueryFilter, QueryOrder};

use super::{Slice, Total, Window, page};
use crate::domain::Sleutel;
use crate::entity::{kengetal, onderzoek, onderzoek_fusie};

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

/// The studies that list the ambtelijke fusie with this row number among their organisations.
///
/// # Errors
/// The database error.
pub async fn listing_fusie(db: &impl ConnectionTrait, fusie_id: i32) -> Result<Vec<onderzoek::Model>, DbErr> {
    let listing = Query::select()
        .column(onderzoek_fusie::Column::OnderzoekId)
        .from(onderzoek_fusie::Entity)
        .and_where(onderzoek_fusie::Column::AmbtelijkeFusieId.eq(fusie_id))
        .take();
    onderzoek::Entity::find()
        .filter(onderzoek::Column::Id.in_subquery(listing))
        .order_by_asc(onderzoek::Column::Sleutel)
        .all(db)
        .await
}

/// The study with this sleutel, if any.
///
/// # Errors
/// The database error.
pub async fn by_sleutel(db: &impl ConnectionTrait, sleutel: &Sleutel) -> Result<Option<onderzoek::Model>, DbErr> {
    onderzoek::Entity::find().filter(onderzoek::Column::Sleutel.eq(sleutel.as_str())).one(db).await
}

/// Inserts a study and returns it as stored.
///
/// # Errors
/// The database error.
pub async fn insert(db: &impl ConnectionTrait, row: onderzoek::ActiveModel) -> Result<onderzoek::Model, DbErr> {
    row.insert(db).await
}

/// Inserts one figure of a study.
///
/// # Errors
/// The database error.
pub async fn insert_kengetal(db: &impl ConnectionTrait, row: kengetal::ActiveModel) -> Result<(), DbErr> {
    kengetal::Entity::insert(row).exec_without_returning(db).await.map(|_| ())
}
