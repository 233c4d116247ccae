//! A municipality's part in a herindeling: abolished, receiving or new.

use crate::domain::HerindelingRol;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "herindeling_gemeente")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub herindeling_id: i32,
    pub gemeente_id: i32,
    pub rol: HerindelingRol,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
