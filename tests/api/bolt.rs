//! Bolt versions: which one is negotiated, what Bolt 5 carries (element ids), and what it
//! adds to the session (LOGON/LOGOFF re-authentication, notification filters), seen on the
//! wire through a relay and against the real database.
//!
//! `make test` runs this module twice: on the negotiated version (5.4 with the local
//! database) and pinned to 4.4 (GRAPHRPC_BOLT_VERSION=4.4), where the Bolt 5 behaviour must
//! be absent and the 4.4 fallbacks hold.

use std::time::{Duration, Instant};

use graphrpc::proto::v1 as pb;
use neo4rs::Version;
use pb::value::Kind;

use crate::helpers::{
    occurrences, request, settings, spawn_app, spawn_app_with, spawn_with_settings, string,
    test_db, unique_label, BoltRelay, OwnGraphDb, TestDb,
};

/// The version these tests expect: the pin from the environment, else the newest the local
/// database speaks (ArcadeDB answers 5.4 to a proposal of 5.4 down to 5.0).
fn expected_version() -> Version {
    match std::env::var("GRAPHRPC_BOLT_VERSION") {
        Ok(name) if name != "auto" => {
            Version::from_name(&name).unwrap_or_else(|| panic!("GRAPHRPC_BOLT_VERSION={name}"))
        }
        _ => Version::V5_4,
    }
}

#[tokio::test]
async fn the_negotiated_version_is_the_newest_the_database_speaks_or_the_pin() {
    let app = spawn_app().await;
    assert_eq!(app.db.bolt_version(), None, "no connection yet");
    app.run(request("RETURN 1", vec![])).await.expect("ok");
    let negotiated = app.db.bolt_version().expect("a connection was opened");
    println!("negotiated Bolt {negotiated}");
    assert_eq!(negotiated, expected_version());
}

#[tokio::test]
async fn every_version_can_be_pinned() {
    for version in [
        Version::V4_4,
        Version::V5_0,
        Version::V5_1,
        Version::V5_2,
        Version::V5_3,
        Version::V5_4,
    ] {
        let name = version.to_string();
        let app = spawn_app_with(&["--bolt-version", &name]).await;
        let value = app.value("RETURN 'pinned' AS x", vec![]).await;
        assert_eq!(value, string("pinned"), "Bolt {name}");
        assert_eq!(app.db.bolt_version(), Some(version));
    }
}

fn node(value: &pb::Value) -> &pb::Node {
    match &value.kind {
        Some(Kind::Node(n)) => n,
        other => panic!("not a node: {other:?}"),
    }
}

fn text(value: &pb::Value) -> &str {
    match &value.kind {
        Some(Kind::String(s)) => s,
        other => panic!("not a string: {other:?}"),
    }
}

#[tokio::test]
async fn element_ids_are_the_ones_cypher_returns() {
    let app = spawn_app().await;
    let label = unique_label("ElementId");
    let bolt5 = expected_version() >= Version::V5_0;
    app.run(request(
        &format!("CREATE (:{label} {{n: 1}})-[:LINKS]->(:{label} {{n: 2}})"),
        vec![],
    ))
    .await
    .expect("create");
    let response = app
        .run(request(
            &format!(
                "MATCH p = (a:{label} {{n: 1}})-[r:LINKS]->(b:{label}) \
                 RETURN a, r, b, p, elementId(a), elementId(r), elementId(b)"
            ),
            vec![],
        ))
        .await
        .expect("match");
    let row = &response.rows[0].values;
    let (a, b) = (node(&row[0]), node(&row[2]));
    let Some(Kind::Relationship(r)) = &row[1].kind else {
        panic!("not a relationship: {:?}", row[1])
    };
    let Some(Kind::Path(p)) = &row[3].kind else {
        panic!("not a path: {:?}", row[3])
    };
    let (ea, er, eb) = (text(&row[4]), text(&row[5]), text(&row[6]));
    println!(
        "elementId: a={ea} r={er} b={eb}; graphrpc: a={} r={}",
        a.element_id, r.element_id
    );
    if bolt5 {
        // What the server sent: ArcadeDB's are record ids like `#6:0`.
        assert_eq!(
            (
                a.element_id.as_str(),
                r.element_id.as_str(),
                b.element_id.as_str()
            ),
            (ea, er, eb)
        );
        assert_eq!(
            (
                r.start_node_element_id.as_str(),
                r.end_node_element_id.as_str()
            ),
            (ea, eb)
        );
        let path_nodes: Vec<&str> = p.nodes.iter().map(|n| n.element_id.as_str()).collect();
        assert_eq!(path_nodes, vec![ea, eb]);
        let step = &p.relationships[0];
        assert_eq!(
            (
                step.element_id.as_str(),
                step.start_node_element_id.as_str(),
                step.end_node_element_id.as_str()
            ),
            (er, ea, eb)
        );
        assert!(
            ea.starts_with('#'),
            "ArcadeDB's element ids look like #6:0: {ea}"
        );
    } else {
        // Bolt 4 has no element ids: the numeric id stands in, as on Neo4j 4.
        assert_eq!(a.element_id, a.id.to_string());
        assert_eq!(r.element_id, r.id.to_string());
        assert_eq!(p.nodes[1].element_id, b.id.to_string());
        assert_eq!(p.relationships[0].end_node_element_id, b.id.to_string());
    }
    app.run(request(
        &format!("MATCH (n:{label}) DETACH DELETE n"),
        vec![],
    ))
    .await
    .expect("clean up");
}

