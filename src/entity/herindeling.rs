//! Municipal reorganisation on one date.

use crate::domain::HerindelingSoort;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "herindeling")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub sleutel: String,
    pub soort: HerindelingSoort,
    pub datum: Date,
    pub tooi_uri: Option<String>,
    pub opmerking: Option<String>,
    pub versie: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
