//! Every string a request carries, checked before the schema runs it: no NUL characters and no
//! text longer than its field's limit (see [`crate::domain::tekst`]). Doing this once at the
//! edge covers every argument of every operation, present and future, over HTTP and WebSocket
//! alike, on SQLite and PostgreSQL (which cannot store NUL and would fail on it).
//!
//! A string's field is the name it is the value of: the argument or input field in the document
//! (`naam: "…"`), the key of an object in the variables, or for a variable itself the argument
//! it is passed to (`naam: $n`). The document is read with a small scanner rather than parsed,
//! so the check costs one pass over the text and adds no second parse.

use std::collections::HashMap;

use async_graphql::{Name, Value};

use crate::domain::tekst;
use crate::error::AppError;

/// Checks the strings of the document's literals and of the variables.
///
/// # Errors
/// `BAD_USER_INPUT` naming the field of the first string that holds NUL or is too long.
pub fn check(request: &async_graphql::Request) -> Result<(), AppError> {
    let passed_to = scan_document(&request.query).map_err(refusal)?;
    for (name, value) in request.variables.iter() {
        let field = passed_to.get(name.as_str()).copied().unwrap_or(name.as_str());
        check_value(field, value).map_err(refusal)?;
    }
    Ok(())
}

fn refusal(err: tekst::InvalidTekst) -> AppError {
    AppError::bad_input(err.field(), err.to_string())
}

fn check_value(field: &str, value: &Value) -> Result<(), tekst::InvalidTekst> {
    match value {
        Value::String(text) => tekst::check(field, text),
        Value::Enum(name) => tekst::check(field, name.as_str()),
        Value::List(items) => items.iter().try_for_each(|item| check_value(field, item)),
        Value::Object(fields) => fields.iter().try_for_each(|(key, item): (&Name, _)| check_value(key.as_str(), item)),
        _ => Ok(()),
    }
}

/// Reads the document once: checks every string literal against the name it is the value of,
/// and returns, for every variable used as a value, the name it is passed to.
fn scan_document(query: &str) -> Result<HashMap<&str, &str>, tekst::InvalidTekst> {
    let mut passed_to = HashMap::new();
    let mut scanner = Scanner { text: query, at: 0 };
    // The last name read, and the name before the last `:`: the field a value belongs to.
    let mut last_name: Option<&str> = None;
    let mut field = "";
    while let Some(c) = scanner.next() {
        match c {
            '#' => scanner.skip_line(),
            '"' => {
                let literal = scanner.string();
                tekst::check(field, &literal)?;
                last_name = None;
            }
            ':' => {
                if let Some(name) = last_name.take() {
                    field = name;
                }
            }
            '$' => {
                let name = scanner.name();
                if scanner.peek_significant() == Some(':') {
                    // A definition (`$n: String`): its default value belongs to the variable.
                    last_name = Some(name);
                } else {
                    passed_to.insert(name, field);
                    last_name = None;
                }
            }
            c if c == '_' || c.is_ascii_alphabetic() => {
                scanner.back(c);
                last_name = Some(scanner.name());
            }
            c if c.is_whitespace() || c == ',' || c == '\u{feff}' => {}
            _ => last_name = None,
        }
    }
    Ok(passed_to)
}

