//! Client connections read in slices, so that a burst of small HTTP/2 frames cannot close
//! a connection that other calls share.
//!
//! h2 charges each small DATA frame it holds unread against a per-connection budget (half
//! the connection window: 512 KiB under hyper's defaults, about 2 000 frames of one small
//! message each) and closes the connection with GOAWAY ENHANCE_YOUR_CALM ("too many data
//! frames") when the budget runs out. Frames are released as the handlers read them, but
//! h2 reads everything the socket holds before any handler runs: 10 000 pipelined
//! statements arrived in one go and killed the connection. Here a read that follows
//! [`READ_SLICE`] bytes within one poll returns Pending (and re-schedules the connection at
//! once), so the handlers, which read their streams eagerly (`api::inbound`), get to run
//! between slices. A slice holds at most READ_SLICE / 10 frames (9-byte header, at least one
//! byte of payload), about 420 KiB of budget at 16 KiB: under the 512 KiB.

use std::{
    io,
    pin::Pin,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    task::{Context, Poll},
};

use pin_project_lite::pin_project;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tonic::transport::server::Connected;

/// Bytes read from one connection before it yields to the other tasks.
pub const READ_SLICE: usize = 16 * 1024;

pin_project! {
    pub struct Paced<IO> {
        #[pin]
        io: IO,
        read_in_slice: usize,
        scratch: Vec<u8>,
        // Set while the connection waits for the tasks queued before it to run.
        paused: Option<Arc<AtomicBool>>,
    }
}

impl<IO> Paced<IO> {
    pub fn new(io: IO) -> Self {
        Paced {
            io,
            read_in_slice: 0,
            scratch: Vec::new(),
            paused: None,
        }
    }
}

impl<IO: AsyncRead> AsyncRead for Paced<IO> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.project();
        if let Some(paused) = this.paused.as_ref() {
            if paused.load(Ordering::Acquire) {
                return Poll::Pending;
            }
            *this.paused = None;
        }
        if *this.read_in_slice >= READ_SLICE {
            *this.read_in_slice = 0;
            *this.paused = Some(pause(cx));
            return Poll::Pending;
        }
        let room = READ_SLICE - *this.read_in_slice;
        let before = buf.filled().len();
        let outcome = if buf.remaining() <= room {
            this.io.poll_read(cx, buf)
        } else {
            // Never more than the rest of the slice in one read: through a scratch buffer
            // of that size (a copy, rather than unsafe code to split `buf`).
            this.scratch.resize(room, 0);
            let mut limited = ReadBuf::new(this.scratch);
            let outcome = this.io.poll_read(cx, &mut limited);
            buf.put_slice(limited.filled());
            outcome
        };
        match outcome {
            Poll::Ready(Ok(())) => {
                *this.read_in_slice += buf.filled().len() - before;
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                // The socket ran dry: a natural pause, the slice starts again.
                *this.read_in_slice = 0;
                Poll::Pending
            }
        }
    }
}

/// Wakes the connection's task once every task queued now has run. Waking itself at once
/// would not do: h2 and hyper read again within the same poll when a new stream was
/// accepted, and a self-woken task may run again before the others.
fn pause(cx: &Context<'_>) -> Arc<AtomicBool> {
    let paused = Arc::new(AtomicBool::new(true));
    let waker = cx.waker().clone();
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => {
            let resume = paused.clone();
            runtime.spawn(async move {
                // To the back of the queue, behind the handlers the last slice woke.
                tokio::task::yield_now().await;
                resume.store(false, Ordering::Release);
                waker.wake();
            });
        }
        Err(_) => {
            paused.store(false, Ordering::Release);
            waker.wake();
        }
    }
    paused
}

impl<IO: AsyncWrite> AsyncWrite for Paced<IO> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.project().io.poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.project().io.poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().io.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().io.poll_shutdown(cx)
    }
}

impl<IO: Connected> Connected for Paced<IO> {
    type ConnectInfo = IO::ConnectInfo;

    fn connect_info(&self) -> Self::ConnectInfo {
        self.io.connect_info()
    }
}
