//! What every streaming response shares: bounded buffering, the deadline, and telling a
//! client that went away from a failure.

use std::time::Duration;

use tokio::{
    sync::mpsc,
    time::{timeout_at, Instant},
};
use tonic::Status;

use crate::{
    conversions::record::EncodedRows,
    database::RawRecords,
    errors::{deadline_exceeded, from_database},
    observability,
    proto::v1 as pb,
};

/// Messages waiting to be sent per stream. With the driver's fetch size this bounds a
/// stream's memory whatever the result's size: rows are pulled from the database only as
/// fast as the client reads them.
pub const STREAM_BUFFER_BATCHES: usize = 2;

pub struct StreamBounds {
    /// Rows per batch message.
    pub batch_size: usize,
    pub deadline: Instant,
    /// The limit the deadline came from, for the error message.
    pub time_limit: Duration,
}

/// Why a stream stopped early.
pub enum Stop {
    /// The client went away or cancelled: nobody to tell.
    ClientGone,
    Failed(Status),
}

/// Waits for room in the channel: a slow reader slows the query down rather than letting
/// rows pile up in memory.
pub async fn send<M>(
    tx: &mpsc::Sender<Result<M, Status>>,
    message: M,
    bounds: &StreamBounds,
) -> Result<(), Stop> {
    match timeout_at(bounds.deadline, tx.send(Ok(message))).await {
        Err(_) => Err(Stop::Failed(deadline_exceeded(bounds.time_limit))),
        Ok(Err(_)) => Err(Stop::ClientGone),
        Ok(Ok(())) => Ok(()),
    }
}

/// Streams a statement's rows in batches of `bounds.batch_size`, each record converted
/// straight from the database's bytes (`conversions::record`), each batch sent as
/// `message(batch)`; returns how many rows were sent. Records already received are taken
/// without a timer or a select; the deadline and the client's departure are checked
/// whenever the driver has to wait for the server, and at every send.
pub async fn pump_rows<M>(
    records: &mut dyn RawRecords,
    tx: &mpsc::Sender<Result<M, Status>>,
    bounds: &StreamBounds,
    method: &'static str,
    message: fn(pb::RowBatch) -> M,
) -> Result<u64, Stop> {
    let failed = |e: neo4rs::Error| Stop::Failed(from_database(&e));
    let mut rows = EncodedRows::with_capacity(bounds.batch_size);
    let mut sent = 0u64;
    loop {
        let room = bounds.batch_size.saturating_sub(rows.len());
        let mut push = |record: &[u8]| rows.push_raw(record);
        if records.take_received(room, &mut push).map_err(failed)? == 0 {
            let next = tokio::select! {
                biased;
                () = tx.closed() => return Err(Stop::ClientGone),
                next = timeout_at(bounds.deadline, records.next_into(&mut push)) => next,
            };
            match next {
                Err(_) => return Err(Stop::Failed(deadline_exceeded(bounds.time_limit))),
                Ok(result) => {
                    if !result.map_err(failed)? {
                        break;
                    }
                }
            }
        }
        if rows.len() >= bounds.batch_size {
            sent += send_rows(&mut rows, tx, bounds, method, message).await?;
        }
    }
    if !rows.is_empty() {
        sent += send_rows(&mut rows, tx, bounds, method, message).await?;
    }
    Ok(sent)
}

async fn send_rows<M>(
    rows: &mut EncodedRows,
    tx: &mpsc::Sender<Result<M, Status>>,
    bounds: &StreamBounds,
    method: &'static str,
    message: fn(pb::RowBatch) -> M,
) -> Result<u64, Stop> {
    let batch = rows.take();
    let count = batch.len() as u64;
    observability::rows_sent(method, count);
    send(tx, message(batch), bounds).await?;
    Ok(count)
}

/// A response stream that a refusal can cut short: once `abort` gives a status, the client
/// gets it as the stream's end, even if answers are still queued (a client that stopped
/// reading would otherwise only learn of it after the queue drained).
pub struct Abortable<M> {
    answers: tokio_stream::wrappers::ReceiverStream<Result<M, Status>>,
    abort: Option<tokio::sync::oneshot::Receiver<Status>>,
    done: bool,
}

impl<M> Abortable<M> {
    pub fn new(
        answers: mpsc::Receiver<Result<M, Status>>,
        abort: tokio::sync::oneshot::Receiver<Status>,
    ) -> Self {
        Abortable {
            answers: tokio_stream::wrappers::ReceiverStream::new(answers),
            abort: Some(abort),
            done: false,
        }
    }
}

impl<M> tokio_stream::Stream for Abortable<M> {
    type Item = Result<M, Status>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::{future::Future as _, task::Poll};
        if self.done {
            return Poll::Ready(None);
        }
        if let Some(abort) = self.abort.as_mut() {
            match std::pin::Pin::new(abort).poll(cx) {
                Poll::Ready(Ok(status)) => {
                    self.done = true;
                    return Poll::Ready(Some(Err(status)));
                }
                // Nobody can abort any more.
                Poll::Ready(Err(_)) => self.abort = None,
                Poll::Pending => {}
            }
        }
        std::pin::Pin::new(&mut self.answers).poll_next(cx)
    }
}
