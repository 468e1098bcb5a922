//! The call a log line is written in, without a tracing span: while a call's futures are
//! polled, a thread-local names the call (method, request id), and the human log format
//! writes it where the RPC span's prefix was, `rpc{method=… request_id=…}:`. With no trace
//! exporter the span was built for that prefix alone, and building, entering and leaving it
//! at every poll and closing it cost ~6k instructions a call, a fifth of graphrpc's cost over
//! the floor (issue 19, bench/results/issue19.md); setting the thread-local costs a few.
//!
//! Work that outlives the handler (a stream's pump task, a transaction's conversation) takes
//! the call with it ([`inherit`]), as it took the span.

use std::{
    cell::Cell,
    fmt,
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use pin_project_lite::pin_project;
use tracing::{instrument::Instrumented, Instrument as _, Span};

/// What names a call in its log lines.
#[derive(Debug)]
pub struct CallTag {
    /// The method's metrics label (its path, or the label of unknown methods).
    pub method: &'static str,
    pub request_id: String,
}

impl fmt::Display for CallTag {
    /// The prefix the RPC span had: `rpc{method=… request_id=…}:`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("rpc{method=")?;
        f.write_str(self.method)?;
        f.write_str(" request_id=")?;
        f.write_str(&self.request_id)?;
        f.write_str("}:")
    }
}

thread_local! {
    static CURRENT: Cell<Option<Arc<CallTag>>> = const { Cell::new(None) };
}

/// Runs `f` with the call being polled on this thread, if any.
pub fn with_current<R>(f: impl FnOnce(Option<&CallTag>) -> R) -> R {
    CURRENT.with(|current| {
        let tag = current.take();
        let result = f(tag.as_deref());
        current.set(tag);
        result
    })
}

/// The call being polled on this thread, if any.
pub fn current() -> Option<Arc<CallTag>> {
    CURRENT.with(|current| {
        let tag = current.take();
        let copy = tag.clone();
        current.set(tag);
        copy
    })
}

pin_project! {
    /// A future polled inside a call (see the module's note).
    pub struct InCall<F> {
        #[pin]
        inner: F,
        // Moved into the thread-local while `inner` is polled, and back after.
        tag: Option<Arc<CallTag>>,
    }
}

/// `future`, polled inside the call `tag` names (none: polled as it is).
pub fn scoped<F: Future>(tag: Option<Arc<CallTag>>, future: F) -> InCall<F> {
    InCall { inner: future, tag }
}

/// `future` inside the current call and the current span, for work spawned to outlive the
/// handler that starts it.
pub fn inherit<F: Future>(future: F) -> InCall<Instrumented<F>> {
    scoped(current(), future.instrument(Span::current()))
}

/// Puts the previous call back into the thread-local, and ours back into its future, also
/// when the poll panics.
struct Restore<'a> {
    slot: &'a mut Option<Arc<CallTag>>,
    previous: Option<Arc<CallTag>>,
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        *self.slot = CURRENT.with(|current| current.replace(self.previous.take()));
    }
}

impl<F: Future> Future for InCall<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        if this.tag.is_none() {
            return this.inner.poll(cx);
        }
        let previous = CURRENT.with(|current| current.replace(this.tag.take()));
        let _restore = Restore {
            slot: this.tag,
            previous,
        };
        this.inner.poll(cx)
    }
}

#[cfg(test)]
mod tests;
