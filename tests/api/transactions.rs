//! Transaction streams and RunBatch against the real database.

use std::time::Duration;

use graphrpc::proto::v1::{
    self as pb, transaction_request::Message as In, transaction_response::Message as Out,
};
use tokio::sync::mpsc;
use tokio_stream::{wrappers::ReceiverStream, StreamExt};
use tonic::{Code, Streaming};
use tonic_types::StatusExt;

use crate::helpers::*;

/// A client's end of a Transaction stream.
pub struct TxClient {
    sender: Option<mpsc::Sender<pb::TransactionRequest>>,
    responses: Streaming<pb::TransactionResponse>,
}

impl TxClient {
    pub async fn open(app: &TestApp) -> TxClient {
        Self::open_as(app, None).await.expect("transaction call")
    }

    /// Opens the stream with a bearer token, or none; the call's refusal when it is refused.
    pub async fn open_as(app: &TestApp, token: Option<&str>) -> Result<TxClient, tonic::Status> {
        let (sender, receiver) = mpsc::channel(16);
        let mut request = tonic::Request::new(ReceiverStream::new(receiver));
        if let Some(token) = token {
            let value = format!("Bearer {token}").parse().expect("ascii token");
            request.metadata_mut().insert("authorization", value);
        }
        let responses = app.client.clone().transaction(request).await?.into_inner();
        Ok(TxClient {
            sender: Some(sender),
            responses,
        })
    }

    /// Sends a message; a stream the server has already ended shows in `next`.
    pub async fn send(&self, message: In) {
        let _ = self
            .sender
            .as_ref()
            .expect("open")
            .send(pb::TransactionRequest {
                message: Some(message),
            })
            .await;
    }

    /// Closes the client's side of the stream.
    pub fn close(&mut self) {
        self.sender = None;
    }

    pub async fn next(&mut self) -> Result<Option<Out>, tonic::Status> {
        match tokio::time::timeout(Duration::from_secs(30), self.responses.next())
            .await
            .expect("an answer within 30 s")
        {
            None => Ok(None),
            Some(Ok(response)) => Ok(response.message),
            Some(Err(status)) => Err(status),
        }
    }

    pub async fn begin(&mut self, begin: pb::Begin) {
        self.send(In::Begin(begin)).await;
        assert!(matches!(
            self.next().await.expect("begun"),
            Some(Out::Begun(_))
        ));
    }

    /// Runs a statement; returns its rows and summary, or the call's error.
    pub async fn statement(
        &mut self,
        cypher: &str,
        params: Vec<(&str, pb::Value)>,
    ) -> Result<(Vec<pb::Row>, pb::Summary), tonic::Status> {
        self.send(In::Statement(pb::TransactionStatement {
            cypher: cypher.to_owned(),
            params: params.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            ..Default::default()
        }))
        .await;
        let mut rows = Vec::new();
        match self.next().await? {
            Some(Out::Header(_)) => {}
            other => panic!("expected a header, got {other:?}"),
        }
        loop {
            match self.next().await? {
                Some(Out::Rows(batch)) => rows.extend(batch.rows),
                Some(Out::Summary(summary)) => return Ok((rows, summary)),
                other => panic!("expected rows or a summary, got {other:?}"),
            }
        }
    }

    pub async fn commit(&mut self) -> pb::Committed {
        self.send(In::Commit(pb::Commit {})).await;
        let committed = match self.next().await.expect("commit") {
            Some(Out::Committed(c)) => c,
            other => panic!("expected Committed, got {other:?}"),
        };
        self.close();
        assert!(self.next().await.expect("clean end").is_none());
        committed
    }
}

async fn count(app: &TestApp, label: &str) -> i64 {
    match app
        .value(&format!("MATCH (n:{label}) RETURN count(n) AS c"), vec![])
        .await
        .kind
    {
        Some(pb::value::Kind::Integer(n)) => n,
        other => panic!("count: {other:?}"),
    }
}

