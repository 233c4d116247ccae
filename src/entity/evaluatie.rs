//! The outcome of a study or report, for one ambtelijke fusie or for all a study covered.

use crate::domain::{Realisatie, Tevredenheid};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluatie")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub sleutel: String,
    pub onderzoek_id: Option<i32>,
    pub ambtelijke_fusie_id: Option<i32>,
    pub datum: Option<Date>,
    pub samenvatting: String,
    pub tevredenheid: Tevredenheid,
    pub voordelen_wegen_op: Option<bool>,
    /// Realisation of the goals as a whole, where the source judges only that.
    pub doelrealisatie: Option<Realisatie>,
    pub doelrealisatie_toelichting: Option<String>,
    pub onzekere_velden: String,
    pub opmerking: Option<String>,
    pub versie: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
