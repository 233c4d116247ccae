//! The registry as it was known at a moment (formal history, `bekendOp`).
//!
//! The change log keeps every record's state after each change (`gegevens`, see
//! [`store::snapshot`]), and the bundled dataset's load is logged as the first change of each
//! record it holds. So the registry as known after change `n` is today's registry with every
//! record changed after `n` put back to its state at `n`: the state its last change up to `n`
//! logged, or absent when it was created later or deleted by then.
//!
//! That state is built once per `n` into a private in-memory SQLite database with the same
//! schema, and every resolver, DataLoader and export then reads it unchanged, exactly as it
//! reads a replica. A past `n` never changes, so the copies are kept (the most recently used
//! few). Without a moment, or for a moment after the last change, the primary answers and
//! nothing is built. Copies are built one at a time, so that clients asking for many moments
//! take one core at most.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use migration::{Migrator, MigratorTrait};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{
    AccessMode, ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DbErr, IsolationLevel,
    TransactionTrait,
};
use serde_json::Value;
use tokio::sync::{OnceCell, Semaphore};

use super::Databases;
use crate::domain::{NodeId, WijzigingSoort};
use crate::entity::wijziging;
use crate::error::AppError;
use crate::store::{self, snapshot};

/// A connection that answers every read as the registry was known at a moment.
pub struct KnownRegistry {
    /// The connection to read from.
    pub conn: DatabaseConnection,
    /// The last change the registry knew of at that moment (0 before any).
    pub volgnummer: i64,
}

/// How many past states are kept built.
const KEPT: usize = 4;

/// The registry's past states that have been built, most recently used first.
pub struct Moments {
    copies: Mutex<VecDeque<(i64, Arc<OnceCell<DatabaseConnection>>)>>,
    building: Semaphore,
}

impl Default for Moments {
    /// No past state built yet; one build at a time.
    fn default() -> Self {
        Self { copies: Mutex::default(), building: Semaphore::new(1) }
    }
}

impl Moments {
    /// The registry as known after change `known`, built from `primary` unless it is kept.
    async fn after_change(&self, primary: &DatabaseConnection, known: i64) -> Result<DatabaseConnection, AppError> {
        let cell = self.cell(known);
        let conn = cell
            .get_or_try_init(|| async {
                let _turn =
                    self.building.acquire().await.map_err(|_| AppError::Internal("moment builds closed".to_owned()))?;
                build(primary, known).await
            })
            .await?;
        Ok(conn.clone())
    }

    /// The place of `known`'s copy (new and empty if it was not kept), now the most recent.
    fn cell(&self, known: i64) -> Arc<OnceCell<DatabaseConnection>> {
        let Ok(mut copies) = self.copies.lock() else { return Arc::default() };
        let cell = match copies.iter().position(|(n, _)| *n == known) {
            Some(index) => copies.remove(index).map(|(_, cell)| cell).unwrap_or_default(),
            None => Arc::default(),
        };
        copies.push_front((known, cell.clone()));
        copies.truncate(KEPT);
        cell
    }
}

impl Databases {
    /// The registry as known at `moment`, or as known now (the primary) without one.
    ///
    /// # Errors
    /// A database error; `BAD_USER_INPUT` on `bekendOp` when the log holds no state of a record
    /// at that moment (a database whose records were loaded before the log kept states).
    pub async fn known_at(&self, moment: Option<DateTime<Utc>>) -> Result<KnownRegistry, AppError> {
        let primary = self.primary();
        let latest = store::wijziging::latest(primary).await?;
        let Some(moment) = moment else { return Ok(KnownRegistry { conn: primary.clone(), volgnummer: latest }) };
        let known = store::wijziging::last_at(primary, moment).await?;
        if known >= latest {
            return Ok(KnownRegistry { conn: primary.clone(), volgnummer: latest });
        }
        let conn = self.moments.after_change(primary, known).await?;
        Ok(KnownRegistry { conn, volgnummer: known })
    }
}

