//! Bearer tokens, roles and the per-principal rate limit, against the real database.
//!
//! The local database (ArcadeDB) ignores the READ access mode, so these tests also show
//! that graphrpc itself keeps a reader from writing, through every raw-Cypher RPC.

use std::{io::Write as _, path::Path, time::Duration};

use graphrpc::proto::v1::{
    self as pb, run_stream_response::Message as StreamMessage, transaction_request::Message as In,
};
use sha2::{Digest, Sha256};
use tokio_stream::StreamExt;
use tonic::{Code, Request};

use crate::{helpers::*, transactions::TxClient};

const READER: &str = "reader-token-1f6a";
const WRITER: &str = "writer-token-93bc";
const NAMED_ONLY: &str = "named-only-token-77d0";

fn sha256(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn access_yaml(tokens: &[(&str, &str, &str, bool)]) -> String {
    let mut yaml = String::from("tokens:\n");
    for (principal, token, role, raw) in tokens {
        yaml.push_str(&format!(
            "  - principal: {principal}\n    sha256: {}\n    role: {role}\n    raw_cypher: {raw}\n",
            sha256(token)
        ));
    }
    yaml
}

fn standard_access() -> String {
    access_yaml(&[
        ("reports", READER, "reader", true),
        ("billing", WRITER, "writer", true),
        ("dashboards", NAMED_ONLY, "reader", false),
    ])
}

fn write_file(path: &Path, text: &str) {
    let mut file = std::fs::File::create(path).expect("create file");
    file.write_all(text.as_bytes()).expect("write file");
}

struct SecuredApp {
    app: TestApp,
    dir: tempfile::TempDir,
}

async fn spawn_secured(extra: &[&str]) -> SecuredApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let access = dir.path().join("access.yaml");
    write_file(&access, &standard_access());
    let mut args = vec!["--access-file", access.to_str().expect("utf-8 path")];
    args.extend_from_slice(extra);
    SecuredApp {
        app: spawn_app_with(&args).await,
        dir,
    }
}

fn as_caller<T>(message: T, token: Option<&str>) -> Request<T> {
    let mut request = Request::new(message);
    if let Some(token) = token {
        let value = format!("Bearer {token}").parse().expect("ascii token");
        request.metadata_mut().insert("authorization", value);
    }
    request
}

async fn run_as(
    app: &TestApp,
    token: Option<&str>,
    message: pb::RunRequest,
) -> Result<pb::RunResponse, tonic::Status> {
    app.client
        .clone()
        .run(as_caller(message, token))
        .await
        .map(|r| r.into_inner())
}

async fn count_as(app: &TestApp, label: &str) -> i64 {
    let response = run_as(
        app,
        Some(WRITER),
        request(&format!("MATCH (n:{label}) RETURN count(n) AS c"), vec![]),
    )
    .await
    .expect("count");
    match &response.rows[0].values[0].kind {
        Some(pb::value::Kind::Integer(n)) => *n,
        other => panic!("count: {other:?}"),
    }
}

fn read_mode(mut message: pb::RunRequest) -> pb::RunRequest {
    message.access_mode = pb::AccessMode::Read as i32;
    message
}

#[tokio::test]
async fn calls_without_a_valid_token_are_unauthenticated_and_never_echo_it() {
    let secured = spawn_secured(&[]).await;
    let app = &secured.app;
    for (token, hint) in [
        (None, "authorization: Bearer"),
        (Some("not-a-token"), "not valid"),
    ] {
        let status = run_as(app, token, request("RETURN 1", vec![]))
            .await
            .expect_err("refused");
        assert_eq!(status.code(), Code::Unauthenticated, "{status:?}");
        assert!(status.message().contains(hint), "{status:?}");
        assert!(!status.message().contains("not-a-token"), "{status:?}");
    }
    let mut malformed = Request::new(request("RETURN 1", vec![]));
    malformed.metadata_mut().insert(
        "authorization",
        format!("Basic {READER}").parse().expect("ascii"),
    );
    let status = app
        .client
        .clone()
        .run(malformed)
        .await
        .expect_err("refused");
    assert_eq!(status.code(), Code::Unauthenticated);
    assert!(!status.message().contains(READER));

    // A stream and a transaction are refused before they start.
    let status = app
        .client
        .clone()
        .run_stream(as_caller(stream_request("RETURN 1", vec![]), None))
        .await
        .expect_err("refused");
    assert_eq!(status.code(), Code::Unauthenticated);
    let status = TxClient::open_as(app, Some("wrong"))
        .await
        .err()
        .expect("refused");
    assert_eq!(status.code(), Code::Unauthenticated);

    // Health and reflection need no token.
    let mut health = tonic_health::pb::health_client::HealthClient::new(app.channel.clone());
    health
        .check(tonic_health::pb::HealthCheckRequest::default())
        .await
        .expect("health without a token");

    let answer = run_as(app, Some(READER), request("RETURN 1 AS one", vec![]))
        .await
        .expect("a valid token");
    assert_eq!(answer.rows[0].values, vec![int(1)]);
}

