//! Answers built from a [`super::plan`], one level of the selection at a time: for all the rows
//! of a level, each relation is one load through the request's DataLoader (the statements the
//! resolvers would send, no more), the rows below are built once each, and every row's object
//! is put together from its columns and its relations' values.

use std::collections::{BTreeSet, HashMap};

use async_graphql::{Context, InputType, Name, ScalarType, Value};
use futures_util::future::{BoxFuture, try_join_all};

use super::plan::{DeelnameVeld, FusieVeld, FusieVeldSoort, GemeenteVeld, HerindelingVeld, Plan, ProvincieVeld};
use crate::domain::{NodeId, Rol, Vorm};
use crate::entity::{ambtelijke_fusie, deelname, gemeente, herindeling, provincie};
use crate::error::AppError;
use crate::graphql::context::{loaders, several};
use crate::graphql::loaders::{
    DeelnamesOfFusie, DeelnamesOfGemeente, FusieId, GemeenteId, GemeentenOfHerindeling, HerindelingId,
    HerindelingenOfGemeente, ProvincieId,
};
use crate::graphql::scalars::Date;
use crate::graphql::types::{deelname_order, fusie_order, herindeling_order, onzekere_velden};

/// A relation's value for every parent row, by the parent's ID; `None` for a column.
type Related = Option<HashMap<i32, Value>>;

/// The objects of `rows` as `plan` asks them, in the order of `rows`; `rows` hold each row once.
pub fn gemeente_objects<'a>(
    ctx: &'a Context<'a>,
    rows: &'a [gemeente::Model],
    plan: &'a Plan<GemeenteVeld>,
) -> BoxFuture<'a, Result<Vec<Value>, AppError>> {
    Box::pin(async move {
        let mut related = try_join_all(plan.iter().map(|(_, veld)| gemeente_relation(ctx, rows, veld))).await?;
        Ok(rows
            .iter()
            .map(|row| {
                object(plan.iter().zip(related.iter_mut()).map(|((key, veld), related)| {
                    let value = match veld {
                        GemeenteVeld::Typename => Value::from("Gemeente"),
                        GemeenteVeld::Id => id(NodeId::Gemeente(row.code.clone())),
                        GemeenteVeld::Code => Value::from(row.code.as_str()),
                        GemeenteVeld::Naam => Value::from(row.naam.as_str()),
                        GemeenteVeld::Begindatum => date(row.begindatum),
                        GemeenteVeld::Einddatum => date(row.einddatum),
                        GemeenteVeld::TooiUri => text(row.tooi_uri.as_deref()),
                        GemeenteVeld::Opmerking => text(row.opmerking.as_deref()),
                        GemeenteVeld::Versie => Value::from(row.versie),
                        GemeenteVeld::Provincie(_)
                        | GemeenteVeld::AmbtelijkeFusies(..)
                        | GemeenteVeld::Deelnames(..)
                        | GemeenteVeld::Herindelingen(_) => of_parent(related, row.id),
                    };
                    (key.clone(), value)
                }))
            })
            .collect())
    })
}

