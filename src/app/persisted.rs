//! Persisted documents: requests that name a stored document by its hash instead of sending its
//! text. Two uses, chosen by the operator:
//!
//! - **Automatic persisted queries** (Apollo's protocol, on by default): a client sends only
//!   `extensions.persistedQuery.sha256Hash`; when the server does not know the hash it answers
//!   `PersistedQueryNotFound`, and the client sends hash and text once, which the server checks
//!   and keeps in a bounded cache. This saves bandwidth and lets GET requests stay short enough
//!   for CDNs; it restricts nothing.
//! - **An allow-list** (`--persisted-documents FILE`): only the documents in the file run, named
//!   by their id or sent as their exact text. A public deployment behind known front-ends can so
//!   refuse every document its own clients do not send.
//!
//! The text is resolved here, at the edge, before anything else reads the request: the checks
//! that follow (strings, GET-may-not-mutate, the query guard) see the real document.

use std::collections::{HashMap, HashSet};
use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::{Arc, Mutex};

use async_graphql::Value;
use sha2::{Digest, Sha256};

/// Where a request's document comes from, as the operator chose.
#[derive(Debug, Clone)]
pub enum PersistedDocuments {
    /// Any document runs; hashes are remembered for clients that use automatic persisted
    /// queries.
    Automatic(Arc<AutomaticCache>),
    /// Only the documents of the operator's list run.
    AllowList(Arc<AllowList>),
    /// Documents are sent as text; a hash alone is refused.
    Off,
}

impl Default for PersistedDocuments {
    fn default() -> Self {
        Self::Automatic(Arc::new(AutomaticCache::new(AUTOMATIC_CACHE_ENTRIES, AUTOMATIC_CACHE_BYTES)))
    }
}

/// Documents the automatic cache keeps at most.
const AUTOMATIC_CACHE_ENTRIES: usize = 2_000;
/// Bytes of document text the automatic cache keeps at most: any client may register documents,
/// so the cache must not grow with what they send.
const AUTOMATIC_CACHE_BYTES: usize = 16 * 1024 * 1024;

/// Why a request's document could not be resolved; each maps to a coded GraphQL error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unresolved {
    /// The hash is not known (yet): an automatic client sends the text next.
    NotFound,
    /// The server takes no hashes.
    NotSupported,
    /// A text sent in allow-list mode that is not on the list.
    NotInList,
    /// The `persistedQuery` extension or `documentId` is malformed, or its hash does not match
    /// the text sent with it.
    Invalid(String),
}

impl Unresolved {
    /// The message; for the first two, the exact words Apollo's clients look for.
    pub fn message(&self) -> String {
        match self {
            Self::NotFound => "PersistedQueryNotFound".to_owned(),
            Self::NotSupported => "PersistedQueryNotSupported".to_owned(),
            Self::NotInList => {
                "this server runs only its persisted documents, and this document is not one of them".to_owned()
            }
            Self::Invalid(reason) => reason.clone(),
        }
    }

    /// The `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "PERSISTED_QUERY_NOT_FOUND",
            Self::NotSupported => "PERSISTED_QUERY_NOT_SUPPORTED",
            Self::NotInList => "PERSISTED_QUERY_NOT_IN_LIST",
            Self::Invalid(_) => "BAD_REQUEST",
        }
    }
}

impl PersistedDocuments {
    /// Puts the document a request names into its `query`, or says why it cannot run.
    ///
    /// # Errors
    /// See [`Unresolved`].
    pub fn resolve(&self, request: &mut async_graphql::Request) -> Result<(), Unresolved> {
        let id = take_id(request)?;
        match self {
            Self::Automatic(cache) => match id {
                None => Ok(()),
                Some(id) if request.query.is_empty() => {
                    request.query = cache.get(&id).ok_or(Unresolved::NotFound)?;
                    Ok(())
                }
                Some(id) => {
                    if sha256_hex(&request.query) != id {
                        return Err(Unresolved::Invalid(
                            "the sha256Hash does not match the query sent with it".to_owned(),
                        ));
                    }
                    cache.put(id, request.query.clone());
                    Ok(())
                }
            },
            Self::AllowList(list) => match id {
                Some(id) => {
                    let text = list.by_id.get(&id).ok_or(Unresolved::NotFound)?;
                    if !request.query.is_empty() && request.query != **text {
                        return Err(Unresolved::Invalid(
                            "the query sent differs from the persisted document".to_owned(),
                        ));
                    }
                    request.query = text.to_string();
                    Ok(())
                }
                None if list.texts.contains(&sha256_hex(&request.query)) => Ok(()),
                None => Err(Unresolved::NotInList),
            },
            Self::Off => match id {
                Some(_) if request.query.is_empty() => Err(Unresolved::NotSupported),
                _ => Ok(()),
            },
        }
    }
}

