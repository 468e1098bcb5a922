//! Every error class, from the real database and from graphrpc itself, with its gRPC code
//! and the Neo4j code in ErrorInfo.

use std::time::{Duration, Instant};

use graphrpc::proto::v1 as pb;
use tonic::Code;
use tonic_types::StatusExt;

use crate::helpers::*;

fn neo4j_code(status: &tonic::Status) -> String {
    let info = status.get_details_error_info().expect("ErrorInfo detail");
    assert_eq!(info.domain, "graphrpc.dev/neo4j");
    info.metadata
        .get("neo4j_code")
        .cloned()
        .expect("neo4j_code")
}

#[tokio::test]
async fn statement_errors_are_invalid_argument_with_the_neo4j_code() {
    let app = spawn_app().await;
    for (cypher, params, expected) in [
        (
            "RETURN 1 +",
            vec![],
            "Neo.ClientError.Statement.SyntaxError",
        ),
        (
            "RETURN $missing",
            vec![],
            "Neo.ClientError.Statement.ParameterMissing",
        ),
        (
            "RETURN 1 + $m",
            vec![("m", v(pb::value::Kind::Map(Default::default())))],
            "Neo.ClientError.Statement.ArgumentError",
        ),
        (
            "RETURN 1 / 0",
            vec![],
            "Neo.ClientError.Statement.ArithmeticError",
        ),
    ] {
        let status = app.run(request(cypher, params)).await.expect_err(cypher);
        assert_eq!(status.code(), Code::InvalidArgument, "{cypher}: {status:?}");
        assert_eq!(neo4j_code(&status), expected, "{cypher}");
        assert!(
            status.message().starts_with(expected),
            "{}",
            status.message()
        );
    }
}

#[tokio::test]
async fn a_constraint_violation_is_failed_precondition() {
    let app = spawn_app().await;
    let label = unique_label("Unique");
    app.run(request(
        &format!("CREATE CONSTRAINT {label}_id FOR (n:{label}) REQUIRE n.id IS UNIQUE"),
        vec![],
    ))
    .await
    .expect("constraint");
    app.run(request(&format!("CREATE (:{label} {{id: 1}})"), vec![]))
        .await
        .expect("first");
    let status = app
        .run(request(&format!("CREATE (:{label} {{id: 1}})"), vec![]))
        .await
        .expect_err("duplicate");
    assert_eq!(status.code(), Code::FailedPrecondition, "{status:?}");
    assert_eq!(
        neo4j_code(&status),
        "Neo.ClientError.Schema.ConstraintValidationFailed"
    );
    let count = app
        .value(&format!("MATCH (n:{label}) RETURN count(n)"), vec![])
        .await;
    assert_eq!(count, int(1));
}

#[tokio::test]
async fn an_unknown_database_is_not_found() {
    let app = spawn_app().await;
    let status = app
        .run(pb::RunRequest {
            database: "no_such_database".into(),
            ..request("RETURN 1", vec![])
        })
        .await
        .expect_err("unknown database");
    assert_eq!(status.code(), Code::NotFound, "{status:?}");
    assert_eq!(
        neo4j_code(&status),
        "Neo.ClientError.Database.DatabaseNotFound"
    );
}

#[tokio::test]
async fn bad_parameters_are_refused_before_the_database_naming_the_parameter() {
    let app = spawn_app().await;
    let node = v(pb::value::Kind::Node(pb::Node::default()));
    let status = app
        .run(request("RETURN $n", vec![("n", node)]))
        .await
        .expect_err("node param");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status.message().starts_with("params.n:"),
        "{}",
        status.message()
    );

    let status = app
        .run(request("", vec![]))
        .await
        .expect_err("empty cypher");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status.message().starts_with("cypher:"),
        "{}",
        status.message()
    );
}

#[tokio::test]
async fn a_deadline_shorter_than_a_slow_query_is_deadline_exceeded_and_the_pool_recovers() {
    let app = spawn_app_with(&["--pool-size", "2"]).await;
    let slow = "UNWIND range(1, 13000000) AS i WITH i WHERE i % 1000 = 0 RETURN count(*) AS c";

    // The gRPC deadline.
    let mut req = tonic::Request::new(request(slow, vec![]));
    req.set_timeout(Duration::from_millis(300));
    let started = Instant::now();
    let status = app.client.clone().run(req).await.expect_err("deadline");
    // Server and client race to the same deadline: tonic's client reports its own expiry as
    // CANCELLED "Timeout expired"; the server's answer is DEADLINE_EXCEEDED.
    assert!(
        status.code() == Code::DeadlineExceeded
            || (status.code() == Code::Cancelled && status.message().contains("Timeout")),
        "{status:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );

    // The request's own timeout.
    let started = Instant::now();
    let status = app
        .run(pb::RunRequest {
            timeout: Some(prost_types::Duration {
                seconds: 0,
                nanos: 300_000_000,
            }),
            ..request(slow, vec![])
        })
        .await
        .expect_err("timeout");
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    assert!(status.message().contains("300ms"), "{}", status.message());
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );

    // The pool is healthy after: no connection stays checked out, and calls succeed.
    app.wait_pool_idle().await;
    for _ in 0..4 {
        assert_eq!(app.value("RETURN 1", vec![]).await, int(1));
    }
}

#[tokio::test]
async fn an_unreachable_database_is_unavailable() {
    let db = TestDb {
        uri: format!("bolt://127.0.0.1:{}", free_port()),
        ..test_db()
    };
    let app = spawn_with_settings(settings(&db, &["--connect-timeout", "1s"])).await;
    let status = app
        .run(request("RETURN 1", vec![]))
        .await
        .expect_err("nothing listens");
    assert_eq!(status.code(), Code::Unavailable, "{status:?}");
    assert!(
        status.message().contains("unreachable"),
        "{}",
        status.message()
    );
}

