//! A citation: one source backing one record (exactly one owner column is set).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "bronvermelding")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub bron_id: i32,
    pub gemeente_id: Option<i32>,
    pub provincie_id: Option<i32>,
    pub herindeling_id: Option<i32>,
    pub ambtelijke_fusie_id: Option<i32>,
    pub onderzoek_id: Option<i32>,
    pub evaluatie_id: Option<i32>,
    pub toelichting: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
