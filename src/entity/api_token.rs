//! An API token: a name, a role and the SHA-256 hash of the secret.

use sea_orm::entity::prelude::*;

use crate::domain::TokenRol;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "api_token")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub naam: String,
    pub rol: TokenRol,
    pub hash: String,
    pub aangemaakt: DateTimeUtc,
    pub ingetrokken: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