async fn gemeente_relation(
    ctx: &Context<'_>,
    rows: &[gemeente::Model],
    veld: &GemeenteVeld,
) -> Result<Related, AppError> {
    let related = match veld {
        GemeenteVeld::Provincie(plan) => {
            // A lookup read its municipality's province along (`GemeenteCodeMetProvincie`).
            let mut found: HashMap<i32, provincie::Model> = HashMap::new();
            let mut missing = BTreeSet::new();
            let loader = loaders(ctx)?;
            for id in rows.iter().map(|row| row.provincie_id) {
                match loader.loader().provincie_read_along(id) {
                    Some(read) => drop(found.insert(id, read)),
                    None => drop(missing.insert(id)),
                }
            }
            if !missing.is_empty() {
                found.extend(
                    several(ctx, missing.into_iter().map(ProvincieId)).await?.into_iter().map(|(k, v)| (k.0, v)),
                );
            }
            let values = found.values().map(|p| provincie_object(p, plan)).collect();
            required_ones(rows.iter().map(|row| (row.id, row.provincie_id)), found.keys().copied(), values)?
        }
        GemeenteVeld::AmbtelijkeFusies(peildatum, plan) => {
            let deelnames = several(ctx, rows.iter().map(|row| DeelnamesOfGemeente(row.id))).await?;
            let ids_of = |gemeente: i32| -> BTreeSet<i32> {
                deelnames
                    .get(&DeelnamesOfGemeente(gemeente))
                    .into_iter()
                    .flatten()
                    .filter(|row| peildatum.is_none_or(|d| row.runs_on(d)))
                    .map(|row| row.ambtelijke_fusie_id)
                    .collect()
            };
            let all: BTreeSet<i32> = rows.iter().flat_map(|row| ids_of(row.id)).collect();
            let fusies: Vec<ambtelijke_fusie::Model> =
                several(ctx, all.into_iter().map(FusieId)).await?.into_values().collect();
            let by_id: HashMap<i32, &ambtelijke_fusie::Model> = fusies.iter().map(|f| (f.id, f)).collect();
            let owned = rows
                .iter()
                .map(|row| {
                    let mut own: Vec<&ambtelijke_fusie::Model> =
                        ids_of(row.id).iter().filter_map(|id| by_id.get(id).copied()).collect();
                    own.sort_by(|a, b| fusie_order(a, b));
                    (row.id, own.iter().map(|f| f.id).collect())
                })
                .collect();
            let values = fusie_objects(ctx, &fusies, plan).await?;
            lists(owned, fusies.iter().map(|f| f.id), values)
        }
        GemeenteVeld::Deelnames(peildatum, plan) => {
            let deelnames = several(ctx, rows.iter().map(|row| DeelnamesOfGemeente(row.id))).await?;
            let own_of = |gemeente: i32| -> Vec<&deelname::Model> {
                running(deelnames.get(&DeelnamesOfGemeente(gemeente)).into_iter().flatten(), *peildatum)
            };
            let owned = rows.iter().map(|row| (row.id, own_of(row.id).iter().map(|d| d.id).collect())).collect();
            let all: Vec<deelname::Model> = rows.iter().flat_map(|row| own_of(row.id)).cloned().collect();
            let values = deelname_objects(ctx, &all, plan).await?;
            lists(owned, all.iter().map(|d| d.id), values)
        }
        GemeenteVeld::Herindelingen(plan) => {
            let links = several(ctx, rows.iter().map(|row| HerindelingenOfGemeente(row.id))).await?;
            let ids_of = |gemeente: i32| -> BTreeSet<i32> {
                let own = links.get(&HerindelingenOfGemeente(gemeente)).into_iter().flatten();
                own.map(|link| link.herindeling_id).collect()
            };
            let all: BTreeSet<i32> = rows.iter().flat_map(|row| ids_of(row.id)).collect();
            let found: Vec<herindeling::Model> =
                several(ctx, all.into_iter().map(HerindelingId)).await?.into_values().collect();
            let by_id: HashMap<i32, &herindeling::Model> = found.iter().map(|h| (h.id, h)).collect();
            let owned = rows
                .iter()
                .map(|row| {
                    let mut own: Vec<&herindeling::Model> =
                        ids_of(row.id).iter().filter_map(|id| by_id.get(id).copied()).collect();
                    own.sort_by(|a, b| herindeling_order(a, b));
                    (row.id, own.iter().map(|h| h.id).collect())
                })
                .collect();
            let values = herindeling_objects(ctx, &found, plan).await?;
            lists(owned, found.iter().map(|h| h.id), values)
        }
        _ => return Ok(None),
    };
    Ok(Some(related))
}

/// The objects of the herindelingen `rows` as `plan` asks them, in the order of `rows`; `rows` hold each row once.
fn herindeling_objects<'a>(
    ctx: &'a Context<'a>,
    rows: &'a [herindeling::Model],
    plan: &'a Plan<HerindelingVeld>,
) -> BoxFuture<'a, Result<Vec<Value>, AppError>> {
    Box::pin(async move {
        let mut related = try_join_all(plan.iter().map(|(_, veld)| herindeling_relation(ctx, rows, veld))).await?;
        Ok(rows
            .iter()
            .map(|row| {
                object(plan.iter().zip(related.iter_mut()).map(|((key, veld), related)| {
                    let value = match veld {
                        HerindelingVeld::Typename => Value::from("Herindeling"),
                        HerindelingVeld::Id => id(NodeId::Herindeling(row.sleutel.clone())),
                        HerindelingVeld::Sleutel => Value::from(row.sleutel.as_str()),
                        HerindelingVeld::Soort => row.soort.to_value(),
                        HerindelingVeld::Datum => date(Some(row.datum)),
                        HerindelingVeld::TooiUri => text(row.tooi_uri.as_deref()),
                        HerindelingVeld::Opmerking => text(row.opmerking.as_deref()),
                        HerindelingVeld::Gemeenten(..) => of_parent(related, row.id),
                    };
                    (key.clone(), value)
                }))
            })
            .collect())
    })
}

