//! A motive recorded by an evaluation.

use crate::domain::Motief;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluatie_motief")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub evaluatie_id: i32,
    pub volgorde: i32,
    pub motief: Motief,
    pub toelichting: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
