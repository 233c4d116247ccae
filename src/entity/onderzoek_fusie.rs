//! An organisation a study counted or described, matched to the registry's ambtelijke fusie where
//! the registry holds it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "onderzoek_fusie")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub onderzoek_id: i32,
    pub volgorde: i32,
    /// The organisation's name as the source gives it.
    pub naam: String,
    /// `None` when the registry does not hold the organisation.
    pub ambtelijke_fusie_id: Option<i32>,
    /// The source that ties the organisation to the study.
    pub bron_id: Option<i32>,
    pub toelichting: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
