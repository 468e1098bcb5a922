//! Transaction (an explicit transaction scoped to one bidirectional stream) and RunBatch
//! (statements all-or-nothing in one transaction, retried after transient failures).
//!
//! A Transaction's transaction lives exactly as long as its stream: no server-side
//! transaction id, no sticky routing, nothing left open when a client dies. Whatever ends
//! the stream before a Commit (the client closing, cancelling or vanishing, a failed
//! statement, the transaction timeout, the idle timeout) rolls it back and returns the
//! connection to the pool.

use std::{sync::Arc, time::Duration};

use neo4rs::BoltMap;
use tokio::{
    sync::{mpsc, oneshot},
    time::{timeout_at, Instant},
};
use tonic::{Request, Response, Status, Streaming};

use crate::{
    api::ApiState,
    auth::Principal,
    call_scope,
    conversions::{
        self,
        request::{batch_plan, begin_plan, grpc_timeout, transaction_statement, BatchPlan},
    },
    database::{changed_graph, GraphDb, Transaction},
    errors::{
        deadline_exceeded, from_database, in_statement, invalid_argument, out_of_order,
        row_limit_exceeded, transaction_idle,
    },
    observability,
    proto::v1::{
        self as pb, transaction_request::Message as In, transaction_response::Message as Out,
        RunBatchRequest, RunBatchResponse, TransactionRequest, TransactionResponse,
    },
    retry::{is_transient, reported_by_database, with_retries, Failed},
    transport::traffic::too_large_status,
};

use super::{
    inbound::{read_ahead, Inbound},
    streaming::{pump_rows, send, Abortable, Stop, StreamBounds, STREAM_BUFFER_BATCHES},
};

pub type TransactionStream = Abortable<TransactionResponse>;

type Sender = mpsc::Sender<Result<TransactionResponse, Status>>;

pub async fn transaction(
    state: Arc<ApiState>,
    request: Request<Streaming<TransactionRequest>>,
) -> Result<Response<TransactionStream>, Status> {
    let principal = Principal::of(&request)?;
    principal.check_raw_cypher("Transaction")?;
    let (metadata, _, inbound) = request.into_parts();
    // Checked now so that a malformed header fails the call at once.
    grpc_timeout(&metadata)?;
    let (tx, rx) = mpsc::channel(STREAM_BUFFER_BATCHES);
    let (inbound, overflow) = read_ahead(inbound);
    let (abort, aborted) = oneshot::channel();
    // The conversation outlives this handler: it stays inside the call's span and tag.
    tokio::spawn(call_scope::inherit(async move {
        let mut conversation = Conversation {
            state,
            principal,
            inbound,
            tx,
        };
        let outcome = tokio::select! {
            outcome = conversation.drive(&metadata) => outcome,
            Ok(refusal) = overflow => {
                // The conversation (and with it the transaction, rolled back as it
                // drops) ends here; the refusal ends the response stream.
                let _ = abort.send(refusal);
                return;
            }
        };
        if let Err(status) = outcome {
            let _ = conversation.tx.send(Err(status)).await;
        }
    }));
    Ok(Response::new(Abortable::new(rx, aborted)))
}

/// One Transaction stream: the client's messages in, the answers out.
struct Conversation {
    state: Arc<ApiState>,
    principal: Principal,
    inbound: Inbound<TransactionRequest>,
    tx: Sender,
}

/// The transaction's deadline, and the limit it came from.
struct TxBounds {
    deadline: Instant,
    time_limit: Duration,
}

impl TxBounds {
    fn batch(&self, batch_size: u32) -> StreamBounds {
        StreamBounds {
            batch_size: batch_size as usize,
            deadline: self.deadline,
            time_limit: self.time_limit,
        }
    }
}

/// What waiting for the client's next message gave.
enum Next {
    Message(In),
    /// The client closed its side of the stream.
    Ended,
    /// The client cancelled or went away.
    Gone,
    Idle,
    TransactionDeadline,
}

