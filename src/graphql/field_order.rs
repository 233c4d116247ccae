//! Puts the fields of every response object in the order the query asks for them.
//!
//! The GraphQL specification orders a result map like the selection set. async-graphql 7.2.1
//! resolves an object's fields concurrently and inserts each as it finishes, so a field that
//! waits for a DataLoader batch can come after one written later in the query. This extension
//! keeps the parsed query of its request and reorders the result once execution is done.

use std::sync::{Arc, Mutex};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Name, Response, ServerResult, Value, Variables};

/// The extension factory; add it to the schema once.
pub struct FieldOrder;

impl ExtensionFactory for FieldOrder {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(FieldOrderExtension { document: Mutex::new(None) })
    }
}

/// One per request: holds that request's parsed query.
struct FieldOrderExtension {
    document: Mutex<Option<ExecutableDocument>>,
}

#[async_graphql::async_trait::async_trait]
impl Extension for FieldOrderExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        if let Ok(mut kept) = self.document.lock() {
            *kept = Some(document.clone());
        }
        Ok(document)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        let document = self.document.lock().ok().and_then(|mut kept| kept.take());
        if let Some(document) = document {
            let operation = match operation_name {
                Some(name) => document.operations.iter().find(|(n, _)| n.is_some_and(|n| n.as_str() == name)),
                None => document.operations.iter().next(),
            };
            if let Some((_, operation)) = operation {
                reorder(&mut response.data, &[&operation.node.selection_set.node], &document);
            }
        }
        response
    }
}

/// Response keys of `sets` in query order, each with the sub-selections that apply to it.
fn keys_in_order<'a>(
    sets: &[&'a SelectionSet],
    document: &'a ExecutableDocument,
    out: &mut Vec<(&'a Name, Vec<&'a SelectionSet>)>,
) {
    for set in sets {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let key = &field.node.response_key().node;
                    let sub = &field.node.selection_set.node;
                    match out.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, subs)) => subs.push(sub),
                        None => out.push((key, vec![sub])),
                    }
                }
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node) {
                        keys_in_order(&[&fragment.node.selection_set.node], document, out);
                    }
                }
                Selection::InlineFragment(inline) => {
                    keys_in_order(&[&inline.node.selection_set.node], document, out);
                }
            }
        }
    }
}

fn reorder(value: &mut Value, sets: &[&SelectionSet], document: &ExecutableDocument) {
    match value {
        Value::List(items) => items.iter_mut().for_each(|item| reorder(item, sets, document)),
        Value::Object(map) => {
            let mut keys = Vec::new();
            keys_in_order(sets, document, &mut keys);
            let mut ordered = async_graphql::indexmap::IndexMap::with_capacity(map.len());
            for (key, subs) in keys {
                if let Some(mut child) = map.shift_remove(key) {
                    reorder(&mut child, &subs, document);
                    ordered.insert(key.clone(), child);
                }
            }
            // Anything not named in the query (there should be nothing) keeps its place at the end.
            ordered.extend(map.drain(..));
            *map = ordered;
        }
        _ => {}
    }
}
