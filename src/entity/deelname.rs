//! One municipality's participation in one ambtelijke fusie, with role and period.

use crate::domain::{MissingBegin, Periode, Rol};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "deelname")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub ambtelijke_fusie_id: i32,
    pub gemeente_id: i32,
    pub rol: Rol,
    pub begindatum: Option<Date>,
    pub einddatum: Option<Date>,
    pub taken: Option<String>,
    pub onzekere_velden: String,
    pub opmerking: Option<String>,
    pub versie: i32,
}

impl Model {
    /// Whether the deelname certainly runs on `peildatum`: one without begin date is not claimed
    /// for any date, and a stored end before the begin (which the database refuses) matches none,
    /// as in SQL.
    pub fn runs_on(&self, peildatum: Date) -> bool {
        Periode::new(self.begindatum, self.einddatum).is_ok_and(|p| p.is_valid_on(peildatum, MissingBegin::Unknown))
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The participating municipality; used by the statistics join.
    #[sea_orm(belongs_to = "super::gemeente::Entity", from = "Column::GemeenteId", to = "super::gemeente::Column::Id")]
    Gemeente,
}

impl Related<super::gemeente::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Gemeente.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
