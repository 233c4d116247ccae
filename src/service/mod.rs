//! Write use-cases. Each opens one transaction through [`Schrijfactie`], checks the registry's
//! rules against the current state, writes, records one `wijziging` per changed record, and
//! commits; any failure rolls everything back.

pub mod bron;
pub mod fusie;
pub mod gemeente;
pub mod herindeling;
pub mod onderzoek;
mod schrijfactie;

pub use schrijfactie::{Schrijfactie, neem_schrijfslot};
