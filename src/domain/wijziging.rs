//! Kinds of change recorded in the change log.

use async_graphql::Enum;
use sea_orm::sea_query::StringLen;
use sea_orm::{DeriveActiveEnum, EnumIter};

/// What a change did to its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum WijzigingSoort {
    /// The record was created.
    #[sea_orm(string_value = "AANGEMAAKT")]
    Aangemaakt,
    /// The record's attributes changed.
    #[sea_orm(string_value = "GEWIJZIGD")]
    Gewijzigd,
    /// The record's period was ended (history is kept).
    #[sea_orm(string_value = "BEEINDIGD")]
    Beeindigd,
    /// The record was deleted to correct a mistake.
    #[sea_orm(string_value = "VERWIJDERD")]
    Verwijderd,
}
