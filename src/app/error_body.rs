//! The JSON of every error the server writes outside GraphQL execution (a malformed request, an
//! overload, a panic, an answer too large, a WebSocket `error` message): one coded error, in a
//! response with no `data`, so that a client reads every failure the same way. Written here
//! alone, so that no error leaves without its `extensions.code`.

use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode, header};
use serde_json::Value;

use crate::error::AppError;

/// One error as clients read it: `{"message":…,"extensions":{"code":…}}`, with `field` in the
/// extensions when one input is at fault.
pub fn error(code: &str, message: &str, field: Option<&str>) -> Value {
    let mut extensions = serde_json::Map::new();
    extensions.insert("code".to_owned(), Value::from(code));
    if let Some(field) = field {
        extensions.insert("field".to_owned(), Value::from(field));
    }
    serde_json::json!({ "message": message, "extensions": extensions })
}

/// The error of `err`: its code, the message safe to show, and its field.
pub fn of(err: &AppError) -> Value {
    error(err.code(), &err.public_message(), err.field())
}

/// The error of a failure the client cannot fix, as [`AppError::Internal`] shows it; the
/// details belong in the log, written by the caller.
pub fn internal() -> Value {
    of(&AppError::Internal(String::new()))
}

/// `{"errors":[…]}` around [`error`], as JSON text.
pub fn body(code: &str, message: &str) -> String {
    serde_json::json!({ "errors": [error(code, message, None)] }).to_string()
}

/// [`body`] as a response with `status`.
pub fn response(status: StatusCode, code: &str, message: &str) -> Response<Body> {
    let mut response = Response::new(Body::from(body(code, message)));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_its_code_and_only_a_field_when_there_is_one() {
        let bare: Value = serde_json::from_str(&body("BAD_REQUEST", "nope")).unwrap_or_default();
        assert_eq!(
            bare,
            serde_json::json!({ "errors": [{ "message": "nope", "extensions": { "code": "BAD_REQUEST" } }] })
        );
        let with_field = of(&AppError::bad_input("naam", "too long"));
        assert_eq!(with_field["extensions"], serde_json::json!({ "code": "BAD_USER_INPUT", "field": "naam" }));
        assert_eq!(internal(), error("INTERNAL_SERVER_ERROR", "internal error", None));
    }
}
