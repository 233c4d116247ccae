//! Counts of the registry on one reference date, beside the figures studies published for it.
//!
//! Five statements fetch what was valid that day (a sixth, the organisations the studies counted,
//! only when a study published a count of organisations for it); the counting is done in memory by
//! [`Statistiek::count`], a pure function with its own tests.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::valid_on;
use crate::domain::{KengetalSoort, MissingBegin, Reikwijdte, Vorm};
use crate::entity::{ambtelijke_fusie, deelname, gemeente, kengetal, onderzoek_fusie, provincie};

/// What the registry counts on one date.
#[derive(Debug, Clone, PartialEq)]
pub struct Statistiek {
    pub peildatum: NaiveDate,
    pub aantal_gemeenten: u64,
    /// Ambtelijke fusies of reikwijdte VOLLEDIG (both forms).
    pub aantal_ambtelijke_fusies: u64,
    pub aantal_fusieorganisaties: u64,
    pub aantal_centrumconstructies: u64,
    /// Cooperations of reikwijdte GEDEELTELIJK, kept apart from the counts above.
    pub aantal_gedeeltelijke_samenwerkingen: u64,
    /// Distinct municipalities in a VOLLEDIG ambtelijke fusie.
    pub aantal_deelnemende_gemeenten: u64,
    pub per_vorm: Vec<VormTelling>,
    pub per_provincie: Vec<ProvincieTelling>,
    pub kengetallen: Vec<KengetalVergelijking>,
}

/// Count for one combination of form and scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VormTelling {
    pub vorm: Vorm,
    pub reikwijdte: Reikwijdte,
    pub aantal: u64,
    pub aantal_deelnemende_gemeenten: u64,
}

/// Counts for one province.
#[derive(Debug, Clone, PartialEq)]
pub struct ProvincieTelling {
    pub provincie: provincie::Model,
    pub aantal_gemeenten: u64,
    pub aantal_deelnemende_gemeenten: u64,
    /// VOLLEDIG ambtelijke fusies with at least one participant in the province.
    pub aantal_ambtelijke_fusies: u64,
}

/// A published figure for the date, beside the registry's own count of the same thing.
#[derive(Debug, Clone, PartialEq)]
pub struct KengetalVergelijking {
    pub kengetal: kengetal::Model,
    /// `None` for figures the registry has no counterpart of.
    pub register_waarde: Option<u64>,
    /// For a count of organisations: the ones a source attributes to the study, in their order;
    /// `None` for other figures.
    pub organisaties: Option<Vec<onderzoek_fusie::Model>>,
}

/// Fetches what was valid on `peildatum` and counts it.
///
/// # Errors
/// The database error.
pub async fn count_on(db: &impl ConnectionTrait, peildatum: NaiveDate) -> Result<Statistiek, DbErr> {
    let provincies = provincie::Entity::find().order_by_asc(provincie::Column::Naam).all(db).await?;
    let gemeenten_per_provincie: Vec<(i32, i64)> = gemeente::Entity::find()
        .select_only()
        .column(gemeente::Column::ProvincieId)
        .column_as(Expr::col(gemeente::Column::Id).count(), "aantal")
        .filter(valid_on(gemeente::Column::Begindatum, gemeente::Column::Einddatum, peildatum, MissingBegin::Open))
        .group_by(gemeente::Column::ProvincieId)
        .into_tuple()
        .all(db)
        .await?;
    let fusies = ambtelijke_fusie::Entity::find()
        .filter(valid_on(
            ambtelijke_fusie::Column::Begindatum,
            ambtelijke_fusie::Column::Einddatum,
            peildatum,
            MissingBegin::Unknown,
        ))
        .all(db)
        .await?;
    // (fusie, gemeente, provincie of the gemeente) for every deelname running that day.
    let deelnames: Vec<(i32, i32, i32)> = deelname::Entity::find()
        .select_only()
        .column(deelname::Column::AmbtelijkeFusieId)
        .column(deelname::Column::GemeenteId)
        .column(gemeente::Column::ProvincieId)
        .inner_join(gemeente::Entity)
        .filter(valid_on(deelname::Column::Begindatum, deelname::Column::Einddatum, peildatum, MissingBegin::Unknown))
        .into_tuple()
        .all(db)
        .await?;
    let kengetallen = kengetal::Entity::find()
        .filter(kengetal::Column::Peildatum.eq(peildatum))
        .order_by_asc(kengetal::Column::Id)
        .all(db)
        .await?;
    let studies: HashSet<i32> = kengetallen
        .iter()
        .filter(|k| k.soort == KengetalSoort::AantalAmbtelijkeFusieorganisaties)
        .map(|k| k.onderzoek_id)
        .collect();
    let organisaties = if studies.is_empty() {
        Vec::new()
    } else {
        onderzoek_fusie::Entity::find()
            .filter(onderzoek_fusie::Column::OnderzoekId.is_in(studies))
            .order_by_asc(onderzoek_fusie::Column::OnderzoekId)
            .order_by_asc(onderzoek_fusie::Column::Volgorde)
            .all(db)
            .await?
    };
    Ok(Statistiek::count(
        peildatum,
        provincies,
        &gemeenten_per_provincie,
        &fusies,
        &deelnames,
        kengetallen,
        &organisaties,
    ))
}

