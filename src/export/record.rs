//! One exported record in both of its forms: the cells of its CSV row and its JSON-LD node, so
//! that the two files of a dataset are made from the same reading of the database and cannot
//! drift apart. Also the cell helpers every table shares, so that a date, an empty value or a
//! list is written the same way in every file.

use chrono::NaiveDate;
use sea_orm::ActiveEnum;
use serde_json::{Map, Value};

/// One record of a dataset, ready for either format.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The CSV row, one cell per column of the dataset, in the order of its columns.
    pub cells: Vec<String>,
    /// The JSON-LD node, in the terms of the published context.
    pub node: Value,
    /// Every date the record holds, for the catalogue's temporal coverage.
    pub dates: Vec<NaiveDate>,
}

/// A JSON-LD node under construction: a key is left out when its value is unknown, so that an
/// absent value yields no triple rather than a triple with an empty string.
#[derive(Debug, Default)]
pub struct Node(Map<String, Value>);

impl Node {
    /// A node with its `@id` and `@type` (one type, or several).
    pub fn new(id: String, types: &[&str]) -> Self {
        let mut node = Map::new();
        node.insert("@id".to_owned(), Value::from(id));
        let types: Vec<Value> = types.iter().map(|t| Value::from(*t)).collect();
        node.insert("@type".to_owned(), if types.len() == 1 { types[0].clone() } else { Value::Array(types) });
        Self(node)
    }

    /// A node without `@id`: a part of its parent (a motive of an evaluation), a blank node.
    pub fn blank() -> Self {
        Self(Map::new())
    }

    /// Sets `term` to `value`.
    #[must_use]
    pub fn with(mut self, term: &str, value: impl Into<Value>) -> Self {
        self.0.insert(term.to_owned(), value.into());
        self
    }

    /// Sets `term` to `value` when there is one.
    #[must_use]
    pub fn with_some(self, term: &str, value: Option<impl Into<Value>>) -> Self {
        match value {
            Some(value) => self.with(term, value),
            None => self,
        }
    }

    /// Sets `term` to the list `values` when it is not empty.
    #[must_use]
    pub fn with_list(self, term: &str, values: Vec<Value>) -> Self {
        if values.is_empty() { self } else { self.with(term, Value::Array(values)) }
    }

    /// The finished node.
    pub fn build(self) -> Value {
        Value::Object(self.0)
    }
}

/// A date cell: `YYYY-MM-DD`, or empty when unknown.
pub fn date(day: Option<NaiveDate>) -> String {
    day.map(iso).unwrap_or_default()
}

/// A date as `YYYY-MM-DD`.
pub fn iso(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// A text cell, empty when there is no text.
pub fn text(value: Option<&str>) -> String {
    value.unwrap_or_default().to_owned()
}

/// A boolean cell: `true`, `false`, or empty when unknown.
pub fn boolean(value: Option<bool>) -> String {
    value.map(|b| b.to_string()).unwrap_or_default()
}

/// A list cell: the values separated by `|`, as the bulk import reads lists.
pub fn list<S: AsRef<str>>(values: &[S]) -> String {
    values.iter().map(AsRef::as_ref).collect::<Vec<_>>().join("|")
}

/// An enum as the API spells it (`OPENBAAR_LICHAAM`).
pub fn enum_value<E: ActiveEnum<Value = String>>(value: &E) -> String {
    value.to_value()
}

/// The stored list of uncertain fields (`vorm,begindatum`) as its names.
pub fn onzekere_velden(stored: &str) -> Vec<String> {
    stored.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

/// Strings as a JSON array.
pub fn strings<S: AsRef<str>>(values: &[S]) -> Vec<Value> {
    values.iter().map(|v| Value::from(v.as_ref())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_are_empty_cells_and_absent_terms() {
        assert_eq!(date(None), "");
        assert_eq!(date(NaiveDate::from_ymd_opt(2015, 1, 1)), "2015-01-01");
        assert_eq!(boolean(None), "");
        assert_eq!(list(&["GM0003", "GM0010"]), "GM0003|GM0010");
        assert_eq!(onzekere_velden(" vorm, begindatum ,"), ["vorm", "begindatum"]);
        let node = Node::blank().with("a", 1).with_some("b", None::<String>).with_list("c", Vec::new()).build();
        assert_eq!(node, serde_json::json!({ "a": 1 }));
    }
}
