//! The floor of graphrpc's benchmark (issue 19): the least a gRPC-over-Bolt server must do.
//! tonic serving graphrpc's own `graphrpc.v1.GraphQueryService` (Run, RunStream), the same
//! vendored neo4rs with graphrpc's pool settings, and graphrpc's value and summary
//! conversions — and nothing else: no auth, no statement classifier, no limits, no deadline,
//! no retries, no logs, no metrics, no traces, no tower layers. graphrpc's cost over this
//! server is the cost of its features; `make bench` measures both side by side.
//!
//!   NEO4J_PASSWORD=PW floor --listen 127.0.0.1:50052 --neo4j-uri bolt://127.0.0.1:7687 \
//!     --neo4j-username root --neo4j-database graph --pool-size 16 --worker-threads 1
//!
//! Not a server to deploy: it trusts every request.

use std::{net::SocketAddr, time::Duration};

use clap::Parser;
use graphrpc::{
    conversions::{self, value::param_to_bolt},
    proto::v1::{
        self as pb,
        graph_query_service_server::{GraphQueryService, GraphQueryServiceServer},
        run_stream_response::Message,
    },
};
use neo4rs::{BoltType, ConfigBuilder, DetachedRowStream, Graph, Query, SessionConfig};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

// The allocator graphrpc uses, so that the comparison is of code, not of allocators.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "floor",
    about = "bare gRPC-over-Bolt server: graphrpc's benchmark floor"
)]
struct Cli {
    #[arg(long, default_value = "127.0.0.1:50052")]
    listen: SocketAddr,
    #[arg(long, default_value = "bolt://127.0.0.1:7687")]
    neo4j_uri: String,
    #[arg(long, default_value = "neo4j")]
    neo4j_username: String,
    #[arg(long, env = "NEO4J_PASSWORD", default_value = "")]
    neo4j_password: String,
    #[arg(long, default_value = "")]
    neo4j_database: String,
    /// graphrpc's defaults: 16 connections, 1000 records per PULL, 500 rows per batch.
    #[arg(long, default_value_t = 16)]
    pool_size: usize,
    #[arg(long, default_value_t = 1000)]
    fetch_size: usize,
    #[arg(long, default_value_t = 500)]
    batch_size: usize,
    /// Tokio worker threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    worker_threads: usize,
}

struct Floor {
    graph: Graph,
    database: String,
    batch_size: usize,
}

fn status(e: neo4rs::Error) -> Status {
    Status::unknown(e.to_string())
}

impl Floor {
    async fn open(
        &self,
        cypher: String,
        params: std::collections::HashMap<String, pb::Value>,
        database: String,
        access_mode: i32,
    ) -> Result<DetachedRowStream, Status> {
        let mut query = Query::new(cypher);
        for (name, value) in params {
            let value: BoltType = param_to_bolt(&name, value)
                .map_err(|e| Status::invalid_argument(format!("params.{name}: {e:?}")))?;
            query = query.param(&name, value);
        }
        let database = if database.is_empty() {
            self.database.clone()
        } else {
            database
        };
        let mut config = SessionConfig::builder();
        if !database.is_empty() {
            config = config.with_db(database.as_str().into());
        }
        let mut session = self.graph.with_session(Some(config.build()));
        if access_mode == pb::AccessMode::Write as i32 {
            session.execute_write(query).await.map_err(status)
        } else {
            session.execute_read(query).await.map_err(status)
        }
    }
}

async fn next(result: &mut DetachedRowStream) -> Result<Option<Vec<BoltType>>, Status> {
    if let Some(record) = result.next_buffered() {
        return Ok(Some(record.value));
    }
    Ok(result.next_record().await.map_err(status)?.map(|r| r.value))
}

type RowStream = ReceiverStream<Result<pb::RunStreamResponse, Status>>;

fn message(message: Message) -> pb::RunStreamResponse {
    pb::RunStreamResponse {
        message: Some(message),
    }
}

