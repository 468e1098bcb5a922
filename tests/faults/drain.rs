//! SIGTERM on the real binary while the database stalls: health turns NOT_SERVING and new
//! calls are refused at once, and the process exits 0 within its grace period, whatever
//! the database does.
//!
//! "A new call" is one sent after the process has taken the signal (its log line says so): a
//! call that reaches the server in the same instant as SIGTERM is in flight, not new, and no
//! server can promise which of the two it sees first.

use std::{
    io::{BufRead as _, BufReader},
    process::{Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

use graphrpc::proto::v1::graph_query_service_client::GraphQueryServiceClient;
use nix::{sys::signal, unistd::Pid};
use tokio_stream::StreamExt as _;
use tonic::transport::Channel;
use tonic_health::pb::{
    health_check_response::ServingStatus, health_client::HealthClient, HealthCheckRequest,
};

use crate::{
    figure,
    helpers::*,
    relay::{Mode, Relay},
};

#[tokio::test]
async fn sigterm_during_a_stalled_statement_refuses_at_once_and_exits_within_the_grace() {
    let relay = Relay::to_test_db().await;
    let db = test_db();
    let addr = format!("127.0.0.1:{}", free_port());
    let grace = Duration::from_secs(2);
    let mut child = Command::new(env!("CARGO_BIN_EXE_graphrpc"))
        .args(["serve", "--listen", &addr, "--admin-listen", "127.0.0.1:0"])
        .args([
            "--neo4j-uri",
            &relay.uri(),
            "--neo4j-username",
            &db.username,
        ])
        .args([
            "--neo4j-password",
            &db.password,
            "--neo4j-database",
            &db.database,
        ])
        .args([
            "--health-interval",
            "200ms",
            "--shutdown-grace",
            "2s",
            "--log",
            "info",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start graphrpc");
    let pid = Pid::from_raw(i32::try_from(child.id()).expect("pid"));
    // The log is read on a thread of its own; the test waits only for the signal's line.
    let (signal_taken, signal_seen) = mpsc::channel::<()>();
    let log = BufReader::new(child.stdout.take().expect("stdout"));
    std::thread::spawn(move || {
        for line in log.lines().map_while(Result::ok) {
            if line.contains("SIGTERM received") {
                let _ = signal_taken.send(());
            }
        }
    });

    let started = Instant::now();
    let channel = loop {
        match Channel::from_shared(format!("http://{addr}"))
            .expect("uri")
            .connect()
            .await
        {
            Ok(channel) => break channel,
            Err(e) if started.elapsed() > Duration::from_secs(20) => panic!("never listened: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    };
    let mut health = HealthClient::new(channel.clone());
    let mut client = GraphQueryServiceClient::new(channel.clone());
    let watch_request = || HealthCheckRequest {
        service: "graphrpc.v1.GraphQueryService".to_owned(),
    };
    let mut watch = health
        .watch(watch_request())
        .await
        .expect("watch")
        .into_inner();
    loop {
        let now = watch.next().await.expect("a status").expect("ok").status();
        if now == ServingStatus::Serving {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "never SERVING");
    }
    client
        .run(request("RETURN 1", vec![]))
        .await
        .expect("a call works");

    // The database stalls; a statement and the health probe hang on it.
    relay.set(Mode::Stall);
    let mut stalled_client = client.clone();
    let stalled =
        tokio::spawn(async move { stalled_client.run(request("RETURN 2", vec![])).await });
    tokio::time::sleep(Duration::from_millis(500)).await;

    signal::kill(pid, signal::Signal::SIGTERM).expect("SIGTERM");
    let sent = Instant::now();
    let taken =
        tokio::task::spawn_blocking(move || signal_seen.recv_timeout(Duration::from_secs(5)))
            .await
            .expect("log reader");
    assert!(taken.is_ok(), "graphrpc never logged taking SIGTERM");
    let signal_taken_after = sent.elapsed();
    let refused = async {
        let answer = client.run(request("RETURN 3", vec![])).await;
        (answer, sent.elapsed())
    };
    let not_serving = async {
        while let Some(Ok(status)) = watch.next().await {
            if status.status() == ServingStatus::NotServing {
                return Some(sent.elapsed());
            }
        }
        None
    };
    let ((answer, refused_after), not_serving_after) = tokio::join!(refused, not_serving);
    let not_serving_after = not_serving_after.expect("the watch reported NOT_SERVING");
    let code = answer.expect_err("a call after SIGTERM is refused").code();

    let exited = tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                return (status, sent.elapsed());
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("graphrpc did not exit 15 s after SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    });
    let (exit, exit_after) = exited.await.expect("waiter");
    figure(
        "sigterm",
        format_args!(
            "signal taken {signal_taken_after:?} after SIGTERM; NOT_SERVING {not_serving_after:?}; a new call {code:?} after {refused_after:?}; exit {exit} after {exit_after:?} (grace {grace:?})"
        ),
    );
    assert!(
        not_serving_after <= Duration::from_millis(100),
        "NOT_SERVING after {not_serving_after:?}"
    );
    assert_eq!(code, tonic::Code::Unavailable);
    assert!(
        refused_after <= Duration::from_millis(100),
        "refused after {refused_after:?}"
    );
    assert!(exit.success(), "exit status {exit}");
    assert!(
        exit_after <= grace + Duration::from_millis(500),
        "exited after {exit_after:?}"
    );
    // The stalled call ended with the process, one way or another.
    let _ = stalled.await;
    relay.set(Mode::Pass);
}
