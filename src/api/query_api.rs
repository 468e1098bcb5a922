//! `graphrpc.v1.GraphQuery`: Run and RunStream, auto-commit statements.

use std::time::Duration;

use tokio::{
    sync::mpsc,
    time::{timeout_at, Instant},
};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use crate::{
    configuration::QueryLimits,
    conversions::{
        self,
        request::{run_plan, RunKind, RunPlan},
    },
    database::{GraphDb, ResultStream, Statement},
    errors::{deadline_exceeded, from_database, row_limit_exceeded},
    proto::v1::{
        self as pb, graph_query_server::GraphQuery, run_stream_response::Message, RunRequest,
        RunResponse, RunStreamResponse,
    },
};

/// Batches waiting to be sent per stream. With the driver's fetch size this bounds a
/// stream's memory whatever the result's size: rows are pulled from the database only as
/// fast as the client reads them.
const STREAM_BUFFER_BATCHES: usize = 2;

pub struct QueryApi {
    db: GraphDb,
    limits: QueryLimits,
}

impl QueryApi {
    pub fn new(db: GraphDb, limits: QueryLimits) -> Self {
        QueryApi { db, limits }
    }
}

#[tonic::async_trait]
impl GraphQuery for QueryApi {
    async fn run(&self, request: Request<RunRequest>) -> Result<Response<RunResponse>, Status> {
        let (metadata, _, message) = request.into_parts();
        let plan = run_plan(message, &metadata, &self.limits, RunKind::Unary)?;
        let deadline = Instant::now() + plan.time_limit;
        let mut result = open(&self.db, plan.statement, deadline, plan.time_limit).await?;

        let mut rows = Vec::new();
        loop {
            match timeout_at(deadline, result.next_record()).await {
                Err(_) => {
                    result.cancel().await;
                    return Err(deadline_exceeded(plan.time_limit));
                }
                Ok(Err(e)) => return Err(from_database(&e)),
                Ok(Ok(None)) => break,
                Ok(Ok(Some(record))) => {
                    if rows.len() >= plan.max_rows as usize {
                        // Never truncated silently. The reset stops the statement: on Neo4j an
                        // unfinished auto-commit write rolls back with it.
                        result.cancel().await;
                        return Err(row_limit_exceeded(plan.max_rows));
                    }
                    rows.push(conversions::row(record));
                }
            }
        }
        let keys = result.keys().to_vec();
        let summary = finish(result, deadline, plan.time_limit).await?;
        Ok(Response::new(RunResponse {
            keys,
            summary: Some(conversions::summary::summary(summary, rows.len() as u64)),
            rows,
        }))
    }

    type RunStreamStream = ReceiverStream<Result<RunStreamResponse, Status>>;

    async fn run_stream(
        &self,
        request: Request<RunRequest>,
    ) -> Result<Response<Self::RunStreamStream>, Status> {
        let (metadata, _, message) = request.into_parts();
        let RunPlan {
            statement,
            time_limit,
            batch_size,
            ..
        } = run_plan(message, &metadata, &self.limits, RunKind::Stream)?;
        let bounds = StreamBounds {
            batch_size: batch_size as usize,
            deadline: Instant::now() + time_limit,
            time_limit,
        };
        // Errors before the first row (syntax, unknown database) end the call with their
        // status and no messages.
        let result = open(&self.db, statement, bounds.deadline, time_limit).await?;
        let (tx, rx) = mpsc::channel(STREAM_BUFFER_BATCHES);
        tokio::spawn(stream_result(result, tx, bounds));
        Ok(Response::new(ReceiverStream::new(rx)))
    }
}

async fn open(
    db: &GraphDb,
    statement: Statement,
    deadline: Instant,
    limit: Duration,
) -> Result<ResultStream, Status> {
    match timeout_at(deadline, db.execute(statement)).await {
        Err(_) => Err(deadline_exceeded(limit)),
        Ok(result) => result.map_err(|e| from_database(&e)),
    }
}

async fn finish(
    result: ResultStream,
    deadline: Instant,
    limit: Duration,
) -> Result<neo4rs::summary::ResultSummary, Status> {
    match timeout_at(deadline, result.finish()).await {
        Err(_) => Err(deadline_exceeded(limit)),
        Ok(summary) => summary.map_err(|e| from_database(&e)),
    }
}

type Sender = mpsc::Sender<Result<RunStreamResponse, Status>>;

struct StreamBounds {
    batch_size: usize,
    deadline: Instant,
    /// The limit the deadline came from, for the error message.
    time_limit: Duration,
}

/// Why a stream stopped before its summary.
enum Stop {
    /// The client went away or cancelled: nobody to tell.
    ClientGone,
    Failed(Status),
}

/// Sends header, row batches and summary; stops the query as soon as the client goes
/// away or the deadline passes.
async fn stream_result(mut result: ResultStream, tx: Sender, bounds: StreamBounds) {
    match pump(&mut result, &tx, &bounds).await {
        Ok(row_count) => {
            let message = finish(result, bounds.deadline, bounds.time_limit)
                .await
                .map(|summary| {
                    response(Message::Summary(conversions::summary::summary(
                        summary, row_count,
                    )))
                });
            let _ = tx.send(message).await;
        }
        Err(stop) => {
            result.cancel().await;
            if let Stop::Failed(status) = stop {
                let _ = tx.send(Err(status)).await;
            }
        }
    }
}

async fn pump(result: &mut ResultStream, tx: &Sender, bounds: &StreamBounds) -> Result<u64, Stop> {
    let header = pb::Header {
        keys: result.keys().to_vec(),
    };
    send(tx, response(Message::Header(header)), bounds).await?;

    let mut batch = Vec::with_capacity(bounds.batch_size);
    let mut row_count = 0u64;
    loop {
        let next = tokio::select! {
            biased;
            () = tx.closed() => return Err(Stop::ClientGone),
            next = timeout_at(bounds.deadline, result.next_record()) => next,
        };
        match next {
            Err(_) => return Err(Stop::Failed(deadline_exceeded(bounds.time_limit))),
            Ok(Err(e)) => return Err(Stop::Failed(from_database(&e))),
            Ok(Ok(None)) => break,
            Ok(Ok(Some(record))) => {
                batch.push(conversions::row(record));
                row_count += 1;
                if batch.len() == bounds.batch_size {
                    let rows = std::mem::replace(&mut batch, Vec::with_capacity(bounds.batch_size));
                    send(tx, response(Message::Rows(pb::RowBatch { rows })), bounds).await?;
                }
            }
        }
    }
    if !batch.is_empty() {
        send(
            tx,
            response(Message::Rows(pb::RowBatch { rows: batch })),
            bounds,
        )
        .await?;
    }
    Ok(row_count)
}

/// Waits for room in the channel: a slow reader slows the query down rather than letting
/// rows pile up in memory.
async fn send(tx: &Sender, message: RunStreamResponse, bounds: &StreamBounds) -> Result<(), Stop> {
    match timeout_at(bounds.deadline, tx.send(Ok(message))).await {
        Err(_) => Err(Stop::Failed(deadline_exceeded(bounds.time_limit))),
        Ok(Err(_)) => Err(Stop::ClientGone),
        Ok(Ok(())) => Ok(()),
    }
}

fn response(message: Message) -> RunStreamResponse {
    RunStreamResponse {
        message: Some(message),
    }
}
