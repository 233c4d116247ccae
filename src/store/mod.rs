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
use sea_orm::{ColumnTrait, Condition};

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
    pub total: u64,
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
