//! Every database query: the API's reads, and the lookups and writes of the write use-cases.
//! Functions take `&impl ConnectionTrait`, so they run on a pool or inside a use-case's
//! transaction alike, and know nothing about GraphQL or the registry's rules.

pub mod batch;
pub mod bron;
pub mod deelname;
pub mod evaluatie;
pub mod fusie;
pub mod gemeente;
pub mod herindeling;
pub mod onderzoek;
pub mod register_teller;
pub mod snapshot;
pub mod statistiek;
pub mod wijziging;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QuerySelect, Select};

use crate::domain::MissingBegin;

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

/// Rows whose period (`begin`, `einde`) is valid on `peildatum`: the rule of
/// [`Periode::is_valid_on`](crate::domain::Periode::is_valid_on) in SQL, with `missing_begin`
/// saying whether a row without begin has begun. The property test in `tests/periode_sql.rs`
/// checks that the two agree.
pub fn valid_on<C: ColumnTrait>(begin: C, einde: C, peildatum: NaiveDate, missing_begin: MissingBegin) -> Condition {
    let begun = match missing_begin {
        MissingBegin::Open => Condition::any().add(begin.is_null()).add(begin.lte(peildatum)),
        // `begin <= peildatum` alone is NULL, not true, for a missing begin; the explicit test
        // says so in the query instead of leaning on three-valued logic.
        MissingBegin::Unknown => Condition::all().add(begin.is_not_null()).add(begin.lte(peildatum)),
    };
    Condition::all().add(begun).add(Condition::any().add(einde.is_null()).add(einde.gte(peildatum)))
}

/// `%fragment%` for a case-insensitive LIKE, with LIKE's wildcards in the fragment escaped away.
pub fn like_pattern(fragment: &str) -> String {
    let cleaned: String = fragment.chars().filter(|c| !matches!(c, '%' | '_' | '\\')).collect();
    format!("%{}%", cleaned.to_lowercase())
}
