//! `fusieregister export DIR`: every open data file written to a directory, with the bytes the
//! server would send for the same `peildatum`, `bekendOp` and address, all from one reading of
//! the registry as known at that moment. Each file is streamed to `NAME.part` and renamed when
//! complete, so that a failed export never leaves a file that looks whole.

use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

use super::params::Scope;
use super::{File, stream};
use crate::db::Databases;
use crate::error::AppError;

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The files, in the order written.
    pub files: Vec<PathBuf>,
    /// The last change of the registry they reflect.
    pub volgnummer: i64,
}

/// Writes every file for `scope` into `dir`, which is created when missing; files of an earlier
/// export are replaced.
///
/// # Errors
/// A database error, or an internal one naming the file that cannot be written.
pub async fn write(databases: &Databases, dir: &Path, scope: &Scope) -> Result<Written, AppError> {
    tokio::fs::create_dir_all(dir).await.map_err(|e| io_failed(dir, &e))?;
    let known = databases.known_at(scope.params.bekend_op).await?;
    let mut files = Vec::new();
    for file in File::all() {
        let path = dir.join(file.name());
        write_file(stream::file(file, scope.clone(), known.conn.clone()), &path).await?;
        files.push(path);
    }
    Ok(Written { files, volgnummer: known.volgnummer })
}

async fn write_file(
    mut chunks: futures_util::stream::BoxStream<'static, stream::Chunk>,
    path: &Path,
) -> Result<(), AppError> {
    let part = path.with_extension(format!("{}.part", path.extension().and_then(|e| e.to_str()).unwrap_or_default()));
    let mut out = tokio::fs::File::create(&part).await.map_err(|e| io_failed(&part, &e))?;
    while let Some(chunk) = chunks.next().await {
        match chunk {
            Ok(bytes) => out.write_all(&bytes).await.map_err(|e| io_failed(&part, &e))?,
            Err(err) => {
                drop(out);
                let _ = tokio::fs::remove_file(&part).await;
                return Err(err);
            }
        }
    }
    out.flush().await.map_err(|e| io_failed(&part, &e))?;
    out.sync_all().await.map_err(|e| io_failed(&part, &e))?;
    drop(out);
    tokio::fs::rename(&part, path).await.map_err(|e| io_failed(path, &e))
}

fn io_failed(path: &Path, err: &std::io::Error) -> AppError {
    AppError::Internal(format!("cannot write {}: {err}", path.display()))
}
