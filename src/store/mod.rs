//! Every database read of the API. Functions take `&impl ConnectionTrait`, so they run on a pool
//! or inside a transaction alike, and know nothing about GraphQL.

pub mod batch;
pub mod fusie;
pub mod gemeente;
pub mod herindeling;
pub mod onderzoek;
pub mod statistiek;
pub mod wijziging;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QuerySelect, Select};

/// A window of a list: skip `offset` rows, return at most `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub offset: u64,
    pub limit: u64,
}

/// One page of a list plus the size of the whole filtered list.
#[derive(Debug, Clone)]
pub struct Slice<T> {
    pub rows: Vec<T>,
    /// The number of rows matching the filter. When the list was read with [`Total::Skip`], the
    /// smallest number consistent with what was read instead: the rows up to and including this
    /// page, plus one when another row follows. That still answers "is there a next page".
    pub total: u64,
}

/// Whether a list read counts all its matches. Counting costs a statement of its own, so a list
/// skips it unless the caller needs the number (a client that asks for `totalCount`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Total {
    Count,
    Skip,
}

/// The rows of `window` from `ordered`, and their total: a `COUNT(*)` over `filtered` (the same
/// query without its order) with [`Total::Count`]; with [`Total::Skip`] one row more than the
/// window is read, to learn whether rows follow, and no count is made.
///
/// # Errors
/// The database error.
pub async fn page<E, C>(
    db: &C,
    filtered: Select<E>,
    ordered: Select<E>,
    window: Window,
    total: Total,
) -> Result<Slice<E::Model>, DbErr>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ConnectionTrait,
{
    match total {
        Total::Count => {
            let total = filtered.count(db).await?;
            let rows = ordered.offset(window.offset).limit(window.limit).all(db).await?;
            Ok(Slice { rows, total })
        }
        Total::Skip => {
            let mut rows = ordered.offset(window.offset).limit(window.limit.saturating_add(1)).all(db).await?;
            let limit = usize::try_from(window.limit).unwrap_or(usize::MAX);
            let more = rows.len() > limit;
            rows.truncate(limit);
            let read = u64::try_from(rows.len()).unwrap_or(u64::MAX);
            Ok(Slice { rows, total: window.offset.saturating_add(read).saturating_add(u64::from(more)) })
        }
    }
}

/// Rows valid on `peildatum`. `unknown_begin_is_open` says what a missing begin date means:
/// for municipalities "since before the register starts" (open), for cooperations "not known"
/// (so the row is not claimed to be valid on any particular date).
pub fn geldig_op<C: ColumnTrait>(begin: C, einde: C, peildatum: NaiveDate, unknown_begin_is_open: bool) -> Condition {
    let begin_ok = if unknown_begin_is_open {
        Condition::any().add(begin.is_null()).add(begin.lte(peildatum))
    } else {
        Condition::all().add(begin.is_not_null()).add(begin.lte(peildatum))
    };
    Condition::all().add(begin_ok).add(Condition::any().add(einde.is_null()).add(einde.gte(peildatum)))
}

/// `%fragment%` for a case-insensitive LIKE, with LIKE's wildcards in the fragment escaped away.
pub fn like_pattern(fragment: &str) -> String {
    let cleaned: String = fragment.chars().filter(|c| !matches!(c, '%' | '_' | '\\')).collect();
    format!("%{}%", cleaned.to_lowercase())
}
