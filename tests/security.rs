//! Issue 14: readers cannot change the graph, by construction. Every bypass found against
//! the real database (ArcadeDB commits `IN TRANSACTIONS` inner transactions and schema
//! commands on its own, and reads files with LOAD CSV) is sent as a reader through every
//! raw-Cypher RPC, and the graph is counted directly over Bolt before and after: nodes,
//! relationships, properties, labels, indexes, constraints and the victims' values.
//!
//! Its own test binary: the counts are of the whole database, so no other test of this
//! binary may write while they are taken (cargo runs test binaries one at a time).

#[path = "api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use std::{io::Write as _, path::Path};

use graphrpc::{
    cypher::procedures::ProcedurePolicy,
    proto::v1::{self as pb, transaction_request::Message as In},
    startup::Application,
};
use neo4rs::{query, ConfigBuilder, Graph};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;
use tokio_stream::{wrappers::ReceiverStream, StreamExt};
use tonic::{Code, Request};

use helpers::*;

const READER: &str = "security-reader-5d1e";
const WRITER: &str = "security-writer-0b7a";
const ADMIN: &str = "security-admin-c3f2";
const LOADER: &str = "security-loader-9e44";

/// The bypasses of issue 14, each as a reader would send it.
const BYPASSES: &[(&str, &str)] = &[
    (
        "create in transactions",
        "UNWIND [1,2] AS x CALL { WITH x CREATE (:BypassSneak {x: x}) } IN TRANSACTIONS OF 1 ROWS",
    ),
    (
        "delete in transactions",
        "MATCH (v:BypassVictim) WITH v LIMIT 1 CALL { WITH v DETACH DELETE v } IN TRANSACTIONS OF 1 ROWS",
    ),
    (
        "set in transactions",
        "MATCH (v:BypassVictim) CALL { WITH v SET v.j = 'changed' } IN TRANSACTIONS OF 1 ROWS",
    ),
    ("drop constraint", "DROP CONSTRAINT bypass_unique"),
    ("drop index", "DROP INDEX bypass_index"),
    ("create index", "CREATE INDEX bypass_new FOR (n:BypassVictim) ON (n.z)"),
    ("set label", "MATCH (v:BypassVictim) SET v:BypassNewType"),
    ("remove label", "MATCH (v:BypassVictim) REMOVE v:BypassVictim"),
    ("create", "CREATE (:BypassSneak {x: 0})"),
    ("merge", "MERGE (:BypassSneak {x: 9})"),
    (
        "foreach",
        "FOREACH (i IN [1] | CREATE (:BypassSneak {x: i}))",
    ),
    ("apoc write procedure", "CALL apoc.merge.node(['BypassSneak'], {x: 1})"),
    (
        "apoc do.when",
        "CALL apoc.do.when(true, 'CREATE (:BypassSneak)', '', {}) YIELD value RETURN value",
    ),
];

fn sha256(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn write_file(path: &Path, text: &str) {
    let mut file = std::fs::File::create(path).expect("create file");
    file.write_all(text.as_bytes()).expect("write file");
}

fn access_file(dir: &Path) -> String {
    let mut yaml = String::from("tokens:\n");
    for (principal, token, role, load_csv) in [
        ("reports", READER, "reader", false),
        ("billing", WRITER, "writer", false),
        ("ops", ADMIN, "admin", false),
        ("importer", LOADER, "reader", true),
    ] {
        yaml.push_str(&format!(
            "  - principal: {principal}\n    sha256: {}\n    role: {role}\n    raw_cypher: true\n    load_csv: {load_csv}\n",
            sha256(token)
        ));
    }
    let path = dir.join("access.yaml");
    write_file(&path, &yaml);
    path.to_str().expect("utf-8 path").to_owned()
}

async fn bolt() -> Graph {
    let db = test_db();
    let config = ConfigBuilder::default()
        .uri(&db.uri)
        .user(&db.username)
        .password(&db.password)
        .db(db.database.as_str())
        .build()
        .expect("config");
    Graph::connect(config).expect("driver")
}

async fn scalar(graph: &Graph, cypher: &str) -> i64 {
    let mut rows = graph.execute(query(cypher)).await.expect(cypher);
    let row = rows.next().await.expect(cypher).expect("one row");
    row.get::<i64>("c").expect("an integer c")
}

/// What a bypass could change, read directly over Bolt.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Census {
    nodes: i64,
    relationships: i64,
    properties: i64,
    labels: i64,
    indexes: i64,
    constraints: i64,
    /// The victims' values, so that a changed property shows too.
    victims: String,
}