async fn herindeling_relation(
    ctx: &Context<'_>,
    rows: &[herindeling::Model],
    veld: &HerindelingVeld,
) -> Result<Related, AppError> {
    let HerindelingVeld::Gemeenten(rol, plan) = veld else { return Ok(None) };
    let links = several(ctx, rows.iter().map(|row| GemeentenOfHerindeling(row.id))).await?;
    let ids_of = |herindeling: i32| -> BTreeSet<i32> {
        let own = links.get(&GemeentenOfHerindeling(herindeling)).into_iter().flatten();
        own.filter(|link| link.rol == *rol).map(|link| link.gemeente_id).collect()
    };
    let all: BTreeSet<i32> = rows.iter().flat_map(|row| ids_of(row.id)).collect();
    let found: Vec<gemeente::Model> = several(ctx, all.into_iter().map(GemeenteId)).await?.into_values().collect();
    let owned = by_code(rows.iter().map(|row| (row.id, ids_of(row.id))), &found);
    let values = gemeente_objects(ctx, &found, plan).await?;
    Ok(Some(lists(owned, found.iter().map(|g| g.id), values)))
}

/// Each parent's municipalities (by ID) among `found`, ordered by CBS code as the API lists them.
fn by_code(parents: impl Iterator<Item = (i32, BTreeSet<i32>)>, found: &[gemeente::Model]) -> Vec<(i32, Vec<i32>)> {
    let by_id: HashMap<i32, &gemeente::Model> = found.iter().map(|g| (g.id, g)).collect();
    parents
        .map(|(parent, ids)| {
            let mut own: Vec<&gemeente::Model> = ids.iter().filter_map(|id| by_id.get(id).copied()).collect();
            own.sort_by(|a, b| a.code.cmp(&b.code));
            (parent, own.iter().map(|g| g.id).collect())
        })
        .collect()
}

fn provincie_object(row: &provincie::Model, plan: &Plan<ProvincieVeld>) -> Value {
    object(plan.iter().map(|(key, veld)| {
        let value = match veld {
            ProvincieVeld::Typename => Value::from("Provincie"),
            ProvincieVeld::Id => id(NodeId::Provincie(row.code.clone())),
            ProvincieVeld::Code => Value::from(row.code.as_str()),
            ProvincieVeld::Naam => Value::from(row.naam.as_str()),
            ProvincieVeld::TooiUri => text(row.tooi_uri.as_deref()),
        };
        (key.clone(), value)
    }))
}

/// The objects of the fusies `rows` as `plan` asks them, in the order of `rows`; `rows` hold each row once.
pub fn fusie_objects<'a>(
    ctx: &'a Context<'a>,
    rows: &'a [ambtelijke_fusie::Model],
    plan: &'a Plan<FusieVeld>,
) -> BoxFuture<'a, Result<Vec<Value>, AppError>> {
    Box::pin(async move {
        let mut related = try_join_all(plan.iter().map(|(_, veld)| fusie_relation(ctx, rows, veld))).await?;
        Ok(rows
            .iter()
            .map(|row| {
                let applies = |veld: &FusieVeld| veld.only.is_none_or(|vorm| vorm == row.vorm);
                object(plan.iter().zip(related.iter_mut()).filter(|((_, veld), _)| applies(veld)).map(
                    |((key, veld), related)| {
                        let value = match &veld.veld {
                            FusieVeldSoort::Typename => Value::from(match row.vorm {
                                Vorm::Fusieorganisatie => "Fusieorganisatie",
                                Vorm::Centrumconstructie => "Centrumconstructie",
                            }),
                            FusieVeldSoort::Id => id(NodeId::AmbtelijkeFusie(row.sleutel.clone())),
                            FusieVeldSoort::Sleutel => Value::from(row.sleutel.as_str()),
                            FusieVeldSoort::Naam => Value::from(row.naam.as_str()),
                            FusieVeldSoort::Afkorting => text(row.afkorting.as_deref()),
                            FusieVeldSoort::Vorm => row.vorm.to_value(),
                            FusieVeldSoort::Rechtsvorm => row.rechtsvorm.to_value(),
                            FusieVeldSoort::RechtsvormOmschrijving => text(row.rechtsvorm_omschrijving.as_deref()),
                            FusieVeldSoort::Reikwijdte => row.reikwijdte.to_value(),
                            FusieVeldSoort::Begindatum => date(row.begindatum),
                            FusieVeldSoort::Einddatum => date(row.einddatum),
                            FusieVeldSoort::Eindreden => row.eindreden.to_value(),
                            FusieVeldSoort::EindredenToelichting => text(row.eindreden_toelichting.as_deref()),
                            FusieVeldSoort::TooiSoId => text(row.tooi_so_id.as_deref()),
                            FusieVeldSoort::CbsGrCode => text(row.cbs_gr_code.as_deref()),
                            FusieVeldSoort::OnzekereVelden => onzekere_velden(&row.onzekere_velden).to_value(),
                            FusieVeldSoort::Opmerking => text(row.opmerking.as_deref()),
                            FusieVeldSoort::Versie => Value::from(row.versie),
                            FusieVeldSoort::Deelnames(..) | FusieVeldSoort::Gemeenten(..) => of_parent(related, row.id),
                        };
                        (key.clone(), value)
                    },
                ))
            })
            .collect())
    })
}