#[tokio::test]
async fn a_reader_cannot_write_through_run_or_run_stream() {
    let secured = spawn_secured(&[]).await;
    let app = &secured.app;
    let label = unique_label("ReaderWrite");
    let create = format!("CREATE (n:{label}) RETURN 1 AS created");

    // Asking for WRITE mode is refused before anything runs.
    let status = run_as(app, Some(READER), {
        let mut m = request(&create, vec![]);
        m.access_mode = pb::AccessMode::Write as i32;
        m
    })
    .await
    .expect_err("refused");
    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
    assert!(status.message().contains("reports"), "{status:?}");

    // In READ mode the database (ArcadeDB) would write anyway: graphrpc's classifier
    // refuses the statement before it reaches the database.
    let status = run_as(app, Some(READER), read_mode(request(&create, vec![])))
        .await
        .expect_err("refused");
    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
    assert!(
        status.message().contains("CREATE changes the graph"),
        "{status:?}"
    );
    assert_eq!(count_as(app, &label).await, 0, "Run let a reader write");

    // RunStream: refused before the stream opens (the classifier), or at its end (the
    // second layer); never a summary.
    let opened = app
        .client
        .clone()
        .run_stream(as_caller(
            streamed(read_mode(request(&create, vec![]))),
            Some(READER),
        ))
        .await;
    let status = match opened {
        Err(status) => status,
        Ok(stream) => {
            let mut stream = stream.into_inner();
            let mut ended_with = None;
            while let Some(message) = stream.next().await {
                match message {
                    Ok(pb::RunStreamResponse {
                        message: Some(StreamMessage::Summary(_)),
                    }) => panic!("a reader's write stream ended with a summary"),
                    Ok(_) => {}
                    Err(status) => ended_with = Some(status),
                }
            }
            ended_with.expect("the stream ends with an error")
        }
    };
    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
    assert_eq!(
        count_as(app, &label).await,
        0,
        "RunStream let a reader write"
    );

    // Without an access mode a reader's statement is READ: refused the same way.
    let status = run_as(app, Some(READER), request(&create, vec![]))
        .await
        .expect_err("refused");
    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
    assert_eq!(count_as(app, &label).await, 0, "Run let a reader write");

    // Reads still work, with rows and a summary.
    let read = run_as(
        app,
        Some(READER),
        read_mode(request("UNWIND range(1, 3) AS i RETURN i", vec![])),
    )
    .await
    .expect("a reader reads");
    assert_eq!(read.rows.len(), 3);

    // The writer may.
    run_as(app, Some(WRITER), request(&create, vec![]))
        .await
        .expect("a writer writes");
    assert_eq!(count_as(app, &label).await, 1);
}

#[tokio::test]
async fn a_reader_cannot_write_through_a_transaction_or_a_batch() {
    let secured = spawn_secured(&[]).await;
    let app = &secured.app;
    let label = unique_label("ReaderTx");
    let create = format!("CREATE (n:{label}) RETURN 1 AS created");

    // A WRITE transaction is refused at Begin.
    let mut tx = TxClient::open_as(app, Some(READER)).await.expect("opens");
    tx.send(In::Begin(pb::Begin {
        access_mode: pb::AccessMode::Write as i32,
        ..Default::default()
    }))
    .await;
    let status = tx.next().await.expect_err("refused");
    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");

    // A READ transaction that writes ends with PERMISSION_DENIED and is rolled back.
    let mut tx = TxClient::open_as(app, Some(READER)).await.expect("opens");
    tx.begin(pb::Begin {
        access_mode: pb::AccessMode::Read as i32,
        ..Default::default()
    })
    .await;
    let status = tx.statement(&create, vec![]).await.expect_err("refused");
    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
    assert_eq!(
        count_as(app, &label).await,
        0,
        "Transaction let a reader write"
    );

    // A reader's read transaction commits (as a rollback: nothing to keep).
    let mut tx = TxClient::open_as(app, Some(READER)).await.expect("opens");
    tx.begin(pb::Begin {
        access_mode: pb::AccessMode::Read as i32,
        ..Default::default()
    })
    .await;
    let (rows, _) = tx
        .statement("RETURN 1 AS one", vec![])
        .await
        .expect("reads");
    assert_eq!(rows.len(), 1);
    tx.commit().await;

    let batch = |mode: pb::AccessMode| pb::RunBatchRequest {
        statements: vec![
            pb::BatchStatement {
                cypher: "RETURN 1 AS one".into(),
                ..Default::default()
            },
            pb::BatchStatement {
                cypher: create.clone(),
                ..Default::default()
            },
        ],
        access_mode: mode as i32,
        ..Default::default()
    };
    for mode in [pb::AccessMode::Read, pb::AccessMode::Write] {
        let status = app
            .client
            .clone()
            .run_batch(as_caller(batch(mode), Some(READER)))
            .await
            .expect_err("refused");
        assert_eq!(
            status.code(),
            Code::PermissionDenied,
            "{mode:?}: {status:?}"
        );
    }
    assert_eq!(
        count_as(app, &label).await,
        0,
        "RunBatch let a reader write"
    );

    app.client
        .clone()
        .run_batch(as_caller(batch(pb::AccessMode::Write), Some(WRITER)))
        .await
        .expect("a writer's batch");
    assert_eq!(count_as(app, &label).await, 1);
}

