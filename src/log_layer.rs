//! The layer that writes the log lines (human or JSON), built in one place for
//! `telemetry::init` and for the tests that compare `call_line`'s direct line with it.

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::{
    fmt::{
        self,
        format::{Format, Full, Writer},
        time::FormatTime as _,
        FmtContext, FormatEvent, FormatFields, FormattedFields,
    },
    registry::LookupSpan,
    Layer,
};

use crate::{call_scope, configuration::LogFormat, log_time::UtcMicros};

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
                    .event_format(CallPrefixed::default())
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

/// The human format without colours: tracing-subscriber's full format (target off,
/// graphrpc's timestamp), and inside a call the call's prefix (`call_scope`) where the RPC
/// span's was, written alike (the tests compare them).
pub struct CallPrefixed(Format<Full, UtcMicros>);

impl Default for CallPrefixed {
    fn default() -> Self {
        CallPrefixed(
            fmt::format()
                .with_target(false)
                .with_ansi(false)
                .with_timer(UtcMicros),
        )
    }
}

impl<S, N> FormatEvent<S, N> for CallPrefixed
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> std::fmt::Result {
        call_scope::with_current(|call| {
            let Some(call) = call else {
                return self.0.format_event(ctx, writer, event);
            };
            if UtcMicros.format_time(&mut writer).is_err() {
                writer.write_str("<unknown time>")?;
            }
            let level = match *event.metadata().level() {
                Level::TRACE => "TRACE",
                Level::DEBUG => "DEBUG",
                Level::INFO => " INFO",
                Level::WARN => " WARN",
                _ => "ERROR",
            };
            write!(writer, " {level} {call}")?;
            if let Some(scope) = ctx.event_scope() {
                for span in scope.from_root() {
                    writer.write_str(span.metadata().name())?;
                    let extensions = span.extensions();
                    if let Some(fields) = extensions.get::<FormattedFields<N>>() {
                        if !fields.is_empty() {
                            write!(writer, "{{{fields}}}")?;
                        }
                    }
                    writer.write_char(':')?;
                }
            }
            writer.write_char(' ')?;
            ctx.format_fields(writer.by_ref(), event)?;
            writeln!(writer)
        })
    }
}

#[cfg(test)]
mod tests;
