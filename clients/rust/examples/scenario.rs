//! The scenario every graphrpc client runs (issue 16), as a user writes it: a parameterized
//! query, a 100 000-row stream, a transaction committed and one rolled back, a batch failing
//! at statement 3, a named query, a deadline and a call without a token. The body of `main`
//! is the user code counted against the goal of 30 lines.
//!
//!     GRAPHRPC_ENDPOINT=http://127.0.0.1:50051 GRAPHRPC_TOKEN=... cargo run --example scenario
//!
//! tests/scenario.rs runs it, checks its output (tests/scenario.expected) and its peak memory.

use std::time::Duration;

use futures::TryStreamExt;
use graphrpc_client::{Client, NamedQuery, Query, Transaction};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env().await?;
    let q = Query::new("MATCH (m:Movie) WHERE m.released >= $y RETURN m.title AS t ORDER BY t");
    let movies = client.run(q.param("y", 2020)).await?;
    println!("movies: {:?}", &movies.column::<String>("t")?[..3]);
    let q = Query::new("UNWIND range(1, 100000) AS i RETURN $p AS p").param("p", "x".repeat(999));
    let rows = client.run_stream(q).await?;
    let streamed = rows.try_fold(0, |n, _| async move { Ok(n + 1) }).await?;
    let run = format!("{:?}", std::time::SystemTime::now());
    let c = &Query::new("CREATE (:Scenario {run: $run})").param("run", run.as_str());
    let write = |tx: Transaction| async move { tx.run(c).await };
    client.execute_write(write).await?;
    let tx = client.begin(false).await?;
    tx.run(c).await?;
    tx.rollback().await?;
    let q = Query::new("MATCH (s:Scenario {run: $run}) RETURN count(s) AS n");
    let kept: i64 = client.run(q.param("run", run)).await?.single("n")?;
    println!("streamed: {streamed} rows; kept: {kept} of 2 transactions");
    let batch = ["CREATE (:Scenario)", "CREATE (:Scenario)", "RETURN 1 / 0"];
    let failed = client.batch(batch).await.unwrap_err();
    println!("batch: {:?}", (failed.code(), failed.statement_index()));
    let named = NamedQuery::new("movies.by_title").param("title", "The Crimson Mountain");
    let released: i64 = client.run_named(named).await?.single("released")?;
    println!("named: released {released}");
    let slow = "UNWIND range(1, 10000000) AS i WITH i WHERE i < 0 RETURN count(i) AS c";
    let short = client.with_deadline(Duration::from_millis(300));
    println!("deadline: {:?}", short.run(slow).await.unwrap_err().code());
    let anonymous = Client::connect(std::env::var("GRAPHRPC_ENDPOINT")?).await?;
    let refused = anonymous.run("RETURN 1").await.unwrap_err();
    println!("no token: {:?}", refused.code());
    Ok(())
}