/// Builds the registry as known after change `known`: today's rows and the log up to `known`,
/// read in one snapshot of the primary, with the records changed since put back.
async fn build(primary: &DatabaseConnection, known: i64) -> Result<DatabaseConnection, AppError> {
    let copy = open_copy().await?;
    let read = match primary.get_database_backend() {
        DatabaseBackend::Postgres => {
            primary.begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly)).await?
        }
        _ => primary.begin().await?,
    };
    for table in REGISTRY_TABLES {
        insert_rows(&copy, table, &store::snapshot::rows_of_table(&read, table).await?).await?;
    }
    let log = store::wijziging::up_to(&read, known).await?;
    store::wijziging::insert_all(&copy, log.into_iter().map(as_new).collect()).await?;
    let states = states_at(&read, known).await?;
    read.commit().await?;
    put_back(&copy, states).await?;
    Ok(copy)
}

/// Every table of registry records, in an order that inserts a row after those it refers to.
const REGISTRY_TABLES: [&str; 16] = [
    "bron",
    "provincie",
    "gemeente",
    "herindeling",
    "herindeling_gemeente",
    "ambtelijke_fusie",
    "deelname",
    "onderzoek",
    "onderzoek_fusie",
    "kengetal",
    "evaluatie",
    "evaluatie_motief",
    "evaluatie_doel",
    "evaluatie_risico",
    "evaluatie_bevinding",
    "bronvermelding",
];

/// A private in-memory database with the registry's schema. Its foreign keys are not enforced:
/// records are put back one by one, and a cascade on the way would delete rows that stay.
async fn open_copy() -> Result<DatabaseConnection, AppError> {
    let mut options = ConnectOptions::new("sqlite::memory:");
    // The database lives as long as one connection does: keep them all, for good.
    options
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|sqlite| sqlite.foreign_keys(false));
    let copy = Database::connect(options).await?;
    Migrator::up(&copy, None).await?;
    Ok(copy)
}

/// The state after change `known` of every record changed since: its snapshot, or `None` when
/// it did not exist then.
async fn states_at(read: &impl ConnectionTrait, known: i64) -> Result<Vec<(NodeId, Option<Value>)>, AppError> {
    let changed = store::wijziging::changed_after(read, known).await?;
    let mut history: HashMap<String, Vec<wijziging::Model>> = HashMap::new();
    for change in store::wijziging::of_records(read, changed).await? {
        history.entry(change.entiteit_id.clone()).or_default().push(change);
    }
    let mut states = Vec::with_capacity(history.len());
    for (entiteit_id, changes) in history {
        let id = NodeId::decode(&entiteit_id)
            .map_err(|_| AppError::Internal(format!("the log names an unknown record '{entiteit_id}'")))?;
        let unknown = || {
            AppError::bad_input(
                "bekendOp",
                format!(
                    "the change log holds no state of {entiteit_id} as known then; its formal history starts later"
                ),
            )
        };
        let state = match changes.iter().rev().find(|change| change.volgnummer <= known) {
            Some(last) if last.soort == WijzigingSoort::Verwijderd => None,
            Some(last) => {
                let text = last.gegevens.as_deref().ok_or_else(unknown)?;
                Some(serde_json::from_str(text).map_err(|_| unknown())?)
            }
            // First recorded after the moment: created then, unless the log began with it.
            None if changes.first().is_some_and(|first| first.soort == WijzigingSoort::Aangemaakt) => None,
            None => return Err(unknown()),
        };
        states.push((id, state));
    }
    Ok(states)
}

