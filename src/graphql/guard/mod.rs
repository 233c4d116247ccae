//! The query guard: refuses documents that would cost too much, before async-graphql parses
//! deeply or validates them, and in time linear in the document's size.
//!
//! It replaces async-graphql's own `limit_depth` and `limit_complexity` for two reasons. They
//! count introspection like data, so the standard introspection query of graphql-js (about 13
//! levels deep through `ofType`) was refused and no IDE or code generator could load the
//! schema. And they, like async-graphql's recursion check, expand every fragment spread anew,
//! so a 1 KB document of fragments that each spread the next twice took minutes on a runtime
//! thread. Here each fragment is measured once (see `measure.rs`), and the figures that
//! async-graphql's walks depend on (tokens, nesting, expanded selections) are bounded first.
//!
//! Two separate budgets: data fields (depth, and a cost that counts list fields by their page
//! size) and introspection (its own depth, nesting of its lists, and size), so that standard
//! clients always get the schema while an introspection bomb is refused.

mod lexer;
mod measure;
mod types;
mod variables;

use async_graphql::{Request, ServerError, ServerResult};

pub use measure::{Measure, Unmeasurable, measure_document};
pub use types::TypeIndex;
pub use variables::selected_operation;

/// The type and name of the operation a request runs, as the guard found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectedOperation {
    /// Query, mutation or subscription.
    pub kind: async_graphql::parser::types::OperationType,
    /// The operation's name in the document, if it has one.
    pub name: Option<String>,
}

/// The bounds the guard enforces; [`Limits::default`] suits this registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Significant tokens in the query text (checked before parsing).
    pub max_tokens: usize,
    /// Nesting of braces, brackets and parentheses in the text, and of selection sets and
    /// fragments in the parsed document (protects the recursive parser and walks).
    pub max_nesting: usize,
    /// Selections once fragments are expanded, over all operations of the document.
    pub max_selections: u64,
    /// Nesting of data fields.
    pub max_depth: u64,
    /// Data fields an answer may hold, list fields counted by their page size.
    pub max_cost: u64,
    /// `__schema` and `__type` selections in one document.
    pub max_introspection_roots: u64,
    /// Selections inside introspection, expanded.
    pub max_introspection_selections: u64,
    /// Nesting inside introspection.
    pub max_introspection_depth: u64,
    /// Nesting of introspection lists.
    pub max_introspection_lists: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_tokens: 15_000,
            max_nesting: 64,
            max_selections: 10_000,
            max_depth: 12,
            // A page of 100 municipalities with their fusies and those fusies' members (the
            // README's nested query over a full page) is estimated at about 43,000; one that
            // also selects each fusie's evaluations with their goals, risks and motives (as
            // tests/dataloader.rs does) at about 603,000. The estimate compounds 10 per nested
            // list, while such lists in this registry hold a handful, so the answer stays far
            // smaller than the figure; 150 aliased copies of the first (6.4 million) are refused.
            max_cost: 1_000_000,
            max_introspection_roots: 8,
            // graphql-js's full introspection query expands to 230 selections and is 15 deep
            // with 3 nested lists (`types` → `fields` → `args`); the depth is mostly the
            // `ofType` chain, single objects that cost little, so other clients get room there.
            max_introspection_selections: 1_000,
            max_introspection_depth: 20,
            max_introspection_lists: 3,
        }
    }
}

/// Why a document was refused: the limit's name (in `extensions.limit`) and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Stable name of the limit, for clients and tests.
    pub limit: &'static str,
    /// The limit's value.
    pub maximum: u64,
    /// What the client sees.
    pub message: String,
}

impl Refusal {
    fn new(limit: &'static str, maximum: impl TryInto<u64>, message: String) -> Self {
        Self { limit, maximum: maximum.try_into().unwrap_or(u64::MAX), message }
    }

    fn into_server_error(self) -> ServerError {
        let mut error = ServerError::new(self.message, None);
        let extensions = error.extensions.get_or_insert_with(Default::default);
        extensions.set("code", "QUERY_TOO_COMPLEX");
        extensions.set("limit", self.limit);
        extensions.set("maximum", self.maximum);
        error
    }
}

