//! graphrpc's load generator: the same workloads through graphrpc (gRPC, tonic client) or
//! straight through neo4rs (the limit: no gRPC in between), at a fixed concurrency for a
//! fixed duration, with random ids from a seeded RNG and latencies in an HDR histogram.
//!
//!   loadgen grpc   --addr http://127.0.0.1:50051 --workload point --concurrency 32 --duration 10s
//!   loadgen direct --uri bolt://127.0.0.1:7687 --password PW --database graph --pool-size 16 ...
//!   loadgen frame  --workload point --id 4242 > run.bin   (a gRPC-framed RunRequest for h2load)
//!   loadgen idle-streams --addr http://127.0.0.1:50051 --count 1000 --hold 5s
//!
//! It prints one JSON object (and writes it to --json when given). It exits non-zero when a
//! request failed or none completed, so a smoke run cannot pass silently.

use std::{
    io::Write,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use anyhow::{anyhow, bail, Context};
use clap::{Args, Parser, Subcommand, ValueEnum};
use graphrpc::proto::v1::{
    graph_query_service_client::GraphQueryServiceClient, run_stream_response::Message, value::Kind,
    AccessMode, RunRequest, RunStreamRequest, TransactionRequest, Value,
};
use hdrhistogram::Histogram;
use neo4rs::{ConfigBuilder, Graph, Query};
use prost::Message as _;
use tokio::time::{timeout_at, Instant};
use tonic::transport::{Channel, Endpoint};

#[derive(Parser)]
#[command(name = "loadgen", about = "graphrpc benchmark load generator")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load graphrpc through its gRPC API (Run for unary workloads, RunStream for `stream`).
    Grpc {
        /// graphrpc's address.
        #[arg(long, default_value = "http://127.0.0.1:50051")]
        addr: String,
        /// HTTP/2 connections to spread the workers over (1: one multiplexed connection,
        /// as a typical service client holds).
        #[arg(long, default_value_t = 1)]
        connections: usize,
        #[command(flatten)]
        load: Load,
    },
    /// Issue the same statements directly with neo4rs, no gRPC in between.
    Direct {
        #[arg(long, default_value = "bolt://127.0.0.1:7687")]
        uri: String,
        #[arg(long, default_value = "root")]
        user: String,
        #[arg(long, env = "LOADGEN_NEO4J_PASSWORD", default_value = "")]
        password: String,
        #[arg(long, default_value = "graph")]
        database: String,
        /// Most Bolt connections (use graphrpc's --pool-size).
        #[arg(long, default_value_t = 16)]
        pool_size: usize,
        /// Records per PULL (graphrpc's default --fetch-size is 1000).
        #[arg(long, default_value_t = 1000)]
        fetch_size: usize,
        #[command(flatten)]
        load: Load,
    },
    /// Open this many Transaction streams that send nothing (idle calls), hold them, print
    /// `open N` on stdout once they are all answered, then one JSON object when done.
    IdleStreams {
        #[arg(long, default_value = "http://127.0.0.1:50051")]
        addr: String,
        #[arg(long, default_value_t = 1000)]
        count: usize,
        /// Streams per HTTP/2 connection (graphrpc allows 256 by default).
        #[arg(long, default_value_t = 200)]
        per_connection: usize,
        #[arg(long, default_value = "5s", value_parser = parse_duration)]
        hold: Duration,
    },
    /// Write a gRPC length-prefixed frame of one serialized RunRequest to stdout.
    Frame {
        #[arg(long, value_enum)]
        workload: Workload,
        /// The id for `point` and `twohop`.
        #[arg(long, default_value_t = 4242)]
        id: i64,
        #[arg(long, default_value_t = 1_000_000)]
        stream_rows: u64,
    },
}

#[derive(Args, Clone)]
struct Load {
    #[arg(long, value_enum)]
    workload: Workload,
    #[arg(long, default_value_t = 1)]
    concurrency: usize,
    /// How long to load, e.g. 10s or 500ms.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    duration: Duration,
    /// Seed for the random ids (worker i uses seed + i).
    #[arg(long, default_value_t = 20240909)]
    seed: u64,
    /// Ids are drawn uniformly from 1..=max-id.
    #[arg(long, default_value_t = 10_000)]
    max_id: i64,
    /// Use this id for every request instead of random ones (the h2load cross-check).
    #[arg(long)]
    fixed_id: Option<i64>,
    /// Rows in the `stream` workload.
    #[arg(long, default_value_t = 1_000_000)]
    stream_rows: u64,
    /// Accept point lookups that find nothing (a database without the benchmark graph).
    #[arg(long)]
    allow_empty: bool,
    /// Let the requests in flight at the end of the run finish instead of cutting them off,
    /// and count throughput over the time the last one took. For the 1M-row stream: a
    /// stream cut off mid-way leaves ArcadeDB working on it into the next system's run.
    #[arg(long)]
    complete: bool,
    /// Write the JSON result here too.
    #[arg(long)]
    json: Option<std::path::PathBuf>,
    /// A label copied into the JSON (the system's name in the report).
    #[arg(long, default_value = "")]
    label: String,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Workload {
    /// RETURN 1
    Return1,
    /// A Person by its indexed id.
    Point,
    /// Friends of friends of a Person (DISTINCT, LIMIT 50).
    Twohop,
    /// UNWIND range(1, N): N rows of (integer, string).
    Stream,
}

impl Workload {
    fn name(self) -> &'static str {
        match self {
            Workload::Return1 => "return1",
            Workload::Point => "point",
            Workload::Twohop => "twohop",
            Workload::Stream => "stream",
        }
    }

