//! Explicit transactions over the Transaction stream, and managed transactions that run a
//! unit of work again after a transient failure, like the Neo4j drivers' execute_write.

use std::{
    future::Future,
    sync::Arc,
    time::{Duration, Instant},
};

use tokio::sync::{mpsc, Mutex};
use tokio_stream::wrappers::ReceiverStream;
use tonic::Streaming;

use crate::{
    client::Client,
    error::{Error, Result},
    proto::{self as pb, transaction_request::Message as Out, transaction_response::Message as In},
    query::{proto_duration, Query},
    record::RecordSet,
};

struct Open {
    sender: mpsc::Sender<pb::TransactionRequest>,
    responses: Streaming<pb::TransactionResponse>,
    finished: bool,
}

/// An open transaction. Cheap to clone (clones are the same transaction), so a managed
/// transaction's closure can own its handle. Dropped without commit, it is rolled back.
#[derive(Clone)]
pub struct Transaction {
    client: Client,
    open: Arc<Mutex<Open>>,
}

impl Client {
    /// Opens an explicit transaction; READ when `read` (a reader's only mode).
    pub async fn begin(&self, read: bool) -> Result<Transaction> {
        self.begin_until(read, self.deadline).await
    }

    async fn begin_until(&self, read: bool, deadline: Duration) -> Result<Transaction> {
        let (sender, receiver) = mpsc::channel(4);
        let begin = pb::Begin {
            database: self.database.clone().unwrap_or_default(),
            access_mode: if read {
                pb::AccessMode::Read as i32
            } else {
                pb::AccessMode::Write as i32
            },
            timeout: proto_duration(Some(deadline)),
            bookmarks: self.bookmarks(),
            metadata: Default::default(),
        };
        // Begin is queued before the call: the server answers only once it has read it.
        send(&sender, Out::Begin(begin)).await?;
        let mut responses = self
            .inner
            .clone()
            .transaction(self.request(ReceiverStream::new(receiver), deadline))
            .await?
            .into_inner();
        match responses.message().await? {
            Some(pb::TransactionResponse {
                message: Some(In::Begun(_)),
            }) => {}
            _ => return Err(Error::Decode("the transaction did not begin".into())),
        }
        Ok(Transaction {
            client: self.clone(),
            open: Arc::new(Mutex::new(Open {
                sender,
                responses,
                finished: false,
            })),
        })
    }

    /// Runs `work` in a WRITE transaction and commits it; after a retryable failure
    /// ([`Error::is_retryable`]) the whole unit runs again, with backoff and at least the
    /// server's pushback, until the client's deadline. `work` may therefore run more than
    /// once: keep side effects outside the database out of it.
    pub async fn execute_write<T, F, Fut>(&self, work: F) -> Result<T>
    where
        F: FnMut(Transaction) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        self.execute(false, work).await
    }

    /// Like [`Client::execute_write`], in a READ transaction.
    pub async fn execute_read<T, F, Fut>(&self, work: F) -> Result<T>
    where
        F: FnMut(Transaction) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        self.execute(true, work).await
    }

    async fn execute<T, F, Fut>(&self, read: bool, mut work: F) -> Result<T>
    where
        F: FnMut(Transaction) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let deadline = Instant::now() + self.deadline;
        let mut backoff = Duration::from_millis(100);
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            let outcome = async {
                let tx = self.begin_until(read, remaining).await?;
                match work(tx.clone()).await {
                    Ok(value) => {
                        // A failed commit is not retried: it may have been applied.
                        tx.commit().await.map_err(Final)?;
                        Ok(value)
                    }
                    Err(e) => {
                        let _ = tx.rollback().await;
                        Err(e)
                    }
                }
            }
            .await;
            let error = match outcome {
                Ok(value) => return Ok(value),
                Err(e) => e,
            };
            let wait = error
                .retry_pushback()
                .unwrap_or_default()
                .max(jitter(backoff));
            if !error.is_retryable() || Instant::now() + wait >= deadline {
                return Err(error);
            }
            tokio::time::sleep(wait).await;
            backoff = (backoff * 2).min(Duration::from_secs(2));
        }
    }
}

