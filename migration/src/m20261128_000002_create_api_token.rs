//! API tokens for writes. Only a SHA-256 hash of each token is stored; the token itself is shown
//! once, when it is created.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ApiToken {
    Table,
    Id,
    Naam,
    Rol,
    Hash,
    Aangemaakt,
    Ingetrokken,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ApiToken::Table)
                    .col(pk_auto(ApiToken::Id))
                    .col(string_uniq(ApiToken::Naam))
                    .col(string_len(ApiToken::Rol, 20))
                    .col(string_len_uniq(ApiToken::Hash, 64))
                    .col(timestamp_with_time_zone(ApiToken::Aangemaakt))
                    .col(timestamp_with_time_zone_null(ApiToken::Ingetrokken))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ApiToken::Table).take()).await
    }
}
