//! A further finding of an evaluation, in the order its source gives it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluatie_bevinding")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub evaluatie_id: i32,
    pub volgorde: i32,
    pub omschrijving: String,
    /// The source's own words, in Dutch.
    pub citaat: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
