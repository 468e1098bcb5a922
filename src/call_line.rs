//! The per-call log line, written straight into the log buffer instead of through a tracing
//! event, when no trace exporter runs and colours are off (a log file, a pipe: the default
//! in a container). Through tracing, the line and the RPC span it sits in cost about 19k
//! instructions a call — half of graphrpc's cost over the floor (issue 19,
//! bench/results/issue19.md): the layered subscriber's dispatch, per-layer filters, the
//! span registry, the fields formatted once into the span and again into the line.
//!
//! The bytes are the ones tracing-subscriber's formatter writes for the same event (the tests
//! compare them): the human format with the RPC span's prefix, or the JSON object. No RPC
//! span is built then: the call's other lines get the same prefix from its tag
//! (`call_scope`). Where the line's parents or filter could differ (a span around the call,
//! a filter with span directives), the call gets a span and its line goes through tracing.

use std::{io::Write as _, sync::OnceLock};

use tracing::{Level, Span};

/// The target the call line has (and had as a tracing event): filters name it.
pub const TARGET: &str = "graphrpc::transport::call";

/// The log formats the line can be written in directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// tracing-subscriber's full format without colours, target off, graphrpc's timestamp.
    Human,
    /// One JSON object: the event's fields flattened, no span fields, the target last.
    Json,
}

#[derive(Debug, Clone, Copy)]
struct Direct {
    format: Format,
    /// Whether the filter lets the call line through at INFO (calls) and DEBUG (probes).
    info: bool,
    debug: bool,
}

static DIRECT: OnceLock<Direct> = OnceLock::new();

/// Turns the direct line on. Called once the process's subscriber is installed, so that the
/// filter's answer for the call line's target can be read from it (the filter never changes
/// while graphrpc runs).
pub fn install(format: Format) {
    let info = tracing::enabled!(target: TARGET, Level::INFO);
    let debug = tracing::enabled!(target: TARGET, Level::DEBUG);
    let _ = DIRECT.set(Direct {
        format,
        info,
        debug,
    });
}

/// The format of the direct line, if it is on.
pub fn format() -> Option<Format> {
    DIRECT.get().map(|direct| direct.format)
}

/// What the call line says.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    /// DEBUG for probes and reflection, INFO otherwise.
    pub level: Level,
    pub method: &'a str,
    pub code: &'a str,
    /// The call's duration in microseconds (written as milliseconds).
    pub duration_us: u64,
    pub request_id: &'a str,
    pub trace_id: &'a str,
    pub principal: &'a str,
}

/// The RPC span of a call inside another span (where the line goes through tracing, which
/// prints the enclosing spans): only the fields of the prefix, method and request id.
pub fn span(method: &str, request_id: &str) -> Span {
    tracing::info_span!(target: TARGET, "rpc", method = %method, request_id = %request_id)
}

/// The line as a tracing event in `span`, where it cannot be written directly.
pub fn through_tracing(span: &Span, f: &Fields<'_>) {
    let Fields {
        method,
        code,
        request_id,
        trace_id,
        principal,
        ..
    } = *f;
    let duration_ms = f.duration_ms();
    if f.level == Level::DEBUG {
        tracing::debug!(target: TARGET, parent: span, method, code, duration_ms, request_id, trace_id, principal, "call");
    } else {
        tracing::info!(target: TARGET, parent: span, method, code, duration_ms, request_id, trace_id, principal, "call");
    }
}

impl Fields<'_> {
    /// The duration as the tracing event's `duration_ms` field has it.
    pub fn duration_ms(&self) -> f64 {
        self.duration_us as f64 / 1000.0
    }
}

/// Below this many microseconds the milliseconds have at most 15 significant digits, and
/// the shortest text that reads back as `duration_ms()` (what `{:?}` and serde_json write) is
/// the exact decimal: `<ms>.<up to three digits, trailing zeros cut>`, or `<ms>.0`.
const EXACT_BELOW_US: u64 = 1_000_000_000_000_000;

/// The duration in milliseconds, as `{:?}` and serde_json write `duration_ms()`, with
/// integer arithmetic; false (nothing written) past [`EXACT_BELOW_US`], where the two differ
/// (`1e16`, `1e+16`) and the caller writes it its own way.
fn push_millis(line: &mut Vec<u8>, f: &Fields<'_>) -> bool {
    let us = f.duration_us;
    if us >= EXACT_BELOW_US {
        return false;
    }
    let _ = write!(line, "{}.", us / 1000);
    let fraction = us % 1000;
    if fraction == 0 {
        line.push(b'0');
    } else {
        let digits = [fraction / 100, fraction / 10 % 10, fraction % 10];
        let len = if digits[2] != 0 {
            3
        } else if digits[1] != 0 {
            2
        } else {
            1
        };
        line.extend(digits[..len].iter().map(|d| b'0' + *d as u8));
    }
    true
}

