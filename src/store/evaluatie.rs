//! Evaluation outcomes: the lookups and writes of the evaluation use-case, and the open data
//! export's list with the parts of each. (The API's list of evaluations is read in
//! [`super::fusie::evaluaties`].)

use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::Window;
use crate::domain::Sleutel;
use crate::entity::{evaluatie, evaluatie_bevinding, evaluatie_doel, evaluatie_motief, evaluatie_risico};

/// The evaluation with this sleutel, if any.
///
/// # Errors
/// The database error.
pub async fn by_sleutel(db: &impl ConnectionTrait, sleutel: &Sleutel) -> Result<Option<evaluatie::Model>, DbErr> {
    evaluatie::Entity::find().filter(evaluatie::Column::Sleutel.eq(sleutel.as_str())).one(db).await
}

/// The evaluations of one ambtelijke fusie (by row number), in order of their sleutel.
///
/// # Errors
/// The database error.
pub async fn of_fusie(db: &impl ConnectionTrait, fusie_id: i32) -> Result<Vec<evaluatie::Model>, DbErr> {
    evaluatie::Entity::find()
        .filter(evaluatie::Column::AmbtelijkeFusieId.eq(fusie_id))
        .order_by_asc(evaluatie::Column::Sleutel)
        .all(db)
        .await
}

/// Deletes an evaluation with its parts (motives, goals, risks, findings, citations).
///
/// # Errors
/// The database error.
pub async fn delete(db: &impl ConnectionTrait, id: i32) -> Result<(), DbErr> {
    evaluatie::Entity::delete_by_id(id).exec(db).await.map(|_| ())
}

/// Inserts an evaluation and returns it as stored.
///
/// # Errors
/// The database error.
pub async fn insert(db: &impl ConnectionTrait, row: evaluatie::ActiveModel) -> Result<evaluatie::Model, DbErr> {
    row.insert(db).await
}

/// Inserts one motive of an evaluation.
///
/// # Errors
/// The database error.
pub async fn insert_motief(db: &impl ConnectionTrait, row: evaluatie_motief::ActiveModel) -> Result<(), DbErr> {
    evaluatie_motief::Entity::insert(row).exec_without_returning(db).await.map(|_| ())
}

/// Inserts one goal of an evaluation.
///
/// # Errors
/// The database error.
pub async fn insert_doel(db: &impl ConnectionTrait, row: evaluatie_doel::ActiveModel) -> Result<(), DbErr> {
    evaluatie_doel::Entity::insert(row).exec_without_returning(db).await.map(|_| ())
}

/// Inserts one risk of an evaluation.
///
/// # Errors
/// The database error.
pub async fn insert_risico(db: &impl ConnectionTrait, row: evaluatie_risico::ActiveModel) -> Result<(), DbErr> {
    evaluatie_risico::Entity::insert(row).exec_without_returning(db).await.map(|_| ())
}

/// Inserts one further finding of an evaluation.
///
/// # Errors
/// The database error.
pub async fn insert_bevinding(db: &impl ConnectionTrait, row: evaluatie_bevinding::ActiveModel) -> Result<(), DbErr> {
    evaluatie_bevinding::Entity::insert(row).exec_without_returning(db).await.map(|_| ())
}

/// One page of the evaluations published on or before `peildatum` (one without a date is never
/// claimed for a date), or of every evaluation without it, ordered by key as the API lists them:
/// the open data export's list.
///
/// # Errors
/// The database error.
pub async fn published_by(
    db: &impl ConnectionTrait,
    peildatum: Option<NaiveDate>,
    window: Window,
) -> Result<Vec<evaluatie::Model>, DbErr> {
    let mut select = evaluatie::Entity::find();
    if let Some(peildatum) = peildatum {
        select = select.filter(evaluatie::Column::Datum.is_not_null()).filter(evaluatie::Column::Datum.lte(peildatum));
    }
    select.order_by_asc(evaluatie::Column::Sleutel).offset(window.offset).limit(window.limit).all(db).await
}

/// The motives, goals, risks and further findings of these evaluations, each in its stored order.
///
/// # Errors
/// The database error.
pub async fn parts_of(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Parts, DbErr> {
    use super::batch::rows_where_in;
    Ok(Parts {
        motieven: rows_where_in::<evaluatie_motief::Entity, _, _>(
            db,
            evaluatie_motief::Column::EvaluatieId,
            ids,
            evaluatie_motief::Column::Volgorde,
        )
        .await?,
        doelen: rows_where_in::<evaluatie_doel::Entity, _, _>(
            db,
            evaluatie_doel::Column::EvaluatieId,
            ids,
            evaluatie_doel::Column::Volgorde,
        )
        .await?,
        risicos: rows_where_in::<evaluatie_risico::Entity, _, _>(
            db,
            evaluatie_risico::Column::EvaluatieId,
            ids,
            evaluatie_risico::Column::Volgorde,
        )
        .await?,
        bevindingen: rows_where_in::<evaluatie_bevinding::Entity, _, _>(
            db,
            evaluatie_bevinding::Column::EvaluatieId,
            ids,
            evaluatie_bevinding::Column::Volgorde,
        )
        .await?,
    })
}

/// The parts of several evaluations, as [`parts_of`] reads them.
#[derive(Debug, Clone, Default)]
pub struct Parts {
    /// The motives, by evaluation and order.
    pub motieven: Vec<evaluatie_motief::Model>,
    /// The goals with their realisation.
    pub doelen: Vec<evaluatie_doel::Model>,
    /// The risks, and whether they were experienced.
    pub risicos: Vec<evaluatie_risico::Model>,
    /// The further findings.
    pub bevindingen: Vec<evaluatie_bevinding::Model>,
}