    /// The statement; graphrpc and the direct driver run exactly this text.
    fn cypher(self, stream_rows: u64) -> String {
        match self {
            Workload::Return1 => "RETURN 1 AS x".into(),
            Workload::Point => {
                "MATCH (p:Person {id: $id}) RETURN p.id AS id, p.name AS name, p.age AS age".into()
            }
            Workload::Twohop => {
                "MATCH (p:Person {id: $id})-[:KNOWS]->(:Person)-[:KNOWS]->(f:Person) \
                 WHERE f.id <> $id RETURN DISTINCT f.id AS id, f.name AS name LIMIT 50"
                    .into()
            }
            Workload::Stream => {
                format!("UNWIND range(1, {stream_rows}) AS i RETURN i, 'row-' + toString(i) AS s")
            }
        }
    }

    fn takes_id(self) -> bool {
        matches!(self, Workload::Point | Workload::Twohop)
    }
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, scale) = if let Some(n) = text.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('m') {
        (n, 60.0)
    } else {
        (text, 1.0)
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("not a duration: {text:?} (e.g. 10s, 500ms)"))?;
    Ok(Duration::from_secs_f64(value * scale))
}

fn run_request(workload: Workload, id: i64, stream_rows: u64) -> RunRequest {
    let mut request = RunRequest {
        cypher: workload.cypher(stream_rows),
        access_mode: AccessMode::Read as i32,
        ..Default::default()
    };
    if workload.takes_id() {
        request.params.insert(
            "id".into(),
            Value {
                kind: Some(Kind::Integer(id)),
            },
        );
    }
    request
}

/// The same statement for RunStream, whose request message is its own.
fn stream_request(run: RunRequest) -> RunStreamRequest {
    RunStreamRequest {
        cypher: run.cypher,
        params: run.params,
        access_mode: run.access_mode,
        ..Default::default()
    }
}

/// What one worker measured.
struct WorkerResult {
    histogram: Histogram<u64>,
    completed: u64,
    rows: u64,
    errors: u64,
    first_error: Option<String>,
}

/// One request: returns the rows it received. `progress` counts rows as they arrive, so
/// that a stream cut off at the end of the run still counts what it delivered.
type Exec =
    Arc<dyn Fn(i64, Arc<AtomicU64>) -> futures_like::BoxFuture<anyhow::Result<u64>> + Send + Sync>;

mod futures_like {
    pub type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>;
}

fn check_rows(load: &Load, rows: u64) -> anyhow::Result<u64> {
    let ok = match load.workload {
        Workload::Return1 => rows == 1,
        Workload::Point => rows == 1 || (load.allow_empty && rows == 0),
        Workload::Twohop => rows <= 50,
        Workload::Stream => rows == load.stream_rows,
    };
    if ok {
        Ok(rows)
    } else {
        Err(anyhow!(
            "{}: unexpected row count {rows}",
            load.workload.name()
        ))
    }
}

