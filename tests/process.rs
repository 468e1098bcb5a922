//! The real `graphrpc` binary as a separate process, observed from outside: its Bolt
//! sockets, its memory, its exit on signals. Needs the database `make test` starts.

use std::{
    collections::HashSet,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use graphrpc::proto::v1::{
    self as pb, graph_query_client::GraphQueryClient, run_stream_response::Message,
};
use nix::{sys::signal, unistd::Pid};
use tokio_stream::StreamExt;
use tonic::transport::Channel;

struct Server {
    child: Child,
    addr: String,
    bolt_port: u16,
}

impl Server {
    fn start(extra: &[&str]) -> Server {
        let mut args = vec!["--log", "warn"];
        args.extend_from_slice(extra);
        Self::start_logging_to(&args, Stdio::null())
    }

    fn start_logging_to(extra: &[&str], stdout: Stdio) -> Server {
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
        let child = Command::new(env!("CARGO_BIN_EXE_graphrpc"))
            .args([
                "serve",
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
            .stdout(stdout)
            .spawn()
            .expect("start graphrpc");
        Server {
            child,
            addr,
            bolt_port,
        }
    }

    async fn client(&self) -> GraphQueryClient<Channel> {
        let started = Instant::now();
        loop {
            match Channel::from_shared(format!("http://{}", self.addr))
                .expect("uri")
                .connect()
                .await
            {
                Ok(channel) => return GraphQueryClient::new(channel),
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
                    .run_stream(pb::RunRequest {
                        batch_size: 100,
                        ..request("UNWIND range(1, 2000) AS x RETURN x")
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
    eprintln!("pool bound: at most {max_seen} Bolt connections under 200 concurrent calls (pool {POOL}, {samples} samples)");
    assert!(max_seen >= 1, "the sampler never saw a Bolt connection");
    assert!(
        max_seen <= POOL,
        "{max_seen} Bolt connections > pool size {POOL}"
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
        .run_stream(pb::RunRequest {
            batch_size: 100,
            params,
            ..request("UNWIND range(1, 100000) AS i RETURN i, $pad AS pad")
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
        let mut server = Server::start(&["--shutdown-grace", "10s"]);
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
        tokio::time::sleep(Duration::from_millis(200)).await;
        server.signal(sig);
        let finished = in_flight
            .await
            .expect("task")
            .expect("the in-flight call finished");
        assert_eq!(finished.into_inner().rows.len(), 1);
        let status = server.wait_exit(Duration::from_secs(15));
        assert_eq!(status.code(), Some(0), "{sig:?}: {status:?}");
    }
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
        &["--log-format", "json", "--log", "info"],
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
    client
        .run(pb::RunRequest {
            params: params.clone(),
            ..request("RETURN $s AS s")
        })
        .await
        .expect("ok call");
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
    let calls: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).expect("every line is JSON"))
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
            ("/graphrpc.v1.GraphQuery/Run", "OK"),
            ("/graphrpc.v1.GraphQuery/Run", "INVALID_ARGUMENT")
        ]
    );
    assert!(calls
        .iter()
        .all(|c| c["duration_ms"].as_f64().is_some_and(|d| d >= 0.0)));
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
