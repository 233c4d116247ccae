//! The change log: one `wijziging` per committed change, numbered without gaps in commit order.
//!
//! `register_teller` holds the last number handed out, in a single row. Every writing
//! transaction updates that row first, which serialises writers on SQLite and PostgreSQL alike:
//! numbers are taken and committed in the same order, and a rolled-back transaction gives its
//! numbers back.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Wijziging {
    Table,
    Volgnummer,
    Tijdstip,
    Soort,
    Entiteit,
    EntiteitId,
    Door,
    Gegevens,
}

#[derive(DeriveIden, Clone, Copy)]
enum RegisterTeller {
    Table,
    Id,
    LaatsteVolgnummer,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Wijziging::Table)
                    .col(big_integer(Wijziging::Volgnummer).primary_key())
                    .col(timestamp_with_time_zone(Wijziging::Tijdstip))
                    .col(string_len(Wijziging::Soort, 20))
                    .col(string_len(Wijziging::Entiteit, 40))
                    .col(string(Wijziging::EntiteitId))
                    .col(string(Wijziging::Door))
                    .col(text_null(Wijziging::Gegevens))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_wijziging_entiteit")
                    .table(Wijziging::Table)
                    .col(Wijziging::EntiteitId)
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RegisterTeller::Table)
                    .col(integer(RegisterTeller::Id).primary_key())
                    .col(big_integer(RegisterTeller::LaatsteVolgnummer).default(0))
                    .take(),
            )
            .await?;
        let mut first_row = Query::insert();
        first_row
            .into_table(RegisterTeller::Table)
            .columns([RegisterTeller::Id, RegisterTeller::LaatsteVolgnummer])
            .values([1.into(), 0.into()])
            .map_err(|e| DbErr::Migration(e.to_string()))?;
        manager.exec_stmt(first_row).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(RegisterTeller::Table).take()).await?;
        manager.drop_table(Table::drop().table(Wijziging::Table).take()).await
    }
}
