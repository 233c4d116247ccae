//! Measures a parsed document in time linear in its size: each fragment is measured once and
//! its measure reused at every spread, so fragments that spread each other twice cost no more
//! than they are long. Data fields and introspection are measured apart, because they are
//! limited apart: the standard introspection query is deep, a data query should not be.

use std::collections::HashMap;

use async_graphql::Variables;
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{Name, Positioned};
use async_graphql_value::{ConstValue, Value};

use super::types::{TypeIndex, is_connection};
use crate::graphql::connection::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

/// Introspection fields that return lists: the ones whose nesting multiplies an answer.
const INTROSPECTION_LISTS: &[&str] =
    &["types", "fields", "args", "inputFields", "interfaces", "possibleTypes", "enumValues", "directives", "locations"];

/// Items assumed for a list field that has no page size (a municipality's deelnames, a fusie's
/// members): generous for this registry, whose lists of that kind hold a handful of items.
const LIST_ESTIMATE: u64 = 10;

/// Lists known to be longer than [`LIST_ESTIMATE`]: a province's municipalities over time.
const LONG_LISTS: &[(&str, &str, u64)] = &[("Provincie", "gemeenten", 100)];

/// What a document (or a part of it) would make the server do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Measure {
    /// Selections once fragments are expanded (what validation and execution walk).
    pub selections: u64,
    /// Deepest nesting of data fields (a leaf field is 1 deep).
    pub depth: u64,
    /// Data fields the answer may hold: list fields count their page size (or an estimate)
    /// times their children, aliases included.
    pub cost: u64,
    /// The part of `cost` that repeats per item of the enclosing connection's page (its
    /// `edges` and `nodes`); resolved into `cost` by the connection field.
    paged: u64,
    /// `__schema` and `__type` selections.
    pub introspection_roots: u64,
    /// Selections inside introspection.
    pub introspection_selections: u64,
    /// Deepest nesting inside introspection.
    pub introspection_depth: u64,
    /// Deepest nesting of introspection lists (`types` → `fields` → `args` is 3).
    pub introspection_lists: u64,
}

impl Measure {
    /// Siblings add up; depths take the deepest.
    fn add(&mut self, other: &Self) {
        self.selections = self.selections.saturating_add(other.selections);
        self.depth = self.depth.max(other.depth);
        self.cost = self.cost.saturating_add(other.cost);
        self.paged = self.paged.saturating_add(other.paged);
        self.introspection_roots = self.introspection_roots.saturating_add(other.introspection_roots);
        self.introspection_selections = self.introspection_selections.saturating_add(other.introspection_selections);
        self.introspection_depth = self.introspection_depth.max(other.introspection_depth);
        self.introspection_lists = self.introspection_lists.max(other.introspection_lists);
    }
}

/// Why a document could not be measured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unmeasurable {
    /// A fragment spreads itself, directly or through others.
    FragmentCycle(String),
    /// Selection sets and fragment spreads nest deeper than the walk goes.
    NestedTooDeep,
}

/// Measures every operation of `document`: selections add up over operations (validation walks
/// them all), the other figures are those of the largest operation.
///
/// # Errors
/// A fragment cycle, or nesting deeper than `max_nesting` (fields, fragments and inline fragments
/// together); both are refused before the walk could exhaust the stack.
pub fn measure_document(
    document: &ExecutableDocument,
    variables: &Variables,
    types: &TypeIndex,
    max_nesting: usize,
) -> Result<Measure, Unmeasurable> {
    let mut walk = Walk { document, variables, types, max_nesting, fragments: HashMap::new() };
    let mut total = Measure::default();
    let operations: Vec<_> = match &document.operations {
        DocumentOperations::Single(op) => vec![op],
        DocumentOperations::Multiple(ops) => ops.values().collect(),
    };
    for operation in operations {
        let root = match operation.node.ty {
            OperationType::Query => Some(types.query.as_str()),
            OperationType::Mutation => types.mutation.as_deref(),
            OperationType::Subscription => types.subscription.as_deref(),
        };
        let measure = walk.selection_set(&operation.node.selection_set, root, Mode::Data, 0)?;
        let selections = total.selections.saturating_add(measure.selections);
        let introspection_roots = total.introspection_roots.saturating_add(measure.introspection_roots);
        let introspection_selections = total.introspection_selections.saturating_add(measure.introspection_selections);
        total = Measure {
            selections,
            depth: total.depth.max(measure.depth),
            cost: total.cost.max(measure.cost),
            paged: 0,
            introspection_roots,
            introspection_selections,
            introspection_depth: total.introspection_depth.max(measure.introspection_depth),
            introspection_lists: total.introspection_lists.max(measure.introspection_lists),
        };
    }
    Ok(total)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Data,
    Introspection,
}

/// A fragment's measure is computed on first use; `None` marks one being computed, so that a
/// spread that meets it again has found a cycle.
struct Walk<'a> {
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    types: &'a TypeIndex,
    max_nesting: usize,
    fragments: HashMap<&'a str, Option<Measure>>,
}

impl<'a> Walk<'a> {
    fn selection_set(
        &mut self,
        set: &'a Positioned<SelectionSet>,
        on_type: Option<&str>,
        mode: Mode,
        nesting: usize,
    ) -> Result<Measure, Unmeasurable> {
        if nesting > self.max_nesting {
            return Err(Unmeasurable::NestedTooDeep);
        }
        let mut measure = Measure::default();
        for selection in &set.node.items {
            let part = match &selection.node {
                Selection::Field(field) => self.field(&field.node, on_type, mode, nesting)?,
                Selection::InlineFragment(inline) => {
                    let condition = inline.node.type_condition.as_ref().map(|c| c.node.on.node.as_str());
                    let (on, mode) = match condition {
                        Some(name) => (Some(name), mode_of(name)),
                        None => (on_type, mode),
                    };
                    self.selection_set(&inline.node.selection_set, on, mode, nesting + 1)?
                }
                Selection::FragmentSpread(spread) => self.fragment(&spread.node.fragment_name.node, nesting + 1)?,
            };
            measure.add(&part);
        }
        Ok(measure)
    }

