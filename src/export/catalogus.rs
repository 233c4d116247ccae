//! `catalogus.jsonld`: a DCAT catalogue of the datasets, as data portals such as data.overheid.nl
//! harvest them (DCAT-AP-DONL asks for title, description, publisher, contact point, language,
//! theme, licence, status, identifier and distributions; temporal coverage is recommended).
//!
//! The licence is stated as unknown (the DONL value `licentieonbekend`): the sources of the data
//! are government open data and public documents, but no licence of theirs was verified for this
//! dataset, and none is claimed here; `dct:rights` says what is known. Publisher and contact
//! point name this server, since the registry does not know who runs it: an operator who
//! registers the catalogue with a portal sets the organisation there.

use axum::body::Bytes;
use chrono::NaiveDate;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use super::params::Scope;
use super::record::iso;
use super::stream::PAGE_SIZE;
use super::{CSV_TYPE, Dataset, File, Format, JSONLD_TYPE, jsonld};
use crate::error::AppError;
use crate::store::Window;

/// DONL's value for a licence that is not known.
pub const LICENTIE_ONBEKEND: &str = "http://standaarden.overheid.nl/owms/terms/licentieonbekend";
/// The theme "Bestuur" of DONL's taxonomy.
const THEMA_BESTUUR: &str = "http://standaarden.overheid.nl/owms/terms/Bestuur";
/// DONL's status of a dataset that can be downloaded.
const STATUS_BESCHIKBAAR: &str = "http://data.overheid.nl/status/beschikbaar";
/// The EU's frequency "irregular": the registry changes when its editors record a change.
const FREQUENTIE_ONREGELMATIG: &str = "http://publications.europa.eu/resource/authority/frequency/IRREG";
/// Names and codes are Dutch, notes English.
const TALEN: [&str; 2] = [
    "http://publications.europa.eu/resource/authority/language/NLD",
    "http://publications.europa.eu/resource/authority/language/ENG",
];

/// The catalogue for `scope`: every dataset's temporal coverage is read from its records, page by
/// page, as the files would be.
///
/// # Errors
/// The database error, or an internal one when JSON cannot be written.
pub async fn render(db: &impl ConnectionTrait, scope: &Scope) -> Result<Bytes, AppError> {
    let mut datasets = Vec::new();
    for dataset in Dataset::ALL {
        datasets.push(describe(dataset, scope, coverage(db, dataset, scope).await?));
    }
    let service = scope.base.join("/graphql");
    let ids: Vec<Value> = datasets.iter().map(|d| d["@id"].clone()).collect();
    let catalogue = json!({
        "@context": jsonld::context_url(scope),
        "@id": scope.file_url(&File::Catalogus.name()),
        "@type": "dcat:Catalog",
        "dct:title": texts(
            "Fusieregister: gemeenten, ambtelijke fusies en herindelingen",
            "Fusieregister: municipalities, ambtelijke fusies and herindelingen",
        ),
        "dct:description": texts(
            &format!("Open data van het register van Nederlandse gemeenten, hun ambtelijke fusies, deelnames, herindelingen en evaluaties{}.", stand(scope, Taal::Nl)),
            &format!("Open data of the registry of Dutch municipalities, their ambtelijke fusies, deelnames, herindelingen and evaluations{}.", stand(scope, Taal::En)),
        ),
        "dct:publisher": publisher(scope),
        "dct:language": TALEN.iter().map(|t| json!({ "@id": t })).collect::<Vec<_>>(),
        "foaf:homepage": { "@id": service },
        "dcat:dataset": datasets,
        "dcat:service": {
            "@id": service,
            "@type": "dcat:DataService",
            "dct:title": texts("GraphQL-API van het fusieregister", "The registry's GraphQL API"),
            "dcat:endpointURL": { "@id": service },
            "dcat:servesDataset": ids,
        },
    });
    let mut text =
        serde_json::to_vec_pretty(&catalogue).map_err(|e| AppError::Internal(format!("cannot write JSON: {e}")))?;
    text.push(b'\n');
    Ok(Bytes::from(text))
}

/// The first and last date in a dataset's records, or `None` when it has none.
async fn coverage(
    db: &impl ConnectionTrait,
    dataset: Dataset,
    scope: &Scope,
) -> Result<Option<(NaiveDate, NaiveDate)>, AppError> {
    let mut range: Option<(NaiveDate, NaiveDate)> = None;
    let mut offset = 0;
    loop {
        let records = dataset.page(db, scope, Window { offset, limit: PAGE_SIZE }).await?;
        for day in records.iter().flat_map(|r| r.dates.iter().copied()) {
            range = Some(range.map_or((day, day), |(first, last)| (first.min(day), last.max(day))));
        }
        let read = u64::try_from(records.len()).unwrap_or(u64::MAX);
        if read < PAGE_SIZE {
            return Ok(range);
        }
        offset += read;
    }
}

