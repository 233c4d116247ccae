//! Ambtelijke fusies and their evaluations: the API's list reads, and the lookups and writes of
//! the write use-cases.

use chrono::NaiveDate;
use sea_orm::sea_query::NullOrdering;
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, Order, QueryFilter, QueryOrder,
};

use super::{Slice, Total, Window, like_pattern, page, valid_on};
use crate::domain::{MissingBegin, Rechtsvorm, Reikwijdte, Sleutel, Vorm};
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
        select = select.filter(valid_on(Column::Begindatum, Column::Einddatum, peildatum, MissingBegin::Unknown));
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
        select = select.filter(Column::Id.in_subquery(fusies_of_gemeenten(gemeenten, None)));
    }
    if let Some(code) = &filter.gemeente {
        let gemeenten = Query::select()
            .column(gemeente::Column::Id)
            .from(gemeente::Entity)
            .and_where(gemeente::Column::Code.eq(code.to_uppercase()))
            .take();
        select = select.filter(Column::Id.in_subquery(fusies_of_gemeenten(gemeenten, filter.peildatum)));
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
fn fusies_of_gemeenten(gemeenten: SelectStatement, peildatum: Option<NaiveDate>) -> SelectStatement {
    let mut query = Query::select();
    query
        .column(deelname::Column::AmbtelijkeFusieId)
        .from(deelname::Entity)
        .and_where(deelname::Column::GemeenteId.in_subquery(gemeenten));
    if let Some(peildatum) = peildatum {
        query.cond_where(valid_on(
            deelname::Column::Begindatum,
            deelname::Column::Einddatum,
            peildatum,
            MissingBegin::Unknown,
        ));
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

/// The ambtelijke fusie with this sleutel, if any.
///
/// # Errors
/// The database error.
pub async fn by_sleutel(
    db: &impl ConnectionTrait,
    sleutel: &Sleutel,
) -> Result<Option<ambtelijke_fusie::Model>, DbErr> {
    ambtelijke_fusie::Entity::find().filter(ambtelijke_fusie::Column::Sleutel.eq(sleutel.as_str())).one(db).await
}

/// The ambtelijke fusie with this row ID, if any.
///
/// # Errors
/// The database error.
pub async fn by_id(db: &impl ConnectionTrait, id: i32) -> Result<Option<ambtelijke_fusie::Model>, DbErr> {
    ambtelijke_fusie::Entity::find_by_id(id).one(db).await
}

/// The ambtelijke fusies with these row IDs.
///
/// # Errors
/// The database error.
pub async fn by_ids(db: &impl ConnectionTrait, ids: Vec<i32>) -> Result<Vec<ambtelijke_fusie::Model>, DbErr> {
    ambtelijke_fusie::Entity::find().filter(ambtelijke_fusie::Column::Id.is_in(ids)).all(db).await
}

/// Inserts an ambtelijke fusie and returns it as stored.
///
/// # Errors
/// The database error.
pub async fn insert(
    db: &impl ConnectionTrait,
    row: ambtelijke_fusie::ActiveModel,
) -> Result<ambtelijke_fusie::Model, DbErr> {
    row.insert(db).await
}

/// Writes the changed columns of an ambtelijke fusie and returns it as stored.
///
/// # Errors
/// The database error.
pub async fn update(
    db: &impl ConnectionTrait,
    row: ambtelijke_fusie::ActiveModel,
) -> Result<ambtelijke_fusie::Model, DbErr> {
    row.update(db).await
}

/// Deletes an ambtelijke fusie (its deelnames first: see [`super::deelname::delete`]).
///
/// # Errors
/// The database error.
pub async fn delete(db: &impl ConnectionTrait, id: i32) -> Result<(), DbErr> {
    ambtelijke_fusie::Entity::delete_by_id(id).exec(db).await.map(|_| ())
}
