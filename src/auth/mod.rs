//! Who is calling, and may they write? Reads are public; every write needs an API token
//! (`Authorization: Bearer <token>`) whose role is high enough.
//!
//! The HTTP handlers turn the header into a [`Caller`](crate::auth::Caller) once per request (one indexed query, none
//! without a header) and put it in the request data; a resolver that writes starts with
//! [`require`](crate::auth::require). A missing, malformed, unknown or revoked token yields no caller at all, so reads
//! keep working and writes fail with `UNAUTHENTICATED`. The token never appears in a log line.

pub mod store;
pub mod token;

use async_graphql::Context;
use axum::http::{HeaderMap, header};
use chrono::SecondsFormat;
use sea_orm::ConnectionTrait;

use crate::domain::TokenRol;
use crate::entity::api_token;
use crate::error::AppError;

/// The holder of a valid, unrevoked token, as attached to a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// Key of the token's row (for audit trails; not shown to clients).
    pub token_id: i32,
    /// The token's name, as given at `token create`.
    pub naam: String,
    /// What the token may do.
    pub rol: TokenRol,
}

/// The caller of the current request, if its role is at least `minimum`.
///
/// # Errors
/// [`AppError::Unauthenticated`] when the request carries no valid token;
/// [`AppError::Forbidden`] when the token's role is below `minimum`.
pub fn require(ctx: &Context<'_>, minimum: TokenRol) -> Result<Caller, AppError> {
    check(ctx.data_opt::<Caller>(), minimum)
}

/// The rule behind [`require`], apart from the GraphQL context.
///
/// # Errors
/// As [`require`].
pub fn check(caller: Option<&Caller>, minimum: TokenRol) -> Result<Caller, AppError> {
    let caller = caller.ok_or(AppError::Unauthenticated)?;
    if caller.rol.allows(minimum) {
        Ok(caller.clone())
    } else {
        Err(AppError::Forbidden {
            message: format!(
                "this operation needs a token with role {}; token '{}' has role {}",
                api_name(minimum),
                caller.naam,
                api_name(caller.rol)
            ),
        })
    }
}

/// The caller named by the request's `Authorization: Bearer <token>` header. No header, a header
/// that is not a bearer token of our shape, and an unknown or revoked token all give `Ok(None)`:
/// reads stay public, and a write then fails with `UNAUTHENTICATED`. Only a well-formed token
/// costs a query.
///
/// # Errors
/// A database error while looking the token up.
pub async fn caller_from_headers(db: &impl ConnectionTrait, headers: &HeaderMap) -> Result<Option<Caller>, AppError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let bearer = value.to_str().ok().and_then(token::from_bearer);
    caller_from_token(db, bearer).await
}

/// The caller named by a WebSocket `connection_init` payload: `{"Authorization": "Bearer <token>"}`
/// (key in any case) or `{"token": "<token>"}`. Anything else gives `Ok(None)`, as for
/// [`caller_from_headers`].
///
/// # Errors
/// A database error while looking the token up.
pub async fn caller_from_init_payload(
    db: &impl ConnectionTrait,
    payload: &serde_json::Value,
) -> Result<Option<Caller>, AppError> {
    let Some(fields) = payload.as_object() else {
        return Ok(None);
    };
    let authorization = fields.iter().find(|(key, _)| key.eq_ignore_ascii_case("authorization"));
    let bearer = match (authorization, fields.get("token")) {
        (Some((_, value)), _) => value.as_str().and_then(token::from_bearer),
        (None, Some(value)) => value.as_str().map(str::trim),
        (None, None) => return Ok(None),
    };
    caller_from_token(db, bearer).await
}

/// Looks a presented token up; `None` stands for a credential that was present but unusable.
async fn caller_from_token(db: &impl ConnectionTrait, presented: Option<&str>) -> Result<Option<Caller>, AppError> {
    let Some(presented) = presented.filter(|t| token::looks_like_token(t)) else {
        tracing::info!("ignoring a malformed API token credential");
        return Ok(None);
    };
    let caller = store::find_active(db, presented).await?;
    if caller.is_none() {
        tracing::info!("ignoring an unknown or revoked API token");
    }
    Ok(caller)
}

/// A role as the GraphQL API spells it.
fn api_name(rol: TokenRol) -> &'static str {
    match rol {
        TokenRol::Editor => "EDITOR",
        TokenRol::Admin => "ADMIN",
    }
}

