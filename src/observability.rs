//! graphrpc's metrics: every name, unit and description in one place, and the helpers that
//! record them. Names follow Prometheus conventions (base units, `_total` for counters); the
//! admin listener serves them at `/metrics`.

use std::{sync::OnceLock, time::Duration};

use metrics::{
    counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram, Counter,
    Gauge, Histogram, Unit,
};

use neo4rs::PoolStatus;

pub const CALLS: &str = "graphrpc_rpc_calls_total";
pub const CALL_DURATION: &str = "graphrpc_rpc_duration_seconds";
pub const CALLS_IN_FLIGHT: &str = "graphrpc_rpc_in_flight";
pub const RESPONSE_BYTES: &str = "graphrpc_rpc_response_bytes_total";
pub const ROWS_SENT: &str = "graphrpc_rows_sent_total";
pub const LOAD_SHED: &str = "graphrpc_load_shed_total";
pub const STATEMENT_DURATION: &str = "graphrpc_db_statement_duration_seconds";
pub const DB_ERRORS: &str = "graphrpc_db_errors_total";
pub const POOL_CONNECTIONS: &str = "graphrpc_db_pool_connections";
pub const POOL_MAX: &str = "graphrpc_db_pool_max_connections";
pub const POOL_WAITING: &str = "graphrpc_db_pool_waiting";
pub const BOLT_VERSION: &str = "graphrpc_db_bolt_version";
pub const TRANSACTIONS_OPEN: &str = "graphrpc_transactions_open";
pub const RETRIES: &str = "graphrpc_retries_total";
pub const RELOADS: &str = "graphrpc_file_reloads_total";
pub const DENIED: &str = "graphrpc_calls_denied_total";
pub const STATEMENTS_REFUSED: &str = "graphrpc_statements_refused_total";
pub const READER_WRITES: &str = "graphrpc_reader_writes_detected_total";
pub const HEALTH_PROBES: &str = "graphrpc_health_probes_total";
pub const HEALTH_PROBE_DURATION: &str = "graphrpc_health_probe_duration_seconds";
pub const EXPORT_FAILURES: &str = "graphrpc_trace_export_failures_total";

/// The `rpc_method` label of the GraphQuery methods: the full gRPC path, the one form every
/// metric uses.
pub mod method {
    pub const RUN: &str = "/graphrpc.v1.GraphQueryService/Run";
    pub const RUN_STREAM: &str = "/graphrpc.v1.GraphQueryService/RunStream";
    pub const TRANSACTION: &str = "/graphrpc.v1.GraphQueryService/Transaction";
    pub const RUN_BATCH: &str = "/graphrpc.v1.GraphQueryService/RunBatch";
    pub const RUN_NAMED: &str = "/graphrpc.v1.GraphQueryService/RunNamed";
    pub const RUN_NAMED_STREAM: &str = "/graphrpc.v1.GraphQueryService/RunNamedStream";
    pub const LIST_NAMED_QUERIES: &str = "/graphrpc.v1.GraphQueryService/ListNamedQueries";
    /// The methods that send rows.
    pub const SENDING_ROWS: [&str; 6] = [
        RUN,
        RUN_STREAM,
        TRANSACTION,
        RUN_BATCH,
        RUN_NAMED,
        RUN_NAMED_STREAM,
    ];
}

pub fn describe_metrics() {
    describe_counter!(
        CALLS,
        Unit::Count,
        "Finished gRPC calls, by method and status code."
    );
    describe_histogram!(
        CALL_DURATION,
        Unit::Seconds,
        "gRPC call duration (until the last response byte), by method."
    );
    describe_gauge!(
        CALLS_IN_FLIGHT,
        Unit::Count,
        "gRPC calls in progress, streams included."
    );
    describe_counter!(
        RESPONSE_BYTES,
        Unit::Bytes,
        "Response bytes sent, by method."
    );
    describe_counter!(
        ROWS_SENT,
        Unit::Count,
        "Result rows sent to clients, by method."
    );
    describe_counter!(
        LOAD_SHED,
        Unit::Count,
        "Calls refused with RESOURCE_EXHAUSTED because the concurrency limit was reached."
    );
    describe_histogram!(
        STATEMENT_DURATION,
        Unit::Seconds,
        "Database statement duration, from RUN to the end of its result."
    );
    describe_counter!(
        DB_ERRORS,
        Unit::Count,
        "Database and driver errors, by Neo4j status code (or the driver's error kind)."
    );
    describe_gauge!(
        POOL_CONNECTIONS,
        Unit::Count,
        "Bolt connections of the pool, by state (in_use, idle)."
    );
    describe_gauge!(
        POOL_MAX,
        Unit::Count,
        "The pool's maximum number of Bolt connections."
    );
    describe_gauge!(
        POOL_WAITING,
        Unit::Count,
        "Callers waiting for a pooled connection."
    );
    describe_gauge!(
        BOLT_VERSION,
        "The Bolt protocol version the database connections negotiated, as major.minor (5.4)."
    );
    describe_gauge!(
        TRANSACTIONS_OPEN,
        Unit::Count,
        "Explicit transactions open (Transaction streams and batches)."
    );
    describe_counter!(
        RETRIES,
        Unit::Count,
        "Attempts repeated after a transient failure."
    );
    describe_counter!(
        RELOADS,
        Unit::Count,
        "Catalog and access file reloads, by file and result (ok, refused)."
    );
    describe_counter!(
        DENIED,
        Unit::Count,
        "Calls refused before any handler ran, by reason (unauthenticated, rate_limited)."
    );
    describe_counter!(
        STATEMENTS_REFUSED,
        Unit::Count,
        "Statements refused by the classifier before reaching the database, by statement kind."
    );
    describe_counter!(
        READER_WRITES,
        Unit::Count,
        "Security events: a reader's statement passed the classifier, yet the database reported changes."
    );
    describe_counter!(
        HEALTH_PROBES,
        Unit::Count,
        "Database health probes, by result (up, down); not in the statement metrics."
    );
    describe_histogram!(
        HEALTH_PROBE_DURATION,
        Unit::Seconds,
        "Database health probe duration."
    );
    describe_counter!(
        EXPORT_FAILURES,
        Unit::Count,
        "Batches of trace spans the OTLP exporter failed to send (and dropped)."
    );
    publish_counters_at_zero();
}