#[tokio::test]
async fn a_named_only_token_may_not_send_cypher() {
    let secured = spawn_secured(&[]).await;
    let app = &secured.app;
    let status = run_as(
        app,
        Some(NAMED_ONLY),
        read_mode(request("RETURN 1", vec![])),
    )
    .await
    .expect_err("refused");
    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
    assert!(status.message().contains("named queries"), "{status:?}");
    let status = TxClient::open_as(app, Some(NAMED_ONLY))
        .await
        .err()
        .expect("refused");
    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
    let status = app
        .client
        .clone()
        .run_batch(as_caller(pb::RunBatchRequest::default(), Some(NAMED_ONLY)))
        .await
        .expect_err("refused");
    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
}

#[tokio::test]
async fn each_principal_has_its_own_rate_limit() {
    let secured = spawn_secured(&["--rate-limit", "1", "--rate-burst", "3"]).await;
    let app = &secured.app;
    for i in 0..3 {
        run_as(app, Some(READER), request("RETURN 1", vec![]))
            .await
            .unwrap_or_else(|e| panic!("call {i} within the burst: {e:?}"));
    }
    let status = run_as(app, Some(READER), request("RETURN 1", vec![]))
        .await
        .expect_err("over the limit");
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert!(
        status.message().contains("GRAPHRPC_RATE_LIMIT"),
        "{status:?}"
    );
    assert_eq!(
        tonic_types::StatusExt::get_details_error_info(&status).map(|i| i.reason),
        Some("RATE_LIMITED".to_owned())
    );
    assert!(status.message().contains("reports"), "{status:?}");
    let pushback: u64 = status
        .metadata()
        .get("grpc-retry-pushback-ms")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a pushback");
    assert!(pushback > 0 && pushback <= 1000, "pushback {pushback} ms");

    // Another principal is not held back by the first.
    run_as(app, Some(WRITER), request("RETURN 1", vec![]))
        .await
        .expect("another principal's bucket is full");

    tokio::time::sleep(Duration::from_millis(pushback + 50)).await;
    run_as(app, Some(READER), request("RETURN 1", vec![]))
        .await
        .expect("the bucket refills");
}

