//! Loading the bundled dataset into the database.
//!
//! Seeding is idempotent: every record is looked up by its natural key (CBS code or `sleutel`)
//! and only missing records are inserted, with their children and citations. A second run
//! therefore inserts nothing. Everything happens in one transaction, so an interrupted seed
//! leaves the database as it was.

use std::collections::HashMap;

use sea_orm::{
    ActiveValue::{NotSet, Set},
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QuerySelect,
};

use super::format::{
    BronRecord, Citation, Dataset, EvaluatieRecord, FusieRecord, GemeenteRecord, HerindelingRecord, OnderzoekRecord,
    ProvincieRecord,
};
use crate::domain::HerindelingRol;
use crate::entity::{
    ambtelijke_fusie, bron, bronvermelding, deelname, evaluatie, evaluatie_bevinding, evaluatie_doel, evaluatie_motief,
    evaluatie_risico, gemeente, herindeling, herindeling_gemeente, kengetal, onderzoek, onderzoek_fusie, provincie,
};
use crate::error::AppError;
use crate::service::UnitOfWork;
use crate::store;

/// The author (`door`) of the changes that record the bundled dataset's load.
pub const DATASET_AUTHOR: &str = "dataset";

/// How many records a seed run inserted, per kind. All zero on a database that already holds the
/// whole dataset.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SeedReport {
    pub bronnen: usize,
    pub provincies: usize,
    pub gemeenten: usize,
    pub herindelingen: usize,
    pub ambtelijke_fusies: usize,
    pub onderzoeken: usize,
    pub evaluaties: usize,
}

