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

/// One setting as `serve --help` describes it.
#[derive(Debug, Default)]
struct Setting {
    flag: String,
    env: Option<String>,
    default: Option<String>,
}

/// The settings of `serve --help`, in order.
fn settings_in_help(help: &str) -> Vec<Setting> {
    let mut settings: Vec<Setting> = Vec::new();
    for line in help.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("--") {
            let flag = rest.split([' ', ',']).next().unwrap_or_default();
            settings.push(Setting { flag: format!("--{flag}"), ..Setting::default() });
        } else if let (Some(setting), Some(env)) = (settings.last_mut(), line.strip_prefix("[env: ")) {
            setting.env = Some(env.trim_end_matches(']').trim_end_matches('=').to_owned());
        } else if let (Some(setting), Some(default)) = (settings.last_mut(), line.strip_prefix("[default: ")) {
            setting.default = Some(default.trim_end_matches(']').to_owned());
        }
    }
    settings.retain(|s| s.flag != "--help" && s.flag != "--version");
    settings
}

/// Every setting of `serve` has its row in the README's configuration table, with the same
/// environment variable and the same default.
#[test]
fn the_readme_documents_every_setting_as_the_help_does() {
    let output = binary().args(["serve", "--help"]).output().unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let settings = settings_in_help(&help);
    assert!(settings.iter().any(|s| s.flag == "--header-timeout"), "the help lists the flags: {help}");
    // Defaults the binary computes on the machine it runs on; the README says how.
    let computed = ["--max-running-requests"];
    for setting in settings {
        let flag = &setting.flag;
        let row = readme
            .lines()
            .find(|line| line.starts_with(&format!("| `{flag}` |")))
            .unwrap_or_else(|| panic!("README's configuration table lacks {flag}"));
        let cells: Vec<&str> = row.split(" | ").collect();
        let env = setting.env.as_deref().unwrap_or_else(|| panic!("{flag} has no environment variable"));
        assert_eq!(cells.get(1).copied(), Some(format!("`{env}`").as_str()), "the environment variable of {flag}");
        let documented = cells.get(2).copied().unwrap_or_default();
        match &setting.default {
            Some(default) if !computed.contains(&flag.as_str()) => {
                assert_eq!(documented, format!("`{default}`"), "the default of {flag}");
            }
            Some(_) => {}
            None => assert!(!documented.starts_with('`'), "{flag} has no default, the README says {documented}"),
        }
    }
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The status line of `GET path` on `port`, or `None` while nothing answers there.
fn status_of(port: u16, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    answer.lines().next().map(str::to_owned)
}

/// With `--metrics-listen`, `/metrics` moves to its own address and leaves the API's.
#[test]
fn metrics_listen_serves_the_metrics_on_their_own_address() {
    let dir = std::env::temp_dir().join(format!("fusieregister-metrics-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (api, metrics) = (free_port(), free_port());
    let mut server = binary()
        .args(["serve", "--database-url", &format!("sqlite://{}/m.db?mode=rwc", dir.display())])
        .args(["--listen", &format!("127.0.0.1:{api}"), "--metrics-listen", &format!("127.0.0.1:{metrics}")])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let ready = (0..150).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        status_of(api, "/readyz").is_some_and(|status| status.contains("200"))
    });
    let on_metrics = status_of(metrics, "/metrics");
    let on_api = status_of(api, "/metrics");
    server.kill().unwrap();
    server.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(ready, "the server did not become ready");
    assert!(on_metrics.as_deref().is_some_and(|status| status.contains("200")), "{on_metrics:?}");
    assert!(on_api.as_deref().is_some_and(|status| status.contains("404")), "{on_api:?}");
}

/// `backup FILE` writes a copy of a SQLite database that opens with every record, and refuses to
/// overwrite a file.
#[tokio::test]
async fn backup_writes_a_complete_copy_and_overwrites_nothing() {
    use sea_orm::{EntityTrait, PaginatorTrait};
    let dir = std::env::temp_dir().join(format!("fusieregister-backup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/live.db?mode=rwc", dir.display());
    assert!(binary().args(["seed", "--database-url", &url]).output().unwrap().status.success());
    let copy = dir.join("copy.db");
    let first = binary().args(["backup", copy.to_str().unwrap(), "--database-url", &url]).output().unwrap();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let again = binary().args(["backup", copy.to_str().unwrap(), "--database-url", &url]).output().unwrap();
    assert!(!again.status.success(), "an existing file is not overwritten");
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));

    let conn = fusieregister::db::connect(&format!("sqlite://{}?mode=ro", copy.display())).await.unwrap();
    let gemeenten = fusieregister::entity::gemeente::Entity::find().count(&conn).await.unwrap();
    assert_eq!(gemeenten, 606);
    conn.close().await.unwrap();

    let _ = std::fs::remove_dir_all(&dir);
}