/// The id a request names, from `extensions.persistedQuery` (Apollo) or `documentId` (the
/// GraphQL over HTTP draft's persisted documents, moved into the extensions by the HTTP reader).
fn take_id(request: &mut async_graphql::Request) -> Result<Option<String>, Unresolved> {
    if let Some(value) = request.extensions.remove(DOCUMENT_ID) {
        return match value {
            // A hash is compared in lower case; the ids of a list file are taken as they are.
            Value::String(id) if !id.is_empty() => match id.strip_prefix("sha256:") {
                Some(hash) => Ok(Some(hash.to_ascii_lowercase())),
                None => Ok(Some(id)),
            },
            _ => Err(Unresolved::Invalid("`documentId` must be a non-empty string".to_owned())),
        };
    }
    let Some(value) = request.extensions.remove("persistedQuery") else { return Ok(None) };
    let invalid =
        || Unresolved::Invalid("`extensions.persistedQuery` must be { version: 1, sha256Hash: \"…\" }".to_owned());
    let Value::Object(fields) = value else { return Err(invalid()) };
    if fields.get("version") != Some(&Value::from(1)) {
        return Err(Unresolved::Invalid("only version 1 of `persistedQuery` is supported".to_owned()));
    }
    match fields.get("sha256Hash") {
        Some(Value::String(hash)) if is_sha256_hex(hash) => Ok(Some(hash.to_ascii_lowercase())),
        _ => Err(invalid()),
    }
}

/// The key under which the HTTP reader passes a top-level `documentId` on.
pub const DOCUMENT_ID: &str = "documentId";

fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

fn sha256_hex(text: &str) -> String {
    format!("{:x}", Sha256::digest(text.as_bytes()))
}

/// The documents clients registered by hash, least recently used dropped first, bounded in
/// number and in bytes.
#[derive(Debug)]
pub struct AutomaticCache {
    entries: Mutex<lru::LruCache<String, Arc<str>>>,
    max_bytes: usize,
}

impl AutomaticCache {
    /// A cache of at most `max_entries` documents and `max_bytes` of text.
    pub fn new(max_entries: usize, max_bytes: usize) -> Self {
        let capacity = NonZeroUsize::new(max_entries).unwrap_or(NonZeroUsize::MIN);
        Self { entries: Mutex::new(lru::LruCache::new(capacity)), max_bytes }
    }

    fn get(&self, hash: &str) -> Option<String> {
        let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.get(&hash.to_ascii_lowercase()).map(|text| text.to_string())
    }

    fn put(&self, hash: String, text: String) {
        if text.len() > self.max_bytes {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.put(hash, Arc::from(text));
        let mut bytes: usize = entries.iter().map(|(_, text)| text.len()).sum();
        while bytes > self.max_bytes {
            match entries.pop_lru() {
                Some((_, dropped)) => bytes -= dropped.len(),
                None => break,
            }
        }
    }
}

/// The operator's list of documents that may run.
#[derive(Debug, Default)]
pub struct AllowList {
    /// Document text by the id clients send.
    by_id: HashMap<String, Arc<str>>,
    /// The sha256 of every listed text, for clients that send the text itself.
    texts: HashSet<String>,
}

/// A list file that cannot be used, with the reason.
#[derive(Debug, thiserror::Error)]
#[error("persisted documents file {path}: {reason}")]
pub struct AllowListError {
    path: String,
    reason: String,
}

impl AllowList {
    /// Reads a list in either common format: a JSON object of id → document text (GraphQL Code
    /// Generator's `persisted-documents.json`), or Apollo's persisted query manifest
    /// (`{"format": "apollo-persisted-query-manifest", "operations": [{"id", "body"}, …]}`).
    ///
    /// # Errors
    /// When the file cannot be read, is not one of these formats, or lists nothing.
    pub fn read(path: &Path) -> Result<Self, AllowListError> {
        let failed = |reason: String| AllowListError { path: path.display().to_string(), reason };
        let text = std::fs::read_to_string(path).map_err(|e| failed(e.to_string()))?;
        Self::parse(&text).map_err(failed)
    }

    /// Parses the text of a list file (see [`AllowList::read`]).
    ///
    /// # Errors
    /// When the text is not one of the formats, or lists nothing.
    pub fn parse(text: &str) -> Result<Self, String> {
        let json: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let serde_json::Value::Object(fields) = json else { return Err("expected a JSON object".to_owned()) };
        let mut list = Self::default();
        if fields.get("format").and_then(serde_json::Value::as_str) == Some("apollo-persisted-query-manifest") {
            let operations = fields.get("operations").and_then(serde_json::Value::as_array);
            for operation in operations.ok_or("the manifest has no `operations` list")? {
                let id = operation.get("id").and_then(serde_json::Value::as_str);
                let body = operation.get("body").and_then(serde_json::Value::as_str);
                let (Some(id), Some(body)) = (id, body) else {
                    return Err("every operation of the manifest needs an `id` and a `body`".to_owned());
                };
                list.add(id, body);
            }
        } else {
            for (id, body) in &fields {
                let body = body.as_str().ok_or_else(|| format!("the document of `{id}` is not a string"))?;
                list.add(id, body);
            }
        }
        if list.by_id.is_empty() {
            return Err("the list holds no documents".to_owned());
        }
        Ok(list)
    }

