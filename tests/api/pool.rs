//! The one shared pool: every call and stream goes through it, and it never grows past its
//! configured size. (The socket-level count against the real binary is in tests/process/.)

use std::time::Duration;

use graphrpc::proto::v1 as pb;
use tokio_stream::StreamExt;

use crate::helpers::*;

#[tokio::test]
async fn many_concurrent_calls_share_a_small_pool() {
    let app = spawn_app_with(&["--pool-size", "4"]).await;
    let calls = (0..100).map(|i| {
        let client = app.client.clone();
        async move {
            let mut client = client;
            if i % 2 == 0 {
                let r = client
                    .run(request(
                        "UNWIND range(1, 200) AS x RETURN sum(x) + $i AS s",
                        vec![("i", int(i))],
                    ))
                    .await
                    .expect("run")
                    .into_inner();
                assert_eq!(r.rows[0].values[0], int(20100 + i));
            } else {
                let mut stream = client
                    .run_stream(pb::RunStreamRequest {
                        batch_size: 50,
                        ..stream_request("UNWIND range(1, 500) AS x RETURN x", vec![])
                    })
                    .await
                    .expect("stream")
                    .into_inner();
                let mut rows = 0;
                while let Some(m) = stream.next().await {
                    if let Some(pb::run_stream_response::Message::Rows(b)) = m.expect("ok").message
                    {
                        rows += b.rows.len();
                    }
                }
                assert_eq!(rows, 500);
            }
        }
    });
    let sampler = async {
        let mut max_size = 0;
        for _ in 0..200 {
            let status = app.db.pool_status().expect("pool");
            max_size = max_size.max(status.size);
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        max_size
    };
    let (_, max_size) = tokio::join!(futures::future::join_all(calls), sampler);
    assert!(max_size <= 4, "the pool grew to {max_size} connections");
    app.wait_pool_idle().await;
}

#[tokio::test]
async fn waiting_for_a_connection_is_bounded_by_the_call_deadline() {
    use crate::transactions::TxClient;
    let app = spawn_app_with(&["--pool-size", "1"]).await;
    // A transaction holds the only connection.
    let mut tx = TxClient::open(&app).await;
    tx.begin(pb::Begin::default()).await;
    assert_eq!(app.in_use(), 1);

    let mut call = tonic::Request::new(request("RETURN 1", vec![]));
    call.set_timeout(Duration::from_millis(500));
    let started = std::time::Instant::now();
    let status = app
        .client
        .clone()
        .run(call)
        .await
        .expect_err("no connection to be had");
    assert!(
        matches!(
            status.code(),
            tonic::Code::DeadlineExceeded | tonic::Code::Cancelled
        ),
        "{status:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "waited {:?}",
        started.elapsed()
    );

    // A request timeout bounds it the same way, answered by graphrpc itself.
    let status = app
        .run(pb::RunRequest {
            timeout: Some(prost_types::Duration {
                seconds: 0,
                nanos: 300_000_000,
            }),
            ..request("RETURN 1", vec![])
        })
        .await
        .expect_err("no connection to be had");
    assert_eq!(status.code(), tonic::Code::DeadlineExceeded);
    drop(tx);
    app.wait_pool_idle().await;
    assert_eq!(app.value("RETURN 2", vec![]).await, int(2));
}

/// A Bolt RESET as it crosses the wire: one two-byte chunk (an empty struct with signature
/// 0x0F) and the end marker.
const RESET: &[u8] = &[0x00, 0x02, 0xB0, 0x0F, 0x00, 0x00];

#[tokio::test]
async fn a_connection_left_clean_is_reused_without_a_reset_and_a_failed_one_is_reset() {
    let relay = BoltRelay::start().await;
    let db = TestDb {
        uri: relay.uri(),
        ..test_db()
    };
    let app = spawn_with_settings(settings(&db, &["--pool-size", "1"])).await;
    for i in 0..5 {
        let answer = app
            .run(request("RETURN $i AS i", vec![("i", int(i))]))
            .await
            .expect("auto-commit");
        assert_eq!(answer.rows[0].values, vec![int(i)]);
    }
    let mut tx = crate::transactions::TxClient::open(&app).await;
    tx.begin(pb::Begin::default()).await;
    tx.statement("RETURN 1", vec![]).await.expect("statement");
    tx.commit().await;
    drop(tx);
    assert_eq!(app.value("RETURN 7", vec![]).await, int(7));
    assert_eq!(
        occurrences(&relay.sent(), RESET),
        0,
        "results read to their end and a committed transaction leave the connection READY"
    );

    // A failure leaves the server's side FAILED: the pool resets the connection before its
    // next use, and that call works.
    let failure = app
        .run(request("RETURN nothing_is_called_this(1)", vec![]))
        .await
        .expect_err("an unknown function fails");
    assert_ne!(failure.code(), tonic::Code::Ok);
    assert_eq!(app.value("RETURN 8", vec![]).await, int(8));
    assert_eq!(
        occurrences(&relay.sent(), RESET),
        1,
        "one reset, after the failure"
    );
    app.wait_pool_idle().await;
}

#[tokio::test]
async fn a_pooled_connection_the_database_closed_is_replaced_before_it_is_used() {
    let relay = BoltRelay::start().await;
    let db = TestDb {
        uri: relay.uri(),
        ..test_db()
    };
    // No retries, and no health pings that would meet the closed connection first: the
    // call itself must not fail.
    let app = spawn_with_settings(settings(
        &db,
        &[
            "--pool-size",
            "1",
            "--retry-max-attempts",
            "1",
            "--health-interval",
            "1h",
        ],
    ))
    .await;
    assert_eq!(app.value("RETURN 1", vec![]).await, int(1));
    // The idle pooled connection is closed under graphrpc, as a database restart does.
    relay.cut();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let write = pb::RunRequest {
        access_mode: pb::AccessMode::Write as i32,
        ..request("RETURN 2 AS two", vec![])
    };
    let answer = app
        .run(write)
        .await
        .expect("the closed connection is noticed at checkout and a new one opened");
    assert_eq!(answer.rows[0].values, vec![int(2)]);
    app.wait_pool_idle().await;
}