/// A Bolt message as the driver sends it when it fits one chunk: header, body, end marker.
fn chunk(body: &[u8]) -> Vec<u8> {
    let mut bytes = u16::try_from(body.len())
        .expect("small")
        .to_be_bytes()
        .to_vec();
    bytes.extend_from_slice(body);
    bytes.extend_from_slice(&[0, 0]);
    bytes
}

#[tokio::test]
async fn notification_filters_and_the_bolt_agent_are_sent_in_hello() {
    let relay = BoltRelay::start().await;
    let target = TestDb {
        uri: relay.uri(),
        ..test_db()
    };
    let app = spawn_with_settings(settings(
        &target,
        &[
            "--notifications-min-severity",
            "WARNING",
            "--notifications-disabled-categories",
            "HINT,DEPRECATION",
        ],
    ))
    .await;
    let value = app.value("RETURN 1 AS one", vec![]).await;
    assert_eq!(
        value,
        crate::helpers::int(1),
        "the database accepts the filters"
    );
    let sent = relay.sent();
    let has = |text: &str| occurrences(&sent, text.as_bytes()) > 0;
    let version = expected_version();
    assert_eq!(
        has("notifications_minimum_severity") && has("WARNING"),
        version >= Version::V5_2,
        "minimum severity on Bolt {version}"
    );
    assert_eq!(
        has("notifications_disabled_categories") && has("HINT") && has("DEPRECATION"),
        version >= Version::V5_2,
        "disabled categories on Bolt {version}"
    );
    assert_eq!(has("bolt_agent"), version >= Version::V5_3, "bolt_agent");
    // From 5.1 the credentials travel in LOGON, not HELLO.
    let logon = [0xB1, 0x6A];
    assert_eq!(
        occurrences(&sent, &logon) > 0,
        version >= Version::V5_1,
        "LOGON on Bolt {version}"
    );
}

