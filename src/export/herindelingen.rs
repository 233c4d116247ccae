//! `herindelingen.csv` and `.jsonld`: municipal reorganisations, read through the API's own list
//! (`store::herindeling::list`). A herindeling is an event on one date, not a period: with a
//! `peildatum` the file holds the herindelingen that had taken effect by that day, exactly what
//! `herindelingen(tot: peildatum)` answers. In JSON-LD the municipalities involved are named by
//! TOOI URI in the PROV terms the TOOI register uses for its own change records.

use std::collections::{BTreeSet, HashMap};

use sea_orm::{ConnectionTrait, DbErr};
use serde_json::Value;

use super::base::BaseUrl;
use super::gemeenten::gemeente_uri;
use super::params::Scope;
use super::record::{Node, Record, enum_value, iso, list, text};
use crate::domain::{HerindelingRol, HerindelingSoort};
use crate::entity::{gemeente, herindeling, herindeling_gemeente};
use crate::store::herindeling::HerindelingFilter;
use crate::store::{self, Total, Window};

/// The columns of `herindelingen.csv`.
pub const COLUMNS: &[&str] =
    &["sleutel", "soort", "datum", "opgeheven", "ontvangend", "nieuw", "tooi_uri", "opmerking"];

/// One page of herindelingen, in date order, with their municipalities.
///
/// # Errors
/// The database error.
pub async fn page(db: &impl ConnectionTrait, scope: &Scope, window: Window) -> Result<Vec<Record>, DbErr> {
    let filter = HerindelingFilter { tot: scope.peildatum(), ..HerindelingFilter::default() };
    let rows = store::herindeling::list(db, &filter, window, Total::Skip).await?.rows;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let links = store::batch::rows_where_in::<herindeling_gemeente::Entity, _, _>(
        db,
        herindeling_gemeente::Column::HerindelingId,
        &ids,
        herindeling_gemeente::Column::Id,
    )
    .await?;
    let gemeente_ids: BTreeSet<i32> = links.iter().map(|l| l.gemeente_id).collect();
    let gemeenten: HashMap<i32, gemeente::Model> =
        store::gemeente::by_ids(db, gemeente_ids.into_iter().collect()).await?.into_iter().map(|g| (g.id, g)).collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let members = |rol| members(&links, &gemeenten, row.id, rol);
            let roles = [
                members(HerindelingRol::Opgeheven),
                members(HerindelingRol::Ontvangend),
                members(HerindelingRol::Nieuw),
            ];
            record(&scope.base, row, roles)
        })
        .collect())
}

/// The municipalities of one herindeling in one role, by CBS code.
fn members<'a>(
    links: &[herindeling_gemeente::Model],
    gemeenten: &'a HashMap<i32, gemeente::Model>,
    herindeling_id: i32,
    rol: HerindelingRol,
) -> Vec<&'a gemeente::Model> {
    let mut found: Vec<&gemeente::Model> = links
        .iter()
        .filter(|l| l.herindeling_id == herindeling_id && l.rol == rol)
        .filter_map(|l| gemeenten.get(&l.gemeente_id))
        .collect();
    found.sort_by(|a, b| a.code.cmp(&b.code));
    found.dedup_by(|a, b| a.code == b.code);
    found
}

/// `opgeheven`, `ontvangend` and `nieuw`, in that order.
fn record(base: &BaseUrl, row: herindeling::Model, roles: [Vec<&gemeente::Model>; 3]) -> Record {
    let codes = |gemeenten: &[&gemeente::Model]| list(&gemeenten.iter().map(|g| g.code.as_str()).collect::<Vec<_>>());
    let uris = |gemeenten: &[&gemeente::Model]| -> Vec<Value> {
        gemeenten.iter().map(|g| Value::from(gemeente_uri(base, &g.code, g.tooi_uri.as_deref()))).collect()
    };
    let [opgeheven, ontvangend, nieuw] = roles;
    let cells = vec![
        row.sleutel.clone(),
        enum_value(&row.soort),
        iso(row.datum),
        codes(&opgeheven),
        codes(&ontvangend),
        codes(&nieuw),
        text(row.tooi_uri.as_deref()),
        text(row.opmerking.as_deref()),
    ];
    // TOOI's own classes for the kinds it has; an AFSPLITSING (which TOOI does not record) is a
    // Herindeling only.
    let tooi_class = match row.soort {
        HerindelingSoort::Samenvoeging => Some("Samenvoeging"),
        HerindelingSoort::Uitbreiding => Some("Uitbreiding"),
        HerindelingSoort::Herschikking => Some("Herschikking"),
        HerindelingSoort::Afsplitsing => None,
    };
    let types: Vec<&str> = std::iter::once("Herindeling").chain(tooi_class).collect();
    let node = Node::new(base.record("herindeling", &[&row.sleutel]), &types)
        .with("sleutel", row.sleutel.as_str())
        .with("soort", enum_value(&row.soort))
        .with("datum", iso(row.datum))
        .with_list("opgeheven", uris(&opgeheven))
        .with_list("ontvangend", uris(&ontvangend))
        .with_list("nieuw", uris(&nieuw))
        .with_some("tooiUri", row.tooi_uri.as_deref())
        .with_some("opmerking", row.opmerking.as_deref())
        .build();
    Record { cells, node, dates: vec![row.datum] }
}
