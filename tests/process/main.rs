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

#[path = "../support/certs.rs"]
mod certs;

/// Telemetry conventions, cardinality and start-up metrics, against the in-test collector.
mod telemetry;

/// Signals, reloads (SIGHUP of the catalog, the access file, the certificate), bad settings.
mod lifecycle;
/// The JSON call log and the documented read-modify-write example.
mod logs;
/// /metrics, and shedding past the concurrency limit.
mod metrics;
/// Bolt connections and memory under load.
mod resources;
/// Spans to an OTLP collector and the sampler variable.
mod traces;

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