/// Base64 for an HTTP basic-auth header.
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for group in input.chunks(3) {
        let b = [
            group[0],
            *group.get(1).unwrap_or(&0),
            *group.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= group.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Runs an ArcadeDB server command (user management has no Cypher form) over its HTTP API.
fn server_command(own: &OwnGraphDb, command: &str) {
    use std::io::{Read as _, Write as _};
    let body = format!(r#"{{"command":{}}}"#, json_string(command));
    let auth = base64(format!("root:{}", own.password).as_bytes());
    let mut stream =
        std::net::TcpStream::connect(("127.0.0.1", own.http_port)).expect("reach the HTTP API");
    write!(
        stream,
        "POST /api/v1/server HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic {auth}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{command}: {answer}");
}

fn json_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn create_user(own: &OwnGraphDb, user: &str, password: &str) {
    server_command(
        own,
        &format!(
            r#"create user {{"name":"{user}","password":"{password}","databases":{{"graph":"admin"}}}}"#
        ),
    );
}

/// Waits until `done` holds, or fails after `limit`.
async fn eventually(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "{what}: not within {limit:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The password really changes in the database (ArcadeDB: the user is dropped and created
/// again with the new one), the file follows, and graphrpc's pooled connections log in
/// again: on Bolt 5.1+ with LOGOFF/LOGON on the same sockets, on 4.4 by reconnecting.
/// A wrong password in the file then fails calls with a clear status, and fixing the file
/// brings them back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_password_file_logs_the_pool_in_again_without_dropping_it() {
    let own = OwnGraphDb::start();
    let user = "rotating";
    let (first, second) = ("first-pass-1", "second-pass-2");
    create_user(&own, user, first);
    let relay = BoltRelay::start_to(&own.target().uri).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("password");
    std::fs::write(&file, format!("{first}\n")).expect("write the password file");
    let target = TestDb {
        uri: relay.uri(),
        username: user.into(),
        password: first.into(),
        database: "graph".into(),
    };
    // The health probe (a driver of its own) runs once, at start: ArcadeDB rotates a
    // password by dropping and creating the user, which fails statements on that user's
    // open sessions in between, and a probe landing there would reconnect.
    let mut settings = settings(
        &target,
        &[
            "--pool-size",
            "2",
            "--retry-max-attempts",
            "1",
            "--health-interval",
            "1h",
        ],
    );
    settings.database.password_file = Some(file.clone());
    settings.database.reload_interval = Duration::from_millis(100);
    let app = spawn_with_settings(settings).await;

    for i in 0..4 {
        app.run(request(&format!("RETURN {i}"), vec![]))
            .await
            .expect("ok with the first password");
    }
    let version = app.db.bolt_version().expect("connected");
    let connections = relay.accepted();

    // Rotate: the database first, then the file, as an operator would.
    server_command(&own, &format!("drop user {user}"));
    create_user(&own, user, second);
    std::fs::write(&file, format!("{second}\n")).expect("rotate the file");
    // The watcher sees the file within its interval; the next checkout logs in again.
    tokio::time::sleep(Duration::from_millis(400)).await;
    for i in 0..6 {
        app.run(request(&format!("RETURN {i}"), vec![]))
            .await
            .expect("calls keep succeeding after the rotation");
    }
    let sent = relay.sent();
    let logoff = chunk(&[0xB0, 0x6B]);
    if version >= Version::V5_1 {
        assert!(
            occurrences(&sent, &logoff) >= 1,
            "LOGOFF sent on Bolt {version}"
        );
        assert!(
            occurrences(&sent, second.as_bytes()) >= 1,
            "LOGON carried the new password"
        );
        assert_eq!(
            relay.accepted(),
            connections,
            "no connection was dropped and reopened on Bolt {version} (LOGOFF sent {} times)",
            occurrences(&sent, &logoff)
        );
    } else {
        assert_eq!(
            occurrences(&sent, &logoff),
            0,
            "no LOGOFF on Bolt {version}"
        );
        assert!(
            relay.accepted() > connections,
            "Bolt {version} connections are replaced"
        );
        assert!(
            occurrences(&sent, second.as_bytes()) >= 1,
            "HELLO with the new password"
        );
    }
    println!(
        "Bolt {version}: {} connections before the rotation, {} after",
        connections,
        relay.accepted()
    );

    // A wrong password: calls fail with UNAVAILABLE and say why; nothing panics or hangs.
    std::fs::write(&file, "not-the-password\n").expect("write a wrong password");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let status = app
        .run(request("RETURN 'wrong'", vec![]))
        .await
        .expect_err("the database refuses the wrong password");
    assert_eq!(status.code(), tonic::Code::Unavailable, "{status:?}");
    assert!(
        status.message().contains("refused graphrpc's login"),
        "{status:?}"
    );

    // Fixed again: calls succeed.
    std::fs::write(&file, format!("{second}\n")).expect("fix the file");
    let mut recovered = false;
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if app.run(request("RETURN 'back'", vec![])).await.is_ok() {
            recovered = true;
            break;
        }
    }
    assert!(recovered, "calls succeed again once the file is fixed");
    eventually(Duration::from_secs(5), "pool idle", || app.in_use() == 0).await;
}
