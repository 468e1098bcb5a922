//! A principal mapped to a database user (`database_user:` in the access file) runs its
//! statements as that user: Bolt `imp_user` in RUN (auto-commit) and BEGIN (transactions),
//! seen by a Bolt proxy in front of the shared test database, while other principals'
//! statements carry none. A database that refuses the impersonation gives the caller
//! PERMISSION_DENIED naming the database user and the IMPERSONATE privilege.

use std::io::Write as _;

use graphrpc::proto::v1 as pb;
use sha2::{Digest as _, Sha256};
use tonic::{Code, Request};

use crate::{bolt_proxy::BoltProxy, figure, helpers::*};

const ALICE: &str = "alice-token-for-impersonation";
const BOB: &str = "bob-token-without-a-database-user";
const READER: &str = "reader-token-with-a-database-user";

fn access_file() -> String {
    let hash = |t: &str| hex::encode(Sha256::digest(t.as_bytes()));
    format!(
        "tokens:\n\
         \x20 - principal: alice\n    sha256: {}\n    role: writer\n    raw_cypher: true\n    database_user: alice_db\n\
         \x20 - principal: bob\n    sha256: {}\n    role: writer\n    raw_cypher: true\n\
         \x20 - principal: rita\n    sha256: {}\n    role: reader\n    raw_cypher: true\n    database_user: rita_db\n",
        hash(ALICE),
        hash(BOB),
        hash(READER)
    )
}

fn as_caller<T>(message: T, token: &str) -> Request<T> {
    let mut request = Request::new(message);
    let value = format!("Bearer {token}").parse().expect("ascii token");
    request.metadata_mut().insert("authorization", value);
    request
}

#[tokio::test]
async fn a_principals_database_user_is_sent_as_imp_user_and_a_refusal_is_permission_denied() {
    let db = test_db();
    let target = db
        .uri
        .split_once("://")
        .map(|(_, rest)| rest.trim_end_matches('/').to_owned())
        .expect("a bolt:// test uri");
    let proxy = BoltProxy::start(target, None).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let access = dir.path().join("access.yaml");
    std::fs::File::create(&access)
        .and_then(|mut f| f.write_all(access_file().as_bytes()))
        .expect("write the access file");
    let via_proxy = TestDb {
        uri: format!("bolt://{}", proxy.address()),
        ..test_db()
    };
    let app = spawn_with_settings(settings(
        &via_proxy,
        &["--access-file", access.to_str().expect("utf-8 path")],
    ))
    .await;
    let mut client = app.client.clone();
    let run = |cypher: &str| request(cypher, vec![]);

    // ArcadeDB's answer to imp_user, recorded for the notes: it runs the statement.
    let alice_run = client
        .run(as_caller(run("RETURN 'imp-alice-run' AS x"), ALICE))
        .await;
    let alice_batch = client
        .run_batch(as_caller(
            pb::RunBatchRequest {
                statements: vec![pb::BatchStatement {
                    cypher: "RETURN 'imp-alice-batch' AS x".into(),
                    ..Default::default()
                }],
                ..Default::default()
            },
            ALICE,
        ))
        .await;
    let rita_run = client
        .run(as_caller(run("RETURN 'imp-rita-run' AS x"), READER))
        .await;
    let bob_run = client
        .run(as_caller(run("RETURN 'imp-bob-run' AS x"), BOB))
        .await;
    figure(
        "imp_user on ArcadeDB",
        format_args!(
            "alice Run: {:?}; alice RunBatch: {:?}; rita (reader) Run: {:?}; bob Run: {:?}",
            alice_run
                .as_ref()
                .map(|_| "ok")
                .map_err(|s| s.message().to_owned()),
            alice_batch
                .as_ref()
                .map(|_| "ok")
                .map_err(|s| s.message().to_owned()),
            rita_run
                .as_ref()
                .map(|_| "ok")
                .map_err(|s| s.message().to_owned()),
            bob_run
                .as_ref()
                .map(|_| "ok")
                .map_err(|s| s.message().to_owned()),
        ),
    );
    alice_run.expect("ArcadeDB runs alice's statement");
    bob_run.expect("bob's statement");

    let seen = proxy.seen();
    let run_of = |marker: &str| {
        seen.iter()
            .find(|s| s.message == "RUN" && s.query.as_deref().is_some_and(|q| q.contains(marker)))
            .cloned()
            .unwrap_or_else(|| panic!("no RUN for {marker}"))
    };
    assert_eq!(
        run_of("imp-alice-run").imp_user(),
        Some("alice_db"),
        "auto-commit RUN"
    );
    assert_eq!(
        run_of("imp-bob-run").imp_user(),
        None,
        "no database_user, no imp_user"
    );
    // Transactions carry it in BEGIN: RunBatch, and a reader's statement (run in a
    // transaction that is rolled back).
    let begins: Vec<Option<String>> = seen
        .iter()
        .filter(|s| s.message == "BEGIN")
        .map(|s| s.imp_user().map(str::to_owned))
        .collect();
    assert!(
        begins.contains(&Some("alice_db".into())),
        "RunBatch's BEGIN: {begins:?}"
    );
    assert!(
        begins.contains(&Some("rita_db".into())),
        "a reader's BEGIN: {begins:?}"
    );

    // A database that refuses impersonation (Neo4j without the IMPERSONATE privilege).
    proxy.refuse_impersonation(true);
    let refused = client
        .run(as_caller(run("RETURN 'imp-refused' AS x"), ALICE))
        .await
        .expect_err("the database refused the impersonation");
    let refused_batch = client
        .run_batch(as_caller(
            pb::RunBatchRequest {
                statements: vec![pb::BatchStatement {
                    cypher: "RETURN 1".into(),
                    ..Default::default()
                }],
                ..Default::default()
            },
            ALICE,
        ))
        .await
        .expect_err("the database refused the impersonation in BEGIN");
    let bob_after = client
        .run(as_caller(run("RETURN 'imp-bob-after' AS x"), BOB))
        .await;
    figure(
        "imp_user refused",
        format_args!("{:?}: {}", refused.code(), refused.message()),
    );
    for status in [&refused, &refused_batch] {
        assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
        assert!(
            status.message().contains("alice_db"),
            "{}",
            status.message()
        );
        assert!(
            status.message().contains("IMPERSONATE"),
            "{}",
            status.message()
        );
    }
    bob_after.expect("others are not affected");
    figure(
        "imp_user bolt",
        format_args!("Bolt versions negotiated: {:?}", proxy.versions()),
    );
}
