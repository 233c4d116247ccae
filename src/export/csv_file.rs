//! CSV as RFC 4180 has it: UTF-8, a header row, CRLF line ends, and a cell quoted only when it
//! holds a comma, a quote or a line break (quotes doubled). Written with the `csv` crate, one
//! page of records at a time.

use axum::body::Bytes;

use super::record::Record;
use crate::error::AppError;

/// The header row.
///
/// # Errors
/// An internal error when the writer fails (it writes to memory, so it does not).
pub fn header(columns: &[&str]) -> Result<Bytes, AppError> {
    write(std::iter::once(columns.iter().map(|c| (*c).to_owned()).collect()))
}

/// The rows of `records`.
///
/// # Errors
/// An internal error when the writer fails.
pub fn rows(records: &[Record]) -> Result<Bytes, AppError> {
    write(records.iter().map(|r| r.cells.clone()))
}

fn write(rows: impl Iterator<Item = Vec<String>>) -> Result<Bytes, AppError> {
    let failed = |e: &dyn std::fmt::Display| AppError::Internal(format!("cannot write CSV: {e}"));
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    for row in rows {
        writer.write_record(&row).map_err(|e| failed(&e))?;
    }
    writer.into_inner().map(Bytes::from).map_err(|e| failed(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_only_when_they_must_be() {
        let record = Record {
            cells: vec!["GM0363".to_owned(), "a, \"b\"\nc".to_owned(), String::new()],
            node: serde_json::Value::Null,
            dates: Vec::new(),
        };
        let text = rows(&[record]).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
        assert_eq!(text, "GM0363,\"a, \"\"b\"\"\nc\",\r\n");
        let head = header(&["code", "naam"]).map(|b| b.to_vec()).unwrap_or_default();
        assert_eq!(head, b"code,naam\r\n");
    }
}
