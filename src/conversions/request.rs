//! Requests -> checked statements and transaction options, plus the limits that apply to
//! the call. Every request field is checked here, once, and named in the error when bad.

use std::{collections::HashMap, time::Duration};

use neo4rs::BoltMap;

use tonic::{metadata::MetadataMap, Status};

use crate::{
    catalog::NamedQuery,
    configuration::QueryLimits,
    conversions::{json, value},
    database::{AccessMode, Statement, TxOptions},
    errors::invalid_argument,
    proto::v1 as pb,
};

/// Which RPC a request came in on: some options apply to one of them only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    Unary,
    Stream,
}

/// A request, checked: what to run and within which bounds.
#[derive(Debug)]
pub struct RunPlan {
    pub statement: Statement,
    /// The smaller of the statement timeout and the gRPC deadline.
    pub time_limit: Duration,
    /// Unary: the most rows the response may hold.
    pub max_rows: u32,
    /// Stream: rows per batch.
    pub batch_size: u32,
    /// A WRITE the caller allows graphrpc to run again after a transient failure.
    pub idempotent: bool,
}

/// The fields of a RunRequest or RunStreamRequest: each RPC has its own message, and
/// the one the other RPC lacks is 0 here.
#[derive(Debug, Clone, Default)]
pub struct RunFields {
    pub cypher: String,
    pub params: HashMap<String, pb::Value>,
    pub json_params: Option<prost_types::Struct>,
    pub database: String,
    pub access_mode: i32,
    pub timeout: Option<prost_types::Duration>,
    pub bookmarks: Vec<String>,
    pub max_rows: u32,
    pub batch_size: u32,
    pub idempotent: bool,
}

impl From<pb::RunRequest> for RunFields {
    fn from(r: pb::RunRequest) -> Self {
        RunFields {
            cypher: r.cypher,
            params: r.params,
            json_params: r.json_params,
            database: r.database,
            access_mode: r.access_mode,
            timeout: r.timeout,
            bookmarks: r.bookmarks,
            max_rows: r.max_rows,
            batch_size: 0,
            idempotent: r.idempotent,
        }
    }
}

impl From<pb::RunStreamRequest> for RunFields {
    fn from(r: pb::RunStreamRequest) -> Self {
        RunFields {
            cypher: r.cypher,
            params: r.params,
            json_params: r.json_params,
            database: r.database,
            access_mode: r.access_mode,
            timeout: r.timeout,
            bookmarks: r.bookmarks,
            max_rows: 0,
            batch_size: r.batch_size,
            idempotent: r.idempotent,
        }
    }
}

/// The fields of a RunNamedRequest or RunNamedStreamRequest, like [`RunFields`].
#[derive(Debug, Clone, Default)]
pub struct NamedFields {
    pub name: String,
    pub params: HashMap<String, pb::Value>,
    pub json_params: Option<prost_types::Struct>,
    pub database: String,
    pub timeout: Option<prost_types::Duration>,
    pub bookmarks: Vec<String>,
    pub max_rows: u32,
    pub batch_size: u32,
}

impl From<pb::RunNamedRequest> for NamedFields {
    fn from(r: pb::RunNamedRequest) -> Self {
        NamedFields {
            name: r.name,
            params: r.params,
            json_params: r.json_params,
            database: r.database,
            timeout: r.timeout,
            bookmarks: r.bookmarks,
            max_rows: r.max_rows,
            batch_size: 0,
        }
    }
}

impl From<pb::RunNamedStreamRequest> for NamedFields {
    fn from(r: pb::RunNamedStreamRequest) -> Self {
        NamedFields {
            name: r.name,
            params: r.params,
            json_params: r.json_params,
            database: r.database,
            timeout: r.timeout,
            bookmarks: r.bookmarks,
            max_rows: 0,
            batch_size: r.batch_size,
        }
    }
}

