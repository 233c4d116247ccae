//! The registry's first schema: provinces, municipalities, herindelingen, ambtelijke fusies with
//! their deelnames, studies with their figures, evaluations, and the sources behind every record.
//!
//! Enumerations are stored as their upper-case names (text), so that a value added later needs no
//! table rebuild on SQLite. Dates are SQL `DATE`; an end date is the last day of validity, and a
//! CHECK keeps every period well-formed.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Provincie {
    Table,
    Id,
    Code,
    Naam,
    TooiUri,
}

#[derive(DeriveIden, Clone, Copy)]
enum Gemeente {
    Table,
    Id,
    Code,
    Naam,
    ProvincieId,
    Begindatum,
    Einddatum,
    TooiUri,
    Opmerking,
    Versie,
}

#[derive(DeriveIden, Clone, Copy)]
enum Herindeling {
    Table,
    Id,
    Sleutel,
    Soort,
    Datum,
    TooiUri,
    Opmerking,
    Versie,
}

#[derive(DeriveIden, Clone, Copy)]
enum HerindelingGemeente {
    Table,
    Id,
    HerindelingId,
    GemeenteId,
    Rol,
}

#[derive(DeriveIden, Clone, Copy)]
enum AmbtelijkeFusie {
    Table,
    Id,
    Sleutel,
    Vorm,
    Naam,
    Afkorting,
    Rechtsvorm,
    RechtsvormOmschrijving,
    Reikwijdte,
    Begindatum,
    Einddatum,
    Eindreden,
    EindredenToelichting,
    TooiSoId,
    CbsGrCode,
    OnzekereVelden,
    Opmerking,
    Versie,
}

#[derive(DeriveIden, Clone, Copy)]
enum Deelname {
    Table,
    Id,
    AmbtelijkeFusieId,
    GemeenteId,
    Rol,
    Begindatum,
    Einddatum,
    Taken,
    OnzekereVelden,
    Opmerking,
    Versie,
}

#[derive(DeriveIden, Clone, Copy)]
enum Onderzoek {
    Table,
    Id,
    Sleutel,
    Titel,
    Uitvoerder,
    Opdrachtgever,
    Publicatiedatum,
    Url,
    Kamerstuk,
    OnzekereVelden,
    Opmerking,
    Versie,
}

#[derive(DeriveIden, Clone, Copy)]
enum Kengetal {
    Table,
    Id,
    OnderzoekId,
    Sleutel,
    Soort,
    Peildatum,
    Waarde,
    Eenheid,
    Omschrijving,
    Opmerking,
}

#[derive(DeriveIden, Clone, Copy)]
enum Evaluatie {
    Table,
    Id,
    Sleutel,
    OnderzoekId,
    AmbtelijkeFusieId,
    Datum,
    Samenvatting,
    Tevredenheid,
    VoordelenWegenOp,
    OnzekereVelden,
    Opmerking,
    Versie,
}

#[derive(DeriveIden, Clone, Copy)]
enum EvaluatieMotief {
    Table,
    Id,
    EvaluatieId,
    Volgorde,
    Motief,
    Toelichting,
}

#[derive(DeriveIden, Clone, Copy)]
enum EvaluatieDoel {
    Table,
    Id,
    EvaluatieId,
    Volgorde,
    Doel,
    Realisatie,
    Streefwaarde,
    GerealiseerdeWaarde,
    Eenheid,
    Toelichting,
}

#[derive(DeriveIden, Clone, Copy)]
enum EvaluatieRisico {
    Table,
    Id,
    EvaluatieId,
    Volgorde,
    Risico,
    Ervaren,
    Toelichting,
}

#[derive(DeriveIden, Clone, Copy)]
enum Bron {
    Table,
    Id,
    Sleutel,
    Titel,
    Uitgever,
    Url,
    Datum,
    Opmerking,
}

#[derive(DeriveIden, Clone, Copy)]
enum Bronvermelding {
    Table,
    Id,
    BronId,
    GemeenteId,
    ProvincieId,
    HerindelingId,
    AmbtelijkeFusieId,
    OnderzoekId,
    EvaluatieId,
    Toelichting,
}

