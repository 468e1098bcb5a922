//! Spans join the caller's trace and reach an OTLP collector; OTEL_TRACES_SAMPLER is honoured.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spans_join_the_callers_trace_and_reach_an_otlp_collector_on_shutdown() {
    let (collector, endpoint) = otlp::start().await;
    let mut server = Server::start_full(
        &["--log", "warn"],
        Stdio::null(),
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_SERVICE_NAME", "graphrpc-under-test"),
            ("OTEL_TRACES_SAMPLER", "always_on"),
            ("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=test"),
        ],
    );
    let mut client = server.client().await;

    // The caller's span: trace 0af7…, span b7ad….
    let trace_id = "0af7651916cd43dd8448eb211c80319c";
    let caller_span = "b7ad6b7169203331";
    let secret = "parameter-value-never-traced";
    let mut params = std::collections::HashMap::new();
    params.insert(
        "s".to_owned(),
        pb::Value {
            kind: Some(pb::value::Kind::String(secret.into())),
        },
    );
    let mut call = tonic::Request::new(pb::RunRequest {
        params,
        ..request("RETURN $s AS s")
    });
    call.metadata_mut().insert(
        "traceparent",
        format!("00-{trace_id}-{caller_span}-01")
            .parse()
            .expect("ascii"),
    );
    call.metadata_mut()
        .insert("x-request-id", "req-42".parse().expect("ascii"));
    let response = client.run(call).await.expect("run");
    assert_eq!(
        response
            .metadata()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("req-42")
    );

    // Shutdown flushes the spans still buffered.
    server.signal(signal::Signal::SIGTERM);
    assert_eq!(server.wait_exit(Duration::from_secs(15)).code(), Some(0));

    let spans = collector.spans.lock().expect("lock").clone();
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let rpc = spans
        .iter()
        .find(|(_, s)| s.name == "graphrpc.v1.GraphQueryService/Run")
        .unwrap_or_else(|| {
            panic!(
                "no RPC span among {:?}",
                spans.iter().map(|(_, s)| &s.name).collect::<Vec<_>>()
            )
        });
    let (resource, rpc) = rpc;
    assert_eq!(
        otlp::attribute(resource, "service.name").as_deref(),
        Some("graphrpc-under-test")
    );
    assert_eq!(
        otlp::attribute(resource, "deployment.environment").as_deref(),
        Some("test")
    );
    assert_eq!(
        hex(&rpc.trace_id),
        trace_id,
        "the RPC span joins the caller's trace"
    );
    assert_eq!(
        hex(&rpc.parent_span_id),
        caller_span,
        "the RPC span is the caller's child"
    );
    assert_eq!(rpc.kind, 2, "SERVER");
    for (key, value) in [
        ("rpc.system", "grpc"),
        ("rpc.service", "graphrpc.v1.GraphQueryService"),
        ("rpc.method", "Run"),
        ("rpc.grpc.status_code", "0"),
        ("request_id", "req-42"),
    ] {
        assert_eq!(
            otlp::attribute(&rpc.attributes, key).as_deref(),
            Some(value),
            "{key}"
        );
    }

    let db = spans
        .iter()
        .map(|(_, s)| s)
        .find(|s| s.parent_span_id == rpc.span_id)
        .expect("a database span under the RPC span");
    assert_eq!(hex(&db.trace_id), trace_id);
    assert_eq!(db.kind, 3, "CLIENT");
    assert_eq!(
        db.name,
        format!(
            "RETURN {}",
            std::env::var("GRAPHRPC_TEST_NEO4J_DATABASE").expect("db")
        )
    );
    for (key, value) in [
        ("db.system.name", "neo4j".to_owned()),
        ("db.operation.name", "RETURN".to_owned()),
        (
            "db.namespace",
            std::env::var("GRAPHRPC_TEST_NEO4J_DATABASE").expect("db"),
        ),
        ("server.address", "127.0.0.1".to_owned()),
    ] {
        assert_eq!(otlp::attribute(&db.attributes, key), Some(value), "{key}");
    }
    assert_eq!(
        otlp::attribute(&db.attributes, "db.query.text"),
        None,
        "statement text is off by default"
    );
    assert!(
        !format!("{spans:?}").contains(secret),
        "a parameter value reached a span"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_standard_sampler_variable_is_honoured() {
    let (collector, endpoint) = otlp::start().await;
    let mut server = Server::start_full(
        &["--log", "warn"],
        Stdio::null(),
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_TRACES_SAMPLER", "always_off"),
        ],
    );
    let mut client = server.client().await;
    client.run(request("RETURN 1")).await.expect("run");
    server.signal(signal::Signal::SIGTERM);
    assert_eq!(server.wait_exit(Duration::from_secs(15)).code(), Some(0));
    assert!(
        collector.spans.lock().expect("lock").is_empty(),
        "always_off exported spans"
    );
}
