//! A record as stored, as JSON: what the change log keeps beside each change (`gegevens`), so
//! that the log tells what a record looked like right after every change, also after later
//! changes or its deletion, and the registry as known at any moment can be rebuilt from it.
//!
//! The snapshot is the record's own row, read in the write's transaction just before the change
//! is logged, column by column under the database's column names. Rows that exist only as part
//! of the record (its citations, a herindeling's municipalities, an evaluation's goals, …) come
//! along under [`PARTS`], by table, because they change only together with their record. Foreign
//! keys are the registry's internal row numbers; the change's `entiteitId` names the record
//! publicly.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JsonValue, QueryFilter};
use serde_json::{Map, Value};

use crate::domain::{Entiteit, NodeId};
use crate::entity::{
    ambtelijke_fusie, bron, deelname, evaluatie, gemeente, herindeling, kengetal, onderzoek, provincie,
};

/// The key of a snapshot under which the record's part rows are kept, by table name.
pub const PARTS: &str = "_onderdelen";

/// A table whose rows are parts of one record of another table: `owner` names that record.
#[derive(Debug, Clone, Copy)]
pub struct PartTable {
    /// The part table.
    pub table: &'static str,
    /// Its column that holds the owning record's row number.
    pub owner: &'static str,
}

/// The table that holds the records of a kind.
pub fn table_of(entiteit: Entiteit) -> &'static str {
    match entiteit {
        Entiteit::Provincie => "provincie",
        Entiteit::Gemeente => "gemeente",
        Entiteit::AmbtelijkeFusie => "ambtelijke_fusie",
        Entiteit::Deelname => "deelname",
        Entiteit::Herindeling => "herindeling",
        Entiteit::Onderzoek => "onderzoek",
        Entiteit::Kengetal => "kengetal",
        Entiteit::Evaluatie => "evaluatie",
        Entiteit::Bron => "bron",
    }
}

/// The part tables of a kind of record: written with it, and changed only through it.
pub fn parts_of(entiteit: Entiteit) -> &'static [PartTable] {
    match entiteit {
        Entiteit::Provincie => &[PartTable { table: "bronvermelding", owner: "provincie_id" }],
        Entiteit::Gemeente => &[PartTable { table: "bronvermelding", owner: "gemeente_id" }],
        Entiteit::AmbtelijkeFusie => &[PartTable { table: "bronvermelding", owner: "ambtelijke_fusie_id" }],
        Entiteit::Herindeling => &[
            PartTable { table: "herindeling_gemeente", owner: "herindeling_id" },
            PartTable { table: "bronvermelding", owner: "herindeling_id" },
        ],
        Entiteit::Onderzoek => &[
            PartTable { table: "onderzoek_fusie", owner: "onderzoek_id" },
            PartTable { table: "bronvermelding", owner: "onderzoek_id" },
        ],
        Entiteit::Evaluatie => &[
            PartTable { table: "evaluatie_motief", owner: "evaluatie_id" },
            PartTable { table: "evaluatie_doel", owner: "evaluatie_id" },
            PartTable { table: "evaluatie_risico", owner: "evaluatie_id" },
            PartTable { table: "evaluatie_bevinding", owner: "evaluatie_id" },
            PartTable { table: "bronvermelding", owner: "evaluatie_id" },
        ],
        Entiteit::Deelname | Entiteit::Kengetal | Entiteit::Bron => &[],
    }
}

/// The kinds in the order their records may be written: a record after those it refers to.
pub const WRITE_ORDER: [Entiteit; 9] = [
    Entiteit::Bron,
    Entiteit::Provincie,
    Entiteit::Gemeente,
    Entiteit::Herindeling,
    Entiteit::AmbtelijkeFusie,
    Entiteit::Deelname,
    Entiteit::Onderzoek,
    Entiteit::Kengetal,
    Entiteit::Evaluatie,
];

/// The snapshot of the record `id`; `None` when it does not exist (it was deleted).
///
/// # Errors
/// A database error.
pub async fn of(db: &impl ConnectionTrait, id: &NodeId) -> Result<Option<Value>, DbErr> {
    let Some(mut row) = row_of(db, id).await? else { return Ok(None) };
    let parts = parts_of(id.entiteit());
    if !parts.is_empty() {
        let owner = row.get("id").and_then(Value::as_i64).unwrap_or_default();
        let mut by_table = Map::new();
        for part in parts {
            let rows = rows(db, part.table, Some((part.owner, owner))).await?;
            by_table.insert(part.table.to_owned(), Value::Array(rows));
        }
        if let Value::Object(columns) = &mut row {
            columns.insert(PARTS.to_owned(), Value::Object(by_table));
        }
    }
    Ok(Some(row))
}

