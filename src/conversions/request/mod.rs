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

mod checks;
use checks::*;
pub use checks::{grpc_timeout, grpc_timeout_value};

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

#[cfg(test)]
mod tests;
