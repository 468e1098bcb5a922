//! The bench's 1 000 000-row stream (`UNWIND range(1, N) AS i RETURN i, 'row-' + i`) through
//! this client, for bench/clients.sh (not part of make test). Prints one JSON line per run:
//! rows, seconds, rows/s, and the process's peak RSS so far (VmHWM).
//!
//!     stream_bench ENDPOINT [ROWS] [RUNS]     (GRAPHRPC_TOKEN: a bearer token, if needed)

use std::time::Instant;

use futures::TryStreamExt;
use graphrpc_client::{Client, Query};

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?.to_owned();
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let endpoint = args
        .next()
        .ok_or("usage: stream_bench ENDPOINT [ROWS] [RUNS]")?;
    let rows: i64 = args.next().map_or(Ok(1_000_000), |a| a.parse())?;
    let runs: u32 = args.next().map_or(Ok(1), |a| a.parse())?;
    let mut builder =
        Client::builder(endpoint).default_deadline(std::time::Duration::from_secs(600));
    if let Ok(token) = std::env::var("GRAPHRPC_TOKEN") {
        builder = builder.token(token);
    }
    let client = builder.connect().await?;
    let query = Query::new("UNWIND range(1, $n) AS i RETURN i, 'row-' + toString(i) AS s").read();
    // Warm-up: the connection and the first allocations.
    client.run(query.clone().param("n", 1000)).await?;
    let idle = peak_rss_kib();
    for run in 1..=runs {
        let started = Instant::now();
        let mut stream = client.run_stream(query.clone().param("n", rows)).await?;
        let mut count = 0i64;
        while let Some(record) = stream.try_next().await? {
            // Touch each row as an application would: read its integer.
            count += i64::from(record.get::<i64>("i")? > 0);
        }
        let seconds = started.elapsed().as_secs_f64();
        if count != rows {
            return Err(format!("{count} rows instead of {rows}").into());
        }
        println!(
            "{{\"client\": \"rust\", \"run\": {run}, \"rows\": {count}, \"seconds\": {seconds:.3}, \
             \"rows_per_s\": {:.0}, \"idle_rss_mib\": {:.1}, \"peak_rss_mib\": {:.1}}}",
            count as f64 / seconds,
            idle as f64 / 1024.0,
            peak_rss_kib() as f64 / 1024.0
        );
    }
    Ok(())
}
