//! Spawns the real application in-process on port 0 against the real test database, and
//! real tonic clients over real sockets.
//!
//! The database comes from `make test`, which starts one and exports GRAPHRPC_TEST_NEO4J_*.
//! Without it these tests fail (never skip): they exist to run against a real database.

use std::{net::SocketAddr, path::PathBuf, process::Command, time::Duration};

use clap::Parser;
use graphrpc::{
    configuration::{Cli, Command as CliCommand, Settings},
    database::GraphDb,
    proto::v1::{self as pb, graph_query_service_client::GraphQueryServiceClient},
    startup::Application,
};
use tokio::sync::oneshot;
use tonic::transport::Channel;

pub struct TestDb {
    pub uri: String,
    pub username: String,
    pub password: String,
    pub database: String,
}

impl TestDb {
    /// Whether the database answers a query now, on a driver made for this one question (so
    /// nothing graphrpc does helps or hinders it): how the suites that kill a database see
    /// it come back.
    #[allow(dead_code)] // the faults and routing suites use it, the api suite does not
    pub async fn answers_a_query(&self) -> bool {
        let Ok(config) = neo4rs::ConfigBuilder::default()
            .uri(&self.uri)
            .user(&self.username)
            .password(&self.password)
            .db(self.database.as_str())
            .max_connections(1)
            .connection_timeout(Duration::from_secs(2))
            .build()
        else {
            return false;
        };
        let Ok(graph) = neo4rs::Graph::connect(config) else {
            return false;
        };
        matches!(
            tokio::time::timeout(Duration::from_secs(3), graph.run(neo4rs::query("RETURN 1")))
                .await,
            Ok(Ok(_))
        )
    }
}

/// The shared test database started by `make test`.
pub fn test_db() -> TestDb {
    let var = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| {
            panic!(
                "{name} is not set: these tests need the real database that `make test` starts \
                 (or run `deploy/local/graphdb.sh start` and export GRAPHRPC_TEST_NEO4J_URI, \
                 GRAPHRPC_TEST_NEO4J_PASSWORD, GRAPHRPC_TEST_NEO4J_DATABASE)"
            )
        })
    };
    TestDb {
        uri: var("GRAPHRPC_TEST_NEO4J_URI"),
        username: std::env::var("GRAPHRPC_TEST_NEO4J_USERNAME").unwrap_or_else(|_| "root".into()),
        password: var("GRAPHRPC_TEST_NEO4J_PASSWORD"),
        database: var("GRAPHRPC_TEST_NEO4J_DATABASE"),
    }
}

