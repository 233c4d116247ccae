//! The binary's commands, run as a user runs them.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

use std::process::Command;

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_fusieregister"))
}

#[test]
fn schema_prints_the_committed_sdl_on_stdout_only() {
    let output = binary().arg("schema").output().unwrap();
    assert!(output.status.success());
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql")).unwrap();
    assert_eq!(String::from_utf8(output.stdout).unwrap().trim_end(), committed.trim_end());
}

#[test]
fn seed_loads_once_and_a_second_run_inserts_nothing() {
    let dir = std::env::temp_dir().join(format!("fusieregister-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/seed.db?mode=rwc", dir.display());
    let run = || binary().args(["seed", "--database-url", &url]).env("RUST_LOG", "info").output().unwrap();

    let first = run();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(String::from_utf8_lossy(&first.stderr).contains("gemeenten: 606"));
    let second = run();
    assert!(second.status.success());
    let log = String::from_utf8_lossy(&second.stderr);
    assert!(log.contains("gemeenten: 0") && log.contains("ambtelijke_fusies: 0"), "{log}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_bad_database_url_fails_with_a_message_and_no_secret() {
    let output =
        binary().args(["migrate", "--database-url", "postgres://user:geheim@127.0.0.1:1/none"]).output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("geheim"), "the password must not be printed: {stderr}");
}
