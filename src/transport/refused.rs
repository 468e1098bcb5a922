//! Requests the HTTP/2 layer refuses before any gRPC handling, made visible: h2 resets such
//! a stream (PROTOCOL_ERROR, which clients show as INTERNAL "RST_STREAM error code 1") and
//! says so only in a debug-level event of its own. The commonest cause is a grpc-core
//! client given a multi-address target (`ipv4:10.0.0.1:50051,10.0.0.2:50051`), which sends
//! the whole list as `:authority`; its fix is the client option `grpc.default_authority`
//! (docs/operations.md). This tracing layer listens for exactly those h2 events (and no
//! others: its filter enables nothing else), counts them in
//! `graphrpc_requests_refused_total{reason="malformed-headers"}` and logs a warning at most
//! once a minute.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::{SystemTime, UNIX_EPOCH},
};

use tracing::{field::Field, Event, Level, Subscriber};
use tracing_subscriber::{filter::filter_fn, layer::Context, Layer};

use super::gate::REFUSED;

/// The layer, with the filter that lets only h2's server-side debug events reach it.
pub fn layer<S>() -> impl Layer<S>
where
    S: Subscriber + for<'span> tracing_subscriber::registry::LookupSpan<'span>,
{
    MalformedRequests.with_filter(
        filter_fn(|meta| meta.target() == "h2::server" && *meta.level() == Level::DEBUG)
            // Without the hint the process's level would be TRACE, and every trace callsite
            // of every dependency would be asked about.
            .with_max_level_hint(tracing::level_filters::LevelFilter::DEBUG),
    )
}

struct MalformedRequests;

/// When the last warning was logged, in seconds since the epoch.
static LAST_WARNING: AtomicU64 = AtomicU64::new(0);

impl<S: Subscriber> Layer<S> for MalformedRequests {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut message = Message(String::new());
        event.record(&mut message);
        let Some(reason) = message.0.strip_prefix("malformed headers: ") else {
            return;
        };
        metrics::counter!(REFUSED, "reason" => "malformed-headers").increment(1);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let last = LAST_WARNING.load(Ordering::Relaxed);
        if now >= last + 60
            && LAST_WARNING
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            tracing::warn!(
                reason,
                "HTTP/2 refused a request before gRPC saw it (stream reset, PROTOCOL_ERROR); \
                 a grpc-core client with a multi-address target needs grpc.default_authority \
                 (see graphrpc_requests_refused_total)"
            );
        }
    }
}

struct Message(String);

impl tracing::field::Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}
