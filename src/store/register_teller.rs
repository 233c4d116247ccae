//! The registry's one counter row: the number of the last committed change, and the row every
//! write touches first to take the registry's write lock (see `service::UnitOfWork`).

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::entity::register_teller;

/// The ID of the counter's only row.
const ROW: i32 = 1;

/// Touches the counter row without changing it: PostgreSQL's row lock, SQLite's write lock, held
/// until the transaction ends.
///
/// # Errors
/// The database error.
pub async fn lock(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    register_teller::Entity::update_many()
        .col_expr(register_teller::Column::LaatsteVolgnummer, Expr::col(register_teller::Column::LaatsteVolgnummer))
        .filter(register_teller::Column::Id.eq(ROW))
        .exec(db)
        .await
        .map(|_| ())
}

/// The number of the last committed change; `None` when the counter row is missing (a database
/// that was not migrated).
///
/// # Errors
/// The database error.
pub async fn last_volgnummer(db: &impl ConnectionTrait) -> Result<Option<i64>, DbErr> {
    Ok(register_teller::Entity::find_by_id(ROW).one(db).await?.map(|row| row.laatste_volgnummer))
}

/// Sets the number of the last committed change.
///
/// # Errors
/// The database error.
pub async fn set_last_volgnummer(db: &impl ConnectionTrait, volgnummer: i64) -> Result<(), DbErr> {
    register_teller::Entity::update_many()
        .col_expr(register_teller::Column::LaatsteVolgnummer, Expr::value(volgnummer))
        .filter(register_teller::Column::Id.eq(ROW))
        .exec(db)
        .await
        .map(|_| ())
}