#[derive(Clone, Copy)]
enum Taal {
    Nl,
    En,
}

/// ", stand op 2015-01-01, zoals bekend op …" for a scoped catalogue; empty otherwise.
fn stand(scope: &Scope, taal: Taal) -> String {
    let mut text = String::new();
    if let Some(day) = scope.params.peildatum {
        text.push_str(&match taal {
            Taal::Nl => format!(", stand op {}", iso(day)),
            Taal::En => format!(", as on {}", iso(day)),
        });
    }
    if let Some(moment) = scope.params.bekend_op {
        let moment = super::params::canonical_moment(moment);
        text.push_str(&match taal {
            Taal::Nl => format!(", zoals bekend op {moment}"),
            Taal::En => format!(", as known at {moment}"),
        });
    }
    text
}

/// A text in Dutch and in English.
fn texts(nl: &str, en: &str) -> Value {
    json!([{ "@value": nl, "@language": "nl" }, { "@value": en, "@language": "en" }])
}

fn publisher(scope: &Scope) -> Value {
    json!({
        "@id": scope.base.join("/#uitgever"),
        "@type": "foaf:Agent",
        "foaf:name": "fusieregister",
        "foaf:homepage": { "@id": scope.base.join("/graphql") },
    })
}

/// Title, description and what is known of the rights, per dataset.
fn words(dataset: Dataset) -> [&'static str; 6] {
    const TOOI_NL: &str = "Overgenomen uit de TOOI-waardelijsten 'Register gemeenten compleet' (versie 4) en 'Register provincies compleet' (versie 1) van KOOP voor het ministerie van BZK, gepubliceerd als open overheidsdata; waar het register een gemeente mist, aangevuld uit openbare bronnen die per record zijn vermeld. Een licentie van de bron is voor deze dataset niet vastgesteld.";
    const TOOI_EN: &str = "Taken from the TOOI value lists 'Register gemeenten compleet' (version 4) and 'Register provincies compleet' (version 1), published by KOOP for the Ministry of the Interior as government open data; where the register lacks a municipality, completed from public sources cited per record. No licence of the source was verified for this dataset.";
    const BRONNEN_NL: &str = "Samengesteld uit openbare bronnen (publicaties van gemeenten, regelingen, pers), per record vermeld in de API; waar datasets van de Open State Foundation zijn gebruikt, staan die onder ODC-PDDL-1.0. Een licentie voor het geheel is niet vastgesteld.";
    const BRONNEN_EN: &str = "Compiled from public sources (municipal publications, regulations, press), cited per record in the API; where Open State Foundation datasets are cited, those are under ODC-PDDL-1.0. No licence of the whole was verified.";
    match dataset {
        Dataset::Gemeenten => [
            "Gemeenten",
            "Municipalities",
            "Nederlandse gemeenten met CBS-code, naam, provincie en periode van bestaan (eerste en laatste dag), met hun TOOI-identificatie.",
            "Dutch municipalities with their CBS code, name, province and period of existence (first and last day), with their TOOI identifier.",
            TOOI_NL,
            TOOI_EN,
        ],
        Dataset::AmbtelijkeFusies => [
            "Ambtelijke fusies",
            "Ambtelijke fusies (shared civil services)",
            "Fusieorganisaties en centrumconstructies waarin gemeenten hun ambtelijke organisatie delen, met rechtsvorm, reikwijdte, periode en reden van beëindiging.",
            "Fusieorganisaties and centrumconstructies in which municipalities share their civil service, with legal form, scope, period and reason of ending.",
            BRONNEN_NL,
            BRONNEN_EN,
        ],
        Dataset::Deelnames => [
            "Deelnames aan ambtelijke fusies",
            "Participations in ambtelijke fusies",
            "De deelname van elke gemeente aan een ambtelijke fusie, met rol (deelnemer, centrumgemeente, afnemer), taken en periode.",
            "Each municipality's participation in an ambtelijke fusie, with its role (participant, host, served municipality), tasks and period.",
            BRONNEN_NL,
            BRONNEN_EN,
        ],
        Dataset::Herindelingen => [
            "Gemeentelijke herindelingen",
            "Municipal reorganisations",
            "Samenvoegingen, uitbreidingen en herschikkingen van gemeenten, met de datum en de opgeheven, ontvangende en nieuwe gemeenten.",
            "Mergers, absorptions and re-establishments of municipalities, with their date and the abolished, receiving and new municipalities.",
            TOOI_NL,
            TOOI_EN,
        ],
        Dataset::Evaluaties => [
            "Evaluaties van ambtelijke fusies",
            "Evaluations of ambtelijke fusies",
            "Uitkomsten van onderzoeken naar ambtelijke fusies: motieven, doelen en hun realisatie, tevredenheid en risico's.",
            "Outcomes of studies of ambtelijke fusies: motives, goals and their realisation, satisfaction and risks.",
            "Uit openbare parlementaire stukken en de openbare bronnen die per record zijn vermeld. Een licentie is niet vastgesteld.",
            "From public parliamentary records and the public sources cited per record. No licence was verified.",
        ],
    }
}

