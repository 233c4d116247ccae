//! A figure a study published.

use crate::domain::KengetalSoort;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "kengetal")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub onderzoek_id: i32,
    pub sleutel: String,
    pub soort: KengetalSoort,
    pub peildatum: Option<Date>,
    pub waarde: f64,
    pub eenheid: Option<String>,
    pub omschrijving: String,
    pub opmerking: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