/// `einddatum` is null (still valid) or not before `begindatum`; an unknown begin cannot
/// contradict an end.
fn period_check<B, E>(begin: B, end: E) -> SimpleExpr
where
    B: IntoColumnRef + Copy,
    E: IntoColumnRef + Copy,
{
    Expr::col(end).is_null().or(Expr::col(begin).is_null()).or(Expr::col(end).gte(Expr::col(begin)))
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

/// A version counter for optimistic concurrency: every update names the version it read.
fn versie<T: IntoIden>(name: T) -> ColumnDef {
    integer(name).default(1).take()
}

/// Text column holding a comma-separated list of field names whose value is not verified.
fn onzekere_velden<T: IntoIden>(name: T) -> ColumnDef {
    text(name).default("").take()
}

impl Migration {
    async fn index<T, C>(manager: &SchemaManager<'_>, name: &str, table: T, columns: &[C]) -> Result<(), DbErr>
    where
        T: IntoIden + Copy + 'static,
        C: IntoIden + Copy + 'static,
    {
        let mut index = Index::create();
        index.name(name).table(table);
        for column in columns {
            index.col(*column);
        }
        manager.create_index(index.take()).await
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict};

        manager
            .create_table(
                Table::create()
                    .table(Provincie::Table)
                    .col(pk_auto(Provincie::Id))
                    .col(string_len_uniq(Provincie::Code, 4))
                    .col(string(Provincie::Naam))
                    .col(string_null(Provincie::TooiUri))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Gemeente::Table)
                    .col(pk_auto(Gemeente::Id))
                    .col(string_len_uniq(Gemeente::Code, 6))
                    .col(string(Gemeente::Naam))
                    .col(integer(Gemeente::ProvincieId))
                    .col(date_null(Gemeente::Begindatum))
                    .col(date_null(Gemeente::Einddatum))
                    .col(string_null(Gemeente::TooiUri))
                    .col(text_null(Gemeente::Opmerking))
                    .col(versie(Gemeente::Versie))
                    .check(period_check(Gemeente::Begindatum, Gemeente::Einddatum))
                    .foreign_key(&mut foreign_key(
                        Gemeente::Table,
                        Gemeente::ProvincieId,
                        Provincie::Table,
                        Provincie::Id,
                        Restrict,
                    ))
                    .take(),
            )
            .await?;
        Self::index(manager, "idx_gemeente_provincie", Gemeente::Table, &[Gemeente::ProvincieId]).await?;

        manager
            .create_table(
                Table::create()
                    .table(Herindeling::Table)
                    .col(pk_auto(Herindeling::Id))
                    .col(string_uniq(Herindeling::Sleutel))
                    .col(string_len(Herindeling::Soort, 40))
                    .col(date(Herindeling::Datum))
                    .col(string_null(Herindeling::TooiUri))
                    .col(text_null(Herindeling::Opmerking))
                    .col(versie(Herindeling::Versie))
                    .take(),
            )
            .await?;
        Self::index(manager, "idx_herindeling_datum", Herindeling::Table, &[Herindeling::Datum]).await?;

        manager
            .create_table(
                Table::create()
                    .table(HerindelingGemeente::Table)
                    .col(pk_auto(HerindelingGemeente::Id))
                    .col(integer(HerindelingGemeente::HerindelingId))
                    .col(integer(HerindelingGemeente::GemeenteId))
                    .col(string_len(HerindelingGemeente::Rol, 40))
                    .foreign_key(&mut foreign_key(
                        HerindelingGemeente::Table,
                        HerindelingGemeente::HerindelingId,
                        Herindeling::Table,
                        Herindeling::Id,
                        Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        HerindelingGemeente::Table,
                        HerindelingGemeente::GemeenteId,
                        Gemeente::Table,
                        Gemeente::Id,
                        Restrict,
                    ))
                    .index(
                        Index::create()
                            .name("uq_herindeling_gemeente")
                            .unique()
                            .col(HerindelingGemeente::HerindelingId)
                            .col(HerindelingGemeente::GemeenteId)
                            .col(HerindelingGemeente::Rol),
                    )
                    .take(),
            )
            .await?;
        Self::index(
            manager,
            "idx_herindeling_gemeente_gemeente",
            HerindelingGemeente::Table,
            &[HerindelingGemeente::GemeenteId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(AmbtelijkeFusie::Table)
                    .col(pk_auto(AmbtelijkeFusie::Id))
                    .col(string_uniq(AmbtelijkeFusie::Sleutel))
                    .col(string_len(AmbtelijkeFusie::Vorm, 40))
                    .col(string(AmbtelijkeFusie::Naam))
                    .col(string_null(AmbtelijkeFusie::Afkorting))
                    .col(string_len(AmbtelijkeFusie::Rechtsvorm, 40))
                    .col(text_null(AmbtelijkeFusie::RechtsvormOmschrijving))
                    .col(string_len(AmbtelijkeFusie::Reikwijdte, 40))
                    .col(date_null(AmbtelijkeFusie::Begindatum))
                    .col(date_null(AmbtelijkeFusie::Einddatum))
                    .col(string_len_null(AmbtelijkeFusie::Eindreden, 40))
                    .col(text_null(AmbtelijkeFusie::EindredenToelichting))
                    .col(string_null(AmbtelijkeFusie::TooiSoId))
                    .col(string_null(AmbtelijkeFusie::CbsGrCode))
                    .col(onzekere_velden(AmbtelijkeFusie::OnzekereVelden))
                    .col(text_null(AmbtelijkeFusie::Opmerking))
                    .col(versie(AmbtelijkeFusie::Versie))
                    .check(period_check(AmbtelijkeFusie::Begindatum, AmbtelijkeFusie::Einddatum))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Deelname::Table)
                    .col(pk_auto(Deelname::Id))
                    .col(integer(Deelname::AmbtelijkeFusieId))
                    .col(integer(Deelname::GemeenteId))
                    .col(string_len(Deelname::Rol, 40))
                    .col(date_null(Deelname::Begindatum))
                    .col(date_null(Deelname::Einddatum))
                    .col(text_null(Deelname::Taken))
                    .col(onzekere_velden(Deelname::OnzekereVelden))
                    .col(text_null(Deelname::Opmerking))
                    .col(versie(Deelname::Versie))
                    .check(period_check(Deelname::Begindatum, Deelname::Einddatum))
                    .foreign_key(&mut foreign_key(
                        Deelname::Table,
                        Deelname::AmbtelijkeFusieId,
                        AmbtelijkeFusie::Table,
                        AmbtelijkeFusie::Id,
                        Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        Deelname::Table,
                        Deelname::GemeenteId,
                        Gemeente::Table,
                        Gemeente::Id,
                        Restrict,
                    ))
                    .take(),
            )
            .await?;
        Self::index(manager, "idx_deelname_fusie", Deelname::Table, &[Deelname::AmbtelijkeFusieId]).await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_deelname_periode")
                    .unique()
                    .table(Deelname::Table)
                    .col(Deelname::AmbtelijkeFusieId)
                    .col(Deelname::GemeenteId)
                    .col(Deelname::Begindatum)
                    .take(),
            )
            .await?;
        Self::index(manager, "idx_deelname_gemeente", Deelname::Table, &[Deelname::GemeenteId]).await?;

        manager
            .create_table(
                Table::create()
                    .table(Onderzoek::Table)
                    .col(pk_auto(Onderzoek::Id))
                    .col(string_uniq(Onderzoek::Sleutel))
                    .col(text(Onderzoek::Titel))
                    .col(string(Onderzoek::Uitvoerder))
                    .col(string_null(Onderzoek::Opdrachtgever))
                    .col(date_null(Onderzoek::Publicatiedatum))
                    .col(text_null(Onderzoek::Url))
                    .col(string_null(Onderzoek::Kamerstuk))
                    .col(onzekere_velden(Onderzoek::OnzekereVelden))
                    .col(text_null(Onderzoek::Opmerking))
                    .col(versie(Onderzoek::Versie))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Kengetal::Table)
                    .col(pk_auto(Kengetal::Id))
                    .col(integer(Kengetal::OnderzoekId))
                    .col(string(Kengetal::Sleutel))
                    .col(string_len(Kengetal::Soort, 60))
                    .col(date_null(Kengetal::Peildatum))
                    .col(double(Kengetal::Waarde))
                    .col(string_null(Kengetal::Eenheid))
                    .col(text(Kengetal::Omschrijving))
                    .col(text_null(Kengetal::Opmerking))
                    .foreign_key(&mut foreign_key(
                        Kengetal::Table,
                        Kengetal::OnderzoekId,
                        Onderzoek::Table,
                        Onderzoek::Id,
                        Cascade,
                    ))
                    .index(
                        Index::create()
                            .name("uq_kengetal_sleutel")
                            .unique()
                            .col(Kengetal::OnderzoekId)
                            .col(Kengetal::Sleutel),
                    )
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Evaluatie::Table)
                    .col(pk_auto(Evaluatie::Id))
                    .col(string_uniq(Evaluatie::Sleutel))
                    .col(integer_null(Evaluatie::OnderzoekId))
                    .col(integer_null(Evaluatie::AmbtelijkeFusieId))
                    .col(date_null(Evaluatie::Datum))
                    .col(text(Evaluatie::Samenvatting))
                    .col(string_len(Evaluatie::Tevredenheid, 40))
                    .col(boolean_null(Evaluatie::VoordelenWegenOp))
                    .col(onzekere_velden(Evaluatie::OnzekereVelden))
                    .col(text_null(Evaluatie::Opmerking))
                    .col(versie(Evaluatie::Versie))
                    .foreign_key(&mut foreign_key(
                        Evaluatie::Table,
                        Evaluatie::OnderzoekId,
                        Onderzoek::Table,
                        Onderzoek::Id,
                        Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        Evaluatie::Table,
                        Evaluatie::AmbtelijkeFusieId,
                        AmbtelijkeFusie::Table,
                        AmbtelijkeFusie::Id,
                        Cascade,
                    ))
                    .take(),
            )
            .await?;
        Self::index(manager, "idx_evaluatie_onderzoek", Evaluatie::Table, &[Evaluatie::OnderzoekId]).await?;
        Self::index(manager, "idx_evaluatie_fusie", Evaluatie::Table, &[Evaluatie::AmbtelijkeFusieId]).await?;

        manager
            .create_table(
                Table::create()
                    .table(EvaluatieMotief::Table)
                    .col(pk_auto(EvaluatieMotief::Id))
                    .col(integer(EvaluatieMotief::EvaluatieId))
                    .col(integer(EvaluatieMotief::Volgorde))
                    .col(string_len(EvaluatieMotief::Motief, 60))
                    .col(text_null(EvaluatieMotief::Toelichting))
                    .foreign_key(&mut foreign_key(
                        EvaluatieMotief::Table,
                        EvaluatieMotief::EvaluatieId,
                        Evaluatie::Table,
                        Evaluatie::Id,
                        Cascade,
                    ))
                    .take(),
            )
            .await?;
        Self::index(manager, "idx_evaluatie_motief_evaluatie", EvaluatieMotief::Table, &[EvaluatieMotief::EvaluatieId])
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(EvaluatieDoel::Table)
                    .col(pk_auto(EvaluatieDoel::Id))
                    .col(integer(EvaluatieDoel::EvaluatieId))
                    .col(integer(EvaluatieDoel::Volgorde))
                    .col(string_len(EvaluatieDoel::Doel, 60))
                    .col(string_len(EvaluatieDoel::Realisatie, 40))
                    .col(double_null(EvaluatieDoel::Streefwaarde))
                    .col(double_null(EvaluatieDoel::GerealiseerdeWaarde))
                    .col(string_null(EvaluatieDoel::Eenheid))
                    .col(text_null(EvaluatieDoel::Toelichting))
                    .foreign_key(&mut foreign_key(
                        EvaluatieDoel::Table,
                        EvaluatieDoel::EvaluatieId,
                        Evaluatie::Table,
                        Evaluatie::Id,
                        Cascade,
                    ))
                    .take(),
            )
            .await?;
        Self::index(manager, "idx_evaluatie_doel_evaluatie", EvaluatieDoel::Table, &[EvaluatieDoel::EvaluatieId])
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(EvaluatieRisico::Table)
                    .col(pk_auto(EvaluatieRisico::Id))
                    .col(integer(EvaluatieRisico::EvaluatieId))
                    .col(integer(EvaluatieRisico::Volgorde))
                    .col(string_len(EvaluatieRisico::Risico, 60))
                    .col(boolean_null(EvaluatieRisico::Ervaren))
                    .col(text_null(EvaluatieRisico::Toelichting))
                    .foreign_key(&mut foreign_key(
                        EvaluatieRisico::Table,
                        EvaluatieRisico::EvaluatieId,
                        Evaluatie::Table,
                        Evaluatie::Id,
                        Cascade,
                    ))
                    .take(),
            )
            .await?;
        Self::index(manager, "idx_evaluatie_risico_evaluatie", EvaluatieRisico::Table, &[EvaluatieRisico::EvaluatieId])
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Bron::Table)
                    .col(pk_auto(Bron::Id))
                    .col(string_uniq(Bron::Sleutel))
                    .col(text(Bron::Titel))
                    .col(string_null(Bron::Uitgever))
                    .col(text_null(Bron::Url))
                    .col(date_null(Bron::Datum))
                    .col(text_null(Bron::Opmerking))
                    .take(),
            )
            .await?;

        // One citation row per (source, record). The record is one of several kinds; each kind
        // has its own nullable foreign key so that the database, not the code, guarantees that a
        // citation points at something that exists.
        let owners = [
            Bronvermelding::GemeenteId,
            Bronvermelding::ProvincieId,
            Bronvermelding::HerindelingId,
            Bronvermelding::AmbtelijkeFusieId,
            Bronvermelding::OnderzoekId,
            Bronvermelding::EvaluatieId,
        ];
        let exactly_one_owner = owners
            .iter()
            .map(|owner| Expr::case(Expr::col(*owner).is_not_null(), 1).finally(0).into())
            .reduce(|sum: SimpleExpr, term: SimpleExpr| sum.add(term))
            .map(|sum| sum.eq(1));
        let mut bronvermelding = Table::create();
        bronvermelding
            .table(Bronvermelding::Table)
            .col(pk_auto(Bronvermelding::Id))
            .col(integer(Bronvermelding::BronId))
            .col(integer_null(Bronvermelding::GemeenteId))
            .col(integer_null(Bronvermelding::ProvincieId))
            .col(integer_null(Bronvermelding::HerindelingId))
            .col(integer_null(Bronvermelding::AmbtelijkeFusieId))
            .col(integer_null(Bronvermelding::OnderzoekId))
            .col(integer_null(Bronvermelding::EvaluatieId))
            .col(text_null(Bronvermelding::Toelichting))
            .foreign_key(&mut foreign_key(
                Bronvermelding::Table,
                Bronvermelding::BronId,
                Bron::Table,
                Bron::Id,
                Restrict,
            ))
            .foreign_key(&mut foreign_key(
                Bronvermelding::Table,
                Bronvermelding::GemeenteId,
                Gemeente::Table,
                Gemeente::Id,
                Cascade,
            ))
            .foreign_key(&mut foreign_key(
                Bronvermelding::Table,
                Bronvermelding::ProvincieId,
                Provincie::Table,
                Provincie::Id,
                Cascade,
            ))
            .foreign_key(&mut foreign_key(
                Bronvermelding::Table,
                Bronvermelding::HerindelingId,
                Herindeling::Table,
                Herindeling::Id,
                Cascade,
            ))
            .foreign_key(&mut foreign_key(
                Bronvermelding::Table,
                Bronvermelding::AmbtelijkeFusieId,
                AmbtelijkeFusie::Table,
                AmbtelijkeFusie::Id,
                Cascade,
            ))
            .foreign_key(&mut foreign_key(
                Bronvermelding::Table,
                Bronvermelding::OnderzoekId,
                Onderzoek::Table,
                Onderzoek::Id,
                Cascade,
            ))
            .foreign_key(&mut foreign_key(
                Bronvermelding::Table,
                Bronvermelding::EvaluatieId,
                Evaluatie::Table,
                Evaluatie::Id,
                Cascade,
            ));
        if let Some(check) = exactly_one_owner {
            bronvermelding.check(check);
        }
        manager.create_table(bronvermelding.take()).await?;
        Self::index(manager, "idx_bronvermelding_bron", Bronvermelding::Table, &[Bronvermelding::BronId]).await?;
        for (name, owner) in [
            ("idx_bronvermelding_gemeente", Bronvermelding::GemeenteId),
            ("idx_bronvermelding_provincie", Bronvermelding::ProvincieId),
            ("idx_bronvermelding_herindeling", Bronvermelding::HerindelingId),
            ("idx_bronvermelding_fusie", Bronvermelding::AmbtelijkeFusieId),
            ("idx_bronvermelding_onderzoek", Bronvermelding::OnderzoekId),
            ("idx_bronvermelding_evaluatie", Bronvermelding::EvaluatieId),
        ] {
            Self::index(manager, name, Bronvermelding::Table, &[owner]).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Bronvermelding::Table.into_iden(),
            Bron::Table.into_iden(),
            EvaluatieRisico::Table.into_iden(),
            EvaluatieDoel::Table.into_iden(),
            EvaluatieMotief::Table.into_iden(),
            Evaluatie::Table.into_iden(),
            Kengetal::Table.into_iden(),
            Onderzoek::Table.into_iden(),
            Deelname::Table.into_iden(),
            AmbtelijkeFusie::Table.into_iden(),
            HerindelingGemeente::Table.into_iden(),
            Herindeling::Table.into_iden(),
            Gemeente::Table.into_iden(),
            Provincie::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
