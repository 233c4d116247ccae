//! The JSON-LD context the data files and the catalogue refer to, served at
//! `/data/context.jsonld`. It maps the short Dutch keys of the documents to full IRIs: the
//! government's own TOOI ontology where it has the term (its `Gemeente`, `Provincie`,
//! `ligtInProvincie`, `begindatum`, `einddatum`, and the PROV terms it uses for municipal
//! changes), well-known vocabularies where they fit (Dublin Core terms, RDFS, schema.org, DCAT),
//! and the registry's own vocabulary (`fr:`, under the server's address) for what is the
//! registry's alone (forms, roles, evaluations). One table, [`TERMS`], is the whole vocabulary;
//! the README lists it, and a test checks that it lists every term.

use serde_json::{Map, Value, json};

use super::base::BaseUrl;

/// How a term's values are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A class, used as a value of `@type`.
    Class,
    /// A literal: a string, number or boolean as JSON has it.
    Literal,
    /// A date, `xsd:date`.
    Date,
    /// A reference to another node: its value is an IRI.
    Reference,
}

/// One term of the context.
#[derive(Debug, Clone, Copy)]
pub struct Term {
    /// The key used in the documents.
    pub name: &'static str,
    /// Its IRI, compacted with one of [`PREFIXES`].
    pub iri: &'static str,
    /// How its values are read.
    pub kind: Kind,
}

