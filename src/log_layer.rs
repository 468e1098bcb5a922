//! The layer that writes the log lines (human or JSON), built in one place for
//! `telemetry::init` and for the tests that compare `call_line`'s direct line with it.

use tracing_subscriber::{fmt, Layer};

use crate::configuration::LogFormat;

/// A log layer, boxed.
pub type BoxedLayer<S> = Box<dyn Layer<S> + Send + Sync>;
/// Whether the log layer needs a span built.
pub type SpanTest = fn(&tracing::Metadata<'_>) -> bool;

/// The log lines' layer, and which spans it needs. Spans are created only for a layer that
/// uses them. The log lines need none in JSON (no span fields are printed) and, in the human
/// format, only the RPC span, whose fields (method, request id) prefix the lines logged
/// during a call; the database spans are for traces. With no trace exporter, a span no
/// layer wants is never built.
pub fn fmt_layer<S, W>(format: LogFormat, ansi: bool, writer: W) -> (BoxedLayer<S>, SpanTest)
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    W: for<'w> fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    match format {
        LogFormat::Human => {
            let human = fmt::layer()
                .with_target(false)
                .with_ansi(ansi)
                .with_writer(writer);
            // Without colours the fields and the timestamp take a shorter path, written alike
            // (`log_fields`, `log_time`).
            let human = if ansi {
                human.boxed()
            } else {
                human
                    .fmt_fields(crate::log_fields::PlainFields)
                    .with_timer(crate::log_time::UtcMicros)
                    .boxed()
            };
            (human, |meta| !meta.name().starts_with("db."))
        }
        LogFormat::Json => (
            fmt::layer()
                .with_writer(writer)
                .json()
                .flatten_event(true)
                .with_current_span(false)
                .with_span_list(false)
                .boxed(),
            |_| false,
        ),
    }
}