fn create(label: &str) -> String {
    format!("CREATE (n:{label} {{i: $i}}) RETURN n.i AS i")
}

#[tokio::test]
async fn commit_makes_every_statement_visible() {
    let app = spawn_app().await;
    let label = unique_label("TxCommit");
    let mut tx = TxClient::open(&app).await;
    tx.begin(pb::Begin::default()).await;
    for i in 0..3 {
        let (rows, summary) = tx
            .statement(&create(&label), vec![("i", int(i))])
            .await
            .expect("create");
        assert_eq!(rows[0].values, vec![int(i)]);
        assert_eq!(summary.counters.expect("counters").nodes_created, 1);
    }
    // Inside the transaction its own writes are visible.
    let (rows, _) = tx
        .statement(&format!("MATCH (n:{label}) RETURN count(n) AS c"), vec![])
        .await
        .expect("count inside");
    assert_eq!(rows[0].values, vec![int(3)]);
    let committed = tx.commit().await;
    // Neo4j and the local database both give a bookmark for a commit.
    assert!(!committed.bookmark.is_empty());
    assert_eq!(count(&app, &label).await, 3);
    // It is accepted by a later call (on a cluster: read-your-writes on any member).
    let response = app
        .run(pb::RunRequest {
            bookmarks: vec![committed.bookmark],
            access_mode: pb::AccessMode::Read.into(),
            ..request(&format!("MATCH (n:{label}) RETURN count(n) AS c"), vec![])
        })
        .await
        .expect("read with the bookmark");
    assert_eq!(response.rows[0].values, vec![int(3)]);
    app.wait_pool_idle().await;
}

#[tokio::test]
async fn rollback_makes_nothing_visible() {
    let app = spawn_app().await;
    let label = unique_label("TxRollback");
    let mut tx = TxClient::open(&app).await;
    tx.begin(pb::Begin::default()).await;
    tx.statement(&create(&label), vec![("i", int(1))])
        .await
        .expect("create");
    tx.send(In::Rollback(pb::Rollback {})).await;
    assert!(matches!(
        tx.next().await.expect("rollback"),
        Some(Out::RolledBack(_))
    ));
    tx.close();
    assert!(tx.next().await.expect("clean end").is_none());
    assert_eq!(count(&app, &label).await, 0);
    app.wait_pool_idle().await;
}

#[tokio::test]
async fn a_failing_third_statement_of_five_leaves_nothing_behind() {
    let app = spawn_app().await;
    let label = unique_label("TxFail");
    let mut tx = TxClient::open(&app).await;
    tx.begin(pb::Begin::default()).await;
    tx.statement(&create(&label), vec![("i", int(1))])
        .await
        .expect("first");
    tx.statement(&create(&label), vec![("i", int(2))])
        .await
        .expect("second");
    let status = tx
        .statement("RETURN 1 +", vec![])
        .await
        .expect_err("third fails");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status.message().starts_with("statement 3 failed"),
        "{}",
        status.message()
    );
    assert_eq!(
        status.get_details_error_info().expect("info").metadata["statement_index"],
        "2"
    );
    // The stream is over: later messages are not taken, nothing is committed.
    assert_eq!(count(&app, &label).await, 0);
    app.wait_pool_idle().await;
}

