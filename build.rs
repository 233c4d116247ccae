//! Tells the binary which git revision it was built from, for the `build_info` metric. A build
//! outside a git checkout (a source tarball) says `unknown`; a packager may set
//! `FUSIEREGISTER_REVISION` instead.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=FUSIEREGISTER_REVISION");
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/refs/heads");
    let revision = std::env::var("FUSIEREGISTER_REVISION").ok().filter(|r| !r.is_empty()).or_else(git_head);
    println!("cargo:rustc-env=FUSIEREGISTER_REVISION={}", revision.as_deref().unwrap_or("unknown"));
}

fn git_head() -> Option<String> {
    let output = Command::new("git").args(["rev-parse", "--short=12", "HEAD"]).output().ok()?;
    let revision = String::from_utf8(output.stdout).ok()?.trim().to_owned();
    (output.status.success() && !revision.is_empty()).then_some(revision)
}
