//! Temporary stand-in while the IDE module is written.
use axum::response::{IntoResponse, Response};
pub async fn page() -> Response {
    "ide".into_response()
}
pub fn routes<S: Clone + Send + Sync + 'static>() -> axum::Router<S> {
    axum::Router::new()
}