/// A cursor over the document's characters.
struct Scanner<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Scanner<'a> {
    fn next(&mut self) -> Option<char> {
        let c = self.text.get(self.at..)?.chars().next()?;
        self.at += c.len_utf8();
        Some(c)
    }

    fn peek(&self) -> Option<char> {
        self.text.get(self.at..)?.chars().next()
    }

    fn back(&mut self, c: char) {
        self.at -= c.len_utf8();
    }

    fn rest_starts_with(&self, prefix: &str) -> bool {
        self.text.get(self.at..).is_some_and(|rest| rest.starts_with(prefix))
    }

    fn skip_line(&mut self) {
        while let Some(c) = self.next() {
            if c == '\n' || c == '\r' {
                break;
            }
        }
    }

    fn name(&mut self) -> &'a str {
        let start = self.at;
        while self.peek().is_some_and(|c| c == '_' || c.is_ascii_alphanumeric()) {
            self.at += 1;
        }
        self.text.get(start..self.at).unwrap_or_default()
    }

    /// The next character that is not white space or a comma, without consuming anything.
    fn peek_significant(&self) -> Option<char> {
        self.text.get(self.at..)?.chars().find(|c| !c.is_whitespace() && *c != ',')
    }

    /// The value of the string literal whose opening quote was just read, escapes decoded.
    fn string(&mut self) -> String {
        if self.rest_starts_with("\"\"") {
            self.at += 2;
            return self.block_string();
        }
        let mut value = String::new();
        while let Some(c) = self.next() {
            match c {
                '"' | '\n' | '\r' => break,
                '\\' => match self.next() {
                    Some('u') => value.push(self.unicode_escape()),
                    Some(other) => value.push(other),
                    None => break,
                },
                other => value.push(other),
            }
        }
        value
    }

    /// `\uXXXX` or `\u{X…}`; a code point that is no character (half of a surrogate pair) is
    /// counted as one replacement character, which is what it becomes in the value.
    fn unicode_escape(&mut self) -> char {
        let braced = self.peek() == Some('{');
        if braced {
            self.at += 1;
        }
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_hexdigit()) && (braced || self.at - start < 4) {
            self.at += 1;
        }
        let digits = self.text.get(start..self.at).unwrap_or_default();
        if braced && self.peek() == Some('}') {
            self.at += 1;
        }
        u32::from_str_radix(digits, 16).ok().and_then(char::from_u32).unwrap_or(char::REPLACEMENT_CHARACTER)
    }

    fn block_string(&mut self) -> String {
        let mut value = String::new();
        while let Some(c) = self.next() {
            if c == '"' && self.rest_starts_with("\"\"") {
                self.at += 2;
                break;
            }
            if c == '\\' && self.rest_starts_with("\"\"\"") {
                self.at += 3;
                value.push_str("\"\"\"");
                continue;
            }
            value.push(c);
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::Variables;

    use super::*;

    fn field_at_fault(query: &str, variables: serde_json::Value) -> Option<String> {
        let request = async_graphql::Request::new(query).variables(Variables::from_json(variables));
        check(&request).err().and_then(|e| e.field().map(str::to_owned))
    }

    #[test]
    fn finds_nul_in_literals_of_every_form() {
        let none = serde_json::json!({});
        assert_eq!(field_at_fault(r#"{ gemeente(code: "GM0363") { naam } }"#, none.clone()), None);
        assert_eq!(field_at_fault(r#"{ gemeente(code: "GM\u0000") { naam } }"#, none.clone()), Some("code".into()));
        assert_eq!(field_at_fault(r#"{ g: gemeente(code: "GM\u{0}") { naam } }"#, none.clone()), Some("code".into()));
        assert_eq!(field_at_fault("{ gemeenten(naam: \"a\0\") { totalCount } }", none.clone()), Some("naam".into()));
        let block = "mutation { x(input: { sleutel: \"k\", opmerking: \"\"\"a\0b\"\"\" }) { y } }";
        assert_eq!(field_at_fault(block, none.clone()), Some("opmerking".into()));
        let list = r#"{ nodes(ids: ["Gemeente:GM0363", "x\u0000"]) { id } }"#;
        assert_eq!(field_at_fault(list, none.clone()), Some("ids".into()));
        // A `#` inside a string is no comment, and an escaped quote does not end the string.
        assert_eq!(field_at_fault(r##"{ a(naam: "# \" \u0000") }"##, none.clone()), Some("naam".into()));
        assert_eq!(field_at_fault("# \"\\u0000\"\n{ a }", none), None, "comments hold no values");
    }

    #[test]
    fn names_the_argument_a_variable_is_passed_to() {
        let query = "query($n: String, $i: RegistreerInput!) { gemeenten(naam: $n) { totalCount } r(input: $i) }";
        let long_name = "a".repeat(tekst::limit("naam") + 1);
        assert_eq!(field_at_fault(query, serde_json::json!({ "n": long_name })), Some("naam".into()));
        let nested = serde_json::json!({ "i": { "sleutel": "k", "deelnemers": ["GM0001", "GM\u{0}"] } });
        assert_eq!(field_at_fault(query, nested), Some("deelnemers".into()));
        assert_eq!(field_at_fault(query, serde_json::json!({ "n": "Leiden" })), None);
    }

    #[test]
    fn applies_each_fields_limit() {
        let at_limit = "a".repeat(tekst::limit("naam"));
        assert_eq!(
            field_at_fault(&format!(r#"{{ gemeenten(naam: "{at_limit}") {{ totalCount }} }}"#), serde_json::json!({})),
            None
        );
        let over = format!(r#"{{ gemeenten(naam: "{at_limit}b") {{ totalCount }} }}"#);
        assert_eq!(field_at_fault(&over, serde_json::json!({})), Some("naam".into()));
        let default = format!("query($x: String = \"{}\") {{ a }}", "z".repeat(tekst::DEFAULT_LIMIT + 1));
        assert_eq!(field_at_fault(&default, serde_json::json!({})), Some("x".into()));
    }
}
