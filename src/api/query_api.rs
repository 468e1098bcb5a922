//! `graphrpc.v1.GraphQueryService`: Run and RunStream, auto-commit statements.

use std::{pin::pin, time::Duration};

use tokio::{
    sync::mpsc,
    time::{sleep_until, timeout_at, Instant},
};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use neo4rs::summary::ResultSummary;

use crate::{
    api::ApiState,
    auth::Principal,
    call_scope,
    conversions::{
        self,
        request::{run_plan, RunKind, RunPlan},
    },
    database::{changed_graph, AccessMode, GraphDb, ResultStream, Statement},
    errors::{deadline_exceeded, from_database, row_limit_exceeded},
    observability,
    proto::v1::{
        self as pb, run_stream_response::Message, RunRequest, RunResponse, RunStreamRequest,
        RunStreamResponse,
    },
    retry::{is_transient, with_retries, Failed},
};

use super::{
    deadline::before,
    streaming::{pump_rows, send, Stop, StreamBounds, STREAM_BUFFER_BATCHES},
};

pub type RunStreamStream = ReceiverStream<Result<RunStreamResponse, Status>>;

/// Run: all rows in one response. READ statements (and writes marked idempotent) are
/// retried after transient failures: nothing has been sent to the client before the end.
pub async fn run(
    state: &ApiState,
    request: Request<RunRequest>,
) -> Result<Response<RunResponse>, Status> {
    let principal = Principal::of(&request)?;
    principal.check_raw_cypher("Run")?;
    let (metadata, _, mut message) = request.into_parts();
    principal.default_access_mode(&mut message.access_mode);
    let plan = run_plan(message, &metadata, &state.limits, RunKind::Unary)?;
    principal.check_mode(plan.statement.access_mode, "Run")?;
    state
        .statements
        .check(&principal, &plan.statement.cypher, "Run")?;
    execute(state, &principal, plan).await.map(Response::new)
}

/// Runs a checked plan and collects its rows (Run, RunNamed).
pub async fn execute(
    state: &ApiState,
    principal: &Principal,
    plan: RunPlan,
) -> Result<RunResponse, Status> {
    let plan = principal.bind(plan);
    let deadline = Instant::now() + plan.time_limit;
    let may_repeat = plan.statement.access_mode == AccessMode::Read || plan.idempotent;
    let roll_back = plan.statement.roll_back;
    let mut statement = Attempts::new(plan.statement, may_repeat && state.retry.max_attempts > 1);
    // Each attempt's future boxed once, here: the futures around it (this one, the retry
    // loop's, the handler's) hold a pointer instead of moving its few KB at every await.
    // The box is allocated before the future is made, so that the future can be written
    // into it directly (Box::pin would make it on the stack and copy it).
    let (outcome, attempts) = with_retries(&state.retry, deadline, || {
        let slot = Box::new_uninit();
        Box::into_pin(Box::write(
            slot,
            run_once(
                &state.db,
                statement.next(),
                plan.max_rows,
                deadline,
                plan.time_limit,
                may_repeat,
            ),
        ))
    })
    .await;
    let (keys, rows, summary) = outcome?;
    if roll_back && changed_graph(&summary) {
        return Err(principal.wrote());
    }
    let row_count = rows.len() as u64;
    observability::rows_sent(observability::method::RUN, row_count);
    Ok(RunResponse {
        keys,
        rows,
        summary: Some(conversions::summary::summary(summary, row_count, attempts)),
    })
}

/// The statement for each attempt: a copy while another attempt may follow, the statement
/// itself (no copy) when none can (a write that may not be repeated, retries off).
struct Attempts {
    statement: Option<Statement>,
    repeatable: bool,
}

impl Attempts {
    fn new(statement: Statement, repeatable: bool) -> Self {
        Attempts {
            statement: Some(statement),
            repeatable,
        }
    }

    fn next(&mut self) -> Statement {
        match (&self.statement, self.repeatable) {
            (Some(statement), true) => statement.clone(),
            _ => self
                .statement
                .take()
                .expect("an attempt that cannot be repeated is made once"),
        }
    }
}

