//! The messages of both subprotocols, read from and written to text frames.
//!
//! `graphql-transport-ws` (the graphql-ws library's protocol) and the legacy `graphql-ws`
//! (subscriptions-transport-ws) share their shape: a JSON object with a `type`, and for
//! operations an `id` and a `payload`. They differ in names (`subscribe`/`start`,
//! `complete`/`stop`, `next`/`data`) and in how errors travel.

use serde_json::{Map, Value};

/// Longest operation ID accepted; clients use UUIDs or small counters.
const MAX_ID_LEN: usize = 128;

/// Which subprotocol a socket speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `graphql-transport-ws`.
    TransportWs,
    /// The legacy `graphql-ws` of subscriptions-transport-ws.
    Legacy,
}

/// What a client can say.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientMessage {
    /// `connection_init`, with its payload (an empty object when absent).
    ConnectionInit(Value),
    /// `subscribe` (`start` in the legacy protocol): run an operation.
    Subscribe { id: String, payload: Map<String, Value> },
    /// `complete` (`stop`): the client no longer wants the operation.
    Complete { id: String },
    /// `ping`, answered with a `pong` carrying the same payload.
    Ping(Option<Value>),
    /// `pong`: nothing to do.
    Pong,
    /// The legacy `connection_terminate`: the client is leaving.
    Terminate,
}

/// Reads one text frame. The error is the reason to close with 4400, short enough for a close
/// frame.
///
/// # Errors
/// A static reason when the text is not a message of `protocol`.
pub fn parse(text: &str, protocol: Protocol) -> Result<ClientMessage, &'static str> {
    let Ok(Value::Object(mut message)) = serde_json::from_str::<Value>(text) else {
        return Err("invalid message: not a JSON object");
    };
    let Some(Value::String(kind)) = message.remove("type") else {
        return Err("invalid message: no type");
    };
    let id = |message: &mut Map<String, Value>| match message.remove("id") {
        Some(Value::String(id)) if !id.is_empty() && id.len() <= MAX_ID_LEN => Ok(id),
        _ => Err("invalid message: id must be a non-empty string of at most 128 bytes"),
    };
    match (kind.as_str(), protocol) {
        ("connection_init", _) => match message.remove("payload") {
            None | Some(Value::Null) => Ok(ClientMessage::ConnectionInit(Value::Object(Map::new()))),
            Some(payload @ Value::Object(_)) => Ok(ClientMessage::ConnectionInit(payload)),
            Some(_) => Err("invalid message: the connection_init payload must be an object"),
        },
        ("subscribe", Protocol::TransportWs) | ("start", Protocol::Legacy) => {
            let id = id(&mut message)?;
            match message.remove("payload") {
                Some(Value::Object(payload)) => Ok(ClientMessage::Subscribe { id, payload }),
                _ => Err("invalid message: the subscribe payload must be an object"),
            }
        }
        ("complete", Protocol::TransportWs) | ("stop", Protocol::Legacy) => {
            Ok(ClientMessage::Complete { id: id(&mut message)? })
        }
        ("ping", Protocol::TransportWs) => Ok(ClientMessage::Ping(message.remove("payload").filter(|p| !p.is_null()))),
        ("pong", Protocol::TransportWs) => Ok(ClientMessage::Pong),
        ("connection_terminate", Protocol::Legacy) => Ok(ClientMessage::Terminate),
        _ => Err("invalid message: unknown type"),
    }
}

/// `connection_ack`.
pub fn ack() -> String {
    r#"{"type":"connection_ack"}"#.to_owned()
}

/// `pong`, echoing the ping's payload.
pub fn pong(payload: Option<Value>) -> String {
    match payload {
        Some(payload) => serde_json::json!({ "type": "pong", "payload": payload }).to_string(),
        None => r#"{"type":"pong"}"#.to_owned(),
    }
}

/// A result of operation `id` (`next`, `data` in the legacy protocol); `payload` is the JSON of
/// the GraphQL response, already written.
pub fn next(protocol: Protocol, id: &str, payload: &[u8]) -> String {
    let kind = match protocol {
        Protocol::TransportWs => "next",
        Protocol::Legacy => "data",
    };
    let payload = String::from_utf8_lossy(payload);
    format!(r#"{{"type":"{kind}","id":{},"payload":{payload}}}"#, quoted(id))
}

/// Operation `id` failed before it could run (or could not go on). `graphql-transport-ws` wants
/// a list of GraphQL errors; the legacy protocol one error object.
pub fn error(protocol: Protocol, id: &str, errors: &[Value]) -> String {
    let payload = match protocol {
        Protocol::TransportWs => Value::Array(errors.to_vec()),
        Protocol::Legacy => errors.first().cloned().unwrap_or(Value::Null),
    };
    serde_json::json!({ "type": "error", "id": id, "payload": payload }).to_string()
}

/// Operation `id` is done.
pub fn complete(id: &str) -> String {
    format!(r#"{{"type":"complete","id":{}}}"#, quoted(id))
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

/// A close reason cut to 123 bytes at a character boundary: a close frame holds at most 125
/// bytes, two of which are the code, and clients drop connections with longer frames.
pub fn close_reason(reason: &str) -> String {
    const MAX: usize = 123;
    if reason.len() <= MAX {
        return reason.to_owned();
    }
    let end = (0..=MAX).rev().find(|i| reason.is_char_boundary(*i)).unwrap_or(0);
    reason.get(..end).unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_protocols() {
        let start = r#"{"type":"start","id":"1","payload":{"query":"{ a }"}}"#;
        assert!(matches!(parse(start, Protocol::Legacy), Ok(ClientMessage::Subscribe { .. })));
        assert_eq!(parse(start, Protocol::TransportWs), Err("invalid message: unknown type"));
        let init = r#"{"type":"connection_init"}"#;
        assert_eq!(parse(init, Protocol::TransportWs), Ok(ClientMessage::ConnectionInit(serde_json::json!({}))));
        assert_eq!(
            parse(r#"{"type":"complete","id":"x"}"#, Protocol::TransportWs),
            Ok(ClientMessage::Complete { id: "x".into() })
        );
    }

    #[test]
    fn refuses_malformed_messages() {
        for bad in [
            "nope",
            "[]",
            r#"{"id":"1"}"#,
            r#"{"type":"subscribe","payload":{}}"#,
            r#"{"type":"subscribe","id":"","payload":{}}"#,
            r#"{"type":"subscribe","id":1,"payload":{}}"#,
            r#"{"type":"subscribe","id":"1","payload":"{ a }"}"#,
            r#"{"type":"connection_init","payload":3}"#,
            r#"{"type":"next","id":"1"}"#,
        ] {
            assert!(parse(bad, Protocol::TransportWs).is_err(), "{bad}");
        }
        let long_id = format!(r#"{{"type":"complete","id":"{}"}}"#, "x".repeat(129));
        assert!(parse(&long_id, Protocol::TransportWs).is_err());
    }

    #[test]
    fn close_reasons_fit_a_close_frame() {
        let reason = close_reason(&"é".repeat(100));
        assert!(reason.len() <= 123 && reason.chars().all(|c| c == 'é'));
        assert_eq!(close_reason("Unauthorized"), "Unauthorized");
    }

    #[test]
    fn writes_valid_json() {
        let text = next(Protocol::TransportWs, "a\"b", br#"{"data":{"x":1}}"#);
        let value: Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!((value["id"].as_str(), value["payload"]["data"]["x"].as_i64()), (Some("a\"b"), Some(1)));
        let value: Value = serde_json::from_str(&complete("7")).unwrap_or_default();
        assert_eq!(value["type"], "complete");
    }
}