/// Writes the line to the log buffer if the direct line is on and the filter lets it
/// through; false when the caller must log it through tracing instead. Kept out of line so
/// that the profile (bench/layers.py) can name its cost.
#[inline(never)]
pub fn write(fields: &Fields<'_>) -> bool {
    let Some(direct) = DIRECT.get() else {
        return false;
    };
    let wanted = if fields.level == Level::DEBUG {
        direct.debug
    } else {
        direct.info
    };
    if wanted {
        let mut line = Vec::with_capacity(384);
        // A Vec never refuses a write.
        match direct.format {
            Format::Human => {
                let _ = human(&mut line, fields);
            }
            Format::Json => {
                let _ = json(&mut line, fields);
            }
        }
        crate::log_writer::buffered(&line);
    }
    true
}

fn level_name(level: Level) -> &'static str {
    if level == Level::DEBUG {
        "DEBUG"
    } else {
        "INFO"
    }
}

/// The human line: timestamp, level, the RPC span's prefix, the fields.
fn human(line: &mut Vec<u8>, f: &Fields<'_>) -> std::io::Result<()> {
    crate::log_time::write_now(line);
    line.extend_from_slice(if f.level == Level::DEBUG {
        b" DEBUG rpc{method="
    } else {
        b"  INFO rpc{method="
    });
    line.extend_from_slice(f.method.as_bytes());
    line.extend_from_slice(b" request_id=");
    line.extend_from_slice(f.request_id.as_bytes());
    line.extend_from_slice(b"}: call method=");
    push_debug(line, f.method)?;
    line.extend_from_slice(b" code=");
    push_debug(line, f.code)?;
    line.extend_from_slice(b" duration_ms=");
    if !push_millis(line, f) {
        write!(line, "{:?}", f.duration_ms())?;
    }
    line.extend_from_slice(b" request_id=");
    push_debug(line, f.request_id)?;
    line.extend_from_slice(b" trace_id=");
    push_debug(line, f.trace_id)?;
    line.extend_from_slice(b" principal=");
    push_debug(line, f.principal)?;
    line.push(b'\n');
    Ok(())
}

/// `value` as `{:?}` writes it: quoted, and escaped where it has anything but printable ASCII
/// other than `"` and `\` (then `{:?}` itself writes it); the common case is a copy.
fn push_debug(line: &mut Vec<u8>, value: &str) -> std::io::Result<()> {
    if value
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
    {
        line.push(b'"');
        line.extend_from_slice(value.as_bytes());
        line.push(b'"');
        Ok(())
    } else {
        write!(line, "{value:?}")
    }
}

/// The JSON object, as tracing-subscriber's JSON formatter writes it (serde_json's escaping
/// and number formatting).
fn json(line: &mut Vec<u8>, f: &Fields<'_>) -> serde_json::Result<()> {
    // The timestamp is ASCII digits and separators: nothing to escape.
    line.extend_from_slice(b"{\"timestamp\":\"");
    crate::log_time::write_now(line);
    line.extend_from_slice(b"\",\"level\":");
    serde_json::to_writer(&mut *line, level_name(f.level))?;
    line.extend_from_slice(b",\"message\":\"call\",\"method\":");
    serde_json::to_writer(&mut *line, f.method)?;
    line.extend_from_slice(b",\"code\":");
    serde_json::to_writer(&mut *line, f.code)?;
    line.extend_from_slice(b",\"duration_ms\":");
    if !push_millis(line, f) {
        serde_json::to_writer(&mut *line, &f.duration_ms())?;
    }
    line.extend_from_slice(b",\"request_id\":");
    serde_json::to_writer(&mut *line, f.request_id)?;
    line.extend_from_slice(b",\"trace_id\":");
    serde_json::to_writer(&mut *line, f.trace_id)?;
    line.extend_from_slice(b",\"principal\":");
    serde_json::to_writer(&mut *line, f.principal)?;
    line.extend_from_slice(b",\"target\":");
    serde_json::to_writer(&mut *line, TARGET)?;
    line.extend_from_slice(b"}\n");
    Ok(())
}

#[cfg(test)]
mod tests;
