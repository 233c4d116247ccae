//! The bytes of a file as a stream: a data file is written page by page while the database is
//! read, [`PAGE_SIZE`] records a page, so that a download never holds the whole answer in
//! memory and a client that stops reading stops the reading of the database too. The HTTP
//! route sends the stream as the response body; `export DIR` writes it to a file.

use axum::body::Bytes;
use futures_util::stream::{self, BoxStream, StreamExt};
use sea_orm::DatabaseConnection;

use super::params::Scope;
use super::{Dataset, File, Format, catalogus, context, csv_file, jsonld};
use crate::db::RetriedReads;
use crate::error::AppError;
use crate::store::Window;

/// Records read from the database in one statement, and written as one chunk.
pub const PAGE_SIZE: u64 = 500;

/// One chunk of a file, or the failure that ends it.
pub type Chunk = Result<Bytes, AppError>;

/// The bytes of `file` for `scope`, read from `db` (each read sent again when its pooled
/// connection turns out closed). A failure is the stream's last item.
pub fn file(file: File, scope: Scope, db: DatabaseConnection) -> BoxStream<'static, Chunk> {
    let db = RetriedReads::new(db);
    match file {
        File::Context => stream::once(async move { context_bytes(&scope) }).boxed(),
        File::Catalogus => stream::once(async move { catalogus::render(&db, &scope).await }).boxed(),
        File::Data(dataset, format) => data(dataset, format, scope, db).boxed(),
    }
}

/// The context document for `scope`'s base.
///
/// # Errors
/// An internal error when JSON cannot be written.
pub fn context_bytes(scope: &Scope) -> Chunk {
    let mut text = serde_json::to_vec_pretty(&context::document(&scope.base))
        .map_err(|e| AppError::Internal(format!("cannot write JSON: {e}")))?;
    text.push(b'\n');
    Ok(Bytes::from(text))
}

/// Where a data file's writing stands.
enum Step {
    Opening,
    Page(u64),
    Closing,
    Done,
}

fn data(dataset: Dataset, format: Format, scope: Scope, db: RetriedReads) -> impl futures_util::Stream<Item = Chunk> {
    stream::unfold(Step::Opening, move |step| {
        let (scope, db) = (scope.clone(), db.clone());
        async move {
            match step {
                Step::Done => None,
                Step::Opening => {
                    let chunk = match format {
                        Format::Csv => csv_file::header(dataset.columns()),
                        Format::JsonLd => jsonld::opening(&scope),
                    };
                    then(chunk, Step::Page(0))
                }
                Step::Page(offset) => {
                    let records = match dataset.page(&db, &scope, Window { offset, limit: PAGE_SIZE }).await {
                        Ok(records) => records,
                        Err(err) => return Some((Err(AppError::from(err)), Step::Done)),
                    };
                    let read = u64::try_from(records.len()).unwrap_or(u64::MAX);
                    let chunk = match format {
                        Format::Csv => csv_file::rows(&records),
                        Format::JsonLd => jsonld::nodes(&records, offset == 0),
                    };
                    let next = if read < PAGE_SIZE { Step::Closing } else { Step::Page(offset.saturating_add(read)) };
                    then(chunk, next)
                }
                Step::Closing => match format {
                    Format::Csv => None,
                    Format::JsonLd => Some((Ok(Bytes::from_static(jsonld::CLOSING)), Step::Done)),
                },
            }
        }
    })
}

/// `chunk`, then `next`; nothing after a failure.
fn then(chunk: Chunk, next: Step) -> Option<(Chunk, Step)> {
    match chunk {
        Ok(bytes) => Some((Ok(bytes), next)),
        Err(err) => Some((Err(err), Step::Done)),
    }
}
