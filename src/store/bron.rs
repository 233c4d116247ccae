//! Sources and citations: the lookups and writes of the citing use-cases.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use crate::domain::Sleutel;
use crate::entity::{bron, bronvermelding};

/// A record that cites sources through the API, by its kind and row ID. A citation row has one
/// owner column per kind; this says which one is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    Gemeente(i32),
    AmbtelijkeFusie(i32),
    Herindeling(i32),
    Onderzoek(i32),
    Evaluatie(i32),
}

impl Holder {
    /// The citation column that points at this kind of record, and the record's row ID.
    fn column(self) -> (bronvermelding::Column, i32) {
        match self {
            Self::Gemeente(id) => (bronvermelding::Column::GemeenteId, id),
            Self::AmbtelijkeFusie(id) => (bronvermelding::Column::AmbtelijkeFusieId, id),
            Self::Herindeling(id) => (bronvermelding::Column::HerindelingId, id),
            Self::Onderzoek(id) => (bronvermelding::Column::OnderzoekId, id),
            Self::Evaluatie(id) => (bronvermelding::Column::EvaluatieId, id),
        }
    }
}

/// The source with this sleutel, if any.
///
/// # Errors
/// The database error.
pub async fn by_sleutel(db: &impl ConnectionTrait, sleutel: &Sleutel) -> Result<Option<bron::Model>, DbErr> {
    bron::Entity::find().filter(bron::Column::Sleutel.eq(sleutel.as_str())).one(db).await
}

/// The sources with these row IDs.
///
/// # Errors
/// The database error.
pub async fn by_ids(db: &impl ConnectionTrait, ids: Vec<i32>) -> Result<Vec<bron::Model>, DbErr> {
    bron::Entity::find().filter(bron::Column::Id.is_in(ids)).all(db).await
}

/// Inserts a source and returns it as stored.
///
/// # Errors
/// The database error.
pub async fn insert(db: &impl ConnectionTrait, row: bron::ActiveModel) -> Result<bron::Model, DbErr> {
    row.insert(db).await
}

/// Whether `holder` already cites the source with row ID `bron_id`.
///
/// # Errors
/// The database error.
pub async fn cites(db: &impl ConnectionTrait, holder: Holder, bron_id: i32) -> Result<bool, DbErr> {
    let (column, id) = holder.column();
    let found = bronvermelding::Entity::find()
        .filter(column.eq(id))
        .filter(bronvermelding::Column::BronId.eq(bron_id))
        .one(db)
        .await?;
    Ok(found.is_some())
}

/// Inserts a citation of the source with row ID `bron_id` by `holder`.
///
/// # Errors
/// The database error.
pub async fn insert_bronvermelding(
    db: &impl ConnectionTrait,
    holder: Holder,
    bron_id: i32,
    toelichting: Option<String>,
) -> Result<(), DbErr> {
    let mut row = bronvermelding::ActiveModel {
        bron_id: Set(bron_id),
        gemeente_id: Set(None),
        provincie_id: Set(None),
        herindeling_id: Set(None),
        ambtelijke_fusie_id: Set(None),
        onderzoek_id: Set(None),
        evaluatie_id: Set(None),
        toelichting: Set(toelichting),
        ..Default::default()
    };
    match holder {
        Holder::Gemeente(id) => row.gemeente_id = Set(Some(id)),
        Holder::AmbtelijkeFusie(id) => row.ambtelijke_fusie_id = Set(Some(id)),
        Holder::Herindeling(id) => row.herindeling_id = Set(Some(id)),
        Holder::Onderzoek(id) => row.onderzoek_id = Set(Some(id)),
        Holder::Evaluatie(id) => row.evaluatie_id = Set(Some(id)),
    }
    bronvermelding::Entity::insert(row).exec_without_returning(db).await.map(|_| ())
}

/// The citations of `holder`, in citation order.
///
/// # Errors
/// The database error.
pub async fn bronvermeldingen_of(
    db: &impl ConnectionTrait,
    holder: Holder,
) -> Result<Vec<bronvermelding::Model>, DbErr> {
    let (column, id) = holder.column();
    bronvermelding::Entity::find().filter(column.eq(id)).order_by_asc(bronvermelding::Column::Id).all(db).await
}