/// Marks a commit failure as final for the retry loop.
#[allow(non_snake_case)]
fn Final(e: Error) -> Error {
    match e {
        Error::Server(mut s)
            if matches!(s.code, tonic::Code::Unavailable | tonic::Code::Aborted) =>
        {
            // Unknown outcome: report it without letting the loop run the work again.
            s.code = tonic::Code::Unknown;
            s.message = format!("the commit's outcome is unknown: {}", s.message);
            Error::Server(s)
        }
        Error::Transport(t) => Error::Server(Box::new(crate::error::ServerError {
            code: tonic::Code::Unknown,
            message: format!("the commit's outcome is unknown: {t}"),
            reason: None,
            domain: None,
            metadata: Default::default(),
            field_violations: Vec::new(),
            retry_pushback: None,
        })),
        other => other,
    }
}

fn jitter(d: Duration) -> Duration {
    d.mul_f64(0.5 + fastrand::f64() / 2.0)
}

async fn send(sender: &mpsc::Sender<pb::TransactionRequest>, message: Out) -> Result<()> {
    sender
        .send(pb::TransactionRequest {
            message: Some(message),
        })
        .await
        .map_err(|_| Error::Transport("the transaction stream is closed".into()))
}

impl Transaction {
    /// Runs a statement in the transaction; all its rows at once. A failure ends the
    /// transaction (the server rolls it back).
    pub async fn run(&self, query: impl Into<Query>) -> Result<RecordSet> {
        let q = query.into();
        let mut open = self.open.lock().await;
        if open.finished {
            return Err(Error::Config("the transaction is already finished".into()));
        }
        let statement = pb::TransactionStatement {
            cypher: q.cypher.clone(),
            params: q.proto_params(),
            json_params: None,
            batch_size: q.batch_size,
        };
        send(&open.sender, Out::Statement(statement)).await?;
        let mut keys = None;
        let mut rows = Vec::new();
        loop {
            let message = match open.responses.message().await {
                Ok(Some(m)) => m.message,
                Ok(None) => {
                    open.finished = true;
                    return Err(Error::Decode("the transaction stream ended".into()));
                }
                Err(status) => {
                    open.finished = true;
                    return Err(status.into());
                }
            };
            match message {
                Some(In::Header(h)) => keys = Some(h.keys),
                Some(In::Rows(b)) => rows.extend(b.rows),
                Some(In::Summary(s)) => {
                    return RecordSet::from_parts(keys.unwrap_or_default(), rows, Some(s));
                }
                _ => return Err(Error::Decode("an unexpected transaction message".into())),
            }
        }
    }

    /// Commits; the session's bookmarks then include this transaction's writes.
    pub async fn commit(&self) -> Result<()> {
        let mut open = self.open.lock().await;
        if open.finished {
            return Err(Error::Config("the transaction is already finished".into()));
        }
        open.finished = true;
        send(&open.sender, Out::Commit(pb::Commit {})).await?;
        match open.responses.message().await? {
            Some(pb::TransactionResponse {
                message: Some(In::Committed(c)),
            }) => {
                self.client.saw_bookmark(&c.bookmark);
                Ok(())
            }
            _ => Err(Error::Decode("no answer to Commit".into())),
        }
    }

    /// Rolls back. Rolling back a finished transaction does nothing.
    pub async fn rollback(&self) -> Result<()> {
        let mut open = self.open.lock().await;
        if open.finished {
            return Ok(());
        }
        open.finished = true;
        send(&open.sender, Out::Rollback(pb::Rollback {})).await?;
        match open.responses.message().await? {
            Some(pb::TransactionResponse {
                message: Some(In::RolledBack(_)),
            }) => Ok(()),
            _ => Err(Error::Decode("no answer to Rollback".into())),
        }
    }
}