#[tokio::test]
async fn the_access_file_reloads_and_a_bad_version_keeps_the_old_one() {
    let secured = spawn_secured(&["--reload-interval", "100ms"]).await;
    let app = &secured.app;
    let access = secured.dir.path().join("access.yaml");
    const NEW: &str = "rotated-token-5e21";
    assert_eq!(
        run_as(app, Some(NEW), request("RETURN 1", vec![]))
            .await
            .expect_err("not yet known")
            .code(),
        Code::Unauthenticated
    );

    // Rotation: the new token in, the reader's out.
    write_file(
        &access,
        &access_yaml(&[
            ("reports", NEW, "reader", true),
            ("billing", WRITER, "writer", true),
        ]),
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while run_as(app, Some(NEW), request("RETURN 1", vec![]))
        .await
        .is_err()
    {
        assert!(tokio::time::Instant::now() < deadline, "never reloaded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        run_as(app, Some(READER), request("RETURN 1", vec![]))
            .await
            .expect_err("revoked")
            .code(),
        Code::Unauthenticated
    );

    // A broken file is refused: the tokens in force stay valid.
    write_file(&access, "tokens:\n  - principal: x\n    sha256: nope\n");
    tokio::time::sleep(Duration::from_millis(500)).await;
    run_as(app, Some(NEW), request("RETURN 1", vec![]))
        .await
        .expect("the previous version stays in force");
}

#[tokio::test]
async fn a_bad_access_file_stops_start_up_with_its_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let access = dir.path().join("access.yaml");
    write_file(
        &access,
        "tokens:\n  - principal: a\n    sha256: 123\n    role: reader\n",
    );
    let settings = settings(
        &test_db(),
        &["--access-file", access.to_str().expect("utf-8")],
    );
    let err = graphrpc::startup::Application::build(settings)
        .await
        .err()
        .expect("start-up fails")
        .to_string();
    assert!(
        err.contains("access.yaml") && err.contains("tokens[0]") && err.contains("sha256"),
        "{err}"
    );
}

#[tokio::test]
async fn the_principal_is_sent_to_the_database_as_transaction_metadata() {
    // A Bolt relay in front of the real database records what graphrpc sends it.
    let relay = BoltRelay::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let access = dir.path().join("access.yaml");
    write_file(&access, &standard_access());
    let db = TestDb {
        uri: relay.uri(),
        ..test_db()
    };
    let app = &spawn_with_settings(settings(
        &db,
        &["--access-file", access.to_str().expect("utf-8 path")],
    ))
    .await;
    run_as(app, Some(WRITER), request("RETURN 1", vec![]))
        .await
        .expect("auto-commit");
    let mut tx = TxClient::open_as(app, Some(WRITER)).await.expect("opens");
    tx.begin(pb::Begin {
        metadata: [("graphrpc_principal".to_owned(), "spoofed".to_owned())].into(),
        ..Default::default()
    })
    .await;
    tx.statement("RETURN 1", vec![]).await.expect("statement");
    tx.commit().await;
    let sent = relay.sent();
    let count = |needle: &[u8]| occurrences(&sent, needle);
    assert!(
        count(b"tx_metadata") >= 2,
        "RUN and BEGIN carry tx_metadata"
    );
    assert!(count(b"graphrpc_principal") >= 2);
    assert!(count(b"billing") >= 2, "the principal's name is sent");
    assert_eq!(
        count(b"spoofed"),
        0,
        "a client cannot name another principal"
    );
    // Bolt messages never carry the token itself.
    assert_eq!(count(WRITER.as_bytes()), 0);
}

#[tokio::test]
async fn open_mode_still_works_without_tokens() {
    let app = spawn_app().await;
    let answer = run_as(&app, None, request("RETURN 1 AS one", vec![]))
        .await
        .expect("open");
    assert_eq!(answer.rows[0].values, vec![int(1)]);
    // A token sent to an open service is ignored, not an error.
    run_as(&app, Some("anything"), request("RETURN 1", vec![]))
        .await
        .expect("open with a token");
}

#[tokio::test]
async fn named_queries_follow_the_roles() {
    let label = unique_label("NamedRole");
    let dir = tempfile::tempdir().expect("tempdir");
    let catalog = dir.path().join("catalog.yaml");
    write_file(
        &catalog,
        &format!(
            "queries:\n\
             \x20 - name: echo\n    description: d\n    mode: read\n    cypher: RETURN $x AS x\n\
             \x20   parameters:\n      - name: x\n        type: integer\n\
             \x20 - name: create\n    description: d\n    mode: write\n\
             \x20   cypher: CREATE (n:{label}) RETURN 1 AS one\n"
        ),
    );
    let secured = spawn_secured(&["--catalog-file", catalog.to_str().expect("utf-8")]).await;
    let app = &secured.app;
    let named = |name: &str, params: Vec<(&str, pb::Value)>| pb::RunNamedRequest {
        name: name.to_owned(),
        params: params.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        ..Default::default()
    };
    let run_named = |name: &'static str, token: Option<&'static str>| {
        let mut client = app.client.clone();
        let message = named(
            name,
            if name == "echo" {
                vec![("x", int(7))]
            } else {
                vec![]
            },
        );
        async move {
            client
                .run_named(as_caller(message, token))
                .await
                .map(|r| r.into_inner())
        }
    };

    // A named-only reader: named reads yes, raw Cypher no, named writes no.
    let echo = run_named("echo", Some(NAMED_ONLY))
        .await
        .expect("a named read");
    assert_eq!(echo.rows[0].values, vec![int(7)]);
    let listed = app
        .client
        .clone()
        .list_named_queries(as_caller(
            pb::ListNamedQueriesRequest::default(),
            Some(NAMED_ONLY),
        ))
        .await
        .expect("the catalog is listed")
        .into_inner();
    assert_eq!(listed.queries.len(), 2);
    let status = run_named("create", Some(NAMED_ONLY))
        .await
        .expect_err("a write");
    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");

    // A query declared read that writes cannot exist: the catalog is refused at load
    // (tests/security.rs, a_catalog_entry_declared_read_that_writes_stops_start_up).
    assert_eq!(
        count_as(app, &label).await,
        0,
        "a reader's named query wrote"
    );

    // No credentials: refused; a writer: allowed.
    let status = run_named("echo", None).await.expect_err("no token");
    assert_eq!(status.code(), Code::Unauthenticated);
    run_named("create", Some(WRITER))
        .await
        .expect("a writer's named write");
    assert_eq!(count_as(app, &label).await, 1);
}