/// Checks the query text before parsing.
///
/// # Errors
/// When the text has too many tokens or nests too deeply.
pub fn check_text(text: &str, limits: &Limits) -> Result<(), Refusal> {
    let shape = lexer::scan(text, limits.max_tokens, limits.max_nesting);
    if shape.tokens > limits.max_tokens {
        return Err(Refusal::new(
            "tokens",
            limits.max_tokens,
            format!("Query has more than {} tokens.", limits.max_tokens),
        ));
    }
    if shape.nesting > limits.max_nesting {
        return Err(nested_too_deep(limits));
    }
    Ok(())
}

fn nested_too_deep(limits: &Limits) -> Refusal {
    Refusal::new(
        "nesting",
        limits.max_nesting,
        format!("Query nests selections, fragments or values more than {} deep.", limits.max_nesting),
    )
}

/// Checks a document's measure against the limits.
///
/// # Errors
/// The first limit the measure exceeds.
pub fn check_measure(measure: &Measure, limits: &Limits) -> Result<(), Refusal> {
    let checks: [(&'static str, u64, u64, &str); 7] = [
        ("selections", measure.selections, limits.max_selections, "Query expands to more than {} selections."),
        ("depth", measure.depth, limits.max_depth, "Query is nested too deep: more than {} levels of fields."),
        ("cost", measure.cost, limits.max_cost, "Query is too complex: it may fetch more than {} fields."),
        (
            "introspectionRoots",
            measure.introspection_roots,
            limits.max_introspection_roots,
            "Query has more than {} __schema and __type selections.",
        ),
        (
            "introspectionSelections",
            measure.introspection_selections,
            limits.max_introspection_selections,
            "Introspection expands to more than {} selections.",
        ),
        (
            "introspectionDepth",
            measure.introspection_depth,
            limits.max_introspection_depth,
            "Introspection is nested more than {} levels deep.",
        ),
        (
            "introspectionLists",
            measure.introspection_lists,
            limits.max_introspection_lists,
            "Introspection nests more than {} lists (such as types, fields, args).",
        ),
    ];
    for (limit, value, maximum, message) in checks {
        if value > maximum {
            return Err(Refusal::new(limit, maximum, message.replace("{}", &maximum.to_string())));
        }
    }
    Ok(())
}

/// The guard over one schema; the request pipeline (`super::pipeline`) runs it first.
pub struct QueryGuard {
    limits: Limits,
    types: TypeIndex,
}

impl QueryGuard {
    /// A guard with `limits` over the schema described by `types`.
    pub fn new(limits: Limits, types: TypeIndex) -> Self {
        Self { limits, types }
    }

    /// Runs before async-graphql parses and validates: the text is scanned, parsed once here
    /// (the parsed document stays in the request, so it is not parsed twice) and measured.
    ///
    /// Returns the operation the request selects, when the document parses and selects one.
    ///
    /// # Errors
    /// The coded refusal of a document over a limit, or of a required variable without value.
    pub fn check(&self, request: &mut Request) -> ServerResult<Option<SelectedOperation>> {
        check_text(&request.query, &self.limits).map_err(Refusal::into_server_error)?;
        let variables = request.variables.clone();
        let operation_name = request.operation_name.clone();
        let document = match request.parsed_query() {
            Ok(document) => document,
            // Reported by the pipeline, which codes the parser's error with its position.
            Err(_) => return Ok(None),
        };
        let measure = measure_document(document, &variables, &self.types, self.limits.max_nesting)
            .map_err(|err| unmeasurable(err, &self.limits))?;
        check_measure(&measure, &self.limits).map_err(Refusal::into_server_error)?;
        variables::check_required(document, operation_name.as_deref(), &variables)?;
        let defaults = variables::missing_defaults(document, operation_name.as_deref(), &variables);
        let selected = selected_operation(document, operation_name.as_deref()).map(|(name, operation)| {
            SelectedOperation { kind: operation.node.ty, name: name.map(ToString::to_string) }
        });
        request.variables.extend(defaults);
        Ok(selected)
    }
}

fn unmeasurable(err: Unmeasurable, limits: &Limits) -> ServerError {
    match err {
        Unmeasurable::NestedTooDeep => nested_too_deep(limits).into_server_error(),
        Unmeasurable::FragmentCycle(name) => {
            let mut error = ServerError::new(format!("Cannot spread fragment \"{name}\" within itself."), None);
            error.extensions.get_or_insert_with(Default::default).set("code", "GRAPHQL_VALIDATION_FAILED");
            error
        }
    }
}
