//! Reads of municipalities and provinces.

use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use super::{Slice, Total, Window, geldig_op, like_pattern, page};
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
        select = select.filter(geldig_op(gemeente::Column::Begindatum, gemeente::Column::Einddatum, peildatum, true));
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