async fn census(graph: &Graph) -> Census {
    let mut rows = graph
        .execute(query(
            "MATCH (v:BypassVictim) WITH v ORDER BY v.k RETURN collect(v.k + '=' + v.j) AS c",
        ))
        .await
        .expect("victims");
    let row = rows.next().await.expect("victims").expect("one row");
    let victims: Vec<String> = row.get("c").expect("strings");
    Census {
        nodes: scalar(graph, "MATCH (n) RETURN count(n) AS c").await,
        relationships: scalar(graph, "MATCH ()-[r]->() RETURN count(r) AS c").await,
        properties: scalar(graph, "MATCH (n) UNWIND keys(n) AS k RETURN count(k) AS c").await
            + scalar(
                graph,
                "MATCH ()-[r]->() UNWIND keys(r) AS k RETURN count(k) AS c",
            )
            .await,
        labels: scalar(
            graph,
            "CALL db.labels() YIELD label RETURN count(label) AS c",
        )
        .await,
        indexes: scalar(graph, "SHOW INDEXES YIELD name RETURN count(name) AS c").await,
        constraints: scalar(graph, "SHOW CONSTRAINTS YIELD name RETURN count(name) AS c").await,
        victims: victims.join(","),
    }
}

fn difference(before: &Census, after: &Census) -> String {
    format!(
        "nodes {:+}, relationships {:+}, properties {:+}, labels {:+}, indexes {:+}, constraints {:+}, values {}",
        after.nodes - before.nodes,
        after.relationships - before.relationships,
        after.properties - before.properties,
        after.labels - before.labels,
        after.indexes - before.indexes,
        after.constraints - before.constraints,
        if after.victims == before.victims { "same" } else { "changed" }
    )
}

/// The victims and the schema the bypasses attack, made fresh as the database's own user.
async fn set_up(graph: &Graph) {
    for cypher in [
        "MATCH (n:BypassSneak) DETACH DELETE n",
        "MATCH (n:BypassNewType) DETACH DELETE n",
        "MATCH (n:BypassVictim) DETACH DELETE n",
        "DROP INDEX bypass_new IF EXISTS",
        "CREATE CONSTRAINT bypass_unique IF NOT EXISTS FOR (v:BypassVictim) REQUIRE v.k IS UNIQUE",
        "CREATE INDEX bypass_index IF NOT EXISTS FOR (v:BypassVictim) ON (v.j)",
        "UNWIND ['a', 'b', 'c'] AS k CREATE (:BypassVictim {k: k, j: 'original'})",
    ] {
        graph.run(query(cypher)).await.expect(cypher);
    }
}

fn as_reader<T>(message: T, token: &str) -> Request<T> {
    let mut request = Request::new(message);
    let value = format!("Bearer {token}").parse().expect("ascii token");
    request.metadata_mut().insert("authorization", value);
    request
}

fn run_request(cypher: &str) -> pb::RunRequest {
    pb::RunRequest {
        cypher: cypher.to_owned(),
        access_mode: pb::AccessMode::Read as i32,
        ..Default::default()
    }
}

/// The outcome of one RPC: Ok, or the status code and message it ended with.
type Outcome = Result<(), (Code, String)>;

