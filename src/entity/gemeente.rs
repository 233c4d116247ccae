//! Municipality (gemeente) with its period of existence.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "gemeente")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub code: String,
    pub naam: String,
    pub provincie_id: i32,
    pub begindatum: Option<Date>,
    pub einddatum: Option<Date>,
    pub tooi_uri: Option<String>,
    pub opmerking: Option<String>,
    pub versie: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
