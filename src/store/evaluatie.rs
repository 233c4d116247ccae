//! Evaluation outcomes: the lookups and writes of the evaluation use-case. (The API's list of
//! evaluations is read in [`super::fusie::evaluaties`].)

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

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
