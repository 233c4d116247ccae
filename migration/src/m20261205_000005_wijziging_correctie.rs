//! Whether a change corrects what the register knew (`wijziging.correctie`), as opposed to
//! recording something that happened in the world: a corrected name or date, a record deleted
//! because it should never have existed. Auditors ask for the two apart.
//!
//! With it, an index on `(entiteit_id, volgnummer)`: a record's formal history (`geschiedenis`)
//! reads its changes by the record's ID.
//!
//! Additive: changes logged before this migration count as no correction.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Wijziging {
    Table,
    Correctie,
    EntiteitId,
    Volgnummer,
}

const HISTORY_INDEX: &str = "idx_wijziging_entiteit_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Wijziging::Table).add_column(boolean(Wijziging::Correctie).default(false)).take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(HISTORY_INDEX)
                    .table(Wijziging::Table)
                    .col(Wijziging::EntiteitId)
                    .col(Wijziging::Volgnummer)
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name(HISTORY_INDEX).table(Wijziging::Table).to_owned()).await?;
        manager.alter_table(Table::alter().table(Wijziging::Table).drop_column(Wijziging::Correctie).take()).await
    }
}
