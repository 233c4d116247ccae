//! Open data: the registry as downloadable files, for people who want a spreadsheet or a linked
//! data graph rather than a GraphQL client. Each dataset (municipalities, ambtelijke fusies,
//! deelnames, herindelingen, evaluations) is a CSV file and a JSON-LD file, with a DCAT catalogue
//! describing them and the JSON-LD context they share, at stable addresses under `/data/`. Every
//! file answers the API's two questions, `peildatum` and `bekendOp`, and is read through the same
//! store functions as the API, so that it holds what the API answers for the same date.
//!
//! The files are written page by page as the database is read, never held whole in memory, and
//! served with an ETag derived from the change log, so that a client downloads again only after
//! a change. `fusieregister export DIR` writes the same bytes to a directory. One job per file:
//!
//! - the tables [`gemeenten`](crate::export::gemeenten), [`fusies`](crate::export::fusies),
//!   [`deelnames`](crate::export::deelnames), [`herindelingen`](crate::export::herindelingen) and
//!   [`evaluaties`](crate::export::evaluaties) turn rows into
//!   [`Record`](crate::export::record::Record)s;
//! - [`csv_file`](crate::export::csv_file) and [`jsonld`](crate::export::jsonld) write records,
//!   [`context`](crate::export::context) is the vocabulary, [`catalogus`](crate::export::catalogus)
//!   the DCAT catalogue;
//! - [`params`](crate::export::params) and [`base`](crate::export::base) read the question and the
//!   server's address, [`stream`](crate::export::stream) writes a file page by page,
//!   [`etag`](crate::export::etag) names its state, [`routes`](crate::export::routes) serves it
//!   over HTTP and [`directory`](crate::export::directory) writes it to disk.

pub mod base;
pub mod catalogus;
pub mod context;
pub mod csv_file;
pub mod deelnames;
pub mod directory;
pub mod etag;
pub mod evaluaties;
pub mod fusies;
pub mod gemeenten;
pub mod herindelingen;
pub mod jsonld;
pub mod params;
pub mod record;
pub mod routes;
pub mod stream;

use sea_orm::{ConnectionTrait, DbErr};

use self::params::Scope;
use self::record::Record;
use crate::store::Window;

/// A dataset: one kind of record, offered in every [`Format`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dataset {
    /// Municipalities (`gemeenten`).
    Gemeenten,
    /// Ambtelijke fusies of both forms (`ambtelijke-fusies`).
    AmbtelijkeFusies,
    /// Participations of municipalities in ambtelijke fusies (`deelnames`).
    Deelnames,
    /// Municipal reorganisations (`herindelingen`).
    Herindelingen,
    /// Outcomes of studies (`evaluaties`).
    Evaluaties,
}

impl Dataset {
    /// Every dataset, in the catalogue's order.
    pub const ALL: [Self; 5] =
        [Self::Gemeenten, Self::AmbtelijkeFusies, Self::Deelnames, Self::Herindelingen, Self::Evaluaties];

    /// The name of its files (`ambtelijke-fusies` for `ambtelijke-fusies.csv`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Gemeenten => "gemeenten",
            Self::AmbtelijkeFusies => "ambtelijke-fusies",
            Self::Deelnames => "deelnames",
            Self::Herindelingen => "herindelingen",
            Self::Evaluaties => "evaluaties",
        }
    }

    /// The columns of its CSV file, in order.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Self::Gemeenten => gemeenten::COLUMNS,
            Self::AmbtelijkeFusies => fusies::COLUMNS,
            Self::Deelnames => deelnames::COLUMNS,
            Self::Herindelingen => herindelingen::COLUMNS,
            Self::Evaluaties => evaluaties::COLUMNS,
        }
    }

    /// The records of `window`, in the dataset's order.
    ///
    /// # Errors
    /// The database error.
    pub async fn page(self, db: &impl ConnectionTrait, scope: &Scope, window: Window) -> Result<Vec<Record>, DbErr> {
        match self {
            Self::Gemeenten => gemeenten::page(db, scope, window).await,
            Self::AmbtelijkeFusies => fusies::page(db, scope, window).await,
            Self::Deelnames => deelnames::page(db, scope, window).await,
            Self::Herindelingen => herindelingen::page(db, scope, window).await,
            Self::Evaluaties => evaluaties::page(db, scope, window).await,
        }
    }
}

/// The form of a data file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// RFC 4180 CSV in UTF-8 with a header row.
    Csv,
    /// JSON-LD with the published context.
    JsonLd,
}

impl Format {
    /// The file name's extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::JsonLd => "jsonld",
        }
    }
}

/// The content type of CSV files (RFC 4180's, with the header row announced).
pub const CSV_TYPE: &str = "text/csv; charset=utf-8; header=present";
/// The content type of JSON-LD files.
pub const JSONLD_TYPE: &str = "application/ld+json";

/// A file under `/data/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum File {
    /// A dataset in one format.
    Data(Dataset, Format),
    /// The DCAT catalogue, `catalogus.jsonld`.
    Catalogus,
    /// The JSON-LD context, `context.jsonld`.
    Context,
}

impl File {
    /// Every file, as `export DIR` writes them.
    pub fn all() -> Vec<Self> {
        let data = Dataset::ALL.into_iter().flat_map(|d| [Self::Data(d, Format::Csv), Self::Data(d, Format::JsonLd)]);
        data.chain([Self::Catalogus, Self::Context]).collect()
    }

    /// The file with this name, if there is one.
    pub fn parse(name: &str) -> Option<Self> {
        Self::all().into_iter().find(|file| file.name() == name)
    }

    /// Its name under `/data/`.
    pub fn name(self) -> String {
        match self {
            Self::Data(dataset, format) => format!("{}.{}", dataset.name(), format.extension()),
            Self::Catalogus => "catalogus.jsonld".to_owned(),
            Self::Context => "context.jsonld".to_owned(),
        }
    }

    /// Its content type.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Data(_, Format::Csv) => CSV_TYPE,
            Self::Data(_, Format::JsonLd) | Self::Catalogus | Self::Context => JSONLD_TYPE,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_files_each_found_by_its_name() {
        let files = File::all();
        assert_eq!(files.len(), 12);
        for file in files {
            assert_eq!(File::parse(&file.name()), Some(file));
        }
        assert_eq!(File::parse("ambtelijke-fusies.csv"), Some(File::Data(Dataset::AmbtelijkeFusies, Format::Csv)));
        assert_eq!(File::parse("gemeenten.xml"), None);
    }
}
