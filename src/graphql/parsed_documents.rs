//! Parsed documents, kept by their text.
//!
//! Front ends send the same few documents over and over, and parsing one (async-graphql's pest
//! parser) took 7 % of the server's CPU time for the lookup on PostgreSQL (perf, 2,300 lookups a
//! second, bench/RESULTS.md). A parsed document is kept here by its text and handed to
//! the next request with the same text, which then skips the parser. Only what parsed is kept;
//! the guard still scans and measures every request, since its measure depends on the variables.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::Request;
use async_graphql::parser::types::ExecutableDocument;
use lru::LruCache;

/// Documents kept; the least recently used is forgotten first.
const KEPT_DOCUMENTS: NonZeroUsize = NonZeroUsize::MIN.saturating_add(127);

/// Longer texts are parsed every time: with the count above this bounds the memory the kept
/// documents take to a few megabytes, whatever clients send. GraphiQL's introspection query
/// (about 2 kB) and the registry's own example documents are well under it.
const KEPT_TEXT_BYTES: usize = 8 * 1024;

/// The kept documents of one schema, by their text. The cache's hasher is randomly seeded, so a
/// client cannot aim texts at one bucket.
pub struct ParsedDocuments {
    kept: Mutex<LruCache<String, Arc<ExecutableDocument>>>,
}

impl Default for ParsedDocuments {
    fn default() -> Self {
        Self { kept: Mutex::new(LruCache::new(KEPT_DOCUMENTS)) }
    }
}

impl ParsedDocuments {
    /// Gives `request` the parsed document of its text, when one is kept; returns whether it did.
    pub fn supply(&self, request: &mut Request) -> bool {
        if request.query.len() > KEPT_TEXT_BYTES {
            return false;
        }
        // Cloned out of the lock: the copy for the request is made without holding it.
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner).get(request.query.as_str()).cloned();
        match kept {
            Some(document) => {
                request.set_parsed_query(ExecutableDocument::clone(&document));
                true
            }
            None => false,
        }
    }

    /// Keeps the document `request` parsed to, if its text parsed and is short enough.
    pub fn keep(&self, request: &mut Request) {
        if request.query.len() > KEPT_TEXT_BYTES {
            return;
        }
        let text = request.query.clone();
        let Ok(document) = request.parsed_query() else { return };
        let document = Arc::new(document.clone());
        self.kept.lock().unwrap_or_else(PoisonError::into_inner).put(text, document);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOOKUP: &str = r#"{ gemeente(code: "GM0363") { naam } }"#;

    #[test]
    fn a_kept_document_is_handed_to_the_next_request_with_its_text() {
        let documents = ParsedDocuments::default();
        let mut first = Request::new(LOOKUP);
        assert!(!documents.supply(&mut first), "nothing is kept yet");
        documents.keep(&mut first);

        let mut second = Request::new(LOOKUP);
        assert!(documents.supply(&mut second));
        let selection = &second.parsed_query().unwrap().operations.iter().next().unwrap().1.node.selection_set;
        assert_eq!(selection.node.items.len(), 1);
        assert!(!documents.supply(&mut Request::new("{ provincies { code } }")), "another text");
    }

    #[test]
    fn what_does_not_parse_or_is_long_is_not_kept() {
        let documents = ParsedDocuments::default();
        documents.keep(&mut Request::new("{ gemeente("));
        assert!(!documents.supply(&mut Request::new("{ gemeente(")));

        let long = format!("{{ {} }}", "naam ".repeat(KEPT_TEXT_BYTES / 5 + 1));
        documents.keep(&mut Request::new(long.clone()));
        assert!(!documents.supply(&mut Request::new(long)));
    }

    #[test]
    fn the_least_recently_used_is_forgotten_first() {
        let documents = ParsedDocuments::default();
        let text = |i: usize| format!("{{ a{i}: provincies {{ code }} }}");
        for i in 0..=KEPT_DOCUMENTS.get() {
            documents.keep(&mut Request::new(text(i)));
        }
        assert!(!documents.supply(&mut Request::new(text(0))), "the oldest is forgotten");
        assert!(documents.supply(&mut Request::new(text(KEPT_DOCUMENTS.get()))));
    }
}