fn outcome<T>(result: Result<T, tonic::Status>) -> Outcome {
    result
        .map(|_| ())
        .map_err(|s| (s.code(), s.message().to_owned()))
}

async fn through_run(app: &TestApp, cypher: &str, token: &str) -> Outcome {
    outcome(
        app.client
            .clone()
            .run(as_reader(run_request(cypher), token))
            .await,
    )
}

async fn through_run_stream(app: &TestApp, cypher: &str, token: &str) -> Outcome {
    let mut stream = match app
        .client
        .clone()
        .run_stream(as_reader(streamed(run_request(cypher)), token))
        .await
    {
        Ok(stream) => stream.into_inner(),
        Err(status) => return outcome::<()>(Err(status)),
    };
    let mut last = Ok(());
    while let Some(message) = stream.next().await {
        if let Err(status) = message {
            last = outcome::<()>(Err(status));
        }
    }
    last
}

async fn through_transaction(app: &TestApp, cypher: &str, token: &str) -> Outcome {
    let (sender, receiver) = mpsc::channel(4);
    let request = as_reader(ReceiverStream::new(receiver), token);
    for message in [
        In::Begin(pb::Begin {
            access_mode: pb::AccessMode::Read as i32,
            ..Default::default()
        }),
        In::Statement(pb::TransactionStatement {
            cypher: cypher.to_owned(),
            ..Default::default()
        }),
        In::Commit(pb::Commit::default()),
    ] {
        sender
            .send(pb::TransactionRequest {
                message: Some(message),
            })
            .await
            .expect("queued");
    }
    drop(sender);
    let mut responses = match app.client.clone().transaction(request).await {
        Ok(responses) => responses.into_inner(),
        Err(status) => return outcome::<()>(Err(status)),
    };
    let mut last = Ok(());
    while let Some(message) = responses.next().await {
        if let Err(status) = message {
            last = outcome::<()>(Err(status));
        }
    }
    last
}

async fn through_batch(app: &TestApp, cypher: &str, token: &str) -> Outcome {
    let batch = pb::RunBatchRequest {
        statements: vec![
            pb::BatchStatement {
                cypher: "RETURN 1 AS one".into(),
                ..Default::default()
            },
            pb::BatchStatement {
                cypher: cypher.to_owned(),
                ..Default::default()
            },
        ],
        access_mode: pb::AccessMode::Read as i32,
        ..Default::default()
    };
    outcome(app.client.clone().run_batch(as_reader(batch, token)).await)
}

const RPCS: &[&str] = &["Run", "RunStream", "Transaction + Commit", "RunBatch"];

async fn through(app: &TestApp, rpc: &str, cypher: &str, token: &str) -> Outcome {
    match rpc {
        "Run" => through_run(app, cypher, token).await,
        "RunStream" => through_run_stream(app, cypher, token).await,
        "Transaction + Commit" => through_transaction(app, cypher, token).await,
        _ => through_batch(app, cypher, token).await,
    }
}

/// Sends every bypass through every RPC as a reader; returns, per bypass and RPC, the
/// outcome and the census difference.
async fn attack(app: &TestApp, graph: &Graph) -> Vec<(String, Outcome, Census, Census)> {
    let mut results = Vec::new();
    for (name, cypher) in BYPASSES {
        for rpc in RPCS {
            set_up(graph).await;
            let before = census(graph).await;
            let result = through(app, rpc, cypher, READER).await;
            let after = census(graph).await;
            results.push((format!("{name} through {rpc}"), result, before, after));
        }
    }
    results
}