/// The snapshot of every record, in [`WRITE_ORDER`]: what the log records when the bundled
/// dataset is loaded. A handful of statements, however many records there are.
///
/// # Errors
/// A database error.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<(NodeId, Value)>, DbErr> {
    let mut tables: HashMap<&'static str, Vec<Value>> = HashMap::new();
    for entiteit in WRITE_ORDER {
        tables.insert(table_of(entiteit), rows(db, table_of(entiteit), None).await?);
        for part in parts_of(entiteit) {
            if !tables.contains_key(part.table) {
                tables.insert(part.table, rows(db, part.table, None).await?);
            }
        }
    }
    let keys = Keys::from(&tables);
    let mut snapshots = Vec::new();
    for entiteit in WRITE_ORDER {
        let parts = parts_of(entiteit);
        let grouped: Vec<HashMap<i64, Vec<Value>>> = parts
            .iter()
            .map(|part| group_by(tables.get(part.table).map_or(&[][..], Vec::as_slice), part.owner))
            .collect();
        for row in tables.get(table_of(entiteit)).map_or(&[][..], Vec::as_slice) {
            let Some(id) = keys.node_id(entiteit, row) else { continue };
            let mut snapshot = row.clone();
            if !parts.is_empty() {
                let owner = row.get("id").and_then(Value::as_i64).unwrap_or_default();
                let by_table = parts
                    .iter()
                    .zip(&grouped)
                    .map(|(part, rows)| {
                        (part.table.to_owned(), Value::Array(rows.get(&owner).cloned().unwrap_or_default()))
                    })
                    .collect();
                if let Value::Object(columns) = &mut snapshot {
                    columns.insert(PARTS.to_owned(), Value::Object(by_table));
                }
            }
            snapshots.push((id, snapshot));
        }
    }
    Ok(snapshots)
}

/// Every row of a registry table, as JSON objects in the order of their row numbers.
///
/// # Errors
/// A database error.
pub async fn rows_of_table(db: &impl ConnectionTrait, table: &str) -> Result<Vec<Value>, DbErr> {
    rows(db, table, None).await
}

/// The name of a part table as a snapshot names it; `None` for a name that is not one.
pub fn part_table_name(name: &str) -> Option<&'static str> {
    WRITE_ORDER.iter().flat_map(|entiteit| parts_of(*entiteit)).map(|part| part.table).find(|table| *table == name)
}

/// Every row of `table` (those whose `owner` column holds the given row number, if given), in
/// the order of their row numbers.
async fn rows(db: &impl ConnectionTrait, table: &str, owner: Option<(&str, i64)>) -> Result<Vec<Value>, DbErr> {
    let mut select = Query::select();
    select.column(Asterisk).from(Alias::new(table)).order_by(Alias::new("id"), sea_orm::Order::Asc);
    if let Some((column, id)) = owner {
        select.and_where(Expr::col(Alias::new(column)).eq(id));
    }
    let statement = db.get_database_backend().build(&select);
    JsonValue::find_by_statement(statement).all(db).await
}

fn group_by(rows: &[Value], column: &str) -> HashMap<i64, Vec<Value>> {
    let mut groups: HashMap<i64, Vec<Value>> = HashMap::new();
    for row in rows {
        if let Some(owner) = row.get(column).and_then(Value::as_i64) {
            groups.entry(owner).or_default().push(row.clone());
        }
    }
    groups
}

/// The public keys of the rows that other records' IDs are made of.
struct Keys {
    gemeente: HashMap<i64, String>,
    fusie: HashMap<i64, String>,
    onderzoek: HashMap<i64, String>,
}

impl Keys {
    fn from(tables: &HashMap<&'static str, Vec<Value>>) -> Self {
        let column = |table: &str, name: &str| -> HashMap<i64, String> {
            tables
                .get(table)
                .map(|rows| {
                    rows.iter()
                        .filter_map(|row| Some((row.get("id")?.as_i64()?, row.get(name)?.as_str()?.to_owned())))
                        .collect()
                })
                .unwrap_or_default()
        };
        Self {
            gemeente: column("gemeente", "code"),
            fusie: column("ambtelijke_fusie", "sleutel"),
            onderzoek: column("onderzoek", "sleutel"),
        }
    }

