//! The Relay `Node` interface and the lookup of nodes by global ID.

use async_graphql::{Context, ID, Interface};

use super::AmbtelijkeFusie;
use super::bron::Bron;
use super::fusie::{Centrumconstructie, Deelname, Fusieorganisatie};
use super::gemeente::{Gemeente, Provincie};
use super::herindeling::Herindeling;
use super::onderzoek::{Evaluatie, Kengetal, Onderzoek};
use crate::domain::NodeId;
use crate::entity::{deelname, kengetal};
use crate::error::AppError;
use crate::graphql::context::{many, one};
use crate::graphql::loaders::{
    BronSleutel, DeelnamesOfFusie, EvaluatieSleutel, FusieSleutel, GemeenteCode, HerindelingSleutel,
    KengetallenOfOnderzoek, OnderzoekSleutel, ProvincieCode,
};

/// An object with a global ID that can be fetched again with `node(id:)` (Relay).
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Global ID, stable across rebuilds and databases."))]
pub enum Node {
    /// A province.
    Provincie(Provincie),
    /// A municipality.
    Gemeente(Gemeente),
    /// A fusieorganisatie.
    Fusieorganisatie(Fusieorganisatie),
    /// A centrumconstructie.
    Centrumconstructie(Centrumconstructie),
    /// A participation.
    Deelname(Deelname),
    /// A herindeling.
    Herindeling(Herindeling),
    /// A study.
    Onderzoek(Onderzoek),
    /// A published figure.
    Kengetal(Kengetal),
    /// An evaluation outcome.
    Evaluatie(Evaluatie),
    /// A source.
    Bron(Bron),
}

impl From<AmbtelijkeFusie> for Node {
    fn from(fusie: AmbtelijkeFusie) -> Self {
        match fusie {
            AmbtelijkeFusie::Fusieorganisatie(f) => Node::Fusieorganisatie(f),
            AmbtelijkeFusie::Centrumconstructie(c) => Node::Centrumconstructie(c),
        }
    }
}

/// The node an ID points at, or `None` when no such record exists. Lookups go through the
/// DataLoader, so `nodes(ids:)` batches them per type.
///
/// # Errors
/// The loader's error.
pub async fn find(ctx: &Context<'_>, id: NodeId) -> Result<Option<Node>, AppError> {
    Ok(match id {
        NodeId::Provincie(code) => one(ctx, ProvincieCode(code)).await?.map(|m| Node::Provincie(Provincie(m))),
        NodeId::Gemeente(code) => one(ctx, GemeenteCode(code)).await?.map(|m| Node::Gemeente(Gemeente(m))),
        NodeId::AmbtelijkeFusie(sleutel) => {
            one(ctx, FusieSleutel(sleutel)).await?.map(|m| Node::from(AmbtelijkeFusie::from(m)))
        }
        NodeId::Herindeling(sleutel) => {
            one(ctx, HerindelingSleutel(sleutel)).await?.map(|m| Node::Herindeling(Herindeling(m)))
        }
        NodeId::Onderzoek(sleutel) => one(ctx, OnderzoekSleutel(sleutel)).await?.map(|m| Node::Onderzoek(Onderzoek(m))),
        NodeId::Evaluatie(sleutel) => one(ctx, EvaluatieSleutel(sleutel)).await?.map(|m| Node::Evaluatie(Evaluatie(m))),
        NodeId::Bron(sleutel) => {
            one(ctx, BronSleutel(sleutel)).await?.map(|bron| Node::Bron(Bron { bron, vermelding: None }))
        }
        NodeId::Kengetal { onderzoek, sleutel } => match one(ctx, OnderzoekSleutel(onderzoek)).await? {
            Some(onderzoek) => {
                let rows: Vec<kengetal::Model> = many(ctx, KengetallenOfOnderzoek(onderzoek.id)).await?;
                rows.into_iter().find(|k| k.sleutel == sleutel).map(|k| Node::Kengetal(Kengetal(k)))
            }
            None => None,
        },
        NodeId::Deelname { fusie, gemeente, begindatum } => {
            let (fusie, gemeente) =
                futures_util::try_join!(one(ctx, FusieSleutel(fusie)), one(ctx, GemeenteCode(gemeente)))?;
            match (fusie, gemeente) {
                (Some(fusie), Some(gemeente)) => {
                    let rows: Vec<deelname::Model> = many(ctx, DeelnamesOfFusie(fusie.id)).await?;
                    rows.into_iter()
                        .find(|d| d.gemeente_id == gemeente.id && d.begindatum == begindatum)
                        .map(|d| Node::Deelname(Deelname(d)))
                }
                _ => None,
            }
        }
    })
}