async fn pump(
    mut result: DetachedRowStream,
    tx: &mpsc::Sender<Result<pb::RunStreamResponse, Status>>,
    batch_size: usize,
) -> Result<(), Status> {
    let keys = result.keys().map(str::to_owned).collect();
    let gone = || Status::cancelled("client gone");
    tx.send(Ok(message(Message::Header(pb::Header { keys }))))
        .await
        .map_err(|_| gone())?;
    let mut batch = Vec::with_capacity(batch_size);
    let mut count = 0u64;
    while let Some(record) = next(&mut result).await? {
        batch.push(conversions::row(record));
        count += 1;
        if batch.len() == batch_size {
            let rows = std::mem::replace(&mut batch, Vec::with_capacity(batch_size));
            tx.send(Ok(message(Message::Rows(pb::RowBatch::from(rows)))))
                .await
                .map_err(|_| gone())?;
        }
    }
    if !batch.is_empty() {
        tx.send(Ok(message(Message::Rows(pb::RowBatch::from(batch)))))
            .await
            .map_err(|_| gone())?;
    }
    let summary = result.finish().await.map_err(status)?;
    let summary = conversions::summary::summary(summary, count, 1);
    tx.send(Ok(message(Message::Summary(summary))))
        .await
        .map_err(|_| gone())
}

#[tonic::async_trait]
impl GraphQueryService for Floor {
    async fn run(
        &self,
        request: Request<pb::RunRequest>,
    ) -> Result<Response<pb::RunResponse>, Status> {
        let r = request.into_inner();
        let mut result = self
            .open(r.cypher, r.params, r.database, r.access_mode)
            .await?;
        let keys = result.keys().map(str::to_owned).collect();
        let mut rows = Vec::new();
        while let Some(record) = next(&mut result).await? {
            rows.push(conversions::row(record));
        }
        let summary = result.finish().await.map_err(status)?;
        let count = rows.len() as u64;
        Ok(Response::new(pb::RunResponse {
            keys,
            rows,
            summary: Some(conversions::summary::summary(summary, count, 1)),
        }))
    }

    type RunStreamStream = RowStream;

    async fn run_stream(
        &self,
        request: Request<pb::RunStreamRequest>,
    ) -> Result<Response<RowStream>, Status> {
        let r = request.into_inner();
        let result = self
            .open(r.cypher, r.params, r.database, r.access_mode)
            .await?;
        // graphrpc's stream buffer: two batches.
        let (tx, rx) = mpsc::channel(2);
        let batch_size = self.batch_size;
        tokio::spawn(async move {
            if let Err(status) = pump(result, &tx, batch_size).await {
                let _ = tx.send(Err(status)).await;
            }
        });
        Ok(Response::new(ReceiverStream::new(rx)))
    }

    type TransactionStream = ReceiverStream<Result<pb::TransactionResponse, Status>>;

    async fn transaction(
        &self,
        _: Request<tonic::Streaming<pb::TransactionRequest>>,
    ) -> Result<Response<Self::TransactionStream>, Status> {
        Err(Status::unimplemented("the floor serves Run and RunStream"))
    }

    async fn run_batch(
        &self,
        _: Request<pb::RunBatchRequest>,
    ) -> Result<Response<pb::RunBatchResponse>, Status> {
        Err(Status::unimplemented("the floor serves Run and RunStream"))
    }

    async fn run_named(
        &self,
        _: Request<pb::RunNamedRequest>,
    ) -> Result<Response<pb::RunNamedResponse>, Status> {
        Err(Status::unimplemented("the floor serves Run and RunStream"))
    }

    type RunNamedStreamStream = ReceiverStream<Result<pb::RunNamedStreamResponse, Status>>;

    async fn run_named_stream(
        &self,
        _: Request<pb::RunNamedStreamRequest>,
    ) -> Result<Response<Self::RunNamedStreamStream>, Status> {
        Err(Status::unimplemented("the floor serves Run and RunStream"))
    }

    async fn list_named_queries(
        &self,
        _: Request<pb::ListNamedQueriesRequest>,
    ) -> Result<Response<pb::ListNamedQueriesResponse>, Status> {
        Err(Status::unimplemented("the floor serves Run and RunStream"))
    }
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if cli.worker_threads > 0 {
        runtime.worker_threads(cli.worker_threads);
    }
    runtime.enable_all().build()?.block_on(async {
        let mut config = ConfigBuilder::default()
            .uri(&cli.neo4j_uri)
            .user(&cli.neo4j_username)
            .password(&cli.neo4j_password)
            .max_connections(cli.pool_size)
            .fetch_size(cli.fetch_size)
            .connection_timeout(Duration::from_secs(5))
            .retries(false);
        if !cli.neo4j_database.is_empty() {
            config = config.db(cli.neo4j_database.as_str());
        }
        let floor = Floor {
            graph: Graph::connect(config.build()?)?,
            database: cli.neo4j_database,
            batch_size: cli.batch_size,
        };
        eprintln!("floor: listening on {}", cli.listen);
        tonic::transport::Server::builder()
            .add_service(GraphQueryServiceServer::new(floor))
            .serve(cli.listen)
            .await?;
        Ok(())
    })
}
