//! The bundled dataset: the project's own JSON files under `data/`, compiled into the binary,
//! and the code that loads them into an empty (or partly filled) database.
//!
//! The files are built from Dutch government registers and sourced compilations; `data/README.md`
//! tells their format and provenance. Nothing here reads the file system at run time.

mod format;
mod integrity;
mod seed;

pub use format::Dataset;
pub use integrity::problems;
pub use seed::{SeedReport, seed};
