//! The scenario every client library runs (issue 16): a parameterized query, a
//! 100 000-row stream in flat memory, a transaction committed and one rolled back, a batch
//! failing at statement 3, a named query, a deadline, a missing token, as the user code of
//! examples/scenario.rs (its `main` is the 30 lines the issue counts), run here as a program
//! whose output and peak memory are checked.

mod common;

use std::{
    process::{Command, Stdio},
    time::Duration,
};

use common::*;
use futures::TryStreamExt;
use graphrpc_client::{Code, NamedQuery, Query};

/// The example's peak resident memory (VmHWM), sampled until it exits: the high-water mark
/// only grows, so the last sample holds the stream's peak (the deadline step follows it).
fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// examples/scenario.rs, built by `cargo test` beside this test's binary.
fn example(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the test's path");
    let debug = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/debug");
    debug.join("examples").join(name)
}

#[test]
fn the_scenario_example_prints_what_it_should_in_flat_memory() {
    let mut child = Command::new(example("scenario"))
        .env("GRAPHRPC_ENDPOINT", env("GRAPHRPC_TEST_ENDPOINT"))
        .env("GRAPHRPC_TOKEN", env("GRAPHRPC_TEST_TOKEN_WRITER"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("examples/scenario runs (cargo test builds it)");
    let mut peak = 0;
    while child.try_wait().expect("wait").is_none() {
        peak = peak_kib(child.id()).unwrap_or(0).max(peak);
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/scenario.expected"
    ))
    .expect("tests/scenario.expected");
    assert_eq!(stdout, expected);
    // 100 000 rows of 1 KiB are ~100 MiB: held at once, the peak would be far above this.
    eprintln!(
        "examples/scenario: 100 000 rows of 1 KiB streamed; peak RSS {:.1} MiB",
        peak as f64 / 1024.0
    );
    assert!(peak > 0, "the example's memory was never sampled");
    assert!(
        peak < 48 * 1024,
        "the stream is not flat: peak RSS {peak} KiB"
    );
}

#[derive(serde::Deserialize, Debug, PartialEq)]
struct Movie {
    title: String,
    released: i64,
}

#[tokio::test]
async fn records_map_into_structs_and_sessions_chain_bookmarks() {
    let client = writer().await;
    let movies: Vec<Movie> = client
        .run(
            Query::new(
                "MATCH (m:Movie {title: $t}) RETURN m.title AS title, m.released AS released",
            )
            .param("t", "The Distant Mountain")
            .read(),
        )
        .await
        .unwrap()
        .to()
        .unwrap();
    assert_eq!(
        movies,
        [Movie {
            title: "The Distant Mountain".into(),
            released: 1976
        }]
    );
    let streamed: Vec<i64> = client
        .run_named_stream(
            NamedQuery::new("movies.released_between")
                .param("from", 2020)
                .param("limit", 3)
                .batch_size(1),
        )
        .await
        .unwrap()
        .map_ok(|r| r.get::<i64>("released").unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed.len(), 3);
    assert!(streamed.windows(2).all(|w| w[0] <= w[1]));
}

#[tokio::test]
async fn a_managed_transaction_retries_a_transient_failure_then_commits() {
    let client = writer().await;
    let label = unique("Retried");
    let attempts = std::sync::atomic::AtomicU32::new(0);
    let value = client
        .execute_write(|tx| {
            let n = attempts.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let label = label.clone();
            async move {
                tx.run(format!("CREATE (:{label})")).await?;
                if n == 0 {
                    // A transient failure in the first attempt: the unit runs again.
                    return Err(graphrpc_client::Error::Transport(
                        "simulated connection loss".into(),
                    ));
                }
                Ok(n)
            }
        })
        .await
        .unwrap();
    assert_eq!(value, 1);
    let count = client
        .run(format!("MATCH (n:{label}) RETURN count(n) AS c"))
        .await
        .unwrap();
    assert_eq!(
        count.single::<i64>("c").unwrap(),
        1,
        "the failed attempt was rolled back"
    );

    let final_error = client
        .execute_write(|tx| async move { tx.run("RETURN 1 +").await })
        .await
        .unwrap_err();
    assert_eq!(
        final_error.code(),
        Code::InvalidArgument,
        "not retried: {final_error}"
    );
}
