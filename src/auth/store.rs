//! The `api_token` table: create, list, revoke, and the per-request lookup by hash.
//!
//! Only the hash of a token is written; the token itself leaves [`create`] once, to be shown to
//! the operator, and is never stored or logged.

use chrono::{SubsecRound, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, SqlErr};

use super::{Caller, token};
use crate::domain::TokenRol;
use crate::entity::api_token;
use crate::error::AppError;

/// Longest token name accepted.
pub const MAX_NAME_LEN: usize = 100;

/// Creates a token named `name` with role `rol`, and returns the stored row with the token. The
/// token is not kept anywhere: the caller must show it now or it is lost.
///
/// # Errors
/// `BAD_USER_INPUT` for an empty, over-long or control-character name; `CONFLICT` (field `name`)
/// when a token of that name exists (revoked ones included, so that a name means one token
/// forever); a database error.
pub async fn create(
    db: &impl ConnectionTrait,
    name: &str,
    rol: TokenRol,
) -> Result<(api_token::Model, String), AppError> {
    let naam = valid_name(name)?;
    if find_by_name(db, naam).await?.is_some() {
        return Err(duplicate(naam));
    }
    let token = token::generate()?;
    let row = api_token::ActiveModel {
        naam: Set(naam.to_owned()),
        rol: Set(rol),
        hash: Set(token::hash(&token)),
        // Whole microseconds: what PostgreSQL keeps, so both backends give back the same value.
        aangemaakt: Set(Utc::now().trunc_subsecs(6)),
        ingetrokken: Set(None),
        ..Default::default()
    };
    match row.insert(db).await {
        Ok(model) => Ok((model, token)),
        // Another process created the same name between the check and the insert.
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => Err(duplicate(naam)),
        Err(err) => Err(err.into()),
    }
}

/// Every token, active and revoked, ordered by name.
///
/// # Errors
/// A database error.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<api_token::Model>, AppError> {
    Ok(api_token::Entity::find().order_by_asc(api_token::Column::Naam).all(db).await?)
}

/// Revokes the token named `name`; it stops authenticating at once. Revoking a revoked token
/// changes nothing and keeps the first revocation time.
///
/// # Errors
/// `NOT_FOUND` (field `name`) when no token has that name; a database error.
pub async fn revoke(db: &impl ConnectionTrait, name: &str) -> Result<api_token::Model, AppError> {
    let naam = name.trim();
    let Some(model) = find_by_name(db, naam).await? else {
        return Err(AppError::not_found("name", format!("no API token is named '{naam}'")));
    };
    if model.ingetrokken.is_some() {
        return Ok(model);
    }
    let mut row: api_token::ActiveModel = model.into();
    row.ingetrokken = Set(Some(Utc::now().trunc_subsecs(6)));
    Ok(row.update(db).await?)
}

/// The caller a token stands for, or `None` when it is unknown or revoked. One query, on the
/// unique index of the hash.
///
/// # Errors
/// A database error.
pub async fn find_active(db: &impl ConnectionTrait, token: &str) -> Result<Option<Caller>, AppError> {
    let found = api_token::Entity::find().filter(api_token::Column::Hash.eq(token::hash(token))).one(db).await?;
    Ok(match found {
        Some(model) if model.ingetrokken.is_none() => {
            Some(Caller { token_id: model.id, naam: model.naam, rol: model.rol })
        }
        Some(model) => {
            tracing::info!(token_name = %model.naam, "a revoked API token was presented");
            None
        }
        None => None,
    })
}

/// Whether the token with row key `token_id` still exists and is not revoked: the re-check of a
/// caller that was looked up earlier, such as that of an open WebSocket.
///
/// # Errors
/// A database error.
pub async fn is_active(db: &impl ConnectionTrait, token_id: i32) -> Result<bool, AppError> {
    let found = api_token::Entity::find_by_id(token_id).one(db).await?;
    Ok(found.is_some_and(|model| model.ingetrokken.is_none()))
}

async fn find_by_name(db: &impl ConnectionTrait, naam: &str) -> Result<Option<api_token::Model>, AppError> {
    Ok(api_token::Entity::find().filter(api_token::Column::Naam.eq(naam)).one(db).await?)
}

/// The name without surrounding blanks, if it is fit to print in a table and a log line.
fn valid_name(name: &str) -> Result<&str, AppError> {
    let naam = name.trim();
    if naam.is_empty() {
        return Err(AppError::bad_input("name", "a token needs a name"));
    }
    if naam.chars().count() > MAX_NAME_LEN {
        return Err(AppError::bad_input("name", format!("a token name has at most {MAX_NAME_LEN} characters")));
    }
    if naam.chars().any(char::is_control) {
        return Err(AppError::bad_input("name", "a token name cannot hold control characters"));
    }
    Ok(naam)
}

fn duplicate(naam: &str) -> AppError {
    AppError::conflict("name", format!("an API token named '{naam}' already exists"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_checked() {
        assert_eq!(valid_name("  ci-bot ").ok(), Some("ci-bot"));
        assert!(valid_name("   ").is_err());
        assert!(valid_name("a\nb").is_err());
        assert!(valid_name(&"x".repeat(MAX_NAME_LEN)).is_ok());
        assert!(valid_name(&"x".repeat(MAX_NAME_LEN + 1)).is_err());
    }
}
