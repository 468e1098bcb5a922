//! A greedy call is refused on its own or slowed by flow control, never by closing the
//! HTTP/2 connection that other calls share: 10 000 statements pipelined without reading on
//! one Transaction stream and on eight at once, 10 000 Server Reflection requests whose
//! answers are not read, and a 64 KiB `authorization` header, each while bystander Runs go
//! on over the same connection. What makes the floods hold is flow control
//! (startup::STREAM_WINDOW_BYTES and CONNECTION_WINDOW_BYTES); with hyper's default windows
//! h2 closes the connection (GOAWAY ENHANCE_YOUR_CALM). See docs/operations.md, "Limits that
//! protect a shared connection".

use std::time::Instant;

use graphrpc::proto::v1::{self as pb, transaction_request::Message as In};
use tonic_reflection::pb::v1::{
    server_reflection_request::MessageRequest, ServerReflectionRequest,
};

use crate::{
    figure,
    helpers::*,
    raw_grpc::{frame, read_answer, RawConnection},
};

const RUN: &str = "/graphrpc.v1.GraphQueryService/Run";

/// The app, with a connect timeout that a loaded machine cannot exceed: these tests are about
/// HTTP/2, and a Begin that timed out connecting to the database would fail them for
/// another reason.
async fn spawn_patient_app() -> TestApp {
    spawn_app_with(&["--connect-timeout", "30s"]).await
}

/// Runs `calls` Runs one after another on `conn`; how many succeeded. Bounded in time: a
/// connection that stops answering fails the rest rather than hang the suite.
async fn bystanders(conn: &RawConnection, calls: i64) -> usize {
    let succeeded = std::sync::atomic::AtomicUsize::new(0);
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(120),
        run_bystanders(conn, calls, &succeeded),
    )
    .await;
    succeeded.into_inner()
}

