//! `graphrpc.v1.GraphQueryService`: RunNamed, RunNamedStream and ListNamedQueries, the named
//! queries of the catalog. A named query becomes the same [`RunPlan`] as a Run request and
//! runs through the same execution (retries, deadlines, streaming, principal checks).
//!
//! [`RunPlan`]: crate::conversions::request::RunPlan

use std::sync::Arc;

use tonic::{Request, Response, Status};

use crate::{
    api::{
        query_api::{execute, execute_stream, RunStreamStream},
        ApiState,
    },
    auth::{statements::StatementPolicy, Principal},
    catalog::{Catalog, NamedQuery},
    conversions::{
        named::{named_response, named_stream_message},
        request::{named_plan, RunKind},
        value,
    },
    database::AccessMode,
    errors::{self, invalid_argument},
    proto::v1::{
        self as pb, ListNamedQueriesRequest, ListNamedQueriesResponse, RunNamedRequest,
        RunNamedStreamRequest, RunNamedStreamResponse, RunStreamResponse,
    },
};

/// RunNamedStream's messages: RunStream's, under the named RPC's own message type.
pub type RunNamedStreamStream = futures::stream::Map<
    RunStreamStream,
    fn(Result<RunStreamResponse, Status>) -> Result<RunNamedStreamResponse, Status>,
>;

/// RunNamed: all rows in one response, like Run.
pub async fn run_named(
    state: &ApiState,
    request: Request<RunNamedRequest>,
) -> Result<Response<pb::RunNamedResponse>, Status> {
    let principal = Principal::of(&request)?;
    let (metadata, _, message) = request.into_parts();
    let catalog = current(state)?;
    let query = lookup(&catalog, &message.name, &principal, &state.statements)?;
    let plan = named_plan(message, query, &metadata, &state.limits, RunKind::Unary)?;
    execute(state, &principal, plan)
        .await
        .map(|response| Response::new(named_response(response)))
}

/// RunNamedStream: header, row batches, summary, like RunStream.
pub async fn run_named_stream(
    state: &ApiState,
    request: Request<RunNamedStreamRequest>,
) -> Result<Response<RunNamedStreamStream>, Status> {
    let principal = Principal::of(&request)?;
    let (metadata, _, message) = request.into_parts();
    let catalog = current(state)?;
    let query = lookup(&catalog, &message.name, &principal, &state.statements)?;
    let plan = named_plan(message, query, &metadata, &state.limits, RunKind::Stream)?;
    let to_named: fn(_) -> _ =
        |message: Result<RunStreamResponse, Status>| message.map(named_stream_message);
    execute_stream(state, &principal, plan)
        .await
        .map(|stream| Response::new(futures::StreamExt::map(stream, to_named)))
}

/// ListNamedQueries: the catalog in force, in the order of the file.
pub async fn list_named_queries(
    state: &ApiState,
    request: Request<ListNamedQueriesRequest>,
) -> Result<Response<ListNamedQueriesResponse>, Status> {
    Principal::of(&request)?;
    let catalog = current(state)?;
    Ok(Response::new(ListNamedQueriesResponse {
        queries: catalog.queries().iter().map(describe).collect(),
    }))
}

/// The catalog version in force; a call keeps the version it started with even if a
/// reload swaps it meanwhile.
fn current(state: &ApiState) -> Result<Arc<Catalog>, Status> {
    state
        .catalog
        .as_ref()
        .map(|catalog| catalog.load_full())
        .ok_or_else(|| {
            errors::refused(
                tonic::Code::FailedPrecondition,
                "no catalog configured: set GRAPHRPC_CATALOG_FILE",
                crate::errors::reason::CATALOG_NOT_CONFIGURED,
                [],
            )
        })
}

/// The named query, if it exists and the principal may run it. Authorization comes before
/// the parameters are checked, so a caller who may not run a query learns nothing of them.
fn lookup<'c>(
    catalog: &'c Catalog,
    name: &str,
    principal: &Principal,
    statements: &StatementPolicy,
) -> Result<&'c NamedQuery, Status> {
    if name.is_empty() {
        return Err(invalid_argument(
            "name",
            "is empty; give a named query (ListNamedQueries lists them)",
        ));
    }
    let query = catalog.get(name).ok_or_else(|| {
        errors::refused(
            tonic::Code::NotFound,
            format!("named query `{name}` is not in the catalog; ListNamedQueries lists the names"),
            crate::errors::reason::NAMED_QUERY_NOT_FOUND,
            [(errors::NAME_KEY, name.to_owned())],
        )
    })?;
    let what = format!("named query `{name}`");
    principal.check_mode(query.mode, &what)?;
    statements.check_classified(principal, &query.classification, &what)?;
    Ok(query)
}

fn describe(query: &NamedQuery) -> pb::NamedQuery {
    pb::NamedQuery {
        name: query.name.clone(),
        description: query.description.clone(),
        cypher: query.cypher.clone(),
        mode: match query.mode {
            AccessMode::Read => pb::AccessMode::Read,
            AccessMode::Write => pb::AccessMode::Write,
        }
        .into(),
        idempotent: query.idempotent,
        parameters: query
            .parameters
            .iter()
            .map(|p| pb::NamedQueryParameter {
                name: p.name.clone(),
                r#type: p.ty.to_string(),
                required: p.required,
                default_value: p.default.clone().map(value::from_bolt),
                description: p.description.clone(),
            })
            .collect(),
        // Catalog timeouts are at most GRAPHRPC_MAX_TIMEOUT, well within the proto range.
        timeout: prost_types::Duration::try_from(query.timeout).ok(),
        max_rows: query.max_rows,
    }
}