async fn run_load(load: &Load, execs: Vec<Exec>) -> anyhow::Result<serde_json::Value> {
    let start = Instant::now();
    let deadline = start + load.duration;
    let mut workers = Vec::new();
    for worker in 0..load.concurrency {
        let exec = execs[worker % execs.len()].clone();
        let load = load.clone();
        workers.push(tokio::spawn(async move {
            let mut rng = fastrand::Rng::with_seed(load.seed.wrapping_add(worker as u64));
            let mut result = WorkerResult {
                histogram: Histogram::new_with_bounds(1, 3_600_000_000, 3).unwrap(),
                completed: 0,
                rows: 0,
                errors: 0,
                first_error: None,
            };
            let progress = Arc::new(AtomicU64::new(0));
            while Instant::now() < deadline {
                let id = load.fixed_id.unwrap_or_else(|| rng.i64(1..=load.max_id));
                progress.store(0, Ordering::Relaxed);
                let began = Instant::now();
                let request = exec(id, progress.clone());
                let outcome = if load.complete {
                    Ok(request.await)
                } else {
                    timeout_at(deadline, request).await
                };
                match outcome {
                    // Cut off by the end of the run: not a completed request, but its rows
                    // were delivered.
                    Err(_) => {
                        result.rows += progress.load(Ordering::Relaxed);
                        break;
                    }
                    Ok(outcome) => match outcome.and_then(|rows| check_rows(&load, rows)) {
                        Ok(rows) => {
                            let micros = began.elapsed().as_micros() as u64;
                            result.histogram.saturating_record(micros.max(1));
                            result.completed += 1;
                            result.rows += rows;
                        }
                        Err(e) => {
                            result.errors += 1;
                            result.first_error.get_or_insert_with(|| format!("{e:#}"));
                        }
                    },
                }
            }
            result
        }));
    }
    let mut histogram = Histogram::<u64>::new_with_bounds(1, 3_600_000_000, 3)?;
    let (mut completed, mut rows, mut errors, mut first_error) = (0, 0, 0, None);
    for worker in workers {
        let r = worker.await?;
        histogram.add(&r.histogram)?;
        completed += r.completed;
        rows += r.rows;
        errors += r.errors;
        if first_error.is_none() {
            first_error = r.first_error;
        }
    }
    // Requests let finish past the end (--complete) count over the time they took.
    let elapsed = if load.complete {
        start
            .elapsed()
            .as_secs_f64()
            .max(load.duration.as_secs_f64())
    } else {
        load.duration.as_secs_f64()
    };
    let quantile = |q: f64| {
        if histogram.is_empty() {
            serde_json::Value::Null
        } else {
            histogram.value_at_quantile(q).into()
        }
    };
    Ok(serde_json::json!({
        "label": load.label,
        "workload": load.workload.name(),
        "concurrency": load.concurrency,
        "duration_s": elapsed,
        "requests": completed,
        "errors": errors,
        "first_error": first_error,
        "rows": rows,
        "requests_per_s": completed as f64 / elapsed,
        "rows_per_s": rows as f64 / elapsed,
        "latency_us": {
            "p50": quantile(0.50),
            "p90": quantile(0.90),
            "p99": quantile(0.99),
            "p999": quantile(0.999),
            "max": if histogram.is_empty() { serde_json::Value::Null } else { histogram.max().into() },
            "mean": if histogram.is_empty() { serde_json::Value::Null } else { histogram.mean().into() },
        },
    }))
}

async fn grpc_execs(addr: &str, connections: usize, load: &Load) -> anyhow::Result<Vec<Exec>> {
    let mut execs: Vec<Exec> = Vec::new();
    for _ in 0..connections.max(1) {
        let channel: Channel = Endpoint::from_shared(addr.to_owned())?
            .tcp_nodelay(true)
            .connect()
            .await
            .with_context(|| format!("cannot connect to graphrpc at {addr}"))?;
        let client =
            GraphQueryServiceClient::new(channel).max_decoding_message_size(256 * 1024 * 1024);
        let workload = load.workload;
        let stream_rows = load.stream_rows;
        execs.push(Arc::new(move |id, progress: Arc<AtomicU64>| {
            let mut client = client.clone();
            Box::pin(async move {
                let request = run_request(workload, id, stream_rows);
                if workload == Workload::Stream {
                    let mut stream = client
                        .run_stream(stream_request(request))
                        .await?
                        .into_inner();
                    let mut rows = 0u64;
                    let mut summary = false;
                    while let Some(message) = stream.message().await? {
                        match message.message {
                            Some(Message::Rows(batch)) => {
                                rows += batch.rows.len() as u64;
                                progress.store(rows, Ordering::Relaxed);
                            }
                            Some(Message::Summary(_)) => summary = true,
                            _ => {}
                        }
                    }
                    if !summary {
                        bail!("the stream ended without a summary");
                    }
                    Ok(rows)
                } else {
                    let response = client.run(request).await?.into_inner();
                    Ok(response.rows.len() as u64)
                }
            })
        }));
    }
    Ok(execs)
}

fn direct_exec(graph: Graph, database: String, load: &Load) -> Exec {
    let workload = load.workload;
    let cypher = workload.cypher(load.stream_rows);
    Arc::new(move |id, progress: Arc<AtomicU64>| {
        let graph = graph.clone();
        let cypher = cypher.clone();
        let database = database.clone();
        Box::pin(async move {
            let mut query = Query::new(cypher);
            if workload.takes_id() {
                query = query.param("id", id);
            }
            let session_config = neo4rs::SessionConfig::builder()
                .with_db(database.as_str().into())
                .build();
            let mut session = graph.with_session(Some(session_config));
            let mut result = session.execute_read(query).await?;
            let mut rows = 0u64;
            while let Some(record) = result.next_record().await? {
                std::hint::black_box(&record);
                rows += 1;
                if rows.is_multiple_of(500) {
                    progress.store(rows, Ordering::Relaxed);
                }
            }
            result.finish().await?;
            Ok(rows)
        })
    })
}

