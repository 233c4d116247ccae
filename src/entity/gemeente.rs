//! Municipality (gemeente) with its period of existence.

use crate::domain::{MissingBegin, Periode};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "gemeente")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub code: String,
    pub naam: String,
    pub provincie_id: i32,
    pub begindatum: Option<Date>,
    pub einddatum: Option<Date>,
    pub tooi_uri: Option<String>,
    pub opmerking: Option<String>,
    pub versie: i32,
}

impl Model {
    /// Whether the municipality exists on `peildatum`. One without begin date existed before the
    /// register's coverage; a stored end before the begin (which the database refuses) matches no
    /// date, as in SQL.
    pub fn exists_on(&self, peildatum: Date) -> bool {
        Periode::new(self.begindatum, self.einddatum).is_ok_and(|p| p.is_valid_on(peildatum, MissingBegin::Open))
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