fn describe(dataset: Dataset, scope: &Scope, coverage: Option<(NaiveDate, NaiveDate)>) -> Value {
    let [title_nl, title_en, description_nl, description_en, rights_nl, rights_en] = words(dataset);
    let id = format!("{}#{}", scope.file_url(&File::Catalogus.name()), dataset.name());
    let distributions = [Format::Csv, Format::JsonLd].map(|format| distribution(dataset, format, scope));
    let mut node = json!({
        "@id": id,
        "@type": "dcat:Dataset",
        "dct:identifier": id,
        "dct:title": texts(title_nl, title_en),
        "dct:description": texts(
            &format!("{description_nl}{}", stand(scope, Taal::Nl)),
            &format!("{description_en}{}", stand(scope, Taal::En)),
        ),
        "dct:publisher": publisher(scope),
        "dcat:contactPoint": {
            "@type": "vcard:Organization",
            "vcard:fn": "fusieregister",
            "vcard:hasURL": { "@id": scope.base.join("/graphql") },
        },
        "dct:language": TALEN.iter().map(|t| json!({ "@id": t })).collect::<Vec<_>>(),
        "dcat:theme": { "@id": THEMA_BESTUUR },
        "dcat:keyword": keywords(dataset),
        "dct:license": { "@id": LICENTIE_ONBEKEND },
        "dct:rights": { "@type": "dct:RightsStatement", "rdfs:label": texts(rights_nl, rights_en) },
        "adms:status": { "@id": STATUS_BESCHIKBAAR },
        "dct:accrualPeriodicity": { "@id": FREQUENTIE_ONREGELMATIG },
        "dcat:distribution": distributions,
    });
    if let (Some((first, last)), Some(object)) = (coverage, node.as_object_mut()) {
        object.insert(
            "dct:temporal".to_owned(),
            json!({
                "@type": "dct:PeriodOfTime",
                "dcat:startDate": { "@value": iso(first), "@type": "xsd:date" },
                "dcat:endDate": { "@value": iso(last), "@type": "xsd:date" },
            }),
        );
    }
    node
}

/// The catalogue's keywords, with the dataset's own name when it is not one of them.
fn keywords(dataset: Dataset) -> Vec<&'static str> {
    let mut words = vec!["gemeenten", "ambtelijke fusie", "herindeling", "TOOI"];
    if !words.contains(&dataset.name()) {
        words.push(dataset.name());
    }
    words
}

fn distribution(dataset: Dataset, format: Format, scope: &Scope) -> Value {
    let name = File::Data(dataset, format).name();
    let url = scope.file_url(&name);
    let (media, file_type, description) = match format {
        Format::Csv => (
            "text/csv",
            "CSV",
            format!("CSV (RFC 4180, UTF-8, {CSV_TYPE}) met kolommen: {}", dataset.columns().join(", ")),
        ),
        Format::JsonLd => (
            JSONLD_TYPE,
            "JSON_LD",
            format!("JSON-LD met de context {}; gemeenten en provincies met hun TOOI-URI", jsonld::context_url(scope)),
        ),
    };
    json!({
        "@id": url,
        "@type": "dcat:Distribution",
        "dct:title": name,
        "dct:description": description,
        "dcat:accessURL": { "@id": url },
        "dcat:downloadURL": { "@id": url },
        "dcat:mediaType": { "@id": format!("https://www.iana.org/assignments/media-types/{media}") },
        "dct:format": { "@id": format!("http://publications.europa.eu/resource/authority/file-type/{file_type}") },
        "dct:license": { "@id": LICENTIE_ONBEKEND },
    })
}