pub fn run_plan(
    request: impl Into<RunFields>,
    metadata: &MetadataMap,
    limits: &QueryLimits,
    kind: RunKind,
) -> Result<RunPlan, Status> {
    let request: RunFields = request.into();
    let cypher = cypher("cypher", request.cypher, limits)?;
    let params = params("", request.params, request.json_params, limits)?;
    let access_mode = access_mode("access_mode", request.access_mode)?;
    let time_limit = time_limit("timeout", request.timeout, metadata, limits)?;

    let (max_rows, batch_size) = rows_or_batch(
        kind,
        ("Run", "RunStream"),
        (request.max_rows, request.batch_size),
        limits,
        |n| bounded("max_rows", n, limits.default_max_rows, limits.max_rows),
    )?;
    Ok(RunPlan {
        statement: Statement::new(
            cypher,
            params,
            database(request.database),
            access_mode,
            bookmarks(request.bookmarks),
            time_limit,
        ),
        time_limit,
        max_rows,
        batch_size,
        idempotent: request.idempotent,
    })
}

/// A unary call's row limit (by `unary_max_rows`) or a stream's batch size: each field
/// applies to one of the two RPCs (`rpcs`: unary, stream) and must be 0 in the other.
fn rows_or_batch(
    kind: RunKind,
    rpcs: (&str, &str),
    (max_rows, batch_size): (u32, u32),
    limits: &QueryLimits,
    unary_max_rows: impl FnOnce(u32) -> Result<u32, Status>,
) -> Result<(u32, u32), Status> {
    let (unary, stream) = rpcs;
    match kind {
        RunKind::Unary => {
            if batch_size != 0 {
                return Err(invalid_argument(
                    "batch_size",
                    format!("applies to {stream} only; leave it 0 for {unary}"),
                ));
            }
            Ok((unary_max_rows(max_rows)?, 0))
        }
        RunKind::Stream => {
            if max_rows != 0 {
                return Err(invalid_argument(
                    "max_rows",
                    format!("applies to {unary} only; {stream} has no row limit, leave it 0"),
                ));
            }
            let batch_size = bounded(
                "batch_size",
                batch_size,
                limits.default_batch_size,
                limits.max_batch_size,
            )?;
            Ok((0, batch_size))
        }
    }
}

/// A RunNamed or RunNamedStream request for `query`, checked: the Cypher text is the
/// catalog's, the request's parameters are checked against the query's schema (after the
/// same limits as Run's) and bound as parameters; timeout and max_rows may only tighten
/// the catalog's.
pub fn named_plan(
    request: impl Into<NamedFields>,
    query: &NamedQuery,
    metadata: &MetadataMap,
    limits: &QueryLimits,
    kind: RunKind,
) -> Result<RunPlan, Status> {
    let request: NamedFields = request.into();
    // Name each parameter where the caller put it; a missing one under `params`.
    let in_json: std::collections::HashSet<String> = request
        .json_params
        .as_ref()
        .map(|j| j.fields.keys().cloned().collect())
        .unwrap_or_default();
    let field = |name: &str| {
        if in_json.contains(name) {
            format!("json_params.{name}")
        } else {
            format!("params.{name}")
        }
    };
    let given = params("", request.params, request.json_params, limits)?;
    let params = query.bind(given, field)?;

    let timeout = match request.timeout {
        None => query.timeout,
        Some(t) => {
            let t = Duration::try_from(t).map_err(|_| {
                invalid_argument("timeout", "is negative; give a positive duration")
            })?;
            if t.is_zero() {
                return Err(invalid_argument(
                    "timeout",
                    "is zero; give a positive duration or leave it unset",
                ));
            }
            if t > query.timeout {
                return Err(invalid_argument(
                    "timeout",
                    format!(
                        "{} is above named query `{}`'s timeout of {}; a call may shorten it, not lengthen it",
                        humantime::format_duration(t),
                        query.name,
                        humantime::format_duration(query.timeout)
                    ),
                ));
            }
            t
        }
    };
    let time_limit = match grpc_timeout(metadata)? {
        Some(deadline) => timeout.min(answer_before(deadline)),
        None => timeout,
    };

    let (max_rows, batch_size) = rows_or_batch(
        kind,
        ("RunNamed", "RunNamedStream"),
        (request.max_rows, request.batch_size),
        limits,
        |n| {
            match n {
            0 => Ok(query.max_rows),
            n if n > query.max_rows => Err(invalid_argument(
                "max_rows",
                format!(
                    "{n} is above named query `{}`'s row limit of {}; a call may lower it, not raise it",
                    query.name, query.max_rows
                ),
            )),
            n => Ok(n),
        }
        },
    )?;
    Ok(RunPlan {
        statement: Statement::new(
            query.cypher.clone(),
            params,
            database(request.database),
            query.mode,
            bookmarks(request.bookmarks),
            time_limit,
        ),
        time_limit,
        max_rows,
        batch_size,
        idempotent: query.idempotent,
    })
}

