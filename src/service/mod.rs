//! Write use-cases. Each opens one transaction through [`UnitOfWork`](crate::service::UnitOfWork), checks the registry's
//! rules against the current state, writes, records one `wijziging` per changed record, and
//! commits; any failure rolls everything back.

pub mod bron;
pub mod fusie;
pub mod gemeente;
pub mod herindeling;
pub mod onderzoek;
pub(crate) mod rules;
mod unit_of_work;

pub use unit_of_work::{UnitOfWork, take_write_lock};
