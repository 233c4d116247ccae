//! The frame of a JSON-LD data file: one object with the context's address and a `@graph` of
//! nodes, one node a line, so that the file can be written as the rows are read.

use axum::body::Bytes;

use super::params::Scope;
use super::record::Record;
use crate::error::AppError;

/// The address of the published context, for a server at `scope`'s base (without parameters: the
/// context does not depend on them).
pub fn context_url(scope: &Scope) -> String {
    scope.base.join("/data/context.jsonld")
}

/// The start of a data file, up to the opening of its `@graph`.
///
/// # Errors
/// An internal error when JSON cannot be written (it can).
pub fn opening(scope: &Scope) -> Result<Bytes, AppError> {
    let context = serde_json::to_string(&context_url(scope))
        .map_err(|e| AppError::Internal(format!("cannot write JSON: {e}")))?;
    Ok(Bytes::from(format!("{{\"@context\":{context},\"@graph\":[\n")))
}

/// The nodes of `records`, each on a line; `first` says whether any node was written before.
///
/// # Errors
/// An internal error when a node cannot be written.
pub fn nodes(records: &[Record], first: bool) -> Result<Bytes, AppError> {
    let mut out = Vec::new();
    for (n, record) in records.iter().enumerate() {
        if !(first && n == 0) {
            out.extend_from_slice(b",\n");
        }
        serde_json::to_writer(&mut out, &record.node)
            .map_err(|e| AppError::Internal(format!("cannot write JSON: {e}")))?;
    }
    Ok(Bytes::from(out))
}

/// The end of a data file.
pub const CLOSING: &[u8] = b"\n]}\n";
