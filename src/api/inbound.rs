//! Reading a client stream ahead of its consumer, with a bound, so that a greedy stream is
//! refused on its own rather than slowed for ever or allowed to close the HTTP/2 connection.
//!
//! Why: h2 charges every small DATA frame it holds unread against a per-connection budget
//! and, when the budget runs out, closes the connection with GOAWAY ENHANCE_YOUR_CALM,
//! taking every other call on it down. Flow control bounds what one stream can make h2 hold
//! (startup::STREAM_WINDOW_BYTES); reading at once, always, into a queue of its own releases
//! even that as soon as this task runs, and lets a Transaction client that pipelines
//! thousands of statements without reading its answers be told why: one that gets more
//! than [`MAX_AHEAD`] messages (or [`MAX_AHEAD_BYTES`]) ahead of their answers has its
//! stream refused with RESOURCE_EXHAUSTED, and what it sends afterwards is read and dropped.

use tokio::sync::{mpsc, oneshot};
use tonic::{Status, Streaming};

/// Messages a client may send ahead of their answers on one stream.
pub const MAX_AHEAD: usize = 4096;

/// Bytes of messages a client may send ahead of their answers on one stream.
pub const MAX_AHEAD_BYTES: usize = 16 << 20;

type Item<T> = Result<Option<T>, Status>;

/// The consumer's end: messages in the order the client sent them.
pub struct Inbound<T> {
    queue: mpsc::Receiver<(Item<T>, usize)>,
    budget: std::sync::Arc<tokio::sync::Semaphore>,
    ended: bool,
}

/// Starts reading `stream`. The second value completes with the refusal if the client gets
/// too far ahead: the consumer must then end the call with it.
pub fn read_ahead<T>(mut stream: Streaming<T>) -> (Inbound<T>, oneshot::Receiver<Status>)
where
    T: prost::Message + Send + 'static,
{
    let (queue_tx, queue) = mpsc::channel(MAX_AHEAD);
    let (overflow_tx, overflow) = oneshot::channel();
    // Byte permits held by queued messages, returned as the consumer takes them.
    let budget = std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_AHEAD_BYTES));
    let held = budget.clone();
    tokio::spawn(async move {
        let mut overflow_tx = Some(overflow_tx);
        loop {
            let item = stream.message().await;
            let last = !matches!(item, Ok(Some(_)));
            if overflow_tx.is_none() {
                // Refused already: keep the connection's buffers empty until the stream ends.
                if last {
                    return;
                }
                continue;
            }
            let size = match &item {
                Ok(Some(message)) => message.encoded_len().min(MAX_AHEAD_BYTES),
                _ => 0,
            };
            let permits = u32::try_from(size).unwrap_or(u32::MAX);
            let fits = match held.clone().try_acquire_many_owned(permits) {
                Ok(permit) => {
                    permit.forget();
                    true
                }
                Err(_) => false,
            };
            let queued = fits && queue_tx.try_send((item, size)).is_ok();
            if !queued {
                if queue_tx.is_closed() {
                    // The consumer is done with the call; drain until the stream ends.
                    overflow_tx = None;
                } else if let Some(tell) = overflow_tx.take() {
                    let _ = tell.send(crate::errors::refused(
                        tonic::Code::ResourceExhausted,
                        format!(
                            "more than {MAX_AHEAD} messages or {} MiB were sent ahead of their \
                             answers on this stream; read the answers as you send (the \
                             transaction was rolled back)",
                            MAX_AHEAD_BYTES >> 20
                        ),
                        crate::errors::reason::STREAM_AHEAD_LIMIT,
                        [],
                    ));
                }
            }
            if last {
                return;
            }
        }
    });
    (
        Inbound {
            queue,
            budget,
            ended: false,
        },
        overflow,
    )
}

impl<T> Inbound<T> {
    /// The next message; None when the client closed its side. Like
    /// [`Streaming::message`].
    pub async fn message(&mut self) -> Result<Option<T>, Status> {
        if self.ended {
            return Ok(None);
        }
        match self.queue.recv().await {
            Some((item, size)) => {
                self.budget.add_permits(size.min(MAX_AHEAD_BYTES));
                if !matches!(item, Ok(Some(_))) {
                    self.ended = true;
                }
                item
            }
            // The reader stopped (overflow is reported separately).
            None => {
                self.ended = true;
                Err(Status::cancelled("the client stream ended"))
            }
        }
    }
}
