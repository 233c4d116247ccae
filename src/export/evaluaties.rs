//! `evaluaties.csv` and `.jsonld`: the outcomes of studies, ordered by key as the API lists them.
//! An evaluation has a publication date, not a period: with a `peildatum` the file holds those
//! published by that day (one without a date is not claimed for any). The CSV row names the
//! motives, goals and risks by their values; the JSON-LD node carries each with its explanation,
//! and the further findings.

use std::collections::{BTreeSet, HashMap};

use sea_orm::{ConnectionTrait, DbErr};
use serde_json::Value;

use super::base::BaseUrl;
use super::fusies::fusie_uri;
use super::params::Scope;
use super::record::{Node, Record, boolean, date, enum_value, iso, list, onzekere_velden, strings, text};
use crate::entity::{ambtelijke_fusie, evaluatie, onderzoek};
use crate::store::evaluatie::Parts;
use crate::store::{self, Window};

/// The columns of `evaluaties.csv`.
pub const COLUMNS: &[&str] = &[
    "sleutel",
    "onderzoek",
    "ambtelijke_fusie",
    "datum",
    "samenvatting",
    "tevredenheid",
    "voordelen_wegen_op",
    "doelrealisatie",
    "doelrealisatie_toelichting",
    "motieven",
    "doelen",
    "risicos",
    "onzekere_velden",
    "opmerking",
];

/// One page of evaluations with their parts, studies and fusies.
///
/// # Errors
/// The database error.
pub async fn page(db: &impl ConnectionTrait, scope: &Scope, window: Window) -> Result<Vec<Record>, DbErr> {
    let rows = store::evaluatie::published_by(db, scope.peildatum(), window).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let parts = store::evaluatie::parts_of(db, &ids).await?;
    let onderzoek_ids: Vec<i32> =
        rows.iter().filter_map(|r| r.onderzoek_id).collect::<BTreeSet<_>>().into_iter().collect();
    let onderzoeken: HashMap<i32, String> = store::batch::rows_where_in::<onderzoek::Entity, _, _>(
        db,
        onderzoek::Column::Id,
        &onderzoek_ids,
        onderzoek::Column::Id,
    )
    .await?
    .into_iter()
    .map(|o| (o.id, o.sleutel))
    .collect();
    let fusie_ids: BTreeSet<i32> = rows.iter().filter_map(|r| r.ambtelijke_fusie_id).collect();
    let fusies: HashMap<i32, String> = store::fusie::by_ids(db, fusie_ids.into_iter().collect())
        .await?
        .into_iter()
        .map(|f: ambtelijke_fusie::Model| (f.id, f.sleutel))
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let onderzoek = row.onderzoek_id.and_then(|id| onderzoeken.get(&id)).map(String::as_str);
            let fusie = row.ambtelijke_fusie_id.and_then(|id| fusies.get(&id)).map(String::as_str);
            record(&scope.base, &parts, onderzoek, fusie, row)
        })
        .collect())
}

fn record(
    base: &BaseUrl,
    parts: &Parts,
    onderzoek: Option<&str>,
    fusie: Option<&str>,
    row: evaluatie::Model,
) -> Record {
    let motieven: Vec<_> = parts.motieven.iter().filter(|m| m.evaluatie_id == row.id).collect();
    let doelen: Vec<_> = parts.doelen.iter().filter(|d| d.evaluatie_id == row.id).collect();
    let risicos: Vec<_> = parts.risicos.iter().filter(|r| r.evaluatie_id == row.id).collect();
    let bevindingen: Vec<_> = parts.bevindingen.iter().filter(|b| b.evaluatie_id == row.id).collect();
    let onzeker = onzekere_velden(&row.onzekere_velden);
    let doelrealisatie = row.doelrealisatie.as_ref().map(enum_value);
    let cells = vec![
        row.sleutel.clone(),
        text(onderzoek),
        text(fusie),
        date(row.datum),
        row.samenvatting.clone(),
        enum_value(&row.tevredenheid),
        boolean(row.voordelen_wegen_op),
        text(doelrealisatie.as_deref()),
        text(row.doelrealisatie_toelichting.as_deref()),
        list(&motieven.iter().map(|m| enum_value(&m.motief)).collect::<Vec<_>>()),
        list(
            &doelen
                .iter()
                .map(|d| format!("{}={}", enum_value(&d.doel), enum_value(&d.realisatie)))
                .collect::<Vec<_>>(),
        ),
        list(&risicos.iter().map(|r| format!("{}={}", enum_value(&r.risico), boolean(r.ervaren))).collect::<Vec<_>>()),
        list(&onzeker),
        text(row.opmerking.as_deref()),
    ];
    let motieven: Vec<Value> = motieven
        .iter()
        .map(|m| {
            Node::blank()
                .with("motief", enum_value(&m.motief))
                .with_some("toelichting", m.toelichting.as_deref())
                .build()
        })
        .collect();
    let doelen: Vec<Value> = doelen
        .iter()
        .map(|d| {
            Node::blank()
                .with("doel", enum_value(&d.doel))
                .with("realisatie", enum_value(&d.realisatie))
                .with_some("streefwaarde", d.streefwaarde)
                .with_some("gerealiseerdeWaarde", d.gerealiseerde_waarde)
                .with_some("eenheid", d.eenheid.as_deref())
                .with_some("toelichting", d.toelichting.as_deref())
                .build()
        })
        .collect();
    let risicos: Vec<Value> = risicos
        .iter()
        .map(|r| {
            Node::blank()
                .with("risico", enum_value(&r.risico))
                .with_some("ervaren", r.ervaren)
                .with_some("toelichting", r.toelichting.as_deref())
                .build()
        })
        .collect();
    let bevindingen: Vec<Value> = bevindingen
        .iter()
        .map(|b| {
            Node::blank().with("omschrijving", b.omschrijving.as_str()).with_some("citaat", b.citaat.as_deref()).build()
        })
        .collect();
    let node = Node::new(base.record("evaluatie", &[&row.sleutel]), &["Evaluatie"])
        .with("sleutel", row.sleutel.as_str())
        .with_some("onderzoek", onderzoek.map(|sleutel| base.record("onderzoek", &[sleutel])))
        .with_some("ambtelijkeFusie", fusie.map(|sleutel| fusie_uri(base, sleutel)))
        .with_some("datum", row.datum.map(iso))
        .with("samenvatting", row.samenvatting.as_str())
        .with("tevredenheid", enum_value(&row.tevredenheid))
        .with_some("voordelenWegenOp", row.voordelen_wegen_op)
        .with_some("doelrealisatie", doelrealisatie)
        .with_some("doelrealisatieToelichting", row.doelrealisatie_toelichting.as_deref())
        .with_list("motieven", motieven)
        .with_list("doelen", doelen)
        .with_list("risicos", risicos)
        .with_list("bevindingen", bevindingen)
        .with_list("onzekereVelden", strings(&onzeker))
        .with_some("opmerking", row.opmerking.as_deref())
        .build();
    Record { cells, node, dates: row.datum.into_iter().collect() }
}
