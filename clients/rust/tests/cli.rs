//! `graphrpc query` (the server binary's client subcommand, built on this library): every
//! command of docs/clients/cli.md runs as written, and its output must be the block that
//! follows it in the page.

mod common;

use std::process::Command;

use common::env;

/// (command, expected exit status, expected output) for each example of the page.
fn examples() -> Vec<(String, i32, String)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/clients/cli.md");
    let page = std::fs::read_to_string(path).expect("docs/clients/cli.md");
    let mut blocks = Vec::new();
    let mut lines = page.lines();
    while let Some(line) = lines.next() {
        if let Some(kind) = line.strip_prefix("```").filter(|k| !k.is_empty()) {
            let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
            blocks.push((kind.to_owned(), body.join("\n")));
        }
    }
    let mut examples = Vec::new();
    for pair in blocks.windows(2) {
        if let [(sh, command), (text, output)] = pair {
            if sh == "sh" && text == "text" {
                let (command, status) = match command.split_once("  # exit ") {
                    Some((c, s)) => (c.to_owned(), s.trim().parse().expect("exit status")),
                    None => (command.clone(), 0),
                };
                examples.push((command, status, output.clone()));
            }
        }
    }
    examples
}

fn graphrpc(command: &str, token: Option<&str>) -> std::process::Output {
    let bin = std::path::PathBuf::from(env("GRAPHRPC_BIN"));
    let dir = bin.parent().expect("the binary's folder");
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut sh = Command::new("sh");
    sh.arg("-c")
        .arg(command)
        .env("PATH", path)
        .env("GRAPHRPC_ENDPOINT", env("GRAPHRPC_TEST_ENDPOINT"))
        .env_remove("GRAPHRPC_TOKEN");
    if let Some(token) = token {
        sh.env("GRAPHRPC_TOKEN", token);
    }
    sh.output().expect("sh runs")
}

#[test]
fn every_example_of_the_cli_page_runs_as_documented() {
    let examples = examples();
    assert!(
        examples.len() >= 4,
        "the page's examples are found: {examples:?}"
    );
    let token = env("GRAPHRPC_TEST_TOKEN_WRITER");
    for (command, status, expected) in examples {
        let out = graphrpc(&command, Some(&token));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(status), "{command}\n{stderr}");
        let shown = if status == 0 { &stdout } else { &stderr };
        assert_eq!(shown.trim_end(), expected.trim_end(), "{command}");
    }
}

#[test]
fn json_output_keeps_the_column_order() {
    let token = env("GRAPHRPC_TEST_TOKEN_WRITER");
    let out = graphrpc(
        "graphrpc query 'RETURN 1 AS zeta, \"x\" AS alpha, [2, 3] AS mid, {b: 1, a: 2} AS m' --format json",
        Some(&token),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim_end(),
        r#"{"zeta":1,"alpha":"x","mid":[2,3],"m":{"a":2,"b":1}}"#
    );
}

#[test]
fn the_exit_status_is_the_grpc_code() {
    let out = graphrpc("graphrpc query 'RETURN 1 AS one'", None);
    assert_eq!(
        out.status.code(),
        Some(16),
        "UNAUTHENTICATED without a token"
    );
    let reader = env("GRAPHRPC_TEST_TOKEN_READER");
    let out = graphrpc("graphrpc query --named no.such.query", Some(&reader));
    assert_eq!(out.status.code(), Some(5), "NOT_FOUND");
    let out = graphrpc(
        "graphrpc query 'RETURN $x AS x' -p x:int=seven",
        Some(&reader),
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "a bad --param is INVALID_ARGUMENT"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--param x:int=seven"));
}
