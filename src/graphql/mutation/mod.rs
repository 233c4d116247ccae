//! The root mutation: writes for editors (and admins), each with one `input` argument and a
//! payload that returns the changed records. Resolvers check the caller's role, parse the
//! input into a typed command (see `parse`), and hand over to `crate::service`. Each aggregate has its own file; the root merges them.

mod fusie;
mod gemeente;
mod onderzoek;
mod parse;

use async_graphql::MergedObject;

pub use fusie::FusieMutation;
pub use gemeente::GemeenteMutation;
pub use onderzoek::OnderzoekMutation;

/// Changes to the registry. Every mutation needs `Authorization: Bearer <token>` of an editor or
/// admin, runs in one transaction, and records one wijziging per changed record.
#[derive(MergedObject, Default)]
pub struct Mutation(FusieMutation, GemeenteMutation, OnderzoekMutation);
