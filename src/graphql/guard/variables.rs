//! Variable values as the GraphQL spec's CoerceVariableValues makes them before execution: a
//! non-null variable without a value or default, or given `null`, is refused; a variable without
//! a value takes its default.
//!
//! async-graphql leaves the refusals to the resolver that reads the argument, which fails there
//! with an unclassified error in a `200` answer; the spec makes them request errors, answered
//! before any field runs. It reads the defaults where an argument uses the variable, but not
//! where `@skip(if:)` or `@include(if:)` does: without the default filled in, a field under
//! `@include(if: $v)` with `$v: Boolean = true` was left out.

use async_graphql::parser::types::{ExecutableDocument, OperationDefinition};
use async_graphql::{Name, Positioned, ServerError, Value, Variables};

/// The operation that `operation_name` selects, with its name if it has one; `None` when it
/// selects none (async-graphql reports that itself).
pub fn selected_operation<'a>(
    document: &'a ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<(Option<&'a Name>, &'a Positioned<OperationDefinition>)> {
    let mut operations = document.operations.iter();
    match operation_name {
        Some(wanted) => operations.find(|(name, _)| name.is_some_and(|name| name.as_str() == wanted)),
        None => operations.next().filter(|_| document.operations.iter().count() == 1),
    }
}

/// Refuses the first non-null variable of the selected operation that has no value.
pub fn check_required(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
) -> Result<(), ServerError> {
    let Some((_, operation)) = selected_operation(document, operation_name) else {
        return Ok(());
    };
    for definition in &operation.node.variable_definitions {
        let definition = &definition.node;
        if definition.var_type.node.nullable {
            continue;
        }
        let name = &definition.name.node;
        let problem = match variables.get(&Name::new(name.as_str())) {
            None if definition.default_value.is_none() => "was not provided",
            Some(Value::Null) => "must not be null",
            _ => continue,
        };
        let mut error = ServerError::new(
            format!("Variable \"${name}\" of required type \"{}\" {problem}.", definition.var_type.node),
            Some(definition.name.pos),
        );
        let extensions = error.extensions.get_or_insert_with(Default::default);
        extensions.set("code", "BAD_USER_INPUT");
        extensions.set("field", name.as_str());
        return Err(error);
    }
    Ok(())
}

/// The declared defaults of the selected operation's variables that were given no value.
pub fn missing_defaults(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
) -> Vec<(Name, Value)> {
    let Some((_, operation)) = selected_operation(document, operation_name) else {
        return Vec::new();
    };
    operation
        .node
        .variable_definitions
        .iter()
        .filter(|definition| !variables.contains_key(&definition.node.name.node))
        // The declared default only: async-graphql's `default_value()` also makes a nullable
        // variable without one `null`, which would turn "not given" into "given as null".
        .filter_map(|definition| {
            let default = definition.node.default_value.as_ref()?;
            Some((definition.node.name.node.clone(), default.node.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(query: &str, operation: Option<&str>, variables: serde_json::Value) -> Result<(), String> {
        let document = async_graphql::parser::parse_query(query).map_err(|err| err.to_string())?;
        check_required(&document, operation, &Variables::from_json(variables)).map_err(|err| err.message)
    }

    #[test]
    fn a_missing_non_null_variable_is_refused() {
        let refusal = check("query Q($id: ID!) { node(id: $id) { id } }", None, serde_json::json!({}));
        assert_eq!(refusal, Err("Variable \"$id\" of required type \"ID!\" was not provided.".to_owned()));
    }

    #[test]
    fn a_null_for_a_non_null_variable_is_refused_even_with_a_default() {
        let refusal = check(
            "query Q($c: String! = \"GM0363\") { gemeente(code: $c) { naam } }",
            None,
            serde_json::json!({"c": null}),
        );
        assert_eq!(refusal, Err("Variable \"$c\" of required type \"String!\" must not be null.".to_owned()));
    }

    #[test]
    fn defaults_nullable_variables_and_given_values_pass() {
        assert_eq!(
            check("query Q($c: String! = \"GM0363\") { gemeente(code: $c) { naam } }", None, serde_json::json!({})),
            Ok(())
        );
        assert_eq!(check("query Q($c: String) { gemeente(code: $c) { naam } }", None, serde_json::json!({})), Ok(()));
        assert_eq!(
            check("query Q($c: String!) { gemeente(code: $c) { naam } }", None, serde_json::json!({"c": "GM0363"})),
            Ok(())
        );
    }

    #[test]
    fn defaults_fill_only_variables_without_a_value() {
        let query = "query Q($a: Boolean = true, $b: Int = 3, $c: String, $d: Date = null) { provincies { code } }";
        let document = async_graphql::parser::parse_query(query).unwrap();
        let given = Variables::from_json(serde_json::json!({"b": 4}));
        let filled = missing_defaults(&document, None, &given);
        assert_eq!(filled, vec![(Name::new("a"), Value::Boolean(true)), (Name::new("d"), Value::Null)]);
    }

    #[test]
    fn only_the_selected_operation_counts() {
        let query = "query A($c: String!) { gemeente(code: $c) { naam } } query B { provincies { code } }";
        assert_eq!(check(query, Some("B"), serde_json::json!({})), Ok(()));
        assert!(check(query, Some("A"), serde_json::json!({})).is_err());
        // Ambiguous or unknown operation names are async-graphql's to report.
        assert_eq!(check(query, None, serde_json::json!({})), Ok(()));
        assert_eq!(check(query, Some("C"), serde_json::json!({})), Ok(()));
    }
}
