//! The README's code tour names every source file, so that a newcomer who reads it finds every
//! module, and a module added without a line there fails here.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a missing README should fail the test loudly

use std::path::{Path, PathBuf};

/// The rows of the README's "Code tour" table.
fn tour_rows() -> Vec<String> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    let tour = readme.split("## Code tour").nth(1).expect("a Code tour section");
    let tour = tour.split("\n## ").next().unwrap_or_default();
    tour.lines().filter(|line| line.starts_with("| `")).map(str::to_owned).collect()
}

/// Every `.rs` file under `dir`, as paths relative to the crate (`src/app/state.rs`).
fn rust_files(dir: &Path, root: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, root, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path.strip_prefix(root).unwrap().to_owned());
        }
    }
}

/// A file is named by its full path, or by its name in a row that says which directory it is in
/// ("… (in `src/store/`)"), or, for the entities, by the row of their directory.
fn named(file: &Path, rows: &[String]) -> bool {
    let full = format!("`{}`", file.display());
    let dir = file.parent().map(|d| format!("`{}/`", d.display())).unwrap_or_default();
    let name = format!("`{}`", file.file_name().unwrap_or_default().to_string_lossy());
    rows.iter().any(|row| {
        row.contains(&full)
            || (row.contains(&format!("(in {dir})")) && row.contains(&name))
            || (dir == "`src/entity/`" && row.starts_with(&format!("| {dir}")))
    })
}

#[test]
fn the_code_tour_names_every_source_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), root, &mut files);
    let rows = tour_rows();
    assert!(files.len() > 50 && rows.len() > 20, "{} files, {} rows", files.len(), rows.len());
    let missing: Vec<String> = files.iter().filter(|f| !named(f, &rows)).map(|f| f.display().to_string()).collect();
    assert!(missing.is_empty(), "README's code tour does not name: {missing:?}");
}