/// Replaces each record's current rows in `copy` by its state (none when it did not exist).
async fn put_back(copy: &DatabaseConnection, states: Vec<(NodeId, Option<Value>)>) -> Result<(), AppError> {
    // First every current row goes, then every earlier state comes, so that a row number taken
    // over by a later record is free again when its earlier owner returns.
    let mut current = Vec::new();
    for (id, _) in &states {
        if let Some(now) = snapshot::of(copy, id).await? {
            current.push((id.entiteit(), now));
        }
    }
    for (entiteit, now) in &current {
        for (table, rows) in rows_of_snapshot(snapshot::table_of(*entiteit), now) {
            let ids: Vec<i64> = rows.iter().filter_map(|row| row.get("id").and_then(Value::as_i64)).collect();
            delete_rows(copy, table, ids).await?;
        }
    }
    for (id, state) in &states {
        if let Some(state) = state {
            for (table, rows) in rows_of_snapshot(snapshot::table_of(id.entiteit()), state) {
                insert_rows(copy, table, &rows).await?;
            }
        }
    }
    Ok(())
}

/// The rows a snapshot is made of, by table: the record's own row and its parts.
fn rows_of_snapshot<'a>(table: &'a str, state: &'a Value) -> Vec<(&'a str, Vec<Value>)> {
    let mut own = state.clone();
    let parts = own.as_object_mut().and_then(|columns| columns.remove(snapshot::PARTS));
    let mut tables = vec![(table, vec![own])];
    if let Some(Value::Object(parts)) = parts {
        for (part, rows) in parts {
            let table = snapshot::part_table_name(&part);
            if let (Some(table), Value::Array(rows)) = (table, rows) {
                tables.push((table, rows));
            }
        }
    }
    tables
}

async fn delete_rows(copy: &DatabaseConnection, table: &str, ids: Vec<i64>) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    let delete =
        Query::delete().from_table(Alias::new(table)).and_where(Expr::col(Alias::new("id")).is_in(ids)).to_owned();
    copy.execute(&delete).await.map(|_| ())
}

/// Inserts rows given as JSON objects (column → value), a few hundred a statement.
async fn insert_rows(copy: &DatabaseConnection, table: &str, rows: &[Value]) -> Result<(), AppError> {
    let Some(Value::Object(first)) = rows.first() else { return Ok(()) };
    let columns: Vec<String> = first.keys().cloned().collect();
    // SQLite allows 32,766 bind parameters a statement.
    let per_statement = (30_000 / columns.len().max(1)).max(1);
    for chunk in rows.chunks(per_statement) {
        let mut insert = Query::insert();
        insert.into_table(Alias::new(table)).columns(columns.iter().map(Alias::new));
        for row in chunk {
            let values: Vec<SimpleExpr> =
                columns.iter().map(|column| sql_value(row.get(column).unwrap_or(&Value::Null)).into()).collect();
            insert.values(values).map_err(|err| AppError::Internal(format!("a stored row of {table}: {err}")))?;
        }
        copy.execute(&insert).await?;
    }
    Ok(())
}

/// A JSON value of a stored row as the SQL value it was read from.
fn sql_value(value: &Value) -> sea_orm::Value {
    match value {
        Value::Null => sea_orm::Value::String(None),
        Value::Bool(flag) => sea_orm::Value::Bool(Some(*flag)),
        Value::Number(number) => match number.as_i64() {
            Some(whole) => sea_orm::Value::BigInt(Some(whole)),
            None => sea_orm::Value::Double(number.as_f64()),
        },
        Value::String(text) => sea_orm::Value::String(Some(text.clone())),
        other => sea_orm::Value::String(Some(other.to_string())),
    }
}

/// A logged change as a row to insert elsewhere, unchanged.
fn as_new(change: wijziging::Model) -> wijziging::ActiveModel {
    wijziging::ActiveModel {
        volgnummer: Set(change.volgnummer),
        tijdstip: Set(change.tijdstip),
        soort: Set(change.soort),
        entiteit: Set(change.entiteit),
        entiteit_id: Set(change.entiteit_id),
        door: Set(change.door),
        gegevens: Set(change.gegevens),
        correctie: Set(change.correctie),
    }
}