    fn add(&mut self, id: &str, body: &str) {
        self.texts.insert(sha256_hex(body));
        self.by_id.insert(id.strip_prefix("sha256:").unwrap_or(id).to_owned(), Arc::from(body));
    }

    /// How many documents the list holds.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether the list is empty (a read list never is).
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUERY: &str = "{ gemeente(code: \"GM0363\") { naam } }";

    fn hashed(hash: &str, query: &str) -> async_graphql::Request {
        let persisted = Value::from_json(serde_json::json!({ "version": 1, "sha256Hash": hash })).unwrap_or_default();
        let mut request = async_graphql::Request::new(query);
        request.extensions.insert("persistedQuery".to_owned(), persisted);
        request
    }

    #[test]
    fn automatic_persisted_queries_register_once_then_run_by_hash() {
        let documents = PersistedDocuments::default();
        let hash = sha256_hex(QUERY);
        assert_eq!(documents.resolve(&mut hashed(&hash, "")), Err(Unresolved::NotFound));
        assert_eq!(documents.resolve(&mut hashed(&hash, QUERY)), Ok(()));
        let mut by_hash = hashed(&hash, "");
        assert_eq!(documents.resolve(&mut by_hash), Ok(()));
        assert_eq!(by_hash.query, QUERY);
    }

    #[test]
    fn a_hash_that_does_not_match_its_text_is_refused_and_not_kept() {
        let documents = PersistedDocuments::default();
        let wrong = sha256_hex("{ __typename }");
        assert!(matches!(documents.resolve(&mut hashed(&wrong, QUERY)), Err(Unresolved::Invalid(_))));
        assert_eq!(documents.resolve(&mut hashed(&wrong, "")), Err(Unresolved::NotFound));
    }

    #[test]
    fn malformed_extensions_are_refused_with_a_reason() {
        let documents = PersistedDocuments::default();
        for hash in ["", "xyz", &"a".repeat(65), "\0"] {
            assert!(matches!(documents.resolve(&mut hashed(hash, "")), Err(Unresolved::Invalid(_))), "{hash:?}");
        }
    }

    #[test]
    fn the_automatic_cache_stays_within_its_bytes() {
        let cache = AutomaticCache::new(100, 64);
        for n in 0..10 {
            cache.put(format!("{n}"), "x".repeat(20));
        }
        let kept: usize = (0..10).filter(|n| cache.get(&n.to_string()).is_some()).count();
        assert_eq!(kept, 3, "64 bytes hold three documents of 20");
        assert!(cache.get("9").is_some(), "the newest is kept");
    }

    #[test]
    fn an_allow_list_runs_its_documents_by_id_or_by_text_and_nothing_else() {
        let list = AllowList::parse(&serde_json::json!({ "abc123": QUERY }).to_string()).unwrap_or_default();
        let documents = PersistedDocuments::AllowList(Arc::new(list));
        let mut by_id = async_graphql::Request::new("");
        by_id.extensions.insert(DOCUMENT_ID.to_owned(), Value::from("abc123"));
        assert_eq!(documents.resolve(&mut by_id), Ok(()));
        assert_eq!(by_id.query, QUERY);
        assert_eq!(documents.resolve(&mut async_graphql::Request::new(QUERY)), Ok(()));
        assert_eq!(documents.resolve(&mut async_graphql::Request::new("{ __typename }")), Err(Unresolved::NotInList));
        let mut unknown = async_graphql::Request::new("");
        unknown.extensions.insert(DOCUMENT_ID.to_owned(), Value::from("other"));
        assert_eq!(documents.resolve(&mut unknown), Err(Unresolved::NotFound));
    }

    #[test]
    fn apollo_manifests_are_read_too() {
        let manifest = serde_json::json!({
            "format": "apollo-persisted-query-manifest",
            "version": 1,
            "operations": [{ "id": "h1", "name": "Amsterdam", "type": "query", "body": QUERY }]
        });
        let list = AllowList::parse(&manifest.to_string());
        assert_eq!(list.map(|l| l.len()), Ok(1));
        assert!(AllowList::parse("{}").is_err());
        assert!(AllowList::parse("[]").is_err());
        assert!(AllowList::parse(r#"{"a": 1}"#).is_err());
    }

    #[test]
    fn without_persisted_documents_a_hash_alone_is_refused() {
        let hash = sha256_hex(QUERY);
        assert_eq!(PersistedDocuments::Off.resolve(&mut hashed(&hash, "")), Err(Unresolved::NotSupported));
        assert_eq!(PersistedDocuments::Off.resolve(&mut async_graphql::Request::new(QUERY)), Ok(()));
    }
}