/// A Transaction stream's Begin, checked.
#[derive(Debug)]
pub struct TransactionPlan {
    pub options: TxOptions,
    /// The smaller of the transaction timeout and the gRPC deadline.
    pub time_limit: Duration,
}

pub fn begin_plan(
    begin: pb::Begin,
    metadata: &MetadataMap,
    limits: &QueryLimits,
) -> Result<TransactionPlan, Status> {
    let time_limit = time_limit("begin.timeout", begin.timeout, metadata, limits)?;
    Ok(TransactionPlan {
        options: tx_options(
            begin.database,
            access_mode("begin.access_mode", begin.access_mode)?,
            begin.bookmarks,
            time_limit,
            begin.metadata,
        ),
        time_limit,
    })
}

/// One statement of a transaction: text, parameters, and (streamed) rows per batch.
pub fn transaction_statement(
    statement: pb::TransactionStatement,
    limits: &QueryLimits,
) -> Result<(String, BoltMap, u32), Status> {
    let cypher = cypher("statement.cypher", statement.cypher, limits)?;
    let params = params(
        "statement.",
        statement.params,
        statement.json_params,
        limits,
    )?;
    let batch_size = bounded(
        "statement.batch_size",
        statement.batch_size,
        limits.default_batch_size,
        limits.max_batch_size,
    )?;
    Ok((cypher, params, batch_size))
}

/// A RunBatch request, checked.
#[derive(Debug)]
pub struct BatchPlan {
    pub options: TxOptions,
    /// Each statement's text and parameters, in order.
    pub statements: Vec<(String, BoltMap)>,
    pub time_limit: Duration,
    /// The most rows all statements together may return.
    pub max_rows: u32,
    pub idempotent: bool,
}

pub fn batch_plan(
    request: pb::RunBatchRequest,
    metadata: &MetadataMap,
    limits: &QueryLimits,
) -> Result<BatchPlan, Status> {
    if request.statements.is_empty() {
        return Err(invalid_argument(
            "statements",
            "is empty; send at least one statement",
        ));
    }
    let mut statements = Vec::with_capacity(request.statements.len());
    for (i, statement) in request.statements.into_iter().enumerate() {
        let prefix = format!("statements[{i}].");
        let cypher = cypher(&format!("{prefix}cypher"), statement.cypher, limits)?;
        let params = params(&prefix, statement.params, statement.json_params, limits)?;
        statements.push((cypher, params));
    }
    let time_limit = time_limit("timeout", request.timeout, metadata, limits)?;
    Ok(BatchPlan {
        options: tx_options(
            request.database,
            access_mode("access_mode", request.access_mode)?,
            request.bookmarks,
            time_limit,
            request.metadata,
        ),
        statements,
        time_limit,
        max_rows: bounded(
            "max_rows",
            request.max_rows,
            limits.default_max_rows,
            limits.max_rows,
        )?,
        idempotent: request.idempotent,
    })
}

fn tx_options(
    database_name: String,
    access_mode: AccessMode,
    given_bookmarks: Vec<String>,
    timeout: Duration,
    metadata: HashMap<String, String>,
) -> TxOptions {
    TxOptions {
        database: database(database_name),
        access_mode,
        bookmarks: bookmarks(given_bookmarks),
        timeout,
        metadata: metadata.into_iter().collect(),
        database_user: None,
    }
}