#[tokio::test]
async fn run_batch_is_all_or_nothing_and_names_the_failing_statement() {
    let app = spawn_app().await;
    let label = unique_label("Batch");
    let statement = |cypher: &str, i: i64| pb::BatchStatement {
        cypher: cypher.to_owned(),
        params: [("i".to_owned(), int(i))].into_iter().collect(),
        ..Default::default()
    };
    let ok = app
        .client
        .clone()
        .run_batch(pb::RunBatchRequest {
            statements: (1..=5).map(|i| statement(&create(&label), i)).collect(),
            ..Default::default()
        })
        .await
        .expect("batch")
        .into_inner();
    assert_eq!(ok.results.len(), 5);
    assert_eq!(ok.results[4].rows[0].values, vec![int(5)]);
    assert_eq!(ok.attempts, 1);
    assert_eq!(count(&app, &label).await, 5);

    let failing = unique_label("BatchFail");
    let mut statements: Vec<pb::BatchStatement> =
        (1..=5).map(|i| statement(&create(&failing), i)).collect();
    statements[2] = statement("RETURN $i +", 3);
    let status = app
        .client
        .clone()
        .run_batch(pb::RunBatchRequest {
            statements,
            ..Default::default()
        })
        .await
        .expect_err("third statement fails");
    assert_eq!(status.code(), Code::InvalidArgument);
    let info = status.get_details_error_info().expect("error info");
    assert_eq!(info.metadata["statement_index"], "2");
    assert!(
        status.message().starts_with("statements[2] failed"),
        "{}",
        status.message()
    );
    assert_eq!(count(&app, &failing).await, 0);
    app.wait_pool_idle().await;
}

#[tokio::test]
async fn run_batch_over_its_row_limit_commits_nothing() {
    let app = spawn_app().await;
    let label = unique_label("BatchRows");
    let status = app
        .client
        .clone()
        .run_batch(pb::RunBatchRequest {
            statements: vec![
                pb::BatchStatement {
                    cypher: format!("CREATE (n:{label}) RETURN 1"),
                    ..Default::default()
                },
                pb::BatchStatement {
                    cypher: "UNWIND range(1, 20) AS i RETURN i".into(),
                    ..Default::default()
                },
            ],
            max_rows: 10,
            ..Default::default()
        })
        .await
        .expect_err("21 rows > 10");
    assert_eq!(status.code(), Code::ResourceExhausted);
    assert_eq!(count(&app, &label).await, 0);
}

#[tokio::test]
async fn a_dropped_stream_rolls_back_and_returns_its_connection() {
    let app = spawn_app_with(&["--pool-size", "2"]).await;
    let label = unique_label("TxDropped");
    let mut tx = TxClient::open(&app).await;
    tx.begin(pb::Begin::default()).await;
    tx.statement(&create(&label), vec![("i", int(1))])
        .await
        .expect("create");
    assert_eq!(app.in_use(), 1);
    drop(tx);
    app.wait_pool_idle().await;
    assert_eq!(count(&app, &label).await, 0);
}

#[tokio::test]
async fn a_stream_closed_without_commit_is_rolled_back_and_says_so() {
    let app = spawn_app().await;
    let label = unique_label("TxClosed");
    let mut tx = TxClient::open(&app).await;
    tx.begin(pb::Begin::default()).await;
    tx.statement(&create(&label), vec![("i", int(1))])
        .await
        .expect("create");
    tx.close();
    let status = tx.next().await.expect_err("rolled back");
    assert_eq!(status.code(), Code::Aborted);
    assert!(
        status.message().contains("rolled back"),
        "{}",
        status.message()
    );
    assert_eq!(count(&app, &label).await, 0);
    app.wait_pool_idle().await;
}

#[tokio::test]
async fn the_transaction_timeout_rolls_back_with_deadline_exceeded() {
    let app = spawn_app().await;
    let label = unique_label("TxTimeout");
    let mut tx = TxClient::open(&app).await;
    tx.begin(pb::Begin {
        timeout: Some(prost_types::Duration {
            seconds: 1,
            nanos: 0,
        }),
        ..Default::default()
    })
    .await;
    tx.statement(&create(&label), vec![("i", int(1))])
        .await
        .expect("create");
    let started = std::time::Instant::now();
    let status = loop {
        // A client that keeps talking: the idle timeout is not what ends it.
        tokio::time::sleep(Duration::from_millis(300)).await;
        match tx.statement("RETURN 1", vec![]).await {
            Ok(_) => continue,
            Err(status) => break status,
        }
    };
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(count(&app, &label).await, 0);
    app.wait_pool_idle().await;
}

