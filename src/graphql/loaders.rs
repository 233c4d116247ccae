//! DataLoaders: every relation of the API is fetched through one of these, so that a nested
//! query costs one `IN (...)` statement per relation and level, whatever the number of parents.
//!
//! One `Db` loader serves every relation; the key type selects the query. A fresh `DataLoader`
//! (with its cache) is made for every request by the request pipeline ([`super::context::fresh_loaders`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::dataloader::Loader;

use super::pipeline::RequestReport;
use crate::db::RetriedReads;
use crate::entity::{
    ambtelijke_fusie, bron, bronvermelding, deelname, evaluatie, evaluatie_bevinding, evaluatie_doel, evaluatie_motief,
    evaluatie_risico, gemeente, herindeling, herindeling_gemeente, kengetal, onderzoek, onderzoek_fusie, provincie,
    wijziging,
};
use crate::error::AppError;
use crate::store::batch::rows_where_in;

/// The database behind the loaders: the request's own connection, and the report that counts
/// its batches.
pub struct Db {
    conn: RetriedReads,
    report: Arc<RequestReport>,
    /// Provinces read along with municipalities ([`GemeenteCodeMetProvincie`]), by ID: their
    /// municipalities' `provincie` fields answer from here instead of a batch of their own.
    provincies_read_along: Mutex<HashMap<i32, provincie::Model>>,
}

impl Db {
    /// Loads through `conn` (each read sent again if its connection turns out closed), counting
    /// every batch in `report`.
    pub fn new(conn: RetriedReads, report: Arc<RequestReport>) -> Self {
        Self { conn, report, provincies_read_along: Mutex::default() }
    }

    /// The report of the request these loaders belong to.
    pub fn report(&self) -> &RequestReport {
        &self.report
    }

    /// The province with this ID, when this request read it along with a municipality.
    pub fn provincie_read_along(&self, id: i32) -> Option<provincie::Model> {
        let read = self.provincies_read_along.lock().unwrap_or_else(PoisonError::into_inner);
        read.get(&id).cloned()
    }
}

/// A municipality by CBS code, read together with its province in one statement: for a lookup
/// that shows the province, which then costs one round trip instead of two. The province is kept
/// for [`Db::provincie_read_along`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GemeenteCodeMetProvincie(pub String);

impl Loader<GemeenteCodeMetProvincie> for Db {
    type Value = gemeente::Model;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[GemeenteCodeMetProvincie],
    ) -> Result<HashMap<GemeenteCodeMetProvincie, Self::Value>, Self::Error> {
        self.report.count_batch();
        let codes: Vec<String> = keys.iter().map(|k| k.0.clone()).collect();
        let rows = crate::store::gemeente::with_provincie_by_codes(&self.conn, &codes).await?;
        let mut read = self.provincies_read_along.lock().unwrap_or_else(PoisonError::into_inner);
        let mut found = HashMap::with_capacity(rows.len());
        for (gemeente, provincie) in rows {
            if let Some(provincie) = provincie {
                read.insert(provincie.id, provincie);
            }
            found.insert(GemeenteCodeMetProvincie(gemeente.code.clone()), gemeente);
        }
        Ok(found)
    }
}

