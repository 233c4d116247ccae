//! `ambtelijke-fusies.csv` and `.jsonld`: both forms, read through the API's own list
//! (`store::fusie::list`), so that a `peildatum` selects exactly what `ambtelijkeFusies(peildatum:)`
//! answers, in its order (begin date, unknown last, then key).

use sea_orm::{ConnectionTrait, DbErr};

use super::base::BaseUrl;
use super::params::Scope;
use super::record::{Node, Record, date, enum_value, iso, list, onzekere_velden, strings, text};
use crate::domain::Vorm;
use crate::entity::ambtelijke_fusie;
use crate::store::fusie::FusieFilter;
use crate::store::{self, Total, Window};

/// The columns of `ambtelijke-fusies.csv`.
pub const COLUMNS: &[&str] = &[
    "sleutel",
    "vorm",
    "naam",
    "afkorting",
    "rechtsvorm",
    "rechtsvorm_omschrijving",
    "reikwijdte",
    "begindatum",
    "einddatum",
    "eindreden",
    "eindreden_toelichting",
    "tooi_so_id",
    "cbs_gr_code",
    "onzekere_velden",
    "opmerking",
];

/// One page of ambtelijke fusies.
///
/// # Errors
/// The database error.
pub async fn page(db: &impl ConnectionTrait, scope: &Scope, window: Window) -> Result<Vec<Record>, DbErr> {
    let filter = FusieFilter { peildatum: scope.peildatum(), ..FusieFilter::default() };
    let rows = store::fusie::list(db, &filter, window, Total::Skip).await?.rows;
    Ok(rows.into_iter().map(|row| record(&scope.base, row)).collect())
}

fn record(base: &BaseUrl, row: ambtelijke_fusie::Model) -> Record {
    let onzeker = onzekere_velden(&row.onzekere_velden);
    let eindreden = row.eindreden.as_ref().map(enum_value);
    let cells = vec![
        row.sleutel.clone(),
        enum_value(&row.vorm),
        row.naam.clone(),
        text(row.afkorting.as_deref()),
        enum_value(&row.rechtsvorm),
        text(row.rechtsvorm_omschrijving.as_deref()),
        enum_value(&row.reikwijdte),
        date(row.begindatum),
        date(row.einddatum),
        text(eindreden.as_deref()),
        text(row.eindreden_toelichting.as_deref()),
        text(row.tooi_so_id.as_deref()),
        text(row.cbs_gr_code.as_deref()),
        list(&onzeker),
        text(row.opmerking.as_deref()),
    ];
    let vorm = match row.vorm {
        Vorm::Fusieorganisatie => "Fusieorganisatie",
        Vorm::Centrumconstructie => "Centrumconstructie",
    };
    let node = Node::new(fusie_uri(base, &row.sleutel), &["AmbtelijkeFusie", vorm])
        .with("sleutel", row.sleutel.as_str())
        .with("naam", row.naam.as_str())
        .with_some("afkorting", row.afkorting.as_deref())
        .with("vorm", enum_value(&row.vorm))
        .with("rechtsvorm", enum_value(&row.rechtsvorm))
        .with_some("rechtsvormOmschrijving", row.rechtsvorm_omschrijving.as_deref())
        .with("reikwijdte", enum_value(&row.reikwijdte))
        .with_some("begindatum", row.begindatum.map(iso))
        .with_some("einddatum", row.einddatum.map(iso))
        .with_some("eindreden", eindreden)
        .with_some("eindredenToelichting", row.eindreden_toelichting.as_deref())
        .with_some("tooiSoId", row.tooi_so_id.as_deref())
        .with_some("cbsGrCode", row.cbs_gr_code.as_deref())
        .with_list("onzekereVelden", strings(&onzeker))
        .with_some("opmerking", row.opmerking.as_deref())
        .build();
    Record { cells, node, dates: row.begindatum.into_iter().chain(row.einddatum).collect() }
}

/// The URI of an ambtelijke fusie, by its `sleutel`.
pub fn fusie_uri(base: &BaseUrl, sleutel: &str) -> String {
    base.record("ambtelijke-fusie", &[sleutel])
}
