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
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn limits() -> QueryLimits {
        QueryLimits {
            default_timeout: Duration::from_secs(60),
            max_timeout: Duration::from_secs(600),
            default_max_rows: 100,
            max_rows: 1000,
            default_batch_size: 50,
            max_batch_size: 500,
            tx_idle_timeout: Duration::from_secs(30),
            max_cypher_bytes: 100,
            max_params: 3,
            max_param_depth: 4,
            max_value_bytes: 16,
            max_request_bytes: 1 << 20,
        }
    }

    fn request(cypher: &str) -> RunFields {
        RunFields {
            cypher: cypher.to_owned(),
            ..Default::default()
        }
    }

    fn plan(req: RunFields, kind: RunKind) -> Result<RunPlan, Status> {
        run_plan(req, &MetadataMap::new(), &limits(), kind)
    }

    #[test]
    fn defaults_apply() {
        let p = plan(request("RETURN 1"), RunKind::Unary).expect("valid");
        assert_eq!(p.max_rows, 100);
        assert_eq!(p.time_limit, Duration::from_secs(60));
        assert_eq!(p.statement.access_mode, AccessMode::Write);
        assert_eq!(p.statement.database, None);
        let p = plan(request("RETURN 1"), RunKind::Stream).expect("valid");
        assert_eq!(p.batch_size, 50);
    }

    #[test]
    fn the_smaller_of_timeout_and_deadline_wins() {
        let mut metadata = MetadataMap::new();
        metadata.insert("grpc-timeout", "1500m".parse().expect("ascii"));
        let mut req = request("RETURN 1");
        req.timeout = Some(prost_types::Duration {
            seconds: 10,
            nanos: 0,
        });
        let p = run_plan(req.clone(), &metadata, &limits(), RunKind::Unary).expect("valid");
        // 1500 ms less the margin that lets graphrpc answer before the caller's deadline.
        assert_eq!(p.time_limit, Duration::from_millis(1450));
        req.timeout = Some(prost_types::Duration {
            seconds: 1,
            nanos: 0,
        });
        let p = run_plan(req, &metadata, &limits(), RunKind::Unary).expect("valid");
        assert_eq!(p.time_limit, Duration::from_secs(1));
        assert_eq!(p.statement.timeout, Duration::from_secs(1));
    }

    #[test]
    fn grpc_timeout_units() {
        for (text, expected) in [
            ("2H", Duration::from_secs(7200)),
            ("3M", Duration::from_secs(180)),
            ("4S", Duration::from_secs(4)),
            ("5m", Duration::from_millis(5)),
            ("6u", Duration::from_micros(6)),
            ("99999999n", Duration::from_nanos(99_999_999)),
        ] {
            let mut metadata = MetadataMap::new();
            metadata.insert("grpc-timeout", text.parse().expect("ascii"));
            assert_eq!(grpc_timeout(&metadata).expect(text), Some(expected));
        }
        for bad in ["", "S", "12", "1x", "123456789S", "-1S"] {
            let mut metadata = MetadataMap::new();
            metadata.insert("grpc-timeout", bad.parse().expect("ascii"));
            assert!(grpc_timeout(&metadata).is_err(), "{bad}");
        }
    }

    #[test]
    fn bad_requests_name_the_field() {
        let cases: Vec<(RunFields, RunKind, &str)> = vec![
            (request("  "), RunKind::Unary, "cypher"),
            (
                RunFields {
                    max_rows: 1001,
                    ..request("RETURN 1")
                },
                RunKind::Unary,
                "max_rows",
            ),
            (
                RunFields {
                    batch_size: 501,
                    ..request("RETURN 1")
                },
                RunKind::Stream,
                "batch_size",
            ),
            (
                RunFields {
                    batch_size: 5,
                    ..request("RETURN 1")
                },
                RunKind::Unary,
                "batch_size",
            ),
            (
                RunFields {
                    max_rows: 5,
                    ..request("RETURN 1")
                },
                RunKind::Stream,
                "max_rows",
            ),
            (
                RunFields {
                    access_mode: 7,
                    ..request("RETURN 1")
                },
                RunKind::Unary,
                "access_mode",
            ),
            (
                RunFields {
                    timeout: Some(prost_types::Duration {
                        seconds: 601,
                        nanos: 0,
                    }),
                    ..request("RETURN 1")
                },
                RunKind::Unary,
                "timeout",
            ),
            (
                RunFields {
                    timeout: Some(prost_types::Duration {
                        seconds: -1,
                        nanos: 0,
                    }),
                    ..request("RETURN 1")
                },
                RunKind::Unary,
                "timeout",
            ),
            (
                RunFields {
                    timeout: Some(prost_types::Duration::default()),
                    ..request("RETURN 1")
                },
                RunKind::Unary,
                "timeout",
            ),
        ];
        for (req, kind, field) in cases {
            let status = plan(req, kind).expect_err(field);
            assert_eq!(status.code(), tonic::Code::InvalidArgument);
            assert!(
                status.message().starts_with(field),
                "{field}: {}",
                status.message()
            );
        }
    }

    #[test]
    fn params_merge_and_collisions_are_refused() {
        let mut req = request("RETURN $a, $b");
        req.params = HashMap::from([(
            "a".to_owned(),
            pb::Value {
                kind: Some(pb::value::Kind::Integer(1)),
            },
        )]);
        req.json_params = Some(prost_types::Struct {
            fields: [(
                "b".to_owned(),
                prost_types::Value {
                    kind: Some(prost_types::value::Kind::NumberValue(2.0)),
                },
            )]
            .into_iter()
            .collect(),
        });
        let p = plan(req.clone(), RunKind::Unary).expect("valid");
        assert_eq!(p.statement.params.value.len(), 2);

        req.json_params = Some(prost_types::Struct {
            fields: [("a".to_owned(), prost_types::Value::default())]
                .into_iter()
                .collect(),
        });
        let status = plan(req, RunKind::Unary).expect_err("collision");
        assert!(
            status.message().starts_with("json_params.a"),
            "{}",
            status.message()
        );
    }

    #[test]
    fn a_bad_param_is_named() {
        let mut req = request("RETURN $when");
        req.params = HashMap::from([(
            "when".to_owned(),
            pb::Value {
                kind: Some(pb::value::Kind::LocalTime(pb::LocalTime {
                    nanos_of_day: -5,
                })),
            },
        )]);
        let status = plan(req, RunKind::Unary).expect_err("bad");
        assert!(
            status.message().starts_with("params.when:"),
            "{}",
            status.message()
        );
    }

    #[test]
    fn batch_and_begin_errors_name_the_nested_field() {
        let metadata = MetadataMap::new();
        let status =
            batch_plan(pb::RunBatchRequest::default(), &metadata, &limits()).expect_err("empty");
        assert!(
            status.message().starts_with("statements:"),
            "{}",
            status.message()
        );

        let bad = pb::BatchStatement {
            cypher: "RETURN $x".into(),
            params: HashMap::from([(
                "x".to_owned(),
                pb::Value {
                    kind: Some(pb::value::Kind::Node(pb::Node::default())),
                },
            )]),
            ..Default::default()
        };
        let good = pb::BatchStatement {
            cypher: "RETURN 1".into(),
            ..Default::default()
        };
        let status = batch_plan(
            pb::RunBatchRequest {
                statements: vec![good.clone(), bad],
                ..Default::default()
            },
            &metadata,
            &limits(),
        )
        .expect_err("bad param");
        assert!(
            status.message().starts_with("statements[1].params.x:"),
            "{}",
            status.message()
        );

        let plan = batch_plan(
            pb::RunBatchRequest {
                statements: vec![good],
                metadata: HashMap::from([("who".to_owned(), "me".to_owned())]),
                access_mode: pb::AccessMode::Read.into(),
                ..Default::default()
            },
            &metadata,
            &limits(),
        )
        .expect("valid");
        assert_eq!(plan.options.access_mode, AccessMode::Read);
        assert_eq!(
            plan.options.metadata,
            vec![("who".to_owned(), "me".to_owned())]
        );
        assert_eq!(plan.max_rows, 100);

        let status = begin_plan(
            pb::Begin {
                timeout: Some(prost_types::Duration {
                    seconds: 601,
                    nanos: 0,
                }),
                ..Default::default()
            },
            &metadata,
            &limits(),
        )
        .expect_err("too long");
        assert!(
            status.message().starts_with("begin.timeout:"),
            "{}",
            status.message()
        );

        let status = transaction_statement(
            pb::TransactionStatement {
                cypher: "RETURN 1".into(),
                batch_size: 501,
                ..Default::default()
            },
            &limits(),
        )
        .expect_err("batch too large");
        assert!(
            status.message().starts_with("statement.batch_size:"),
            "{}",
            status.message()
        );
    }

    fn named_query() -> NamedQuery {
        let yaml = "queries:\n  - name: q\n    description: d\n    mode: write\n    idempotent: true\n    timeout: 5s\n    max_rows: 20\n    cypher: RETURN $a\n    parameters:\n      - {name: a, type: integer, default: 1}\n";
        crate::catalog::Catalog::parse(std::path::Path::new("c.yaml"), yaml.as_bytes(), &limits())
            .expect("valid")
            .get("q")
            .expect("present")
            .clone()
    }

    #[test]
    fn a_named_plan_takes_the_catalogs_text_mode_and_limits() {
        let q = named_query();
        let plan = |req: NamedFields, metadata: &MetadataMap, kind| {
            named_plan(req, &q, metadata, &limits(), kind)
        };
        let none = MetadataMap::new();
        let p = plan(NamedFields::default(), &none, RunKind::Unary).expect("valid");
        assert_eq!(p.statement.cypher, "RETURN $a");
        assert_eq!(p.statement.access_mode, AccessMode::Write);
        assert!(p.idempotent, "from the catalog");
        assert_eq!(p.time_limit, Duration::from_secs(5));
        assert_eq!(p.max_rows, 20);
        assert_eq!(
            p.statement.params.value.get(&neo4rs::BoltString::from("a")),
            Some(&neo4rs::BoltType::Integer(neo4rs::BoltInteger::new(1)))
        );
        let p = plan(NamedFields::default(), &none, RunKind::Stream).expect("valid");
        assert_eq!(p.batch_size, 50);

        let shorter = NamedFields {
            timeout: Some(prost_types::Duration {
                seconds: 2,
                nanos: 0,
            }),
            max_rows: 3,
            ..Default::default()
        };
        let p = plan(shorter.clone(), &none, RunKind::Unary).expect("valid");
        assert_eq!((p.time_limit, p.max_rows), (Duration::from_secs(2), 3));
        let mut metadata = MetadataMap::new();
        metadata.insert("grpc-timeout", "1000m".parse().expect("ascii"));
        let p = plan(shorter, &metadata, RunKind::Unary).expect("valid");
        assert_eq!(
            p.time_limit,
            Duration::from_millis(950),
            "the deadline is smaller"
        );

        let json_a = Some(prost_types::Struct {
            fields: [(
                "a".to_owned(),
                prost_types::Value {
                    kind: Some(prost_types::value::Kind::StringValue("x".into())),
                },
            )]
            .into_iter()
            .collect(),
        });
        for (req, kind, start) in [
            (
                NamedFields {
                    timeout: Some(prost_types::Duration {
                        seconds: 6,
                        nanos: 0,
                    }),
                    ..Default::default()
                },
                RunKind::Unary,
                "timeout: 6s is above named query `q`'s timeout of 5s",
            ),
            (
                NamedFields {
                    timeout: Some(prost_types::Duration::default()),
                    ..Default::default()
                },
                RunKind::Unary,
                "timeout: is zero",
            ),
            (
                NamedFields {
                    max_rows: 21,
                    ..Default::default()
                },
                RunKind::Unary,
                "max_rows: 21 is above named query `q`'s row limit of 20",
            ),
            (
                NamedFields {
                    max_rows: 1,
                    ..Default::default()
                },
                RunKind::Stream,
                "max_rows: applies to RunNamed only",
            ),
            (
                NamedFields {
                    batch_size: 1,
                    ..Default::default()
                },
                RunKind::Unary,
                "batch_size: applies to RunNamedStream only",
            ),
            (
                NamedFields {
                    batch_size: 501,
                    ..Default::default()
                },
                RunKind::Stream,
                "batch_size: 501 is above",
            ),
            (
                NamedFields {
                    json_params: json_a,
                    ..Default::default()
                },
                RunKind::Unary,
                "json_params.a: expected integer, got string",
            ),
            (
                NamedFields {
                    params: HashMap::from([(
                        "a".to_owned(),
                        pb::Value {
                            kind: Some(pb::value::Kind::String("y".repeat(17))),
                        },
                    )]),
                    ..Default::default()
                },
                RunKind::Unary,
                "params.a: holds a 17-byte value",
            ),
        ] {
            let status = plan(req, &none, kind).expect_err(start);
            assert_eq!(status.code(), tonic::Code::InvalidArgument);
            assert!(status.message().starts_with(start), "{}", status.message());
        }
    }

    #[test]
    fn request_limits_name_the_setting() {
        use pb::value::Kind;
        let value = |kind| pb::Value { kind: Some(kind) };
        let nested = |depth: usize| {
            let mut v = value(Kind::Integer(1));
            for _ in 1..depth {
                v = value(Kind::List(pb::ListValue { values: vec![v] }));
            }
            v
        };
        let with = |params: Vec<(&str, pb::Value)>| RunFields {
            params: params.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            ..request("RETURN 1")
        };
        let four: Vec<(&str, pb::Value)> = ["a", "b", "c", "d"]
            .into_iter()
            .map(|k| (k, value(Kind::Integer(1))))
            .collect();
        let cases = [
            (
                request(&"x".repeat(101)),
                "cypher",
                "GRAPHRPC_MAX_CYPHER_BYTES",
            ),
            (with(four), "params", "GRAPHRPC_MAX_PARAMS"),
            (
                with(vec![("deep", nested(5))]),
                "params.deep",
                "GRAPHRPC_MAX_PARAM_DEPTH",
            ),
            (
                with(vec![("s", value(Kind::String("y".repeat(17))))]),
                "params.s",
                "GRAPHRPC_MAX_VALUE_BYTES",
            ),
        ];
        for (req, field, setting) in cases {
            let status = plan(req, RunKind::Unary).expect_err(setting);
            assert_eq!(status.code(), tonic::Code::InvalidArgument);
            assert!(status.message().starts_with(field), "{}", status.message());
            assert!(status.message().contains(setting), "{}", status.message());
        }
        plan(with(vec![("ok", nested(4))]), RunKind::Unary).expect("4 levels are allowed");

        let mut json = request("RETURN $j");
        json.json_params = Some(prost_types::Struct {
            fields: [(
                "j".to_owned(),
                prost_types::Value {
                    kind: Some(prost_types::value::Kind::StringValue("z".repeat(17))),
                },
            )]
            .into_iter()
            .collect(),
        });
        let status = plan(json, RunKind::Unary).expect_err("json too large");
        assert!(
            status.message().starts_with("json_params.j"),
            "{}",
            status.message()
        );
    }
}
