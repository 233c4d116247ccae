//! Reads of herindelingen.

use chrono::NaiveDate;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use super::{Slice, Total, Window, page};
use crate::domain::HerindelingSoort;
use crate::entity::{gemeente, herindeling, herindeling_gemeente};

/// Which herindelingen a list holds.
#[derive(Debug, Clone, Default)]
pub struct HerindelingFilter {
    /// Only those taking effect on or after this date.
    pub van: Option<NaiveDate>,
    /// Only those taking effect on or before this date.
    pub tot: Option<NaiveDate>,
    /// Only this kind.
    pub soort: Option<HerindelingSoort>,
    /// Only those involving this municipality (CBS code) in any role.
    pub gemeente: Option<String>,
}

/// One page of herindelingen in date order, and the number matching (see [`Total`]).
///
/// # Errors
/// The database error.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &HerindelingFilter,
    window: Window,
    total: Total,
) -> Result<Slice<herindeling::Model>, DbErr> {
    use herindeling::Column;
    let mut select = herindeling::Entity::find();
    if let Some(van) = filter.van {
        select = select.filter(Column::Datum.gte(van));
    }
    if let Some(tot) = filter.tot {
        select = select.filter(Column::Datum.lte(tot));
    }
    if let Some(soort) = filter.soort {
        select = select.filter(Column::Soort.eq(soort));
    }
    if let Some(code) = &filter.gemeente {
        let involved = Query::select()
            .column(herindeling_gemeente::Column::HerindelingId)
            .from(herindeling_gemeente::Entity)
            .and_where(
                herindeling_gemeente::Column::GemeenteId.in_subquery(
                    Query::select()
                        .column(gemeente::Column::Id)
                        .from(gemeente::Entity)
                        .and_where(gemeente::Column::Code.eq(code.to_uppercase()))
                        .take(),
                ),
            )
            .take();
        select = select.filter(Column::Id.in_subquery(involved));
    }
    let ordered = select.clone().order_by_asc(Column::Datum).order_by_asc(Column::Sleutel);
    page(db, select, ordered, window, total).await
}
