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

/// The type of a record in the change log. The GraphQL values are the record types' own names
/// (as `__typename` gives them), which is also how the log stores them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
#[graphql(rename_items = "PascalCase")]
pub enum Entiteit {
    /// A province.
    #[sea_orm(string_value = "Provincie")]
    Provincie,
    /// A municipality.
    #[sea_orm(string_value = "Gemeente")]
    Gemeente,
    /// A fusieorganisatie or centrumconstructie.
    #[sea_orm(string_value = "AmbtelijkeFusie")]
    AmbtelijkeFusie,
    /// A municipality's participation in an ambtelijke fusie.
    #[sea_orm(string_value = "Deelname")]
    Deelname,
    /// A municipal boundary reorganisation.
    #[sea_orm(string_value = "Herindeling")]
    Herindeling,
    /// A study of ambtelijke fusies.
    #[sea_orm(string_value = "Onderzoek")]
    Onderzoek,
    /// A figure reported by a study.
    #[sea_orm(string_value = "Kengetal")]
    Kengetal,
    /// An evaluation of an ambtelijke fusie.
    #[sea_orm(string_value = "Evaluatie")]
    Evaluatie,
    /// A source document.
    #[sea_orm(string_value = "Bron")]
    Bron,
}
