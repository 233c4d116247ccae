//! `deelnames.csv` and `.jsonld`: every municipality's participation in an ambtelijke fusie. The
//! API lists deelnames only under their fusie or municipality; here they are one list, ordered
//! by the fusie's key, the CBS code and the begin date, with a `peildatum` selecting the
//! deelnames running that day by the same rule as `deelnames(peildatum:)`.

use std::collections::{BTreeSet, HashMap};

use sea_orm::{ConnectionTrait, DbErr};

use super::base::BaseUrl;
use super::fusies::fusie_uri;
use super::gemeenten::gemeente_uri;
use super::params::Scope;
use super::record::{Node, Record, date, enum_value, iso, list, onzekere_velden, strings, text};
use crate::entity::{ambtelijke_fusie, deelname, gemeente};
use crate::store::{self, Window};

/// The columns of `deelnames.csv`.
pub const COLUMNS: &[&str] = &[
    "ambtelijke_fusie",
    "gemeente",
    "gemeente_naam",
    "rol",
    "begindatum",
    "einddatum",
    "taken",
    "onzekere_velden",
    "opmerking",
];

/// One page of deelnames, with their fusies and municipalities read in one statement each.
///
/// # Errors
/// The database error.
pub async fn page(db: &impl ConnectionTrait, scope: &Scope, window: Window) -> Result<Vec<Record>, DbErr> {
    let rows = store::deelname::list(db, scope.peildatum(), window).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let fusie_ids: BTreeSet<i32> = rows.iter().map(|r| r.ambtelijke_fusie_id).collect();
    let gemeente_ids: BTreeSet<i32> = rows.iter().map(|r| r.gemeente_id).collect();
    let fusies: HashMap<i32, ambtelijke_fusie::Model> =
        store::fusie::by_ids(db, fusie_ids.into_iter().collect()).await?.into_iter().map(|f| (f.id, f)).collect();
    let gemeenten: HashMap<i32, gemeente::Model> =
        store::gemeente::by_ids(db, gemeente_ids.into_iter().collect()).await?.into_iter().map(|g| (g.id, g)).collect();
    let mut records = Vec::with_capacity(rows.len());
    for row in rows {
        // The foreign keys guarantee both; a row without them would be a broken database.
        let (Some(fusie), Some(gemeente)) = (fusies.get(&row.ambtelijke_fusie_id), gemeenten.get(&row.gemeente_id))
        else {
            return Err(DbErr::RecordNotFound(format!("the fusie or municipality of deelname {}", row.id)));
        };
        records.push(record(&scope.base, fusie, gemeente, row));
    }
    Ok(records)
}

fn record(base: &BaseUrl, fusie: &ambtelijke_fusie::Model, gemeente: &gemeente::Model, row: deelname::Model) -> Record {
    let onzeker = onzekere_velden(&row.onzekere_velden);
    let cells = vec![
        fusie.sleutel.clone(),
        gemeente.code.clone(),
        gemeente.naam.clone(),
        enum_value(&row.rol),
        date(row.begindatum),
        date(row.einddatum),
        text(row.taken.as_deref()),
        list(&onzeker),
        text(row.opmerking.as_deref()),
    ];
    let begin = row.begindatum.map_or_else(|| "onbekend".to_owned(), iso);
    let node = Node::new(base.record("deelname", &[&fusie.sleutel, &gemeente.code, &begin]), &["Deelname"])
        .with("ambtelijkeFusie", fusie_uri(base, &fusie.sleutel))
        .with("gemeente", gemeente_uri(base, &gemeente.code, gemeente.tooi_uri.as_deref()))
        .with("rol", enum_value(&row.rol))
        .with_some("begindatum", row.begindatum.map(iso))
        .with_some("einddatum", row.einddatum.map(iso))
        .with_some("taken", row.taken.as_deref())
        .with_list("onzekereVelden", strings(&onzeker))
        .with_some("opmerking", row.opmerking.as_deref())
        .build();
    Record { cells, node, dates: row.begindatum.into_iter().chain(row.einddatum).collect() }
}