#[tokio::test]
async fn an_idle_transaction_is_rolled_back_with_aborted() {
    let app = spawn_app_with(&["--tx-idle-timeout", "500ms"]).await;
    let label = unique_label("TxIdle");
    let mut tx = TxClient::open(&app).await;
    tx.begin(pb::Begin::default()).await;
    tx.statement(&create(&label), vec![("i", int(1))])
        .await
        .expect("create");
    let status = tx.next().await.expect_err("idle");
    assert_eq!(status.code(), Code::Aborted);
    assert!(
        status.message().contains("rolled back"),
        "{}",
        status.message()
    );
    assert_eq!(count(&app, &label).await, 0);
    app.wait_pool_idle().await;
}

#[tokio::test]
async fn protocol_misuse_is_failed_precondition() {
    let app = spawn_app().await;

    let mut tx = TxClient::open(&app).await;
    tx.send(In::Statement(pb::TransactionStatement {
        cypher: "RETURN 1".into(),
        ..Default::default()
    }))
    .await;
    let status = tx.next().await.expect_err("statement before begin");
    assert_eq!(status.code(), Code::FailedPrecondition);
    assert!(
        status.message().contains("expected Begin"),
        "{}",
        status.message()
    );

    let mut tx = TxClient::open(&app).await;
    tx.begin(pb::Begin::default()).await;
    tx.send(In::Begin(pb::Begin::default())).await;
    let status = tx.next().await.expect_err("second begin");
    assert_eq!(status.code(), Code::FailedPrecondition);

    let mut tx = TxClient::open(&app).await;
    tx.begin(pb::Begin::default()).await;
    tx.send(In::Commit(pb::Commit {})).await;
    assert!(matches!(
        tx.next().await.expect("committed"),
        Some(Out::Committed(_))
    ));
    tx.send(In::Statement(pb::TransactionStatement {
        cypher: "RETURN 1".into(),
        ..Default::default()
    }))
    .await;
    let status = tx.next().await.expect_err("statement after commit");
    assert_eq!(status.code(), Code::FailedPrecondition);
    assert!(
        status.message().contains("already committed"),
        "{}",
        status.message()
    );

    let mut tx = TxClient::open(&app).await;
    tx.send(In::Commit(pb::Commit {})).await;
    assert_eq!(
        tx.next().await.expect_err("commit before begin").code(),
        Code::FailedPrecondition
    );

    let mut tx = TxClient::open(&app).await;
    tx.close();
    assert_eq!(
        tx.next().await.expect_err("nothing sent").code(),
        Code::FailedPrecondition
    );

    let mut tx = TxClient::open(&app).await;
    tx.sender
        .as_ref()
        .expect("open")
        .send(pb::TransactionRequest { message: None })
        .await
        .expect("send");
    assert_eq!(
        tx.next().await.expect_err("empty message").code(),
        Code::InvalidArgument
    );

    let mut tx = TxClient::open(&app).await;
    tx.begin(pb::Begin::default()).await;
    let status = tx.statement("", vec![]).await.expect_err("empty statement");
    assert_eq!(status.code(), Code::InvalidArgument);

    app.wait_pool_idle().await;
}