    /// The ID of a row of the kind's table; `None` for a row without its keys.
    fn node_id(&self, entiteit: Entiteit, row: &Value) -> Option<NodeId> {
        let text = |name: &str| row.get(name).and_then(Value::as_str).map(str::to_owned);
        let number = |name: &str| row.get(name).and_then(Value::as_i64);
        Some(match entiteit {
            Entiteit::Provincie => NodeId::Provincie(text("code")?),
            Entiteit::Gemeente => NodeId::Gemeente(text("code")?),
            Entiteit::AmbtelijkeFusie => NodeId::AmbtelijkeFusie(text("sleutel")?),
            Entiteit::Herindeling => NodeId::Herindeling(text("sleutel")?),
            Entiteit::Onderzoek => NodeId::Onderzoek(text("sleutel")?),
            Entiteit::Evaluatie => NodeId::Evaluatie(text("sleutel")?),
            Entiteit::Bron => NodeId::Bron(text("sleutel")?),
            Entiteit::Kengetal => NodeId::Kengetal {
                onderzoek: self.onderzoek.get(&number("onderzoek_id")?)?.clone(),
                sleutel: text("sleutel")?,
            },
            Entiteit::Deelname => NodeId::Deelname {
                fusie: self.fusie.get(&number("ambtelijke_fusie_id")?)?.clone(),
                gemeente: self.gemeente.get(&number("gemeente_id")?)?.clone(),
                begindatum: match row.get("begindatum") {
                    Some(Value::String(day)) => Some(NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?),
                    _ => None,
                },
            },
        })
    }
}

/// The record's own row, found by its public key.
async fn row_of(db: &impl ConnectionTrait, id: &NodeId) -> Result<Option<Value>, DbErr> {
    match id {
        NodeId::Provincie(code) => {
            provincie::Entity::find().filter(provincie::Column::Code.eq(code.as_str())).into_json().one(db).await
        }
        NodeId::Gemeente(code) => {
            gemeente::Entity::find().filter(gemeente::Column::Code.eq(code.as_str())).into_json().one(db).await
        }
        NodeId::AmbtelijkeFusie(sleutel) => {
            let by_key = ambtelijke_fusie::Column::Sleutel.eq(sleutel.as_str());
            ambtelijke_fusie::Entity::find().filter(by_key).into_json().one(db).await
        }
        NodeId::Herindeling(sleutel) => {
            let by_key = herindeling::Column::Sleutel.eq(sleutel.as_str());
            herindeling::Entity::find().filter(by_key).into_json().one(db).await
        }
        NodeId::Onderzoek(sleutel) => {
            onderzoek::Entity::find().filter(onderzoek::Column::Sleutel.eq(sleutel.as_str())).into_json().one(db).await
        }
        NodeId::Evaluatie(sleutel) => {
            evaluatie::Entity::find().filter(evaluatie::Column::Sleutel.eq(sleutel.as_str())).into_json().one(db).await
        }
        NodeId::Bron(sleutel) => {
            bron::Entity::find().filter(bron::Column::Sleutel.eq(sleutel.as_str())).into_json().one(db).await
        }
        NodeId::Kengetal { onderzoek: study, sleutel } => {
            let Some(study) =
                onderzoek::Entity::find().filter(onderzoek::Column::Sleutel.eq(study.as_str())).one(db).await?
            else {
                return Ok(None);
            };
            kengetal::Entity::find()
                .filter(kengetal::Column::OnderzoekId.eq(study.id))
                .filter(kengetal::Column::Sleutel.eq(sleutel.as_str()))
                .into_json()
                .one(db)
                .await
        }
        NodeId::Deelname { fusie, gemeente: code, begindatum } => {
            let by_key = ambtelijke_fusie::Column::Sleutel.eq(fusie.as_str());
            let fusie = ambtelijke_fusie::Entity::find().filter(by_key).one(db).await?;
            let member = gemeente::Entity::find().filter(gemeente::Column::Code.eq(code.as_str())).one(db).await?;
            let (Some(fusie), Some(member)) = (fusie, member) else { return Ok(None) };
            let begin = match begindatum {
                Some(day) => deelname::Column::Begindatum.eq(*day),
                None => deelname::Column::Begindatum.is_null(),
            };
            deelname::Entity::find()
                .filter(deelname::Column::AmbtelijkeFusieId.eq(fusie.id))
                .filter(deelname::Column::GemeenteId.eq(member.id))
                .filter(begin)
                .into_json()
                .one(db)
                .await
        }
    }
}
