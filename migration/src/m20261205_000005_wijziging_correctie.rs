//! Whether a change corrects what the register knew (`wijziging.correctie`), as opposed to
//! recording something that happened in the world: a corrected name or date, a record deleted
//! because it should never have existed. Auditors ask for the two apart.
//!
//! Additive: changes logged before this migration count as no correction.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Wijziging {
    Table,
    Correctie,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Wijziging::Table).add_column(boolean(Wijziging::Correctie).default(false)).take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Wijziging::Table).drop_column(Wijziging::Correctie).take()).await
    }
}
