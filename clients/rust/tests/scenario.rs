//! The scenario every client library runs (issue 16): a parameterized query, a
//! 100 000-row stream in flat memory, a transaction committed and one rolled back, a batch
//! failing at statement 3, a named query, a deadline, a missing token. The part between
//! the `scenario` markers is the user code whose lines the issue counts.

mod common;

use std::time::Duration;

use common::*;
use futures::TryStreamExt;
use graphrpc_client::{Client, Code, NamedQuery, Query};

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("statm");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .expect("rss");
    pages * 4096
}

#[tokio::test]
async fn the_scenario() {
    let (endpoint, token) = (
        env("GRAPHRPC_TEST_ENDPOINT"),
        env("GRAPHRPC_TEST_TOKEN_WRITER"),
    );
    let label = unique("Scenario");
    let before = rss_bytes();
    let mut peak = before;
    // scenario:begin
    let client = Client::builder(&endpoint)
        .token(&token)
        .connect()
        .await
        .unwrap();
    let movies = client
        .run(
            Query::new("MATCH (m:Movie) WHERE m.released >= $year RETURN m.title AS title")
                .param("year", 2020),
        )
        .await
        .unwrap();
    let titles: Vec<String> = movies
        .records
        .iter()
        .map(|r| r.get("title").unwrap())
        .collect();
    let pad = "x".repeat(1024);
    let mut rows = client
        .run_stream(
            Query::new("UNWIND range(1, 100000) AS i RETURN i, $pad AS pad").param("pad", pad),
        )
        .await
        .unwrap();
    let mut count = 0u64;
    while let Some(record) = rows.try_next().await.unwrap() {
        count += 1;
        assert_eq!(record.get::<i64>("i").unwrap(), count as i64);
        if count.is_multiple_of(10_000) {
            peak = peak.max(rss_bytes());
        }
    }
    let create = format!("CREATE (:{label} {{n: $n}})");
    client
        .execute_write(|tx| {
            let c = create.clone();
            async move { tx.run(Query::new(c).param("n", 1)).await }
        })
        .await
        .unwrap();
    let tx = client.begin(false).await.unwrap();
    tx.run(Query::new(create.clone()).param("n", 2))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let failed = client
        .batch([
            Query::new(create.clone()).param("n", 3),
            Query::new(create.clone()).param("n", 4),
            Query::new("RETURN 1 +"),
        ])
        .await
        .unwrap_err();
    let cast = client
        .run_named(NamedQuery::new("movies.released_between").param("from", 2020))
        .await
        .unwrap();
    let slow =
        Query::new("UNWIND range(1, 13000000) AS i WITH i WHERE i % 1000 = 0 RETURN count(*) AS c");
    let late = client
        .with_deadline(Duration::from_millis(300))
        .run(slow)
        .await
        .unwrap_err();
    let anonymous = Client::connect(&endpoint)
        .await
        .unwrap()
        .run("RETURN 1")
        .await
        .unwrap_err();
    // scenario:end
    assert!(!titles.is_empty());
    assert_eq!(count, 100_000);
    let growth = peak.saturating_sub(before);
    eprintln!(
        "100 000 rows of 1 KiB streamed; client RSS grew by {:.1} MiB",
        growth as f64 / 1048576.0
    );
    assert!(
        growth < 40 * 1024 * 1024,
        "the stream is not flat: RSS grew by {growth} bytes"
    );
    let written = client
        .run(format!("MATCH (n:{label}) RETURN n.n AS n ORDER BY n"))
        .await
        .unwrap();
    let ns: Vec<i64> = written
        .records
        .iter()
        .map(|r| r.get("n").unwrap())
        .collect();
    assert_eq!(ns, [1], "committed kept, rolled back and failed batch gone");
    assert_eq!(
        (failed.code(), failed.statement_index()),
        (Code::InvalidArgument, Some(2))
    );
    assert_eq!(
        failed.neo4j_code(),
        Some("Neo.ClientError.Statement.SyntaxError")
    );
    assert!(!cast.records.is_empty());
    assert_eq!(late.code(), Code::DeadlineExceeded, "{late}");
    assert_eq!(anonymous.code(), Code::Unauthenticated, "{anonymous}");
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