async fn fusie_relation(
    ctx: &Context<'_>,
    rows: &[ambtelijke_fusie::Model],
    veld: &FusieVeld,
) -> Result<Related, AppError> {
    let peildatum = match &veld.veld {
        FusieVeldSoort::Deelnames(peildatum, _) | FusieVeldSoort::Gemeenten(peildatum, _) => *peildatum,
        _ => return Ok(None),
    };
    // Only the fusies the field applies to, as the resolvers would load.
    let rows: Vec<&ambtelijke_fusie::Model> =
        rows.iter().filter(|row| veld.only.is_none_or(|vorm| vorm == row.vorm)).collect();
    let deelnames = several(ctx, rows.iter().map(|row| DeelnamesOfFusie(row.id))).await?;
    let own_of = |fusie: i32| -> Vec<&deelname::Model> {
        running(deelnames.get(&DeelnamesOfFusie(fusie)).into_iter().flatten(), peildatum)
    };
    let plan = match &veld.veld {
        FusieVeldSoort::Gemeenten(_, plan) => {
            // Every participant once, whatever its role (`gemeenten_of` in types/fusie.rs).
            let ids_of = |fusie: i32| -> BTreeSet<i32> {
                let own = own_of(fusie).into_iter();
                own.filter(|d| matches!(d.rol, Rol::Deelnemer | Rol::Centrumgemeente | Rol::Afnemer))
                    .map(|d| d.gemeente_id)
                    .collect()
            };
            let all: BTreeSet<i32> = rows.iter().flat_map(|row| ids_of(row.id)).collect();
            let found: Vec<gemeente::Model> =
                several(ctx, all.into_iter().map(GemeenteId)).await?.into_values().collect();
            let owned = by_code(rows.iter().map(|row| (row.id, ids_of(row.id))), &found);
            let values = gemeente_objects(ctx, &found, plan).await?;
            return Ok(Some(lists(owned, found.iter().map(|g| g.id), values)));
        }
        FusieVeldSoort::Deelnames(_, plan) => plan,
        _ => return Ok(None),
    };
    let owned = rows.iter().map(|row| (row.id, own_of(row.id).iter().map(|d| d.id).collect())).collect();
    let all: Vec<deelname::Model> = rows.iter().flat_map(|row| own_of(row.id)).cloned().collect();
    let values = deelname_objects(ctx, &all, plan).await?;
    Ok(Some(lists(owned, all.iter().map(|d| d.id), values)))
}

/// The objects of the deelnames `rows` as `plan` asks them, in the order of `rows`; `rows` hold each row once.
fn deelname_objects<'a>(
    ctx: &'a Context<'a>,
    rows: &'a [deelname::Model],
    plan: &'a Plan<DeelnameVeld>,
) -> BoxFuture<'a, Result<Vec<Value>, AppError>> {
    Box::pin(async move {
        let mut related = Vec::with_capacity(plan.len());
        for (_, veld) in plan {
            related.push(match veld {
                DeelnameVeld::Gemeente(plan) => {
                    let ids: BTreeSet<i32> = rows.iter().map(|row| row.gemeente_id).collect();
                    let found: Vec<gemeente::Model> =
                        several(ctx, ids.into_iter().map(GemeenteId)).await?.into_values().collect();
                    let values = gemeente_objects(ctx, &found, plan).await?;
                    let pairs = rows.iter().map(|row| (row.id, row.gemeente_id));
                    Some(required_ones(pairs, found.iter().map(|g| g.id), values)?)
                }
                _ => None,
            });
        }
        Ok(rows
            .iter()
            .map(|row| {
                object(plan.iter().zip(related.iter_mut()).map(|((key, veld), related)| {
                    let value = match veld {
                        DeelnameVeld::Typename => Value::from("Deelname"),
                        DeelnameVeld::Rol => row.rol.to_value(),
                        DeelnameVeld::Begindatum => date(row.begindatum),
                        DeelnameVeld::Einddatum => date(row.einddatum),
                        DeelnameVeld::Taken => text(row.taken.as_deref()),
                        DeelnameVeld::OnzekereVelden => onzekere_velden(&row.onzekere_velden).to_value(),
                        DeelnameVeld::Opmerking => text(row.opmerking.as_deref()),
                        DeelnameVeld::Versie => Value::from(row.versie),
                        DeelnameVeld::Gemeente(_) => of_parent(related, row.id),
                    };
                    (key.clone(), value)
                }))
            })
            .collect())
    })
}