impl Conversation {
    async fn drive(&mut self, metadata: &tonic::metadata::MetadataMap) -> Result<(), Status> {
        let idle = self.state.limits.tx_idle_timeout;
        let far = Instant::now() + self.state.limits.max_timeout;
        let mut begin = match self.next(idle, far).await? {
            Next::Message(In::Begin(begin)) => begin,
            Next::Message(other) => {
                return Err(out_of_order(format!(
                    "expected Begin as the first message, got {}",
                    name(&other)
                )))
            }
            Next::Ended => return Err(out_of_order("the stream ended before Begin")),
            Next::Gone => return Ok(()),
            Next::Idle | Next::TransactionDeadline => return Err(transaction_idle(idle)),
        };

        self.principal.default_access_mode(&mut begin.access_mode);
        let mut plan = begin_plan(begin, metadata, &self.state.limits)?;
        self.principal
            .check_mode(plan.options.access_mode, "a Transaction")?;
        self.principal.stamp(&mut plan.options);
        let deadline = Instant::now() + plan.time_limit;
        let bounds = TxBounds {
            deadline,
            time_limit: plan.time_limit,
        };
        // Waiting for a pooled connection counts against the transaction's time.
        let txn = match timeout_at(deadline, self.state.db.begin(plan.options)).await {
            Err(_) => return Err(deadline_exceeded(plan.time_limit)),
            Ok(txn) => txn.map_err(|e| from_database(&e))?,
        };
        let begun = pb::Begun {
            database: txn.database().unwrap_or_default().to_owned(),
        };
        let mut txn = Some(txn);
        let outcome = self
            .converse(&mut txn, Out::Begun(begun), idle, &bounds)
            .await;
        // Anything but a completed Commit or Rollback leaves the transaction here.
        if let Some(txn) = txn.take() {
            txn.cancel().await;
        }
        outcome
    }

    /// Answers statements until Commit or Rollback, or until something ends the
    /// transaction; leaves `txn` None once it is committed or rolled back.
    async fn converse(
        &mut self,
        txn: &mut Option<Transaction>,
        begun: Out,
        idle: Duration,
        bounds: &TxBounds,
    ) -> Result<(), Status> {
        let deadline = bounds.deadline;
        self.reply(begun, &bounds.batch(0)).await?;
        let mut statements = 0usize;
        loop {
            let message = match self.next(idle, deadline).await? {
                Next::Message(message) => message,
                Next::Gone => return Ok(()),
                Next::Ended => return Err(Status::aborted(
                    "the stream ended without Commit or Rollback; the transaction was rolled back",
                )),
                Next::Idle => return Err(transaction_idle(idle)),
                Next::TransactionDeadline => return Err(deadline_exceeded(bounds.time_limit)),
            };
            let Some(open) = txn.as_mut() else {
                return Err(out_of_order("the transaction is over"));
            };
            match message {
                In::Begin(_) => {
                    return Err(out_of_order(
                        "Begin was already sent: one stream is one transaction; \
                         the transaction was rolled back",
                    ))
                }
                In::Statement(statement) => {
                    statements += 1;
                    let what = format!("statement {statements}");
                    let (cypher, params, batch_size) =
                        transaction_statement(statement, &self.state.limits)
                            .map_err(|s| in_statement(s, statements - 1, &what))?;
                    self.state
                        .statements
                        .check(&self.principal, &cypher, &what)
                        .map_err(|s| in_statement(s, statements - 1, &what))?;
                    match self
                        .statement(open, cypher, params, &bounds.batch(batch_size))
                        .await
                    {
                        Ok(()) => {}
                        Err(Stop::ClientGone) => return Ok(()),
                        Err(Stop::Failed(status)) => {
                            return Err(in_statement(status, statements - 1, &what))
                        }
                    }
                }
                In::Commit(_) if self.principal.must_not_write() => {
                    // A reader's transaction wrote nothing (each statement was checked), so
                    // a rollback ends it just as a commit would, and guarantees it.
                    let Some(open) = txn.take() else {
                        unreachable!("checked above")
                    };
                    match timeout_at(deadline, open.rollback()).await {
                        Err(_) => return Err(deadline_exceeded(bounds.time_limit)),
                        Ok(result) => result.map_err(|e| from_database(&e))?,
                    }
                    let committed = Out::Committed(pb::Committed::default());
                    self.reply(committed, &bounds.batch(0)).await?;
                    return self.after_end(idle, "committed").await;
                }
                In::Commit(_) => {
                    let Some(open) = txn.take() else {
                        unreachable!("checked above")
                    };
                    let bookmark = match timeout_at(deadline, open.commit()).await {
                        Err(_) => {
                            return Err(Status::deadline_exceeded(
                                "the transaction timed out during Commit; whether it committed is unknown",
                            ))
                        }
                        Ok(result) => result.map_err(|e| from_database(&e))?,
                    };
                    let committed = Out::Committed(pb::Committed {
                        bookmark: bookmark.unwrap_or_default(),
                    });
                    self.reply(committed, &bounds.batch(0)).await?;
                    return self.after_end(idle, "committed").await;
                }
                In::Rollback(_) => {
                    let Some(open) = txn.take() else {
                        unreachable!("checked above")
                    };
                    match timeout_at(deadline, open.rollback()).await {
                        Err(_) => return Err(deadline_exceeded(bounds.time_limit)),
                        Ok(result) => result.map_err(|e| from_database(&e))?,
                    }
                    self.reply(Out::RolledBack(pb::RolledBack {}), &bounds.batch(0))
                        .await?;
                    return self.after_end(idle, "rolled back").await;
                }
            }
        }
    }

