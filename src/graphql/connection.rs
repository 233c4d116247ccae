//! Relay cursor connections with a default and a maximum page size.
//!
//! Cursors are opaque to clients; inside they hold the offset of the item in the filtered,
//! stably ordered list. Each list type gets its own `…Connection` and `…Edge` types (made by the
//! `connection_types!` macro) so that every type in the schema carries a description.

use async_graphql::SimpleObject;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::AppError;
use crate::store::Window;

/// Page size when `first` is not given.
pub const DEFAULT_PAGE_SIZE: u64 = 25;
/// Largest page a client may ask for.
pub const MAX_PAGE_SIZE: u64 = 100;

/// Largest offset a cursor may hold. No list of the registry comes near it; the bound keeps a
/// forged cursor from reaching the database driver, which cannot bind offsets above `i64::MAX`.
pub const MAX_CURSOR_OFFSET: u64 = 1_000_000_000;

const CURSOR_PREFIX: &str = "offset:";

/// Where a page lies in the whole list, as the Relay specification describes.
#[derive(Debug, Clone, SimpleObject)]
pub struct PageInfo {
    /// Whether items follow this page; ask for them with `after: endCursor`.
    pub has_next_page: bool,
    /// Whether items precede this page.
    pub has_previous_page: bool,
    /// Cursor of the first item of this page; null when the page is empty.
    pub start_cursor: Option<String>,
    /// Cursor of the last item of this page; null when the page is empty.
    pub end_cursor: Option<String>,
}

/// The opaque cursor of the item at `offset`.
pub fn cursor(offset: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{offset}"))
}

fn offset_of(cursor: &str) -> Option<u64> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    String::from_utf8(bytes).ok()?.strip_prefix(CURSOR_PREFIX)?.parse().ok()
}

/// The window asked for by the Relay arguments `first` and `after`.
///
/// # Errors
/// `BAD_USER_INPUT` on `first` when it is negative or above [`MAX_PAGE_SIZE`], and on `after`
/// when it is not a cursor this API handed out.
pub fn window(first: Option<i32>, after: Option<&str>) -> Result<Window, AppError> {
    let limit = match first {
        None => DEFAULT_PAGE_SIZE,
        Some(n) => u64::try_from(n)
            .ok()
            .filter(|n| *n <= MAX_PAGE_SIZE)
            .ok_or_else(|| AppError::bad_input("first", format!("first must be between 0 and {MAX_PAGE_SIZE}")))?,
    };
    let offset = match after {
        None => 0,
        Some(text) => offset_of(text)
            .filter(|o| *o < MAX_CURSOR_OFFSET)
            .map(|o| o + 1)
            .ok_or_else(|| AppError::bad_input("after", "after is not a cursor of this list"))?,
    };
    Ok(Window { offset, limit })
}

/// Page information for `count` items starting at `window.offset` out of `total`.
pub fn page_info(window: Window, count: usize, total: u64) -> PageInfo {
    let count = u64::try_from(count).unwrap_or(u64::MAX);
    let last = window.offset.saturating_add(count);
    PageInfo {
        has_next_page: last < total,
        has_previous_page: window.offset > 0,
        start_cursor: (count > 0).then(|| cursor(window.offset)),
        end_cursor: (count > 0).then(|| cursor(last - 1)),
    }
}

/// Declares `$connection` and `$edge` for items of type `$node`, described as `$what`, with a
/// `from_page` constructor.
macro_rules! connection_types {
    ($connection:ident, $edge:ident, $node:ty, $what:literal) => {
        #[doc = concat!("A page of ", $what, " (Relay cursor connection).")]
        #[derive(async_graphql::SimpleObject)]
        pub struct $connection {
            /// The items of this page, each with its cursor.
            pub edges: Vec<$edge>,
            /// Where this page lies in the whole list.
            pub page_info: $crate::graphql::connection::PageInfo,
            /// Number of items matching the filters, over all pages.
            pub total_count: u64,
        }

        #[doc = concat!("One of ", $what, " with its cursor.")]
        #[derive(async_graphql::SimpleObject)]
        pub struct $edge {
            /// Opaque position of this item; pass it as `after` to get the items that follow.
            pub cursor: String,
            /// The item.
            pub node: $node,
        }

        impl $connection {
            /// Wraps one page of items that starts at `window.offset` in a list of `total`.
            pub fn from_page(items: Vec<$node>, window: $crate::store::Window, total: u64) -> Self {
                let page_info = $crate::graphql::connection::page_info(window, items.len(), total);
                let edges = items
                    .into_iter()
                    .zip(window.offset..)
                    .map(|(node, offset)| $edge { cursor: $crate::graphql::connection::cursor(offset), node })
                    .collect();
                Self { edges, page_info, total_count: total }
            }
        }
    };
}
pub(crate) use connection_types;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_continue_after_the_item() {
        let w = window(Some(10), Some(&cursor(24))).unwrap();
        assert_eq!(w, Window { offset: 25, limit: 10 });
        assert_eq!(window(None, None).unwrap(), Window { offset: 0, limit: DEFAULT_PAGE_SIZE });
    }

    #[test]
    fn refuses_bad_page_arguments() {
        assert!(window(Some(-1), None).is_err());
        assert!(window(Some(i32::try_from(MAX_PAGE_SIZE).unwrap() + 1), None).is_err());
        assert!(window(None, Some("not-a-cursor")).is_err());
    }

    #[test]
    fn refuses_cursors_beyond_any_list() {
        for offset in [MAX_CURSOR_OFFSET, u64::MAX, 1 << 63] {
            let err = window(None, Some(&cursor(offset))).unwrap_err();
            assert_eq!((err.code(), err.field()), ("BAD_USER_INPUT", Some("after")), "offset {offset}");
        }
        let last = window(None, Some(&cursor(MAX_CURSOR_OFFSET - 1))).unwrap();
        assert_eq!(last.offset, MAX_CURSOR_OFFSET);
        // The cursor of the report, offset 2^63 - 1 in base64.
        assert!(window(None, Some("b2Zmc2V0OjkyMjMzNzIwMzY4NTQ3NzU4MDc")).is_err());
    }

    #[test]
    fn page_info_marks_both_ends() {
        let info = page_info(Window { offset: 0, limit: 2 }, 2, 5);
        assert!(info.has_next_page && !info.has_previous_page);
        let info = page_info(Window { offset: 4, limit: 2 }, 1, 5);
        assert!(!info.has_next_page && info.has_previous_page);
        assert_eq!(info.end_cursor, Some(cursor(4)));
        let empty = page_info(Window { offset: 0, limit: 2 }, 0, 0);
        assert_eq!(empty.start_cursor, None);
    }
}
