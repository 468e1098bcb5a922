//! What every streaming response shares: bounded buffering, the deadline, and telling a
//! client that went away from a failure.

use std::time::Duration;

use tokio::{
    sync::mpsc,
    time::{timeout_at, Instant},
};
use tonic::Status;

use crate::errors::deadline_exceeded;

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