/// The deelnames of `rows` running on `peildatum` (all without one), in the API's order.
fn running<'r>(
    rows: impl Iterator<Item = &'r deelname::Model>,
    peildatum: Option<chrono::NaiveDate>,
) -> Vec<&'r deelname::Model> {
    let mut own: Vec<&deelname::Model> = rows.filter(|row| peildatum.is_none_or(|d| row.runs_on(d))).collect();
    own.sort_by_key(|row| deelname_order(row));
    own
}

/// For each (parent, child) pair the value of the child (one of the rows `ids`, whose values
/// are `values`), which must have been found: a foreign key guarantees it, and the resolvers
/// answer with an error where it is missing.
fn required_ones(
    pairs: impl Iterator<Item = (i32, i32)> + Clone,
    ids: impl Iterator<Item = i32>,
    values: Vec<Value>,
) -> Result<HashMap<i32, Value>, AppError> {
    let mut built = HandedOut::new(ids, values, pairs.clone().map(|(_, child)| child));
    pairs
        .map(|(parent, child)| match built.hand_out(child) {
            Some(value) => Ok((parent, value)),
            None => Err(AppError::Internal(format!("row {child} is referenced but missing"))),
        })
        .collect()
}

/// A parent row's value of a relation, taken out: each row of a level is put together once.
fn of_parent(related: &mut Related, parent: i32) -> Value {
    related.as_mut().and_then(|values| values.remove(&parent)).unwrap_or(Value::Null)
}

/// The built values of one level's rows, handed to the parent rows that refer to them: a copy
/// for each but the last, which takes the value itself.
struct HandedOut {
    values: HashMap<i32, (usize, Value)>,
}

impl HandedOut {
    /// The values of the rows `ids` (in the same order), each to be handed out once per ID in
    /// `uses`.
    fn new(ids: impl Iterator<Item = i32>, values: Vec<Value>, uses: impl Iterator<Item = i32>) -> Self {
        let mut values: HashMap<i32, (usize, Value)> = ids.zip(values).map(|(id, value)| (id, (0, value))).collect();
        for id in uses {
            if let Some((count, _)) = values.get_mut(&id) {
                *count += 1;
            }
        }
        Self { values }
    }

    fn hand_out(&mut self, id: i32) -> Option<Value> {
        match self.values.get_mut(&id) {
            Some((count, value)) if *count > 1 => {
                *count -= 1;
                Some(value.clone())
            }
            Some(_) => self.values.remove(&id).map(|(_, value)| value),
            None => None,
        }
    }
}

/// For each parent row its children (by ID, in order) as a list of their values.
fn lists(owned: Vec<(i32, Vec<i32>)>, ids: impl Iterator<Item = i32>, values: Vec<Value>) -> HashMap<i32, Value> {
    let uses: Vec<i32> = owned.iter().flat_map(|(_, children)| children.iter().copied()).collect();
    let mut built = HandedOut::new(ids, values, uses.into_iter());
    owned
        .into_iter()
        .map(|(parent, children)| {
            (parent, Value::List(children.into_iter().filter_map(|id| built.hand_out(id)).collect()))
        })
        .collect()
}

/// An object of `fields`; null when none applies (all in fragments on the other form), as
/// async-graphql answers such an object, so that a document answers the same either way.
fn object(fields: impl Iterator<Item = (Name, Value)>) -> Value {
    let fields: async_graphql::indexmap::IndexMap<Name, Value> = fields.collect();
    if fields.is_empty() { Value::Null } else { Value::Object(fields) }
}

fn id(node: NodeId) -> Value {
    Value::from(node.encode())
}

fn date(day: Option<chrono::NaiveDate>) -> Value {
    day.map_or(Value::Null, |day| ScalarType::to_value(&Date(day)))
}

fn text(value: Option<&str>) -> Value {
    value.map_or(Value::Null, Value::from)
}
