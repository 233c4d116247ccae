//! One log line per finished operation that an operator wants to see: every mutation, with the
//! name of the token that made it (never the token), and every operation slower than the
//! threshold. The lines carry the request's ID through the request span (see `layers`).

use std::time::Duration;

/// An operation that has finished, as the log describes it.
pub struct Finished<'a> {
    /// The operation's name, or `None` for an anonymous one.
    pub name: Option<&'a str>,
    /// `query`, `mutation`, `subscription` or `unknown`.
    pub kind: &'static str,
    /// `ok` or the first error's code.
    pub outcome: &'a str,
    /// From the start of the request to its serialised answer.
    pub elapsed: Duration,
    /// SQL statements the operation sent.
    pub statements: u64,
    /// DataLoader batches it ran.
    pub batches: u64,
    /// The name of the API token the request carried.
    pub token: Option<&'a str>,
}

/// Logs `finished` if it is a mutation or took at least `slow`.
pub fn log(finished: &Finished<'_>, slow: Duration) {
    let operation = finished.name.unwrap_or("anonymous");
    let elapsed_ms = u64::try_from(finished.elapsed.as_millis()).unwrap_or(u64::MAX);
    if finished.kind == "mutation" {
        tracing::info!(
            operation,
            token = finished.token.unwrap_or("-"),
            outcome = finished.outcome,
            elapsed_ms,
            statements = finished.statements,
            "mutation"
        );
    }
    if finished.elapsed >= slow {
        tracing::warn!(
            operation,
            r#type = finished.kind,
            outcome = finished.outcome,
            elapsed_ms,
            statements = finished.statements,
            batches = finished.batches,
            "slow operation"
        );
    }
}
