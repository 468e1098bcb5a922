//! /metrics counts what happened; calls past the concurrency limit are shed.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_exactly_what_happened_and_the_pool_returns_to_idle() {
    let server = Server::start(&[]);
    let mut client = server.client().await;
    for i in 0..3 {
        client
            .run(request(&format!("RETURN {i} AS i")))
            .await
            .expect("ok");
    }
    client
        .run(request("RETURN 1 +"))
        .await
        .expect_err("syntax error");
    let mut stream = client
        .run_stream(stream_request("UNWIND range(1, 10) AS i RETURN i"))
        .await
        .expect("stream")
        .into_inner();
    while let Some(message) = stream.next().await {
        message.expect("ok");
    }

    let admin = server.admin.clone();
    assert_eq!(admin_get(&admin, "/livez").0, 200);
    let mut ready = 0;
    for _ in 0..50 {
        ready = admin_get(&admin, "/readyz").0;
        if ready == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(ready, 200, "/readyz while the database answers");

    // The pool gauges are read at scrape time; give the last connection a moment to return.
    let mut text = String::new();
    for _ in 0..50 {
        text = admin_get(&admin, "/metrics").1;
        if sample(&text, r#"graphrpc_db_pool_connections{state="in_use"}"#) == Some(0.0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let run = r#"rpc_method="/graphrpc.v1.GraphQueryService/Run""#;
    let stream_method = r#"rpc_method="/graphrpc.v1.GraphQueryService/RunStream""#;
    assert_eq!(
        sample(
            &text,
            &format!(r#"graphrpc_rpc_calls_total{{{run},grpc_code="OK"}}"#)
        ),
        Some(3.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            &format!(r#"graphrpc_rpc_calls_total{{{run},grpc_code="INVALID_ARGUMENT"}}"#)
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            &format!(r#"graphrpc_rpc_calls_total{{{stream_method},grpc_code="OK"}}"#)
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            &format!(r#"graphrpc_rpc_duration_seconds_count{{{run}}}"#)
        ),
        Some(4.0)
    );
    // One label form for every metric: the full method path.
    assert_eq!(
        sample(&text, &format!("graphrpc_rows_sent_total{{{run}}}")),
        Some(3.0)
    );
    assert_eq!(
        sample(
            &text,
            &format!("graphrpc_rows_sent_total{{{stream_method}}}")
        ),
        Some(10.0)
    );
    assert!(!text.contains(r#"rpc_method="Run""#), "{text}");
    assert_eq!(
        sample(
            &text,
            r#"graphrpc_db_errors_total{neo4j_code="Neo.ClientError.Statement.SyntaxError"}"#
        ),
        Some(1.0)
    );
    // Exactly the five statements, the failed one included; the health probes, which ran
    // meanwhile, have a metric of their own.
    assert_eq!(
        sample(&text, "graphrpc_db_statement_duration_seconds_count"),
        Some(5.0),
        "{text}"
    );
    assert!(
        sample(&text, r#"graphrpc_health_probes_total{result="up"}"#).is_some_and(|n| n >= 1.0)
    );
    assert!(sample(
        &text,
        r#"graphrpc_rpc_response_bytes_total{rpc_method="/graphrpc.v1.GraphQueryService/RunStream"}"#
    )
    .is_some_and(|n| n > 0.0));
    assert_eq!(sample(&text, "graphrpc_rpc_in_flight"), Some(0.0));
    assert_eq!(
        sample(&text, r#"graphrpc_db_pool_connections{state="in_use"}"#),
        Some(0.0)
    );
    assert!(
        sample(&text, r#"graphrpc_db_pool_connections{state="idle"}"#).is_some_and(|n| n >= 1.0)
    );
    assert_eq!(
        sample(&text, "graphrpc_db_pool_max_connections"),
        Some(16.0)
    );
    assert!(
        text.contains("# HELP graphrpc_rpc_calls_total"),
        "metrics are described"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_concurrency_limit_calls_are_shed_at_once_and_service_resumes() {
    const LIMIT: usize = 3;
    const EXTRA: usize = 2;
    let server = Server::start(&["--max-concurrent-calls", "3", "--retry-pushback", "300ms"]);
    let client = server.client().await;
    let slow = "UNWIND range(1, 3000000) AS i WITH i WHERE i % 1000 = 0 RETURN count(*) AS c";
    let holders: Vec<_> = (0..LIMIT)
        .map(|_| {
            let mut client = client.clone();
            tokio::spawn(async move { client.run(request(slow)).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(400)).await;

    let started = Instant::now();
    let extra: Vec<_> = (0..EXTRA)
        .map(|_| {
            let mut client = client.clone();
            tokio::spawn(async move { client.run(request("RETURN 1")).await })
        })
        .collect();
    for call in extra {
        let status = call.await.expect("task").expect_err("shed");
        assert_eq!(status.code(), tonic::Code::ResourceExhausted, "{status:?}");
        assert_eq!(
            status
                .metadata()
                .get("grpc-retry-pushback-ms")
                .and_then(|v| v.to_str().ok()),
            Some("300")
        );
    }
    let shed_in = started.elapsed();
    assert!(
        shed_in < Duration::from_millis(500),
        "shedding took {shed_in:?}: calls queued"
    );

    for holder in holders {
        holder
            .await
            .expect("task")
            .expect("the calls within the limit finish");
    }
    let mut client = client.clone();
    client
        .run(request("RETURN 1"))
        .await
        .expect("service resumes");
    let text = admin_get(&server.admin, "/metrics").1;
    assert_eq!(
        sample(
            &text,
            r#"graphrpc_load_shed_total{rpc_method="/graphrpc.v1.GraphQueryService/Run"}"#
        ),
        Some(EXTRA as f64)
    );
}
