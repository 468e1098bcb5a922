//! Standard gRPC health: SERVING only while the database answers.

use std::time::{Duration, Instant};

use tonic_health::pb::{
    health_check_response::ServingStatus, health_client::HealthClient, HealthCheckRequest,
};

use crate::helpers::*;

async fn status(app: &TestApp, service: &str) -> ServingStatus {
    let response = HealthClient::new(app.channel.clone())
        .check(HealthCheckRequest {
            service: service.to_owned(),
        })
        .await
        .expect("health check");
    response.into_inner().status()
}

async fn wait_for(app: &TestApp, wanted: ServingStatus, within: Duration) {
    let started = Instant::now();
    loop {
        let now = status(app, "graphrpc.v1.GraphQueryService").await;
        if now == wanted && status(app, "").await == wanted {
            return;
        }
        assert!(
            started.elapsed() < within,
            "still {now:?} after {within:?}, wanted {wanted:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn health_follows_the_database_down_and_up_again() {
    let own = OwnGraphDb::start();
    let app = spawn_with_settings(settings(&own.target(), &["--connect-timeout", "1s"])).await;
    wait_for(&app, ServingStatus::Serving, Duration::from_secs(10)).await;

    own.script("stop");
    wait_for(&app, ServingStatus::NotServing, Duration::from_secs(15)).await;
    // The liveness service does not follow the database: a restart would not help it.
    assert_eq!(status(&app, "liveness").await, ServingStatus::Serving);
    let failed = app
        .run(request("RETURN 1", vec![]))
        .await
        .expect_err("database down");
    assert_eq!(failed.code(), tonic::Code::Unavailable);

    own.script("start");
    wait_for(&app, ServingStatus::Serving, Duration::from_secs(20)).await;
    assert_eq!(app.value("RETURN 1", vec![]).await, int(1));
}

#[tokio::test]
async fn the_service_starts_before_its_database_and_connects_when_it_comes() {
    let home = tempfile::tempdir().expect("temp dir");
    let (bolt_port, http_port) = (free_port(), free_port());
    let target = TestDb {
        uri: format!("bolt://127.0.0.1:{bolt_port}"),
        username: "root".into(),
        password: "late-test-db".into(),
        database: "graph".into(),
    };
    let app = spawn_with_settings(settings(&target, &["--connect-timeout", "1s"])).await;
    assert_eq!(status(&app, "").await, ServingStatus::NotServing);

    let own = OwnGraphDb {
        home,
        bolt_port,
        http_port,
        password: "late-test-db".into(),
    };
    own.script("start");
    wait_for(&app, ServingStatus::Serving, Duration::from_secs(20)).await;
    assert_eq!(app.value("RETURN 2", vec![]).await, int(2));
}

#[tokio::test]
async fn shutdown_refuses_new_calls_and_lets_in_flight_calls_finish() {
    let app = spawn_app().await;
    wait_for(&app, ServingStatus::Serving, Duration::from_secs(10)).await;
    let addr = app.addr;
    let client = app.client.clone();
    let in_flight = tokio::spawn(async move {
        let mut client = client;
        client
            .run(request(
                "UNWIND range(1, 3000000) AS i WITH i WHERE i % 1000 = 0 RETURN count(*) AS c",
                vec![],
            ))
            .await
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let shutdown = tokio::spawn(app.shutdown());
    // New calls are refused by the gate at once; the listener closes after the refusal window.
    tokio::time::sleep(graphrpc::startup::REFUSAL_WINDOW + Duration::from_millis(200)).await;

    let refused = tonic::transport::Channel::from_shared(format!("http://{addr}"))
        .expect("uri")
        .connect()
        .await;
    assert!(
        refused.is_err(),
        "a new connection was accepted while draining"
    );

    let finished = in_flight
        .await
        .expect("task")
        .expect("the in-flight call finished");
    assert_eq!(finished.into_inner().rows[0].values[0], int(3000));
    shutdown.await.expect("task").expect("clean shutdown");
}
