//! Gives every error in a response an `extensions.code`, including those raised by
//! async-graphql itself before our resolvers run (parse, validation, limits, argument coercion).
//! Errors from our resolvers already carry a code (see `crate::error`); anything else is an
//! internal error whose text is logged and replaced.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextRequest, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Variables};

/// The extension factory; add it to the schema once.
pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodesExtension)
    }
}

struct ErrorCodesExtension;

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
/// `Failed to parse "Type": …`; the first names the field at fault.
fn bad_argument(message: &str) -> Option<Option<String>> {
    if let Some(rest) = message.strip_prefix("Invalid value for argument \"") {
        return Some(rest.split('"').next().map(|name| name.rsplit('.').next().unwrap_or(name).to_owned()));
    }
    (message.starts_with("Failed to parse") || message.starts_with("Invalid value for")).then_some(None)
}

#[async_graphql::async_trait::async_trait]
impl Extension for ErrorCodesExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables).await.map_err(|mut err| {
            set_code(&mut err, "GRAPHQL_PARSE_FAILED", None);
            err
        })
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|mut errors| {
            // Depth and cost are the query guard's (`graphql::guard`), which codes its own
            // refusals before validation runs.
            for err in &mut errors {
                if let Some(field) = bad_argument(&err.message) {
                    set_code(err, "BAD_USER_INPUT", field);
                } else {
                    set_code(err, "GRAPHQL_VALIDATION_FAILED", None);
                }
            }
            errors
        })
    }

    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        for err in &mut response.errors {
            if has_code(err) {
                continue;
            }
            if let Some(field) = bad_argument(&err.message) {
                set_code(err, "BAD_USER_INPUT", field);
            } else {
                tracing::error!(error = %err.message, "unclassified error hidden from the client");
                err.message = "internal error".to_owned();
                set_code(err, "INTERNAL_SERVER_ERROR", None);
            }
        }
        response
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
        assert_eq!(bad_argument("Unknown field"), None);
    }
}
