//! Value types and rules of the registry. Nothing here queries a database or resolves a field,
//! and nothing here imports another module of this crate except `error`; the enums do derive
//! their column and GraphQL forms, so that each is defined once (see `enums.rs`).

mod cbs_code;
mod datum;
mod enums;
mod node_id;
mod periode;
mod sleutel;
pub mod tekst;
mod wijziging;

pub use cbs_code::{CbsCode, InvalidCbsCode};
pub use datum::{InvalidDatum, parse_datum};
pub use enums::{
    Doel, Eindreden, HerindelingRol, HerindelingSoort, KengetalSoort, Motief, Realisatie, Rechtsvorm, Reikwijdte,
    Risico, Rol, Tevredenheid, TokenRol, Vorm,
};
pub use node_id::NodeId;
pub use periode::{InvalidPeriode, MissingBegin, Periode};
pub use sleutel::{InvalidSleutel, Sleutel};
pub use wijziging::{Entiteit, WijzigingSoort};