/// Idle calls: Transaction streams whose request side stays open and silent. graphrpc
/// answers the headers at once and waits for Begin; the server's memory per idle call is
/// what the benchmark reads while they are held.
async fn idle_streams(
    addr: &str,
    count: usize,
    per_connection: usize,
    hold: Duration,
) -> anyhow::Result<bool> {
    let mut clients = Vec::new();
    for _ in 0..count.div_ceil(per_connection.max(1)) {
        let channel = Endpoint::from_shared(addr.to_owned())?
            .connect()
            .await
            .with_context(|| format!("cannot connect to {addr}"))?;
        clients.push(GraphQueryServiceClient::new(channel));
    }
    let mut calls = Vec::new();
    let mut senders = Vec::new();
    for i in 0..count {
        let mut client = clients[i / per_connection.max(1)].clone();
        let (tx, rx) = tokio::sync::mpsc::channel::<TransactionRequest>(1);
        senders.push(tx);
        calls.push(tokio::spawn(async move {
            client
                .transaction(tokio_stream::wrappers::ReceiverStream::new(rx))
                .await
        }));
    }
    let (mut open, mut refused, mut first_error) = (Vec::new(), 0usize, String::new());
    for call in calls {
        match call.await? {
            Ok(response) => open.push(response.into_inner()),
            Err(status) => {
                refused += 1;
                if first_error.is_empty() {
                    first_error = format!("{:?}: {}", status.code(), status.message());
                }
            }
        }
    }
    println!("open {}", open.len());
    std::io::stdout().flush()?;
    tokio::time::sleep(hold).await;
    drop(senders);
    let result = serde_json::json!({
        "count": count, "open": open.len(), "refused": refused, "first_error": first_error,
    });
    println!("{result}");
    Ok(refused == 0)
}

fn emit(result: &serde_json::Value, json: Option<&std::path::Path>) -> anyhow::Result<bool> {
    let text = serde_json::to_string(result)?;
    println!("{text}");
    if let Some(path) = json {
        std::fs::write(path, format!("{text}\n"))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let ok = result["errors"] == 0 && (result["requests"] != 0 || result["rows"] != 0);
    if !ok {
        eprintln!(
            "loadgen: {} error(s), {} completed; first error: {}",
            result["errors"], result["requests"], result["first_error"]
        );
    }
    Ok(ok)
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let ok = runtime.block_on(async {
        match cli.command {
            Command::Frame {
                workload,
                id,
                stream_rows,
            } => {
                // gRPC's length-prefixed message: a 0 byte (not compressed), the length as a
                // 4-byte big-endian integer, then the protobuf encoding of the RunRequest.
                let body = run_request(workload, id, stream_rows).encode_to_vec();
                let mut frame = vec![0u8];
                frame.extend_from_slice(&(body.len() as u32).to_be_bytes());
                frame.extend_from_slice(&body);
                std::io::stdout().write_all(&frame)?;
                Ok(true)
            }
            Command::IdleStreams {
                addr,
                count,
                per_connection,
                hold,
            } => idle_streams(&addr, count, per_connection, hold).await,
            Command::Grpc {
                addr,
                connections,
                load,
            } => {
                let execs = grpc_execs(&addr, connections, &load).await?;
                let mut result = run_load(&load, execs).await?;
                result["mode"] = "grpc".into();
                emit(&result, load.json.as_deref())
            }
            Command::Direct {
                uri,
                user,
                password,
                database,
                pool_size,
                fetch_size,
                load,
            } => {
                let config = ConfigBuilder::default()
                    .uri(&uri)
                    .user(&user)
                    .password(&password)
                    .db(database.as_str())
                    .max_connections(pool_size)
                    .fetch_size(fetch_size)
                    .build()?;
                let graph = Graph::connect(config)?;
                let exec = direct_exec(graph, database, &load);
                let mut result = run_load(&load, vec![exec]).await?;
                result["mode"] = "direct".into();
                emit(&result, load.json.as_deref())
            }
        }
    })?;
    // Streams cut off at the deadline may still be winding down; do not wait for them.
    runtime.shutdown_timeout(Duration::from_millis(200));
    if ok {
        Ok(())
    } else {
        std::process::exit(1)
    }
}
