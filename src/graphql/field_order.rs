//! Puts the fields of every response object in the order the query asks for them.
//!
//! The GraphQL specification orders a result map like the selection set. async-graphql 7.2.1
//! resolves an object's fields concurrently and inserts each as it finishes, so a field that
//! waits for a DataLoader batch can come after one written later in the query. The request's
//! pipeline reads the order of every selection set once, when the query is parsed, into a tree of
//! `Order`s, and puts each object of the result in that order once execution is done.
//!
//! The tree has one node per field of the query, not per object of the answer: a list of a
//! hundred objects is ordered by one node, and an object already in order is left as it is.

use async_graphql::Name;
use async_graphql::Value;
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

/// The order of each operation of one request's query, read when the query is parsed and applied
/// to the response once execution is done (see `super::pipeline`).
#[derive(Debug, Default)]
pub struct FieldOrders {
    operations: Vec<(Option<Name>, Order)>,
}

impl FieldOrders {
    /// The orders of every operation of `document`.
    pub fn of(document: &ExecutableDocument) -> Self {
        let operations = document
            .operations
            .iter()
            .map(|(name, operation)| (name.cloned(), Order::of(&[&operation.node.selection_set.node], document)))
            .collect();
        Self { operations }
    }

    /// Puts `data`, the result of the operation `operation_name`, in query order.
    pub fn apply(&self, operation_name: Option<&str>, data: &mut Value) {
        let order = match operation_name {
            Some(name) => self.operations.iter().find(|(n, _)| n.as_ref().is_some_and(|n| n.as_str() == name)),
            None => self.operations.first(),
        };
        if let Some((_, order)) = order {
            order.apply(data);
        }
    }
}

/// The response keys of one selection set in query order, each with the order of its own
/// selection (the sub-selections of every field with that key, merged).
#[derive(Debug, Default, PartialEq)]
struct Order {
    keys: Vec<(Name, Order)>,
}

impl Order {
    /// The order of `sets` taken together, fragments spread in place.
    fn of(sets: &[&SelectionSet], document: &ExecutableDocument) -> Self {
        let mut grouped: Vec<(&Name, Vec<&SelectionSet>)> = Vec::new();
        keys_in_order(sets, document, &mut grouped);
        Self { keys: grouped.into_iter().map(|(key, subs)| (key.clone(), Order::of(&subs, document))).collect() }
    }

    fn position(&self, key: &Name) -> usize {
        // Anything not named in the query (there should be nothing) goes to the end.
        self.keys.iter().position(|(k, _)| k == key).unwrap_or(usize::MAX)
    }

    /// Puts `value` (an object, or a list of them at any depth) and everything in it in order.
    fn apply(&self, value: &mut Value) {
        match value {
            Value::List(items) => items.iter_mut().for_each(|item| self.apply(item)),
            Value::Object(map) => {
                if self.keys.is_empty() {
                    return;
                }
                if !map.keys().map(|k| self.position(k)).is_sorted() {
                    // Stable: keys the query does not name keep their relative place.
                    map.sort_by_cached_key(|k, _| self.position(k));
                }
                // Keys now come in the order of `self.keys`, so one pass pairs each with its order.
                let mut orders = self.keys.iter();
                for (key, child) in map.iter_mut() {
                    if let Some((_, order)) = orders.by_ref().find(|(k, _)| k == key) {
                        order.apply(child);
                    }
                }
            }
            _ => {}
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn object(pairs: &[(&str, Value)]) -> Value {
        Value::Object(pairs.iter().map(|(k, v)| (Name::new(k), v.clone())).collect())
    }

    fn keys(value: &Value) -> Vec<String> {
        match value {
            Value::Object(map) => map.keys().map(ToString::to_string).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn orders_objects_in_lists_and_below_them_as_the_query_does() {
        let document =
            async_graphql::parser::parse_query("{ a { x ...F } b c: a { y } } fragment F on T { y z { q p } }")
                .unwrap();
        let (_, operation) = document.operations.iter().next().unwrap();
        let order = Order::of(&[&operation.node.selection_set.node], &document);
        let item = || {
            object(&[("z", object(&[("p", Value::Null), ("q", Value::Null)])), ("y", Value::Null), ("x", Value::Null)])
        };
        let mut data = object(&[
            ("c", object(&[("y", Value::Null)])),
            ("b", Value::Null),
            ("a", Value::List(vec![item(), item()])),
        ]);
        order.apply(&mut data);
        assert_eq!(keys(&data), ["a", "b", "c"]);
        let Value::Object(map) = &data else { unreachable!() };
        let Value::List(items) = &map["a"] else { unreachable!() };
        for item in items {
            assert_eq!(keys(item), ["x", "y", "z"]);
            let Value::Object(fields) = item else { unreachable!() };
            assert_eq!(keys(&fields["z"]), ["q", "p"]);
        }
    }
}
