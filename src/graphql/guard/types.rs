//! What the guard needs to know of the schema: for each field of each object or interface type,
//! the type it returns and whether that is a list or a page of a connection.
//!
//! Read from the schema's own SDL once, when the schema is built, so that it always matches the
//! code and needs nothing of async-graphql's internal registry.

use std::collections::HashMap;

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};

/// How a field's value relates to its parent's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldShape {
    /// The named type the field returns, without list or non-null wrappers.
    pub type_name: String,
    /// Whether the field returns a list.
    pub is_list: bool,
}

/// Field shapes per type, and the root types.
#[derive(Debug, Default)]
pub struct TypeIndex {
    fields: HashMap<String, HashMap<String, FieldShape>>,
    /// The query root's name.
    pub query: String,
    /// The mutation root's name, if the schema has one.
    pub mutation: Option<String>,
    /// The subscription root's name, if the schema has one.
    pub subscription: Option<String>,
}

/// Relay connection types end in `Connection` (see `graphql::connection`); their size is the
/// page size a client asks for, not a property of the type.
pub fn is_connection(type_name: &str) -> bool {
    type_name.ends_with("Connection")
}

impl TypeIndex {
    /// Reads the index from SDL as `Schema::sdl` prints it.
    ///
    /// # Errors
    /// When the SDL does not parse (a bug: the schema printed it).
    pub fn from_sdl(sdl: &str) -> Result<Self, String> {
        let document = parse_schema(sdl).map_err(|e| format!("the schema's own SDL does not parse: {e}"))?;
        let mut index = Self { query: "Query".to_owned(), ..Self::default() };
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    if let Some(query) = &schema.node.query {
                        index.query = query.node.to_string();
                    }
                    index.mutation = schema.node.mutation.as_ref().map(|n| n.node.to_string());
                    index.subscription = schema.node.subscription.as_ref().map(|n| n.node.to_string());
                }
                TypeSystemDefinition::Type(ty) => {
                    let fields = match &ty.node.kind {
                        TypeKind::Object(object) => &object.fields,
                        TypeKind::Interface(interface) => &interface.fields,
                        _ => continue,
                    };
                    let shapes = fields
                        .iter()
                        .map(|field| (field.node.name.node.to_string(), shape_of(&field.node.ty.node)))
                        .collect();
                    index.fields.insert(ty.node.name.node.to_string(), shapes);
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        if index.mutation.is_none() && index.fields.contains_key("Mutation") {
            index.mutation = Some("Mutation".to_owned());
        }
        if index.subscription.is_none() && index.fields.contains_key("Subscription") {
            index.subscription = Some("Subscription".to_owned());
        }
        Ok(index)
    }

    /// The shape of `field` on `type_name`; `None` for unknown types and fields (validation
    /// reports those after the guard).
    pub fn field(&self, type_name: &str, field: &str) -> Option<&FieldShape> {
        self.fields.get(type_name)?.get(field)
    }
}

fn shape_of(ty: &Type) -> FieldShape {
    match &ty.base {
        BaseType::Named(name) => FieldShape { type_name: name.to_string(), is_list: false },
        BaseType::List(inner) => FieldShape { is_list: true, ..shape_of(inner) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDL: &str = r"
        type Gemeente { naam: String! deelnames(peildatum: String): [Deelname!]! }
        type Deelname { gemeente: Gemeente! }
        type GemeenteConnection { edges: [GemeenteEdge!]! totalCount: Int! }
        type GemeenteEdge { node: Gemeente! }
        interface Node { id: ID! }
        type Query { gemeenten(first: Int): GemeenteConnection! nodes(ids: [ID!]!): [Node]! }
        schema { query: Query }
    ";

    #[test]
    fn knows_fields_lists_and_roots() {
        let index = TypeIndex::from_sdl(SDL).unwrap_or_default();
        assert_eq!(index.query, "Query");
        assert_eq!(index.mutation, None);
        assert_eq!(
            index.field("Gemeente", "deelnames"),
            Some(&FieldShape { type_name: "Deelname".to_owned(), is_list: true })
        );
        assert_eq!(
            index.field("Query", "gemeenten"),
            Some(&FieldShape { type_name: "GemeenteConnection".to_owned(), is_list: false })
        );
        assert_eq!(index.field("Query", "nodes").map(|f| f.is_list), Some(true));
        assert_eq!(index.field("Node", "id").map(|f| f.type_name.as_str()), Some("ID"));
        assert_eq!(index.field("Gemeente", "onbekend"), None);
        assert!(is_connection("GemeenteConnection"));
    }

    #[test]
    fn reads_the_registry_schema() {
        let index = TypeIndex::from_sdl(&crate::graphql::sdl()).unwrap_or_default();
        assert_eq!(index.mutation.as_deref(), Some("Mutation"));
        assert_eq!(index.subscription.as_deref(), Some("Subscription"));
        assert!(index.field("Query", "gemeenten").is_some_and(|f| is_connection(&f.type_name)));
        assert!(index.field("AmbtelijkeFusie", "deelnames").is_some_and(|f| f.is_list));
    }
}