/// Settings as `graphrpc serve` would parse them from these flags, listening on port 0.
pub fn settings(db: &TestDb, extra: &[&str]) -> Settings {
    let mut argv: Vec<String> = [
        "graphrpc",
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--admin-listen",
        "127.0.0.1:0",
        "--neo4j-uri",
        &db.uri,
        "--neo4j-username",
        &db.username,
        "--neo4j-password",
        &db.password,
        "--neo4j-database",
        &db.database,
        "--log",
        "warn",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Quick health pings, unless a test sets its own interval.
    if !extra.contains(&"--health-interval") {
        argv.extend(["--health-interval".to_owned(), "200ms".to_owned()]);
    }
    argv.extend(extra.iter().map(|s| s.to_string()));
    let cli = Cli::try_parse_from(argv).expect("test flags parse");
    let CliCommand::Serve(args) = cli.command else {
        panic!("the test flags are `graphrpc serve`'s")
    };
    args.into_settings().expect("test settings are valid")
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: GraphQueryServiceClient<Channel>,
    pub channel: Channel,
    pub db: GraphDb,
    stop: Option<oneshot::Sender<()>>,
    pub server: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl TestApp {
    /// Asks the app to shut down as SIGTERM would, and waits for it.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.server).await.expect("server task")
    }

    /// Connections checked out of the pool now.
    pub fn in_use(&self) -> usize {
        let status = self
            .db
            .pool_status()
            .expect("a bolt:// test database has a direct pool");
        status.size - status.available
    }

    /// Waits until no connection is checked out, or fails.
    pub async fn wait_pool_idle(&self) {
        for _ in 0..100 {
            if self.in_use() == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("{} connections still checked out after 2 s", self.in_use());
    }

    pub async fn run(&self, request: pb::RunRequest) -> Result<pb::RunResponse, tonic::Status> {
        self.client
            .clone()
            .run(request)
            .await
            .map(|r| r.into_inner())
    }

    /// Runs and returns the single value of the single row.
    pub async fn value(&self, cypher: &str, params: Vec<(&str, pb::Value)>) -> pb::Value {
        let response = self.run(request(cypher, params)).await.expect(cypher);
        assert_eq!(response.rows.len(), 1, "{cypher}: one row");
        response.rows[0].values[0].clone()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

pub async fn spawn_app_with(extra: &[&str]) -> TestApp {
    spawn_with_settings(settings(&test_db(), extra)).await
}

pub async fn spawn_with_settings(settings: Settings) -> TestApp {
    let app = Application::build(settings)
        .await
        .expect("application builds");
    let addr = app.local_addr();
    let db = app.db().clone();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let channel = Channel::from_shared(format!("http://{addr}"))
        .expect("uri")
        .connect()
        .await
        .expect("connect to the app");
    TestApp {
        addr,
        client: GraphQueryServiceClient::new(channel.clone()),
        channel,
        db,
        stop: Some(stop),
        server,
    }
}

pub fn request(cypher: &str, params: Vec<(&str, pb::Value)>) -> pb::RunRequest {
    pb::RunRequest {
        cypher: cypher.to_owned(),
        params: params.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        ..Default::default()
    }
}

/// A RunStream request; RunStream has its own message, with RunRequest's fields bar max_rows.
pub fn stream_request(cypher: &str, params: Vec<(&str, pb::Value)>) -> pb::RunStreamRequest {
    streamed(request(cypher, params))
}

/// The RunStream request with `run`'s fields.
pub fn streamed(run: pb::RunRequest) -> pb::RunStreamRequest {
    pb::RunStreamRequest {
        cypher: run.cypher,
        params: run.params,
        json_params: run.json_params,
        database: run.database,
        access_mode: run.access_mode,
        timeout: run.timeout,
        bookmarks: run.bookmarks,
        batch_size: 0,
        idempotent: run.idempotent,
    }
}

pub fn v(kind: pb::value::Kind) -> pb::Value {
    pb::Value { kind: Some(kind) }
}

pub fn int(i: i64) -> pb::Value {
    v(pb::value::Kind::Integer(i))
}

pub fn string(s: &str) -> pb::Value {
    v(pb::value::Kind::String(s.to_owned()))
}

/// A label no other test uses, so tests can share one database and run in parallel.
pub fn unique_label(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A database server of a test's own (for tests that stop and start it), started with the
/// project's script on free ports and stopped when dropped.
pub struct OwnGraphDb {
    pub home: tempfile::TempDir,
    pub bolt_port: u16,
    pub http_port: u16,
    pub password: String,
}

impl OwnGraphDb {
    pub fn start() -> OwnGraphDb {
        let db = OwnGraphDb {
            home: tempfile::tempdir().expect("temp dir"),
            bolt_port: free_port(),
            http_port: free_port(),
            password: "own-test-db".into(),
        };
        db.script("start");
        db
    }

    pub fn script(&self, action: &str) {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("deploy/local/graphdb.sh");
        let status = Command::new("bash")
            .arg(&script)
            .arg(action)
            .env("GRAPHDB_HOME", self.home.path())
            .env("GRAPHDB_BOLT_PORT", self.bolt_port.to_string())
            .env("GRAPHDB_HTTP_PORT", self.http_port.to_string())
            .env("GRAPHDB_PASSWORD", &self.password)
            .env("GRAPHDB_NAME", "graph")
            .status()
            .expect("run graphdb.sh");
        assert!(status.success(), "graphdb.sh {action} failed");
    }

    pub fn target(&self) -> TestDb {
        TestDb {
            uri: format!("bolt://127.0.0.1:{}", self.bolt_port),
            username: "root".into(),
            password: self.password.clone(),
            database: "graph".into(),
        }
    }
}

impl Drop for OwnGraphDb {
    fn drop(&mut self) {
        self.script("stop");
    }
}

/// Relays TCP to the test database, keeps every byte sent to it, and can cut every relayed
/// connection at once, the way a database restart does.
pub struct BoltRelay {
    port: u16,
    /// Connections accepted so far.
    accepted: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    sent: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    pipes: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::AbortHandle>>>,
}

impl BoltRelay {
    pub async fn start() -> BoltRelay {
        BoltRelay::start_to(&test_db().uri).await
    }

    /// A relay to the database at `uri` (bolt://host:port).
    pub async fn start_to(uri: &str) -> BoltRelay {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let target = uri
            .split_once("://")
            .map(|(_, rest)| rest.to_owned())
            .expect("a bolt:// test uri");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let sent = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let pipes = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (log, registry, count) = (sent.clone(), pipes.clone(), accepted.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let server = tokio::net::TcpStream::connect(&target)
                    .await
                    .expect("reach the database");
                let (mut client_read, mut client_write) = client.into_split();
                let (mut server_read, mut server_write) = server.into_split();
                let log = log.clone();
                let upstream = tokio::spawn(async move {
                    let mut buffer = vec![0u8; 16 * 1024];
                    while let Ok(n) = client_read.read(&mut buffer).await {
                        if n == 0 {
                            break;
                        }
                        log.lock().expect("lock").extend_from_slice(&buffer[..n]);
                        if server_write.write_all(&buffer[..n]).await.is_err() {
                            break;
                        }
                    }
                });
                let downstream = tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
                });
                let mut registry = registry.lock().expect("lock");
                registry.push(upstream.abort_handle());
                registry.push(downstream.abort_handle());
            }
        });
        BoltRelay {
            port,
            accepted,
            sent,
            pipes,
        }
    }

    pub fn uri(&self) -> String {
        format!("bolt://127.0.0.1:{}", self.port)
    }

    /// Connections opened through the relay so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Every byte sent to the database so far.
    pub fn sent(&self) -> Vec<u8> {
        self.sent.lock().expect("lock").clone()
    }

    /// Closes every connection relayed so far (both of its sockets are dropped).
    pub fn cut(&self) {
        for pipe in self.pipes.lock().expect("lock").drain(..) {
            pipe.abort();
        }
    }
}

/// How often `needle` occurs in `haystack`.
pub fn occurrences(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}
