//! Reads of ambtelijke fusies and evaluations.

use chrono::NaiveDate;
use sea_orm::sea_query::NullOrdering;
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, Order, QueryFilter, QueryOrder};

use super::{Slice, Total, Window, geldig_op, like_pattern, page};
use crate::domain::{Rechtsvorm, Reikwijdte, Vorm};
use crate::entity::{ambtelijke_fusie, deelname, evaluatie, gemeente, onderzoek, provincie};

/// Which ambtelijke fusies a list holds.
#[derive(Debug, Clone, Default)]
pub struct FusieFilter {
    /// Only those running on this date (a fusion with an unknown begin is never certain to run).
    pub peildatum: Option<NaiveDate>,
    /// Only this form.
    pub vorm: Option<Vorm>,
    /// Only this scope.
    pub reikwijdte: Option<Reikwijdte>,
    /// Only this legal form.
    pub rechtsvorm: Option<Rechtsvorm>,
    /// Only those with a participating municipality in this province (CBS code `PV27`).
    pub provincie: Option<String>,
    /// Only those in which this municipality (CBS code) takes part; on `peildatum` when given.
    pub gemeente: Option<String>,
    /// Only those whose name, abbreviation or key contains this fragment (case-insensitive).
    pub naam: Option<String>,
}

/// One page of ambtelijke fusies, in order of begin date then key, and the number matching (see
/// [`Total`]).
///
/// # Errors
/// The database error.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &FusieFilter,
    window: Window,
    total: Total,
) -> Result<Slice<ambtelijke_fusie::Model>, DbErr> {
    use ambtelijke_fusie::Column;
    let mut select = ambtelijke_fusie::Entity::find();
    if let Some(peildatum) = filter.peildatum {
        select = select.filter(geldig_op(Column::Begindatum, Column::Einddatum, peildatum, false));
    }
    if let Some(vorm) = filter.vorm {
        select = select.filter(Column::Vorm.eq(vorm));
    }
    if let Some(reikwijdte) = filter.reikwijdte {
        select = select.filter(Column::Reikwijdte.eq(reikwijdte));
    }
    if let Some(rechtsvorm) = filter.rechtsvorm {
        select = select.filter(Column::Rechtsvorm.eq(rechtsvorm));
    }
    if let Some(code) = &filter.provincie {
        let gemeenten = Query::select()
            .column(gemeente::Column::Id)
            .from(gemeente::Entity)
            .and_where(
                gemeente::Column::ProvincieId.in_subquery(
                    Query::select()
                        .column(provincie::Column::Id)
                        .from(provincie::Entity)
                        .and_where(provincie::Column::Code.eq(code.to_uppercase()))
                        .take(),
                ),
            )
            .take();
        select = select.filter(Column::Id.in_subquery(fusies_with_member(gemeenten, None)));
    }
    if let Some(code) = &filter.gemeente {
        let gemeenten = Query::select()
            .column(gemeente::Column::Id)
            .from(gemeente::Entity)
            .and_where(gemeente::Column::Code.eq(code.to_uppercase()))
            .take();
        select = select.filter(Column::Id.in_subquery(fusies_with_member(gemeenten, filter.peildatum)));
    }
    if let Some(fragment) = &filter.naam {
        let pattern = like_pattern(fragment);
        select = select.filter(
            Condition::any()
                .add(Expr::expr(Func::lower(Expr::col(Column::Naam))).like(pattern.clone()))
                .add(Expr::expr(Func::lower(Expr::col(Column::Afkorting))).like(pattern.clone()))
                .add(Column::Sleutel.like(pattern)),
        );
    }
    let ordered = select
        .clone()
        // Same order on every backend: an unknown begin sorts last (PostgreSQL's default,
        // not SQLite's).
        .order_by_with_nulls(Column::Begindatum, Order::Asc, NullOrdering::Last)
        .order_by_asc(Column::Sleutel);
    page(db, select, ordered, window, total).await
}

/// Ids of the fusions with a deelname of one of `gemeenten`, on `peildatum` when given.
fn fusies_with_member(gemeenten: SelectStatement, peildatum: Option<NaiveDate>) -> SelectStatement {
    let mut query = Query::select();
    query
        .column(deelname::Column::AmbtelijkeFusieId)
        .from(deelname::Entity)
        .and_where(deelname::Column::GemeenteId.in_subquery(gemeenten));
    if let Some(peildatum) = peildatum {
        query.cond_where(geldig_op(deelname::Column::Begindatum, deelname::Column::Einddatum, peildatum, false));
    }
    query.take()
}

/// Which evaluations a list holds.
#[derive(Debug, Clone, Default)]
pub struct EvaluatieFilter {
    /// Only those of the study with this key.
    pub onderzoek: Option<String>,
    /// Only those about the ambtelijke fusie with this key.
    pub ambtelijke_fusie: Option<String>,
}

/// One page of evaluations, ordered by key, and the number matching (see [`Total`]).
///
/// # Errors
/// The database error.
pub async fn evaluaties(
    db: &impl ConnectionTrait,
    filter: &EvaluatieFilter,
    window: Window,
    total: Total,
) -> Result<Slice<evaluatie::Model>, DbErr> {
    let mut select = evaluatie::Entity::find();
    if let Some(sleutel) = &filter.onderzoek {
        select = select.filter(
            evaluatie::Column::OnderzoekId.in_subquery(
                Query::select()
                    .column(onderzoek::Column::Id)
                    .from(onderzoek::Entity)
                    .and_where(onderzoek::Column::Sleutel.eq(sleutel.as_str()))
                    .take(),
            ),
        );
    }
    if let Some(sleutel) = &filter.ambtelijke_fusie {
        select = select.filter(
            evaluatie::Column::AmbtelijkeFusieId.in_subquery(
                Query::select()
                    .column(ambtelijke_fusie::Column::Id)
                    .from(ambtelijke_fusie::Entity)
                    .and_where(ambtelijke_fusie::Column::Sleutel.eq(sleutel.as_str()))
                    .take(),
            ),
        );
    }
    let ordered = select.clone().order_by_asc(evaluatie::Column::Sleutel);
    page(db, select, ordered, window, total).await
}