/// Counters exist from start-up at 0, for the label values known in advance, so that a rate
/// or an alert on them has a series before the first event (Prometheus cannot tell an absent
/// series from a broken scrape).
fn publish_counters_at_zero() {
    counter!(RETRIES).absolute(0);
    counter!(READER_WRITES).absolute(0);
    counter!(EXPORT_FAILURES).absolute(0);
    for code in ["connection", "login", "driver"] {
        counter!(DB_ERRORS, "neo4j_code" => code).absolute(0);
    }
    for reason in ["unauthenticated", "rate_limited"] {
        counter!(DENIED, "reason" => reason).absolute(0);
    }
    for result in ["up", "down"] {
        counter!(HEALTH_PROBES, "result" => result).absolute(0);
    }
    for method in method::SENDING_ROWS {
        counter!(ROWS_SENT, "rpc_method" => method).absolute(0);
        counter!(LOAD_SHED, "rpc_method" => method).absolute(0);
    }
    counter!(LOAD_SHED, "rpc_method" => method::LIST_NAMED_QUERIES).absolute(0);
}

/// The methods graphrpc serves, as metric labels. Any other path (a client calling a method
/// that does not exist) is "other": label values stay few, whatever clients send.
const METHODS: &[&str] = &[
    method::RUN,
    method::RUN_STREAM,
    method::TRANSACTION,
    method::RUN_BATCH,
    method::RUN_NAMED,
    method::RUN_NAMED_STREAM,
    method::LIST_NAMED_QUERIES,
    "/grpc.health.v1.Health/Check",
    "/grpc.health.v1.Health/Watch",
    "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
];

const OTHER: &str = "other";

/// The metric label for a request path: static, so recording allocates nothing.
pub fn method_label(path: &str) -> &'static str {
    METHODS
        .iter()
        .find(|m| **m == path)
        .copied()
        .unwrap_or(OTHER)
}

/// The per-call metrics of one method, looked up in the recorder once (the first call) and
/// kept: a lookup hashes the name and labels under a lock, a handle is an atomic add.
struct MethodHandles {
    /// By gRPC code (0..=16).
    calls: [Counter; 17],
    duration: Histogram,
    bytes: Counter,
    rows: Counter,
}

fn method_handles(method: &'static str) -> &'static MethodHandles {
    static HANDLES: OnceLock<Vec<MethodHandles>> = OnceLock::new();
    let all = HANDLES.get_or_init(|| {
        METHODS
            .iter()
            .chain(std::iter::once(&OTHER))
            .map(|&method| MethodHandles {
                calls: std::array::from_fn(|code| {
                    let code = code_name(tonic::Code::from(code as i32));
                    counter!(CALLS, "rpc_method" => method, "grpc_code" => code)
                }),
                duration: histogram!(CALL_DURATION, "rpc_method" => method),
                bytes: counter!(RESPONSE_BYTES, "rpc_method" => method),
                rows: counter!(ROWS_SENT, "rpc_method" => method),
            })
            .collect()
    });
    let index = METHODS
        .iter()
        .position(|m| std::ptr::eq(*m, method) || *m == method)
        .unwrap_or(METHODS.len());
    &all[index]
}

fn in_flight() -> &'static Gauge {
    static IN_FLIGHT: OnceLock<Gauge> = OnceLock::new();
    IN_FLIGHT.get_or_init(|| gauge!(CALLS_IN_FLIGHT))
}

