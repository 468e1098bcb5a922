//! A greedy call is refused on its own, never by closing the HTTP/2 connection that other
//! calls share: 10 000 statements pipelined on one Transaction stream without reading, and
//! a 64 KiB `authorization` header, while bystander calls run on the same connection.
//! What makes the flood hold is flow control (startup::STREAM_WINDOW_BYTES and
//! CONNECTION_WINDOW_BYTES): see docs/operations.md, "Limits that protect a shared
//! connection".

use std::time::Instant;

use graphrpc::proto::v1::{self as pb, transaction_request::Message as In};

use crate::{
    figure,
    helpers::*,
    raw_grpc::{frame, read_answer, RawConnection},
};

const RUN: &str = "/graphrpc.v1.GraphQueryService/Run";

async fn bystanders(conn: &RawConnection, calls: i64) -> usize {
    let mut succeeded = 0;
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
            succeeded += 1;
        }
    }
    succeeded
}

#[tokio::test]
async fn ten_thousand_pipelined_statements_on_one_stream_leave_its_neighbours_running() {
    let app = spawn_app().await;
    let conn = RawConnection::connect(app.addr).await;
    let (flood, mut body) = conn
        .open("/graphrpc.v1.GraphQueryService/Transaction", &[])
        .await;
    let message = |m: In| frame(&pb::TransactionRequest { message: Some(m) });
    body.send_data(message(In::Begin(pb::Begin::default())), false)
        .expect("send Begin");
    let statement = message(In::Statement(pb::TransactionStatement {
        cypher: "RETURN 1".into(),
        ..Default::default()
    }));
    let frame_bytes = statement.len();
    let pipelined = 10_000;
    let started = Instant::now();
    for _ in 0..pipelined {
        // One small DATA frame per statement (h2's costliest kind), answers not read. h2
        // queues what flow control does not let out yet, and sends it as graphrpc reads.
        body.send_data(statement.clone(), false)
            .expect("send a statement");
    }
    let succeeded = bystanders(&conn, 100).await;
    let bystanders_took = started.elapsed();
    let ended = conn.ended.lock().expect("lock").clone();
    // Only now is the flooding stream read: its answer says why it was cut short.
    let answer = read_answer(flood).await;
    figure(
        "flood",
        format_args!(
            "{pipelined} pipelined statements ({frame_bytes}-byte DATA frames) on one stream: {succeeded}/100 bystander Runs on the same connection succeeded in {bystanders_took:?}; connection end: {}; the flooding stream: status {:?} {:?}",
            ended.as_deref().unwrap_or("still open"),
            answer.grpc_status,
            answer.grpc_message,
        ),
    );
    assert_eq!(ended, None, "the connection was closed");
    assert_eq!(succeeded, 100);
    assert_eq!(
        answer.grpc_status,
        Some(tonic::Code::ResourceExhausted as i32),
        "{answer:?}"
    );
    drop(body);
    app.wait_pool_idle().await;
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
