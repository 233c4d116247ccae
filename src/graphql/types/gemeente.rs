//! Municipalities and provinces.

use std::collections::{BTreeSet, HashSet};

use async_graphql::{Context, ID, Object};

use super::bron::{Bron, bronnen};
use super::fusie::{AmbtelijkeFusie, Deelname, deelname_order, fusie_order};
use super::herindeling::Herindeling;
use super::wijziging::{Wijziging, history_of};
use crate::domain::{HerindelingRol, NodeId};
use crate::entity::{gemeente, herindeling, herindeling_gemeente, provincie};
use crate::error::AppError;
use crate::graphql::context::{loaders, many, required, several};
use crate::graphql::loaders::{
    BronnenOfGemeente, BronnenOfProvincie, DeelnamesOfGemeente, FusieId, GemeenteId, GemeentenOfHerindeling,
    GemeentenOfProvincie, HerindelingId, HerindelingenOfGemeente, ProvincieId,
};
use crate::graphql::scalars::Date;

pub struct Provincie(pub provincie::Model);

/// A Dutch province (provincie), identified by its CBS code `PV` + two digits.
#[Object]
impl Provincie {
    /// Global ID (Relay), derived from the CBS code.
    pub async fn id(&self) -> ID {
        ID(NodeId::Provincie(self.0.code.clone()).encode())
    }

    /// The record's formal history: every logged change of it, oldest first, with its time, its
    /// author, whether it corrected the register, and the record's state after it. A shipped
    /// record's first change is the bundled dataset's load.
    async fn geschiedenis(&self, ctx: &Context<'_>) -> Result<Vec<Wijziging>, AppError> {
        history_of(ctx, &NodeId::Provincie(self.0.code.clone())).await
    }

    /// CBS province code, e.g. `PV27` (Noord-Holland).
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Official name.
    async fn naam(&self) -> &str {
        &self.0.naam
    }

    /// Identifier in the government's TOOI register.
    async fn tooi_uri(&self) -> Option<&str> {
        self.0.tooi_uri.as_deref()
    }

    /// Municipalities of the province, ordered by CBS code; only those existing on `peildatum` when given.
    async fn gemeenten(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only municipalities that existed on this date.")] peildatum: Option<Date>,
    ) -> Result<Vec<Gemeente>, AppError> {
        let mut rows: Vec<gemeente::Model> = many(ctx, GemeentenOfProvincie(self.0.id)).await?;
        if let Some(Date(d)) = peildatum {
            rows.retain(|g| g.exists_on(d));
        }
        rows.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(rows.into_iter().map(Gemeente).collect())
    }

    /// Public sources backing this record.
    async fn bronnen(&self, ctx: &Context<'_>) -> Result<Vec<Bron>, AppError> {
        bronnen(ctx, BronnenOfProvincie(self.0.id)).await
    }
}

pub struct Gemeente(pub gemeente::Model);

/// Which way to follow the lineage of herindelingen.
#[derive(Clone, Copy)]
enum Richting {
    Voorgangers,
    Opvolgers,
}

/// A Dutch municipality (gemeente), identified by its CBS code. A code is never reused; a
/// renaming or merger creates a new municipality with a new code, linked to its predecessors.
#[Object]
impl Gemeente {
    /// Global ID (Relay), derived from the CBS code.
    pub async fn id(&self) -> ID {
        ID(NodeId::Gemeente(self.0.code.clone()).encode())
    }

    /// CBS municipality code, `GM` + four digits, e.g. `GM0363` (Amsterdam).
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Official name, as in the TOOI register.
    async fn naam(&self) -> &str {
        &self.0.naam
    }

    /// The province the municipality lies in.
    async fn provincie(&self, ctx: &Context<'_>) -> Result<Provincie, AppError> {
        if let Some(read_along) = loaders(ctx)?.loader().provincie_read_along(self.0.provincie_id) {
            return Ok(Provincie(read_along));
        }
        required(ctx, ProvincieId(self.0.provincie_id)).await.map(Provincie)
    }

    /// First day of existence; null when it existed before the register's coverage (1999 or earlier).
    async fn begindatum(&self) -> Option<Date> {
        self.0.begindatum.map(Date)
    }

    /// Last day of existence (inclusive); null while it exists.
    async fn einddatum(&self) -> Option<Date> {
        self.0.einddatum.map(Date)
    }

    /// Identifier in the government's TOOI register.
    async fn tooi_uri(&self) -> Option<&str> {
        self.0.tooi_uri.as_deref()
    }

    /// Note on this record, e.g. what is not verified.
    async fn opmerking(&self) -> Option<&str> {
        self.0.opmerking.as_deref()
    }

    /// Version for optimistic concurrency; name it when changing the record.
    async fn versie(&self) -> i32 {
        self.0.versie
    }

