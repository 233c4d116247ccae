//! Municipalities and provinces: the API's list reads and the write use-cases' lookups.

use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
};

use super::{Slice, Total, Window, like_pattern, page, valid_on};
use crate::domain::{CbsCode, MissingBegin};
use crate::entity::{gemeente, provincie};

/// Which municipalities a list holds.
#[derive(Debug, Clone, Default)]
pub struct GemeenteFilter {
    /// Only those existing on this date.
    pub peildatum: Option<NaiveDate>,
    /// Only those in the province with this CBS code (`PV27`).
    pub provincie: Option<String>,
    /// Only those whose name contains this fragment (case-insensitive).
    pub naam: Option<String>,
}

/// One page of municipalities, ordered by CBS code, and the number matching the filter (see
/// [`Total`]).
///
/// # Errors
/// The database error.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &GemeenteFilter,
    window: Window,
    total: Total,
) -> Result<Slice<gemeente::Model>, DbErr> {
    let mut select = gemeente::Entity::find();
    if let Some(peildatum) = filter.peildatum {
        select = select.filter(valid_on(
            gemeente::Column::Begindatum,
            gemeente::Column::Einddatum,
            peildatum,
            MissingBegin::Open,
        ));
    }
    if let Some(code) = &filter.provincie {
        let provincie_ids = Query::select()
            .column(provincie::Column::Id)
            .from(provincie::Entity)
            .and_where(provincie::Column::Code.eq(code.to_uppercase()))
            .take();
        select = select.filter(gemeente::Column::ProvincieId.in_subquery(provincie_ids));
    }
    if let Some(fragment) = &filter.naam {
        select = select.filter(Expr::expr(Func::lower(Expr::col(gemeente::Column::Naam))).like(like_pattern(fragment)));
    }
    let ordered = select.clone().order_by_asc(gemeente::Column::Code);
    page(db, select, ordered, window, total).await
}

/// Every province, ordered by name.
///
/// # Errors
/// The database error.
pub async fn provincies(db: &impl ConnectionTrait) -> Result<Vec<provincie::Model>, DbErr> {
    provincie::Entity::find().order_by_asc(provincie::Column::Naam).all(db).await
}

/// The municipality with this CBS code, if any.
///
/// # Errors
/// The database error.
pub async fn by_code(db: &impl ConnectionTrait, code: &CbsCode) -> Result<Option<gemeente::Model>, DbErr> {
    gemeente::Entity::find().filter(gemeente::Column::Code.eq(code.as_str())).one(db).await
}

/// The municipalities with these CBS codes, each with its province, in one statement (a join):
/// what a lookup that also shows the province costs.
///
/// # Errors
/// The database error.
pub async fn with_provincie_by_codes(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> Result<Vec<(gemeente::Model, Option<provincie::Model>)>, DbErr> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let in_provincie = gemeente::Entity::belongs_to(provincie::Entity)
        .from(gemeente::Column::ProvincieId)
        .to(provincie::Column::Id)
        .into();
    gemeente::Entity::find()
        .join(JoinType::InnerJoin, in_provincie)
        .select_also(provincie::Entity)
        .filter(gemeente::Column::Code.is_in(codes.iter().cloned()))
        .order_by_asc(gemeente::Column::Id)
        .all(db)
        .await
}

/// The municipality with this row ID, if any.
///
/// # Errors
/// The database error.
pub async fn by_id(db: &impl ConnectionTrait, id: i32) -> Result<Option<gemeente::Model>, DbErr> {
    gemeente::Entity::find_by_id(id).one(db).await
}

/// The province with this CBS code (`PV28`, any case, surrounding spaces ignored), if any.
///
/// # Errors
/// The database error.
pub async fn provincie_by_code(db: &impl ConnectionTrait, code: &str) -> Result<Option<provincie::Model>, DbErr> {
    provincie::Entity::find().filter(provincie::Column::Code.eq(code.trim().to_uppercase())).one(db).await
}

/// Inserts a municipality and returns it as stored.
///
/// # Errors
/// The database error.
pub async fn insert(db: &impl ConnectionTrait, row: gemeente::ActiveModel) -> Result<gemeente::Model, DbErr> {
    row.insert(db).await
}

/// Writes the changed columns of a municipality and returns it as stored.
///
/// # Errors
/// The database error.
pub async fn update(db: &impl ConnectionTrait, row: gemeente::ActiveModel) -> Result<gemeente::Model, DbErr> {
    row.update(db).await
}

/// The municipalities with these row IDs.
///
/// # Errors
/// The database error.
pub async fn by_ids(db: &impl ConnectionTrait, ids: Vec<i32>) -> Result<Vec<gemeente::Model>, DbErr> {
    gemeente::Entity::find().filter(gemeente::Column::Id.is_in(ids)).all(db).await
}

/// The province with this row ID, if any.
///
/// # Errors
/// The database error.
pub async fn provincie_by_id(db: &impl ConnectionTrait, id: i32) -> Result<Option<provincie::Model>, DbErr> {
    provincie::Entity::find_by_id(id).one(db).await
}

/// Whether the registry holds any municipality (an empty one gets the bundled dataset).
///
/// # Errors
/// The database error.
pub async fn any(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    Ok(gemeente::Entity::find().one(db).await?.is_some())
}
