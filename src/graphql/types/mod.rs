//! The API's object types. Each wraps an entity model (entities are not the API) and resolves its
//! relations through the request's DataLoader.

mod bron;
mod fusie;
mod gemeente;
mod herindeling;
pub mod node;
mod onderzoek;
mod statistiek;
mod wijziging;

pub use bron::Bron;
pub use fusie::{AmbtelijkeFusie, Centrumconstructie, Deelname, Fusieorganisatie};
pub(crate) use fusie::{deelname_order, fusie_order};
pub(crate) use gemeente::herindeling_order;
pub use gemeente::{Gemeente, Provincie};
pub use herindeling::Herindeling;
pub use node::Node;
pub use onderzoek::{Evaluatie, Kengetal, Onderzoek, OnderzoekOrganisatie};
pub use statistiek::Statistiek;
pub use wijziging::Wijziging;

/// The field names listed in an `onzekere_velden` column.
pub(crate) fn onzekere_velden(stored: &str) -> Vec<String> {
    stored.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}
