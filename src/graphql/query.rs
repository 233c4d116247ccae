//! The root query: thin resolvers that parse arguments, call the store or a loader, and wrap.

use std::sync::Arc;

use async_graphql::{Context, ID, Object};
use futures_util::future::try_join_all;

use super::connection::{MAX_PAGE_SIZE, connection_types, window};
use super::context::{enter_moment, in_round, one, reads};
use super::loaders::{FusieSleutel, GemeenteCode, GemeenteCodeMetProvincie};
use super::prebuilt::{self, Prebuilt};
use super::scalars::{Date, DateTime};
use super::types::{
    AmbtelijkeFusie, Centrumconstructie, Evaluatie, Fusieorganisatie, Gemeente, Herindeling, Node, Onderzoek,
    Provincie, Statistiek, Wijziging,
};
use crate::domain::NodeId;
use crate::domain::{CbsCode, HerindelingSoort, Rechtsvorm, Reikwijdte, Vorm};
use crate::entity::ambtelijke_fusie;
use crate::error::AppError;
use crate::store::fusie::{EvaluatieFilter, FusieFilter};
use crate::store::gemeente::GemeenteFilter;
use crate::store::herindeling::HerindelingFilter;
use crate::store::{self, Slice, Total, Window};

connection_types!(GemeenteConnection, GemeenteEdge, Prebuilt<Gemeente>, "municipalities");
connection_types!(AmbtelijkeFusieConnection, AmbtelijkeFusieEdge, Prebuilt<AmbtelijkeFusie>, "ambtelijke fusies");
connection_types!(FusieorganisatieConnection, FusieorganisatieEdge, Fusieorganisatie, "fusieorganisaties");
connection_types!(CentrumconstructieConnection, CentrumconstructieEdge, Centrumconstructie, "centrumconstructies");
connection_types!(HerindelingConnection, HerindelingEdge, Herindeling, "herindelingen");
connection_types!(OnderzoekConnection, OnderzoekEdge, Onderzoek, "studies");
connection_types!(EvaluatieConnection, EvaluatieEdge, Evaluatie, "evaluation outcomes");
connection_types!(WijzigingConnection, WijzigingEdge, Wijziging, "changes of the registry");

/// Whether the connection being resolved must count its matches: only when the client selects
/// `totalCount` (in any fragment or alias); otherwise the list skips its `COUNT(*)` statement.
fn total_wanted(ctx: &Context<'_>) -> Total {
    if ctx.look_ahead().field("totalCount").exists() { Total::Count } else { Total::Skip }
}

/// Parses an optional CBS code argument named `field`.
fn cbs_code(field: &str, code: Option<String>) -> Result<Option<String>, AppError> {
    code.map(|c| CbsCode::parse(&c).map(|c| c.to_string()).map_err(|e| AppError::bad_input(field, e.to_string())))
        .transpose()
}

/// Filters shared by the three lists of ambtelijke fusies.
fn fusie_filter(
    peildatum: Option<Date>,
    vorm: Option<Vorm>,
    reikwijdte: Option<Reikwijdte>,
    rechtsvorm: Option<Rechtsvorm>,
    provincie: Option<String>,
    gemeente: Option<String>,
    naam: Option<String>,
) -> Result<FusieFilter, AppError> {
    Ok(FusieFilter {
        peildatum: peildatum.map(|d| d.0),
        vorm,
        reikwijdte,
        rechtsvorm,
        provincie,
        gemeente: cbs_code("gemeente", gemeente)?,
        naam,
    })
}

/// One page of the list of ambtelijke fusies, each row wrapped by `wrap`: as either form for
/// `ambtelijkeFusies`, as the form's own type for the list of one form (whose filter names it).
async fn fusie_page<T>(
    ctx: &Context<'_>,
    filter: FusieFilter,
    first: Option<i32>,
    after: Option<String>,
    wrap: fn(ambtelijke_fusie::Model) -> T,
) -> Result<(Slice<T>, Window), AppError> {
    let window = window(first, after.as_deref())?;
    let (conn, total) = (reads(ctx)?, total_wanted(ctx));
    let vorm = filter.vorm;
    let slice = in_round(ctx, async move { Ok(store::fusie::list(&conn, &filter, window, total).await?) }).await?;
    // The store already keeps to `vorm`; checked again so that a row is never wrapped as the
    // other form.
    let rows = slice.rows.into_iter().filter(|row| vorm.is_none_or(|vorm| row.vorm == vorm)).map(wrap).collect();
    Ok((Slice { rows, total: slice.total }, window))
}

