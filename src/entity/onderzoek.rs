//! A study about ambtelijke fusies.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "onderzoek")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub sleutel: String,
    pub titel: String,
    pub uitvoerder: String,
    pub opdrachtgever: Option<String>,
    pub publicatiedatum: Option<Date>,
    pub url: Option<String>,
    pub kamerstuk: Option<String>,
    pub onzekere_velden: String,
    pub opmerking: Option<String>,
    pub versie: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
