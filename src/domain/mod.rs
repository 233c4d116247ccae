//! Value types and rules of the registry, free of database and GraphQL concerns.

mod cbs_code;
mod datum;
mod enums;
mod node_id;
mod periode;
pub mod tekst;
mod wijziging;

pub use cbs_code::{CbsCode, InvalidCbsCode};
pub use datum::{InvalidDatum, parse_datum};
pub use enums::{
    Doel, Eindreden, HerindelingRol, HerindelingSoort, KengetalSoort, Motief, Realisatie, Rechtsvorm, Reikwijdte,
    Risico, Rol, Tevredenheid, TokenRol, Vorm,
};
pub use node_id::NodeId;
pub use periode::{InvalidPeriode, Periode};
pub use wijziging::WijzigingSoort;