/// One row per key: `$key` wraps the value of `$column`, read back from `$field`.
macro_rules! one_per_key {
    ($(#[$doc:meta])* $key:ident($inner:ty) => $module:ident, $column:ident, $field:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $key(pub $inner);

        impl Loader<$key> for Db {
            type Value = $module::Model;
            type Error = AppError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, Self::Error> {
                self.report.count_batch();
                let values: Vec<$inner> = keys.iter().map(|k| k.0.clone()).collect();
                let rows = rows_where_in::<$module::Entity, _, _>(
                    &self.conn,
                    $module::Column::$column,
                    &values,
                    $module::Column::Id,
                )
                .await?;
                Ok(rows.into_iter().map(|row| ($key(row.$field.clone()), row)).collect())
            }
        }
    };
}

/// All rows per key, in id order: `$key` wraps a foreign key value.
macro_rules! many_per_key {
    ($(#[$doc:meta])* $key:ident => $module:ident, $column:ident, $field:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub i32);

        impl Loader<$key> for Db {
            type Value = Vec<$module::Model>;
            type Error = AppError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, Self::Error> {
                self.report.count_batch();
                let values: Vec<i32> = keys.iter().map(|k| k.0).collect();
                let rows = rows_where_in::<$module::Entity, _, _>(
                    &self.conn,
                    $module::Column::$column,
                    &values,
                    $module::Column::Id,
                )
                .await?;
                let mut grouped: HashMap<$key, Vec<$module::Model>> = HashMap::new();
                for row in rows {
                    if let Some(id) = ForeignKey::value(&row.$field) {
                        grouped.entry($key(id)).or_default().push(row);
                    }
                }
                Ok(grouped)
            }
        }
    };
}

/// A foreign-key field, mandatory or optional.
trait ForeignKey {
    fn value(&self) -> Option<i32>;
}

impl ForeignKey for i32 {
    fn value(&self) -> Option<i32> {
        Some(*self)
    }
}

impl ForeignKey for Option<i32> {
    fn value(&self) -> Option<i32> {
        *self
    }
}

one_per_key!(
    /// A province by primary key.
    ProvincieId(i32) => provincie, Id, id
);
one_per_key!(
    /// A province by CBS code.
    ProvincieCode(String) => provincie, Code, code
);
one_per_key!(
    /// A municipality by primary key.
    GemeenteId(i32) => gemeente, Id, id
);
one_per_key!(
    /// A municipality by CBS code.
    GemeenteCode(String) => gemeente, Code, code
);
one_per_key!(
    /// An ambtelijke fusie by primary key.
    FusieId(i32) => ambtelijke_fusie, Id, id
);
one_per_key!(
    /// An ambtelijke fusie by its key.
    FusieSleutel(String) => ambtelijke_fusie, Sleutel, sleutel
);
one_per_key!(
    /// A herindeling by primary key.
    HerindelingId(i32) => herindeling, Id, id
);
one_per_key!(
    /// A herindeling by its key.
    HerindelingSleutel(String) => herindeling, Sleutel, sleutel
);
one_per_key!(
    /// A study by primary key.
    OnderzoekId(i32) => onderzoek, Id, id
);
one_per_key!(
    /// A study by its key.
    OnderzoekSleutel(String) => onderzoek, Sleutel, sleutel
);
one_per_key!(
    /// An evaluation by its key.
    EvaluatieSleutel(String) => evaluatie, Sleutel, sleutel
);
one_per_key!(
    /// A source by primary key.
    BronId(i32) => bron, Id, id
);
one_per_key!(
    /// A source by its key.
    BronSleutel(String) => bron, Sleutel, sleutel
);

many_per_key!(
    /// The deelnames of a municipality, all periods.
    DeelnamesOfGemeente => deelname, GemeenteId, gemeente_id
);
many_per_key!(
    /// The deelnames of an ambtelijke fusie, all periods.
    DeelnamesOfFusie => deelname, AmbtelijkeFusieId, ambtelijke_fusie_id
);
many_per_key!(
    /// The herindelingen a municipality took part in, as link rows.
    HerindelingenOfGemeente => herindeling_gemeente, GemeenteId, gemeente_id
);
many_per_key!(
    /// The municipalities of a herindeling, as link rows.
    GemeentenOfHerindeling => herindeling_gemeente, HerindelingId, herindeling_id
);
many_per_key!(
    /// The published figures of a study.
    KengetallenOfOnderzoek => kengetal, OnderzoekId, onderzoek_id
);
many_per_key!(
    /// The evaluations about an ambtelijke fusie.
    EvaluatiesOfFusie => evaluatie, AmbtelijkeFusieId, ambtelijke_fusie_id
);
many_per_key!(
    /// The evaluations that come from a study.
    EvaluatiesOfOnderzoek => evaluatie, OnderzoekId, onderzoek_id
);
many_per_key!(
    /// The motives of an evaluation.
    MotievenOfEvaluatie => evaluatie_motief, EvaluatieId, evaluatie_id
);
many_per_key!(
    /// The goals of an evaluation.
    DoelenOfEvaluatie => evaluatie_doel, EvaluatieId, evaluatie_id
);
many_per_key!(
    /// The risks of an evaluation.
    RisicosOfEvaluatie => evaluatie_risico, EvaluatieId, evaluatie_id
);
many_per_key!(
    /// The further findings of an evaluation.
    BevindingenOfEvaluatie => evaluatie_bevinding, EvaluatieId, evaluatie_id
);
many_per_key!(
    /// The organisations a study counted or described.
    OrganisatiesOfOnderzoek => onderzoek_fusie, OnderzoekId, onderzoek_id
);
many_per_key!(
    /// The citations of a province.
    BronnenOfProvincie => bronvermelding, ProvincieId, provincie_id
);
many_per_key!(
    /// The citations of a municipality.
    BronnenOfGemeente => bronvermelding, GemeenteId, gemeente_id
);
many_per_key!(
    /// The citations of a herindeling.
    BronnenOfHerindeling => bronvermelding, HerindelingId, herindeling_id
);
many_per_key!(
    /// The citations of an ambtelijke fusie.
    BronnenOfFusie => bronvermelding, AmbtelijkeFusieId, ambtelijke_fusie_id
);
many_per_key!(
    /// The citations of a study.
    BronnenOfOnderzoek => bronvermelding, OnderzoekId, onderzoek_id
);
many_per_key!(
    /// The citations of an evaluation.
    BronnenOfEvaluatie => bronvermelding, EvaluatieId, evaluatie_id
);
many_per_key!(
    /// The municipalities of a province, all periods.
    GemeentenOfProvincie => gemeente, ProvincieId, provincie_id
);

/// The logged changes of a record, by its global ID, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WijzigingenOf(pub String);

impl Loader<WijzigingenOf> for Db {
    type Value = Vec<wijziging::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[WijzigingenOf]) -> Result<HashMap<WijzigingenOf, Self::Value>, Self::Error> {
        self.report.count_batch();
        let values: Vec<String> = keys.iter().map(|k| k.0.clone()).collect();
        let rows = rows_where_in::<wijziging::Entity, _, _>(
            &self.conn,
            wijziging::Column::EntiteitId,
            &values,
            wijziging::Column::Volgnummer,
        )
        .await?;
        let mut grouped: HashMap<WijzigingenOf, Self::Value> = HashMap::new();
        for row in rows {
            grouped.entry(WijzigingenOf(row.entiteit_id.clone())).or_default().push(row);
        }
        Ok(grouped)
    }
}
