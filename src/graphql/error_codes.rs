//! Gives every error in a response an `extensions.code`, including those raised by
//! async-graphql itself before our resolvers run (parse, validation, limits, argument coercion).
//! Errors from our resolvers already carry a code (see `crate::error`); anything else is an
//! internal error whose text is logged and replaced.

use async_graphql::{Response, ServerError};

fn has_code(err: &ServerError) -> bool {
    err.extensions.as_ref().is_some_and(|e| e.get("code").is_some())
}

fn set_code(err: &mut ServerError, code: &str, field: Option<String>) {
    let extensions = err.extensions.get_or_insert_with(Default::default);
    extensions.set("code", code);
    if let Some(field) = field {
        extensions.set("field", field);
    }
}

/// async-graphql reports a bad argument as `Invalid value for argument "name", …` or
/// `Failed to parse "Type": …`; the first names the field at fault. A variable that is used
/// where its type does not fit (which async-graphql's validation lets through) fails when the
/// argument is read: `Expected input type "String", found null.` or `Variable v is not
/// defined.`, the latter naming the variable.
fn bad_argument(message: &str) -> Option<Option<String>> {
    if let Some(rest) = message.strip_prefix("Invalid value for argument \"") {
        return Some(rest.split('"').next().map(|name| name.rsplit('.').next().unwrap_or(name).to_owned()));
    }
    if let Some(variable) = message.strip_prefix("Variable ").and_then(|rest| rest.strip_suffix(" is not defined.")) {
        return Some(Some(variable.to_owned()));
    }
    (message.starts_with("Failed to parse")
        || message.starts_with("Invalid value for")
        || message.starts_with("Expected input type"))
    .then_some(None)
}

/// Codes an error of the parser.
pub fn code_parse_error(err: &mut ServerError) {
    set_code(err, "GRAPHQL_PARSE_FAILED", None);
}

/// async-graphql's validation points each error at the document and gives it no path; errors
/// raised while executing have the path of their field, and those about the operation to run
/// (an unknown `operationName`, several operations without one) have neither.
fn from_validation(err: &ServerError) -> bool {
    err.path.is_empty() && !err.locations.is_empty()
}

/// async-graphql's own answers to a federation representation it cannot use (in the subgraph's
/// `_entities`): one without `__typename`, or whose type or key fields match no entity resolver.
fn bad_representation(message: &str) -> bool {
    message == "Entity not found." || message == r#""__typename" must be an existing string."#
}

/// Codes the errors of a finished request that have no code yet: argument and validation errors
/// are the client's (depth and cost are the query guard's, which codes its own refusals);
/// anything else is logged and replaced by "internal error".
pub fn code_response(response: &mut Response) {
    for err in &mut response.errors {
        if has_code(err) {
            continue;
        }
        if let Some(field) = bad_argument(&err.message) {
            set_code(err, "BAD_USER_INPUT", field);
        } else if bad_representation(&err.message) {
            err.message = "a representation names no entity type of this subgraph, or lacks its key".to_owned();
            set_code(err, "BAD_USER_INPUT", Some("representations".to_owned()));
        } else if from_validation(err) {
            set_code(err, "GRAPHQL_VALIDATION_FAILED", None);
        } else {
            tracing::error!(error = %err.message, "unclassified error hidden from the client");
            err.message = "internal error".to_owned();
            set_code(err, "INTERNAL_SERVER_ERROR", None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_argument_errors() {
        assert_eq!(
            bad_argument(r#"Invalid value for argument "peildatum", expected type "Date""#),
            Some(Some("peildatum".to_owned()))
        );
        assert_eq!(bad_argument(r#"Failed to parse "Date": bad"#), Some(None));
        assert_eq!(bad_argument("Variable v0 is not defined."), Some(Some("v0".to_owned())));
        assert_eq!(bad_argument(r#"Expected input type "String", found null."#), Some(None));
        assert_eq!(bad_argument("Unknown field"), None);
    }
}
