//! A goal recorded by an evaluation, with its realisation.

use crate::domain::{Doel, Realisatie};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluatie_doel")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub evaluatie_id: i32,
    pub volgorde: i32,
    pub doel: Doel,
    pub realisatie: Realisatie,
    pub streefwaarde: Option<f64>,
    pub gerealiseerde_waarde: Option<f64>,
    pub eenheid: Option<String>,
    pub toelichting: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
