//! `gemeenten.csv` and `gemeenten.jsonld`: the municipalities, read through the API's own list
//! (`store::gemeente::list`), so that a `peildatum` selects exactly what `gemeenten(peildatum:)`
//! answers. In JSON-LD a municipality is its TOOI URI, with its province embedded by TOOI URI.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DbErr};
use serde_json::Value;

use super::base::BaseUrl;
use super::params::Scope;
use super::record::{Node, Record, date, iso, text};
use crate::entity::{gemeente, provincie};
use crate::store::gemeente::GemeenteFilter;
use crate::store::{self, Total, Window};

/// The columns of `gemeenten.csv`.
pub const COLUMNS: &[&str] =
    &["code", "naam", "provincie", "provincie_naam", "begindatum", "einddatum", "tooi_uri", "opmerking"];

/// One page of municipalities, by CBS code.
///
/// # Errors
/// The database error.
pub async fn page(db: &impl ConnectionTrait, scope: &Scope, window: Window) -> Result<Vec<Record>, DbErr> {
    let filter = GemeenteFilter { peildatum: scope.peildatum(), ..GemeenteFilter::default() };
    let rows = store::gemeente::list(db, &filter, window, Total::Skip).await?.rows;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let provincies: HashMap<i32, provincie::Model> =
        store::gemeente::provincies(db).await?.into_iter().map(|p| (p.id, p)).collect();
    Ok(rows.into_iter().map(|row| record(&scope.base, provincies.get(&row.provincie_id), row)).collect())
}

fn record(base: &BaseUrl, provincie: Option<&provincie::Model>, row: gemeente::Model) -> Record {
    let cells = vec![
        row.code.clone(),
        row.naam.clone(),
        provincie.map(|p| p.code.clone()).unwrap_or_default(),
        provincie.map(|p| p.naam.clone()).unwrap_or_default(),
        date(row.begindatum),
        date(row.einddatum),
        text(row.tooi_uri.as_deref()),
        text(row.opmerking.as_deref()),
    ];
    let node = Node::new(gemeente_uri(base, &row.code, row.tooi_uri.as_deref()), &["Gemeente"])
        .with("code", row.code.as_str())
        .with("naam", row.naam.as_str())
        .with_some("provincie", provincie.map(|p| provincie_node(base, p)))
        .with_some("begindatum", row.begindatum.map(iso))
        .with_some("einddatum", row.einddatum.map(iso))
        .with_some("opmerking", row.opmerking.as_deref())
        .build();
    Record { cells, node, dates: row.begindatum.into_iter().chain(row.einddatum).collect() }
}

/// The URI of a municipality: its TOOI identifier as the register stores it
/// (`https://identifier.overheid.nl/tooi/id/gemeente/gm0363`), or, for one the TOOI register
/// lacks, a URI under the server's address by its CBS code.
pub fn gemeente_uri(base: &BaseUrl, code: &str, tooi_uri: Option<&str>) -> String {
    tooi_uri.map_or_else(|| base.record("gemeente", &[code]), str::to_owned)
}

/// A province as an embedded node: its TOOI URI (`…/tooi/id/provincie/pv27`), code and name.
fn provincie_node(base: &BaseUrl, provincie: &provincie::Model) -> Value {
    let id = provincie.tooi_uri.clone().unwrap_or_else(|| base.record("provincie", &[&provincie.code]));
    Node::new(id, &["Provincie"]).with("code", provincie.code.as_str()).with("naam", provincie.naam.as_str()).build()
}
