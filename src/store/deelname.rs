//! Reads and writes of deelnames for the write use-cases, which pass their transaction, and the
//! open data export's list of them.

use chrono::NaiveDate;
use sea_orm::sea_query::NullOrdering;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, Order, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::{Window, valid_on};
use crate::domain::{MissingBegin, Rol};
use crate::entity::{ambtelijke_fusie, deelname, gemeente};

/// Every deelname of a fusie, ended or not.
///
/// # Errors
/// The database error.
pub async fn of_fusie(db: &impl ConnectionTrait, fusie_id: i32) -> Result<Vec<deelname::Model>, DbErr> {
    deelname::Entity::find().filter(deelname::Column::AmbtelijkeFusieId.eq(fusie_id)).all(db).await
}

/// Every deelname of a municipality, in any fusie, ended or not.
///
/// # Errors
/// The database error.
pub async fn of_gemeente(db: &impl ConnectionTrait, gemeente_id: i32) -> Result<Vec<deelname::Model>, DbErr> {
    deelname::Entity::find().filter(deelname::Column::GemeenteId.eq(gemeente_id)).all(db).await
}

/// The deelnames of a fusie that have no end date yet.
///
/// # Errors
/// The database error.
pub async fn running_of_fusie(db: &impl ConnectionTrait, fusie_id: i32) -> Result<Vec<deelname::Model>, DbErr> {
    deelname::Entity::find()
        .filter(deelname::Column::AmbtelijkeFusieId.eq(fusie_id))
        .filter(deelname::Column::Einddatum.is_null())
        .all(db)
        .await
}

/// The deelname of a municipality in a fusie that has no end date yet, if any.
///
/// # Errors
/// The database error.
pub async fn running(
    db: &impl ConnectionTrait,
    fusie_id: i32,
    gemeente_id: i32,
) -> Result<Option<deelname::Model>, DbErr> {
    deelname::Entity::find()
        .filter(deelname::Column::AmbtelijkeFusieId.eq(fusie_id))
        .filter(deelname::Column::GemeenteId.eq(gemeente_id))
        .filter(deelname::Column::Einddatum.is_null())
        .one(db)
        .await
}

/// The deelnames of a fusie with the given role, ended or not.
///
/// # Errors
/// The database error.
pub async fn with_rol(db: &impl ConnectionTrait, fusie_id: i32, rol: Rol) -> Result<Vec<deelname::Model>, DbErr> {
    deelname::Entity::find()
        .filter(deelname::Column::AmbtelijkeFusieId.eq(fusie_id))
        .filter(deelname::Column::Rol.eq(rol))
        .all(db)
        .await
}

/// Inserts a deelname and returns it as stored.
///
/// # Errors
/// The database error.
pub async fn insert(db: &impl ConnectionTrait, row: deelname::ActiveModel) -> Result<deelname::Model, DbErr> {
    row.insert(db).await
}

/// Writes the changed columns of a deelname and returns it as stored.
///
/// # Errors
/// The database error.
pub async fn update(db: &impl ConnectionTrait, row: deelname::ActiveModel) -> Result<deelname::Model, DbErr> {
    row.update(db).await
}

/// Deletes a deelname.
///
/// # Errors
/// The database error.
pub async fn delete(db: &impl ConnectionTrait, id: i32) -> Result<(), DbErr> {
    deelname::Entity::delete_by_id(id).exec(db).await.map(|_| ())
}

/// The deelname of a municipality in a fusie that began on `begindatum` (`None`: an unknown
/// begin), if any.
///
/// # Errors
/// The database error.
pub async fn beginning(
    db: &impl ConnectionTrait,
    fusie_id: i32,
    gemeente_id: i32,
    begindatum: Option<NaiveDate>,
) -> Result<Option<deelname::Model>, DbErr> {
    let begin = match begindatum {
        Some(day) => deelname::Column::Begindatum.eq(day),
        None => deelname::Column::Begindatum.is_null(),
    };
    deelname::Entity::find()
        .filter(deelname::Column::AmbtelijkeFusieId.eq(fusie_id))
        .filter(deelname::Column::GemeenteId.eq(gemeente_id))
        .filter(begin)
        .one(db)
        .await
}

/// One page of every deelname, running on `peildatum` when given (the rule of
/// [`super::valid_on`], a deelname without begin never claimed), ordered by the fusie's key, the
/// municipality's CBS code and the begin date (an unknown begin last): the open data export's
/// list, in an order that does not depend on row IDs.
///
/// # Errors
/// The database error.
pub async fn list(
    db: &impl ConnectionTrait,
    peildatum: Option<NaiveDate>,
    window: Window,
) -> Result<Vec<deelname::Model>, DbErr> {
    let fusie = deelname::Entity::belongs_to(ambtelijke_fusie::Entity)
        .from(deelname::Column::AmbtelijkeFusieId)
        .to(ambtelijke_fusie::Column::Id)
        .into();
    let mut select = deelname::Entity::find().join(JoinType::InnerJoin, fusie).inner_join(gemeente::Entity);
    if let Some(peildatum) = peildatum {
        select = select.filter(valid_on(
            deelname::Column::Begindatum,
            deelname::Column::Einddatum,
            peildatum,
            MissingBegin::Unknown,
        ));
    }
    select
        .order_by_asc(ambtelijke_fusie::Column::Sleutel)
        .order_by_asc(gemeente::Column::Code)
        .order_by_with_nulls(deelname::Column::Begindatum, Order::Asc, NullOrdering::Last)
        .offset(window.offset)
        .limit(window.limit)
        .all(db)
        .await
}