async fn run_once(
    db: &GraphDb,
    statement: Statement,
    max_rows: u32,
    deadline: Instant,
    limit: Duration,
    may_repeat: bool,
) -> Result<(Vec<String>, Vec<pb::Row>, ResultSummary), Failed> {
    let failed = |e: neo4rs::Error| Failed {
        retryable: may_repeat && is_transient(&e),
        status: from_database(&e),
    };
    // One timer for the whole attempt, polled beside each driver future in turn.
    let mut timer = pin!(sleep_until(deadline));
    let opened = {
        let open = pin!(db.execute(statement));
        before(timer.as_mut(), open).await
    };
    let mut result = match opened {
        None => return Err(Failed::fatal(deadline_exceeded(limit))),
        Some(result) => result.map_err(failed)?,
    };
    let mut rows = Vec::new();
    loop {
        // Records already received are taken without polling the timer; the deadline is
        // checked whenever the driver has to wait for the server.
        let record = match result.next_buffered() {
            Some(record) => record,
            None => {
                let next = {
                    let next = pin!(result.next_record());
                    before(timer.as_mut(), next).await
                };
                match next {
                    None => {
                        result.cancel().await;
                        return Err(Failed::fatal(deadline_exceeded(limit)));
                    }
                    Some(Err(e)) => return Err(failed(e)),
                    Some(Ok(None)) => break,
                    Some(Ok(Some(record))) => record,
                }
            }
        };
        if rows.len() >= max_rows as usize {
            // Never truncated silently. The reset stops the statement: on Neo4j an
            // unfinished auto-commit write rolls back with it.
            result.cancel().await;
            return Err(Failed::fatal(row_limit_exceeded(max_rows)));
        }
        rows.push(conversions::row(record));
    }
    let keys = result.take_keys();
    let finished = pin!(result.finish());
    match before(timer.as_mut(), finished).await {
        None => Err(Failed::fatal(deadline_exceeded(limit))),
        Some(summary) => Ok((keys, rows, summary.map_err(failed)?)),
    }
}

/// RunStream: header, row batches, summary. Opening the statement is retried like Run;
/// once rows have gone out, a failure ends the stream.
pub async fn run_stream(
    state: &ApiState,
    request: Request<RunStreamRequest>,
) -> Result<Response<RunStreamStream>, Status> {
    let principal = Principal::of(&request)?;
    principal.check_raw_cypher("RunStream")?;
    let (metadata, _, mut message) = request.into_parts();
    principal.default_access_mode(&mut message.access_mode);
    let plan = run_plan(message, &metadata, &state.limits, RunKind::Stream)?;
    principal.check_mode(plan.statement.access_mode, "RunStream")?;
    state
        .statements
        .check(&principal, &plan.statement.cypher, "RunStream")?;
    execute_stream(state, &principal, plan)
        .await
        .map(Response::new)
}

/// Opens a checked plan and streams its rows from a task of its own (RunStream,
/// RunNamedStream).
pub async fn execute_stream(
    state: &ApiState,
    principal: &Principal,
    plan: RunPlan,
) -> Result<RunStreamStream, Status> {
    let plan = principal.bind(plan);
    let RunPlan {
        statement,
        time_limit,
        batch_size,
        idempotent,
        ..
    } = plan;
    let bounds = StreamBounds {
        batch_size: batch_size as usize,
        deadline: Instant::now() + time_limit,
        time_limit,
    };
    let may_repeat = statement.access_mode == AccessMode::Read || idempotent;
    let roll_back = statement.roll_back;
    let mut statement = Attempts::new(statement, may_repeat && state.retry.max_attempts > 1);
    // Errors before the first row (syntax, unknown database) end the call with their
    // status and no messages.
    let (result, attempts) = with_retries(&state.retry, bounds.deadline, || {
        let statement = statement.next();
        async move {
            match timeout_at(bounds.deadline, state.db.execute(statement)).await {
                Err(_) => Err(Failed::fatal(deadline_exceeded(time_limit))),
                Ok(Err(e)) => Err(Failed {
                    retryable: may_repeat && is_transient(&e),
                    status: from_database(&e),
                }),
                Ok(Ok(result)) => Ok(result),
            }
        }
    })
    .await;
    let result = result?;
    let (tx, rx) = mpsc::channel(STREAM_BUFFER_BATCHES);
    // The stream outlives this handler: it stays inside the call's span.
    let refuse_writes = roll_back.then(|| principal.clone());
    tokio::spawn(call_scope::inherit(stream_result(
        result,
        tx,
        bounds,
        attempts,
        refuse_writes,
    )));
    Ok(ReceiverStream::new(rx))
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

/// Sends header, row batches and summary; stops the query as soon as the client goes
/// away or the deadline passes.
/// `refuse_writes`: the reader whose refusal replaces the summary when the database
/// reports changes for the statement (rolled back).
async fn stream_result(
    mut result: ResultStream,
    tx: Sender,
    bounds: StreamBounds,
    attempts: u32,
    refuse_writes: Option<Principal>,
) {
    match pump(&mut result, &tx, &bounds).await {
        Ok(row_count) => {
            let finished = finish(result, bounds.deadline, bounds.time_limit).await;
            let message = match (finished, refuse_writes) {
                (Ok(summary), Some(reader)) if changed_graph(&summary) => Err(reader.wrote()),
                (Ok(summary), _) => Ok(response(Message::Summary(conversions::summary::summary(
                    summary, row_count, attempts,
                )))),
                (Err(status), _) => Err(status),
            };
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
        keys: result.take_keys(),
    };
    send(tx, response(Message::Header(header)), bounds).await?;

    pump_rows(
        result,
        tx,
        bounds,
        observability::method::RUN_STREAM,
        |batch| response(Message::Rows(batch)),
    )
    .await
}

fn response(message: Message) -> RunStreamResponse {
    RunStreamResponse {
        message: Some(message),
    }
}
