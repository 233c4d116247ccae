//! Database migrations of fusieregister.
//!
//! One file per migration; a migration that has landed on `main` is frozen, because databases
//! in the field have already run it. Later changes come as new files. The tables are written
//! with sea-query builders rather than derived from the live entities, so that the history of
//! the schema stays what it was when each step landed. Every migration runs unchanged on SQLite
//! and on PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_create_registry;
mod m20261128_000002_create_api_token;
mod m20261128_000003_create_wijziging;
mod m20261201_000004_doelrealisatie_en_dekking;
mod m20261205_000005_wijziging_correctie;

/// The ordered list of every migration of the registry.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_create_registry::Migration),
            Box::new(m20261128_000002_create_api_token::Migration),
            Box::new(m20261128_000003_create_wijziging::Migration),
            Box::new(m20261201_000004_doelrealisatie_en_dekking::Migration),
            Box::new(m20261205_000005_wijziging_correctie::Migration),
        ]
    }
}