    /// Municipalities that went up in this one through herindelingen, ordered by CBS code.
    async fn voorgangers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Also the predecessors of the predecessors, all the way back.", default = false)]
        transitief: bool,
    ) -> Result<Vec<Gemeente>, AppError> {
        lineage(ctx, self.0.id, Richting::Voorgangers, transitief).await
    }

    /// Municipalities this one went up in through herindelingen, ordered by CBS code.
    async fn opvolgers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Also the successors of the successors, all the way forward.", default = false)]
        transitief: bool,
    ) -> Result<Vec<Gemeente>, AppError> {
        lineage(ctx, self.0.id, Richting::Opvolgers, transitief).await
    }

    /// Herindelingen this municipality took part in (abolished, receiving or new), in date order.
    async fn herindelingen(&self, ctx: &Context<'_>) -> Result<Vec<Herindeling>, AppError> {
        let links: Vec<herindeling_gemeente::Model> = many(ctx, HerindelingenOfGemeente(self.0.id)).await?;
        let ids: BTreeSet<i32> = links.iter().map(|l| l.herindeling_id).collect();
        let found = several(ctx, ids.into_iter().map(HerindelingId)).await?;
        let mut herindelingen: Vec<_> = found.into_values().collect();
        herindelingen.sort_by(herindeling_order);
        Ok(herindelingen.into_iter().map(Herindeling).collect())
    }

    /// Participations of this municipality in ambtelijke fusies, in order of begin date.
    async fn deelnames(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only participations running on this date; without it, all periods.")] peildatum: Option<Date>,
    ) -> Result<Vec<Deelname>, AppError> {
        let mut rows: Vec<_> = many(ctx, DeelnamesOfGemeente(self.0.id)).await?;
        if let Some(Date(d)) = peildatum {
            rows.retain(|row| row.runs_on(d));
        }
        rows.sort_by_key(deelname_order);
        Ok(rows.into_iter().map(Deelname).collect())
    }

    /// Ambtelijke fusies this municipality takes part in, in order of begin date.
    async fn ambtelijke_fusies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only fusies in which it took part on this date; without it, all periods.")] peildatum: Option<
            Date,
        >,
    ) -> Result<Vec<AmbtelijkeFusie>, AppError> {
        let rows: Vec<_> = many(ctx, DeelnamesOfGemeente(self.0.id)).await?;
        let ids: BTreeSet<i32> = rows
            .iter()
            .filter(|row| peildatum.is_none_or(|Date(d)| row.runs_on(d)))
            .map(|row| row.ambtelijke_fusie_id)
            .collect();
        let mut fusies: Vec<_> = several(ctx, ids.into_iter().map(FusieId)).await?.into_values().collect();
        fusies.sort_by(fusie_order);
        Ok(fusies.into_iter().map(AmbtelijkeFusie::from).collect())
    }

    /// Public sources backing this record.
    async fn bronnen(&self, ctx: &Context<'_>) -> Result<Vec<Bron>, AppError> {
        bronnen(ctx, BronnenOfGemeente(self.0.id)).await
    }

    /// The record's formal history: every logged change of it, oldest first, each with its time,
    /// its author (token name), whether it corrected the register, and the record's state after
    /// it; the state before a change is the previous change's `gegevens`. A shipped record's
    /// first change is the bundled dataset's load (by `dataset`).
    async fn geschiedenis(&self, ctx: &Context<'_>) -> Result<Vec<Wijziging>, AppError> {
        history_of(ctx, &NodeId::Gemeente(self.0.code.clone())).await
    }
}

/// The API's order of herindelingen: by date, then by key.
pub(crate) fn herindeling_order(a: &herindeling::Model, b: &herindeling::Model) -> std::cmp::Ordering {
    (a.datum, &a.sleutel).cmp(&(b.datum, &b.sleutel))
}

/// Predecessors or successors of a municipality. Each step costs two batched loads (the links of
/// the municipalities, then the links of their herindelingen), so the number of statements grows
/// with the depth of the lineage, never with the number of municipalities.
async fn lineage(
    ctx: &Context<'_>,
    start: i32,
    richting: Richting,
    transitief: bool,
) -> Result<Vec<Gemeente>, AppError> {
    // Roles on the side we come from, and on the side we go to.
    let (van, naar): (&[HerindelingRol], &[HerindelingRol]) = match richting {
        Richting::Voorgangers => (&[HerindelingRol::Ontvangend, HerindelingRol::Nieuw], &[HerindelingRol::Opgeheven]),
        Richting::Opvolgers => (&[HerindelingRol::Opgeheven], &[HerindelingRol::Ontvangend, HerindelingRol::Nieuw]),
    };
    let mut seen: HashSet<i32> = HashSet::from([start]);
    let mut found: BTreeSet<i32> = BTreeSet::new();
    let mut frontier = vec![start];
    while !frontier.is_empty() {
        let links = several(ctx, frontier.iter().copied().map(HerindelingenOfGemeente)).await?;
        let herindelingen: BTreeSet<i32> =
            links.values().flatten().filter(|link| van.contains(&link.rol)).map(|link| link.herindeling_id).collect();
        let betrokkenen = several(ctx, herindelingen.into_iter().map(GemeentenOfHerindeling)).await?;
        frontier = betrokkenen
            .values()
            .flatten()
            .filter(|link| naar.contains(&link.rol) && seen.insert(link.gemeente_id))
            .map(|link| link.gemeente_id)
            .collect();
        found.extend(frontier.iter().copied());
        if !transitief {
            break;
        }
    }
    let mut gemeenten: Vec<_> = several(ctx, found.into_iter().map(GemeenteId)).await?.into_values().collect();
    gemeenten.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(gemeenten.into_iter().map(Gemeente).collect())
}
