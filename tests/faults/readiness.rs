//! Readiness tells whether this replica can reach the database, not whether a pooled
//! connection is free: a pool held by open transactions keeps health SERVING; a database
//! that is down turns it NOT_SERVING, and back to SERVING within a second of its return.

use std::time::{Duration, Instant};

use graphrpc::proto::v1::{self as pb, transaction_request::Message as In};
use tokio::sync::mpsc;
use tokio_stream::{wrappers::ReceiverStream, StreamExt as _};
use tonic_health::pb::{
    health_check_response::ServingStatus, health_client::HealthClient, HealthCheckRequest,
};

use crate::{
    figure,
    helpers::*,
    relay::{Mode, Relay},
};

async fn status(app: &TestApp) -> ServingStatus {
    HealthClient::new(app.channel.clone())
        .check(HealthCheckRequest {
            service: "graphrpc.v1.GraphQueryService".to_owned(),
        })
        .await
        .expect("health check")
        .into_inner()
        .status()
}

async fn wait_for(app: &TestApp, wanted: ServingStatus, within: Duration) -> Duration {
    let started = Instant::now();
    loop {
        if status(app).await == wanted {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "not {wanted:?} after {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Opens a transaction and keeps it open (and its pooled connection held) until dropped.
async fn open_transaction(
    app: &TestApp,
) -> (
    mpsc::Sender<pb::TransactionRequest>,
    tonic::Streaming<pb::TransactionResponse>,
) {
    let (sender, receiver) = mpsc::channel(4);
    sender
        .send(pb::TransactionRequest {
            message: Some(In::Begin(pb::Begin::default())),
        })
        .await
        .expect("queue Begin");
    let mut responses = app
        .client
        .clone()
        .transaction(ReceiverStream::new(receiver))
        .await
        .expect("transaction")
        .into_inner();
    let begun = responses.next().await.expect("an answer").expect("Begun");
    assert!(matches!(
        begun.message,
        Some(pb::transaction_response::Message::Begun(_))
    ));
    (sender, responses)
}

#[tokio::test]
async fn a_pool_held_by_open_transactions_keeps_health_serving() {
    let app = spawn_app_with(&["--pool-size", "2"]).await;
    wait_for(&app, ServingStatus::Serving, Duration::from_secs(10)).await;
    let _first = open_transaction(&app).await;
    let _second = open_transaction(&app).await;
    assert_eq!(app.in_use(), 2, "both pooled connections are held");
    let held_for = Duration::from_secs(15);
    let started = Instant::now();
    let mut checks = 0;
    while started.elapsed() < held_for {
        let now = status(&app).await;
        assert_eq!(
            now,
            ServingStatus::Serving,
            "after {:?} with the pool held",
            started.elapsed()
        );
        checks += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(app.in_use(), 2, "the pool was held throughout");
    figure(
        "pool held",
        format_args!("{checks} health checks over {held_for:?} with all 2 pooled connections held: all SERVING"),
    );
}

#[tokio::test]
async fn a_database_that_is_down_turns_health_not_serving_and_its_return_serving() {
    let relay = Relay::to_test_db().await;
    let db = TestDb {
        uri: relay.uri(),
        ..test_db()
    };
    let interval = Duration::from_millis(200);
    let app = spawn_with_settings(settings(
        &db,
        &["--health-interval", "200ms", "--connect-timeout", "1s"],
    ))
    .await;
    wait_for(&app, ServingStatus::Serving, Duration::from_secs(10)).await;

    relay.set(Mode::Down);
    relay.cut();
    let bound = interval + graphrpc::health::PROBE_TIMEOUT;
    let down_after = wait_for(&app, ServingStatus::NotServing, bound).await;

    relay.set(Mode::Pass);
    let up_after = wait_for(&app, ServingStatus::Serving, Duration::from_secs(1)).await;
    figure(
        "database down",
        format_args!("NOT_SERVING {down_after:?} after the database went down (bound {bound:?}); SERVING {up_after:?} after it returned (bound 1s)"),
    );
    assert_eq!(app.value("RETURN 3", vec![]).await, int(3));
}
