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
