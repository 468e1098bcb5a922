//! Telemetry as an SRE's tools see it, from the real binary: span attributes by name and type
//! (OpenTelemetry database and gRPC conventions), span names bounded by the kinds of statement
//! whatever the statements say, no trace of the health probe, counters present at 0 from
//! start-up, and trace export failures logged (rate-limited) and counted.

use std::collections::{HashMap, HashSet};

use opentelemetry_proto::tonic::{common::v1::any_value::Value as Attr, trace::v1::Span};

use super::*;

/// An attribute's typed value.
fn typed<'a>(span: &'a Span, key: &str) -> Option<&'a Attr> {
    span.attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref()?.value.as_ref())
}

fn string(span: &Span, key: &str) -> Option<String> {
    match typed(span, key) {
        Some(Attr::StringValue(s)) => Some(s.clone()),
        other => {
            assert!(other.is_none(), "{key} is not a string: {other:?}");
            None
        }
    }
}

/// A statement of one of a few kinds, each carrying a random token in a different place:
/// a comment, an alias, a label, a leading word that is no keyword.
fn random_statement(token: &str) -> String {
    match fastrand::u8(0..8) {
        // Parses, and the database refuses it: a failed database span.
        7 => format!("RETURN 1 AS {token}, no_such_function(1) AS z"),
        0 => format!("/*{token}*/ RETURN 1 AS x"),
        1 => format!("RETURN 1 AS {token}"),
        2 => format!("{token} RETURN 1"),
        3 => format!("MATCH (n:{token}) RETURN count(n) AS c"),
        4 => format!("UNWIND [1] AS {token} RETURN {token}"),
        5 => format!("// {token}\n WITH 1 AS x RETURN x"),
        _ => format!("optional match (n:{token}) return n"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spans_follow_the_conventions_and_their_names_stay_bounded_under_random_statements() {
    let (collector, endpoint) = otlp::start().await;
    let mut server = Server::start_full(
        &["--log", "warn"],
        Stdio::null(),
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_TRACES_SAMPLER", "always_on"),
            // Probes every 50 ms while the statements run: none may show as a trace.
            ("GRAPHRPC_HEALTH_INTERVAL", "50ms"),
            ("OTEL_BSP_MAX_QUEUE_SIZE", "65536"),
        ],
    );
    let mut client = server.client().await;
    let mut codes = HashMap::new();
    for i in 0..200 {
        let token = format!("leak{i}x{:08x}", fastrand::u32(..));
        let code = match client.run(request(&random_statement(&token))).await {
            Ok(_) => tonic::Code::Ok,
            Err(status) => status.code(),
        };
        *codes.entry(code).or_insert(0) += 1;
    }
    server.signal(signal::Signal::SIGTERM);
    assert_eq!(server.wait_exit(Duration::from_secs(15)).code(), Some(0));
    // Text the classifier cannot parse (`<token> RETURN 1`) is refused before the database:
    // such calls have a server span and no database span.
    let refused = codes
        .get(&tonic::Code::PermissionDenied)
        .copied()
        .unwrap_or(0);
    let ran = codes.get(&tonic::Code::Ok).copied().unwrap_or(0);
    assert!(refused > 0 && ran > 0, "{codes:?}");

    let spans: Vec<Span> = collector
        .spans
        .lock()
        .expect("lock")
        .iter()
        .map(|(_, s)| s.clone())
        .collect();
    let rpc: Vec<&Span> = spans.iter().filter(|s| s.kind == 2).collect();
    let db: Vec<&Span> = spans.iter().filter(|s| s.kind == 3).collect();
    assert_eq!(rpc.len(), 200, "one server span per call");

    // No probe traces: every database span is a child of a call's span.
    let rpc_ids: HashSet<&[u8]> = rpc.iter().map(|s| s.span_id.as_slice()).collect();
    let orphans: Vec<&str> = db
        .iter()
        .filter(|s| !rpc_ids.contains(s.parent_span_id.as_slice()))
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(
        orphans,
        Vec::<&str>::new(),
        "database spans outside any call (probes?)"
    );
    assert!(
        db.len() >= ran,
        "{} database spans for {ran} calls",
        db.len()
    );

    // Names bounded by the statement kinds; no token anywhere in any span.
    let names: HashSet<&str> = spans.iter().map(|s| s.name.as_str()).collect();
    let database = std::env::var("GRAPHRPC_TEST_NEO4J_DATABASE").expect("db");
    let allowed: HashSet<String> = [
        "RETURN",
        "MATCH",
        "UNWIND",
        "WITH",
        "OPTIONAL MATCH",
        "QUERY",
    ]
    .iter()
    .map(|op| format!("{op} {database}"))
    .chain(["graphrpc.v1.GraphQueryService/Run".to_owned()])
    .collect();
    let unexpected: Vec<&&str> = names.iter().filter(|n| !allowed.contains(**n)).collect();
    assert!(
        unexpected.is_empty(),
        "span names outside the kinds: {unexpected:?}"
    );
    println!(
        "200 random statements: {} distinct span names ({codes:?})",
        names.len()
    );
    assert!(
        !format!("{spans:?}").to_lowercase().contains("leak"),
        "statement text reached a span"
    );

    // Attribute names and types (OpenTelemetry semantic conventions 1.26+).
    for span in &db {
        assert_eq!(string(span, "db.system.name").as_deref(), Some("neo4j"));
        assert!(typed(span, "db.system").is_none(), "the old name db.system");
        assert!(
            matches!(typed(span, "server.port"), Some(Attr::IntValue(p)) if *p > 0),
            "server.port must be an integer: {:?}",
            typed(span, "server.port")
        );
        assert_eq!(string(span, "server.address").as_deref(), Some("127.0.0.1"));
        assert_eq!(
            string(span, "db.namespace").as_deref(),
            Some(database.as_str())
        );
        let operation = string(span, "db.operation.name").expect("db.operation.name");
        assert_eq!(span.name, format!("{operation} {database}"));
        assert!(typed(span, "db.query.text").is_none());
        let failed = span.status.as_ref().is_some_and(|s| s.code == 2);
        let code = string(span, "db.response.status_code");
        if failed {
            // The database refused it: its status code, and the same as error.type.
            let code = code.expect("db.response.status_code on a failed statement");
            assert!(code.starts_with("Neo."), "{code}");
            assert_eq!(string(span, "error.type"), Some(code));
        } else {
            assert_eq!(code, None);
            assert_eq!(string(span, "error.type"), None);
        }
    }
    assert!(
        db.iter()
            .any(|s| s.status.as_ref().is_some_and(|s| s.code == 2)),
        "the refused statements show as failed database spans"
    );

    // gRPC conventions: a caller's mistake (INVALID_ARGUMENT, or PERMISSION_DENIED for text the
    // classifier cannot parse) leaves the server span's status unset; the code is an integer
    // attribute.
    for span in &rpc {
        let Some(Attr::IntValue(code)) = typed(span, "rpc.grpc.status_code") else {
            panic!("rpc.grpc.status_code must be an integer")
        };
        assert!(matches!(*code, 0 | 3 | 7), "code {code}");
        assert_ne!(
            span.status.as_ref().map_or(0, |s| s.code),
            2,
            "a server span marked failed for code {code}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counters_exist_at_zero_from_start_up_and_probes_are_not_statements() {
    let server = Server::start_full(
        &["--log", "warn"],
        Stdio::null(),
        &[("GRAPHRPC_HEALTH_INTERVAL", "50ms")],
    );
    let _client = server.client().await;
    let mut text = String::new();
    for _ in 0..100 {
        text = admin_get(&server.admin, "/metrics").1;
        if sample(&text, r#"graphrpc_health_probes_total{result="up"}"#).is_some_and(|n| n >= 10.0)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for series in [
        "graphrpc_retries_total",
        "graphrpc_trace_export_failures_total",
        r#"graphrpc_db_errors_total{neo4j_code="connection"}"#,
        r#"graphrpc_db_errors_total{neo4j_code="login"}"#,
        r#"graphrpc_calls_denied_total{reason="unauthenticated"}"#,
        r#"graphrpc_calls_denied_total{reason="rate_limited"}"#,
        r#"graphrpc_rows_sent_total{rpc_method="/graphrpc.v1.GraphQueryService/Run"}"#,
        r#"graphrpc_load_shed_total{rpc_method="/graphrpc.v1.GraphQueryService/Run"}"#,
        r#"graphrpc_health_probes_total{result="down"}"#,
    ] {
        assert_eq!(sample(&text, series), Some(0.0), "{series} in\n{text}");
    }
    let probes = sample(&text, r#"graphrpc_health_probes_total{result="up"}"#).unwrap_or(0.0);
    assert!(probes >= 10.0, "{probes} probes");
    assert_eq!(
        sample(&text, "graphrpc_health_probe_duration_seconds_count"),
        Some(probes)
    );
    // The probes' RETURN 1 are no caller's statements.
    assert!(
        sample(&text, "graphrpc_db_statement_duration_seconds_count").is_none_or(|n| n == 0.0),
        "{text}"
    );
}

/// Exports to `endpoint` fail: they must be counted, and logged once (not per batch).
async fn export_failures_are_counted_and_logged_once(endpoint: &str) {
    let log = tempfile::NamedTempFile::new().expect("log file");
    let mut server = Server::start_full(
        &["--log", "warn"],
        Stdio::from(log.reopen().expect("log handle")),
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
            ("OTEL_TRACES_SAMPLER", "always_on"),
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "500"),
        ],
    );
    let mut client = server.client().await;
    let started = Instant::now();
    let mut failures = 0.0;
    for _ in 0..100 {
        client.run(request("RETURN 1")).await.expect("run");
        let text = admin_get(&server.admin, "/metrics").1;
        failures = sample(&text, "graphrpc_trace_export_failures_total").unwrap_or(0.0);
        if failures >= 3.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(failures >= 3.0, "{failures} export failures counted");
    server.signal(signal::Signal::SIGTERM);
    server.wait_exit(Duration::from_secs(20));
    let text = std::fs::read_to_string(log.path()).expect("log");
    let logged = text.matches("trace export failed").count();
    println!(
        "{endpoint}: {failures} failed exports counted within {:?}, {logged} log line(s)",
        started.elapsed()
    );
    assert_eq!(logged, 1, "one line per minute at most:\n{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trace_export_failures_to_a_collector_that_is_down_are_counted_and_logged_once() {
    // A collector address nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    export_failures_are_counted_and_logged_once(&format!("http://127.0.0.1:{port}")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trace_export_failures_to_a_hung_collector_are_counted_and_logged_once() {
    // Accepts connections and never answers: each export ends at OTEL_EXPORTER_OTLP_TIMEOUT.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
    let held = tokio::spawn(async move {
        let mut connections = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            connections.push(socket);
        }
    });
    export_failures_are_counted_and_logged_once(&endpoint).await;
    held.abort();
}