async fn run_bystanders(
    conn: &RawConnection,
    calls: i64,
    succeeded: &std::sync::atomic::AtomicUsize,
) {
    for i in 0..calls {
        // A closed connection fails the rest: counted, so that the figure is printed.
        let Ok((response, mut body)) = conn.try_open(RUN, &[]).await else {
            break;
        };
        let message = frame(&request("RETURN $i AS i", vec![("i", int(i))]));
        if body.send_data(message, true).is_err() {
            break;
        }
        if read_answer(response).await.grpc_status == Some(0) {
            succeeded.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// Opens `streams` Transaction streams on `conn`, pipelines [`PIPELINED`] statements on
/// each without reading, runs 100 bystander Runs on the same connection meanwhile, and
/// checks that they all succeed, the connection stays open and each flooding stream is
/// refused on its own (RESOURCE_EXHAUSTED, from api::inbound).
async fn flood(test: &str, streams: usize) {
    let app = spawn_patient_app().await;
    let conn = RawConnection::connect(app.addr).await;
    let message = |m: In| frame(&pb::TransactionRequest { message: Some(m) });
    let statement = message(In::Statement(pb::TransactionStatement {
        cypher: "RETURN 1".into(),
        ..Default::default()
    }));
    let started = Instant::now();
    let mut floods = Vec::new();
    for _ in 0..streams {
        let (answer, mut body) = conn
            .open("/graphrpc.v1.GraphQueryService/Transaction", &[])
            .await;
        body.send_data(message(In::Begin(pb::Begin::default())), false)
            .expect("send Begin");
        for _ in 0..PIPELINED {
            // One small DATA frame per statement (h2's costliest kind), answers not read.
            // h2 queues what flow control does not let out yet, and sends it as graphrpc
            // reads.
            body.send_data(statement.clone(), false)
                .expect("send a statement");
        }
        floods.push((answer, body));
    }
    let succeeded = bystanders(&conn, 100).await;
    let bystanders_took = started.elapsed();
    let ended = conn.ended.lock().expect("lock").clone();
    // Only now are the flooding streams read: their answers say why they were cut short.
    let mut refused = 0;
    let mut first = None;
    for (answer, body) in floods {
        let answer = read_answer(answer).await;
        if answer.grpc_status == Some(tonic::Code::ResourceExhausted as i32) {
            refused += 1;
        }
        first.get_or_insert(answer);
        drop(body);
    }
    let first = first.expect("at least one stream");
    figure(
        test,
        format_args!(
            "{PIPELINED} pipelined statements ({}-byte DATA frames) on each of {streams} stream(s): {succeeded}/100 bystander Runs on the same connection succeeded in {bystanders_took:?}; connection end: {}; {refused}/{streams} flooding streams refused, the first with {:?} {:?}",
            statement.len(),
            ended.as_deref().unwrap_or("still open"),
            first.grpc_status,
            first.grpc_message.replace("%20", " "),
        ),
    );
    assert_eq!(ended, None, "the connection was closed");
    assert_eq!(succeeded, 100);
    assert_eq!(refused, streams, "{first:?}");
    app.wait_pool_idle().await;
}

const PIPELINED: usize = 10_000;

#[tokio::test]
async fn ten_thousand_pipelined_statements_on_one_stream_leave_its_neighbours_running() {
    flood("flood", 1).await;
}

/// Eight streams at once stay under h2's frame budget whatever the scheduling: each holds
/// at most a stream window (64 KiB) unread, about 0.9 MiB of the 8 MiB budget at this size.
#[tokio::test]
async fn eight_streams_pipelining_at_once_leave_their_neighbours_running() {
    flood("flood, eight streams", 8).await;
}

/// A stream whose handler does not read ahead: Server Reflection reads a request, answers,
/// and waits for its answer to be taken before reading the next. What h2 holds unread is
/// then bounded by flow control alone (one stream window).
#[tokio::test]
async fn a_reflection_stream_pipelining_without_reading_leaves_its_neighbours_running() {
    let app = spawn_patient_app().await;
    let conn = RawConnection::connect(app.addr).await;
    let (answer, mut body) = conn
        .open(
            "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
            &[],
        )
        .await;
    let list_services = frame(&ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    });
    for _ in 0..PIPELINED {
        body.send_data(list_services.clone(), false)
            .expect("send a request");
    }
    let started = Instant::now();
    let succeeded = bystanders(&conn, 100).await;
    let ended = conn.ended.lock().expect("lock").clone();
    figure(
        "reflection flood",
        format_args!(
            "{PIPELINED} pipelined ListServices ({}-byte DATA frames), answers not read: {succeeded}/100 bystander Runs on the same connection succeeded in {:?}; connection end: {}",
            list_services.len(),
            started.elapsed(),
            ended.as_deref().unwrap_or("still open"),
        ),
    );
    assert_eq!(ended, None, "the connection was closed");
    assert_eq!(succeeded, 100);
    drop((answer, body));
}

#[tokio::test]
async fn a_64_kib_authorization_header_is_refused_on_its_own_call() {
    let app = spawn_app().await;
    let conn = RawConnection::connect(app.addr).await;
    let token = format!("Bearer {}", "a".repeat(64 * 1024));
    let answer = conn
        .call(
            RUN,
            &[("authorization", &token)],
            vec![frame(&request("RETURN 1", vec![]))],
        )
        .await;
    let succeeded = bystanders(&conn, 10).await;
    let ended = conn.ended.lock().expect("lock").clone();
    figure(
        "64 KiB authorization header",
        format_args!(
            "status {:?} {:?}; {succeeded}/10 bystanders on the same connection succeeded; connection end: {}",
            answer.grpc_status,
            answer.grpc_message,
            ended.as_deref().unwrap_or("still open")
        ),
    );
    assert_eq!(
        answer.grpc_status,
        Some(tonic::Code::Unauthenticated as i32),
        "{answer:?}"
    );
    assert_eq!(ended, None, "the connection was closed");
    assert_eq!(succeeded, 10);
}