#[tokio::test]
async fn a_refused_database_login_is_unavailable_and_leaks_nothing() {
    // A database of its own: ArcadeDB locks a user out after failed logins, which would
    // break every other test sharing the test database.
    let own = OwnGraphDb::start();
    let db = TestDb {
        password: "wrong-password-123".into(),
        ..own.target()
    };
    let app = spawn_with_settings(settings(&db, &[])).await;
    let status = app
        .run(request("RETURN 1", vec![]))
        .await
        .expect_err("bad login");
    assert_eq!(status.code(), Code::Unavailable, "{status:?}");
    assert!(
        status.message().contains("NEO4J_PASSWORD"),
        "{}",
        status.message()
    );
    assert!(!status.message().contains("wrong-password-123"));
}

#[tokio::test]
async fn request_limits_are_refused_naming_the_setting() {
    let app = spawn_app_with(&["--max-param-depth", "3", "--max-cypher-bytes", "40"]).await;
    let mut deep = int(1);
    for _ in 0..3 {
        deep = v(pb::value::Kind::List(pb::ListValue { values: vec![deep] }));
    }
    let status = app
        .run(request("RETURN $p", vec![("p", deep)]))
        .await
        .expect_err("4 levels > 3");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status.message().contains("GRAPHRPC_MAX_PARAM_DEPTH"),
        "{}",
        status.message()
    );

    let long = format!("RETURN '{}'", "x".repeat(40));
    let status = app.run(request(&long, vec![])).await.expect_err("too long");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status.message().contains("GRAPHRPC_MAX_CYPHER_BYTES"),
        "{}",
        status.message()
    );
    assert_eq!(app.value("RETURN 1", vec![]).await, int(1));
}

#[tokio::test]
async fn parameter_count_value_size_and_message_size_are_limited_by_name() {
    let app = spawn_app_with(&[
        "--max-params",
        "2",
        "--max-value-bytes",
        "100",
        "--max-request-bytes",
        "4096",
    ])
    .await;
    let three = vec![("a", int(1)), ("b", int(2)), ("c", int(3))];
    let status = app
        .run(request("RETURN $a", three))
        .await
        .expect_err("3 parameters > 2");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status.message().contains("GRAPHRPC_MAX_PARAMS"),
        "{status:?}"
    );

    let big = string(&"x".repeat(101));
    let status = app
        .run(request("RETURN $a", vec![("a", big)]))
        .await
        .expect_err("101 bytes > 100");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status.message().contains("GRAPHRPC_MAX_VALUE_BYTES"),
        "{status:?}"
    );

    // Over the message limit: refused before decoding, naming the setting.
    let huge = format!("RETURN '{}'", "y".repeat(5000));
    let status = app
        .run(request(&huge, vec![]))
        .await
        .expect_err("5 kB > 4 kB");
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert!(
        status
            .message()
            .contains("GRAPHRPC_MAX_REQUEST_BYTES (4096 bytes)"),
        "{status:?}"
    );
    let reason = |s: &tonic::Status| s.get_details_error_info().map(|i| i.reason);
    assert_eq!(reason(&status), Some("REQUEST_TOO_LARGE".to_owned()));
    // The same inside a Transaction stream.
    let mut tx = crate::transactions::TxClient::open(&app).await;
    tx.begin(pb::Begin::default()).await;
    let status = tx.statement(&huge, vec![]).await.expect_err("too large");
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert_eq!(reason(&status), Some("REQUEST_TOO_LARGE".to_owned()));
    assert!(
        status.message().contains("GRAPHRPC_MAX_REQUEST_BYTES"),
        "{status:?}"
    );

    assert_eq!(app.value("RETURN 1", vec![]).await, int(1));
}

/// HTTP/2 has its own answer to too many streams on one connection: the server announces
/// its limit and the client queues further calls until a stream ends.
#[tokio::test]
async fn concurrent_streams_per_connection_are_capped() {
    let app = spawn_app_with(&["--http2-max-concurrent-streams", "2"]).await;
    // Held open by flow control: ~20 MB of rows, more than the client's windows (hyper's
    // defaults: 2 MB a stream, 5 MB a connection) take unread. 100 000 bare integers fit in
    // them, and a fast database finished both streams before the third call (seen here).
    let slow = format!(
        "UNWIND range(1, 100000) AS i RETURN i, '{}' AS padding",
        "x".repeat(200)
    );
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut message = stream_request(&slow, vec![]);
        message.batch_size = 10;
        let stream = app
            .client
            .clone()
            .run_stream(message)
            .await
            .expect("stream opens")
            .into_inner();
        held.push(stream);
    }
    // A third call on the same connection waits for a free stream.
    let mut third = tonic::Request::new(request("RETURN 1", vec![]));
    third.set_timeout(Duration::from_millis(700));
    let status = app.client.clone().run(third).await.expect_err("queued");
    assert!(
        matches!(status.code(), Code::DeadlineExceeded | Code::Cancelled),
        "{status:?}"
    );
    // Another connection is not affected.
    let other = tonic::transport::Channel::from_shared(format!("http://{}", app.addr))
        .expect("uri")
        .connect()
        .await
        .expect("connect");
    graphrpc::proto::v1::graph_query_service_client::GraphQueryServiceClient::new(other)
        .run(request("RETURN 1", vec![]))
        .await
        .expect("a second connection has its own streams");
    // Once a stream ends, the first connection serves the next call.
    held.pop();
    let mut fourth = tonic::Request::new(request("RETURN 1", vec![]));
    fourth.set_timeout(Duration::from_secs(10));
    app.client
        .clone()
        .run(fourth)
        .await
        .expect("served after a stream ended");
}