#[tokio::test]
async fn fifty_concurrent_transactions_share_a_pool_of_five() {
    let app = spawn_app_with(&["--pool-size", "5"]).await;
    let label = unique_label("TxMany");
    let transactions = (0..50).map(|i| {
        let label = label.clone();
        let app = &app;
        async move {
            let mut tx = TxClient::open(app).await;
            tx.begin(pb::Begin {
                timeout: Some(prost_types::Duration {
                    seconds: 60,
                    nanos: 0,
                }),
                ..Default::default()
            })
            .await;
            tx.statement(&create(&label), vec![("i", int(i))])
                .await
                .expect("create");
            tx.statement("UNWIND range(1, 1000) AS x RETURN sum(x)", vec![])
                .await
                .expect("read");
            tx.commit().await;
        }
    });
    let sampler = async {
        let mut max_size = 0;
        for _ in 0..400 {
            max_size = max_size.max(app.db.pool_status().expect("pool").size);
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        max_size
    };
    let (_, max_size) = tokio::join!(futures::future::join_all(transactions), sampler);
    assert!(max_size <= 5, "the pool grew to {max_size}");
    assert_eq!(count(&app, &label).await, 50);
    app.wait_pool_idle().await;
}

#[tokio::test]
async fn bookmarks_and_metadata_are_accepted() {
    let app = spawn_app().await;
    let mut tx = TxClient::open(&app).await;
    tx.begin(pb::Begin {
        bookmarks: vec!["FB:not-a-real-bookmark".into()],
        metadata: [("caller".to_owned(), "tests".to_owned())]
            .into_iter()
            .collect(),
        access_mode: pb::AccessMode::Read.into(),
        database: test_db().database,
        ..Default::default()
    })
    .await;
    let (rows, _) = tx.statement("RETURN 1 AS one", vec![]).await.expect("read");
    assert_eq!(rows[0].values, vec![int(1)]);
    tx.commit().await;
}

/// Not a test by itself: the client process of `a_killed_client_process_leaves_nothing_behind`,
/// which runs this test binary again with GRAPHRPC_TX_CLIENT_ADDR set.
#[tokio::test]
async fn client_process_helper() {
    let (Ok(addr), Ok(label)) = (
        std::env::var("GRAPHRPC_TX_CLIENT_ADDR"),
        std::env::var("GRAPHRPC_TX_CLIENT_LABEL"),
    ) else {
        return;
    };
    let channel = tonic::transport::Channel::from_shared(format!("http://{addr}"))
        .expect("uri")
        .connect()
        .await
        .expect("connect");
    let (sender, receiver) = mpsc::channel(4);
    let mut responses = pb::graph_query_service_client::GraphQueryServiceClient::new(channel)
        .transaction(ReceiverStream::new(receiver))
        .await
        .expect("transaction")
        .into_inner();
    let send = |message| pb::TransactionRequest {
        message: Some(message),
    };
    sender
        .send(send(In::Begin(pb::Begin::default())))
        .await
        .expect("begin");
    sender
        .send(send(In::Statement(pb::TransactionStatement {
            cypher: format!("CREATE (n:{label}) RETURN 1"),
            ..Default::default()
        })))
        .await
        .expect("statement");
    // Begun, header, rows, summary: the write is done, uncommitted.
    for _ in 0..4 {
        responses.next().await.expect("answer").expect("ok");
    }
    println!("CLIENT-READY");
    tokio::time::sleep(Duration::from_secs(600)).await;
}

#[tokio::test]
async fn a_killed_client_process_leaves_nothing_behind() {
    use std::io::{BufRead, BufReader};
    let app = spawn_app().await;
    let label = unique_label("TxKilled");
    let mut client = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "transactions::client_process_helper",
            "--nocapture",
        ])
        .env("GRAPHRPC_TX_CLIENT_ADDR", app.addr.to_string())
        .env("GRAPHRPC_TX_CLIENT_LABEL", &label)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("client process");
    let stdout = client.stdout.take().expect("stdout");
    let ready = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .any(|line| line.contains("CLIENT-READY"))
    });
    assert!(
        tokio::time::timeout(Duration::from_secs(30), ready)
            .await
            .expect("ready in time")
            .expect("reader"),
        "the client process never got its write done"
    );
    assert_eq!(
        app.in_use(),
        1,
        "the client's transaction holds a connection"
    );

    client.kill().expect("SIGKILL the client");
    client.wait().expect("reap");
    app.wait_pool_idle().await;
    assert_eq!(count(&app, &label).await, 0);
}