/// Records a finished call: its count by code, its duration and its response bytes.
/// `method`: from [`method_label`].
pub fn call_finished(method: &'static str, code: tonic::Code, duration: Duration, bytes: u64) {
    let handles = method_handles(method);
    handles.calls[code as usize].increment(1);
    handles.duration.record(duration.as_secs_f64());
    if bytes > 0 {
        handles.bytes.increment(bytes);
    }
}

pub fn call_started() {
    in_flight().increment(1.0);
}

pub fn call_ended() {
    in_flight().decrement(1.0);
}

/// `method`: one of [`method`]'s constants.
pub fn rows_sent(method: &'static str, rows: u64) {
    method_handles(method).rows.increment(rows);
}

pub fn load_shed(method: &str) {
    counter!(LOAD_SHED, "rpc_method" => method_label(method)).increment(1);
}

pub fn statement_finished(duration: Duration) {
    static HANDLE: OnceLock<Histogram> = OnceLock::new();
    HANDLE
        .get_or_init(|| histogram!(STATEMENT_DURATION))
        .record(duration.as_secs_f64());
}

pub fn database_error(code: &str) {
    counter!(DB_ERRORS, "neo4j_code" => code.to_owned()).increment(1);
}

pub fn transaction_opened() {
    gauge!(TRANSACTIONS_OPEN).increment(1.0);
}

pub fn transaction_closed() {
    gauge!(TRANSACTIONS_OPEN).decrement(1.0);
}

pub fn file_reloaded(file: &'static str, ok: bool) {
    let result = if ok { "ok" } else { "refused" };
    counter!(RELOADS, "file" => file, "result" => result).increment(1);
}

pub fn call_denied(reason: &'static str) {
    counter!(DENIED, "reason" => reason).increment(1);
}

/// A statement the classifier refused; `kind`: read, write, schema, admin or unparsable.
pub fn statement_refused(kind: &'static str) {
    counter!(STATEMENTS_REFUSED, "kind" => kind).increment(1);
}

/// The second layer fired: the database reported changes for a reader's statement.
pub fn reader_write_detected() {
    counter!(READER_WRITES).increment(1);
}

pub fn retried() {
    counter!(RETRIES).increment(1);
}

pub fn health_probed(up: bool, duration: Duration) {
    let result = if up { "up" } else { "down" };
    counter!(HEALTH_PROBES, "result" => result).increment(1);
    histogram!(HEALTH_PROBE_DURATION).record(duration.as_secs_f64());
}

pub fn export_failed() {
    counter!(EXPORT_FAILURES).increment(1);
}

/// Pool gauges are read at scrape time, so they are never stale. The caller reads the
/// driver's pool status, so metrics need no database type (no import circle).
pub fn record_pool(status: Option<PoolStatus>) {
    if let Some(status) = status {
        let idle = status.available;
        gauge!(POOL_CONNECTIONS, "state" => "in_use").set(status.size.saturating_sub(idle) as f64);
        gauge!(POOL_CONNECTIONS, "state" => "idle").set(idle as f64);
        gauge!(POOL_MAX).set(status.max_size as f64);
        gauge!(POOL_WAITING).set(status.waiting as f64);
    }
}

/// The negotiated Bolt version as major.minor, read at scrape time like the pool gauges.
pub fn record_bolt_version(version: Option<neo4rs::Version>) {
    if let Some(version) = version {
        let (major, minor) = version.major_minor();
        gauge!(BOLT_VERSION).set(f64::from(major) + f64::from(minor) / 10.0);
    }
}

/// The canonical upper-case name, as grpcurl and the gRPC docs print it (the metrics'
/// `grpc_code` label; here so the transport layer depends on observability, not the reverse).
pub fn code_name(code: tonic::Code) -> &'static str {
    match code {
        tonic::Code::Ok => "OK",
        tonic::Code::Cancelled => "CANCELLED",
        tonic::Code::Unknown => "UNKNOWN",
        tonic::Code::InvalidArgument => "INVALID_ARGUMENT",
        tonic::Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        tonic::Code::NotFound => "NOT_FOUND",
        tonic::Code::AlreadyExists => "ALREADY_EXISTS",
        tonic::Code::PermissionDenied => "PERMISSION_DENIED",
        tonic::Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        tonic::Code::FailedPrecondition => "FAILED_PRECONDITION",
        tonic::Code::Aborted => "ABORTED",
        tonic::Code::OutOfRange => "OUT_OF_RANGE",
        tonic::Code::Unimplemented => "UNIMPLEMENTED",
        tonic::Code::Internal => "INTERNAL",
        tonic::Code::Unavailable => "UNAVAILABLE",
        tonic::Code::DataLoss => "DATA_LOSS",
        tonic::Code::Unauthenticated => "UNAUTHENTICATED",
    }
}