fn cypher(field: &str, text: String, limits: &QueryLimits) -> Result<String, Status> {
    if text.trim().is_empty() {
        return Err(invalid_argument(field, "is empty; send a Cypher statement"));
    }
    if text.len() > limits.max_cypher_bytes {
        return Err(invalid_argument(
            field,
            format!(
                "is {} bytes, above the limit of {} (GRAPHRPC_MAX_CYPHER_BYTES); pass data as parameters",
                text.len(),
                limits.max_cypher_bytes
            ),
        ));
    }
    Ok(text)
}

/// Typed and JSON parameters merged into one map; `prefix` places the fields in the
/// request (`statements[2].`) for error messages.
fn params(
    prefix: &str,
    typed: HashMap<String, pb::Value>,
    json_params: Option<prost_types::Struct>,
    limits: &QueryLimits,
) -> Result<BoltMap, Status> {
    let count = typed.len() + json_params.as_ref().map_or(0, |j| j.fields.len());
    if count > limits.max_params {
        return Err(invalid_argument(
            &format!("{prefix}params"),
            format!(
                "has {count} parameters, above the limit of {} (GRAPHRPC_MAX_PARAMS)",
                limits.max_params
            ),
        ));
    }
    for (name, v) in &typed {
        check_value(limits, 1, v)
            .map_err(|reason| invalid_argument(&format!("{prefix}params.{name}"), reason))?;
    }
    if let Some(json) = &json_params {
        for (name, v) in &json.fields {
            check_json(limits, 1, v).map_err(|reason| {
                invalid_argument(&format!("{prefix}json_params.{name}"), reason)
            })?;
        }
    }
    let mut params = BoltMap::with_capacity(typed.len());
    for (name, v) in typed {
        let bolt = value::param_to_bolt(&name, v)
            .map_err(|e| invalid_argument(&format!("{prefix}params.{}", e.path), e.reason))?;
        params.put(name.into(), bolt);
    }
    if let Some(json_params) = json_params {
        for (name, v) in json_params.fields {
            let key = neo4rs::BoltString::from(name.as_str());
            if params.value.contains_key(&key) {
                return Err(invalid_argument(
                    &format!("{prefix}json_params.{name}"),
                    "is also in params; give each parameter once",
                ));
            }
            params.put(key, json::to_bolt(v));
        }
    }
    Ok(params)
}

/// Nesting depth and value sizes of a typed parameter. The recursion is bounded: protobuf
/// decoding already refused anything nested deeper than 100 levels.
fn check_value(limits: &QueryLimits, depth: usize, value: &pb::Value) -> Result<(), String> {
    use pb::value::Kind;
    if depth > limits.max_param_depth {
        return Err(too_deep(limits));
    }
    match &value.kind {
        Some(Kind::String(s)) => check_size(limits, s.len()),
        Some(Kind::Bytes(b)) => check_size(limits, b.len()),
        Some(Kind::List(list)) => list
            .values
            .iter()
            .try_for_each(|v| check_value(limits, depth + 1, v)),
        Some(Kind::Map(map)) => map
            .entries
            .values()
            .try_for_each(|v| check_value(limits, depth + 1, v)),
        _ => Ok(()),
    }
}

/// The same for a JSON parameter.
fn check_json(
    limits: &QueryLimits,
    depth: usize,
    value: &prost_types::Value,
) -> Result<(), String> {
    use prost_types::value::Kind;
    if depth > limits.max_param_depth {
        return Err(too_deep(limits));
    }
    match &value.kind {
        Some(Kind::StringValue(s)) => check_size(limits, s.len()),
        Some(Kind::ListValue(list)) => list
            .values
            .iter()
            .try_for_each(|v| check_json(limits, depth + 1, v)),
        Some(Kind::StructValue(s)) => s
            .fields
            .values()
            .try_for_each(|v| check_json(limits, depth + 1, v)),
        _ => Ok(()),
    }
}

fn too_deep(limits: &QueryLimits) -> String {
    format!(
        "nests lists and maps deeper than {} levels (GRAPHRPC_MAX_PARAM_DEPTH)",
        limits.max_param_depth
    )
}