impl SeedReport {
    /// Whether the run inserted anything at all.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Inserts every record of `dataset` that the database does not hold yet.
///
/// # Errors
/// [`AppError::BadInput`] when a record refers to a code or key that does not exist (a broken data
/// file), or a database error; in both cases nothing is written.
pub async fn seed(db: &DatabaseConnection, dataset: &Dataset) -> Result<SeedReport, AppError> {
    // Instances that start together on an empty database all seed it: the unit of work's write
    // lock makes the later ones wait and then find every record present, instead of failing on
    // unique keys.
    let mut work = UnitOfWork::begin(db, DATASET_AUTHOR).await?;
    let txn = work.txn();
    let bronnen = seed_bronnen(txn, &dataset.bronnen).await?;
    let mut citations = Citations { bron_ids: &bronnen.ids, rows: Vec::new() };
    let provincies = seed_provincies(txn, &dataset.provincies, &mut citations).await?;
    let gemeenten = seed_gemeenten(txn, &dataset.gemeenten, &provincies.ids, &mut citations).await?;
    let herindelingen = seed_herindelingen(txn, &dataset.herindelingen, &gemeenten.ids, &mut citations).await?;
    let fusies = seed_fusies(txn, &dataset.ambtelijke_fusies, &gemeenten.ids, &mut citations).await?;
    let onderzoeken = seed_onderzoeken(txn, &dataset.onderzoeken, &fusies.ids, &mut citations).await?;
    let evaluaties = seed_evaluaties(txn, &dataset.evaluaties, &onderzoeken.ids, &fusies.ids, &mut citations).await?;
    insert_chunked(txn, citations.rows).await?;
    // The load is the log's first entry for each record it holds: "as known before any change"
    // is then the shipped data. Records the log does not know yet (also those of a database
    // seeded before the log kept states) are recorded as created now.
    let logged = store::wijziging::logged_ids(work.txn()).await?;
    let mut unlogged = store::snapshot::all(work.txn()).await?;
    unlogged.retain(|(id, _)| !logged.contains(&id.encode()));
    work.record_created(unlogged).await?;
    work.commit().await?;
    Ok(SeedReport {
        bronnen: bronnen.inserted,
        provincies: provincies.inserted,
        gemeenten: gemeenten.inserted,
        herindelingen: herindelingen.inserted,
        ambtelijke_fusies: fusies.inserted,
        onderzoeken: onderzoeken.inserted,
        evaluaties: evaluaties.inserted,
    })
}

/// What one phase did: how many records it inserted, and the natural key → id of every row of
/// its table afterwards, for the phases that refer to them.
struct Seeded {
    inserted: usize,
    ids: HashMap<String, i32>,
}

/// Inserts the missing sources; every citation refers to one.
async fn seed_bronnen(txn: &DatabaseTransaction, bronnen: &[BronRecord]) -> Result<Seeded, AppError> {
    let known = keys::<bron::Entity, _>(txn, bron::Column::Sleutel, bron::Column::Id).await?;
    let new: Vec<_> = bronnen.iter().filter(|b| !known.contains_key(&b.sleutel)).collect();
    insert_chunked(
        txn,
        new.iter().map(|b| bron::ActiveModel {
            id: NotSet,
            sleutel: Set(b.sleutel.clone()),
            titel: Set(b.titel.clone()),
            uitgever: Set(b.uitgever.clone()),
            url: Set(b.url.clone()),
            datum: Set(b.datum),
            opmerking: Set(b.opmerking.clone()),
        }),
    )
    .await?;
    let ids = keys::<bron::Entity, _>(txn, bron::Column::Sleutel, bron::Column::Id).await?;
    Ok(Seeded { inserted: new.len(), ids })
}

/// Inserts the missing provinces and collects their citations.
async fn seed_provincies(
    txn: &DatabaseTransaction,
    provincies: &[ProvincieRecord],
    citations: &mut Citations<'_>,
) -> Result<Seeded, AppError> {
    let known = keys::<provincie::Entity, _>(txn, provincie::Column::Code, provincie::Column::Id).await?;
    let new: Vec<_> = provincies.iter().filter(|p| !known.contains_key(&p.code)).collect();
    insert_chunked(
        txn,
        new.iter().map(|p| provincie::ActiveModel {
            id: NotSet,
            code: Set(p.code.clone()),
            naam: Set(p.naam.clone()),
            tooi_uri: Set(p.tooi_uri.clone()),
        }),
    )
    .await?;
    let ids = keys::<provincie::Entity, _>(txn, provincie::Column::Code, provincie::Column::Id).await?;
    for p in &new {
        citations.add(Owner::Provincie(lookup(&ids, &p.code, "provincie")?), &p.bronnen)?;
    }
    Ok(Seeded { inserted: new.len(), ids })
}

/// Inserts the missing municipalities, each in its province, and collects their citations.
async fn seed_gemeenten(
    txn: &DatabaseTransaction,
    gemeenten: &[GemeenteRecord],
    provincie_ids: &HashMap<String, i32>,
    citations: &mut Citations<'_>,
) -> Result<Seeded, AppError> {
    let known = keys::<gemeente::Entity, _>(txn, gemeente::Column::Code, gemeente::Column::Id).await?;
    let new: Vec<_> = gemeenten.iter().filter(|g| !known.contains_key(&g.code)).collect();
    let rows = new
        .iter()
        .map(|g| {
            Ok(gemeente::ActiveModel {
                id: NotSet,
                code: Set(g.code.clone()),
                naam: Set(g.naam.clone()),
                provincie_id: Set(lookup(provincie_ids, &g.provincie, "provincie")?),
                begindatum: Set(g.begindatum),
                einddatum: Set(g.einddatum),
                tooi_uri: Set(g.tooi_uri.clone()),
                opmerking: Set(g.opmerking.clone()),
                versie: Set(1),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    insert_chunked(txn, rows).await?;
    let ids = keys::<gemeente::Entity, _>(txn, gemeente::Column::Code, gemeente::Column::Id).await?;
    for g in &new {
        citations.add(Owner::Gemeente(lookup(&ids, &g.code, "gemeente")?), &g.bronnen)?;
    }
    Ok(Seeded { inserted: new.len(), ids })
}

/// Inserts the missing herindelingen with the municipalities they involve, and collects their
/// citations.
async fn seed_herindelingen(
    txn: &DatabaseTransaction,
    herindelingen: &[HerindelingRecord],
    gemeente_ids: &HashMap<String, i32>,
    citations: &mut Citations<'_>,
) -> Result<Seeded, AppError> {
    let known = keys::<herindeling::Entity, _>(txn, herindeling::Column::Sleutel, herindeling::Column::Id).await?;
    let new: Vec<_> = herindelingen.iter().filter(|h| !known.contains_key(&h.sleutel)).collect();
    insert_chunked(
        txn,
        new.iter().map(|h| herindeling::ActiveModel {
            id: NotSet,
            sleutel: Set(h.sleutel.clone()),
            soort: Set(h.soort),
            datum: Set(h.datum),
            tooi_uri: Set(h.tooi_uri.clone()),
            opmerking: Set(h.opmerking.clone()),
            versie: Set(1),
        }),
    )
    .await?;
    let ids = keys::<herindeling::Entity, _>(txn, herindeling::Column::Sleutel, herindeling::Column::Id).await?;
    let mut links = Vec::new();
    for h in &new {
        let herindeling_id = lookup(&ids, &h.sleutel, "herindeling")?;
        let roles = [
            (HerindelingRol::Opgeheven, &h.opgeheven),
            (HerindelingRol::Ontvangend, &h.ontvangend),
            (HerindelingRol::Nieuw, &h.nieuw),
        ];
        for (rol, codes) in roles {
            for code in codes {
                links.push(herindeling_gemeente::ActiveModel {
                    id: NotSet,
                    herindeling_id: Set(herindeling_id),
                    gemeente_id: Set(lookup(gemeente_ids, code, "gemeente")?),
                    rol: Set(rol),
                });
            }
        }
        citations.add(Owner::Herindeling(herindeling_id), &h.bronnen)?;
    }
    insert_chunked(txn, links).await?;
    Ok(Seeded { inserted: new.len(), ids })
}

/// Inserts the missing ambtelijke fusies with their deelnames, and collects their citations.
async fn seed_fusies(
    txn: &DatabaseTransaction,
    fusies: &[FusieRecord],
    gemeente_ids: &HashMap<String, i32>,
    citations: &mut Citations<'_>,
) -> Result<Seeded, AppError> {
    let known =
        keys::<ambtelijke_fusie::Entity, _>(txn, ambtelijke_fusie::Column::Sleutel, ambtelijke_fusie::Column::Id)
            .await?;
    let new: Vec<_> = fusies.iter().filter(|f| !known.contains_key(&f.sleutel)).collect();
    insert_chunked(
        txn,
        new.iter().map(|f| ambtelijke_fusie::ActiveModel {
            id: NotSet,
            sleutel: Set(f.sleutel.clone()),
            vorm: Set(f.vorm),
            naam: Set(f.naam.clone()),
            afkorting: Set(f.afkorting.clone()),
            rechtsvorm: Set(f.rechtsvorm),
            rechtsvorm_omschrijving: Set(f.rechtsvorm_omschrijving.clone()),
            reikwijdte: Set(f.reikwijdte),
            begindatum: Set(f.begindatum),
            einddatum: Set(f.einddatum),
            eindreden: Set(f.eindreden),
            eindreden_toelichting: Set(f.eindreden_toelichting.clone()),
            tooi_so_id: Set(f.tooi_so_id.clone()),
            cbs_gr_code: Set(f.cbs_gr_code.clone()),
            onzekere_velden: Set(f.onzeker.join(",")),
            opmerking: Set(f.opmerking.clone()),
            versie: Set(1),
        }),
    )
    .await?;
    let ids = keys::<ambtelijke_fusie::Entity, _>(txn, ambtelijke_fusie::Column::Sleutel, ambtelijke_fusie::Column::Id)
        .await?;
    let mut deelnames = Vec::new();
    for f in &new {
        let fusie_id = lookup(&ids, &f.sleutel, "ambtelijke fusie")?;
        for d in &f.deelnames {
            deelnames.push(deelname::ActiveModel {
                id: NotSet,
                ambtelijke_fusie_id: Set(fusie_id),
                gemeente_id: Set(lookup(gemeente_ids, &d.gemeente, "gemeente")?),
                rol: Set(d.rol),
                begindatum: Set(d.begindatum),
                einddatum: Set(d.einddatum),
                taken: Set(d.taken.clone()),
                onzekere_velden: Set(d.onzeker.join(",")),
                opmerking: Set(d.opmerking.clone()),
                versie: Set(1),
            });
        }
        citations.add(Owner::AmbtelijkeFusie(fusie_id), &f.bronnen)?;
    }
    insert_chunked(txn, deelnames).await?;
    Ok(Seeded { inserted: new.len(), ids })
}

/// Inserts the missing studies with their published figures and the organisations they cover,
/// and collects their citations.
async fn seed_onderzoeken(
    txn: &DatabaseTransaction,
    onderzoeken: &[OnderzoekRecord],
    fusie_ids: &HashMap<String, i32>,
    citations: &mut Citations<'_>,
) -> Result<Seeded, AppError> {
    let known = keys::<onderzoek::Entity, _>(txn, onderzoek::Column::Sleutel, onderzoek::Column::Id).await?;
    let new: Vec<_> = onderzoeken.iter().filter(|o| !known.contains_key(&o.sleutel)).collect();
    insert_chunked(
        txn,
        new.iter().map(|o| onderzoek::ActiveModel {
            id: NotSet,
            sleutel: Set(o.sleutel.clone()),
            titel: Set(o.titel.clone()),
            uitvoerder: Set(o.uitvoerder.clone()),
            opdrachtgever: Set(o.opdrachtgever.clone()),
            publicatiedatum: Set(o.publicatiedatum),
            url: Set(o.url.clone()),
            kamerstuk: Set(o.kamerstuk.clone()),
            onzekere_velden: Set(o.onzeker.join(",")),
            opmerking: Set(o.opmerking.clone()),
            versie: Set(1),
        }),
    )
    .await?;
    let ids = keys::<onderzoek::Entity, _>(txn, onderzoek::Column::Sleutel, onderzoek::Column::Id).await?;
    let mut kengetallen = Vec::new();
    let mut organisaties = Vec::new();
    for o in &new {
        let onderzoek_id = lookup(&ids, &o.sleutel, "onderzoek")?;
        kengetallen.extend(o.kengetallen.iter().map(|k| kengetal::ActiveModel {
            id: NotSet,
            onderzoek_id: Set(onderzoek_id),
            sleutel: Set(k.sleutel.clone()),
            soort: Set(k.soort),
            peildatum: Set(k.peildatum),
            waarde: Set(k.waarde),
            eenheid: Set(k.eenheid.clone()),
            omschrijving: Set(k.omschrijving.clone()),
            opmerking: Set(k.opmerking.clone()),
        }));
        for (org, volgorde) in o.organisaties.iter().zip(0..) {
            organisaties.push(onderzoek_fusie::ActiveModel {
                id: NotSet,
                onderzoek_id: Set(onderzoek_id),
                volgorde: Set(volgorde),
                naam: Set(org.naam.clone()),
                ambtelijke_fusie_id: Set(org
                    .ambtelijke_fusie
                    .as_ref()
                    .map(|s| lookup(fusie_ids, s, "ambtelijke fusie"))
                    .transpose()?),
                bron_id: Set(Some(lookup(citations.bron_ids, &org.bron, "bron")?)),
                toelichting: Set(org.toelichting.clone()),
            });
        }
        citations.add(Owner::Onderzoek(onderzoek_id), &o.bronnen)?;
    }
    insert_chunked(txn, kengetallen).await?;
    insert_chunked(txn, organisaties).await?;
    Ok(Seeded { inserted: new.len(), ids })
}

/// Inserts the missing evaluations with their motives, goals, risks and findings, and collects
/// their citations.
async fn seed_evaluaties(
    txn: &DatabaseTransaction,
    evaluaties: &[EvaluatieRecord],
    onderzoek_ids: &HashMap<String, i32>,
    fusie_ids: &HashMap<String, i32>,
    citations: &mut Citations<'_>,
) -> Result<Seeded, AppError> {
    let known = keys::<evaluatie::Entity, _>(txn, evaluatie::Column::Sleutel, evaluatie::Column::Id).await?;
    let new: Vec<_> = evaluaties.iter().filter(|e| !known.contains_key(&e.sleutel)).collect();
    let rows = new
        .iter()
        .map(|e| {
            Ok(evaluatie::ActiveModel {
                id: NotSet,
                sleutel: Set(e.sleutel.clone()),
                onderzoek_id: Set(e.onderzoek.as_ref().map(|s| lookup(onderzoek_ids, s, "onderzoek")).transpose()?),
                ambtelijke_fusie_id: Set(e
                    .ambtelijke_fusie
                    .as_ref()
                    .map(|s| lookup(fusie_ids, s, "ambtelijke fusie"))
                    .transpose()?),
                datum: Set(e.datum),
                samenvatting: Set(e.samenvatting.clone()),
                tevredenheid: Set(e.tevredenheid),
                voordelen_wegen_op: Set(e.voordelen_wegen_op),
                doelrealisatie: Set(e.doelrealisatie),
                doelrealisatie_toelichting: Set(e.doelrealisatie_toelichting.clone()),
                onzekere_velden: Set(e.onzeker.join(",")),
                opmerking: Set(e.opmerking.clone()),
                versie: Set(1),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    insert_chunked(txn, rows).await?;
    let ids = keys::<evaluatie::Entity, _>(txn, evaluatie::Column::Sleutel, evaluatie::Column::Id).await?;
    let mut parts = EvaluatieOnderdelen::default();
    for e in &new {
        let evaluatie_id = lookup(&ids, &e.sleutel, "evaluatie")?;
        parts.add(evaluatie_id, e);
        citations.add(Owner::Evaluatie(evaluatie_id), &e.bronnen)?;
    }
    parts.insert(txn).await?;
    Ok(Seeded { inserted: new.len(), ids })
}

/// The rows that hang under new evaluations, gathered to be inserted in batches per table.
#[derive(Default)]
struct EvaluatieOnderdelen {
    motieven: Vec<evaluatie_motief::ActiveModel>,
    doelen: Vec<evaluatie_doel::ActiveModel>,
    risicos: Vec<evaluatie_risico::ActiveModel>,
    bevindingen: Vec<evaluatie_bevinding::ActiveModel>,
}

impl EvaluatieOnderdelen {
    /// Adds the motives, goals, risks and findings of one evaluation, numbered in file order.
    fn add(&mut self, evaluatie_id: i32, e: &EvaluatieRecord) {
        self.motieven.extend(e.motieven.iter().zip(0..).map(|(m, volgorde)| evaluatie_motief::ActiveModel {
            id: NotSet,
            evaluatie_id: Set(evaluatie_id),
            volgorde: Set(volgorde),
            motief: Set(m.motief),
            toelichting: Set(m.toelichting.clone()),
        }));
        self.doelen.extend(e.doelen.iter().zip(0..).map(|(d, volgorde)| evaluatie_doel::ActiveModel {
            id: NotSet,
            evaluatie_id: Set(evaluatie_id),
            volgorde: Set(volgorde),
            doel: Set(d.doel),
            realisatie: Set(d.realisatie),
            streefwaarde: Set(d.streefwaarde),
            gerealiseerde_waarde: Set(d.gerealiseerde_waarde),
            eenheid: Set(d.eenheid.clone()),
            toelichting: Set(d.toelichting.clone()),
        }));
        self.risicos.extend(e.risicos.iter().zip(0..).map(|(r, volgorde)| evaluatie_risico::ActiveModel {
            id: NotSet,
            evaluatie_id: Set(evaluatie_id),
            volgorde: Set(volgorde),
            risico: Set(r.risico),
            ervaren: Set(r.ervaren),
            toelichting: Set(r.toelichting.clone()),
        }));
        self.bevindingen.extend(e.bevindingen.iter().zip(0..).map(|(b, volgorde)| evaluatie_bevinding::ActiveModel {
            id: NotSet,
            evaluatie_id: Set(evaluatie_id),
            volgorde: Set(volgorde),
            omschrijving: Set(b.omschrijving.clone()),
            citaat: Set(b.citaat.clone()),
        }));
    }

    /// Inserts the gathered rows, one table after the other.
    async fn insert(self, txn: &DatabaseTransaction) -> Result<(), AppError> {
        insert_chunked(txn, self.motieven).await?;
        insert_chunked(txn, self.doelen).await?;
        insert_chunked(txn, self.risicos).await?;
        insert_chunked(txn, self.bevindingen).await
    }
}

/// The record a citation belongs to.
#[derive(Debug, Clone, Copy)]
enum Owner {
    Provincie(i32),
    Gemeente(i32),
    Herindeling(i32),
    AmbtelijkeFusie(i32),
    Onderzoek(i32),
    Evaluatie(i32),
}

/// The citations of every new record, gathered over the phases and inserted last.
struct Citations<'a> {
    bron_ids: &'a HashMap<String, i32>,
    rows: Vec<bronvermelding::ActiveModel>,
}

impl Citations<'_> {
    /// Adds the citations of one record.
    fn add(&mut self, owner: Owner, citations: &[Citation]) -> Result<(), AppError> {
        for citation in citations {
            let mut row = bronvermelding::ActiveModel {
                id: NotSet,
                bron_id: Set(lookup(self.bron_ids, &citation.bron, "bron")?),
                provincie_id: Set(None),
                gemeente_id: Set(None),
                herindeling_id: Set(None),
                ambtelijke_fusie_id: Set(None),
                onderzoek_id: Set(None),
                evaluatie_id: Set(None),
                toelichting: Set(citation.toelichting.clone()),
            };
            match owner {
                Owner::Provincie(id) => row.provincie_id = Set(Some(id)),
                Owner::Gemeente(id) => row.gemeente_id = Set(Some(id)),
                Owner::Herindeling(id) => row.herindeling_id = Set(Some(id)),
                Owner::AmbtelijkeFusie(id) => row.ambtelijke_fusie_id = Set(Some(id)),
                Owner::Onderzoek(id) => row.onderzoek_id = Set(Some(id)),
                Owner::Evaluatie(id) => row.evaluatie_id = Set(Some(id)),
            }
            self.rows.push(row);
        }
        Ok(())
    }
}

fn lookup(ids: &HashMap<String, i32>, key: &str, kind: &str) -> Result<i32, AppError> {
    ids.get(key).copied().ok_or_else(|| {
        AppError::bad_input("dataset", format!("the dataset refers to {kind} '{key}', which it does not contain"))
    })
}

/// Natural key → primary key of every row of one table, in one statement.
async fn keys<E, C>(db: &C, key: E::Column, id: E::Column) -> Result<HashMap<String, i32>, AppError>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let pairs: Vec<(String, i32)> = E::find().select_only().column(key).column(id).into_tuple().all(db).await?;
    Ok(pairs.into_iter().collect())
}

/// Inserts rows in batches small enough for every backend's bind-parameter limit.
async fn insert_chunked<A, C>(db: &C, rows: impl IntoIterator<Item = A>) -> Result<(), AppError>
where
    A: sea_orm::ActiveModelTrait,
    C: ConnectionTrait,
{
    const ROWS_PER_STATEMENT: usize = 200;
    let rows: Vec<A> = rows.into_iter().collect();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        A::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await?;
    }
    Ok(())
}