#[tokio::test]
async fn no_bypass_changes_the_graph_through_any_rpc_and_without_the_classifier_they_do() {
    let graph = bolt().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let access = access_file(dir.path());

    let app = spawn_app_with(&["--access-file", &access]).await;
    let mut failures = Vec::new();
    for (what, result, before, after) in attack(&app, &graph).await {
        println!(
            "classifier on:  {what}: {result:?}: {}",
            difference(&before, &after)
        );
        match &result {
            Err((Code::PermissionDenied, message)) if message.contains("reports") => {}
            other => failures.push(format!("{what}: not refused: {other:?}")),
        }
        if before != after {
            failures.push(format!("{what}: {}", difference(&before, &after)));
        }
    }
    app.shutdown().await.expect("clean shutdown");
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // The same with the classifier switched off: only the second layer (rollback and the
    // counters check) is left, and the database keeps what it committed on its own.
    let mut settings = settings(&test_db(), &["--access-file", &access]);
    settings.security.procedures = ProcedurePolicy::default();
    settings.security.classify_statements = false;
    let app = spawn_with_settings(settings).await;
    let mut changed = 0;
    let results = attack(&app, &graph).await;
    for (what, result, before, after) in &results {
        println!(
            "classifier off: {what}: {result:?}: {}",
            difference(before, after)
        );
        if before != after {
            changed += 1;
        }
    }
    println!(
        "classifier off: {changed} of {} bypass runs changed the graph",
        results.len()
    );
    app.shutdown().await.expect("clean shutdown");
    set_up(&graph).await;
    assert!(
        changed > 0,
        "without the classifier the bypasses should get through on this database; \
         if none does, this test cannot show that the classifier is what stops them"
    );
}

#[tokio::test]
async fn load_csv_needs_the_grant_for_every_role() {
    let dir = tempfile::tempdir().expect("tempdir");
    let access = access_file(dir.path());
    let csv = dir.path().join("secret.csv");
    write_file(&csv, "name\nalpha\nbeta\n");
    let url = format!("file://{}", csv.display());
    let app = spawn_app_with(&["--access-file", &access]).await;
    let cypher = "LOAD CSV FROM $url AS line RETURN line";
    let message = || pb::RunRequest {
        cypher: cypher.to_owned(),
        params: [("url".to_owned(), string(&url))].into_iter().collect(),
        ..Default::default()
    };
    for token in [READER, WRITER, ADMIN] {
        let status = app
            .client
            .clone()
            .run(as_reader(message(), token))
            .await
            .expect_err("refused without the grant");
        assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
        assert!(status.message().contains("LOAD CSV"), "{status:?}");
    }
    let answer = app
        .client
        .clone()
        .run(as_reader(message(), LOADER))
        .await
        .expect("allowed with the grant")
        .into_inner();
    assert_eq!(answer.rows.len(), 3, "{answer:?}");

    // Open mode (no access file): the anonymous principal has no grant either.
    let open = spawn_app().await;
    let status = open
        .client
        .clone()
        .run(Request::new(message()))
        .await
        .expect_err("refused in open mode");
    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
    open.shutdown().await.expect("clean shutdown");
    app.shutdown().await.expect("clean shutdown");
}

#[tokio::test]
async fn a_catalog_entry_declared_read_that_writes_stops_start_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, cypher) in BYPASSES.iter().filter(|(_, c)| !c.contains("apoc")) {
        let catalog = dir.path().join("catalog.yaml");
        write_file(
            &catalog,
            &format!(
                "queries:\n  - name: ok\n    description: d\n    mode: read\n    cypher: RETURN 1 AS one\n  \
                 - name: sneaky\n    description: d\n    mode: read\n    cypher: \"{cypher}\"\n"
            ),
        );
        let settings = settings(
            &test_db(),
            &["--catalog-file", catalog.to_str().expect("utf-8")],
        );
        let error = match Application::build(settings).await {
            Ok(_) => panic!("{name}: a catalog whose read entry writes was accepted"),
            Err(error) => format!("{error:#}"),
        };
        assert!(error.contains("catalog.yaml"), "{name}: {error}");
        assert!(
            error.contains("query `sneaky` (entry 2)"),
            "{name}: {error}"
        );
        assert!(
            error.contains("is declared read, but its cypher"),
            "{name}: {error}"
        );
    }
}
