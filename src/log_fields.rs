//! The fields of the human log format without colours (a log file, a pipe), written as
//! tracing-subscriber's default formatter writes them, for fewer instructions: its default
//! visitor paints every field name and `=` with an (empty) style and formats each field
//! through a three-argument `write!`; on `RETURN 1` that was a tenth of graphrpc's extra
//! cost per call (the RPC span's fields and the call line, bench/results/issue19.md).
//!
//! Only `name=value` fields take the short path; the message, errors, raw identifiers
//! (`r#type`) and the `log.*` metadata are handed to the default visitor itself, so their
//! escaping rules stay tracing-subscriber's. The tests compare the two byte for byte.

use std::fmt;

use tracing::field::{Field, Visit};
use tracing_subscriber::{
    field::{MakeVisitor, VisitFmt, VisitOutput},
    fmt::format::{DefaultVisitor, Writer},
};

/// Use only where the default fields would be written without ANSI colours.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlainFields;

impl<'a> MakeVisitor<Writer<'a>> for PlainFields {
    type Visitor = PlainVisitor<'a>;

    fn make_visitor(&self, target: Writer<'a>) -> Self::Visitor {
        PlainVisitor {
            writer: target,
            is_empty: true,
            result: Ok(()),
        }
    }
}

pub struct PlainVisitor<'a> {
    writer: Writer<'a>,
    is_empty: bool,
    result: fmt::Result,
}

impl PlainVisitor<'_> {
    /// Whether the default visitor must write this field (see the module's note).
    fn special(name: &str) -> bool {
        name == "message" || name.starts_with("r#") || name.starts_with("log.")
    }

    /// One field through tracing-subscriber's own visitor, which pads as it would.
    fn delegate(&mut self, name: &str, visit: impl FnOnce(&mut DefaultVisitor<'_>)) {
        let mut default = DefaultVisitor::new(self.writer.by_ref(), self.is_empty);
        visit(&mut default);
        self.result = default.finish();
        // It skips `log.*` metadata without writing anything, separator included.
        if !name.starts_with("log.") {
            self.is_empty = false;
        }
    }
}

impl Visit for PlainVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if self.result.is_err() {
            return;
        }
        if Self::special(field.name()) {
            self.delegate(field.name(), |v| v.record_str(field, value));
        } else {
            self.record_debug(field, &value);
        }
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        if self.result.is_err() {
            return;
        }
        self.delegate(field.name(), |v| v.record_error(field, value));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if self.result.is_err() {
            return;
        }
        let name = field.name();
        if Self::special(name) {
            self.delegate(name, |v| v.record_debug(field, value));
            return;
        }
        let pad = !std::mem::replace(&mut self.is_empty, false);
        self.result = (|| {
            if pad {
                self.writer.write_char(' ')?;
            }
            self.writer.write_str(name)?;
            self.writer.write_char('=')?;
            write!(self.writer, "{value:?}")
        })();
    }
}

impl VisitOutput<fmt::Result> for PlainVisitor<'_> {
    fn finish(self) -> fmt::Result {
        self.result
    }
}

impl VisitFmt for PlainVisitor<'_> {
    fn writer(&mut self) -> &mut dyn fmt::Write {
        &mut self.writer
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::{
        io,
        sync::{Arc, Mutex},
    };

    use tracing_subscriber::{
        fmt::{format::DefaultFields, MakeWriter},
        layer::SubscriberExt as _,
    };

    use super::*;

    /// A writer that keeps what is written, for tests comparing log lines.
    #[derive(Clone, Default)]
    pub(crate) struct Captured(pub(crate) Arc<Mutex<Vec<u8>>>);

    impl io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| io::Error::other("poisoned"))?
                .extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Captured {
        type Writer = Captured;

        fn make_writer(&'a self) -> Self::Writer {
            self.clone()
        }
    }

    #[derive(Debug)]
    struct Failure;

    impl fmt::Display for Failure {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("it \u{1b}[31mbroke")
        }
    }

    impl std::error::Error for Failure {}

    /// Logs the same spans and events as the call path does (and the awkward cases) and
    /// returns the lines, timestamps cut off.
    fn lines(plain: bool) -> Vec<String> {
        let out = Captured::default();
        let layer = tracing_subscriber::fmt::layer()
            .with_target(false)
            .with_ansi(false)
            .with_writer(out.clone());
        let subscriber = tracing_subscriber::registry();
        let log = || {
            let span = tracing::info_span!(
                "rpc",
                otel.name = %"graphrpc.v1.GraphQueryService/Run",
                otel.kind = "server",
                otel.status_code = tracing::field::Empty,
                rpc.system = "grpc",
                rpc.grpc.status_code = tracing::field::Empty,
                request_id = %"0123abc",
                enduser.id = tracing::field::Empty,
            );
            span.record("enduser.id", "anonymous");
            span.record("rpc.grpc.status_code", 0_i64);
            tracing::info!(parent: &span, method = "/graphrpc.v1.GraphQueryService/Run",
                code = "OK", duration_ms = 0.25_f64, request_id = "0123abc",
                trace_id = "", principal = "a \"quoted\"\n name", "call");
            let _inside = span.enter();
            tracing::warn!(
                attempt = 2_u32,
                pause_ms = 40_u64,
                ok = true,
                n = -3_i64,
                error = "transient \u{1b}[31m",
                "transient failure: retrying"
            );
            let failure = Failure;
            tracing::warn!(
                error = &failure as &(dyn std::error::Error + 'static),
                "failed"
            );
            tracing::info!(
                r#type = "raw",
                log.target = "metadata",
                big = 7_u128,
                "message with {} args",
                2
            );
            tracing::info!(message = "only a message \u{1b}");
            tracing::info!(bytes = tracing::field::debug(b"\x00ab"), "bytes");
        };
        if plain {
            tracing::subscriber::with_default(subscriber.with(layer.fmt_fields(PlainFields)), log);
        } else {
            tracing::subscriber::with_default(
                subscriber.with(layer.fmt_fields(DefaultFields::new())),
                log,
            );
        }
        let bytes = out.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes)
            .lines()
            // The timestamp differs from run to run: compare from the level on.
            .map(|line| {
                line.split_once(' ')
                    .map_or(line, |(_, rest)| rest)
                    .to_owned()
            })
            .collect()
    }

    #[test]
    fn plain_fields_are_written_as_the_default_formatter_writes_them() {
        let (plain, default) = (lines(true), lines(false));
        assert_eq!(plain.len(), 6, "{plain:#?}");
        assert_eq!(plain, default);
    }
}