fn check_size(limits: &QueryLimits, len: usize) -> Result<(), String> {
    if len > limits.max_value_bytes {
        return Err(format!(
            "holds a {len}-byte value, above the limit of {} (GRAPHRPC_MAX_VALUE_BYTES)",
            limits.max_value_bytes
        ));
    }
    Ok(())
}

fn access_mode(field: &str, mode: i32) -> Result<AccessMode, Status> {
    match pb::AccessMode::try_from(mode) {
        Ok(pb::AccessMode::Read) => Ok(AccessMode::Read),
        Ok(pb::AccessMode::Write | pb::AccessMode::Unspecified) => Ok(AccessMode::Write),
        Err(_) => Err(invalid_argument(
            field,
            format!("{mode} is not an access mode; use READ or WRITE"),
        )),
    }
}

/// The smaller of the requested (or default) timeout and the call's gRPC deadline.
fn time_limit(
    field: &str,
    requested: Option<prost_types::Duration>,
    metadata: &MetadataMap,
    limits: &QueryLimits,
) -> Result<Duration, Status> {
    let timeout = match requested {
        None => limits.default_timeout,
        Some(t) => {
            let t = Duration::try_from(t)
                .map_err(|_| invalid_argument(field, "is negative; give a positive duration"))?;
            if t.is_zero() {
                return Err(invalid_argument(
                    field,
                    "is zero; give a positive duration or leave it unset",
                ));
            }
            if t > limits.max_timeout {
                return Err(invalid_argument(
                    field,
                    format!(
                        "{} is above the server's maximum of {}",
                        humantime::format_duration(t),
                        humantime::format_duration(limits.max_timeout)
                    ),
                ));
            }
            t
        }
    };
    Ok(match grpc_timeout(metadata)? {
        Some(deadline) => timeout.min(answer_before(deadline)),
        None => timeout,
    })
}

/// Stop a little before the caller's deadline: tonic's own timer on that deadline started
/// when the request arrived, and when it fires the caller gets a bare CANCELLED instead of
/// graphrpc's DEADLINE_EXCEEDED saying what was stopped.
fn answer_before(deadline: Duration) -> Duration {
    deadline.saturating_sub((deadline / 10).min(Duration::from_millis(50)))
}

fn database(name: String) -> Option<String> {
    Some(name.trim().to_owned()).filter(|db| !db.is_empty())
}

fn bookmarks(bookmarks: Vec<String>) -> Vec<String> {
    bookmarks.into_iter().filter(|b| !b.is_empty()).collect()
}

fn bounded(field: &str, requested: u32, default: u32, max: u32) -> Result<u32, Status> {
    match requested {
        0 => Ok(default),
        n if n > max => Err(invalid_argument(
            field,
            format!("{n} is above the server's maximum of {max}"),
        )),
        n => Ok(n),
    }
}

/// The call's deadline from the `grpc-timeout` header: at most 8 digits and a unit
/// (H, M, S, m, u, n), as the gRPC over HTTP/2 specification defines it.
pub fn grpc_timeout(metadata: &MetadataMap) -> Result<Option<Duration>, Status> {
    let Some(value) = metadata.get("grpc-timeout") else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| Status::invalid_argument("the grpc-timeout header is malformed"))?;
    grpc_timeout_value(text).map(Some)
}

/// Parses one `grpc-timeout` value.
pub fn grpc_timeout_value(text: &str) -> Result<Duration, Status> {
    let malformed = || Status::invalid_argument("the grpc-timeout header is malformed");
    if text.len() < 2 || text.len() > 9 {
        return Err(malformed());
    }
    let (digits, unit) = text.split_at(text.len() - 1);
    let amount: u64 = digits.parse().map_err(|_| malformed())?;
    let duration = match unit {
        "H" => Duration::from_secs(amount.saturating_mul(3600)),
        "M" => Duration::from_secs(amount.saturating_mul(60)),
        "S" => Duration::from_secs(amount),
        "m" => Duration::from_millis(amount),
        "u" => Duration::from_micros(amount),
        "n" => Duration::from_nanos(amount),
        _ => return Err(malformed()),
    };
    Ok(duration)
}

#[cfg(test)]
mod tests;