impl Statistiek {
    /// Counts from the rows valid on `peildatum`. `deelnames` are (fusie id, gemeente id,
    /// provincie id of that gemeente); `organisaties` are the organisations attributed to the
    /// studies whose figures are given, in order.
    pub fn count(
        peildatum: NaiveDate,
        provincies: Vec<provincie::Model>,
        gemeenten_per_provincie: &[(i32, i64)],
        fusies: &[ambtelijke_fusie::Model],
        deelnames: &[(i32, i32, i32)],
        kengetallen: Vec<kengetal::Model>,
        organisaties: &[onderzoek_fusie::Model],
    ) -> Self {
        let fusie_by_id: HashMap<i32, &ambtelijke_fusie::Model> = fusies.iter().map(|f| (f.id, f)).collect();
        let volledig = |fusie_id: &i32| fusie_by_id.get(fusie_id).is_some_and(|f| f.reikwijdte == Reikwijdte::Volledig);
        let count = |iter: usize| u64::try_from(iter).unwrap_or(u64::MAX);

        // (number of fusies, participating municipalities) per form and scope.
        let mut per_vorm: HashMap<(Vorm, Reikwijdte), (u64, HashSet<i32>)> = HashMap::new();
        for fusie in fusies {
            per_vorm.entry((fusie.vorm, fusie.reikwijdte)).or_default().0 += 1;
        }
        for (fusie_id, gemeente_id, _) in deelnames {
            if let Some(fusie) = fusie_by_id.get(fusie_id)
                && let Some(entry) = per_vorm.get_mut(&(fusie.vorm, fusie.reikwijdte))
            {
                entry.1.insert(*gemeente_id);
            }
        }
        let mut per_vorm: Vec<VormTelling> = per_vorm
            .into_iter()
            .map(|((vorm, reikwijdte), (aantal, gemeenten))| VormTelling {
                vorm,
                reikwijdte,
                aantal,
                aantal_deelnemende_gemeenten: count(gemeenten.len()),
            })
            .collect();
        per_vorm.sort_by_key(|t| (t.vorm as u8, t.reikwijdte as u8));

        let deelnemers: HashSet<i32> = deelnames.iter().filter(|(f, _, _)| volledig(f)).map(|(_, g, _)| *g).collect();
        let aantal_gemeenten_in: HashMap<i32, i64> = gemeenten_per_provincie.iter().copied().collect();
        let per_provincie = provincies
            .into_iter()
            .map(|provincie| {
                let here: Vec<_> = deelnames.iter().filter(|(f, _, p)| *p == provincie.id && volledig(f)).collect();
                let gemeenten: HashSet<i32> = here.iter().map(|(_, g, _)| *g).collect();
                let fusies: HashSet<i32> = here.iter().map(|(f, _, _)| *f).collect();
                ProvincieTelling {
                    aantal_gemeenten: u64::try_from(aantal_gemeenten_in.get(&provincie.id).copied().unwrap_or(0))
                        .unwrap_or(0),
                    aantal_deelnemende_gemeenten: count(gemeenten.len()),
                    aantal_ambtelijke_fusies: count(fusies.len()),
                    provincie,
                }
            })
            .collect();

        let volledige: Vec<_> = fusies.iter().filter(|f| f.reikwijdte == Reikwijdte::Volledig).collect();
        let aantal_ambtelijke_fusies = count(volledige.len());
        let aantal_deelnemende_gemeenten = count(deelnemers.len());
        let kengetallen = kengetallen
            .into_iter()
            .map(|kengetal| KengetalVergelijking {
                register_waarde: match kengetal.soort {
                    KengetalSoort::AantalAmbtelijkeFusieorganisaties => Some(aantal_ambtelijke_fusies),
                    KengetalSoort::AantalDeelnemendeGemeenten => Some(aantal_deelnemende_gemeenten),
                    KengetalSoort::Overig => None,
                },
                organisaties: (kengetal.soort == KengetalSoort::AantalAmbtelijkeFusieorganisaties).then(|| {
                    organisaties.iter().filter(|o| o.onderzoek_id == kengetal.onderzoek_id).cloned().collect()
                }),
                kengetal,
            })
            .collect();

        Self {
            peildatum,
            aantal_gemeenten: gemeenten_per_provincie.iter().map(|(_, n)| u64::try_from(*n).unwrap_or(0)).sum(),
            aantal_ambtelijke_fusies,
            aantal_fusieorganisaties: count(volledige.iter().filter(|f| f.vorm == Vorm::Fusieorganisatie).count()),
            aantal_centrumconstructies: count(volledige.iter().filter(|f| f.vorm == Vorm::Centrumconstructie).count()),
            aantal_gedeeltelijke_samenwerkingen: count(fusies.len() - volledige.len()),
            aantal_deelnemende_gemeenten,
            per_vorm,
            per_provincie,
            kengetallen,
        }
    }
}
