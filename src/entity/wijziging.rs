//! One committed change of the registry, numbered without gaps in commit order.

use crate::domain::{Entiteit, WijzigingSoort};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "wijziging")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub volgnummer: i64,
    pub tijdstip: DateTimeUtc,
    pub soort: WijzigingSoort,
    pub entiteit: Entiteit,
    pub entiteit_id: String,
    pub door: String,
    pub gegevens: Option<String>,
    pub correctie: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
