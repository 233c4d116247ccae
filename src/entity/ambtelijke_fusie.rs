//! Ambtelijke fusie: a fusieorganisatie or a centrumconstructie, told apart by `vorm`.

use crate::domain::{Eindreden, Rechtsvorm, Reikwijdte, Vorm};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "ambtelijke_fusie")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub sleutel: String,
    pub vorm: Vorm,
    pub naam: String,
    pub afkorting: Option<String>,
    pub rechtsvorm: Rechtsvorm,
    pub rechtsvorm_omschrijving: Option<String>,
    pub reikwijdte: Reikwijdte,
    pub begindatum: Option<Date>,
    pub einddatum: Option<Date>,
    pub eindreden: Option<Eindreden>,
    pub eindreden_toelichting: Option<String>,
    pub tooi_so_id: Option<String>,
    pub cbs_gr_code: Option<String>,
    pub onzekere_velden: String,
    pub opmerking: Option<String>,
    pub versie: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
