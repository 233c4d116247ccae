//! A public source.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "bron")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub sleutel: String,
    pub titel: String,
    pub uitgever: Option<String>,
    pub url: Option<String>,
    pub datum: Option<Date>,
    pub opmerking: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
