//! Herindelingen: the API's list reads and the write use-cases' lookups and writes.

use chrono::NaiveDate;
use sea_orm::sea_query::Query;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use super::{Slice, Total, Window, page};
use crate::domain::{HerindelingRol, HerindelingSoort};
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

/// The herindeling with this sleutel, if any.
///
/// # Errors
/// The database error.
pub async fn by_sleutel(db: &impl ConnectionTrait, sleutel: &str) -> Result<Option<herindeling::Model>, DbErr> {
    herindeling::Entity::find().filter(herindeling::Column::Sleutel.eq(sleutel)).one(db).await
}

/// Inserts a herindeling and returns it as stored.
///
/// # Errors
/// The database error.
pub async fn insert(db: &impl ConnectionTrait, row: herindeling::ActiveModel) -> Result<herindeling::Model, DbErr> {
    row.insert(db).await
}

/// Inserts one municipality's role in a herindeling.
///
/// # Errors
/// The database error.
pub async fn insert_gemeente(db: &impl ConnectionTrait, row: herindeling_gemeente::ActiveModel) -> Result<(), DbErr> {
    row.insert(db).await.map(|_| ())
}

/// The herindeling that abolished this municipality, if any.
///
/// # Errors
/// The database error.
pub async fn abolishing(db: &impl ConnectionTrait, gemeente_id: i32) -> Result<Option<herindeling::Model>, DbErr> {
    let link = herindeling_gemeente::Entity::find()
        .filter(herindeling_gemeente::Column::GemeenteId.eq(gemeente_id))
        .filter(herindeling_gemeente::Column::Rol.eq(HerindelingRol::Opgeheven))
        .one(db)
        .await?;
    match link {
        Some(link) => herindeling::Entity::find_by_id(link.herindeling_id).one(db).await,
        None => Ok(None),
    }
}

/// The municipalities of a herindeling with their roles.
///
/// # Errors
/// The database error.
pub async fn members(
    db: &impl ConnectionTrait,
    herindeling_id: i32,
) -> Result<Vec<herindeling_gemeente::Model>, DbErr> {
    herindeling_gemeente::Entity::find()
        .filter(herindeling_gemeente::Column::HerindelingId.eq(herindeling_id))
        .all(db)
        .await
}
