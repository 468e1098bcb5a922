//! Bolt connections never above the pool; a long stream in bounded memory.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_calls_never_open_more_bolt_connections_than_the_pool() {
    const POOL: usize = 8;
    let server = Server::start(&["--pool-size", "8"]);
    let client = server.client().await;
    client
        .clone()
        .run(request("RETURN 1"))
        .await
        .expect("warm-up");

    let calls = (0..200).map(|i| {
        let mut client = client.clone();
        tokio::spawn(async move {
            if i % 4 == 0 {
                let mut stream = client
                    .run_stream(pb::RunStreamRequest {
                        batch_size: 100,
                        ..stream_request("UNWIND range(1, 2000) AS x RETURN x")
                    })
                    .await?
                    .into_inner();
                while let Some(message) = stream.next().await {
                    message?;
                }
            } else {
                client
                    .run(request("UNWIND range(1, 20000) AS x RETURN sum(x) AS s"))
                    .await?;
            }
            Ok::<(), tonic::Status>(())
        })
    });
    let calls = tokio::spawn(futures::future::join_all(calls));

    let mut max_seen = 0;
    let mut samples = 0;
    while !calls.is_finished() {
        max_seen = max_seen.max(server.bolt_connections());
        samples += 1;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let results = calls.await.expect("calls");
    let failed: Vec<String> = results
        .into_iter()
        .filter_map(|r| r.expect("task").err().map(|s| format!("{s:?}")))
        .collect();
    assert!(
        failed.is_empty(),
        "{} calls failed: {:?}",
        failed.len(),
        &failed[..failed.len().min(3)]
    );
    eprintln!("pool bound: at most {max_seen} Bolt connections under 200 concurrent calls (pool {POOL} + the health probe's 1, {samples} samples)");
    assert!(max_seen >= 1, "the sampler never saw a Bolt connection");
    // The pool, and the health probe's one connection of its own (src/health.rs).
    assert!(
        max_seen <= POOL + 1,
        "{max_seen} Bolt connections > pool size {POOL} + the probe's 1"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_100_000_row_stream_to_a_slow_reader_stays_in_bounded_memory() {
    let server = Server::start(&["--fetch-size", "1000"]);
    let mut client = server.client().await;
    client.run(request("RETURN 1")).await.expect("warm-up");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let idle = server.rss();

    // 100 000 rows of about 1 KiB each: about 100 MiB if anything held the whole result.
    let pad = "x".repeat(1024);
    let mut params = std::collections::HashMap::new();
    params.insert(
        "pad".to_owned(),
        pb::Value {
            kind: Some(pb::value::Kind::String(pad)),
        },
    );
    let mut stream = client
        .run_stream(pb::RunStreamRequest {
            batch_size: 100,
            params,
            ..stream_request("UNWIND range(1, 100000) AS i RETURN i, $pad AS pad")
        })
        .await
        .expect("stream")
        .into_inner();
    let mut peak = idle;
    let mut rows = 0usize;
    let mut batches = 0usize;
    while let Some(message) = stream.next().await {
        if let Some(Message::Rows(batch)) = message.expect("ok").message {
            rows += batch.rows.len();
            batches += 1;
            if batches.is_multiple_of(5) {
                peak = peak.max(server.rss());
                // The slow reader: about 5 seconds for the whole result.
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
        }
    }
    assert_eq!(rows, 100_000);
    let growth = peak.saturating_sub(idle);
    eprintln!(
        "100 000-row stream (~100 MiB of rows), slow reader: server RSS idle {:.1} MiB, peak {:.1} MiB, growth {:.1} MiB",
        idle as f64 / 1048576.0,
        peak as f64 / 1048576.0,
        growth as f64 / 1048576.0
    );
    assert!(
        growth < 40 * 1024 * 1024,
        "RSS grew by {growth} bytes while streaming"
    );
}