    fn fragment(&mut self, name: &'a Name, nesting: usize) -> Result<Measure, Unmeasurable> {
        match self.fragments.get(name.as_str()) {
            Some(Some(measure)) => return Ok(*measure),
            Some(None) => return Err(Unmeasurable::FragmentCycle(name.to_string())),
            None => {}
        }
        // An unknown fragment measures nothing; validation reports it.
        let Some(definition) = self.document.fragments.get(name) else { return Ok(Measure::default()) };
        self.fragments.insert(name.as_str(), None);
        let on = definition.node.type_condition.node.on.node.as_str();
        let measure = self.selection_set(&definition.node.selection_set, Some(on), mode_of(on), nesting)?;
        self.fragments.insert(name.as_str(), Some(measure));
        Ok(measure)
    }

    fn field(
        &mut self,
        field: &'a async_graphql::parser::types::Field,
        on_type: Option<&str>,
        mode: Mode,
        nesting: usize,
    ) -> Result<Measure, Unmeasurable> {
        let name = field.name.node.as_str();
        if name == "__typename" {
            return Ok(Measure { selections: 1, ..Measure::default() });
        }
        if mode == Mode::Introspection || name == "__schema" || name == "__type" {
            let child = self.selection_set(&field.selection_set, None, Mode::Introspection, nesting + 1)?;
            let is_list = u64::from(mode == Mode::Introspection && INTROSPECTION_LISTS.contains(&name));
            return Ok(Measure {
                selections: child.selections.saturating_add(1),
                introspection_roots: child.introspection_roots + u64::from(mode == Mode::Data),
                introspection_selections: child.introspection_selections.saturating_add(1),
                introspection_depth: child.introspection_depth + 1,
                introspection_lists: child.introspection_lists + is_list,
                ..Measure::default()
            });
        }
        let shape = on_type.and_then(|t| self.types.field(t, name));
        let child_type = shape.map(|s| s.type_name.as_str());
        let child = self.selection_set(&field.selection_set, child_type, Mode::Data, nesting + 1)?;
        let own = match (on_type, shape) {
            (_, Some(s)) if is_connection(&s.type_name) => {
                let page = self.page_size(field);
                Cost::Fixed(child.cost.saturating_add(page.saturating_mul(child.paged)))
            }
            (Some(parent), Some(s)) if s.is_list && is_connection(parent) => Cost::PerItem(child.cost),
            (Some(parent), Some(s)) if s.is_list => {
                Cost::Fixed(self.list_size(parent, name, field).saturating_mul(child.cost))
            }
            _ => Cost::Fixed(child.cost),
        };
        let (cost, paged) = match own {
            Cost::Fixed(n) => (n.saturating_add(1), 0),
            Cost::PerItem(n) => (0, n.saturating_add(1)),
        };
        Ok(Measure {
            selections: child.selections.saturating_add(1),
            depth: child.depth + 1,
            cost,
            paged,
            introspection_roots: child.introspection_roots,
            introspection_selections: child.introspection_selections,
            introspection_depth: child.introspection_depth,
            introspection_lists: child.introspection_lists,
        })
    }

    /// The page a connection field asks for: `first` as a literal or a variable, clamped to
    /// the maximum (a larger `first` is refused by the resolver anyway).
    fn page_size(&self, field: &async_graphql::parser::types::Field) -> u64 {
        let asked = field.get_argument("first").and_then(|value| match &value.node {
            Value::Number(n) => n.as_u64(),
            Value::Variable(name) => match self.variables.get(name) {
                Some(ConstValue::Number(n)) => n.as_u64(),
                _ => None,
            },
            _ => None,
        });
        asked.unwrap_or(DEFAULT_PAGE_SIZE).min(MAX_PAGE_SIZE)
    }

    /// Items expected from a list field without paging: the number of IDs asked for by `nodes`,
    /// else a known long list, else the estimate.
    fn list_size(&self, parent: &str, name: &str, field: &async_graphql::parser::types::Field) -> u64 {
        // `nodes(ids:)`, and a gateway's `_entities(representations:)` in the federation subgraph.
        if let Some(ids) = field.get_argument("ids").or_else(|| field.get_argument("representations")) {
            let count = match &ids.node {
                Value::List(items) => Some(items.len()),
                Value::Variable(var) => match self.variables.get(var) {
                    Some(ConstValue::List(items)) => Some(items.len()),
                    _ => None,
                },
                _ => None,
            };
            if let Some(count) = count {
                return u64::try_from(count).unwrap_or(u64::MAX).min(MAX_PAGE_SIZE);
            }
        }
        LONG_LISTS.iter().find(|(t, f, _)| *t == parent && *f == name).map_or(LIST_ESTIMATE, |(_, _, n)| *n)
    }
}

enum Cost {
    /// Counted once.
    Fixed(u64),
    /// Counted once per item of the enclosing connection's page.
    PerItem(u64),
}

/// Fragments and inline fragments on introspection types (`__Type`, `__Field`, …) are measured
/// as introspection.
fn mode_of(type_name: &str) -> Mode {
    if type_name.starts_with("__") { Mode::Introspection } else { Mode::Data }
}
