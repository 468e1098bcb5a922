use std::time::Duration;

use graphrpc::proto::v1::{self as pb, run_stream_response::Message};
use tokio_stream::StreamExt;
use tonic::Code;

use crate::helpers::*;

async fn collect(app: &TestApp, req: pb::RunStreamRequest) -> Result<Vec<Message>, tonic::Status> {
    let mut stream = app.client.clone().run_stream(req).await?.into_inner();
    let mut messages = Vec::new();
    while let Some(message) = stream.next().await {
        messages.push(message?.message.expect("a message"));
    }
    Ok(messages)
}

#[tokio::test]
async fn header_then_batches_then_summary() {
    let app = spawn_app().await;
    let messages = collect(
        &app,
        pb::RunStreamRequest {
            batch_size: 4,
            ..stream_request(
                "UNWIND range(1, 10) AS i RETURN i, toString(i) AS s",
                vec![],
            )
        },
    )
    .await
    .expect("stream");
    let Some(Message::Header(header)) = messages.first() else {
        panic!("header first")
    };
    assert_eq!(header.keys, vec!["i", "s"]);
    let batches: Vec<usize> = messages[1..messages.len() - 1]
        .iter()
        .map(|m| match m {
            Message::Rows(batch) => batch.rows.len(),
            other => panic!("expected rows, got {other:?}"),
        })
        .collect();
    assert_eq!(batches, vec![4, 4, 2]);
    let Some(Message::Summary(summary)) = messages.last() else {
        panic!("summary last")
    };
    assert_eq!(summary.row_count, 10);
    let Message::Rows(last) = &messages[3] else {
        unreachable!()
    };
    assert_eq!(last.rows[1].values, vec![int(10), string("10")]);
}

#[tokio::test]
async fn an_empty_result_streams_header_and_summary() {
    let app = spawn_app().await;
    let messages = collect(&app, stream_request("UNWIND [] AS i RETURN i", vec![]))
        .await
        .expect("stream");
    assert_eq!(messages.len(), 2);
    // Neo4j names the columns of an empty result; ArcadeDB names none (README: "the
    // local database").
    assert!(
        matches!(&messages[0], Message::Header(h) if h.keys.is_empty() || h.keys == vec!["i"]),
        "{:?}",
        messages[0]
    );
    assert!(matches!(&messages[1], Message::Summary(s) if s.row_count == 0));
}

#[tokio::test]
async fn a_bad_statement_fails_the_call_before_any_message() {
    let app = spawn_app().await;
    let status = app
        .client
        .clone()
        .run_stream(stream_request("RETURN 1 +", vec![]))
        .await
        .expect_err("syntax error");
    assert_eq!(status.code(), Code::InvalidArgument);
    let status = app
        .client
        .clone()
        .run_stream(pb::RunStreamRequest {
            batch_size: 1_000_000,
            ..stream_request("RETURN 1", vec![])
        })
        .await
        .expect_err("batch too large");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status.message().starts_with("batch_size"),
        "{}",
        status.message()
    );
}

#[tokio::test]
async fn streams_100_000_rows_to_a_slow_reader_in_order() {
    let app = spawn_app().await;
    let mut stream = app
        .client
        .clone()
        .run_stream(pb::RunStreamRequest {
            batch_size: 1000,
            ..stream_request("UNWIND range(1, 100000) AS i RETURN i", vec![])
        })
        .await
        .expect("stream")
        .into_inner();
    let mut expected = 1i64;
    let mut summary = None;
    let mut batches = 0u32;
    while let Some(message) = stream.next().await {
        match message.expect("message").message.expect("set") {
            Message::Header(_) => {}
            Message::Rows(batch) => {
                for row in batch.rows {
                    assert_eq!(row.values, vec![int(expected)]);
                    expected += 1;
                }
                batches += 1;
                // A slow reader: the server must wait for it, not buffer ahead.
                if batches.is_multiple_of(10) {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
            Message::Summary(s) => summary = Some(s),
        }
    }
    assert_eq!(expected, 100_001);
    assert_eq!(summary.expect("summary").row_count, 100_000);
    app.wait_pool_idle().await;
}

#[tokio::test]
async fn a_client_that_cancels_early_returns_the_connection_at_once() {
    // A pool of one: if the cancelled stream kept its connection, the next call would hang.
    let app = spawn_app_with(&["--pool-size", "1", "--default-timeout", "20s"]).await;
    let mut stream = app
        .client
        .clone()
        .run_stream(pb::RunStreamRequest {
            batch_size: 100,
            ..stream_request(
                "UNWIND range(1, 10000000) AS i RETURN i, 'row-' + toString(i) AS s",
                vec![],
            )
        })
        .await
        .expect("stream")
        .into_inner();
    let mut rows = 0;
    while rows < 500 {
        if let Some(Message::Rows(batch)) = stream.next().await.expect("open").expect("ok").message
        {
            rows += batch.rows.len();
        }
    }
    assert_eq!(app.in_use(), 1, "the stream holds the only connection");
    drop(stream);

    app.wait_pool_idle().await;
    let next = tokio::time::timeout(Duration::from_secs(10), app.value("RETURN 7 AS x", vec![]))
        .await
        .expect("the pool's only connection came back");
    assert_eq!(next, int(7));
    let status = app.db.pool_status().expect("pool");
    assert!(status.size <= 1, "{status:?}");
}

#[tokio::test]
async fn a_stream_past_its_deadline_ends_with_deadline_exceeded() {
    let app = spawn_app_with(&["--pool-size", "2"]).await;
    let started = std::time::Instant::now();
    let mut stream = app
        .client
        .clone()
        .run_stream(pb::RunStreamRequest {
            timeout: Some(prost_types::Duration {
                seconds: 1,
                nanos: 0,
            }),
            batch_size: 100,
            ..stream_request("UNWIND range(1, 10000000) AS i RETURN i", vec![])
        })
        .await
        .expect("stream")
        .into_inner();
    // A reader that stalls: the server waits for it (flow control), and the deadline
    // passes while it waits.
    stream.next().await.expect("header").expect("ok");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let status = loop {
        match stream.next().await {
            Some(Ok(_)) => {}
            Some(Err(status)) => break status,
            None => panic!("the stream ended without an error"),
        }
    };
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    app.wait_pool_idle().await;
    assert_eq!(app.value("RETURN 1", vec![]).await, int(1));
}
