//! What an evaluation's sources support, and which ambtelijke fusies a study covered.
//!
//! - `evaluatie.doelrealisatie` (+ `doelrealisatie_toelichting`): a judgement on the goals as a
//!   whole, for sources that say only that "the goals are being met" without a result per goal.
//! - `evaluatie_bevinding`: further findings of an evaluation in its source's words (e.g. the forms
//!   a study describes), kept in the source's order.
//! - `onderzoek_fusie`: an organisation a study counted or described, by the name the source uses,
//!   linked to the registry's ambtelijke fusie where the registry holds it (null where it does not),
//!   with the source that attributes it.
//!
//! Every change is additive: existing rows keep their meaning, the new column is nullable.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Evaluatie {
    Table,
    Id,
    Doelrealisatie,
    DoelrealisatieToelichting,
}

#[derive(DeriveIden, Clone, Copy)]
enum EvaluatieBevinding {
    Table,
    Id,
    EvaluatieId,
    Volgorde,
    Omschrijving,
    Citaat,
}

#[derive(DeriveIden, Clone, Copy)]
enum OnderzoekFusie {
    Table,
    Id,
    OnderzoekId,
    Volgorde,
    Naam,
    AmbtelijkeFusieId,
    BronId,
    Toelichting,
}

#[derive(DeriveIden, Clone, Copy)]
enum Onderzoek {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum AmbtelijkeFusie {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Bron {
    Table,
    Id,
}

fn foreign_key<F, C, T, P>(
    from: F,
    column: C,
    to: T,
    to_column: P,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement
where
    F: IntoIden + Copy + 'static,
    C: IntoIden + Copy + 'static,
    T: IntoIden + Copy + 'static,
    P: IntoIden + Copy + 'static,
{
    ForeignKey::create()
        .from(from, column)
        .to(to, to_column)
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::Cascade)
        .take()
}

async fn index<T, C>(manager: &SchemaManager<'_>, name: &str, table: T, column: C) -> Result<(), DbErr>
where
    T: IntoIden + 'static,
    C: IntoIden + 'static,
{
    manager.create_index(Index::create().name(name).table(table).col(column).take()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict, SetNull};

        // One column per statement: SQLite adds only one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(Evaluatie::Table)
                    .add_column(string_len_null(Evaluatie::Doelrealisatie, 40))
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Evaluatie::Table)
                    .add_column(text_null(Evaluatie::DoelrealisatieToelichting))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(EvaluatieBevinding::Table)
                    .col(pk_auto(EvaluatieBevinding::Id))
                    .col(integer(EvaluatieBevinding::EvaluatieId))
                    .col(integer(EvaluatieBevinding::Volgorde))
                    .col(text(EvaluatieBevinding::Omschrijving))
                    .col(text_null(EvaluatieBevinding::Citaat))
                    .foreign_key(&mut foreign_key(
                        EvaluatieBevinding::Table,
                        EvaluatieBevinding::EvaluatieId,
                        Evaluatie::Table,
                        Evaluatie::Id,
                        Cascade,
                    ))
                    .take(),
            )
            .await?;
        index(manager, "idx_evaluatie_bevinding_evaluatie", EvaluatieBevinding::Table, EvaluatieBevinding::EvaluatieId)
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OnderzoekFusie::Table)
                    .col(pk_auto(OnderzoekFusie::Id))
                    .col(integer(OnderzoekFusie::OnderzoekId))
                    .col(integer(OnderzoekFusie::Volgorde))
                    .col(string(OnderzoekFusie::Naam))
                    .col(integer_null(OnderzoekFusie::AmbtelijkeFusieId))
                    .col(integer_null(OnderzoekFusie::BronId))
                    .col(text_null(OnderzoekFusie::Toelichting))
                    .foreign_key(&mut foreign_key(
                        OnderzoekFusie::Table,
                        OnderzoekFusie::OnderzoekId,
                        Onderzoek::Table,
                        Onderzoek::Id,
                        Cascade,
                    ))
                    // A corrected-away fusie leaves the study's entry, now unmatched, in place.
                    .foreign_key(&mut foreign_key(
                        OnderzoekFusie::Table,
                        OnderzoekFusie::AmbtelijkeFusieId,
                        AmbtelijkeFusie::Table,
                        AmbtelijkeFusie::Id,
                        SetNull,
                    ))
                    .foreign_key(&mut foreign_key(
                        OnderzoekFusie::Table,
                        OnderzoekFusie::BronId,
                        Bron::Table,
                        Bron::Id,
                        Restrict,
                    ))
                    .take(),
            )
            .await?;
        index(manager, "idx_onderzoek_fusie_onderzoek", OnderzoekFusie::Table, OnderzoekFusie::OnderzoekId).await?;
        index(manager, "idx_onderzoek_fusie_fusie", OnderzoekFusie::Table, OnderzoekFusie::AmbtelijkeFusieId).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(OnderzoekFusie::Table).take()).await?;
        manager.drop_table(Table::drop().table(EvaluatieBevinding::Table).take()).await?;
        manager
            .alter_table(
                Table::alter().table(Evaluatie::Table).drop_column(Evaluatie::DoelrealisatieToelichting).take(),
            )
            .await?;
        manager.alter_table(Table::alter().table(Evaluatie::Table).drop_column(Evaluatie::Doelrealisatie).take()).await
    }
}