    /// Runs one statement and streams its header, row batches and summary.
    async fn statement(
        &mut self,
        txn: &mut Transaction,
        cypher: String,
        params: BoltMap,
        bounds: &StreamBounds,
    ) -> Result<(), Stop> {
        let failed = |e: neo4rs::Error| Stop::Failed(from_database(&e));
        let timed_out = || Stop::Failed(deadline_exceeded(bounds.time_limit));
        let keys = timeout_at(bounds.deadline, txn.run(cypher, params))
            .await
            .map_err(|_| timed_out())?
            .map_err(failed)?;
        send(&self.tx, response(Out::Header(pb::Header { keys })), bounds).await?;

        let row_count = pump_rows(
            txn,
            &self.tx,
            bounds,
            observability::method::TRANSACTION,
            |batch| response(Out::Rows(batch)),
        )
        .await?;
        let summary = timeout_at(bounds.deadline, txn.finish_statement())
            .await
            .map_err(|_| timed_out())?
            .map_err(failed)?;
        if self.principal.must_not_write() && changed_graph(&summary) {
            // The caller rolls the transaction back.
            return Err(Stop::Failed(self.principal.wrote()));
        }
        let summary = conversions::summary::summary(summary, row_count, 1);
        send(&self.tx, response(Out::Summary(summary)), bounds).await
    }

    /// After Commit or Rollback the call ends when the client closes its side; a further
    /// message is refused.
    async fn after_end(&mut self, idle: Duration, outcome: &str) -> Result<(), Status> {
        match self.next(idle, Instant::now() + idle).await? {
            Next::Message(message) => Err(out_of_order(format!(
                "the transaction is already {outcome}; {} needs a new Transaction stream",
                name(&message)
            ))),
            Next::Ended | Next::Gone | Next::Idle | Next::TransactionDeadline => Ok(()),
        }
    }

    async fn reply(&self, message: Out, bounds: &StreamBounds) -> Result<(), Status> {
        match send(&self.tx, response(message), bounds).await {
            Ok(()) | Err(Stop::ClientGone) => Ok(()),
            Err(Stop::Failed(status)) => Err(status),
        }
    }

    /// The client's next message, within the idle timeout and the transaction's deadline.
    async fn next(&mut self, idle: Duration, deadline: Instant) -> Result<Next, Status> {
        let idle_at = Instant::now() + idle;
        let wake = idle_at.min(deadline);
        let received = tokio::select! {
            biased;
            () = self.tx.closed() => return Ok(Next::Gone),
            received = timeout_at(wake, self.inbound.message()) => received,
        };
        Ok(match received {
            Err(_) if idle_at <= deadline => Next::Idle,
            Err(_) => Next::TransactionDeadline,
            Ok(Ok(Some(TransactionRequest { message: Some(m) }))) => Next::Message(m),
            Ok(Ok(Some(TransactionRequest { message: None }))) => {
                return Err(invalid_argument(
                    "message",
                    "is empty; send begin, statement, commit or rollback",
                ))
            }
            Ok(Ok(None)) => Next::Ended,
            // A message that could not be decoded (too large, malformed) is the client's
            // error to hear about; anything else means it cancelled or went away.
            Ok(Err(status)) if is_oversized(&status) => {
                return Err(too_large_status(self.state.limits.max_request_bytes))
            }
            Ok(Err(status)) if status.code() == tonic::Code::InvalidArgument => return Err(status),
            Ok(Err(_)) => Next::Gone,
        })
    }
}

/// tonic's refusal of a message over the decoding limit.
fn is_oversized(status: &Status) -> bool {
    status.code() == tonic::Code::OutOfRange
        && status
            .message()
            .contains("decoded message length too large")
}

fn name(message: &In) -> &'static str {
    match message {
        In::Begin(_) => "Begin",
        In::Statement(_) => "a statement",
        In::Commit(_) => "Commit",
        In::Rollback(_) => "Rollback",
    }
}

fn response(message: Out) -> TransactionResponse {
    TransactionResponse {
        message: Some(message),
    }
}

