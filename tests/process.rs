//! The real `graphrpc` binary as a separate process, observed from outside: its Bolt
//! sockets, its memory, its exit on signals. Needs the database `make test` starts.

use std::{
    collections::HashSet,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use graphrpc::proto::v1::{
    self as pb, graph_query_service_client::GraphQueryServiceClient, run_stream_response::Message,
};
use nix::{sys::signal, unistd::Pid};
use tokio_stream::StreamExt;
use tonic::transport::Channel;

#[path = "support/certs.rs"]
mod certs;

/// Telemetry conventions, cardinality and start-up metrics, against the in-test collector.
#[path = "process/telemetry.rs"]
mod telemetry;

struct Server {
    child: Child,
    addr: String,
    /// The admin listener: /metrics, /livez, /readyz.
    admin: String,
    bolt_port: u16,
}

impl Server {
    fn start(extra: &[&str]) -> Server {
        let mut args = vec!["--log", "warn"];
        args.extend_from_slice(extra);
        Self::start_logging_to(&args, Stdio::null())
    }

    fn start_logging_to(extra: &[&str], stdout: Stdio) -> Server {
        Self::start_full(extra, stdout, &[])
    }

    fn start_full(extra: &[&str], stdout: Stdio, env: &[(&str, &str)]) -> Server {
        let var = |name: &str| {
            std::env::var(name)
                .unwrap_or_else(|_| panic!("{name} is not set: run these tests with `make test`"))
        };
        let uri = var("GRAPHRPC_TEST_NEO4J_URI");
        let bolt_port: u16 = uri
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("the test URI ends with a port");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let addr = format!("127.0.0.1:{port}");
        let admin_port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let admin = format!("127.0.0.1:{admin_port}");
        let child = Command::new(env!("CARGO_BIN_EXE_graphrpc"))
            .args([
                "serve",
                "--admin-listen",
                &admin,
                "--listen",
                &addr,
                "--neo4j-uri",
                &uri,
                "--neo4j-username",
                "root",
            ])
            .args(["--neo4j-password", &var("GRAPHRPC_TEST_NEO4J_PASSWORD")])
            .args(["--neo4j-database", &var("GRAPHRPC_TEST_NEO4J_DATABASE")])
            .args(extra)
            .envs(env.iter().copied())
            .stdout(stdout)
            .spawn()
            .expect("start graphrpc");
        Server {
            child,
            addr,
            admin,
            bolt_port,
        }
    }

    async fn client(&self) -> GraphQueryServiceClient<Channel> {
        let started = Instant::now();
        loop {
            match Channel::from_shared(format!("http://{}", self.addr))
                .expect("uri")
                .connect()
                .await
            {
                Ok(channel) => return GraphQueryServiceClient::new(channel),
                Err(e) if started.elapsed() > Duration::from_secs(20) => {
                    panic!("graphrpc never listened: {e}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    fn pid(&self) -> i32 {
        i32::try_from(self.child.id()).expect("pid fits")
    }

    /// Established TCP connections from this process to the database's Bolt port, read
    /// from the kernel's socket tables: the process's own socket inodes, matched in
    /// /proc/net/tcp{,6}.
    fn bolt_connections(&self) -> usize {
        let mut inodes = HashSet::new();
        if let Ok(fds) = std::fs::read_dir(format!("/proc/{}/fd", self.pid())) {
            for fd in fds.flatten() {
                if let Ok(target) = std::fs::read_link(fd.path()) {
                    let target = target.to_string_lossy().into_owned();
                    if let Some(inode) = target
                        .strip_prefix("socket:[")
                        .and_then(|t| t.strip_suffix(']'))
                    {
                        inodes.insert(inode.to_owned());
                    }
                }
            }
        }
        let mut count = 0;
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            let Ok(text) = std::fs::read_to_string(table) else {
                continue;
            };
            for line in text.lines().skip(1) {
                let fields: Vec<&str> = line.split_whitespace().collect();
                if fields.len() < 10 {
                    continue;
                }
                let remote_port = fields[2]
                    .rsplit(':')
                    .next()
                    .and_then(|p| u16::from_str_radix(p, 16).ok());
                let established = fields[3] == "01";
                if established && remote_port == Some(self.bolt_port) && inodes.contains(fields[9])
                {
                    count += 1;
                }
            }
        }
        count
    }

    /// Resident memory in bytes.
    fn rss(&self) -> u64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid())).expect("status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kb| kb * 1024)
            .expect("VmRSS")
    }

    fn signal(&self, sig: signal::Signal) {
        signal::kill(Pid::from_raw(self.pid()), sig).expect("signal");
    }

    fn wait_exit(&mut self, within: Duration) -> std::process::ExitStatus {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                started.elapsed() < within,
                "graphrpc did not exit within {within:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn request(cypher: &str) -> pb::RunRequest {
    pb::RunRequest {
        cypher: cypher.to_owned(),
        ..Default::default()
    }
}

fn stream_request(cypher: &str) -> pb::RunStreamRequest {
    pb::RunStreamRequest {
        cypher: cypher.to_owned(),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_calls_never_open_more_bolt_connections_than_the_pool() {
    const POOL: usize = 8;
    let server = Server::start(&["--pool-size", "8"]);
    let client = server.client().await;
    client
        .clone()
        .run(request("RETURN 1"))
        .await
        .expect("warm-up");

    let calls = (0..200).map(|i| {
        let mut client = client.clone();
        tokio::spawn(async move {
            if i % 4 == 0 {
                let mut stream = client
                    .run_stream(pb::RunStreamRequest {
                        batch_size: 100,
                        ..stream_request("UNWIND range(1, 2000) AS x RETURN x")
                    })
                    .await?
                    .into_inner();
                while let Some(message) = stream.next().await {
                    message?;
                }
            } else {
                client
                    .run(request("UNWIND range(1, 20000) AS x RETURN sum(x) AS s"))
                    .await?;
            }
            Ok::<(), tonic::Status>(())
        })
    });
    let calls = tokio::spawn(futures::future::join_all(calls));

    let mut max_seen = 0;
    let mut samples = 0;
    while !calls.is_finished() {
        max_seen = max_seen.max(server.bolt_connections());
        samples += 1;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let results = calls.await.expect("calls");
    let failed: Vec<String> = results
        .into_iter()
        .filter_map(|r| r.expect("task").err().map(|s| format!("{s:?}")))
        .collect();
    assert!(
        failed.is_empty(),
        "{} calls failed: {:?}",
        failed.len(),
        &failed[..failed.len().min(3)]
    );
    eprintln!("pool bound: at most {max_seen} Bolt connections under 200 concurrent calls (pool {POOL} + the health probe's 1, {samples} samples)");
    assert!(max_seen >= 1, "the sampler never saw a Bolt connection");
    // The pool, and the health probe's one connection of its own (src/health.rs).
    assert!(
        max_seen <= POOL + 1,
        "{max_seen} Bolt connections > pool size {POOL} + the probe's 1"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_100_000_row_stream_to_a_slow_reader_stays_in_bounded_memory() {
    let server = Server::start(&["--fetch-size", "1000"]);
    let mut client = server.client().await;
    client.run(request("RETURN 1")).await.expect("warm-up");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let idle = server.rss();

    // 100 000 rows of about 1 KiB each: about 100 MiB if anything held the whole result.
    let pad = "x".repeat(1024);
    let mut params = std::collections::HashMap::new();
    params.insert(
        "pad".to_owned(),
        pb::Value {
            kind: Some(pb::value::Kind::String(pad)),
        },
    );
    let mut stream = client
        .run_stream(pb::RunStreamRequest {
            batch_size: 100,
            params,
            ..stream_request("UNWIND range(1, 100000) AS i RETURN i, $pad AS pad")
        })
        .await
        .expect("stream")
        .into_inner();
    let mut peak = idle;
    let mut rows = 0usize;
    let mut batches = 0usize;
    while let Some(message) = stream.next().await {
        if let Some(Message::Rows(batch)) = message.expect("ok").message {
            rows += batch.rows.len();
            batches += 1;
            if batches.is_multiple_of(5) {
                peak = peak.max(server.rss());
                // The slow reader: about 5 seconds for the whole result.
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
        }
    }
    assert_eq!(rows, 100_000);
    let growth = peak.saturating_sub(idle);
    eprintln!(
        "100 000-row stream (~100 MiB of rows), slow reader: server RSS idle {:.1} MiB, peak {:.1} MiB, growth {:.1} MiB",
        idle as f64 / 1048576.0,
        peak as f64 / 1048576.0,
        growth as f64 / 1048576.0
    );
    assert!(
        growth < 40 * 1024 * 1024,
        "RSS grew by {growth} bytes while streaming"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_and_sigint_drain_and_exit_zero() {
    for sig in [signal::Signal::SIGTERM, signal::Signal::SIGINT] {
        // A grace far above the statement's few seconds: on a loaded machine (load 20+ on two
        // cores) the statement alone took over 10 s and the drain rightly cut it off.
        let mut server = Server::start(&["--shutdown-grace", "60s"]);
        let mut client = server.client().await;
        client.run(request("RETURN 1")).await.expect("serving");
        let in_flight = tokio::spawn({
            let mut client = client.clone();
            async move {
                client
                    .run(request("UNWIND range(1, 3000000) AS i WITH i WHERE i % 1000 = 0 RETURN count(*) AS c"))
                    .await
            }
        });
        // Signalled once the call is in (not after a fixed pause): from the signal on, calls
        // that have not arrived are refused, and a loaded machine may be slow to send it.
        let admin = server.admin.clone();
        let arrived = tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            while started.elapsed() < Duration::from_secs(10) {
                let (_, metrics) = admin_get(&admin, "/metrics");
                if sample(&metrics, "graphrpc_rpc_in_flight").unwrap_or(0.0) >= 1.0 {
                    return true;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            false
        });
        assert!(arrived.await.expect("poller"), "the call never arrived");
        server.signal(sig);
        let signalled = std::time::Instant::now();
        let finished = in_flight.await.expect("task").unwrap_or_else(|e| {
            panic!(
                "the in-flight call failed {:?} after the signal: {e:?}",
                signalled.elapsed()
            )
        });
        assert_eq!(finished.into_inner().rows.len(), 1);
        let status = server.wait_exit(Duration::from_secs(15));
        assert_eq!(status.code(), Some(0), "{sig:?}: {status:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_the_catalog_and_a_bad_catalog_stops_start_up() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("catalog.yaml");
    let catalog = |name: &str| {
        format!(
            "queries:\n  - name: {name}\n    description: d\n    mode: read\n    cypher: RETURN $n AS n\n    parameters:\n      - {{name: n, type: integer, default: 7}}\n"
        )
    };
    let call = |name: &str| pb::RunNamedRequest {
        name: name.to_owned(),
        ..Default::default()
    };
    std::fs::write(&path, catalog("first")).expect("write");
    let path_arg = path.to_str().expect("utf-8");
    // Polling is an hour away: only SIGHUP reloads within this test.
    let server = Server::start(&["--catalog-file", path_arg, "--reload-interval", "1h"]);
    let mut client = server.client().await;
    let rows = client
        .run_named(call("first"))
        .await
        .expect("served")
        .into_inner()
        .rows;
    assert_eq!(rows[0].values[0].kind, Some(pb::value::Kind::Integer(7)));

    std::fs::write(&path, catalog("second")).expect("write");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let status = client
        .run_named(call("second"))
        .await
        .expect_err("not reloaded yet");
    assert_eq!(status.code(), tonic::Code::NotFound);

    server.signal(signal::Signal::SIGHUP);
    let started = Instant::now();
    loop {
        match client.run_named(call("second")).await {
            Ok(_) => break,
            Err(status) => {
                assert_eq!(status.code(), tonic::Code::NotFound, "{status:?}");
                assert!(
                    started.elapsed() < Duration::from_secs(5),
                    "SIGHUP did not reload the catalog"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    // A bad version on SIGHUP is refused: the process goes on serving the one in force.
    std::fs::write(&path, "queries: [").expect("write");
    server.signal(signal::Signal::SIGHUP);
    tokio::time::sleep(Duration::from_millis(300)).await;
    client
        .run_named(call("second"))
        .await
        .expect("the previous version stays");

    // At start-up the same file stops graphrpc, naming it.
    let output = Command::new(env!("CARGO_BIN_EXE_graphrpc"))
        // A port nothing listens on: start-up must fail before any login is tried.
        .args([
            "serve",
            "--neo4j-uri",
            "bolt://127.0.0.1:9",
            "--neo4j-password",
            "x",
        ])
        .args(["--catalog-file", path_arg])
        .output()
        .expect("run graphrpc");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("catalog {path_arg}: line ")),
        "{stderr}"
    );
}

#[test]
fn a_bad_setting_stops_start_up_naming_it() {
    let output = Command::new(env!("CARGO_BIN_EXE_graphrpc"))
        .args(["serve", "--neo4j-password", "x", "--pool-size", "0"])
        .output()
        .expect("run graphrpc");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("GRAPHRPC_POOL_SIZE"), "{stderr}");

    let output = Command::new(env!("CARGO_BIN_EXE_graphrpc"))
        .args([
            "serve",
            "--neo4j-password",
            "x",
            "--neo4j-uri",
            "mysql://db:3306",
        ])
        .output()
        .expect("run graphrpc");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("NEO4J_URI"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_json_log_line_per_call_with_method_code_and_duration_and_no_parameters() {
    let log = tempfile::NamedTempFile::new().expect("log file");
    let mut server = Server::start_logging_to(
        &[
            "--log-format",
            "json",
            "--log",
            "info",
            "--worker-threads",
            "3",
        ],
        Stdio::from(log.reopen().expect("log handle")),
    );
    let mut client = server.client().await;
    let secret = "parameter-value-that-must-not-be-logged";
    let mut params = std::collections::HashMap::new();
    params.insert(
        "s".to_owned(),
        pb::Value {
            kind: Some(pb::value::Kind::String(secret.into())),
        },
    );
    // The first call comes from a traced caller: its trace id goes into the log line.
    let mut traced = tonic::Request::new(pb::RunRequest {
        params: params.clone(),
        ..request("RETURN $s AS s")
    });
    traced.metadata_mut().insert(
        "traceparent",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
            .parse()
            .expect("ascii"),
    );
    client.run(traced).await.expect("ok call");
    client
        .run(pb::RunRequest {
            params,
            ..request("RETURN $s +")
        })
        .await
        .expect_err("syntax error");
    server.signal(signal::Signal::SIGTERM);
    assert_eq!(server.wait_exit(Duration::from_secs(15)).code(), Some(0));

    let text = std::fs::read_to_string(log.path()).expect("read log");
    assert!(!text.contains(secret), "a parameter value reached the log");
    assert!(
        text.lines()
            .any(|line| line.contains("WARN") && line.contains("graphrpc runs open")),
        "no warning that the service runs without an access file"
    );
    let entries: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).expect("every line is JSON"))
        .collect();
    let serving = entries
        .iter()
        .find(|entry| entry["message"] == "graphrpc serving")
        .expect("a start-up line");
    assert_eq!(
        serving["worker_threads"], 3,
        "GRAPHRPC_WORKER_THREADS is applied"
    );
    let calls: Vec<&serde_json::Value> = entries
        .iter()
        .filter(|entry| entry["message"] == "call")
        .collect();
    let codes: Vec<(&str, &str)> = calls
        .iter()
        .map(|c| {
            (
                c["method"].as_str().unwrap_or(""),
                c["code"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        codes,
        vec![
            ("/graphrpc.v1.GraphQueryService/Run", "OK"),
            ("/graphrpc.v1.GraphQueryService/Run", "INVALID_ARGUMENT")
        ]
    );
    assert!(calls
        .iter()
        .all(|c| c["duration_ms"].as_f64().is_some_and(|d| d >= 0.0)));
    // Each call line carries its request id (a new one here: the client sent none).
    let ids: Vec<&str> = calls
        .iter()
        .filter_map(|c| c["request_id"].as_str())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(
        ids.iter().all(|id| id.len() == 32) && ids[0] != ids[1],
        "{ids:?}"
    );
    assert_eq!(calls[0]["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
    assert_eq!(calls[1]["trace_id"], "", "an untraced call has no trace id");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_read_modify_write_example_moves_money_and_then_refuses() {
    let server = Server::start(&[]);
    let mut client = server.client().await;
    client
        .run(request(
            "MATCH (a:Account) WHERE a.name IN ['alice', 'bob'] DETACH DELETE a",
        ))
        .await
        .expect("clean accounts");
    // Examples are built next to the test binaries (target/<profile>/examples).
    let example = std::env::current_exe()
        .expect("test binary")
        .parent()
        .and_then(|deps| deps.parent())
        .map(|profile| profile.join("examples/read_modify_write"))
        .expect("examples folder");
    let run = |amount: &str| {
        Command::new(&example)
            .args([format!("http://{}", server.addr), amount.to_owned()])
            .output()
            .expect("run the example")
    };
    let moved = run("60");
    assert!(
        moved.status.success(),
        "{}",
        String::from_utf8_lossy(&moved.stderr)
    );
    assert!(String::from_utf8_lossy(&moved.stdout).contains("committed"));
    let refused = run("60");
    assert!(
        refused.status.success(),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(String::from_utf8_lossy(&refused.stdout).contains("rolled back"));

    let balances = client
        .run(request("MATCH (a:Account) WHERE a.name IN ['alice', 'bob'] RETURN a.name AS n, a.balance AS b ORDER BY n"))
        .await
        .expect("balances")
        .into_inner();
    let values: Vec<_> = balances.rows.iter().map(|r| r.values[1].clone()).collect();
    let int = |i| pb::Value {
        kind: Some(pb::value::Kind::Integer(i)),
    };
    assert_eq!(values, vec![int(40), int(60)]);
}

/// One plain HTTP/1.1 GET to the admin listener: (status code, body).
fn admin_get(admin: &str, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(admin).expect("admin listener");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {admin}\r\nConnection: close\r\n\r\n"
    )
    .expect("request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("response");
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("a status line");
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// The value of one sample in Prometheus text, e.g. `name{a="b"}`.
fn sample(metrics: &str, series: &str) -> Option<f64> {
    metrics
        .lines()
        .find(|line| line.starts_with(series) && line[series.len()..].starts_with(' '))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_exactly_what_happened_and_the_pool_returns_to_idle() {
    let server = Server::start(&[]);
    let mut client = server.client().await;
    for i in 0..3 {
        client
            .run(request(&format!("RETURN {i} AS i")))
            .await
            .expect("ok");
    }
    client
        .run(request("RETURN 1 +"))
        .await
        .expect_err("syntax error");
    let mut stream = client
        .run_stream(stream_request("UNWIND range(1, 10) AS i RETURN i"))
        .await
        .expect("stream")
        .into_inner();
    while let Some(message) = stream.next().await {
        message.expect("ok");
    }

    let admin = server.admin.clone();
    assert_eq!(admin_get(&admin, "/livez").0, 200);
    let mut ready = 0;
    for _ in 0..50 {
        ready = admin_get(&admin, "/readyz").0;
        if ready == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(ready, 200, "/readyz while the database answers");

    // The pool gauges are read at scrape time; give the last connection a moment to return.
    let mut text = String::new();
    for _ in 0..50 {
        text = admin_get(&admin, "/metrics").1;
        if sample(&text, r#"graphrpc_db_pool_connections{state="in_use"}"#) == Some(0.0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The Bolt version the pool negotiated: the pin, else the newest the local database
    // speaks (5.4).
    let expected_bolt = match std::env::var("GRAPHRPC_BOLT_VERSION").as_deref() {
        Ok("auto") | Err(_) => 5.4,
        Ok(pinned) => pinned.parse().expect("a version like 4.4"),
    };
    assert_eq!(
        sample(&text, "graphrpc_db_bolt_version"),
        Some(expected_bolt),
        "{text}"
    );
    let run = r#"rpc_method="/graphrpc.v1.GraphQueryService/Run""#;
    let stream_method = r#"rpc_method="/graphrpc.v1.GraphQueryService/RunStream""#;
    assert_eq!(
        sample(
            &text,
            &format!(r#"graphrpc_rpc_calls_total{{{run},grpc_code="OK"}}"#)
        ),
        Some(3.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            &format!(r#"graphrpc_rpc_calls_total{{{run},grpc_code="INVALID_ARGUMENT"}}"#)
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            &format!(r#"graphrpc_rpc_calls_total{{{stream_method},grpc_code="OK"}}"#)
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            &format!(r#"graphrpc_rpc_duration_seconds_count{{{run}}}"#)
        ),
        Some(4.0)
    );
    // One label form for every metric: the full method path.
    assert_eq!(
        sample(&text, &format!("graphrpc_rows_sent_total{{{run}}}")),
        Some(3.0)
    );
    assert_eq!(
        sample(
            &text,
            &format!("graphrpc_rows_sent_total{{{stream_method}}}")
        ),
        Some(10.0)
    );
    assert!(!text.contains(r#"rpc_method="Run""#), "{text}");
    assert_eq!(
        sample(
            &text,
            r#"graphrpc_db_errors_total{neo4j_code="Neo.ClientError.Statement.SyntaxError"}"#
        ),
        Some(1.0)
    );
    // Exactly the five statements, the failed one included; the health probes, which ran
    // meanwhile, have a metric of their own.
    assert_eq!(
        sample(&text, "graphrpc_db_statement_duration_seconds_count"),
        Some(5.0),
        "{text}"
    );
    assert!(
        sample(&text, r#"graphrpc_health_probes_total{result="up"}"#).is_some_and(|n| n >= 1.0)
    );
    assert!(sample(
        &text,
        r#"graphrpc_rpc_response_bytes_total{rpc_method="/graphrpc.v1.GraphQueryService/RunStream"}"#
    )
    .is_some_and(|n| n > 0.0));
    assert_eq!(sample(&text, "graphrpc_rpc_in_flight"), Some(0.0));
    assert_eq!(
        sample(&text, r#"graphrpc_db_pool_connections{state="in_use"}"#),
        Some(0.0)
    );
    assert!(
        sample(&text, r#"graphrpc_db_pool_connections{state="idle"}"#).is_some_and(|n| n >= 1.0)
    );
    assert_eq!(
        sample(&text, "graphrpc_db_pool_max_connections"),
        Some(16.0)
    );
    assert!(
        text.contains("# HELP graphrpc_rpc_calls_total"),
        "metrics are described"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_concurrency_limit_calls_are_shed_at_once_and_service_resumes() {
    const LIMIT: usize = 3;
    const EXTRA: usize = 2;
    let server = Server::start(&["--max-concurrent-calls", "3", "--retry-pushback", "300ms"]);
    let client = server.client().await;
    let slow = "UNWIND range(1, 3000000) AS i WITH i WHERE i % 1000 = 0 RETURN count(*) AS c";
    let holders: Vec<_> = (0..LIMIT)
        .map(|_| {
            let mut client = client.clone();
            tokio::spawn(async move { client.run(request(slow)).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(400)).await;

    let started = Instant::now();
    let extra: Vec<_> = (0..EXTRA)
        .map(|_| {
            let mut client = client.clone();
            tokio::spawn(async move { client.run(request("RETURN 1")).await })
        })
        .collect();
    for call in extra {
        let status = call.await.expect("task").expect_err("shed");
        assert_eq!(status.code(), tonic::Code::ResourceExhausted, "{status:?}");
        assert_eq!(
            status
                .metadata()
                .get("grpc-retry-pushback-ms")
                .and_then(|v| v.to_str().ok()),
            Some("300")
        );
    }
    let shed_in = started.elapsed();
    assert!(
        shed_in < Duration::from_millis(500),
        "shedding took {shed_in:?}: calls queued"
    );

    for holder in holders {
        holder
            .await
            .expect("task")
            .expect("the calls within the limit finish");
    }
    let mut client = client.clone();
    client
        .run(request("RETURN 1"))
        .await
        .expect("service resumes");
    let text = admin_get(&server.admin, "/metrics").1;
    assert_eq!(
        sample(
            &text,
            r#"graphrpc_load_shed_total{rpc_method="/graphrpc.v1.GraphQueryService/Run"}"#
        ),
        Some(EXTRA as f64)
    );
}

mod otlp {
    //! An in-test OTLP collector: a tonic server implementing the OTLP trace service from
    //! the opentelemetry-proto definitions, keeping every span it receives.

    use std::sync::{Arc, Mutex};

    use opentelemetry_proto::tonic::{
        collector::trace::v1::{
            trace_service_server::{TraceService, TraceServiceServer},
            ExportTraceServiceRequest, ExportTraceServiceResponse,
        },
        trace::v1::Span,
    };

    /// A received span with its resource's attributes.
    pub type Received = (Vec<opentelemetry_proto::tonic::common::v1::KeyValue>, Span);

    #[derive(Clone, Default)]
    pub struct Collector {
        pub spans: Arc<Mutex<Vec<Received>>>,
    }

    #[tonic::async_trait]
    impl TraceService for Collector {
        async fn export(
            &self,
            request: tonic::Request<ExportTraceServiceRequest>,
        ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
            let mut spans = self.spans.lock().expect("lock");
            for resource_spans in request.into_inner().resource_spans {
                let resource = resource_spans
                    .resource
                    .map(|r| r.attributes)
                    .unwrap_or_default();
                for scope in resource_spans.scope_spans {
                    for span in scope.spans {
                        spans.push((resource.clone(), span));
                    }
                }
            }
            Ok(tonic::Response::new(ExportTraceServiceResponse {
                partial_success: None,
            }))
        }
    }

    /// Starts the collector on a free port; returns it and its endpoint URL.
    pub async fn start() -> (Collector, String) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
        let collector = Collector::default();
        let service = TraceServiceServer::new(collector.clone());
        tokio::spawn(
            tonic::transport::Server::builder()
                .add_service(service)
                .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
        );
        (collector, endpoint)
    }

    pub fn attribute(
        attributes: &[opentelemetry_proto::tonic::common::v1::KeyValue],
        key: &str,
    ) -> Option<String> {
        use opentelemetry_proto::tonic::common::v1::any_value::Value;
        attributes.iter().find(|kv| kv.key == key).and_then(|kv| {
            match kv.value.as_ref()?.value.as_ref()? {
                Value::StringValue(s) => Some(s.clone()),
                Value::IntValue(i) => Some(i.to_string()),
                Value::BoolValue(b) => Some(b.to_string()),
                Value::DoubleValue(d) => Some(d.to_string()),
                _ => None,
            }
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spans_join_the_callers_trace_and_reach_an_otlp_collector_on_shutdown() {
    let (collector, endpoint) = otlp::start().await;
    let mut server = Server::start_full(
        &["--log", "warn"],
        Stdio::null(),
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_SERVICE_NAME", "graphrpc-under-test"),
            ("OTEL_TRACES_SAMPLER", "always_on"),
            ("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=test"),
        ],
    );
    let mut client = server.client().await;

    // The caller's span: trace 0af7…, span b7ad….
    let trace_id = "0af7651916cd43dd8448eb211c80319c";
    let caller_span = "b7ad6b7169203331";
    let secret = "parameter-value-never-traced";
    let mut params = std::collections::HashMap::new();
    params.insert(
        "s".to_owned(),
        pb::Value {
            kind: Some(pb::value::Kind::String(secret.into())),
        },
    );
    let mut call = tonic::Request::new(pb::RunRequest {
        params,
        ..request("RETURN $s AS s")
    });
    call.metadata_mut().insert(
        "traceparent",
        format!("00-{trace_id}-{caller_span}-01")
            .parse()
            .expect("ascii"),
    );
    call.metadata_mut()
        .insert("x-request-id", "req-42".parse().expect("ascii"));
    let response = client.run(call).await.expect("run");
    assert_eq!(
        response
            .metadata()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("req-42")
    );

    // Shutdown flushes the spans still buffered.
    server.signal(signal::Signal::SIGTERM);
    assert_eq!(server.wait_exit(Duration::from_secs(15)).code(), Some(0));

    let spans = collector.spans.lock().expect("lock").clone();
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let rpc = spans
        .iter()
        .find(|(_, s)| s.name == "graphrpc.v1.GraphQueryService/Run")
        .unwrap_or_else(|| {
            panic!(
                "no RPC span among {:?}",
                spans.iter().map(|(_, s)| &s.name).collect::<Vec<_>>()
            )
        });
    let (resource, rpc) = rpc;
    assert_eq!(
        otlp::attribute(resource, "service.name").as_deref(),
        Some("graphrpc-under-test")
    );
    assert_eq!(
        otlp::attribute(resource, "deployment.environment").as_deref(),
        Some("test")
    );
    assert_eq!(
        hex(&rpc.trace_id),
        trace_id,
        "the RPC span joins the caller's trace"
    );
    assert_eq!(
        hex(&rpc.parent_span_id),
        caller_span,
        "the RPC span is the caller's child"
    );
    assert_eq!(rpc.kind, 2, "SERVER");
    for (key, value) in [
        ("rpc.system", "grpc"),
        ("rpc.service", "graphrpc.v1.GraphQueryService"),
        ("rpc.method", "Run"),
        ("rpc.grpc.status_code", "0"),
        ("request_id", "req-42"),
    ] {
        assert_eq!(
            otlp::attribute(&rpc.attributes, key).as_deref(),
            Some(value),
            "{key}"
        );
    }

    let db = spans
        .iter()
        .map(|(_, s)| s)
        .find(|s| s.parent_span_id == rpc.span_id)
        .expect("a database span under the RPC span");
    assert_eq!(hex(&db.trace_id), trace_id);
    assert_eq!(db.kind, 3, "CLIENT");
    assert_eq!(
        db.name,
        format!(
            "RETURN {}",
            std::env::var("GRAPHRPC_TEST_NEO4J_DATABASE").expect("db")
        )
    );
    for (key, value) in [
        ("db.system.name", "neo4j".to_owned()),
        ("db.operation.name", "RETURN".to_owned()),
        (
            "db.namespace",
            std::env::var("GRAPHRPC_TEST_NEO4J_DATABASE").expect("db"),
        ),
        ("server.address", "127.0.0.1".to_owned()),
    ] {
        assert_eq!(otlp::attribute(&db.attributes, key), Some(value), "{key}");
    }
    assert_eq!(
        otlp::attribute(&db.attributes, "db.query.text"),
        None,
        "statement text is off by default"
    );
    assert!(
        !format!("{spans:?}").contains(secret),
        "a parameter value reached a span"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_standard_sampler_variable_is_honoured() {
    let (collector, endpoint) = otlp::start().await;
    let mut server = Server::start_full(
        &["--log", "warn"],
        Stdio::null(),
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_TRACES_SAMPLER", "always_off"),
        ],
    );
    let mut client = server.client().await;
    client.run(request("RETURN 1")).await.expect("run");
    server.signal(signal::Signal::SIGTERM);
    assert_eq!(server.wait_exit(Duration::from_secs(15)).code(), Some(0));
    assert!(
        collector.spans.lock().expect("lock").is_empty(),
        "always_off exported spans"
    );
}

/// A request with a bearer token, as any gRPC client sends it.
fn with_token(message: pb::RunRequest, token: &str) -> tonic::Request<pb::RunRequest> {
    let mut request = tonic::Request::new(message);
    let value = format!("Bearer {token}").parse().expect("ascii token");
    request.metadata_mut().insert("authorization", value);
    request
}

fn token_entry(principal: &str, token: &str) -> String {
    use sha2::Digest as _;
    format!(
        "  - principal: {principal}\n    sha256: {}\n    role: writer\n    raw_cypher: true\n",
        hex::encode(sha2::Sha256::digest(token.as_bytes()))
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_the_access_file_and_no_secret_reaches_the_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let access = dir.path().join("access.yaml");
    let (first, second) = ("first-token-c0ffee-4411", "second-token-beef-9902");
    let near_miss = "first-token-c0ffee-4412";
    std::fs::write(&access, format!("tokens:\n{}", token_entry("etl", first))).expect("write");
    let log = tempfile::NamedTempFile::new().expect("log file");
    // Debug level everywhere: the HTTP/2 and driver crates' own logging included.
    let mut server = Server::start_logging_to(
        &[
            "--log-format",
            "json",
            "--log",
            "debug",
            "--access-file",
            access.to_str().expect("utf-8"),
            // Only SIGHUP reloads within this test.
            "--reload-interval",
            "1h",
        ],
        Stdio::from(log.reopen().expect("log handle")),
    );
    let mut client = server.client().await;
    client
        .run(with_token(request("RETURN 1"), first))
        .await
        .expect("a known token");
    for token in [near_miss, second] {
        let status = client
            .run(with_token(request("RETURN 1"), token))
            .await
            .expect_err("unknown token");
        assert_eq!(status.code(), tonic::Code::Unauthenticated);
    }

    std::fs::write(
        &access,
        format!(
            "tokens:\n{}{}",
            token_entry("etl", first),
            token_entry("loader", second)
        ),
    )
    .expect("write");
    server.signal(signal::Signal::SIGHUP);
    let deadline = Instant::now() + Duration::from_secs(10);
    while client
        .run(with_token(request("RETURN 1"), second))
        .await
        .is_err()
    {
        assert!(
            Instant::now() < deadline,
            "SIGHUP did not reload the access file"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.signal(signal::Signal::SIGTERM);
    assert_eq!(server.wait_exit(Duration::from_secs(15)).code(), Some(0));

    let text = std::fs::read_to_string(log.path()).expect("read log");
    let password = std::env::var("GRAPHRPC_TEST_NEO4J_PASSWORD").expect("password");
    for secret in [first, second, near_miss, password.as_str()] {
        assert!(!text.contains(secret), "`{secret}` reached the log");
    }
    assert!(
        text.lines().count() > 10,
        "debug logging produced little: {text}"
    );
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("every line is JSON"))
        .collect();
    assert!(
        lines.iter().any(|l| l["message"]
            .as_str()
            .is_some_and(|m| m.contains("reloaded access file"))),
        "the reload is logged"
    );
    let principals: Vec<&str> = lines
        .iter()
        .filter(|l| l["message"] == "call")
        .map(|l| l["principal"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(principals.first(), Some(&"etl"), "{principals:?}");
    assert_eq!(
        principals.get(1),
        Some(&""),
        "an unauthenticated call names nobody"
    );
    assert_eq!(principals.last(), Some(&"loader"), "{principals:?}");
}

/// A TLS connection to the real binary trusting only `ca`; the call's outcome as text.
async fn tls_return_1(addr: &str, ca: &certs::Ca) -> Result<(), String> {
    let tls = tonic::transport::ClientTlsConfig::new()
        .ca_certificate(tonic::transport::Certificate::from_pem(ca.pem()))
        .domain_name("localhost");
    let channel = Channel::from_shared(format!("https://{addr}"))
        .expect("uri")
        .tls_config(tls)
        .expect("tls")
        .connect_timeout(Duration::from_secs(5))
        .connect()
        .await
        .map_err(|e| format!("connect: {e:?}"))?;
    GraphQueryServiceClient::new(channel)
        .run(request("RETURN 1"))
        .await
        .map(drop)
        .map_err(|e| format!("call: {e:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_serves_tls_and_sighup_swaps_its_certificate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (cert_file, key_file) = (dir.path().join("tls.crt"), dir.path().join("tls.key"));
    let install = |ca: &certs::Ca| {
        let leaf = ca.server("graphrpc");
        std::fs::write(&cert_file, &leaf.cert).expect("write cert");
        std::fs::write(&key_file, &leaf.key).expect("write key");
    };
    let (old_ca, new_ca) = (certs::Ca::new("old CA"), certs::Ca::new("new CA"));
    install(&old_ca);
    let mut server = Server::start(&[
        "--tls-cert-file",
        cert_file.to_str().expect("utf-8"),
        "--tls-key-file",
        key_file.to_str().expect("utf-8"),
        // Only SIGHUP reloads within this test.
        "--reload-interval",
        "1h",
    ]);
    let started = Instant::now();
    while let Err(e) = tls_return_1(&server.addr, &old_ca).await {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "never served TLS: {e}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Plaintext h2c to a TLS port fails.
    let plain = Channel::from_shared(format!("http://{}", server.addr))
        .expect("uri")
        .connect()
        .await;
    if let Ok(channel) = plain {
        GraphQueryServiceClient::new(channel)
            .run(request("RETURN 1"))
            .await
            .expect_err("plaintext to a TLS listener");
    }

    install(&new_ca);
    assert!(
        tls_return_1(&server.addr, &new_ca).await.is_err(),
        "the new certificate was served before any reload"
    );
    server.signal(signal::Signal::SIGHUP);
    let swapped = Instant::now();
    while let Err(e) = tls_return_1(&server.addr, &new_ca).await {
        assert!(
            swapped.elapsed() < Duration::from_secs(10),
            "SIGHUP did not reload: {e}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(tls_return_1(&server.addr, &old_ca).await.is_err());
    server.signal(signal::Signal::SIGTERM);
    assert_eq!(server.wait_exit(Duration::from_secs(15)).code(), Some(0));
}
