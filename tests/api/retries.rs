//! Transient failures: the database restarted between attempts. Reads and batches are
//! retried within their deadline; a write is not, unless it is marked idempotent.

use std::{sync::Arc, time::Duration};

use graphrpc::proto::v1 as pb;
use tonic::Code;

use crate::helpers::*;

/// Stops the database now and starts it again in the background after `after`.
fn restart_later(db: &Arc<OwnGraphDb>, after: Duration) -> tokio::task::JoinHandle<()> {
    db.script("stop");
    let db = db.clone();
    tokio::task::spawn_blocking(move || {
        std::thread::sleep(after);
        db.script("start");
    })
}

#[tokio::test]
async fn transient_failures_are_retried_for_reads_and_batches_not_for_plain_writes() {
    let db = Arc::new(OwnGraphDb::start());
    let app = spawn_with_settings(settings(
        &db.target(),
        &[
            "--connect-timeout",
            "1s",
            "--retry-max-attempts",
            "40",
            "--retry-initial-backoff",
            "100ms",
            "--retry-max-backoff",
            "500ms",
        ],
    ))
    .await;
    let label = unique_label("Retried");
    assert_eq!(app.value("RETURN 1", vec![]).await, int(1));
    let long = Some(prost_types::Duration {
        seconds: 30,
        nanos: 0,
    });

    // A read while the database restarts: retried until it answers.
    let restart = restart_later(&db, Duration::from_millis(500));
    let read = app
        .run(pb::RunRequest {
            access_mode: pb::AccessMode::Read.into(),
            timeout: long,
            ..request("RETURN 42 AS answer", vec![])
        })
        .await
        .expect("the read is retried until the database is back");
    assert_eq!(read.rows[0].values, vec![int(42)]);
    let attempts = read.summary.expect("summary").attempts;
    eprintln!("retries: a read during a database restart succeeded after {attempts} attempts");
    assert!(attempts >= 2, "attempts: {attempts}");
    restart.await.expect("restarted");

    // A plain write in the same situation: one attempt, then the error.
    let restart = restart_later(&db, Duration::from_millis(500));
    let write = app
        .run(pb::RunRequest {
            timeout: long,
            ..request(&format!("CREATE (:{label} {{kind: 'plain'}})"), vec![])
        })
        .await
        .expect_err("a write is not retried");
    assert_eq!(write.code(), Code::Unavailable, "{write:?}");
    assert!(!write.message().contains("attempts"), "{}", write.message());
    restart.await.expect("restarted");

    // The same write marked idempotent is retried.
    let restart = restart_later(&db, Duration::from_millis(500));
    let idempotent = app
        .run(pb::RunRequest {
            timeout: long,
            idempotent: true,
            ..request(&format!("MERGE (:{label} {{kind: 'idempotent'}})"), vec![])
        })
        .await
        .expect("an idempotent write is retried");
    assert!(idempotent.summary.expect("summary").attempts >= 2);
    restart.await.expect("restarted");

    // A batch fails before its commit, so it is retried even as a write.
    let restart = restart_later(&db, Duration::from_millis(500));
    let batch = app
        .client
        .clone()
        .run_batch(pb::RunBatchRequest {
            statements: vec![pb::BatchStatement {
                cypher: format!("CREATE (:{label} {{kind: 'batch'}})"),
                ..Default::default()
            }],
            timeout: long,
            ..Default::default()
        })
        .await
        .expect("the batch is retried")
        .into_inner();
    eprintln!(
        "retries: a batch during a database restart succeeded after {} attempts",
        batch.attempts
    );
    assert!(batch.attempts >= 2, "attempts: {}", batch.attempts);
    restart.await.expect("restarted");

    let kinds = app
        .run(request(
            &format!("MATCH (n:{label}) RETURN n.kind AS kind ORDER BY kind"),
            vec![],
        ))
        .await
        .expect("kinds");
    let kinds: Vec<pb::Value> = kinds
        .rows
        .into_iter()
        .map(|r| r.values[0].clone())
        .collect();
    assert_eq!(
        kinds,
        vec![string("batch"), string("idempotent")],
        "the plain write was not applied"
    );
}