/// RunBatch: every statement in one transaction, all or nothing, retried after transient
/// failures that left nothing applied.
pub async fn run_batch(
    state: &ApiState,
    request: Request<RunBatchRequest>,
) -> Result<Response<RunBatchResponse>, Status> {
    let principal = Principal::of(&request)?;
    principal.check_raw_cypher("RunBatch")?;
    let (metadata, _, mut message) = request.into_parts();
    principal.default_access_mode(&mut message.access_mode);
    let mut plan = batch_plan(message, &metadata, &state.limits)?;
    principal.check_mode(plan.options.access_mode, "RunBatch")?;
    // Every statement is checked before the transaction begins: nothing runs if one is refused.
    for (index, (cypher, _)) in plan.statements.iter().enumerate() {
        state
            .statements
            .check(&principal, cypher, &format!("RunBatch statements[{index}]"))?;
    }
    principal.stamp(&mut plan.options);
    let deadline = Instant::now() + plan.time_limit;
    let (outcome, attempts) = with_retries(&state.retry, deadline, || {
        batch_once(&state.db, &plan, &principal, deadline)
    })
    .await;
    let (mut results, bookmark) = outcome?;
    observability::rows_sent(
        observability::method::RUN_BATCH,
        results.iter().map(|r| r.rows.len() as u64).sum(),
    );
    for result in &mut results {
        if let Some(summary) = result.summary.as_mut() {
            summary.attempts = attempts;
        }
    }
    Ok(Response::new(RunBatchResponse {
        results,
        bookmark: bookmark.unwrap_or_default(),
        attempts,
    }))
}

async fn batch_once(
    db: &GraphDb,
    plan: &BatchPlan,
    principal: &Principal,
    deadline: Instant,
) -> Result<(Vec<pb::StatementResult>, Option<String>), Failed> {
    let timed_out = || Failed::fatal(deadline_exceeded(plan.time_limit));
    // Before the commit nothing is applied: any transient failure may be retried.
    let before_commit = |e: neo4rs::Error| Failed {
        retryable: is_transient(&e),
        status: from_database(&e),
    };
    let mut txn = timeout_at(deadline, db.begin(plan.options.clone()))
        .await
        .map_err(|_| timed_out())?
        .map_err(before_commit)?;

    let mut results = Vec::with_capacity(plan.statements.len());
    let mut total_rows = 0usize;
    for (index, (cypher, params)) in plan.statements.iter().enumerate() {
        let what = format!("statements[{index}]");
        let outcome = async {
            let keys = timeout_at(deadline, txn.run(cypher.clone(), params.clone()))
                .await
                .map_err(|_| timed_out())?
                .map_err(before_commit)?;
            let mut rows = Vec::new();
            while let Some(record) = timeout_at(deadline, txn.next_record())
                .await
                .map_err(|_| timed_out())?
                .map_err(before_commit)?
            {
                total_rows += 1;
                if total_rows > plan.max_rows as usize {
                    return Err(Failed::fatal(row_limit_exceeded(plan.max_rows)));
                }
                rows.push(conversions::row(record));
            }
            let summary = timeout_at(deadline, txn.finish_statement())
                .await
                .map_err(|_| timed_out())?
                .map_err(before_commit)?;
            if principal.must_not_write() && changed_graph(&summary) {
                return Err(Failed::fatal(principal.wrote()));
            }
            let row_count = rows.len() as u64;
            Ok(pb::StatementResult {
                keys,
                rows,
                summary: Some(conversions::summary::summary(summary, row_count, 1)),
            })
        }
        .await;
        match outcome {
            Ok(result) => results.push(result),
            Err(failed) => {
                txn.cancel().await;
                return Err(Failed {
                    status: in_statement(failed.status, index, &what),
                    retryable: failed.retryable,
                });
            }
        }
    }

    if principal.must_not_write() {
        // Nothing was written (each statement was checked); rolling back guarantees it.
        return match timeout_at(deadline, txn.rollback()).await {
            Err(_) => Err(timed_out()),
            Ok(Err(e)) => Err(before_commit(e)),
            Ok(Ok(())) => Ok((results, None)),
        };
    }
    match timeout_at(deadline, txn.commit()).await {
        Err(_) => Err(Failed::fatal(Status::deadline_exceeded(
            "the batch timed out during its commit; whether it committed is unknown",
        ))),
        // A commit the database refused was not applied; a connection lost during the
        // commit may have been, so only an idempotent batch is run again then.
        Ok(Err(e)) => Err(Failed {
            retryable: is_transient(&e) && (reported_by_database(&e) || plan.idempotent),
            status: from_database(&e),
        }),
        Ok(Ok(bookmark)) => Ok((results, bookmark)),
    }
}