pub struct Query;

/// The entry points for reading the registry.
#[Object]
impl Query {
    /// Fetches any object by its global ID (Relay); null when it does not exist.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID.")] id: ID,
        #[graphql(
            desc = "The registry as it was known at this moment (formal history): this field and everything below it answer as the register had recorded them then. Without it, as known now."
        )]
        bekend_op: Option<DateTime>,
    ) -> Result<Option<Node>, AppError> {
        enter_moment(ctx, bekend_op.map(|moment| moment.0)).await?;
        super::types::node::find(ctx, NodeId::decode(&id)?).await
    }

    /// Fetches objects by global ID (Relay), at most 100 at once; null for each that does not exist.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global IDs, at most 100.")] ids: Vec<ID>,
        #[graphql(
            desc = "The registry as it was known at this moment (formal history): this field and everything below it answer as the register had recorded them then. Without it, as known now."
        )]
        bekend_op: Option<DateTime>,
    ) -> Result<Vec<Option<Node>>, AppError> {
        enter_moment(ctx, bekend_op.map(|moment| moment.0)).await?;
        if ids.len() > usize::try_from(MAX_PAGE_SIZE).unwrap_or(usize::MAX) {
            return Err(AppError::bad_input("ids", format!("at most {MAX_PAGE_SIZE} IDs at once")));
        }
        let ids = ids.iter().map(|id| NodeId::decode(id)).collect::<Result<Vec<_>, _>>()?;
        try_join_all(ids.into_iter().map(|id| super::types::node::find(ctx, id))).await
    }

    /// A municipality by CBS code; null when no municipality ever had the code.
    async fn gemeente(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "CBS municipality code, e.g. `GM0363`.")] code: String,
        #[graphql(
            desc = "The registry as it was known at this moment (formal history): this field and everything below it answer as the register had recorded them then. Without it, as known now."
        )]
        bekend_op: Option<DateTime>,
    ) -> Result<Option<Prebuilt<Gemeente>>, AppError> {
        enter_moment(ctx, bekend_op.map(|moment| moment.0)).await?;
        let code = CbsCode::parse(&code).map_err(|e| AppError::bad_input("code", e.to_string()))?;
        let found = if ctx.look_ahead().field("provincie").exists() {
            one(ctx, GemeenteCodeMetProvincie(code.to_string())).await?
        } else {
            one(ctx, GemeenteCode(code.to_string())).await?
        };
        Ok(match found {
            Some(row) => Some(prebuilt::gemeente(ctx, row).await),
            None => None,
        })
    }

    /// Municipalities, ordered by CBS code.
    async fn gemeenten(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only municipalities existing on this date; without it, all periods.")] peildatum: Option<
            Date,
        >,
        #[graphql(desc = "Only municipalities in the province with this CBS code, e.g. `PV27`.")] provincie: Option<
            String,
        >,
        #[graphql(desc = "Only municipalities whose name contains this text (case-insensitive).")] naam: Option<String>,
        #[graphql(desc = "Page size: default 25, at most 100.")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor.")] after: Option<String>,
        #[graphql(
            desc = "The registry as it was known at this moment (formal history): this field and everything below it answer as the register had recorded them then. Without it, as known now."
        )]
        bekend_op: Option<DateTime>,
    ) -> Result<GemeenteConnection, AppError> {
        enter_moment(ctx, bekend_op.map(|moment| moment.0)).await?;
        let window = window(first, after.as_deref())?;
        let filter = GemeenteFilter { peildatum: peildatum.map(|d| d.0), provincie, naam };
        let (conn, total) = (reads(ctx)?, total_wanted(ctx));
        let slice =
            in_round(ctx, async move { Ok(store::gemeente::list(&conn, &filter, window, total).await?) }).await?;
        Ok(GemeenteConnection::from_page(prebuilt::gemeente_nodes(ctx, slice.rows).await, window, slice.total))
    }

    /// The twelve provinces, ordered by name.
    async fn provincies(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The registry as it was known at this moment (formal history): this field and everything below it answer as the register had recorded them then. Without it, as known now."
        )]
        bekend_op: Option<DateTime>,
    ) -> Result<Vec<Provincie>, AppError> {
        enter_moment(ctx, bekend_op.map(|moment| moment.0)).await?;
        let conn = reads(ctx)?;
        let rows = in_round(ctx, async move { Ok(store::gemeente::provincies(&conn).await?) }).await?;
        Ok(rows.into_iter().map(Provincie).collect())
    }

    /// An ambtelijke fusie by its key; null when there is none.
    async fn ambtelijke_fusie(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Stable key of the fusie, e.g. `bar`.")] sleutel: String,
        #[graphql(
            desc = "The registry as it was known at this moment (formal history): this field and everything below it answer as the register had recorded them then. Without it, as known now."
        )]
        bekend_op: Option<DateTime>,
    ) -> Result<Option<AmbtelijkeFusie>, AppError> {
        enter_moment(ctx, bekend_op.map(|moment| moment.0)).await?;
        Ok(one(ctx, FusieSleutel(sleutel)).await?.map(AmbtelijkeFusie::from))
    }

    /// Ambtelijke fusies of both forms, in order of begin date.
    async fn ambtelijke_fusies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only fusies running on this date; without it, all periods.")] peildatum: Option<Date>,
        #[graphql(desc = "Only this form.")] vorm: Option<Vorm>,
        #[graphql(desc = "Only this scope; use VOLLEDIG to leave out partial cooperations.")] reikwijdte: Option<
            Reikwijdte,
        >,
        #[graphql(desc = "Only this legal form.")] rechtsvorm: Option<Rechtsvorm>,
        #[graphql(desc = "Only fusies with a participant in the province with this CBS code, e.g. `PV28`.")]
        provincie: Option<String>,
        #[graphql(desc = "Only fusies in which the municipality with this CBS code takes part (on `peildatum`).")]
        gemeente: Option<String>,
        #[graphql(desc = "Only fusies whose name, abbreviation or key contains this text.")] naam: Option<String>,
        #[graphql(desc = "Page size: default 25, at most 100.")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor.")] after: Option<String>,
        #[graphql(
            desc = "The registry as it was known at this moment (formal history): this field and everything below it answer as the register had recorded them then. Without it, as known now."
        )]
        bekend_op: Option<DateTime>,
    ) -> Result<AmbtelijkeFusieConnection, AppError> {
        enter_moment(ctx, bekend_op.map(|moment| moment.0)).await?;
        let filter = fusie_filter(peildatum, vorm, reikwijdte, rechtsvorm, provincie, gemeente, naam)?;
        let (slice, window) = fusie_page(ctx, filter, first, after, std::convert::identity).await?;
        Ok(AmbtelijkeFusieConnection::from_page(prebuilt::fusie_nodes(ctx, slice.rows).await, window, slice.total))
    }

    /// Fusieorganisaties, in order of begin date.
    async fn fusieorganisaties(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only fusieorganisaties running on this date; without it, all periods.")] peildatum: Option<
            Date,
        >,
        #[graphql(desc = "Only this scope; use VOLLEDIG to leave out partial cooperations.")] reikwijdte: Option<
            Reikwijdte,
        >,
        #[graphql(desc = "Only this legal form.")] rechtsvorm: Option<Rechtsvorm>,
        #[graphql(desc = "Only those with a participant in the province with this CBS code.")] provincie: Option<
            String,
        >,
        #[graphql(desc = "Only those in which the municipality with this CBS code takes part (on `peildatum`).")]
        gemeente: Option<String>,
        #[graphql(desc = "Only those whose name, abbreviation or key contains this text.")] naam: Option<String>,
        #[graphql(desc = "Page size: default 25, at most 100.")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor.")] after: Option<String>,
        #[graphql(
            desc = "The registry as it was known at this moment (formal history): this field and everything below it answer as the register had recorded them then. Without it, as known now."
        )]
        bekend_op: Option<DateTime>,
    ) -> Result<FusieorganisatieConnection, AppError> {
        enter_moment(ctx, bekend_op.map(|moment| moment.0)).await?;
        let vorm = Some(Vorm::Fusieorganisatie);
        let filter = fusie_filter(peildatum, vorm, reikwijdte, rechtsvorm, provincie, gemeente, naam)?;
        let (slice, window) = fusie_page(ctx, filter, first, after, Fusieorganisatie).await?;
        Ok(FusieorganisatieConnection::from_page(slice.rows, window, slice.total))
    }

    /// Centrumconstructies, in order of begin date.
    async fn centrumconstructies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only centrumconstructies running on this date; without it, all periods.")] peildatum: Option<
            Date,
        >,
        #[graphql(desc = "Only this scope; use VOLLEDIG to leave out partial cooperations.")] reikwijdte: Option<
            Reikwijdte,
        >,
        #[graphql(desc = "Only this legal form.")] rechtsvorm: Option<Rechtsvorm>,
        #[graphql(desc = "Only those with a participant in the province with this CBS code.")] provincie: Option<
            String,
        >,
        #[graphql(desc = "Only those in which the municipality with this CBS code takes part (on `peildatum`).")]
        gemeente: Option<String>,
        #[graphql(desc = "Only those whose name, abbreviation or key contains this text.")] naam: Option<String>,
        #[graphql(desc = "Page size: default 25, at most 100.")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor.")] after: Option<String>,
        #[graphql(
            desc = "The registry as it was known at this moment (formal history): this field and everything below it answer as the register had recorded them then. Without it, as known now."
        )]
        bekend_op: Option<DateTime>,
    ) -> Result<CentrumconstructieConnection, AppError> {
        enter_moment(ctx, bekend_op.map(|moment| moment.0)).await?;
        let vorm = Some(Vorm::Centrumconstructie);
        let filter = fusie_filter(peildatum, vorm, reikwijdte, rechtsvorm, provincie, gemeente, naam)?;
        let (slice, window) = fusie_page(ctx, filter, first, after, Centrumconstructie).await?;
        Ok(CentrumconstructieConnection::from_page(slice.rows, window, slice.total))
    }

    /// Herindelingen, in date order.
    async fn herindelingen(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only herindelingen on or after this date.")] van: Option<Date>,
        #[graphql(desc = "Only herindelingen on or before this date.")] tot: Option<Date>,
        #[graphql(desc = "Only this kind.")] soort: Option<HerindelingSoort>,
        #[graphql(desc = "Only herindelingen involving the municipality with this CBS code.")] gemeente: Option<String>,
        #[graphql(desc = "Page size: default 25, at most 100.")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor.")] after: Option<String>,
        #[graphql(
            desc = "The registry as it was known at this moment (formal history): this field and everything below it answer as the register had recorded them then. Without it, as known now."
        )]
        bekend_op: Option<DateTime>,
    ) -> Result<HerindelingConnection, AppError> {
        enter_moment(ctx, bekend_op.map(|moment| moment.0)).await?;
        let window = window(first, after.as_deref())?;
        let filter = HerindelingFilter {
            van: van.map(|d| d.0),
            tot: tot.map(|d| d.0),
            soort,
            gemeente: cbs_code("gemeente", gemeente)?,
        };
        let (conn, total) = (reads(ctx)?, total_wanted(ctx));
        let slice =
            in_round(ctx, async move { Ok(store::herindeling::list(&conn, &filter, window, total).await?) }).await?;
        Ok(HerindelingConnection::from_page(slice.rows.into_iter().map(Herindeling).collect(), window, slice.total))
    }

    /// Studies, newest first.
    async fn onderzoeken(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: default 25, at most 100.")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor.")] after: Option<String>,
        #[graphql(
            desc = "The registry as it was known at this moment (formal history): this field and everything below it answer as the register had recorded them then. Without it, as known now."
        )]
        bekend_op: Option<DateTime>,
    ) -> Result<OnderzoekConnection, AppError> {
        enter_moment(ctx, bekend_op.map(|moment| moment.0)).await?;
        let window = window(first, after.as_deref())?;
        let (conn, total) = (reads(ctx)?, total_wanted(ctx));
        let slice = in_round(ctx, async move { Ok(store::onderzoek::list(&conn, window, total).await?) }).await?;
        Ok(OnderzoekConnection::from_page(slice.rows.into_iter().map(Onderzoek).collect(), window, slice.total))
    }

    /// Evaluation outcomes, ordered by key.
    async fn evaluaties(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only outcomes of the study with this key.")] onderzoek: Option<String>,
        #[graphql(desc = "Only outcomes about the ambtelijke fusie with this key.")] ambtelijke_fusie: Option<String>,
        #[graphql(desc = "Page size: default 25, at most 100.")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor.")] after: Option<String>,
        #[graphql(
            desc = "The registry as it was known at this moment (formal history): this field and everything below it answer as the register had recorded them then. Without it, as known now."
        )]
        bekend_op: Option<DateTime>,
    ) -> Result<EvaluatieConnection, AppError> {
        enter_moment(ctx, bekend_op.map(|moment| moment.0)).await?;
        let window = window(first, after.as_deref())?;
        let filter = EvaluatieFilter { onderzoek, ambtelijke_fusie };
        let (conn, total) = (reads(ctx)?, total_wanted(ctx));
        let slice =
            in_round(ctx, async move { Ok(store::fusie::evaluaties(&conn, &filter, window, total).await?) }).await?;
        Ok(EvaluatieConnection::from_page(slice.rows.into_iter().map(Evaluatie).collect(), window, slice.total))
    }

    /// The change log after a known change, oldest first: for clients that poll or catch up.
    /// Pass the last `volgnummer` you have seen as `na`; the cursor of an edge is its volgnummer.
    async fn wijzigingen(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only changes with a volgnummer above this one; 0 or absent for all.")] na: Option<i64>,
        #[graphql(desc = "Page size: default 25, at most 100.")] first: Option<i32>,
        #[graphql(
            desc = "The registry as it was known at this moment (formal history): this field and everything below it answer as the register had recorded them then. Without it, as known now."
        )]
        bekend_op: Option<DateTime>,
    ) -> Result<WijzigingConnection, AppError> {
        enter_moment(ctx, bekend_op.map(|moment| moment.0)).await?;
        let na = na.unwrap_or(0);
        if na < 0 {
            return Err(AppError::bad_input("na", "na must not be negative"));
        }
        let limit = window(first, None)?.limit;
        let slice = store::wijziging::after(&reads(ctx)?, na, limit).await?;
        let has_next_page = u64::try_from(slice.rows.len()).unwrap_or(u64::MAX) < slice.total;
        let edges: Vec<WijzigingEdge> = slice
            .rows
            .into_iter()
            .map(|row| WijzigingEdge { cursor: row.volgnummer.to_string(), node: Wijziging(Arc::new(row)) })
            .collect();
        let page_info = super::connection::PageInfo {
            has_next_page,
            has_previous_page: na > 0,
            start_cursor: edges.first().map(|e| e.cursor.clone()),
            end_cursor: edges.last().map(|e| e.cursor.clone()),
        };
        Ok(WijzigingConnection { edges, page_info, total_count: slice.total })
    }

    /// The registry's counts on a reference date, beside the figures studies published for it.
    async fn statistiek(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The reference date to count on.")] peildatum: Date,
        #[graphql(
            desc = "The registry as it was known at this moment (formal history): this field and everything below it answer as the register had recorded them then. Without it, as known now."
        )]
        bekend_op: Option<DateTime>,
    ) -> Result<Statistiek, AppError> {
        enter_moment(ctx, bekend_op.map(|moment| moment.0)).await?;
        Ok(Statistiek(store::statistiek::count_on(&reads(ctx)?, peildatum.0).await?))
    }
}
