//! The connect timeout covers the whole connection setup: a database port that accepts TCP
//! and never answers, or answers the Bolt handshake and never the login, fails every kind
//! of call with UNAVAILABLE within the connect timeout per attempt, with or without a
//! caller deadline.

use std::time::{Duration, Instant};

use graphrpc::proto::v1::{self as pb, transaction_request::Message as In};
use tokio::sync::mpsc;
use tokio_stream::{wrappers::ReceiverStream, StreamExt as _};

use crate::{
    figure,
    helpers::*,
    relay::{Mode, Relay},
};

const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);
const ATTEMPTS: u32 = 2;

/// Each kind of call once, with or without a caller deadline: its status and how long it took.
async fn every_kind_of_call(
    app: &TestApp,
    deadline: Option<Duration>,
) -> Vec<(&'static str, tonic::Code, Duration)> {
    fn with_deadline<T>(message: T, deadline: Option<Duration>) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        if let Some(d) = deadline {
            request.set_timeout(d);
        }
        request
    }
    let read = || pb::RunRequest {
        access_mode: pb::AccessMode::Read as i32,
        ..request("RETURN 1", vec![])
    };
    let run = async {
        let mut client = app.client.clone();
        let started = Instant::now();
        let code = match client.run(with_deadline(read(), deadline)).await {
            Ok(_) => tonic::Code::Ok,
            Err(s) => s.code(),
        };
        ("Run READ", code, started.elapsed())
    };
    let write = async {
        let mut client = app.client.clone();
        let started = Instant::now();
        let message = pb::RunRequest {
            access_mode: pb::AccessMode::Write as i32,
            ..read()
        };
        let code = match client.run(with_deadline(message, deadline)).await {
            Ok(_) => tonic::Code::Ok,
            Err(s) => s.code(),
        };
        ("Run WRITE", code, started.elapsed())
    };
    let stream = async {
        let mut client = app.client.clone();
        let started = Instant::now();
        let code = match client
            .run_stream(with_deadline(streamed(read()), deadline))
            .await
        {
            Err(s) => s.code(),
            Ok(response) => match response.into_inner().next().await {
                Some(Err(s)) => s.code(),
                _ => tonic::Code::Ok,
            },
        };
        ("RunStream", code, started.elapsed())
    };
    let transaction = async {
        let mut client = app.client.clone();
        let started = Instant::now();
        let (sender, receiver) = mpsc::channel(4);
        let _ = sender
            .send(pb::TransactionRequest {
                message: Some(In::Begin(pb::Begin::default())),
            })
            .await;
        let code = match client
            .transaction(with_deadline(ReceiverStream::new(receiver), deadline))
            .await
        {
            Err(s) => s.code(),
            Ok(response) => match response.into_inner().next().await {
                Some(Err(s)) => s.code(),
                _ => tonic::Code::Ok,
            },
        };
        drop(sender);
        ("Transaction Begin", code, started.elapsed())
    };
    let batch = async {
        let mut client = app.client.clone();
        let started = Instant::now();
        let message = pb::RunBatchRequest {
            statements: vec![pb::BatchStatement {
                cypher: "RETURN 1".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let code = match client.run_batch(with_deadline(message, deadline)).await {
            Ok(_) => tonic::Code::Ok,
            Err(s) => s.code(),
        };
        ("RunBatch", code, started.elapsed())
    };
    let (a, b, c, d, e) = tokio::join!(run, write, stream, transaction, batch);
    vec![a, b, c, d, e]
}

async fn calls_fail_fast_through(mode: Mode, test: &str) {
    let relay = Relay::to_test_db().await;
    relay.set(mode);
    let db = TestDb {
        uri: relay.uri(),
        ..test_db()
    };
    let app = spawn_with_settings(settings(
        &db,
        &[
            "--connect-timeout",
            "500ms",
            "--retry-max-attempts",
            &ATTEMPTS.to_string(),
        ],
    ))
    .await;
    let bound = CONNECT_TIMEOUT * ATTEMPTS + Duration::from_millis(500);
    for deadline in [None, Some(Duration::from_secs(6))] {
        // Without the fix a call waited for the response timeout (minutes): cut it short.
        let answers =
            tokio::time::timeout(Duration::from_secs(15), every_kind_of_call(&app, deadline))
                .await
                .expect("every call answered within 15 s");
        for (call, code, took) in answers {
            figure(
                test,
                format_args!("{call}, caller deadline {deadline:?}: {code:?} after {took:?} (bound {bound:?})"),
            );
            assert_eq!(code, tonic::Code::Unavailable, "{call} ({deadline:?})");
            assert!(
                took <= bound,
                "{call} ({deadline:?}) took {took:?}, bound {bound:?}"
            );
        }
    }
    // Once the database answers, calls work again.
    relay.set(Mode::Pass);
    assert_eq!(app.value("RETURN 5", vec![]).await, int(5));
}

#[tokio::test]
async fn a_silent_database_port_fails_every_call_with_unavailable_within_the_connect_timeout() {
    calls_fail_fast_through(Mode::Silent, "silent handshake").await;
}

#[tokio::test]
async fn a_login_that_never_completes_fails_every_call_with_unavailable_within_the_connect_timeout()
{
    calls_fail_fast_through(Mode::LoginStall, "login stall").await;
}