/// The tokens as a plain-text table for `token list`: name, role, created, and status. The hash
/// is left out: it is of no use to an operator.
pub fn token_table(tokens: &[api_token::Model]) -> String {
    let rows: Vec<[String; 4]> = tokens
        .iter()
        .map(|t| {
            let status = match t.ingetrokken {
                Some(at) => format!("revoked {}", at.to_rfc3339_opts(SecondsFormat::Secs, true)),
                None => "active".to_owned(),
            };
            [
                t.naam.clone(),
                t.rol.cli_name().to_owned(),
                t.aangemaakt.to_rfc3339_opts(SecondsFormat::Secs, true),
                status,
            ]
        })
        .collect();
    let header = ["NAME", "ROLE", "CREATED", "STATUS"].map(str::to_owned);
    let mut widths = [0usize; 4];
    for row in std::iter::once(&header).chain(&rows) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(width - cell.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use async_graphql::{EmptyMutation, EmptySubscription, Object, Request, Schema};

    use super::*;

    fn caller(rol: TokenRol) -> Caller {
        Caller { token_id: 1, naam: "ci".to_owned(), rol }
    }

    #[test]
    fn roles_are_ordered_admin_above_editor() {
        assert!(check(Some(&caller(TokenRol::Editor)), TokenRol::Editor).is_ok());
        assert!(check(Some(&caller(TokenRol::Admin)), TokenRol::Editor).is_ok());
        assert!(check(Some(&caller(TokenRol::Admin)), TokenRol::Admin).is_ok());
        let refused = check(Some(&caller(TokenRol::Editor)), TokenRol::Admin).unwrap_err();
        assert_eq!(refused.code(), "FORBIDDEN");
        assert!(refused.public_message().contains("role ADMIN"), "{}", refused.public_message());
    }

    #[test]
    fn no_caller_is_unauthenticated_whatever_the_role() {
        for minimum in [TokenRol::Editor, TokenRol::Admin] {
            assert_eq!(check(None, minimum).unwrap_err().code(), "UNAUTHENTICATED");
        }
    }

    struct Query;

    #[Object]
    impl Query {
        async fn editor(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
            Ok(require(ctx, TokenRol::Editor)?.naam)
        }
        async fn admin(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
            Ok(require(ctx, TokenRol::Admin)?.naam)
        }
    }

    async fn code_of(query: &str, caller: Option<Caller>) -> Option<String> {
        let schema = Schema::new(Query, EmptyMutation, EmptySubscription);
        let mut request = Request::new(query);
        if let Some(caller) = caller {
            request = request.data(caller);
        }
        let response = schema.execute(request).await;
        let error = response.errors.first()?;
        match error.extensions.as_ref()?.get("code")? {
            async_graphql::Value::String(code) => Some(code.clone()),
            _ => None,
        }
    }

    #[tokio::test]
    async fn require_reads_the_caller_from_the_request_data() {
        assert_eq!(code_of("{ editor }", None).await.as_deref(), Some("UNAUTHENTICATED"));
        assert_eq!(code_of("{ editor }", Some(caller(TokenRol::Editor))).await, None);
        assert_eq!(code_of("{ admin }", Some(caller(TokenRol::Editor))).await.as_deref(), Some("FORBIDDEN"));
        assert_eq!(code_of("{ admin }", Some(caller(TokenRol::Admin))).await, None);
    }

    #[test]
    fn the_table_has_a_header_and_one_line_per_token() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-28T10:00:00Z").unwrap().to_utc();
        let tokens = [
            api_token::Model {
                id: 1,
                naam: "ci".to_owned(),
                rol: TokenRol::Editor,
                hash: "0".repeat(64),
                aangemaakt: at,
                ingetrokken: None,
            },
            api_token::Model {
                id: 2,
                naam: "beheerder".to_owned(),
                rol: TokenRol::Admin,
                hash: "1".repeat(64),
                aangemaakt: at,
                ingetrokken: Some(at),
            },
        ];
        let table = token_table(&tokens);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("NAME"));
        assert_eq!(lines[1], "ci         editor  2026-11-28T10:00:00Z  active");
        assert_eq!(lines[2], "beheerder  admin   2026-11-28T10:00:00Z  revoked 2026-11-28T10:00:00Z");
        assert!(!table.contains(&"0".repeat(64)));
    }
}
