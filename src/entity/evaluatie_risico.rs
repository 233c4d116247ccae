//! A risk recorded by an evaluation, and whether it was experienced.

use crate::domain::Risico;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluatie_risico")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub evaluatie_id: i32,
    pub volgorde: i32,
    pub risico: Risico,
    pub ervaren: Option<bool>,
    pub toelichting: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