/// The prefixes of the context; `fr` is the registry's own vocabulary, under the server's address
/// (see [`BaseUrl::vocabulary`]).
pub const PREFIXES: &[(&str, &str)] = &[
    ("tooi", "https://identifier.overheid.nl/tooi/def/ont/"),
    ("dct", "http://purl.org/dc/terms/"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("schema", "https://schema.org/"),
    ("dcat", "http://www.w3.org/ns/dcat#"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("vcard", "http://www.w3.org/2006/vcard/ns#"),
    ("adms", "http://www.w3.org/ns/adms#"),
];

const fn term(name: &'static str, iri: &'static str, kind: Kind) -> Term {
    Term { name, iri, kind }
}

/// Every term of the data files. The catalogue writes the DCAT terms it uses as compact IRIs
/// (`dcat:Dataset`), with the prefixes above.
pub const TERMS: &[Term] = &[
    // Classes.
    term("Gemeente", "tooi:Gemeente", Kind::Class),
    term("Provincie", "tooi:Provincie", Kind::Class),
    term("AmbtelijkeFusie", "fr:AmbtelijkeFusie", Kind::Class),
    term("Fusieorganisatie", "fr:Fusieorganisatie", Kind::Class),
    term("Centrumconstructie", "fr:Centrumconstructie", Kind::Class),
    term("Deelname", "fr:Deelname", Kind::Class),
    term("Herindeling", "fr:Herindeling", Kind::Class),
    term("Samenvoeging", "tooi:Samenvoeging", Kind::Class),
    term("Uitbreiding", "tooi:Uitbreiding", Kind::Class),
    term("Herschikking", "tooi:Herschikking", Kind::Class),
    term("Evaluatie", "fr:Evaluatie", Kind::Class),
    // Every record.
    term("code", "dct:identifier", Kind::Literal),
    term("sleutel", "dct:identifier", Kind::Literal),
    term("naam", "rdfs:label", Kind::Literal),
    term("opmerking", "rdfs:comment", Kind::Literal),
    term("begindatum", "tooi:begindatum", Kind::Date),
    term("einddatum", "tooi:einddatum", Kind::Date),
    term("onzekereVelden", "fr:onzekereVelden", Kind::Literal),
    // Municipalities and provinces.
    term("provincie", "tooi:ligtInProvincie", Kind::Reference),
    // Ambtelijke fusies.
    term("afkorting", "schema:alternateName", Kind::Literal),
    term("vorm", "fr:vorm", Kind::Literal),
    term("rechtsvorm", "fr:rechtsvorm", Kind::Literal),
    term("rechtsvormOmschrijving", "fr:rechtsvormOmschrijving", Kind::Literal),
    term("reikwijdte", "fr:reikwijdte", Kind::Literal),
    term("eindreden", "fr:eindreden", Kind::Literal),
    term("eindredenToelichting", "fr:eindredenToelichting", Kind::Literal),
    term("tooiSoId", "fr:tooiSoId", Kind::Literal),
    term("cbsGrCode", "fr:cbsGrCode", Kind::Literal),
    // Deelnames.
    term("ambtelijkeFusie", "fr:ambtelijkeFusie", Kind::Reference),
    term("gemeente", "fr:gemeente", Kind::Reference),
    term("rol", "fr:rol", Kind::Literal),
    term("taken", "fr:taken", Kind::Literal),
    // Herindelingen, in the PROV terms TOOI uses for its changes.
    term("soort", "fr:soort", Kind::Literal),
    term("datum", "dct:date", Kind::Date),
    term("opgeheven", "prov:invalidated", Kind::Reference),
    term("ontvangend", "prov:used", Kind::Reference),
    term("nieuw", "prov:generated", Kind::Reference),
    term("tooiUri", "dct:source", Kind::Reference),
    // Evaluaties.
    term("onderzoek", "fr:onderzoek", Kind::Reference),
    term("samenvatting", "dct:abstract", Kind::Literal),
    term("tevredenheid", "fr:tevredenheid", Kind::Literal),
    term("voordelenWegenOp", "fr:voordelenWegenOp", Kind::Literal),
    term("doelrealisatie", "fr:doelrealisatie", Kind::Literal),
    term("doelrealisatieToelichting", "fr:doelrealisatieToelichting", Kind::Literal),
    term("motieven", "fr:motieven", Kind::Literal),
    term("motief", "fr:motief", Kind::Literal),
    term("doelen", "fr:doelen", Kind::Literal),
    term("doel", "fr:doel", Kind::Literal),
    term("realisatie", "fr:realisatie", Kind::Literal),
    term("streefwaarde", "fr:streefwaarde", Kind::Literal),
    term("gerealiseerdeWaarde", "fr:gerealiseerdeWaarde", Kind::Literal),
    term("eenheid", "fr:eenheid", Kind::Literal),
    term("risicos", "fr:risicos", Kind::Literal),
    term("risico", "fr:risico", Kind::Literal),
    term("ervaren", "fr:ervaren", Kind::Literal),
    term("bevindingen", "fr:bevindingen", Kind::Literal),
    term("omschrijving", "fr:omschrijving", Kind::Literal),
    term("citaat", "fr:citaat", Kind::Literal),
    term("toelichting", "fr:toelichting", Kind::Literal),
];

/// The context document for a server at `base`.
pub fn document(base: &BaseUrl) -> Value {
    let mut context = Map::new();
    context.insert("@version".to_owned(), json!(1.1));
    for (prefix, iri) in PREFIXES {
        context.insert((*prefix).to_owned(), json!(iri));
    }
    context.insert("fr".to_owned(), json!(base.vocabulary()));
    for term in TERMS {
        let definition = match term.kind {
            Kind::Class | Kind::Literal => json!(term.iri),
            Kind::Date => json!({ "@id": term.iri, "@type": "xsd:date" }),
            Kind::Reference => json!({ "@id": term.iri, "@type": "@id" }),
        };
        context.insert(term.name.to_owned(), definition);
    }
    json!({ "@context": context })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_term_is_defined_once_with_a_known_prefix() {
        let mut names: Vec<&str> = TERMS.iter().map(|t| t.name).collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "a term is defined twice");
        for term in TERMS {
            let prefix = term.iri.split(':').next().unwrap_or_default();
            assert!(prefix == "fr" || PREFIXES.iter().any(|(p, _)| *p == prefix), "{}", term.iri);
        }
    }
}
